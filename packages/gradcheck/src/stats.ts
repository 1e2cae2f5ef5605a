// The numbers a report is made of: the relative error of one entry, medians, and readable
// multi-indices. Shared by the checker and the eps sweep so both measure the same thing.

/** |a − n| / max(|a|, |n|); 0 when both are zero (an exact match), 1 when exactly one is. */
export function relativeError(analytic: number, numeric: number): number {
  const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
  if (scale === 0) return 0;
  const err = Math.abs(analytic - numeric) / scale;
  return Number.isNaN(err) ? Infinity : err;
}

/** The median of the values (mean of the middle two for an even count); 0 for none. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The row-major multi-index of a flat index, formatted like "[3,17]". */
export function formatIndex(shape: readonly number[], flat: number): string {
  const parts = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const dim = shape[d]!;
    parts[d] = dim > 0 ? rest % dim : 0;
    rest = dim > 0 ? Math.floor(rest / dim) : 0;
  }
  return `[${parts.join(',')}]`;
}
