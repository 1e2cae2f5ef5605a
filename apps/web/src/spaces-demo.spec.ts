import { describe, expect, it } from 'vitest';
import { referenceKernels } from '@charrnn/tensor';
import { SpaceRestorer, type SpacesProgress } from './spaces-demo.js';

const TEXT = 'the cat sat on the mat and the dog sat on the log. '.repeat(30);

describe('SpaceRestorer (the space-restoration page)', () => {
  it('trains on the text, reports F1, and restores the spaces of typed text', async () => {
    let now = 0;
    const restorer = new SpaceRestorer(referenceKernels, () => (now += 1));
    expect(() => restorer.restore('thecat')).toThrow(/the model must be trained first/);
    const seen: SpacesProgress[] = [];
    const last = await restorer.train(TEXT, (p) => seen.push(p), {
      steps: 300,
      evalEvery: 150,
      hidden: 24,
      seqLength: 16,
      batchSize: 4,
      lr: 0.02,
    });
    expect(seen.at(-1)).toEqual(last);
    expect(last.step).toBe(300);
    expect(last.valF1!).toBeGreaterThan(0.9);
    expect(restorer.restore('thedogsatonthemat').trimEnd()).toBe('the dog sat on the mat');
    // Spaces typed anyway are removed first, then restored.
    expect(restorer.restore('the catsat').trimEnd()).toBe('the cat sat');
  });
});
