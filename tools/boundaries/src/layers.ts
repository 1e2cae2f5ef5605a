// Which project may import which. A project may import only projects on a lower layer, so the
// arrows of the import graph point one way (down) and no cycle can form. Apps and tools (any
// project under apps/ or tools/) sit on the top layer; a new package gets its line here.

/** Layer of each workspace package; a higher layer may import a lower one, never the reverse. */
export const PACKAGE_LAYERS: Readonly<Record<string, number>> = {
  '@charrnn/native': 0, // a leaf: the optional native gemm, handed to the wasm kernels by cli
  '@charrnn/tensor': 1, // dtype, prng, params, the kernel contract, its reference backend and conformance suite
  '@charrnn/kernels-wasm': 2, // the fast backends; below the models so their specs can run on them
  '@charrnn/corpus': 3,
  '@charrnn/model': 3,
  '@charrnn/optim': 3,
  '@charrnn/report': 3,
  '@charrnn/safetensors': 3,
  '@charrnn/train': 4,
  '@charrnn/gradcheck': 5,
  '@charrnn/sweep': 5,
  '@charrnn/cli': 5,
};

/** Layer of every project under apps/ and tools/. */
export const TOP_LAYER = 6;

/**
 * Packages that need Node (native code, the file system, process). Everything else runs in a
 * browser unchanged, so its production code may import these only if it is Node-only itself.
 */
export const NODE_ONLY: ReadonlySet<string> = new Set(['@charrnn/native', '@charrnn/cli']);
