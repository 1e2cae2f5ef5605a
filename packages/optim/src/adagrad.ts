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
  /** Kernels whose memory holds the state and whose `adagrad` step runs the update (default: the reference loop). */
  readonly kernels?: Kernels;
}

export class Adagrad extends Optimizer {
  readonly eps: number;

  constructor(registry: ParamRegistry, options: AdagradOptions = {}) {
    super('adagrad', registry, options.lr ?? 0.1, ['mem'], options.kernels);
    this.eps = nonNegative('adagrad', 'eps', options.eps ?? 1e-8);
  }

  /** The update is the kernels' fused `adagrad` step: its one JS loop is the reference kernel's. */
  protected override update(value: FloatArray, grad: FloatArray, slots: readonly FloatArray[]): void {
    this.ops.adagrad(value.length, value, grad, slots[0]!, this.lr, this.eps);
  }
}
