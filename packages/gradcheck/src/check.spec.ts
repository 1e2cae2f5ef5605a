import { describe, expect, it } from 'vitest';
import { Prng } from '@charrnn/tensor';
import { checkGradients, type EntryRow } from './check.js';
import type { GradTarget, GradTensor } from './target.js';

/** L = Σ_i sin(x_i)·y_i + Σ_j y_j³ (+ 100 with tinyY), with an optional deliberate error in one gradient entry of x. */
function sinTarget(
  options: { wrongX?: number; wrongBy?: number; tinyY?: boolean } = {},
): GradTarget & { x: GradTensor; y: GradTensor } {
  const rng = new Prng(5);
  const x: GradTensor = { name: 'x', shape: [3, 4], value: new Float64Array(12), grad: new Float64Array(12) };
  const y: GradTensor = { name: 'y', shape: [12], value: new Float64Array(12), grad: new Float64Array(12) };
  rng.fillUniform(x.value, -2, 2);
  rng.fillUniform(y.value, -1, 1);
  // ∂L/∂x = cos(x)·y ~ 1e-7 on top of a loss of ~100, whose round-off (ulp 1.4e-14) swamps it.
  if (options.tinyY) y.value.fill(1e-7);
  const offset = options.tinyY ? 100 : 0;
  return {
    x,
    y,
    tensors: [x, y],
    evaluate(withGradients) {
      let loss = offset;
      for (let i = 0; i < 12; i++) loss += Math.sin(x.value[i]!) * y.value[i]! + y.value[i]! ** 3;
      if (withGradients) {
        for (let i = 0; i < 12; i++) {
          x.grad[i] = Math.cos(x.value[i]!) * y.value[i]!;
          y.grad[i] = Math.sin(x.value[i]!) + 3 * y.value[i]! ** 2;
        }
        if (options.wrongX !== undefined) x.grad[options.wrongX]! *= 1 + (options.wrongBy ?? 1e-3);
      }
      return loss;
    },
  };
}

describe('checkGradients on a closed-form target', () => {
  it('passes a correct gradient with both stencils, the five-point one closer', () => {
    const three = checkGradients(sinTarget());
    const five = checkGradients(sinTarget(), { stencil: 5 });
    for (const report of [three, five]) {
      expect(report.pass).toBe(true);
      expect(report.failingTensors).toEqual([]);
      expect(report.checked).toBe(24);
      expect(report.tensors.map((t) => [t.name, t.shape, t.checked, t.failing])).toEqual([
        ['x', [3, 4], 12, 0],
        ['y', [12], 12, 0],
      ]);
    }
    expect([three.stencil, three.eps, three.atol, three.rtol]).toEqual([3, 1e-5, 1e-8, 1e-6]);
    expect([five.stencil, five.eps, five.atol, five.rtol]).toEqual([5, 5e-4, 2e-9, 1e-7]);
    for (let i = 0; i < 2; i++) expect(five.tensors[i]!.medianRelErr).toBeLessThan(three.tensors[i]!.medianRelErr);
  });

  it('fails exactly the tensor with the wrong entry and points at it', () => {
    const report = checkGradients(sinTarget({ wrongX: 6 }));
    expect(report.pass).toBe(false);
    expect(report.failingTensors).toEqual(['x']);
    const x = report.tensors[0]!;
    expect([x.failing, x.pass, x.worst?.index, x.worst?.multiIndex, x.worst?.ok]).toEqual([
      1,
      false,
      6,
      '[1,2]',
      false,
    ]);
    expect(Math.abs(x.worst!.relErr - 0.001 / 1.001)).toBeLessThanOrEqual(1e-7);
    expect(x.tolRatio).toBeGreaterThan(1);
    expect(report.failing).toBe(1);
  });

  it('the centered defaults fail a gradient wrong by more than 1e-6 relative (the house rule) and pass 5e-7', () => {
    expect(checkGradients(sinTarget({ wrongX: 3, wrongBy: 2e-6 })).failingTensors).toEqual(['x']);
    expect(checkGradients(sinTarget({ wrongX: 3, wrongBy: 5e-7 })).pass).toBe(true);
  });

  it('the five-point defaults catch a 1e-6 relative error (and below)', () => {
    const target = sinTarget({ wrongX: 3, wrongBy: 1e-6 });
    expect(checkGradients(target, { stencil: 5 }).failingTensors).toEqual(['x']);
  });

  it('passes tiny gradients through atol that a pure relative rule would fail', () => {
    const report = checkGradients(sinTarget({ tinyY: true }));
    expect(report.pass).toBe(true);
    expect(checkGradients(sinTarget({ tinyY: true }), { atol: 0 }).failingTensors).toEqual(['x']);
  });

  it('restores every perturbed value bit for bit', () => {
    const target = sinTarget();
    const before = target.tensors.map((t) => Float64Array.from(t.value));
    checkGradients(target, { stencil: 5, eps: 0.1 + 1e-9 });
    target.tensors.forEach((t, i) => expect(Array.from(t.value)).toEqual(Array.from(before[i]!)));
  });

  it('streams one CSV row per checked entry, in tensor then index order', () => {
    const rows: EntryRow[] = [];
    checkGradients(sinTarget({ wrongX: 2 }), { onEntry: (row) => rows.push(row) });
    expect(rows.map((r) => `${r.param}${r.index}`)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => `x${i}`),
      ...Array.from({ length: 12 }, (_, i) => `y${i}`),
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['param', 'index', 'analytic', 'numeric', 'abs_err', 'rel_err', 'ok']);
    expect(rows.filter((r) => !r.ok).map((r) => r.index)).toEqual([2]);
    for (const r of rows) expect(r.abs_err).toBe(Math.abs(r.analytic - r.numeric));
  });

  it('checks exactly K random entries per tensor (all when fewer), the same ones for the same seed', () => {
    const picked = (seed: number, entries: number): string[] => {
      const rows: string[] = [];
      const report = checkGradients(sinTarget(), {
        entries,
        rng: new Prng(seed),
        onEntry: (r) => rows.push(`${r.param}${r.index}`),
      });
      expect(report.tensors.map((t) => t.checked)).toEqual([Math.min(entries, 12), Math.min(entries, 12)]);
      return rows;
    };
    const a = picked(1, 5);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(picked(1, 5)).toEqual(a);
    expect(picked(2, 5)).not.toEqual(a);
    expect(picked(1, 50)).toHaveLength(24);
  });

  it('refuses bad options and targets', () => {
    const t = sinTarget();
    expect(() => checkGradients(t, { eps: 0 })).toThrow(
      new RangeError('checkGradients: options.eps must be a positive finite number, got 0'),
    );
    expect(() => checkGradients(t, { stencil: 4 as 3 })).toThrow(/options.stencil must be 3 or 5, got 4/);
    expect(() => checkGradients(t, { entries: 2.5 })).toThrow(
      /options.entries must be 'all' or a positive integer, got 2.5/,
    );
    expect(() => checkGradients(t, { entries: 3 })).toThrow(TypeError);
    expect(() => checkGradients(t, { atol: -1 })).toThrow(/options.atol must be a non-negative finite number/);
    const f32: GradTarget = {
      tensors: [{ name: 'w', shape: [2], value: new Float32Array(2), grad: new Float32Array(2) }],
      evaluate: () => 0,
    };
    expect(() => checkGradients(f32)).toThrow(/w value must be float64, got Float32Array/);
    const misShaped: GradTarget = {
      tensors: [{ name: 'w', shape: [3], value: new Float64Array(2), grad: new Float64Array(2) }],
      evaluate: () => 0,
    };
    expect(() => checkGradients(misShaped)).toThrow(/w value and grad must have 3 entries for \[3\], got 2 and 2/);
  });

  it('refuses a target whose loss changes between identical calls', () => {
    let calls = 0;
    const drifting: GradTarget = { tensors: [], evaluate: () => ++calls };
    expect(() => checkGradients(drifting)).toThrow(
      /target.evaluate must give the same loss for the same values, got 1 then 2/,
    );
  });
});
