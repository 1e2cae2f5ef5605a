// A fast backend passed in: the wasm kernels' clip, norm and Adagrad update agree with the default
// (reference) kernels. The reference path itself answers to closed forms in clip.spec.ts and
// adagrad.spec.ts, never to itself.
import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '@charrnn/kernels-wasm';
import { ParamRegistry, Prng, referenceKernels, type Dtype, type Kernels } from '@charrnn/tensor';
import { Adagrad } from './adagrad.js';
import { applyClip } from './clip.js';

const wasm = loadWasmKernels();
const backends: Kernels[] = 'unavailable' in wasm ? [] : [wasm];

it('has the wasm backend to compare (Node 20 runs WebAssembly SIMD)', () => {
  expect(backends.map((k) => k.name)).toEqual(['wasm-simd']);
});

function registry(kernels: Kernels, dtype: Dtype, seed: number): ParamRegistry {
  const prng = new Prng(seed);
  const reg = new ParamRegistry(dtype);
  for (const [name, n] of [
    ['a', 7],
    ['b', 130],
    ['c', 1],
  ] as const) {
    const value = kernels.alloc(dtype, n);
    const grad = kernels.alloc(dtype, n);
    for (let i = 0; i < n; i++) {
      value[i] = prng.uniformIn(-1, 1);
      grad[i] = prng.uniformIn(-8, 8);
    }
    reg.add(name, [n], value, grad);
  }
  return reg;
}

function flat(reg: ParamRegistry, what: 'value' | 'grad'): number[] {
  return reg.list.flatMap((p) => Array.from(p[what]));
}

describe.each(backends.map((k) => [k.name, k] as const))('clip and Adagrad through %s kernels', (_name, kernels) => {
  for (const dtype of ['f32', 'f64'] as const) {
    const tol = dtype === 'f32' ? { atol: 1e-5, rtol: 1e-4 } : { atol: 1e-12, rtol: 1e-10 };
    const close = (got: number[], expected: number[]): void => {
      got.forEach((g, i) => {
        const e = expected[i]!;
        if (!(Math.abs(g - e) <= tol.atol + tol.rtol * Math.abs(e))) expect.fail(`entry ${i}: got ${g}, expected ${e}`);
      });
    };

    it(`matches the reference kernels for ${dtype} (elementwise and norm clipping, two Adagrad steps)`, () => {
      for (const kind of ['elementwise', 'norm', 'none'] as const) {
        const plain = registry(referenceKernels, dtype, 3);
        const fused = registry(kernels, dtype, 3);
        const a = applyClip(plain, { kind, value: 5 });
        const b = applyClip(fused, { kind, value: 5 }, kernels);
        close([b.gradNorm, b.clippedFrac], [a.gradNorm, a.clippedFrac]);
        close(flat(fused, 'grad'), flat(plain, 'grad'));
        const optPlain = new Adagrad(plain);
        const optFused = new Adagrad(fused, { kernels });
        for (let s = 0; s < 2; s++) {
          optPlain.step();
          optFused.step();
        }
        close(flat(fused, 'value'), flat(plain, 'value'));
        close(
          Array.from(optFused.stateTensors()['optim.b.mem']!.data),
          Array.from(optPlain.stateTensors()['optim.b.mem']!.data),
        );
      }
    });
  }
});

describe.each(backends.map((k) => [k.name, k] as const))(
  'one-pass float32 gradient statistics (%s)',
  (_name, kernels) => {
    it('give the clip the same norm, fractions and grads, to the bit, as the two passes (absMax, then scaledSumOfSquares)', () => {
      // The same backend without absMaxAndSumOfSquares: clip.ts then makes its two passes.
      const bound = new Proxy(kernels, {
        get(target, key) {
          if (key === 'absMaxAndSumOfSquares') return undefined;
          const v: unknown = Reflect.get(target, key);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      expect(typeof kernels.absMaxAndSumOfSquares).toBe('function');
      for (const kind of ['elementwise', 'norm', 'none'] as const) {
        for (const value of [5, 0.5]) {
          const one = registry(kernels, 'f32', 9);
          const two = registry(kernels, 'f32', 9);
          const a = applyClip(one, { kind, value }, kernels);
          const b = applyClip(two, { kind, value }, bound);
          expect(a).toEqual(b);
          expect(flat(one, 'grad')).toEqual(flat(two, 'grad'));
        }
      }
    });
  },
);
