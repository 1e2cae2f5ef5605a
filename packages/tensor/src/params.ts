// The parameter registry: the single seam between a model, its optimizer, checkpoints and the
// gradient checker. Each entry is a named tensor with a gradient of the same shape; names are
// PyTorch's state_dict names, so checkpoints load into torch modules unchanged.

import { dtypeOf, type Dtype, type FloatArray } from './dtype.js';
import { formatShape, sizeOf } from './tensor.js';

export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: FloatArray;
  readonly grad: FloatArray;
}

export class ParamRegistry {
  private readonly byName = new Map<string, Param>();
  readonly list: Param[] = [];

  constructor(readonly dtype: Dtype) {}

  /** Registers a parameter; value and grad must be preallocated with the shape's size. */
  add(name: string, shape: readonly number[], value: FloatArray, grad: FloatArray): Param {
    if (this.byName.has(name)) throw new RangeError(`ParamRegistry.add: name must be unique, got "${name}" twice`);
    // Optimizer state and checkpoints use the registry's dtype for every parameter.
    if (!isFloatArray(value) || !isFloatArray(grad) || dtypeOf(value) !== this.dtype || dtypeOf(grad) !== this.dtype) {
      throw new TypeError(
        `ParamRegistry.add: ${name} value and grad must be ${this.dtype} arrays, got ${describe(value)} and ${describe(grad)}`,
      );
    }
    const size = sizeOf(shape);
    if (value.length !== size || grad.length !== size) {
      throw new RangeError(
        `ParamRegistry.add: ${name} value and grad must have ${size} entries for ${formatShape(shape)}, got ${value.length} and ${grad.length}`,
      );
    }
    const param: Param = { name, shape: [...shape], value, grad };
    this.byName.set(name, param);
    this.list.push(param);
    return param;
  }

  get(name: string): Param {
    const param = this.byName.get(name);
    if (!param) throw new RangeError(`ParamRegistry.get: no parameter "${name}"; have ${this.names().join(', ')}`);
    return param;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return this.list.map((p) => p.name);
  }

  /** Total number of scalar parameters. */
  count(): number {
    return this.list.reduce((sum, p) => sum + p.value.length, 0);
  }

  zeroGrads(): void {
    for (const p of this.list) p.grad.fill(0);
  }
}

function isFloatArray(x: unknown): x is FloatArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

function describe(x: unknown): string {
  return isFloatArray(x) ? dtypeOf(x) : Object.prototype.toString.call(x).slice(8, -1);
}
