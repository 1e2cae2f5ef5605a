// The table-driven half of the conformance suite: every kernel the table declares with plain
// shapes (the ones whose bindings are generated) gets inputs of those shapes — odd sizes, empty
// ones, offsets, padding after each array, ids in range — on each backend, and must match the
// reference kernels on every array it could write and on its result. A new kernel is covered
// from its table line on; a backend is never compared with itself (the reference is skipped).

import { allocate, type Dtype, type FloatArray } from '../dtype.js';
import { dimNames, matrices, parameters, tableEntries } from '../kernels/kernel-codegen.js';
import type { Dim, KernelArg, KernelSpec } from '../kernels/kernel-table.js';
import type { Kernels } from '../kernels/kernels.js';
import { referenceKernels } from '../kernels/reference.js';
import { Prng } from '../prng.js';
import { expectClose, randomValues, rounded, type Source } from './kernel-conformance.js';
import type { ConformanceBackend, TestApi } from './suite-api.js';

/** Cases per kernel, dtype and array source; the first ones use dimensions up to 2 (zeros among them). */
const TRIALS = 16;

/** A dimension's value: a sum of products of integers and int arguments ('steps*B+B'). */
export function evalDim(dim: Dim, ints: Readonly<Record<string, number>>): number {
  return dim
    .split('+')
    .map((term) =>
      term.split('*').reduce((product, factor) => {
        const name = factor.trim();
        const value = /^\d+$/.test(name) ? Number(name) : ints[name];
        if (value === undefined) throw new RangeError(`evalDim: ${name} must be an int argument, got none in ${dim}`);
        return product * value;
      }, 1),
    )
    .reduce((a, b) => a + b, 0);
}

type Matrix = Extract<KernelArg, { role: 'matrix' }>;

/** One call's inputs: the ints, flags and scalars by name, each array's values and offsets. */
interface Case {
  readonly ints: Record<string, number>;
  readonly values: Record<string, number[]>;
  readonly offsets: Record<string, number>;
  readonly ids: Record<string, Int32Array>;
}

/** Random inputs of the shapes the table gives, small dimensions in the first trials. */
export function makeCase(spec: KernelSpec, prng: Prng, trial: number): Case {
  const ints: Record<string, number> = {};
  const lds = new Set(matrices(spec).flatMap((m) => (m.ld === undefined ? [] : dimNames(m.ld))));
  // An id range [0, below) must not be empty.
  const nonZero = new Set(spec.args.flatMap((a) => (a.role === 'ids' && a.min >= 0 ? dimNames(a.below) : [])));
  const maxDim = trial < 4 ? 2 : 9;
  for (const arg of spec.args) {
    if (arg.role === 'int' && !lds.has(arg.name))
      ints[arg.name] = (nonZero.has(arg.name) ? 1 : 0) + prng.int(maxDim + 1);
    // Scalars in [0.25, 1.5): every scalar of the table is fine positive (a scale, a learning rate, a
    // clamp limit, a divisor), while a negative limit or divisor would test nothing meaningful.
    if (arg.role === 'scalar') ints[arg.name] = 0.25 + 1.25 * prng.uniformIn(0, 1);
    if (arg.role === 'flag') ints[arg.name] = prng.int(2);
  }
  for (const m of matrices(spec)) {
    if (m.ld !== undefined) ints[m.ld] = evalDim(m.cols, ints) + prng.int(3);
  }
  const values: Record<string, number[]> = {};
  const offsets: Record<string, number> = {};
  for (const m of matrices(spec)) {
    const rows = evalDim(m.rows, ints);
    const cols = evalDim(m.cols, ints);
    const span = rows === 0 || cols === 0 ? 0 : (rows - 1) * evalDim(m.ld ?? m.cols, ints) + cols;
    // Views of one array (an LSTM's c at cPrevOff and cOff) do not overlap.
    let end = 0;
    for (const off of m.offsets) {
      offsets[off] = end + prng.int(4);
      end = offsets[off]! + span;
    }
    if (m.offsets.length === 0) end = span;
    values[m.name] = randomValues(prng, end + 1);
  }
  const ids: Record<string, Int32Array> = {};
  for (const arg of spec.args) {
    if (arg.role !== 'ids') continue;
    const length = evalDim(arg.length, ints);
    const below = evalDim(arg.below, ints);
    offsets[arg.offset] = prng.int(3);
    ids[arg.name] = Int32Array.from(
      { length: offsets[arg.offset]! + length },
      () => arg.min + prng.int(below - arg.min),
    );
  }
  return { ints, values, offsets, ids };
}

/** Calls kernel `name` of `kernels` with the case's inputs in the table's argument order; returns its result. */
function invoke(
  kernels: Kernels,
  name: string,
  spec: KernelSpec,
  c: Case,
  arrays: Record<string, FloatArray>,
): unknown {
  const args: unknown[] = [];
  for (const arg of spec.args) {
    if (arg.role === 'int' || arg.role === 'scalar') args.push(c.ints[arg.name]);
    else if (arg.role === 'flag') args.push(c.ints[arg.name] === 1);
    else if (arg.role === 'matrix') args.push(arrays[arg.name], ...arg.offsets.map((o) => c.offsets[o]));
    else if (arg.role === 'ids') args.push(c.ids[arg.name], c.offsets[arg.offset]);
    // Only hand-written kernels take packed operands, and this suite covers generated ones.
    else throw new TypeError(`table conformance: ${arg.name} must not be a packed operand, got one`);
  }
  const method = (kernels as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
  if (!spec.named) return method.apply(kernels, args);
  // A named kernel takes one object: the same values under the parameter names, in the same order.
  const names = parameters(spec).map((p) => p.name);
  return method.call(kernels, Object.fromEntries(names.map((n, i) => [n, args[i]])));
}

function arraysFor(
  kernels: Kernels,
  source: Source,
  dtype: Dtype,
  spec: KernelSpec,
  c: Case,
): Record<string, FloatArray> {
  const out: Record<string, FloatArray> = {};
  for (const m of matrices(spec) as Matrix[]) {
    const values = rounded(dtype, c.values[m.name]!);
    const arr = source === 'alloc' ? kernels.alloc(dtype, values.length) : allocate(dtype, values.length);
    arr.set(values);
    out[m.name] = arr;
  }
  return out;
}

function seedOf(name: string): number {
  let seed = 17;
  for (let i = 0; i < name.length; i++) seed = (seed * 31 + name.charCodeAt(i)) >>> 0;
  return seed;
}

/** The kernels this suite covers: those with plain shapes and a reference loop, test-only ones included. */
export function tableCoveredKernels(): [string, KernelSpec][] {
  return tableEntries().filter(([, spec]) => spec.wasm === 'generated' && spec.dtypes === undefined);
}

/** Checks `name` on `kernels` against the reference for TRIALS random cases; throws on the first difference. */
export function checkAgainstReference(kernels: Kernels, name: string, dtype: Dtype, source: Source): void {
  const spec = tableCoveredKernels().find(([n]) => n === name)?.[1];
  if (!spec) throw new RangeError(`checkAgainstReference: name must be a kernel the table covers, got ${name}`);
  const prng = new Prng(seedOf(name));
  for (let trial = 0; trial < TRIALS; trial++) {
    const c = makeCase(spec, prng, trial);
    const mine = arraysFor(kernels, source, dtype, spec, c);
    const ref = arraysFor(referenceKernels, 'heap', dtype, spec, c);
    const got = invoke(kernels, name, spec, c, mine);
    const expected = invoke(referenceKernels, name, spec, c, ref);
    const where = `${name} trial ${trial} (${JSON.stringify(c.ints)})`;
    if (typeof expected === 'number')
      expectClose(dtype, got as number, expected, Math.abs(expected), `${where} result`);
    for (const [array, values] of Object.entries(ref)) {
      const own = mine[array]!;
      for (let i = 0; i < values.length; i++) {
        if (Number.isNaN(values[i]!) && Number.isNaN(own[i]!)) continue;
        expectClose(dtype, own[i]!, values[i]!, Math.abs(values[i]!), `${where} ${array}[${i}]`);
      }
    }
  }
}

/** Registers, for each backend but the reference, one case per covered kernel it has, dtype and array source. */
export function describeTableConformance(t: TestApi, backends: readonly ConformanceBackend[]): void {
  for (const { label, kernels, ready } of backends) {
    if (kernels === referenceKernels) continue;
    t.describe(`kernel table conformance: ${label}`, () => {
      if (ready) t.beforeAll(ready);
      for (const [name] of tableCoveredKernels()) {
        // An optional kernel the backend leaves out is the reference loop (completeKernels): nothing to compare.
        if (typeof (kernels as unknown as Record<string, unknown>)[name] !== 'function') continue;
        for (const dtype of ['f32', 'f64'] as const) {
          for (const source of ['alloc', 'heap'] as const) {
            t.it(`${name} matches the reference on the table's shapes (${dtype}, ${source} arrays)`, () =>
              checkAgainstReference(kernels, name, dtype, source),
            );
          }
        }
      }
    });
  }
}
