// Builds an optimizer from its kind name and a flat option bag, so a CLI or a checkpoint's
// metadata can choose one by string. Options that do not apply to the kind are ignored
// (a CLI may pass every flag's default); the ones that apply are validated by the optimizer.

import type { Kernels, ParamRegistry } from '@charrnn/tensor';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { OPTIMIZER_NAMES, isOptimizerName, type Optimizer, type OptimizerName } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { Momentum, SGD } from './sgd.js';

export interface OptimizerOptions {
  /** Learning rate; each kind has its own default when omitted. */
  readonly lr?: number;
  /** momentum: μ. */
  readonly momentum?: number;
  /** momentum: Nesterov's variant. */
  readonly nesterov?: boolean;
  /** adam. */
  readonly beta1?: number;
  /** adam. */
  readonly beta2?: number;
  /** adagrad (inside the square root), rmsprop and adam (outside). */
  readonly eps?: number;
  /** rmsprop: decay of the squared-gradient average. */
  readonly alpha?: number;
  /** The model's kernels: optimizer state is allocated in their memory and fused updates used where they exist. */
  readonly kernels?: Kernels;
}

export function createOptimizer(
  name: OptimizerName,
  registry: ParamRegistry,
  options: OptimizerOptions = {},
): Optimizer {
  if (!isOptimizerName(name)) {
    throw new RangeError(
      `createOptimizer: name must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  const { lr, momentum, nesterov, beta1, beta2, eps, alpha, kernels } = options;
  switch (name) {
    case 'adagrad':
      return new Adagrad(registry, { lr, eps, ...(kernels ? { kernels } : {}) });
    case 'sgd':
      return new SGD(registry, { lr });
    case 'momentum':
      return new Momentum(registry, { lr, momentum, nesterov });
    case 'rmsprop':
      return new RMSProp(registry, { lr, alpha, eps });
    case 'adam':
      return new Adam(registry, { lr, beta1, beta2, eps });
  }
}
