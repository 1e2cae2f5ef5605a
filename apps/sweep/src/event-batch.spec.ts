import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventBatch } from './event-batch.js';

describe('event batch', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes the events that arrived within the wait as one batch, in order', () => {
    const writes: number[][] = [];
    const batch = createEventBatch<number>((entries) => void writes.push([...entries]), 250);
    batch.add(1);
    vi.advanceTimersByTime(100);
    batch.add(2);
    batch.add(3);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(150); // 250 ms after the first
    expect(writes).toEqual([[1, 2, 3]]);
    batch.add(4);
    vi.advanceTimersByTime(249);
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual([[1, 2, 3], [4]]);
  });

  it('flush writes what waits at once and cancels its timer; an empty flush writes nothing', () => {
    const writes: number[][] = [];
    const batch = createEventBatch<number>((entries) => void writes.push([...entries]), 250);
    batch.flush();
    batch.add(1);
    batch.flush();
    expect(writes).toEqual([[1]]);
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual([[1]]);
  });
});
