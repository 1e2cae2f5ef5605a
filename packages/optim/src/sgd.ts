// Plain SGD (p −= lr·g) and SGD with momentum in PyTorch's convention: v = μ·v + g; p −= lr·v,
// or with Nesterov p −= lr·(g + μ·v). They are separate kinds because their saved state differs.

import type { FloatArray, ParamRegistry } from '@charrnn/tensor';
import { boolean, unitInterval } from './check.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  /** Default 0.01. */
  readonly lr?: number;
}

export class SGD extends Optimizer {
  constructor(registry: ParamRegistry, options: SGDOptions = {}) {
    super('sgd', registry, options.lr ?? 0.01, []);
  }

  protected override update(value: FloatArray, grad: FloatArray): void {
    const lr = this.lr;
    for (let i = 0; i < value.length; i++) value[i]! -= lr * grad[i]!;
  }
}

export interface MomentumOptions {
  /** Default 0.01. */
  readonly lr?: number;
  /** μ in [0, 1), default 0.9. */
  readonly momentum?: number;
  /** Default false. */
  readonly nesterov?: boolean;
}

export class Momentum extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(registry: ParamRegistry, options: MomentumOptions = {}) {
    super('momentum', registry, options.lr ?? 0.01, ['velocity']);
    this.momentum = unitInterval('momentum', 'momentum', options.momentum ?? 0.9);
    this.nesterov = boolean('momentum', 'nesterov', options.nesterov ?? false);
  }

  protected override update(value: FloatArray, grad: FloatArray, slots: readonly FloatArray[]): void {
    const velocity = slots[0]!;
    const lr = this.lr;
    const mu = this.momentum;
    // The zero-initialised buffer makes the first step v = g, as PyTorch's clone on step 1.
    if (this.nesterov) {
      for (let i = 0; i < value.length; i++) {
        const g = grad[i]!;
        velocity[i] = mu * velocity[i]! + g;
        value[i]! -= lr * (g + mu * velocity[i]!);
      }
    } else {
      for (let i = 0; i < value.length; i++) {
        velocity[i] = mu * velocity[i]! + grad[i]!;
        value[i]! -= lr * velocity[i]!;
      }
    }
  }
}
