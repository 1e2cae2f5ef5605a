// Adagrad exactly as the seed (min-char-rnn): mem += g²; p −= lr·g / √(mem + eps), with eps
// inside the square root. The seed's optimizer and this package's default.

import type { FloatArray, Kernels, ParamRegistry } from '@charrnn/tensor';
import { nonNegative } from './check.js';
import { Optimizer } from './optimizer.js';

export interface AdagradOptions {
  /** Default 0.1 (the seed's). */
  readonly lr?: number;
  /** Added inside the square root, default 1e-8. */
  readonly eps?: number;
  /** Kernels whose memory holds the state and whose fused `adagrad` runs the update (wasm: SIMD). */
  readonly kernels?: Kernels;
}

export class Adagrad extends Optimizer {
  readonly eps: number;

  constructor(registry: ParamRegistry, options: AdagradOptions = {}) {
    super('adagrad', registry, options.lr ?? 0.1, ['mem'], options.kernels);
    this.eps = nonNegative('adagrad', 'eps', options.eps ?? 1e-8);
  }

  protected override update(value: FloatArray, grad: FloatArray, slots: readonly FloatArray[]): void {
    const mem = slots[0]!;
    const lr = this.lr;
    const eps = this.eps;
    if (this.kernels?.adagrad) {
      this.kernels.adagrad(value.length, value, grad, mem, lr, eps);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const g = grad[i]!;
      mem[i]! += g * g;
      value[i]! -= (lr * g) / Math.sqrt(mem[i]! + eps);
    }
  }
}
