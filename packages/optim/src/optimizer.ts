// The optimizer base, after tinygrad's optim: it owns the per-parameter state slots (allocated
// once, in the registry's dtype), the learning rate and the checkpoint save/restore of that state.
// Each optimizer supplies only its per-parameter update. Runs last in a step: backward → clip → step().

import {
  allocate,
  completeKernels,
  formatShape,
  referenceKernels,
  shapesEqual,
  sizeOf,
  type CompleteKernels,
  type FloatArray,
  type Kernels,
  type Param,
  type ParamRegistry,
} from '@charrnn/tensor';
import { nonNegative } from './check.js';

export const OPTIMIZER_NAMES = ['adagrad', 'sgd', 'momentum', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export function isOptimizerName(value: unknown): value is OptimizerName {
  return (OPTIMIZER_NAMES as readonly unknown[]).includes(value);
}

/** One saved state slot: the shape of its parameter and a flat copy of the data. */
export interface StateTensor {
  readonly shape: number[];
  readonly data: FloatArray;
}

/** What loadState accepts: any tensor map (e.g. a whole checkpoint); only `optim.*` names are read. */
export interface StateTensorInput {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const PREFIX = 'optim.';
const MISMATCH = 'the checkpoint was saved with a different optimizer or model';

export abstract class Optimizer {
  private learningRate: number;
  private decay = 0;
  private readonly params: readonly Param[];
  /** state[i][s] is slot s of parameter i, same length as the parameter. */
  private readonly state: readonly (readonly FloatArray[])[];
  /** The kernels with every fused step present (the backend's or the reference loop), resolved once. */
  protected readonly ops: CompleteKernels;

  protected constructor(
    /** Optimizer kind; stored in checkpoint metadata and accepted by createOptimizer. */
    readonly name: OptimizerName,
    readonly registry: ParamRegistry,
    lr: number,
    /** Names of the per-parameter slots, e.g. ['m', 'v']; saved as `optim.<param>.<slot>`. */
    readonly slotNames: readonly string[],
    /** When given, state slots live in the kernels' memory and an optimizer may use their fused update. */
    protected readonly kernels?: Kernels,
  ) {
    this.learningRate = nonNegative(name, 'lr', lr);
    this.ops = completeKernels(kernels ?? referenceKernels);
    this.params = [...registry.list];
    const alloc = kernels
      ? (n: number) => kernels.alloc(registry.dtype, n)
      : (n: number) => allocate(registry.dtype, n);
    this.state = this.params.map((p) => slotNames.map(() => alloc(p.value.length)));
  }

  get lr(): number {
    return this.learningRate;
  }

  set lr(lr: number) {
    this.setLearningRate(lr);
  }

  /** For schedules: takes effect at the next step(). */
  setLearningRate(lr: number): void {
    this.learningRate = nonNegative(`${this.name}.setLearningRate`, 'lr', lr);
  }

  /** Decoupled weight decay (Loshchilov & Hutter's AdamW): matrices shrink by lr·wd each step. */
  get weightDecay(): number {
    return this.decay;
  }

  /**
   * Sets decoupled weight decay: before its update, every matrix (2-d parameter) is scaled by
   * 1 − lr·wd, apart from the gradient, as PyTorch's AdamW does. Biases are left alone.
   */
  setWeightDecay(wd: number): void {
    this.decay = nonNegative(`${this.name}.setWeightDecay`, 'weight decay', wd);
  }

  /** Applies one update to every parameter from the gradients currently in the registry. */
  step(): void {
    const { params, state } = this;
    if (this.registry.list.length !== params.length) {
      throw new RangeError(
        `${this.name}.step: registry must keep the ${params.length} parameters it had when the optimizer was made, got ${this.registry.list.length}`,
      );
    }
    this.beginStep();
    const shrink = 1 - this.learningRate * this.decay;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (this.decay > 0 && p.shape.length === 2) scaleInPlace(p.value, shrink);
      this.update(p.value, p.grad, state[i]!);
    }
  }

  /** Called once per step before the parameter updates (e.g. Adam's step counter and bias corrections). */
  protected beginStep(): void {}

  /** Updates one parameter in place; `slots` follow `slotNames`. Must not allocate. */
  protected abstract update(value: FloatArray, grad: FloatArray, slots: readonly FloatArray[]): void;

  /** Scalar state (Adam's step count) by checkpoint name; empty for optimizers without any. */
  stateScalars(): Record<string, number> {
    return {};
  }

  /** Validates and then adopts scalar state; called by loadState before any tensor is copied. */
  protected restoreScalars(_scalars: Readonly<Record<string, number>>): void {}

  /** Copies of every state slot, named `optim.<param name>.<slot>`, with the parameter's shape. */
  stateTensors(): Record<string, StateTensor> {
    const out: Record<string, StateTensor> = {};
    this.forEachSlot((key, param, slot) => {
      out[key] = { shape: [...param.shape], data: slot.slice() };
    });
    return out;
  }

  /**
   * Restores state saved by stateTensors()/stateScalars(). Validates everything first, so a
   * refused checkpoint leaves the optimizer untouched. Data may be of either float dtype.
   */
  loadState(tensors: ReadonlyMap<string, StateTensorInput>, scalars: Readonly<Record<string, number>> = {}): void {
    const fn = `${this.name}.loadState`;
    const expected = new Set<string>();
    this.forEachSlot((key, param) => {
      expected.add(key);
      const saved = tensors.get(key);
      if (!saved) {
        throw new RangeError(
          `${fn}: state must include "${key}" ${formatShape(param.shape)}, got no such tensor; ${MISMATCH}`,
        );
      }
      if (!shapesEqual(saved.shape, param.shape) || saved.data.length !== sizeOf(param.shape)) {
        throw new RangeError(
          `${fn}: "${key}" must have shape ${formatShape(param.shape)}, got ${formatShape(saved.shape)} with ${saved.data.length} entries; ${MISMATCH}`,
        );
      }
    });
    for (const key of tensors.keys()) {
      if (key.startsWith(PREFIX) && !expected.has(key)) {
        throw new RangeError(
          `${fn}: state tensors must be slots of ${this.name} (${this.describeSlots()}), got "${key}"; ${MISMATCH}`,
        );
      }
    }
    const expectedScalars = Object.keys(this.stateScalars());
    for (const key of expectedScalars) {
      const value = scalars[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new RangeError(
          `${fn}: scalar "${key}" must be a finite number, got ${value === undefined ? 'no such scalar' : String(value)}; ${MISMATCH}`,
        );
      }
    }
    for (const key of Object.keys(scalars)) {
      if (key.startsWith(PREFIX) && !expectedScalars.includes(key)) {
        throw new RangeError(
          `${fn}: state scalars must be ${expectedScalars.length ? expectedScalars.join(', ') : 'absent'} for ${this.name}, got "${key}"; ${MISMATCH}`,
        );
      }
    }
    this.restoreScalars(scalars);
    this.forEachSlot((key, _param, slot) => {
      slot.set(tensors.get(key)!.data);
    });
  }

  private describeSlots(): string {
    return this.slotNames.length ? this.slotNames.map((s) => `optim.<param>.${s}`).join(', ') : 'none';
  }

  private forEachSlot(visit: (key: string, param: Param, slot: FloatArray) => void): void {
    for (let i = 0; i < this.params.length; i++) {
      const param = this.params[i]!;
      const slots = this.state[i]!;
      for (let s = 0; s < this.slotNames.length; s++)
        visit(`${PREFIX}${param.name}.${this.slotNames[s]!}`, param, slots[s]!);
    }
  }
}

function scaleInPlace(values: FloatArray, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i]! *= factor;
}
