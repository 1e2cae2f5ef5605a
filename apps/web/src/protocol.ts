// The messages between the page and its training worker. The page never touches a model: it sends
// commands, the worker answers with training events (the same ones charrnn-train's sinks read),
// samples, evaluations and checkpoint bytes.

import type { TrainConfig } from '@charrnn/train';
import type { TrainingEvent } from '@charrnn/report';
import type { TextFacts } from './text-check.js';

/** The settings the page lets you choose; everything else is the trainer's default. */
export type PageConfig = Pick<
  TrainConfig,
  | 'cell'
  | 'layers'
  | 'hidden'
  | 'seqLength'
  | 'batchSize'
  | 'optimizer'
  | 'lr'
  | 'steps'
  | 'evalEvery'
  | 'sampleEvery'
  | 'temperature'
  | 'seed'
>;

export type ToWorker =
  /** Train on `text` from scratch, or from the loaded checkpoint's weights when `fromLoaded`. */
  | { readonly type: 'start'; readonly text: string; readonly config: PageConfig; readonly fromLoaded: boolean }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  /** Forget the run and the loaded model. */
  | { readonly type: 'reset' }
  /** Text from the current weights; `id` comes back with the answer. */
  | {
      readonly type: 'sample';
      readonly id: number;
      readonly prime: string;
      readonly temperature: number;
      readonly length: number;
      readonly seed: number;
    }
  /** Mean loss of the current model on `text`, computed exactly as charrnn-eval does. */
  | { readonly type: 'evaluate'; readonly text: string }
  /** The current model as a .safetensors file (charrnn-train's format). */
  | { readonly type: 'checkpoint'; readonly purpose: 'download' | 'persist' }
  /** A .safetensors file written by charrnn-train, PyTorch, or this page. */
  | { readonly type: 'load'; readonly bytes: ArrayBuffer; readonly name: string }
  /** A text file's bytes, to decode strictly and check here, off the page's thread; `id` comes back. */
  | { readonly type: 'decode'; readonly id: number; readonly bytes: ArrayBuffer; readonly name: string };

export type RunStatus = 'idle' | 'running' | 'paused' | 'finished';

/** What the page shows about the model the worker holds. */
export interface ModelSummary {
  readonly cell: string;
  readonly layers: number;
  readonly hidden: number;
  readonly vocabSize: number;
  readonly paramCount: number;
  readonly step: number;
  /** Where the weights came from: "trained here", or a file name. */
  readonly source: string;
}

export type FromWorker =
  | {
      readonly type: 'ready';
      readonly kernels: string;
      readonly threads: number;
      readonly isolated: boolean;
      readonly notice?: string;
    }
  | { readonly type: 'status'; readonly status: RunStatus; readonly model: ModelSummary | null }
  /** Training events in order; step events are batched (about ten messages a second) to spare the page's thread. */
  | { readonly type: 'events'; readonly events: readonly TrainingEvent[] }
  | { readonly type: 'sample'; readonly id: number; readonly prime: string; readonly text: string }
  | { readonly type: 'evaluation'; readonly loss: number; readonly bpc: number; readonly count: number }
  | {
      readonly type: 'checkpoint';
      readonly purpose: 'download' | 'persist';
      readonly bytes: ArrayBuffer;
      readonly step: number;
      readonly config: PageConfig | null;
    }
  | { readonly type: 'loaded'; readonly name: string; readonly model: ModelSummary; readonly config: PageConfig | null }
  /** A decoded text file that meets the limits, with its facts (the page need not scan it again). */
  | {
      readonly type: 'text';
      readonly id: number;
      readonly name: string;
      readonly text: string;
      readonly facts: TextFacts;
    }
  /** A text file refused (too large, not UTF-8, too many distinct characters): the commands' message and hint. */
  | { readonly type: 'text-refused'; readonly id: number; readonly message: string; readonly hint: string }
  /** A command that could not be carried out; one line (and a hint saying what to do), for the page's status area. */
  | { readonly type: 'error'; readonly message: string; readonly hint?: string };
