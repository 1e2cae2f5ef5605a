import { describe, expect, it } from 'vitest';
import { combineSinks } from './combine.js';
import type { EventSink, TrainingEvent } from './events.js';

const sample: TrainingEvent = { type: 'sample', step: 1, prime: '', text: 'x' };

function recorder(name: string, log: string[], opts: { async?: boolean; failClose?: boolean } = {}): EventSink {
  return {
    handle(e) {
      if (!opts.async) {
        log.push(`${name}:${e.type}`);
        return;
      }
      return Promise.resolve().then(() => {
        log.push(`${name}:${e.type}`);
      });
    },
    close() {
      log.push(`${name}:close`);
      if (opts.failClose) throw new Error(`${name} close failed`);
    },
  };
}

describe('combineSinks', () => {
  it('forwards each event in order and stays synchronous for sync sinks', () => {
    const log: string[] = [];
    const sink = combineSinks(recorder('a', log), recorder('b', log), { handle: () => void log.push('c:no-close') });
    expect(sink.handle(sample)).toBeUndefined();
    expect(sink.close?.()).toBeUndefined();
    expect(log).toEqual(['a:sample', 'b:sample', 'c:no-close', 'a:close', 'b:close']);
  });

  it('waits for an async sink before the next one', async () => {
    const log: string[] = [];
    const sink = combineSinks(recorder('a', log, { async: true }), recorder('b', log));
    const pending = sink.handle(sample);
    expect(log).toEqual([]);
    await pending;
    expect(log).toEqual(['a:sample', 'b:sample']);
  });

  it('closes every sink even when one fails, then rethrows', () => {
    const log: string[] = [];
    const sink = combineSinks(recorder('a', log, { failClose: true }), recorder('b', log));
    expect(() => sink.close?.()).toThrow('a close failed');
    expect(log).toEqual(['a:close', 'b:close']);

    const both = combineSinks(recorder('a', [], { failClose: true }), recorder('b', [], { failClose: true }));
    expect(() => both.close?.()).toThrow(AggregateError);
  });

  it('closes after an async close rejects too', async () => {
    const log: string[] = [];
    const failing: EventSink = { handle: () => {}, close: () => Promise.reject(new Error('boom')) };
    const sink = combineSinks(failing, recorder('b', log));
    await expect(sink.close?.()).rejects.toThrow('boom');
    expect(log).toEqual(['b:close']);
  });

  it('rejects something that is not a sink', () => {
    expect(() => combineSinks(recorder('a', []), {} as never)).toThrow(
      new TypeError('combineSinks: sinks[1] must be an EventSink with a handle() method, got an object'),
    );
  });
});
