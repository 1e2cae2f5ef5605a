// Adam in PyTorch's convention: biased moments m, v; bias corrections 1−β^t from a step counter
// that is part of the saved state; eps outside the square root. The arithmetic follows PyTorch's
// single-tensor path: p −= (lr / bc1) · m / (√v / √bc2 + eps).

import type { FloatArray, ParamRegistry } from '@charrnn/tensor';
import { nonNegative, unitInterval } from './check.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  /** Default 0.001 (PyTorch's). */
  readonly lr?: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Added to the corrected √v, default 1e-8. */
  readonly eps?: number;
}

const STEP = 'optim.step';

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private t = 0;
  private stepSize = 0;
  private sqrtBias2 = 1;

  constructor(registry: ParamRegistry, options: AdamOptions = {}) {
    super('adam', registry, options.lr ?? 0.001, ['m', 'v']);
    this.beta1 = unitInterval('adam', 'beta1', options.beta1 ?? 0.9);
    this.beta2 = unitInterval('adam', 'beta2', options.beta2 ?? 0.999);
    this.eps = nonNegative('adam', 'eps', options.eps ?? 1e-8);
  }

  /** Updates applied so far. */
  get stepCount(): number {
    return this.t;
  }

  protected override beginStep(): void {
    this.t++;
    this.stepSize = this.lr / (1 - this.beta1 ** this.t);
    this.sqrtBias2 = Math.sqrt(1 - this.beta2 ** this.t);
  }

  protected override update(value: FloatArray, grad: FloatArray, slots: readonly FloatArray[]): void {
    const m = slots[0]!;
    const v = slots[1]!;
    const { beta1, beta2, eps, stepSize, sqrtBias2 } = this;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    for (let i = 0; i < value.length; i++) {
      const g = grad[i]!;
      m[i] = beta1 * m[i]! + oneMinusBeta1 * g;
      v[i] = beta2 * v[i]! + oneMinusBeta2 * g * g;
      value[i]! -= (stepSize * m[i]!) / (Math.sqrt(v[i]!) / sqrtBias2 + eps);
    }
  }

  override stateScalars(): Record<string, number> {
    return { [STEP]: this.t };
  }

  protected override restoreScalars(scalars: Readonly<Record<string, number>>): void {
    const t = scalars[STEP]!;
    if (!Number.isInteger(t) || t < 0) {
      throw new RangeError(`adam.loadState: scalar "${STEP}" must be a non-negative integer, got ${t}`);
    }
    this.t = t;
  }
}
