// Per-step tasks: instead of predicting the next symbol, the model emits one label per input symbol.
// A task says how its inputs and labels are made (derived from any text, or generated), its label
// vocabulary, which label counts as the "boundary" whose precision/recall/F1 users expect, and how
// a tagged input is written back as text. The trainer, the tagger and the checkpoint read tasks only
// through this interface; the loss and the metrics live in @charrnn/train.

import { describeType } from './utf8.js';

/** Every task a config can name; next-symbol is plain language modelling (no labels). */
export const TASK_NAMES = [
  'next-symbol',
  'restore-spaces',
  'restore-case',
  'restore-punctuation',
  'binary-addition',
] as const;
export type TaskName = (typeof TASK_NAMES)[number];
export type TaggingTaskName = Exclude<TaskName, 'next-symbol'>;

/** An input text and one label id per code point of it. */
export interface TaggedText {
  readonly text: string;
  readonly labels: Int32Array;
}

/** Where a task's examples come from besides the text: the held-out fraction and a seeded source of bits. */
export interface ExampleSource {
  /** The last fraction of a derived text held out for validation (text tasks). */
  readonly valFraction: number;
  /** Uniform 32-bit integers (generated tasks); @charrnn/tensor's Prng fits. */
  readonly random: { nextUint32(): number };
}

export interface TaggingTask {
  readonly name: TaggingTaskName;
  /** The label vocabulary: label id i is labels[i]; id 0 is "nothing" for the boundary tasks. */
  readonly labels: readonly string[];
  /**
   * The name of the positive class (every label id ≠ 0) whose precision, recall and F1 are reported —
   * "space", "upper", "mark" — or null when only accuracy means something (binary addition).
   */
  readonly positive: string | null;
  /** True when the examples come from the text given (false: generated, the text is ignored). */
  readonly fromText: boolean;
  /** What the model reads for a text and what it should emit: for text tasks, the text with the thing removed. */
  derive(text: string): TaggedText;
  /** Training and held-out examples: a derived text split at its tail, or generated problems. */
  examples(text: string, source: ExampleSource): { readonly train: TaggedText; readonly val: TaggedText };
  /** The text an input and its labels stand for (derive's inverse, up to what derive drops). */
  render(input: string, labels: ArrayLike<number>): string;
}

/** Builds a derived task from a per-code-point rule: keep (with label 0), drop into the previous label, or relabel. */
function textTask(spec: {
  name: TaggingTaskName;
  labels: readonly string[];
  positive: string;
  derive(text: string): TaggedText;
  renderChar(ch: string, label: number): string;
}): TaggingTask {
  return {
    name: spec.name,
    labels: spec.labels,
    positive: spec.positive,
    fromText: true,
    derive(text) {
      requireString(`${spec.name}.derive`, text);
      return spec.derive(text);
    },
    examples(text, source) {
      const all = this.derive(text);
      const chars = Array.from(all.text);
      const valLength = Math.min(chars.length, Math.floor(chars.length * source.valFraction * (1 + 1e-12)));
      const cut = chars.length - valLength;
      return {
        train: { text: chars.slice(0, cut).join(''), labels: all.labels.slice(0, cut) },
        val: { text: chars.slice(cut).join(''), labels: all.labels.slice(cut) },
      };
    },
    render(input, labels) {
      let out = '';
      let i = 0;
      for (const ch of input) out += spec.renderChar(ch, labels[i++] ?? 0);
      return out;
    },
  };
}

/** Collects kept characters and their labels; a dropped character sets the label of the one before it. */
class Deriver {
  private readonly kept: string[] = [];
  private readonly labels: number[] = [];
  keep(ch: string, label = 0): void {
    this.kept.push(ch);
    this.labels.push(label);
  }
  /** Labels the last kept character unless it already has a label (the first of a run of marks wins). */
  markPrevious(label: number): void {
    const last = this.labels.length - 1;
    if (last >= 0 && this.labels[last] === 0) this.labels[last] = label;
  }
  result(): TaggedText {
    return { text: this.kept.join(''), labels: Int32Array.from(this.labels) };
  }
}

/** Spaces (U+0020) removed; label 1 on a character a space followed. Runs of spaces count once; leading ones vanish. */
const restoreSpaces = textTask({
  name: 'restore-spaces',
  labels: ['none', 'space'],
  positive: 'space',
  derive(text) {
    const out = new Deriver();
    for (const ch of text) {
      if (ch === ' ') out.markPrevious(1);
      else out.keep(ch);
    }
    return out.result();
  },
  renderChar: (ch, label) => (label === 1 ? `${ch} ` : ch),
});

/** Lowercased; label 1 on a character that was uppercase (only where lower- and uppercasing round-trip one code point). */
const restoreCase = textTask({
  name: 'restore-case',
  labels: ['lower', 'upper'],
  positive: 'upper',
  derive(text) {
    const out = new Deriver();
    for (const ch of text) {
      const lower = ch.toLowerCase();
      const roundTrips = lower !== ch && Array.from(lower).length === 1 && lower.toUpperCase() === ch;
      out.keep(roundTrips ? lower : ch, roundTrips ? 1 : 0);
    }
    return out.result();
  },
  renderChar: (ch, label) => (label === 1 ? ch.toUpperCase() : ch),
});

const PUNCTUATION = ['.', ',', '?', '!', ';', ':'] as const;

/** The marks . , ? ! ; : removed; each character's label is the first mark that followed it (the rest of a run are lost). */
const restorePunctuation = textTask({
  name: 'restore-punctuation',
  labels: ['none', ...PUNCTUATION],
  positive: 'mark',
  derive(text) {
    const out = new Deriver();
    for (const ch of text) {
      const mark = PUNCTUATION.indexOf(ch as (typeof PUNCTUATION)[number]);
      if (mark >= 0) out.markPrevious(mark + 1);
      else out.keep(ch);
    }
    return out.result();
  },
  renderChar: (ch, label) => (label > 0 ? ch + (PUNCTUATION[label - 1] ?? '') : ch),
});

/** Binary addition's sizes: training sums of 1…32 bits, held-out sums of 32 bits whose operands both have bit 31 set. */
export const ADDITION = {
  trainProblems: 10_000,
  trainMaxBits: 32,
  valProblems: 500,
  valBits: 32,
  /** The input symbol of step i: a_i + 2·b_i as '0'…'3'; the separator between problems resets the carry. */
  separator: '|',
} as const;

/**
 * Two bit streams, least significant bit first → their sum modulo 2^n, one bit per step. Each step's
 * input is one symbol for the pair of bits; problems follow one another, each after a separator
 * (label 0). Both operands of every held-out problem are at least 2^31, and no training problem has
 * two such operands, so no held-out problem is ever seen in training.
 */
const binaryAddition: TaggingTask = {
  name: 'binary-addition',
  labels: ['0', '1'],
  positive: null,
  fromText: false,
  derive(text) {
    requireString('binary-addition.derive', text);
    const labels: number[] = [];
    for (const ch of text) {
      if (ch !== ADDITION.separator && !'0123'.includes(ch))
        throw new RangeError(
          `binary-addition.derive: text must hold only 0-3 (bit pairs) and "${ADDITION.separator}", got ${JSON.stringify(ch)}`,
        );
      labels.push(0);
    }
    return { text, labels: Int32Array.from(labels) };
  },
  examples(_text, source) {
    const train = additionProblems(
      source.random,
      ADDITION.trainProblems,
      (r) => 1 + (r.nextUint32() % ADDITION.trainMaxBits),
      false,
    );
    const val = additionProblems(source.random, ADDITION.valProblems, () => ADDITION.valBits, true);
    return { train, val };
  },
  render(input, labels) {
    // Each problem back as "a + b = sum" in binary, most significant bit first.
    const lines: string[] = [];
    let a = '';
    let b = '';
    let s = '';
    let i = 0;
    const flush = (): void => {
      if (a) lines.push(`${a} + ${b} = ${s}`);
      a = b = s = '';
    };
    for (const ch of input) {
      if (ch === ADDITION.separator) flush();
      else {
        const pair = Number(ch);
        a = String(pair & 1) + a;
        b = String(pair >> 1) + b;
        s = String(labels[i] ?? 0) + s;
      }
      i++;
    }
    flush();
    return lines.length ? `${lines.join('\n')}\n` : '';
  },
};

/**
 * `count` problems of bits(random) bits each. heldOut sets both operands' top bits; otherwise a
 * 32-bit problem has its first operand's top bit cleared, so it can never be a held-out one.
 */
export function additionProblems(
  random: ExampleSource['random'],
  count: number,
  bits: (random: ExampleSource['random']) => number,
  heldOut: boolean,
): TaggedText {
  let text = '';
  const labels: number[] = [];
  for (let p = 0; p < count; p++) {
    const n = bits(random);
    if (!Number.isInteger(n) || n < 1 || n > 32)
      throw new RangeError(`additionProblems: bits must be an integer in [1, 32], got ${n}`);
    const top = 2 ** (n - 1);
    const draw = (): number => random.nextUint32() % 2 ** n;
    let a = draw();
    let b = draw();
    if (heldOut) {
      a = (a % top) + top;
      b = (b % top) + top;
    } else if (n === ADDITION.valBits && a >= top && b >= top) a -= top;
    const sum = (a + b) % 2 ** n; // exact: a + b < 2^33
    text += ADDITION.separator;
    labels.push(0);
    for (let i = 0; i < n; i++) {
      const bit = (x: number): number => Math.floor(x / 2 ** i) % 2;
      text += String(bit(a) + 2 * bit(b));
      labels.push(bit(sum));
    }
  }
  return { text, labels: Int32Array.from(labels) };
}

const TASKS: readonly TaggingTask[] = [restoreSpaces, restoreCase, restorePunctuation, binaryAddition];

/** The tagging task of a name, or null for next-symbol prediction. */
export function taskFor(name: TaskName): TaggingTask | null {
  if (name === 'next-symbol') return null;
  const task = TASKS.find((t) => t.name === name);
  if (!task) throw new RangeError(`taskFor: task must be one of ${TASK_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return task;
}

export function isTaskName(value: unknown): value is TaskName {
  return typeof value === 'string' && (TASK_NAMES as readonly string[]).includes(value);
}

function requireString(fn: string, text: unknown): void {
  if (typeof text !== 'string') throw new TypeError(`${fn}: text must be a string, got ${describeType(text)}`);
}
