// Which project may import which. A project may import only projects on a lower layer, so the
// arrows of the import graph point one way (down) and no cycle can form. Apps and tools (any
// project under apps/ or tools/) sit on the top layer; a new package gets its line here.

/** Layer of each workspace package; a higher layer may import a lower one, never the reverse. */
export const PACKAGE_LAYERS: Readonly<Record<string, number>> = {
  '@charrnn/native': 0, // a leaf: the optional native gemm, handed to tensor's kernels by cli
  '@charrnn/tensor': 1,
  '@charrnn/corpus': 2,
  '@charrnn/model': 2,
  '@charrnn/optim': 2,
  '@charrnn/report': 2,
  '@charrnn/safetensors': 2,
  '@charrnn/train': 3,
  '@charrnn/gradcheck': 4,
  '@charrnn/sweep': 4,
  '@charrnn/cli': 4,
};

/** Layer of every project under apps/ and tools/. */
export const TOP_LAYER = 5;

/**
 * Packages that need Node (native code, the file system, process). Everything else runs in a
 * browser unchanged, so its production code may import these only if it is Node-only itself.
 */
export const NODE_ONLY: ReadonlySet<string> = new Set(['@charrnn/native', '@charrnn/cli']);
