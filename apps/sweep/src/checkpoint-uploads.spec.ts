import { describe, expect, it } from 'vitest';
import { createCheckpointUploads } from './checkpoint-uploads.js';

/** Uploads on a clock the test moves; returns what was sent, as "kind@step". */
function setUp(intervalMs: number) {
  let now = 0;
  const sent: string[] = [];
  const uploads = createCheckpointUploads(
    intervalMs,
    () => now,
    (kind, step) => void sent.push(`${kind}@${step}`),
  );
  const bytes = new Uint8Array(1);
  return {
    sent,
    at: (ms: number) => {
      now = ms;
    },
    offer: (kind: 'best' | 'last', step: number) => uploads.offer(kind, step, bytes),
    flush: () => uploads.flush(),
  };
}

describe('checkpoint uploads', () => {
  it('interval 0 sends every checkpoint at once, in the order made', () => {
    const u = setUp(0);
    u.offer('best', 100);
    u.offer('last', 100);
    u.offer('last', 200);
    expect(u.sent).toEqual(['best@100', 'last@100', 'last@200']);
    u.flush();
    expect(u.sent).toHaveLength(3);
  });

  it('keeps checkpoints back until the interval has passed since the trial began or the last upload', () => {
    const u = setUp(5000);
    u.at(1000);
    u.offer('best', 100);
    u.offer('last', 100);
    u.at(4999);
    u.offer('last', 200);
    expect(u.sent).toEqual([]);
    u.at(5000);
    u.offer('best', 300);
    expect(u.sent).toEqual([]); // a best waits for the next "last" (or the end)
    u.offer('last', 300);
    expect(u.sent).toEqual(['best@300', 'last@300']); // only the newest of each kind, best first
    u.at(9000);
    u.offer('last', 400);
    expect(u.sent).toHaveLength(2); // 4 s after the last upload
    u.at(10_000);
    u.offer('last', 500);
    expect(u.sent).toEqual(['best@300', 'last@300', 'last@500']);
  });

  it('flush sends what is kept, once', () => {
    const u = setUp(60_000);
    u.offer('best', 100);
    u.offer('last', 100);
    u.offer('best', 200);
    u.offer('last', 250);
    u.flush();
    expect(u.sent).toEqual(['best@200', 'last@250']);
    u.flush();
    expect(u.sent).toEqual(['best@200', 'last@250']);
  });
});
