// Checkpoints are untrusted input and runs can blow up: metadata is validated field by field,
// non-finite weights are refused by name, a mutated checkpoint only ever gives a CheckpointError,
// divergence stops a run by a stated rule, elapsed time continues across resume, and a model too
// big for the kernels is measured in sizes the user chose.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '@charrnn/safetensors';
import type { StepEvent } from '@charrnn/report';
import { CheckpointError, decodeCheckpoint } from './checkpoint.js';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import { prepareData } from './data.js';
import { DivergenceWatch } from './divergence.js';
import { estimateKernelBytes, largestHiddenThatFits } from './memory.js';
import { Trainer } from './trainer.js';
import { collect, fakeClock, SMALL_TEXT } from './test-helpers.js';

function trainer(
  overrides: Partial<TrainConfig>,
  extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {},
): Trainer {
  const config = resolveTrainConfig({
    hidden: 8,
    seqLength: 8,
    evalEvery: 0,
    sampleEvery: 0,
    logEvery: 1,
    dtype: 'f32',
    ...overrides,
  });
  return new Trainer({
    config,
    data: prepareData(SMALL_TEXT, config.valFraction, config.seqLength, config.batchSize),
    clock: fakeClock(),
    checkpointPeriodic: true,
    ...extra,
  });
}

async function savedCheckpoint(steps = 6): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  await collect(trainer({ steps }), (b) => (bytes = b));
  return bytes!;
}

/** The checkpoint with one metadata field replaced. */
function withMetadata(bytes: Uint8Array, edit: (metadata: Record<string, string>) => void): Uint8Array {
  const { metadata, tensors } = decodeSafetensors(bytes);
  edit(metadata);
  return encodeSafetensors(tensors, metadata);
}

function refusal(bytes: Uint8Array): string {
  try {
    decodeCheckpoint(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected a CheckpointError');
}

describe('checkpoint metadata is validated', async () => {
  const good = await savedCheckpoint();
  const training = (edit: (t: Record<string, unknown>) => void) =>
    withMetadata(good, (m) => {
      const t = JSON.parse(m['training']!);
      edit(t);
      m['training'] = JSON.stringify(t);
    });

  it.each([
    ['a negative step', training((t) => (t['step'] = -3)), /metadata "training" field step is invalid/],
    ['a fractional step', training((t) => (t['step'] = 2.5)), /field step is invalid/],
    ['a missing counter', training((t) => delete t['chars']), /field chars is invalid/],
    [
      'a PRNG state of the wrong length',
      training((t) => ((t['dropoutRng'] as { words: number[] }).words = [1, 2])),
      /field dropoutRng.words is invalid/,
    ],
    [
      'a stream pointer that is not a count',
      training((t) => ((t['stream'] as { pointers: unknown[] }).pointers = ['x'])),
      /field stream.pointers.0 is invalid/,
    ],
    [
      'an unknown format',
      withMetadata(good, (m) => (m['format'] = 'charrnn-99')),
      /metadata "format" must be charrnn-1 .*got "charrnn-99"/,
    ],
    [
      'a non-numeric config value',
      withMetadata(good, (m) => (m['config'] = JSON.stringify({ ...JSON.parse(m['config']!), lr: 'fast' }))),
      /metadata "config" lr must be a number, got "fast"/,
    ],
    [
      'an unknown config key',
      withMetadata(good, (m) => (m['config'] = JSON.stringify({ ...JSON.parse(m['config']!), turbo: 1 }))),
      /unknown setting "turbo"/,
    ],
    ['config that is not JSON', withMetadata(good, (m) => (m['config'] = '{lr: 1')), /metadata "config" must be JSON/],
    [
      'a data reference without a hash',
      withMetadata(good, (m) => (m['data'] = JSON.stringify({ source: 'file', path: '/x', bytes: 3 }))),
      /metadata "data" field sha256 is invalid/,
    ],
  ])('refuses %s in one line', (_name, bytes, message) => {
    const text = refusal(bytes);
    expect(text).toMatch(message);
    expect(text).not.toMatch(/\n/);
  });

  it('accepts and round-trips a valid data reference and the elapsed time', () => {
    const ref = { source: 'file', path: '/data/kafka.txt', sha256: 'a'.repeat(64), bytes: 139054 };
    const checkpoint = decodeCheckpoint(withMetadata(good, (m) => (m['data'] = JSON.stringify(ref))));
    expect(checkpoint.data).toEqual(ref);
    expect(checkpoint.training?.elapsedSec).toBeGreaterThan(0);
  });
});

describe('non-finite weights', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses %s, naming the tensor and the entry',
    async (bad) => {
      const { metadata, tensors } = decodeSafetensors(await savedCheckpoint());
      (tensors.get('rnn.weight_hh_l0')!.data as Float32Array)[5] = bad;
      expect(refusal(encodeSafetensors(tensors, metadata))).toMatch(
        new RegExp(`tensor "rnn.weight_hh_l0" has a non-finite value \\(${String(bad)}\\) at entry 5 of 64`),
      );
    },
  );

  it('refuses a non-finite optimizer slot too (a resume would spread it)', async () => {
    const { metadata, tensors } = decodeSafetensors(await savedCheckpoint());
    const slot = [...tensors.keys()].find((k) => k.startsWith('optim.'))!;
    (tensors.get(slot)!.data as Float32Array)[0] = Number.NaN;
    expect(refusal(encodeSafetensors(tensors, metadata))).toMatch(
      new RegExp(`tensor "${slot.replace(/\./g, '\\.')}" has a non-finite value`),
    );
  });

  it('does not read tensors a checkpoint does not use', async () => {
    const { metadata, tensors } = decodeSafetensors(await savedCheckpoint());
    tensors.set('extra.junk', { dtype: 'F32', shape: [2], data: new Float32Array([Number.NaN, 1]) });
    const checkpoint = decodeCheckpoint(encodeSafetensors(tensors, metadata));
    expect(checkpoint.tensors.has('extra.junk')).toBe(false);
  });
});

describe('checkpoint fuzzing', async () => {
  const good = await savedCheckpoint(3);
  it('mutated and truncated checkpoints give a CheckpointError or a valid checkpoint, nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (edits, cut) => {
          const file = good.slice();
          // Most edits land in the header (metadata, shapes, offsets): the interesting part.
          for (const [at, value] of edits) file[at % Math.min(file.length, 2048)] = value;
          const bytes = cut === undefined ? file : file.subarray(0, cut % (file.length + 1));
          try {
            const checkpoint = decodeCheckpoint(bytes);
            for (const t of checkpoint.tensors.values())
              expect((t.data as Float32Array).every(Number.isFinite)).toBe(true);
          } catch (error) {
            if (!(error instanceof CheckpointError)) throw error;
            expect(error.message).not.toMatch(/\n/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('mutated metadata values give a CheckpointError or a valid checkpoint', () => {
    const { metadata, tensors } = decodeSafetensors(good);
    const keys = Object.keys(metadata);
    const jsonish = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('null', '[]', '{}', '-1', '1e999', '"x"'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...keys), jsonish, (key, value) => {
        const bytes = encodeSafetensors(tensors, { ...metadata, [key]: value });
        try {
          decodeCheckpoint(bytes);
        } catch (error) {
          if (!(error instanceof CheckpointError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('divergence', () => {
  it('states its rule: a loss above factor × ln V for window steps in a row; a step below resets the count', () => {
    const watch = new DivergenceWatch({ factor: 2, window: 3 }, 7); // the line: 2 ln 7 = 3.89 nats
    const line = 2 * Math.log(7);
    expect(watch.observe(line + 1, 1)).toBeNull();
    expect(watch.observe(line + 1, 2)).toBeNull();
    expect(watch.observe(line - 1, 3)).toBeNull(); // recovered
    expect(watch.streak).toBe(0);
    expect(watch.observe(line + 1, 4)).toBeNull();
    expect(watch.observe(line + 1, 5)).toBeNull();
    expect(watch.observe(line + 1, 6)).toMatch(/^loss stayed above 2 × ln V = 3\.89 nats for 3 steps \(step 6: /);
    expect(new DivergenceWatch({ factor: 0, window: 1 }, 10).observe(1e30, 1)).toBeNull();
    expect(new DivergenceWatch({ factor: 0, window: 1 }, 10).observe(Number.NaN, 7)).toBe('loss became NaN at step 7');
  });

  it('stops a run whose finite loss explodes (lr 1e9, plain SGD, no clipping), and writes no checkpoint after the loss left the line', async () => {
    const t = trainer(
      { steps: 400, lr: 1e9, optimizer: 'sgd', clipMode: 'none', saveEvery: 1 },
      { divergence: { factor: 3, window: 20 } },
    );
    const saved: number[] = [];
    const events = await collect(t, (_b, step) => saved.push(step));
    const done = events.at(-1)!;
    expect(done).toMatchObject({
      type: 'done',
      reason: 'diverged',
      message: expect.stringMatching(/^loss (stayed above 3 × ln V|became)/),
    });
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    const line = 3 * Math.log(t.vocab.size);
    for (const step of saved) expect(steps.find((s) => s.step === step)!.loss).toBeLessThanOrEqual(line);
    expect(events.some((e) => e.type === 'checkpoint' && e.reason === 'final')).toBe(false);
  });
});

describe('elapsed time across resume', () => {
  it('a resumed run continues elapsed_s from the checkpoint', async () => {
    let saved: Uint8Array | undefined;
    await collect(trainer({ steps: 10 }), (b) => (saved = b));
    const checkpoint = decodeCheckpoint(saved!);
    const before = checkpoint.training!.elapsedSec!;
    expect(before).toBeGreaterThan(0);
    const events = await collect(trainer({ steps: 15 }, { resume: checkpoint }));
    const first = events.find((e): e is StepEvent => e.type === 'step')!;
    expect(first.step).toBe(11);
    expect(first.elapsedSec).toBeGreaterThan(before);
  });
});

describe('kernel memory estimate', () => {
  const config = resolveTrainConfig({ cell: 'lstm', hidden: 8192, seqLength: 100, batchSize: 64 });
  it('grows with the model and finds the largest hidden size under a budget', () => {
    const GiB = 1024 ** 3;
    expect(estimateKernelBytes(config, 80)).toBeGreaterThan(GiB);
    const fits = largestHiddenThatFits(config, 80, GiB);
    expect(fits).toBeGreaterThan(100);
    expect(estimateKernelBytes({ ...config, hidden: fits }, 80)).toBeLessThanOrEqual(GiB);
    expect(estimateKernelBytes({ ...config, hidden: fits + 1 }, 80)).toBeGreaterThan(GiB);
  });
});
