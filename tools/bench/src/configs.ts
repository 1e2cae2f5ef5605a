// The benchmark's workloads (the table) and the arithmetic behind its GFLOP/s column:
// how many floating-point operations one trained character costs for a given model shape.
// Dimension letters: T time (seq length), B batch, H hidden, V vocabulary, G gates per cell.

export type BenchCell = 'rnn' | 'lstm' | 'gru';

export interface BenchConfig {
  /** Short key for flags, file rows and joins between implementations, e.g. "rnn-h100-t25-b1". */
  readonly id: string;
  readonly cell: BenchCell;
  readonly hidden: number;
  readonly seqLength: number;
  readonly batchSize: number;
  /**
   * The restore-spaces tagger instead of next-symbol prediction: a bidirectional layer (two cells, one
   * reading the window backwards) and a decoder [2H → 2 labels] (issue #20: against nn.LSTM(bidirectional=True)).
   */
  readonly bidirectional?: true;
}

export function configId(
  cell: BenchCell,
  hidden: number,
  seqLength: number,
  batchSize: number,
  bidirectional = false,
): string {
  return `${bidirectional ? 'bi' : ''}${cell}-h${hidden}-t${seqLength}-b${batchSize}`;
}

function config(cell: BenchCell, hidden: number, seqLength: number, batchSize: number): BenchConfig {
  return { id: configId(cell, hidden, seqLength, batchSize), cell, hidden, seqLength, batchSize };
}

function taggerConfig(cell: BenchCell, hidden: number, seqLength: number, batchSize: number): BenchConfig {
  return {
    id: configId(cell, hidden, seqLength, batchSize, true),
    cell,
    hidden,
    seqLength,
    batchSize,
    bidirectional: true,
  };
}

/** Labels the restore-spaces tagger's decoder scores: "no space follows" and "a space follows". */
export const TAGGER_LABELS = 2;

/** The seed's model: min-char-rnn, H=100, T=25, one stream. */
export const SEED_CONFIG = config('rnn', 100, 25, 1);
export const RNN_H100_B32 = config('rnn', 100, 25, 32);
export const RNN_H512_B32 = config('rnn', 512, 25, 32);
export const LSTM_H256_B32 = config('lstm', 256, 64, 32);
/** The GRU beside the LSTM, same shape (issue #15: "GRU measured too"). */
export const GRU_H256_B32 = config('gru', 256, 64, 32);
/** The restore-spaces tagger, bidirectional LSTM (charrnn-train --task restore-spaces --bidirectional). */
export const BILSTM_H128_B16 = taggerConfig('lstm', 128, 64, 16);

/** In the order they run: the seed first, so its peak memory is measured in a clean process. */
export const BENCH_CONFIGS: readonly BenchConfig[] = [
  SEED_CONFIG,
  RNN_H100_B32,
  RNN_H512_B32,
  LSTM_H256_B32,
  GRU_H256_B32,
  BILSTM_H128_B16,
];

/** "rnn H=100 T=25 B=1" ("bilstm H=128 …" for the tagger), for tables. */
export function describeConfig(
  c: Pick<BenchConfig, 'cell' | 'hidden' | 'seqLength' | 'batchSize' | 'bidirectional'>,
): string {
  return `${c.bidirectional ? 'bi' : ''}${c.cell} H=${c.hidden} T=${c.seqLength} B=${c.batchSize}`;
}

const GATES: Record<BenchCell, number> = { rnn: 1, lstm: 4, gru: 3 };

/**
 * Matrix-multiply FLOPs per trained character (one time step of one stream), forward + backward,
 * one layer; a multiply-add counts 2. G = 1 (rnn), 3 (gru), 4 (lstm).
 *   forward:  input projection = a gathered column of W_ih (one-hot input): 0
 *             recurrence W_hh·h: 2·G·H²          decoder W_dec·h: 2·H·V
 *   backward: each product gives two of the same size (dW += δ·xᵀ and δx = Wᵀ·δ):
 *             4·G·H² + 4·H·V                     (dW_ih is a scatter-add of δ: 0)
 *   total:    6·(G·H² + H·V)
 * Elementwise work (tanh, σ, softmax, the Adagrad update amortized over T·B characters) is left out:
 * it is O(H) per character against O(H²). H=100, V=80 → 108 kFLOP; H=512 → 1.82 MFLOP.
 */
export function flopsPerChar(cell: BenchCell, hidden: number, vocab: number): number {
  const g = GATES[cell];
  return 6 * (g * hidden * hidden + hidden * vocab);
}

/**
 * The bidirectional tagger's: two cells' recurrences and a decoder over [2H] scoring 2 labels,
 * 6·(2·G·H² + 2H·2); the vocabulary only feeds the input gathers, which cost none.
 */
export function taggerFlopsPerChar(cell: BenchCell, hidden: number): number {
  return 6 * (2 * GATES[cell] * hidden * hidden + 2 * hidden * TAGGER_LABELS);
}

/** Matrix-multiply FLOPs per character of a measured row: a third of training's for evaluation and sampling (forward only). */
export function flopsPerCharOf(
  m: { readonly cell: BenchCell; readonly hidden: number; readonly task?: string; readonly bidirectional?: true },
  vocab: number,
): number {
  const training = m.bidirectional ? taggerFlopsPerChar(m.cell, m.hidden) : flopsPerChar(m.cell, m.hidden, vocab);
  return m.task === 'eval' || m.task === 'sample' ? training / 3 : training;
}

/** "rnn H=100 T=25 B=1" for training rows; "eval rnn H=100" / "sample rnn H=100" for the others. */
export function describeRow(
  m: Pick<BenchConfig, 'cell' | 'hidden' | 'seqLength' | 'batchSize' | 'bidirectional'> & { readonly task?: string },
): string {
  return m.task === 'eval' || m.task === 'sample' ? `${m.task} ${m.cell} H=${m.hidden}` : describeConfig(m);
}

/** GFLOP/s a training speed corresponds to. */
export function gflops(charsPerSec: number, cell: BenchCell, hidden: number, vocab: number): number {
  return (charsPerSec * flopsPerChar(cell, hidden, vocab)) / 1e9;
}
