import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParamRegistry, allocate, type Dtype } from '@charrnn/tensor';
import { applyClip, clipElementwise, clipGlobalNorm, globalGradNorm } from './clip.js';
import { expectClose, grads, makeRegistry, setGrads } from './spec-helpers.js';

const G = [3, -4, 0, 12, 0.5, -6, 5];
const NORM = Math.sqrt(9 + 16 + 144 + 0.25 + 36 + 25);

function withGrads(flat: readonly number[], dtype: Dtype = 'f64'): ParamRegistry {
  const registry = makeRegistry(dtype);
  setGrads(registry, flat);
  return registry;
}

/** A registry of two parameters whose grads come from a fast-check array. */
function fromArrays(a: number[], b: number[], dtype: Dtype): ParamRegistry {
  const registry = new ParamRegistry(dtype);
  for (const [name, g] of [
    ['a', a],
    ['b', b],
  ] as const) {
    const grad = allocate(dtype, g.length);
    grad.set(g);
    registry.add(name, [g.length], allocate(dtype, g.length), grad);
  }
  return registry;
}

const gradArray = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 20 });

describe('globalGradNorm', () => {
  it('is the L2 norm over all parameters', () => {
    expectClose([globalGradNorm(withGrads(G))], [NORM]);
    expect(globalGradNorm(withGrads([0, 0, 0, 0, 0, 0, 0]))).toBe(0);
  });

  it('does not overflow for large float64 grads, and reports NaN', () => {
    expectClose([globalGradNorm(withGrads([3e200, 4e200, 0, 0, 0, 0, 0]))], [5e200], 0, 1e-12);
    expect(globalGradNorm(withGrads([1, Number.NaN, 0, 0, 0, 0, 0]))).toBeNaN();
  });
});

describe('clipElementwise', () => {
  it('clamps entries into ±limit and reports the fraction changed and the norm before', () => {
    const registry = withGrads(G);
    const result = clipElementwise(registry, 5);
    expect(grads(registry)).toEqual([3, -4, 0, 5, 0.5, -5, 5]);
    expect(result.clippedFraction).toBe(2 / 7);
    expectClose([result.normBefore], [NORM]);
  });

  it('keeps every entry within the limit (property)', () => {
    fc.assert(
      fc.property(gradArray, gradArray, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (a, b, limit) => {
        const registry = fromArrays(a, b, 'f64');
        clipElementwise(registry, limit);
        return registry.list.every((p) => p.grad.every((v) => Math.abs(v) <= limit));
      }),
    );
  });

  it('rejects a non-positive limit', () => {
    expect(() => clipElementwise(makeRegistry(), 0)).toThrow(
      new RangeError('clipElementwise: limit must be a finite number > 0, got 0'),
    );
  });
});

describe('clipGlobalNorm', () => {
  it('rescales to exactly maxNorm when the norm exceeds it', () => {
    const registry = withGrads(G);
    const result = clipGlobalNorm(registry, 2);
    expect(result.scaled).toBe(true);
    expect(result.clippedFraction).toBe(1);
    expectClose([result.normBefore], [NORM]);
    expectClose([globalGradNorm(registry)], [2]);
    expectClose(
      grads(registry),
      G.map((v) => (v * 2) / NORM),
    );
  });

  it('leaves grads alone at or below maxNorm', () => {
    const registry = withGrads(G);
    const result = clipGlobalNorm(registry, NORM);
    expect(result).toEqual({ normBefore: globalGradNorm(withGrads(G)), scaled: false, clippedFraction: 0 });
    expect(grads(registry)).toEqual(G);
  });

  it('leaves non-finite grads alone so the divergence stays visible', () => {
    const registry = withGrads([1, Number.POSITIVE_INFINITY, 0, 0, 0, 0, 0]);
    expect(clipGlobalNorm(registry, 1)).toEqual({
      normBefore: Number.POSITIVE_INFINITY,
      scaled: false,
      clippedFraction: 0,
    });
    expect(grads(registry)[0]).toBe(1);
  });

  it('never raises the norm and ends at most maxNorm (property, both dtypes)', () => {
    fc.assert(
      fc.property(
        gradArray,
        gradArray,
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.constantFrom<Dtype>('f32', 'f64'),
        (a, b, maxNorm, dtype) => {
          const registry = fromArrays(a, b, dtype);
          const before = globalGradNorm(registry);
          const { normBefore } = clipGlobalNorm(registry, maxNorm);
          const after = globalGradNorm(registry);
          const roundoff = dtype === 'f32' ? 1e-6 : 1e-12;
          return normBefore === before && after <= before && after <= maxNorm * (1 + roundoff);
        },
      ),
    );
  });

  it('elementwise clipping never raises the norm either (property)', () => {
    fc.assert(
      fc.property(gradArray, gradArray, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (a, b, limit) => {
        const registry = fromArrays(a, b, 'f64');
        const { normBefore } = clipElementwise(registry, limit);
        return globalGradNorm(registry) <= normBefore;
      }),
    );
  });
});

describe('applyClip', () => {
  it('reports gradNorm before clipping and clippedFrac for each kind', () => {
    const elementwise = applyClip(withGrads(G), { kind: 'elementwise', value: 5 });
    expect(elementwise.clippedFrac).toBe(2 / 7);
    expectClose([elementwise.gradNorm], [NORM]);

    const norm = applyClip(withGrads(G), { kind: 'norm', value: 1 });
    expect(norm.clippedFrac).toBe(1);
    expectClose([norm.gradNorm], [NORM]);

    const registry = withGrads(G);
    const none = applyClip(registry, { kind: 'none', value: 0 });
    expect(none.clippedFrac).toBe(0);
    expectClose([none.gradNorm], [NORM]);
    expect(grads(registry)).toEqual(G);
  });

  it('rejects an unknown kind', () => {
    expect(() => applyClip(makeRegistry(), { kind: 'value' as 'none', value: 1 })).toThrow(
      new RangeError('applyClip: kind must be one of elementwise, norm, none, got "value"'),
    );
  });
});
