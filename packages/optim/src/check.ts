// Argument checks shared by the optimizers and the clipping functions, so every hyperparameter
// error reads the same: `<function>: <what> must <rule>, got <actual>`.

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function requireNumber(fn: string, what: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${what} must be a number, got ${describe(value)}`);
  return value;
}

/** A finite number ≥ 0 (learning rates may reach 0 at the end of a schedule). */
export function nonNegative(fn: string, what: string, value: unknown): number {
  const v = requireNumber(fn, what, value);
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${fn}: ${what} must be a finite number >= 0, got ${v}`);
  return v;
}

/** A finite number > 0. */
export function positive(fn: string, what: string, value: unknown): number {
  const v = requireNumber(fn, what, value);
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${fn}: ${what} must be a finite number > 0, got ${v}`);
  return v;
}

/** A number in [0, 1) — decay rates, where 1 would never forget and stop adapting. */
export function unitInterval(fn: string, what: string, value: unknown): number {
  const v = requireNumber(fn, what, value);
  if (!(v >= 0 && v < 1)) throw new RangeError(`${fn}: ${what} must be in [0, 1), got ${v}`);
  return v;
}

export function boolean(fn: string, what: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${fn}: ${what} must be a boolean, got ${describe(value)}`);
  return value;
}
