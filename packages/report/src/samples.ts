// Sample text as a framed block, min-char-rnn style ("----\n text \n----"), headed by the step and
// the prime. The progress sink prints samples itself; createSamplePrinter is for runs without it.
import { describe, requireFunction } from './check.js';
import type { EventSink, SampleEvent, TrainingEvent } from './events.js';

// C0 controls except tab and newline, DEL, and C1 controls: a sampled ESC or CR could move the
// cursor or recolor the terminal, and would break the progress bar's in-place redraw.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The block for one sample event, without a trailing newline. Control characters become U+FFFD. */
export function formatSample(event: SampleEvent): string {
  const text = event.text.replace(/\r\n/g, '\n').replace(CONTROL, '\uFFFD');
  // JSON quoting keeps the prime on the header line whatever it contains.
  return `---- sample at step ${event.step}, prime ${JSON.stringify(event.prime)} ----\n ${text} \n----`;
}

export interface SamplePrinterOptions {
  /** Receives each block followed by a newline. */
  readonly write: (s: string) => void;
}

/** A sink printing sample events as blocks; other events are ignored. */
export function createSamplePrinter(options: SamplePrinterOptions): EventSink {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createSamplePrinter: options must be an object, got ${describe(options)}`);
  }
  const { write } = options;
  requireFunction('createSamplePrinter', 'write', write);
  return {
    handle(event: TrainingEvent): void {
      if (event.type === 'sample') write(`${formatSample(event)}\n`);
    },
  };
}
