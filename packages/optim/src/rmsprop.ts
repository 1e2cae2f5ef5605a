// RMSProp in PyTorch's convention: sq = α·sq + (1−α)·g²; p −= lr·g / (√sq + eps), eps outside
// the square root (unlike Adagrad's seed form).

import type { FloatArray, ParamRegistry } from '@charrnn/tensor';
import { nonNegative, unitInterval } from './check.js';
import { Optimizer } from './optimizer.js';

export interface RMSPropOptions {
  /** Default 0.01 (PyTorch's). */
  readonly lr?: number;
  /** Decay of the squared-gradient average, in [0, 1), default 0.99. */
  readonly alpha?: number;
  /** Added to √sq, default 1e-8. */
  readonly eps?: number;
}

export class RMSProp extends Optimizer {
  readonly alpha: number;
  readonly eps: number;

  constructor(registry: ParamRegistry, options: RMSPropOptions = {}) {
    super('rmsprop', registry, options.lr ?? 0.01, ['square_avg']);
    this.alpha = unitInterval('rmsprop', 'alpha', options.alpha ?? 0.99);
    this.eps = nonNegative('rmsprop', 'eps', options.eps ?? 1e-8);
  }

  protected override update(value: FloatArray, grad: FloatArray, slots: readonly FloatArray[]): void {
    const sq = slots[0]!;
    const { lr, alpha, eps } = this;
    const oneMinusAlpha = 1 - alpha;
    for (let i = 0; i < value.length; i++) {
      const g = grad[i]!;
      sq[i] = alpha * sq[i]! + oneMinusAlpha * g * g;
      value[i]! -= (lr * g) / (Math.sqrt(sq[i]!) + eps);
    }
  }
}
