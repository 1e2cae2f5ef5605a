// The tree trainer: a resumed run is the uninterrupted run bit for bit; checkpoints round-trip and
// refuse what they cannot load; training lowers the loss.
import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '@charrnn/safetensors';
import { TreeVocabulary, parseTree } from '@charrnn/model';
import { CheckpointError } from '../checkpoint.js';
import { resolveTreeTrainConfig, type TreeTrainConfig } from './tree-config.js';
import { decodeTreeCheckpoint, encodeTreeCheckpoint, treeModelFromCheckpoint } from './tree-checkpoint.js';
import { arithmeticTreeData } from './tree-data.js';
import { TreeTrainer, evaluateTrees, type TreeTrainingEvent } from './tree-trainer.js';

const small = (over: Partial<TreeTrainConfig> = {}): TreeTrainConfig =>
  resolveTreeTrainConfig({
    hidden: 6,
    dtype: 'f64',
    batchSize: 4,
    steps: 20,
    evalEvery: 5,
    logEvery: 5,
    saveEvery: 0,
    trainTrees: 300,
    heldOutTrees: 30,
    deepTrees: 0,
    maxOps: 3,
    ...over,
  });

async function drain(trainer: TreeTrainer): Promise<TreeTrainingEvent[]> {
  const events: TreeTrainingEvent[] = [];
  for await (const e of trainer.run()) events.push(e);
  return events;
}

const clock = () => 0;

describe.each(['tree-rnn', 'tree-lstm'] as const)('%s', (cell) => {
  it('resumes bit for bit: 9 steps, checkpoint, 11 more = 20 straight (adam state, batch stream, counters)', async () => {
    const config = small({ cell });
    const data = arithmeticTreeData(config);
    const straight = new TreeTrainer({ config, data, clock });
    const straightEvents = await drain(straight);

    const first = new TreeTrainer({ config: { ...config, steps: 9 }, data, clock });
    await drain(first);
    const checkpoint = decodeTreeCheckpoint(first.checkpointBytes());
    const resumed = new TreeTrainer({ config, data, clock, resume: checkpoint });
    const resumedEvents = await drain(resumed);

    expect(Buffer.from(resumed.checkpointBytes()).equals(Buffer.from(straight.checkpointBytes()))).toBe(true);
    // Speed depends on where the logging window started; everything else must agree.
    const steps = (events: TreeTrainingEvent[]) =>
      events.filter((e) => e.type === 'step' && e.step > 10).map((e) => ({ ...e, treesPerSec: 0 }));
    expect(steps(resumedEvents)).toEqual(steps(straightEvents));
  });
});

it('lowers the loss and reports held-out accuracy', async () => {
  const config = small({
    cell: 'tree-lstm',
    steps: 150,
    hidden: 16,
    lr: 0.02,
    evalEvery: 150,
    maxOps: 2,
    trainTrees: 1000,
  });
  const data = arithmeticTreeData(config);
  const trainer = new TreeTrainer({ config, data, clock });
  const before = evaluateTrees(trainer.model, data.train);
  const events = await drain(trainer);
  expect(evaluateTrees(trainer.model, data.train).loss).toBeLessThan(before.loss - 0.2);
  const evalEvent = events.find((e) => e.type === 'eval');
  expect(evalEvent).toMatchObject({ type: 'eval', step: 150, count: 30 });
  expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed', step: 150 });
});

describe('tree checkpoints', () => {
  it('round-trip weights, tables and config; a weights-only file loads too', () => {
    const config = small();
    const data = arithmeticTreeData(config);
    const trainer = new TreeTrainer({ config, data, clock });
    const cp = decodeTreeCheckpoint(trainer.checkpointBytes());
    expect(cp.config).toEqual(config);
    expect(cp.vocab.toJSON()).toEqual(data.vocab.toJSON());
    const model = treeModelFromCheckpoint(cp);
    model.params.list.forEach((p, k) =>
      expect(Array.from(p.value)).toEqual(Array.from(trainer.model.params.list[k]!.value)),
    );
    const weightsOnly = decodeTreeCheckpoint(encodeTreeCheckpoint({ model, vocab: data.vocab }));
    expect(weightsOnly.training).toBeUndefined();
    expect(treeModelFromCheckpoint(weightsOnly, undefined, 'f32').params.list[0]!.value).toBeInstanceOf(Float32Array);
  });

  it.each([
    ['a char-model checkpoint', { format: 'charrnn-1', cell: 'lstm' }, /metadata "format" must be charrnn-tree-1/],
    [
      'an unknown cell',
      { format: 'charrnn-tree-1', cell: 'gru' },
      /metadata "cell" must be tree-rnn or tree-lstm, got "gru"/,
    ],
    ['no tables', { format: 'charrnn-tree-1', cell: 'tree-rnn' }, /"tokens" and "labels" must be JSON arrays/],
  ])('refuses %s with one line', (_what, metadata, message) => {
    const bytes = encodeSafetensors(new Map(), metadata);
    expect(() => decodeTreeCheckpoint(bytes)).toThrow(CheckpointError);
    expect(() => decodeTreeCheckpoint(bytes)).toThrow(message);
  });

  it('refuses a tensor of the wrong shape and a non-finite weight, naming the tensor', () => {
    const vocab = new TreeVocabulary(['1', '+'], ['a', 'b']);
    const config = small();
    const trainer = new TreeTrainer({
      config,
      data: { vocab, train: [vocab.encode({ label: 'a', tree: parseTree('(+ 1 1)') })], val: [] },
      clock,
    });
    const good = decodeTreeCheckpoint(trainer.checkpointBytes());
    const tensors = new Map(good.tensors);
    const bias = tensors.get('tree.bias')!;
    tensors.set('tree.bias', { ...bias, shape: [bias.shape[0]! - 1], data: bias.data.slice(1) } as typeof bias);
    const meta = { format: 'charrnn-tree-1', cell: 'tree-lstm', tokens: '["1","+"]', labels: '["a","b"]' };
    expect(() => decodeTreeCheckpoint(encodeSafetensors(tensors, meta))).toThrow(
      /tensor "tree.bias" must be F64 \[30\]/,
    );
    const nan = new Map(good.tensors);
    const w = nan.get('classifier.bias')!;
    nan.set('classifier.bias', { ...w, data: Float64Array.of(0, Number.NaN) } as typeof w);
    expect(() => decodeTreeCheckpoint(encodeSafetensors(nan, meta))).toThrow(
      /"classifier.bias" has a non-finite value \(NaN\) at entry 1/,
    );
  });
});

it('refuses bad settings naming the setting', () => {
  expect(() => resolveTreeTrainConfig({ hidden: 0 })).toThrow(/resolveTreeTrainConfig: hidden /);
  expect(() => resolveTreeTrainConfig({ minOps: 4, maxOps: 2 })).toThrow(/maxOps must be at least minOps \(4\), got 2/);
});
