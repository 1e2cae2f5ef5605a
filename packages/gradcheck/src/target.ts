// What the checker checks: any scalar loss of named float64 tensors that can also report its own
// analytic gradient. The model adapter (model-target.ts) is one such target; a test can wrap any
// function the same way.

import { formatShape, sizeOf, type FloatArray } from '@charrnn/tensor';

/** One named input of the loss. The checker perturbs `value` in place and reads `grad`. */
export interface GradTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: FloatArray;
  readonly grad: FloatArray;
}

export interface GradTarget {
  readonly tensors: readonly GradTensor[];
  /**
   * Recomputes the loss from the current tensor values. With withGradients, also overwrites every
   * tensor's grad with ∂loss/∂value. Must be a pure function of the values: same values, same loss.
   */
  evaluate(withGradients: boolean): number;
}

export function validateTarget(where: string, target: GradTarget): void {
  if (
    typeof target !== 'object' ||
    target === null ||
    typeof target.evaluate !== 'function' ||
    !Array.isArray(target.tensors)
  ) {
    throw new TypeError(
      `${where}: target must be an object with tensors and evaluate(), got ${target === null ? 'null' : typeof target}`,
    );
  }
  const seen = new Set<string>();
  for (const t of target.tensors) {
    if (seen.has(t.name)) throw new RangeError(`${where}: tensor names must be unique, got "${t.name}" twice`);
    seen.add(t.name);
    // A float32 value cannot hold θ ± ε for ε ≈ 1e-5 without rounding away most of the step.
    if (!(t.value instanceof Float64Array))
      throw new RangeError(`${where}: ${t.name} value must be float64, got ${t.value.constructor.name}`);
    const size = sizeOf(t.shape);
    if (t.value.length !== size || t.grad.length !== size) {
      throw new RangeError(
        `${where}: ${t.name} value and grad must have ${size} entries for ${formatShape(t.shape)}, got ${t.value.length} and ${t.grad.length}`,
      );
    }
  }
}
