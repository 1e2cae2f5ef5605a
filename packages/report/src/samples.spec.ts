import { describe, expect, it } from 'vitest';
import { createSamplePrinter, formatSample } from './samples.js';

describe('formatSample', () => {
  it('frames the text, min-char-rnn style, under the step and prime', () => {
    expect(formatSample({ type: 'sample', step: 300, prime: 'Th', text: 'e quick\nfox' })).toBe(
      '---- sample at step 300, prime "Th" ----\n e quick\nfox \n----',
    );
  });

  it('neutralizes control characters that would drive the terminal', () => {
    const block = formatSample({ type: 'sample', step: 1, prime: '\x1b', text: 'a\r\nb\x1b[2Jc\rd\te' });
    expect(block).toBe('---- sample at step 1, prime "\\u001b" ----\n a\nb\uFFFD[2Jc\uFFFDd\te \n----');
  });
});

describe('createSamplePrinter', () => {
  it('prints sample events only', () => {
    const writes: string[] = [];
    const sink = createSamplePrinter({ write: (s) => writes.push(s) });
    void sink.handle({ type: 'eval', step: 1, chars: 1, valLoss: 1, valBpc: 1, count: 1 });
    void sink.handle({ type: 'sample', step: 2, prime: 'x', text: 'yz' });
    expect(writes).toEqual(['---- sample at step 2, prime "x" ----\n yz \n----\n']);
  });

  it('rejects a missing writer', () => {
    expect(() => createSamplePrinter({} as never)).toThrow(
      new TypeError('createSamplePrinter: write must be a function, got undefined'),
    );
  });
});
