// Renders wasm-bindings.generated.ts from the kernel table: for every kernel the table marks
// 'generated', the method that guards (arrays of this memory, one dtype, else the reference loop),
// checks each shape, returns early when empty, stages ids, turns offsets into byte addresses and
// calls the f32 or f64 export — the code that was written out by hand for each kernel before.

import {
  dimCode,
  dimNames,
  GENERATED_HEADER,
  matrices,
  parameters,
  signature,
  tableEntries,
  type KernelSpec,
} from '@charrnn/tensor/codegen';

type Generated = [string, KernelSpec][];

function generatedKernels(): Generated {
  return tableEntries().filter(([, spec]) => spec.wasm === 'generated');
}

function exportNames(spec: KernelSpec): string[] {
  return (spec.dtypes ?? ['f32', 'f64']).map((d) => `${spec.export}_${d}`);
}

/** The export's parameters: ints, flags and scalars as they are, one byte address per array view. */
function exportParameters(spec: KernelSpec): string[] {
  const out: string[] = [];
  for (const arg of spec.args) {
    if (arg.role === 'int' && arg.passed === false) continue;
    if (arg.role === 'matrix' && arg.offsets.length > 1) out.push(...arg.offsets.map((o) => `${arg.name}_${o}`));
    else out.push(arg.name);
  }
  return out;
}

/** The export's arguments as expressions (byte addresses from the typed array and its offset). */
function exportArguments(spec: KernelSpec): string[] {
  const out: string[] = [];
  for (const arg of spec.args) {
    switch (arg.role) {
      case 'int':
        if (arg.passed !== false) out.push(arg.name);
        break;
      case 'flag':
        out.push(`${arg.name} ? 1 : 0`);
        break;
      case 'scalar':
        out.push(arg.name);
        break;
      case 'matrix':
        if (arg.offsets.length === 0) out.push(`${arg.name}.byteOffset`);
        for (const off of arg.offsets) out.push(`${arg.name}.byteOffset + ${off} * bpe`);
        break;
      case 'ids':
        out.push(`${arg.name}At`);
        break;
      case 'packed':
        throw new TypeError(`wasm-codegen: ${arg.name} must not be a packed operand in a generated binding, got one`);
    }
  }
  return out;
}

function renderMethod(name: string, spec: KernelSpec): string {
  const mats = matrices(spec);
  const ref = mats[0]!.name;
  const call = parameters(spec)
    .map((p) => p.name)
    .join(', ');
  const lines: string[] = [];
  // A named kernel reads its argument object once; the rest of the body is the positional one's.
  if (spec.named) lines.push(`    const { ${call} } = args;`);
  const guard = mats.map((m) => `this.like(${ref}, ${m.name})`).join(' && ');
  lines.push(`    if (!(${guard})) return referenceKernels.${name}(${spec.named ? 'args' : call});`);
  for (const m of mats) {
    const offsets = m.offsets.length === 0 ? ['0'] : m.offsets;
    for (const off of offsets) {
      const label = m.offsets.length > 1 ? `${m.name} (${off})` : m.name;
      const ld = dimCode(m.ld ?? m.cols);
      lines.push(
        `    checkMatrix('${name}', '${label}', ${m.name}, ${off}, ${dimCode(m.rows)}, ${dimCode(m.cols)}, ${ld});`,
      );
    }
  }
  const empty = spec.emptyWhen ?? [...new Set(mats.flatMap((m) => [...dimNames(m.rows), ...dimNames(m.cols)]))];
  if (empty.length > 0) {
    lines.push(
      `    if (${empty.map((d) => `${d} === 0`).join(' || ')}) return${spec.returns === 'number' ? ' 0' : ''};`,
    );
  }
  for (const arg of spec.args) {
    if (arg.role !== 'ids') continue;
    lines.push(
      `    const ${arg.name}At = this.stageIds('${name}', '${arg.name}', ${dimCode(arg.length)}, ${arg.name}, ${arg.offset}, ${arg.min}, ${dimCode(arg.below)});`,
    );
  }
  lines.push(`    const bpe = ${ref}.BYTES_PER_ELEMENT;`);
  const [f32, f64] = exportNames(spec);
  const args = exportArguments(spec);
  if (spec.split) {
    // Elementwise over n: (n, addresses…, scalars…), so the two-thread backend can cut it anywhere.
    const order = spec.args.map((a) => (a.role === 'matrix' ? 'm' : a.role === 'scalar' ? 's' : a.name));
    if (!/^nm+s*$/.test(order.join(''))) {
      throw new Error(`${name}: a split kernel must take (n, arrays…, scalars…), got ${order.join(', ')}`);
    }
    const pointers = mats.map((m) =>
      m.offsets.length === 0 ? `${m.name}.byteOffset` : `${m.name}.byteOffset + ${m.offsets[0]} * bpe`,
    );
    const doubles = spec.args.filter((a) => a.role === 'scalar').map((a) => a.name);
    const join = spec.split === 'max' ? ', maxOrNaN' : '';
    const split = `this.splitElementwise(fn, n, bpe, [${pointers.join(', ')}], [${doubles.join(', ')}]${join})`;
    lines.push(`    const fn = bpe === 4 ? '${f32}' : '${f64}';`);
    if (spec.returns === 'number') lines.push(`    if (this.splitsElementwise(n)) return ${split};`);
    else lines.push(`    if (this.splitsElementwise(n)) {\n      ${split};\n      return;\n    }`);
    lines.push(`    return this.wasm[fn](${args.join(', ')});`);
  } else {
    lines.push(`    return (bpe === 4 ? this.wasm.${f32} : this.wasm.${f64})(${args.join(', ')});`);
  }
  return `  ${signature(name, spec, false, `KernelArgs['${name}']`)} {\n${lines.join('\n')}\n  }\n`;
}

function renderExports(kernels: Generated): string {
  return kernels
    .flatMap(([, spec]) =>
      exportNames(spec).map(
        (exportName) =>
          `  ${exportName}(${exportParameters(spec)
            .map((p) => `${p}: number`)
            .join(', ')}): ${spec.returns};`,
      ),
    )
    .join('\n');
}

/** wasm-bindings.generated.ts: the exports' types, the elementwise export list and the binding class. */
export function renderWasmBindings(): string {
  const kernels = generatedKernels();
  const elementwise = kernels.filter(([, spec]) => spec.split).flatMap(([, spec]) => exportNames(spec));
  return [
    GENERATED_HEADER('wasm-codegen.ts', 'npm run generate -w @charrnn/kernels-wasm'),
    "import { type FloatArray, type KernelArgs, referenceKernels } from '@charrnn/tensor';",
    "import { checkMatrix, maxOrNaN, WasmMemoryKernels } from './wasm-memory.js';",
    '',
    '/** The exports of kernels.as that the generated bindings call (byte addresses, f32 and f64). */',
    'export interface GeneratedWasmExports {',
    renderExports(kernels),
    '}',
    '',
    '/** The elementwise exports the two-thread backend may cut in two; the worker finds one by its index here. */',
    `export const ELEMENTWISE_EXPORTS = [${elementwise.map((e) => `'${e}'`).join(', ')}] as const;`,
    '',
    'export type ElementwiseExport = (typeof ELEMENTWISE_EXPORTS)[number];',
    '',
    "/** The table's generated kernels over one shared wasm memory; WasmKernels adds the hand-written ones. */",
    'export abstract class WasmKernelBindings extends WasmMemoryKernels {',
    kernels.map(([name, spec]) => renderMethod(name, spec)).join('\n'),
    '}',
    '',
  ].join('\n');
}
