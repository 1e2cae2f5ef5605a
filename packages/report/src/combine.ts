// Fan one event stream out to several sinks (CSV log + progress + checkpoints …). Sinks run in the
// order given; the combination stays synchronous unless some sink returns a promise.
import { describe } from './check.js';
import type { EventSink, TrainingEvent } from './events.js';

/**
 * A sink forwarding each event to `sinks` in order, awaiting any that return a promise before the
 * next. A failing handle() stops there and propagates. close() closes every sink, even after
 * failures, then rethrows the first error (an AggregateError when several failed).
 */
export function combineSinks(...sinks: EventSink[]): EventSink {
  for (const [i, sink] of sinks.entries()) {
    if (sink === null || typeof sink !== 'object' || typeof sink.handle !== 'function') {
      throw new TypeError(
        `combineSinks: sinks[${i}] must be an EventSink with a handle() method, got ${describe(sink)}`,
      );
    }
  }
  const list = [...sinks];
  return {
    handle(event: TrainingEvent): void | Promise<void> {
      return handleFrom(list, 0, event);
    },
    close(): void | Promise<void> {
      return closeFrom(list, 0, []);
    },
  };
}

function handleFrom(sinks: readonly EventSink[], start: number, event: TrainingEvent): void | Promise<void> {
  for (let i = start; i < sinks.length; i++) {
    const result = sinks[i]!.handle(event);
    if (isPromise(result)) return result.then(() => handleFrom(sinks, i + 1, event));
  }
}

function closeFrom(sinks: readonly EventSink[], start: number, errors: unknown[]): void | Promise<void> {
  for (let i = start; i < sinks.length; i++) {
    let result: void | Promise<void>;
    try {
      result = sinks[i]!.close?.();
    } catch (error) {
      errors.push(error);
      continue;
    }
    if (isPromise(result)) {
      return result.then(
        () => closeFrom(sinks, i + 1, errors),
        (error: unknown) => {
          errors.push(error);
          return closeFrom(sinks, i + 1, errors);
        },
      );
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `combineSinks: ${errors.length} sinks failed to close`);
}

function isPromise(value: unknown): value is Promise<void> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
