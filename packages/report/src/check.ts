// Argument checks shared by the sink factories, so every bad option fails the same way:
// `<function>: <what> must <rule>, got <actual>` (TypeError for types, RangeError for ranges).

/** How a bad value reads in an error message: strings quoted, everything else as String(). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

export function requireFunction(fn: string, what: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${fn}: ${what} must be a function, got ${describe(value)}`);
}

export function requireBoolean(fn: string, what: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new TypeError(`${fn}: ${what} must be a boolean, got ${describe(value)}`);
}

export function requireString(fn: string, what: string, value: unknown): void {
  if (typeof value !== 'string') throw new TypeError(`${fn}: ${what} must be a string, got ${describe(value)}`);
}

export function requirePositiveInteger(fn: string, what: string, value: unknown): void {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${what} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${fn}: ${what} must be a positive integer, got ${value}`);
  }
}

/** A non-negative number; Infinity is allowed (it means "never"). */
export function requireNonNegative(fn: string, what: string, value: unknown): void {
  if (typeof value !== 'number') throw new TypeError(`${fn}: ${what} must be a number, got ${describe(value)}`);
  if (!(value >= 0)) throw new RangeError(`${fn}: ${what} must be a non-negative number, got ${value}`);
}
