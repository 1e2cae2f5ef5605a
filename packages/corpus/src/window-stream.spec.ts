import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowStream, windowsPerPass } from './window-stream.js';

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** Pulls one window; returns copies of inputs, targets and the reset mask. */
function pull(stream: WindowStream): { inputs: number[]; targets: number[]; reset: number[] } {
  const n = stream.seqLength * stream.batchSize;
  const inputs = new Int32Array(n);
  const targets = new Int32Array(n);
  const reset = Array.from(stream.next(inputs, targets));
  return { inputs: Array.from(inputs), targets: Array.from(targets), reset };
}

describe('WindowStream with one stream', () => {
  it('starts at 0 with a reset, targets shifted by one, and advances by T', () => {
    const stream = new WindowStream(range(20), { seqLength: 4 });
    expect(pull(stream)).toEqual({ inputs: [0, 1, 2, 3], targets: [1, 2, 3, 4], reset: [1] });
    expect(stream.getState().pointers).toEqual([4]);
    expect(pull(stream)).toEqual({ inputs: [4, 5, 6, 7], targets: [5, 6, 7, 8], reset: [0] });
  });

  it('uses the last full window (p + T + 1 = length) and only then wraps with a reset', () => {
    // length 9, T 4: windows at 0 and 4 (4 + 4 + 1 = 9 fits); the seed's `>=` would have skipped p = 4.
    const stream = new WindowStream(range(9), { seqLength: 4 });
    expect(stream.windowsPerPass).toBe(2);
    pull(stream);
    expect(pull(stream)).toEqual({ inputs: [4, 5, 6, 7], targets: [5, 6, 7, 8], reset: [0] });
    expect(pull(stream)).toEqual({ inputs: [0, 1, 2, 3], targets: [1, 2, 3, 4], reset: [1] });
    expect(pull(stream).reset).toEqual([0]);
  });

  it('property: one pass covers each offset p ≡ 0 (mod T) once, then wraps to 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 60 }), (T, extra) => {
        const length = T + 1 + extra;
        const stream = new WindowStream(range(length), { seqLength: T });
        const passes = stream.windowsPerPass;
        expect(passes).toBe(windowsPerPass(length, T));
        const starts: number[] = [];
        const predicted = new Set<number>();
        for (let w = 0; w < passes; w++) {
          const { inputs, targets, reset } = pull(stream);
          expect(reset).toEqual([w === 0 ? 1 : 0]);
          starts.push(inputs[0]!);
          for (let t = 0; t < T; t++) {
            expect(targets[t]).toBe(inputs[t]! + 1);
            expect(predicted.has(targets[t]!)).toBe(false);
            predicted.add(targets[t]!);
          }
        }
        expect(starts).toEqual(Array.from({ length: passes }, (_, k) => k * T));
        // Every target position that could be predicted without leaving the text was predicted,
        // except a tail shorter than one window.
        expect(length - 1 - predicted.size).toBeLessThan(T);
        const wrap = pull(stream);
        expect(wrap.inputs[0]).toBe(0);
        expect(wrap.reset).toEqual([1]);
      }),
    );
  });
});

describe('WindowStream with several streams', () => {
  it('spaces stream starts by floor(length / B), time-major', () => {
    // length 23, B 3 → segments of 7: [0,7), [7,14), [14,21); 21 and 22 unused.
    const stream = new WindowStream(range(23), { seqLength: 2, batchSize: 3 });
    expect(stream.segmentLength).toBe(7);
    expect(pull(stream)).toEqual({
      inputs: [0, 7, 14, 1, 8, 15], // inputs[t * B + b]
      targets: [1, 8, 15, 2, 9, 16],
      reset: [1, 1, 1],
    });
    expect(stream.getState().pointers).toEqual([2, 9, 16]);
  });

  it('wraps each stream within its own segment, so streams never overlap', () => {
    const B = 3;
    const T = 2;
    const stream = new WindowStream(range(23), { seqLength: T, batchSize: B });
    expect(stream.windowsPerPass).toBe(3); // windows at 0, 2, 4 of each 7-character segment
    const seen: number[][] = [[], [], []];
    for (let w = 0; w < 7; w++) {
      const { inputs, targets, reset } = pull(stream);
      for (let b = 0; b < B; b++) {
        expect(reset[b]).toBe(w % 3 === 0 ? 1 : 0);
        for (let t = 0; t < T; t++) {
          seen[b]!.push(targets[t * B + b]!);
          expect(Math.floor(inputs[t * B + b]! / 7)).toBe(b);
          expect(Math.floor((targets[t * B + b]! - 1) / 7)).toBe(b);
        }
      }
    }
    expect(seen[1]!.slice(0, 6)).toEqual([8, 9, 10, 11, 12, 13]);
  });

  it('asks for T + 1 characters per stream', () => {
    expect(() => new WindowStream(range(20 * 32), { seqLength: 25, batchSize: 32 })).toThrow(
      new RangeError(
        'WindowStream: each of the 32 streams needs at least 26 characters (seq-length + 1), got 20; use a longer text or a smaller --batch-size',
      ),
    );
    expect(() => new WindowStream(range(25), { seqLength: 25 })).toThrow(
      new RangeError(
        'WindowStream: the text needs at least 26 characters (seq-length + 1), got 25; use a longer text or a smaller --seq-length',
      ),
    );
    expect(() => new WindowStream(range(26), { seqLength: 25 })).not.toThrow();
  });
});

describe('WindowStream validation', () => {
  it('rejects bad options and buffers', () => {
    expect(() => new WindowStream(range(10), { seqLength: 0 })).toThrow(
      new RangeError('WindowStream: seqLength must be a positive integer, got 0'),
    );
    expect(() => new WindowStream(range(10), { seqLength: 2, batchSize: 1.5 })).toThrow(RangeError);
    expect(() => new WindowStream([1, 2, 3] as unknown as Int32Array, { seqLength: 1 })).toThrow(TypeError);
    const stream = new WindowStream(range(10), { seqLength: 3, batchSize: 2 });
    expect(() => stream.next(new Int32Array(5), new Int32Array(6))).toThrow(
      new RangeError(
        'WindowStream.next: inputs and targets must have seq-length × batch-size = 6 entries, got 5 and 6',
      ),
    );
  });

  it('windowsPerPass handles short texts', () => {
    expect(windowsPerPass(0, 3)).toBe(0);
    expect(windowsPerPass(3, 3)).toBe(0);
    expect(windowsPerPass(4, 3)).toBe(1);
    expect(windowsPerPass(23, 2, 3)).toBe(3);
  });
});

describe('WindowStream state', () => {
  it('property: a stream restored from JSON state continues identically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        (T, B, extra, before) => {
          const data = range(B * (T + 1) + extra);
          const a = new WindowStream(data, { seqLength: T, batchSize: B });
          for (let i = 0; i < before; i++) pull(a);
          const b = new WindowStream(data, { seqLength: T, batchSize: B });
          b.setState(JSON.parse(JSON.stringify(a.getState())));
          for (let i = 0; i < 15; i++) expect(pull(b)).toEqual(pull(a));
        },
      ),
    );
  });

  it('keeps the first-window reset across a save before any window', () => {
    const a = new WindowStream(range(10), { seqLength: 3 });
    const b = new WindowStream(range(10), { seqLength: 3 });
    b.setState(a.getState());
    expect(pull(b).reset).toEqual([1]);
  });

  it('refuses a state from another text, T or B, or with bad pointers', () => {
    const stream = new WindowStream(range(20), { seqLength: 3, batchSize: 2 });
    const good = stream.getState();
    expect(() => stream.setState({ ...good, length: 21 })).toThrow(
      new RangeError("WindowStream.setState: state.length must match this stream's 20, got 21"),
    );
    expect(() => stream.setState({ ...good, seqLength: 4 })).toThrow(RangeError);
    expect(() => stream.setState({ ...good, batchSize: 1 })).toThrow(RangeError);
    expect(() => stream.setState({ ...good, pointers: [0] })).toThrow(RangeError);
    expect(() => stream.setState({ ...good, pointers: [0, 20] })).toThrow(
      new RangeError('WindowStream.setState: state.pointers[1] must be an integer in [10, 20), got 20'),
    );
    expect(() => stream.setState({ ...good, pendingReset: [true] })).toThrow(RangeError);
  });
});
