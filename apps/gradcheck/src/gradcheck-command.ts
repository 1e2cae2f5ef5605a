// charrnn-gradcheck: builds a model (random init, or a checkpoint's trained weights) in float64,
// draws a window and a non-zero incoming hidden state, and compares every analytic gradient with
// finite differences. Prints a table and PASS/FAIL; exit 0 on pass, 1 on failure, 2 on bad input.

import {
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  checkOutputFile,
  chooseKernels,
  formatHelp,
  parseFlags,
  readCheckpoint,
  readText,
  writeFileAtomic,
  type CommandIo,
  type FlagSpec,
  type FlagValues,
} from '@charrnn/cli';
import { Vocabulary } from '@charrnn/corpus';
import {
  epsSweep,
  checkGradients,
  modelTarget,
  randomState,
  ENTRY_COLUMNS,
  STENCIL_DEFAULTS,
  type GradcheckReport,
  type GradTarget,
  type Stencil,
} from '@charrnn/gradcheck';
import { CELL_NAMES, CharRnnModel, INIT_NAMES, TREE_CELL_NAMES, initializeParams, outputCount } from '@charrnn/model';
import { csvHeader, csvRow } from '@charrnn/report';
import { Prng, formatShape } from '@charrnn/tensor';
import { modelFromCheckpoint } from '@charrnn/train';
import { treeGradcheckTarget } from './tree-gradcheck.js';

const FLAGS = {
  model: {
    flag: 'model',
    kind: 'enum',
    values: ['char', ...TREE_CELL_NAMES] as const,
    default: 'char',
    help: 'char: the character model (--cell); tree-rnn / tree-lstm: the recursive tree models on a batch of --batch-size trees (default 4)',
  },
  cell: {
    flag: 'cell',
    kind: 'enum',
    values: CELL_NAMES,
    default: 'rnn',
    help: 'recurrent cell (taken from the checkpoint when one is given)',
  },
  layers: { flag: 'layers', kind: 'int', min: 1, max: 8, default: 1, help: 'stacked layers' },
  labels: {
    flag: 'labels',
    kind: 'int',
    min: 0,
    max: 1000,
    default: 0,
    help: 'a tagger of a random model: its decoder scores this many labels per step, targets are random labels (0: the next character)',
  },
  bidirectional: {
    flag: 'bidirectional',
    kind: 'boolean',
    help: 'a random bidirectional tagger (needs --labels): each layer also runs over the reversed window',
  },
  hidden: { flag: 'hidden', kind: 'int', min: 1, max: 1024, default: 16, help: 'hidden units (H)' },
  seqLength: { flag: 'seq-length', kind: 'int', min: 1, max: 1000, default: 8, help: 'window length (T)' },
  batchSize: { flag: 'batch-size', kind: 'int', min: 1, max: 64, default: 1, help: 'streams in the window (B)' },
  vocabSize: {
    flag: 'vocab-size',
    kind: 'int',
    min: 2,
    max: 10_000,
    default: 12,
    help: 'vocabulary size of a random model (V); ignored with --data or --checkpoint',
  },
  data: {
    flag: 'data',
    kind: 'string',
    placeholder: 'FILE',
    help: 'take the window (and, without a checkpoint, the vocabulary) from this text',
  },
  checkpoint: {
    flag: 'checkpoint',
    kind: 'string',
    placeholder: 'FILE',
    help: 'check at trained weights (gradients are no longer tiny there)',
  },
  weightInit: {
    flag: 'weight-init',
    kind: 'enum',
    values: INIT_NAMES,
    default: 'pytorch',
    help: 'random init: pytorch (uniform ±1/sqrt(H), gradients large enough to test the math) or seed (randn*0.01, where most gradients are 1e-6..1e-9 and round-off dominates)',
  },
  seed: {
    flag: 'seed',
    kind: 'int',
    min: 0,
    max: 0xffffffff,
    default: 1,
    help: 'seed for weights, window, state and sampled entries',
  },
  eps: {
    flag: 'eps',
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    help: `finite-difference step (default: ${STENCIL_DEFAULTS[3].eps} for --stencil 3, ${STENCIL_DEFAULTS[5].eps} for 5)`,
  },
  stencil: {
    flag: 'stencil',
    kind: 'enum',
    values: ['3', '5'],
    default: '3',
    help: '3: centered (L(θ+ε)−L(θ−ε))/2ε; 5: five-point, error O(ε⁴)',
  },
  entries: {
    flag: 'entries',
    kind: 'string',
    default: 'all',
    placeholder: 'all|K',
    help: 'check every entry, or K random entries per tensor',
  },
  rtol: {
    flag: 'rtol',
    kind: 'number',
    min: 0,
    help: `relative tolerance (default: ${STENCIL_DEFAULTS[3].rtol} / ${STENCIL_DEFAULTS[5].rtol} for stencil 3 / 5)`,
  },
  atol: {
    flag: 'atol',
    kind: 'number',
    min: 0,
    help: `absolute tolerance (default: ${STENCIL_DEFAULTS[3].atol} / ${STENCIL_DEFAULTS[5].atol})`,
  },
  csv: {
    flag: 'csv',
    kind: 'string',
    placeholder: 'FILE',
    help: 'write one row per checked entry (or per ε with --eps-sweep)',
  },
  epsSweep: {
    flag: 'eps-sweep',
    kind: 'boolean',
    help: 'check at ε = 1e-1 … 1e-10 and print the worst and median error per ε',
  },
  kernels: {
    flag: 'kernels',
    kind: 'enum',
    values: ['auto', 'reference', 'wasm'],
    default: 'auto',
    help: 'float64 kernels to use',
  },
} satisfies Record<string, FlagSpec>;

/** Key → flag name, for messages about flags given by key. */
const FLAG_NAMES: ReadonlyMap<string, string> = new Map(Object.entries(FLAGS).map(([key, spec]) => [key, spec.flag]));

const USAGE =
  'charrnn-gradcheck [--cell rnn|lstm|gru] [--layers L] [--hidden H] [--seq-length T] [--vocab-size V | --data FILE] [--checkpoint FILE] [options]\n       charrnn-gradcheck --model tree-rnn|tree-lstm [--hidden H] [--batch-size TREES] [--data TREES.txt] [--checkpoint FILE] [options]';
const DESCRIPTION =
  'Checks every analytic gradient of the model (and of the incoming hidden state) against finite differences in float64.';

export async function gradcheckCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS);
  const v = flags.values;
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, FLAGS));
    return EXIT_OK;
  }
  const write = (text: string): void => void io.stdout.write(text);
  // Checked before the (long) check runs: a report that cannot be written fails now, not after it.
  if (v.csv) checkOutputFile(v.csv, '--csv file', { mayExist: true });
  const stencil: Stencil = v.stencil === '5' ? 5 : 3;
  const entries = parseEntries(v.entries);
  const rng = new Prng(v.seed);
  if (v.model !== 'char') {
    const target = treeGradcheckTarget(io, {
      model: v.model,
      values: v,
      explicit: flags.explicit,
      flagName: (key) => FLAG_NAMES.get(key) ?? key,
      rng,
    });
    return runCheck(target, v, stencil, entries, rng, write);
  }
  const kernels = chooseKernels(v.kernels, (line) => void io.stderr.write(`${line}\n`));

  // The model: a checkpoint's weights in float64, or a fresh one.
  const text = v.data !== undefined ? readWindowText(v.data) : undefined;
  let model: CharRnnModel;
  let vocab: Vocabulary | undefined;
  if (v.checkpoint) {
    const checkpoint = readCheckpoint(v.checkpoint, '--checkpoint');
    model = modelFromCheckpoint(checkpoint, kernels, 'f64');
    vocab = checkpoint.vocab;
  } else {
    vocab = text ? Vocabulary.fromText(text) : undefined;
    if (v.bidirectional && !v.labels)
      throw new UsageError(
        '--bidirectional needs --labels N (a tagger)',
        'a bidirectional next-character model would read the character it predicts',
      );
    model = new CharRnnModel(
      {
        cell: v.cell,
        vocabSize: vocab?.size ?? v.vocabSize,
        hiddenSize: v.hidden,
        layers: v.layers,
        dropout: 0,
        ...(v.labels ? { outputSize: v.labels } : {}),
        bidirectional: v.bidirectional === true,
        dtype: 'f64',
      },
      kernels,
    );
    initializeParams(model.params, v.weightInit, model.config.hiddenSize, rng);
  }

  const T = v.seqLength;
  const B = v.batchSize;
  const window = drawWindow(text, vocab, model.config.vocabSize, T, B, rng);
  // A tagger's targets are labels, not next characters.
  const O = outputCount(model.config);
  if (O !== model.config.vocabSize) for (let i = 0; i < window.targets.length; i++) window.targets[i] = rng.int(O);
  const target = modelTarget(model, { ...window, T, B }, randomState(model, B, rng));
  const c = model.config;
  write(
    `gradcheck  ${c.layers}-layer ${c.bidirectional ? 'bidirectional ' : ''}${c.cell}  V=${c.vocabSize}${O !== c.vocabSize ? ` O=${O}` : ''} H=${c.hiddenSize} T=${T} B=${B}  float64  ${v.checkpoint ? `weights from ${v.checkpoint}` : `random init (${v.weightInit})`}  kernels ${kernels.name}\n`,
  );
  write('gradient clipping: off (raw gradients are compared)   dropout: off   incoming state: random, non-zero\n');

  return runCheck(target, v, stencil, entries, rng, write);
}

/** The check (or --eps-sweep) of any target, with the table, the verdict and --csv; exit 0 on pass, 1 on failure. */
function runCheck(
  target: GradTarget,
  v: FlagValues<typeof FLAGS>,
  stencil: Stencil,
  entries: 'all' | number,
  rng: Prng,
  write: (text: string) => void,
): number {
  if (v.epsSweep) return runSweep(target, stencil, entries, rng, v.csv, write);

  const csvPath = v.csv;
  const rows: string[] = csvPath ? [csvHeader(ENTRY_COLUMNS)] : [];
  const report = checkGradients(target, {
    stencil,
    entries,
    rng,
    ...(v.eps !== undefined ? { eps: v.eps } : {}),
    ...(v.rtol !== undefined ? { rtol: v.rtol } : {}),
    ...(v.atol !== undefined ? { atol: v.atol } : {}),
    ...(csvPath ? { onEntry: (row) => void rows.push(csvRow(ENTRY_COLUMNS.map((k) => row[k]))) } : {}),
  });
  if (csvPath) writeFileAtomic(csvPath, rows.join(''));
  write(formatReport(report));
  return report.pass ? EXIT_OK : EXIT_FAILURE;
}

/**
 * --data's text, refused when it cannot supply a window: an empty file used to fall through to a
 * made-up model and print PASS for a check of nothing the user asked about. A text of a single
 * distinct character is refused too: its softmax is 1 whatever the weights, so every gradient is 0.
 */
function readWindowText(path: string): string {
  if (path === '') throw new UsageError('--data must name a file, got ""');
  const text = readText(path, '--data file');
  const distinct = new Set(text).size;
  if (distinct < 2)
    throw new UsageError(
      `--data file ${JSON.stringify(path)} ${text.length === 0 ? 'is empty' : `has only ${distinct} distinct character`}; a gradient check needs at least 2`,
      'give a text with a few hundred characters, or drop --data to check a random model (--vocab-size)',
    );
  return text;
}

function parseEntries(text: string): 'all' | number {
  if (text === 'all') return 'all';
  const k = Number(text);
  if (!Number.isInteger(k) || k < 1)
    throw new UsageError(`--entries must be "all" or a positive integer, got ${JSON.stringify(text)}`);
  return k;
}

/** A window of T·B ids: from the text at random offsets, or random ids. */
function drawWindow(
  text: string | undefined,
  vocab: Vocabulary | undefined,
  V: number,
  T: number,
  B: number,
  rng: Prng,
): { inputs: Int32Array; targets: Int32Array } {
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  if (text !== undefined && vocab) {
    const unknown = vocab.findUnknown(text);
    if (unknown.length > 0)
      throw new UsageError(
        `--data file has characters outside the checkpoint's vocabulary: ${unknown
          .slice(0, 10)
          .map((ch) => JSON.stringify(ch))
          .join(', ')}`,
      );
    const ids = vocab.encode(text);
    if (ids.length < T + 1)
      throw new UsageError(`--data file must have at least seq-length + 1 = ${T + 1} characters, got ${ids.length}`);
    for (let b = 0; b < B; b++) {
      const start = rng.int(ids.length - T);
      for (let t = 0; t < T; t++) {
        inputs[t * B + b] = ids[start + t]!;
        targets[t * B + b] = ids[start + t + 1]!;
      }
    }
  } else {
    for (let i = 0; i < T * B; i++) {
      inputs[i] = rng.int(V);
      targets[i] = rng.int(V);
    }
  }
  return { inputs, targets };
}

function runSweep(
  target: Parameters<typeof epsSweep>[0],
  stencil: Stencil,
  entries: 'all' | number,
  rng: Prng,
  csvPath: string | undefined,
  write: (t: string) => void,
): number {
  write(
    `eps sweep, ${stencil}-point stencil, ${entries === 'all' ? 'every entry' : `${entries} entries per tensor`}\n`,
  );
  write(`${'eps'.padStart(8)}  ${'max rel err'.padStart(12)}  ${'median rel err'.padStart(14)}\n`);
  const rows = epsSweep(target, {
    stencil,
    entries,
    rng,
    onRow: (row) =>
      write(
        `${row.eps.toExponential(0).padStart(8)}  ${sci(row.maxRelErr).padStart(12)}  ${sci(row.medianRelErr).padStart(14)}  ${bar(row.medianRelErr)}\n`,
      ),
  });
  const best = rows.reduce((a, b) => (b.medianRelErr < a.medianRelErr ? b : a));
  write(
    `smallest median error at eps = ${best.eps.toExponential(0)}: larger eps → truncation error, smaller eps → round-off\n`,
  );
  if (csvPath)
    writeFileAtomic(
      csvPath,
      [
        csvHeader(['eps', 'max_rel_err', 'median_rel_err']),
        ...rows.map((r) => csvRow([r.eps, r.maxRelErr, r.medianRelErr])),
      ].join(''),
    );
  return EXIT_OK;
}

/** A log-scale bar: one mark per decade above 1e-16, so the U-curve is visible in the terminal. */
function bar(error: number): string {
  if (!(error > 0)) return '';
  return '#'.repeat(Math.max(0, Math.round(Math.log10(error) + 16)));
}

function sci(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

export function formatReport(report: GradcheckReport): string {
  const header = ['tensor', 'shape', 'checked', 'max rel err', 'median rel', 'worst at', 'analytic', 'numeric', ''];
  const rows = report.tensors.map((t) => [
    t.name,
    formatShape(t.shape),
    String(t.checked),
    sci(t.maxRelErr),
    sci(t.medianRelErr),
    t.worst?.multiIndex ?? '-',
    t.worst ? t.worst.analytic.toPrecision(8) : '-',
    t.worst ? t.worst.numeric.toPrecision(8) : '-',
    t.pass ? 'ok' : `FAIL (${t.failing})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    `${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}\n`;
  const verdict = report.pass
    ? `PASS  ${report.checked} entries in ${report.tensors.length} tensors agree (|a−n| ≤ ${report.atol} + ${report.rtol}·|n|, ${report.stencil}-point, eps ${report.eps})\n`
    : `FAIL  ${report.failing} of ${report.checked} entries disagree, in ${report.failingTensors.join(', ')}\n`;
  return `${line(header)}${rows.map(line).join('')}${verdict}`;
}
