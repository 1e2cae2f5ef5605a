// The Cell seam, proved from outside: a cell the packages have never heard of, defined and
// registered here, trains (and resumes bit for bit), round-trips through a checkpoint with and
// without metadata, and passes the gradient checker, with no change to any other file.
//
// The test cell is a two-gate "minimal gated" recurrence (a GRU without the reset gate):
//   [a, u] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh      (both biases folded into xw by the model)
//   n = tanh(a),  z = σ(u),  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n
// Dimension letters: T time, B batch, H hidden; gates are stored [n | z] per row, [T·B, 2H].

import { CharRnnModel, registerCell, type Cell, type LayerBuffers, type LayerWeights } from '@charrnn/model';
import { decodeSafetensors, encodeSafetensors } from '@charrnn/safetensors';
import { Prng, type CompleteKernels } from '@charrnn/tensor';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  modelFromCheckpoint,
  prepareData,
  resolveTrainConfig,
  Trainer,
  type TrainConfig,
} from '@charrnn/train';
import { describe, expect, it } from 'vitest';
import { checkGradients } from './check.js';
import { modelTarget, randomState } from './model-target.js';

const minimalGatedCell: Cell = {
  name: 'test-mgu',
  gates: 2,
  carriesCellState: false,
  savesAux: false,
  defaultInit: 'pytorch',
  foldsHiddenBias: true,
  separateHiddenGrad: false,

  forward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, xw, hs, gates } = buf;
    const G = 2 * H;
    for (let t = 0; t < T; t++) {
      const row = t * B * G;
      gates.set(xw.subarray(row, row + B * G), row);
      // gates[t] += hs[t] · W_hhᵀ   ([B,H]·[H,2H])
      kernels.gemm(false, false, B, G, H, 1, hs, t * B * H, H, weights.weightHhT, 0, G, 1, gates, row, G);
      for (let b = 0; b < B; b++) {
        const g = row + b * G;
        for (let j = 0; j < H; j++) {
          const n = Math.tanh(gates[g + j]!);
          const z = 1 / (1 + Math.exp(-gates[g + H + j]!));
          gates[g + j] = n;
          gates[g + H + j] = z;
          hs[(t + 1) * B * H + b * H + j] = z * hs[t * B * H + b * H + j]! + (1 - z) * n;
        }
      }
    }
  },

  backward(kernels: CompleteKernels, weights: LayerWeights, buf: LayerBuffers): void {
    const { T, B, H, hs, gates, dOut, dXw, dh } = buf;
    const G = 2 * H;
    dh.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const row = t * B * G;
      for (let b = 0; b < B; b++) {
        const g = row + b * G;
        for (let j = 0; j < H; j++) {
          const n = gates[g + j]!;
          const z = gates[g + H + j]!;
          const hPrev = hs[t * B * H + b * H + j]!;
          const dht = dOut[t * B * H + b * H + j]! + dh[b * H + j]!;
          dXw[g + j] = dht * (1 - z) * (1 - n * n);
          dXw[g + H + j] = dht * (hPrev - n) * z * (1 - z);
          dh[b * H + j] = dht * z; // the direct path; the W_hh path is added below
        }
      }
      // dh_{t−1} += d[a, u]_t · W_hh   ([B,2H]·[2H,H])
      kernels.gemm(false, false, B, H, G, 1, dXw, row, G, weights.weightHh, 0, H, 1, dh, 0, H);
    }
  },
};

registerCell(minimalGatedCell);

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(8);

function trainer(
  overrides: Partial<TrainConfig>,
  extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {},
): Trainer {
  const config = resolveTrainConfig({
    cell: 'test-mgu',
    hidden: 8,
    layers: 2,
    seqLength: 6,
    batchSize: 2,
    dtype: 'f64',
    evalEvery: 0,
    sampleEvery: 0,
    logEvery: 1,
    ...overrides,
  });
  let now = 0;
  return new Trainer({
    config,
    data: prepareData(TEXT, config.valFraction, config.seqLength, config.batchSize),
    clock: () => (now += 1),
    ...extra,
  });
}

async function run(t: Trainer): Promise<{ losses: number[]; checkpoint?: Uint8Array }> {
  const losses: number[] = [];
  let checkpoint: Uint8Array | undefined;
  for await (const event of t.run()) {
    if (event.type === 'step') losses.push(event.loss);
    if (event.type === 'checkpoint') checkpoint = t.checkpointBytes();
  }
  return { losses, checkpoint };
}

describe('a cell registered from outside the packages', () => {
  it('passes the gradient checker, every entry, and the checker catches a broken copy', () => {
    const rng = new Prng(3);
    const model = new CharRnnModel({
      cell: 'test-mgu',
      vocabSize: 5,
      hiddenSize: 4,
      layers: 2,
      dropout: 0,
      dtype: 'f64',
    });
    for (const p of model.params.list) rng.fillUniform(p.value, -0.8, 0.8);
    const window = { inputs: Int32Array.of(0, 1, 2, 3, 4, 0), targets: Int32Array.of(1, 2, 3, 4, 0, 1), T: 3, B: 2 };
    const initialState = randomState(model, 2, rng);
    const report = checkGradients(modelTarget(model, window, initialState));
    expect(report.failingTensors).toEqual([]);
    expect(report.pass).toBe(true);

    const broken: Cell = {
      ...minimalGatedCell,
      backward: (k, w, b) => {
        minimalGatedCell.backward(k, w, b);
        b.dh.fill(0);
      },
    };
    const wrong = new CharRnnModel(model.config, undefined, { cell: broken });
    wrong.params.list.forEach((p, i) => p.value.set(model.params.list[i]!.value));
    expect(checkGradients(modelTarget(wrong, window, initialState)).failingTensors).toEqual([
      'state.h_l0',
      'state.h_l1',
    ]);
  });

  it('trains: the loss falls', async () => {
    const { losses } = await run(trainer({ steps: 150, lr: 0.05 }));
    expect(losses.slice(-10).reduce((a, b) => a + b) / 10).toBeLessThan(
      0.8 * (losses.slice(0, 10).reduce((a, b) => a + b) / 10),
    );
  });

  it('resumes from a checkpoint bit for bit, with dropout', async () => {
    const overrides = { dropout: 0.25, optimizer: 'adam' as const, lr: 0.01 };
    const straight = trainer({ ...overrides, steps: 20 });
    await run(straight);
    const first = await run(trainer({ ...overrides, steps: 12 }, { checkpointPeriodic: true }));
    const resumed = trainer({ ...overrides, steps: 20 }, { resume: decodeCheckpoint(first.checkpoint!) });
    await run(resumed);
    straight.model.params.list.forEach((p, i) =>
      expect(Array.from(resumed.model.params.list[i]!.value), p.name).toEqual(Array.from(p.value)),
    );
  });

  it('round-trips through a checkpoint, read by metadata and, without it, by its gate count', async () => {
    const t = trainer({ steps: 5 });
    await run(t);
    const checkpoint = decodeCheckpoint(t.checkpointBytes());
    expect(checkpoint.model.cell).toBe('test-mgu');
    const loaded = modelFromCheckpoint(checkpoint);
    loaded.params.list.forEach((p, i) =>
      expect(Array.from(p.value)).toEqual(Array.from(t.model.params.list[i]!.value)),
    );
    const full = decodeSafetensors(encodeCheckpoint({ model: t.model, vocab: t.vocab }));
    expect(full.metadata['cell']).toBe('test-mgu');
    const bare = decodeCheckpoint(encodeSafetensors(full.tensors, { vocab: full.metadata['vocab']! }));
    expect(bare.model.cell).toBe('test-mgu');
  });
});
