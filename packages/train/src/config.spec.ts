import { describe, expect, it } from 'vitest';
import { CONFIG_RULES, DEFAULT_TRAIN_CONFIG, TRAINING_KEYS, resolveTrainConfig } from './config.js';

describe('threads', () => {
  it('defaults to one thread and allows two', () => {
    expect(DEFAULT_TRAIN_CONFIG.threads).toBe(1);
    expect(CONFIG_RULES.threads).toEqual({ kind: 'int', min: 1, max: 2 });
    expect(resolveTrainConfig({ threads: 2 }).threads).toBe(2);
    expect(() => resolveTrainConfig({ threads: 3 })).toThrow(
      new RangeError('TrainConfig: threads must be in [1, 2], got 3'),
    );
  });

  it('is not a training key: it never changes results, so a resumed run may change it', () => {
    expect(TRAINING_KEYS as readonly string[]).not.toContain('threads');
  });
});
