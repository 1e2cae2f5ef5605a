// Messages between the coordinator (main thread) and a trial worker thread.

import type { TrainingEvent } from '@charrnn/report';
import type { TrialOutcome, TrialTask } from '@charrnn/sweep';

export interface WorkerInit {
  /** The --kernels preference, given to chooseKernels as in every command. */
  readonly kernels: string;
  /** The kernels' name the main thread got for it; a worker that gets others says so. */
  readonly expectedKernels: string;
}

export type ToWorker =
  /** The training text of the runs that follow (sent when it changes; the thread keeps only the latest). */
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'run'; readonly task: TrialTask }
  | { readonly type: 'stop' }
  | { readonly type: 'rung-reply'; readonly proceed: boolean };

export type FromWorker =
  | { readonly type: 'notice'; readonly line: string }
  | { readonly type: 'event'; readonly event: TrainingEvent }
  | { readonly type: 'checkpoint'; readonly kind: 'best' | 'last'; readonly step: number; readonly bytes: Uint8Array }
  | { readonly type: 'rung'; readonly rung: number; readonly step: number; readonly value: number }
  | { readonly type: 'done'; readonly outcome: TrialOutcome };
