// What the training worker does with each command from the page: drive the one training pipeline
// (@charrnn/train's Trainer) and answer with its events, pause and resume it between steps, sample
// and evaluate the current weights, and turn them into charrnn-train's .safetensors checkpoints.
// Host-free: the worker entry injects the kernels, the clock and the way to post messages, so the
// same class runs under vitest in Node.

import { Prng, type Kernels } from '@charrnn/tensor';
import { formatChar } from '@charrnn/corpus';
import { evaluateText, sampleIds, type CharRnnModel } from '@charrnn/model';
import {
  Trainer,
  decodeCheckpoint,
  modelFromCheckpoint,
  prepareData,
  resolveTrainConfig,
  type Checkpoint,
} from '@charrnn/train';
import type { TrainingEvent } from '@charrnn/report';
import type { FromWorker, ModelSummary, PageConfig, RunStatus, ToWorker } from './protocol.js';
import { TextRefusedError, checkTrainingText, decodeTextFile } from './text-check.js';

export interface SessionHost {
  /** Fresh kernels for a new model (the wasm kernels never free memory, so each model gets its own). */
  readonly createKernels: () => Kernels;
  readonly post: (message: FromWorker, transfer?: Transferable[]) => void;
  /** Milliseconds, monotonic. */
  readonly clock: () => number;
}

/** Steps between the trainer's step events: often enough for a live chart and a quick pause. */
export const PAGE_LOG_EVERY = 10;
export const PAGE_SAMPLE_LENGTH = 200;
/** Step events are sent in batches at most this often (ms); other events go out at once. */
export const STEP_BATCH_MS = 100;

export class TrainingSession {
  private readonly host: SessionHost;
  private kernels: Kernels | null = null;
  private trainer: Trainer | null = null;
  /** A checkpoint loaded from a file, and its model (for sampling until a run starts from it). */
  private loaded: { checkpoint: Checkpoint; model: CharRnnModel; bytes: Uint8Array; name: string } | null = null;
  private status: RunStatus = 'idle';
  private pauseRequested = false;
  private wake: (() => void) | null = null;
  /** Bumped by reset, so a run loop that wakes after it knows it was abandoned. */
  private generation = 0;
  private pendingEvents: TrainingEvent[] = [];
  private lastFlush = 0;

  constructor(host: SessionHost) {
    this.host = host;
  }

  async handle(message: ToWorker): Promise<void> {
    try {
      switch (message.type) {
        case 'start':
          return await this.start(message.text, message.config, message.fromLoaded);
        case 'pause':
          return this.pause();
        case 'resume':
          return this.resume();
        case 'reset':
          return this.reset();
        case 'sample':
          return this.sample(message);
        case 'evaluate':
          return this.evaluate(message.text);
        case 'checkpoint':
          return this.checkpoint(message.purpose);
        case 'load':
          return this.load(new Uint8Array(message.bytes), message.name);
        case 'decode':
          return this.decode(message.id, new Uint8Array(message.bytes), message.name);
      }
    } catch (error) {
      const hint = error instanceof TextRefusedError ? { hint: error.hint } : {};
      this.host.post({ type: 'error', message: (error as Error).message, ...hint });
    }
  }

  private async start(text: string, pageConfig: PageConfig, fromLoaded: boolean): Promise<void> {
    if (this.status === 'running' || this.status === 'paused') throw new Error('a run is in progress: reset it first');
    const init = fromLoaded ? this.loaded?.checkpoint : undefined;
    if (fromLoaded && !init) throw new Error('no checkpoint is loaded to continue from');
    // The commands' limits, whatever way the text came in (typed, pasted, restored).
    checkTrainingText(text);
    const architecture = init
      ? { cell: init.model.cell, hidden: init.model.hiddenSize, layers: init.model.layers }
      : {};
    const config = resolveTrainConfig({
      ...pageConfig,
      ...architecture,
      logEvery: PAGE_LOG_EVERY,
      sampleLength: PAGE_SAMPLE_LENGTH,
    });
    const data = prepareData(text, config.valFraction, config.seqLength, config.batchSize, init?.vocab);
    this.replaceKernels();
    const trainer = new Trainer({
      config,
      data,
      clock: this.host.clock,
      kernels: this.kernels!,
      ...(init ? { init } : {}),
    });
    this.trainer = trainer;
    this.loaded = null;
    const generation = ++this.generation;
    this.pauseRequested = false;
    this.setStatus('running');
    for await (const event of trainer.run()) {
      if (generation !== this.generation) return;
      this.queue(event);
      if (this.pauseRequested && event.type !== 'done') {
        this.setStatus('paused');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        if (generation !== this.generation) return;
        this.setStatus('running');
      }
    }
    if (generation === this.generation) this.setStatus('finished');
  }

  private queue(event: TrainingEvent): void {
    this.pendingEvents.push(event);
    if (event.type !== 'step' || this.host.clock() - this.lastFlush >= STEP_BATCH_MS) this.flush();
  }

  private flush(): void {
    this.lastFlush = this.host.clock();
    if (this.pendingEvents.length === 0) return;
    this.host.post({ type: 'events', events: this.pendingEvents });
    this.pendingEvents = [];
  }

  private pause(): void {
    if (this.status === 'running') this.pauseRequested = true;
  }

  private resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  private reset(): void {
    this.generation++;
    this.pendingEvents = [];
    this.trainer?.stop('stopped');
    this.trainer = null;
    this.loaded = null;
    this.pauseRequested = false;
    this.wake?.();
    this.kernels?.close?.();
    this.kernels = null;
    this.setStatus('idle');
  }

  private sample(request: Extract<ToWorker, { type: 'sample' }>): void {
    const { model, vocab } = this.current();
    const prime = request.prime.length > 0 ? request.prime : vocab.has('\n') ? '\n' : vocab.chars[0]!;
    const unknown = vocab.findUnknown(prime);
    if (unknown.length > 0)
      throw new Error(
        `the prime text has characters the model does not know: ${unknown.slice(0, 10).map(formatChar).join(', ')}`,
      );
    const ids = sampleIds(
      model,
      { prime: vocab.encode(prime), length: request.length, temperature: request.temperature },
      new Prng(request.seed),
    );
    this.host.post({ type: 'sample', id: request.id, prime, text: vocab.decode(ids) });
  }

  /** Exactly charrnn-eval's computation: the checkpoint's bytes decoded, a model built from them, every prediction scored. */
  private evaluate(text: string): void {
    const checkpoint = decodeCheckpoint(this.currentBytes());
    const unknown = checkpoint.vocab.findUnknown(text);
    if (unknown.length > 0)
      throw new Error(
        `the text has ${unknown.length} character(s) outside the model's vocabulary: ${unknown.slice(0, 10).map(formatChar).join(', ')}`,
      );
    const ids = checkpoint.vocab.encode(text);
    if (ids.length < 2) throw new Error(`the text must have at least 2 characters, got ${ids.length}`);
    const result = evaluateText(modelFromCheckpoint(checkpoint), ids);
    this.host.post({ type: 'evaluation', loss: result.loss, bpc: result.bpc, count: result.count });
  }

  private checkpoint(purpose: 'download' | 'persist'): void {
    const bytes = this.currentBytes().slice();
    const config = this.trainer
      ? pageConfigOf(this.trainer.config)
      : this.loaded?.checkpoint.config
        ? pageConfigOf(this.loaded.checkpoint.config)
        : null;
    const step = this.trainer?.currentStep ?? this.loaded?.checkpoint.training?.step ?? 0;
    this.host.post({ type: 'checkpoint', purpose, bytes: bytes.buffer, step, config }, [bytes.buffer]);
  }

  private load(bytes: Uint8Array, name: string): void {
    const checkpoint = decodeCheckpoint(bytes);
    this.reset();
    this.replaceKernels();
    const model = modelFromCheckpoint(checkpoint, this.kernels!);
    this.loaded = { checkpoint, model, bytes, name };
    this.host.post({
      type: 'loaded',
      name,
      model: this.summary()!,
      config: checkpoint.config ? pageConfigOf(checkpoint.config) : null,
    });
    this.setStatus('idle');
  }

  private decode(id: number, bytes: Uint8Array, name: string): void {
    try {
      const { text, facts } = decodeTextFile(bytes, name);
      this.host.post({ type: 'text', id, name, text, facts });
    } catch (error) {
      if (!(error instanceof TextRefusedError)) throw error;
      this.host.post({ type: 'text-refused', id, message: error.message, hint: error.hint });
    }
  }

  private replaceKernels(): void {
    this.kernels?.close?.();
    this.kernels = this.host.createKernels();
  }

  private current(): { model: CharRnnModel; vocab: Checkpoint['vocab'] } {
    if (this.trainer) return { model: this.trainer.model, vocab: this.trainer.vocab };
    if (this.loaded) return { model: this.loaded.model, vocab: this.loaded.checkpoint.vocab };
    throw new Error('there is no model yet: start training or load a checkpoint');
  }

  private currentBytes(): Uint8Array {
    if (this.trainer) return this.trainer.checkpointBytes();
    if (this.loaded) return this.loaded.bytes;
    throw new Error('there is no model yet: start training or load a checkpoint');
  }

  private summary(): ModelSummary | null {
    const { trainer, loaded } = this;
    const model = trainer?.model ?? loaded?.model;
    if (!model) return null;
    const c = model.config;
    return {
      cell: c.cell,
      layers: c.layers,
      hidden: c.hiddenSize,
      vocabSize: c.vocabSize,
      paramCount: model.params.count(),
      step: trainer ? trainer.currentStep : (loaded?.checkpoint.training?.step ?? 0),
      source: trainer ? 'trained here' : loaded!.name,
    };
  }

  private setStatus(status: RunStatus): void {
    this.flush();
    this.status = status;
    this.host.post({ type: 'status', status, model: this.summary() });
  }
}

function pageConfigOf(config: PageConfig): PageConfig {
  const {
    cell,
    layers,
    hidden,
    seqLength,
    batchSize,
    optimizer,
    lr,
    steps,
    evalEvery,
    sampleEvery,
    temperature,
    seed,
  } = config;
  return {
    cell,
    layers,
    hidden,
    seqLength,
    batchSize,
    optimizer,
    lr,
    steps,
    evalEvery,
    sampleEvery,
    temperature,
    seed,
  };
}
