// Shared by this package's specs: a small model with a random window and a float64
// centered-difference gradient, written independently of the gradcheck package.

import { Prng } from '@charrnn/tensor';
import type { FloatArray } from '@charrnn/tensor';
import type { CellName, ModelConfig } from './config.js';
import { CharRnnModel, type WindowOptions } from './model.js';
import { initializeParams } from './init.js';
import { cloneState, type RecurrentState } from './state.js';

export interface Case {
  model: CharRnnModel;
  inputs: Int32Array;
  targets: Int32Array;
  T: number;
  B: number;
  state: RecurrentState;
}

/** A random window for a small f64 model; `extra` sets further model options (outputDropout, weightDrop). */
export function randomCase(
  cell: CellName,
  layers: number,
  B: number,
  seed = 1,
  dropout = 0,
  extra: Partial<ModelConfig> = {},
): Case {
  const V = 7;
  const H = 5;
  const T = 4;
  const rng = new Prng(seed);
  const model = new CharRnnModel({ cell, vocabSize: V, hiddenSize: H, layers, dropout, dtype: 'f64', ...extra });
  initializeParams(model.params, 'pytorch', 1, rng); // uniform ±1: far from linear, so errors show
  const inputs = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = Int32Array.from({ length: T * B }, () => rng.int(extra.outputSize ?? V)); // labels when tagging
  const state = model.createState(B);
  for (const h of state.h) rng.fillUniform(h, -0.9, 0.9);
  for (const c of state.c ?? []) rng.fillUniform(c, -0.9, 0.9);
  return { model, inputs, targets, T, B, state };
}

/** The window's loss from the case's incoming state; options.train with a fresh seeded rng fixes the dropout mask. */
export function windowLoss(c: Case, options?: () => WindowOptions): number {
  const state = cloneState(c.state, c.model.kernels, 'f64');
  return c.model.forward(c.inputs, c.targets, c.T, c.B, state, options?.());
}

export function numericGradient(c: Case, values: FloatArray, eps = 1e-6, options?: () => WindowOptions): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const saved = values[i]!;
    values[i] = saved + eps;
    const plus = windowLoss(c, options);
    values[i] = saved - eps;
    const minus = windowLoss(c, options);
    values[i] = saved;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

/** The window's analytic gradients (into each parameter's grad), from a float64 copy of the case's incoming state: the case keeps its own for the differences. */
export function windowGradients(c: Case, options?: Parameters<CharRnnModel['lossAndGradients']>[5]): number {
  return c.model.lossAndGradients(c.inputs, c.targets, c.T, c.B, cloneState(c.state, c.model.kernels, 'f64'), options);
}

/** A parameter's analytic gradient against float64 centered differences (eps 1e-6, atol 1e-8, rtol 1e-6); ≤ 1 passes. */
export function gradientError(
  c: Case,
  p: { readonly grad: FloatArray; readonly value: FloatArray },
  options?: () => WindowOptions,
): number {
  return maxError(Float64Array.from(p.grad), numericGradient(c, p.value, 1e-6, options), 1e-8, 1e-6);
}

export function maxError(a: ArrayLike<number>, e: ArrayLike<number>, atol: number, rtol: number): number {
  // The worst ratio of error to allowance; ≤ 1 passes.
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!) / (atol + rtol * Math.abs(e[i]!)));
  return worst;
}
