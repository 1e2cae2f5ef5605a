import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADDITION, TASK_NAMES, additionProblems, isTaskName, taskFor, type TaggingTask } from './tasks.js';
import { WindowStream } from './window-stream.js';

const task = (name: Parameters<typeof taskFor>[0]): TaggingTask => taskFor(name)!;

/** A 32-bit xorshift, enough for generated problems in tests. */
function xorshift(seed: number): { nextUint32(): number } {
  let x = seed >>> 0 || 1;
  return {
    nextUint32() {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x;
    },
  };
}

describe('text tasks', () => {
  it('restore-spaces removes spaces and labels the character before each', () => {
    const { text, labels } = task('restore-spaces').derive(' One  day, he  woke.');
    expect(text).toBe('Oneday,hewoke.');
    expect(Array.from(labels)).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(task('restore-spaces').render(text, labels)).toBe('One day, he woke.');
  });

  it('restore-case lowercases and labels the uppercase characters; render restores them', () => {
    const { text, labels } = task('restore-case').derive('Gregor Samsa, ÄÖ ß 1');
    expect(text).toBe('gregor samsa, äö ß 1');
    expect(Array.from(labels).filter((l) => l === 1)).toHaveLength(4);
    expect(task('restore-case').render(text, labels)).toBe('Gregor Samsa, ÄÖ ß 1');
  });

  it('restore-punctuation removes the marks and labels the character before each with its mark', () => {
    const t = task('restore-punctuation');
    const { text, labels } = t.derive('Yes, no?! Maybe.');
    expect(text).toBe('Yes no Maybe');
    expect(t.labels[labels[2]!]).toBe(',');
    expect(t.labels[labels[5]!]).toBe('?'); // the first mark of "?!" wins
    expect(t.labels[labels[11]!]).toBe('.');
    expect(t.render(text, labels)).toBe('Yes, no? Maybe.');
  });

  it('render(derive(s)) gives back s whenever derive drops nothing it cannot restore (property)', () => {
    // Single spaces between non-space characters, and no leading space: restore-spaces is exact.
    const word = fc.stringMatching(/^[a-zA-Z.,]{1,6}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        const s = words.join(' ');
        const t = task('restore-spaces');
        const d = t.derive(s);
        expect(d.labels).toHaveLength(Array.from(d.text).length);
        expect(t.render(d.text, d.labels)).toBe(s);
        const c = task('restore-case');
        const dc = c.derive(s);
        expect(c.render(dc.text, dc.labels)).toBe(s);
      }),
    );
  });

  it('examples hold out the tail of the derived text, labels aligned', () => {
    const { train, val } = task('restore-spaces').examples('ab cd ef gh ij', { valFraction: 0.2, random: xorshift(1) });
    expect(train.text + val.text).toBe('abcdefghij');
    expect(val.text).toBe('ij');
    expect(Array.from(train.labels)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(val.labels).toHaveLength(2);
  });
});

describe('binary-addition', () => {
  it("labels each step with the sum's bit, least significant first, after a separator", () => {
    const calls = [0b1011, 0b0110];
    const random = { nextUint32: () => calls.shift()! };
    const { text, labels } = additionProblems(random, 1, () => 4, false);
    // 1011 + 0110 = 10001 → mod 16 = 0001; pairs a_i + 2·b_i from bit 0: 1+0, 1+2, 0+2, 1+0
    expect(text).toBe('|1321');
    expect(Array.from(labels)).toEqual([0, 1, 0, 0, 0]);
  });

  it('held-out problems are 32-bit sums whose operands training never pairs', () => {
    const { train, val } = task('binary-addition').examples('', { valFraction: 0.1, random: xorshift(7) });
    const problems = (text: string): string[] => text.split(ADDITION.separator).slice(1);
    const valProblems = problems(val.text);
    expect(valProblems).toHaveLength(ADDITION.valProblems);
    for (const p of valProblems) {
      expect(p).toHaveLength(32);
      expect(p[31]).toBe('3'); // both top bits set
    }
    const seen = new Set(problems(train.text));
    for (const p of valProblems) expect(seen.has(p)).toBe(false);
    for (const p of problems(train.text)) if (p.length === 32) expect(p[31]).not.toBe('3');
  });

  it('sums are right: the labels read back as a + b mod 2^n (checked with BigInt)', () => {
    const { text, labels } = additionProblems(xorshift(3), 50, (r) => 1 + (r.nextUint32() % 32), true);
    const rendered = task('binary-addition').render(text, labels).trim().split('\n');
    expect(rendered).toHaveLength(50);
    for (const line of rendered) {
      const [a, b, s] = line.split(/ [+=] /) as [string, string, string];
      const n = BigInt(a.length);
      expect(BigInt(`0b${s}`)).toBe((BigInt(`0b${a}`) + BigInt(`0b${b}`)) % (1n << n));
    }
  });

  it('derive refuses symbols that are not bit pairs', () => {
    expect(() => task('binary-addition').derive('|12x')).toThrow(/binary-addition.derive: text must hold only 0-3/);
  });
});

describe('taskFor', () => {
  it('knows every name; next-symbol has no tagging task', () => {
    expect(taskFor('next-symbol')).toBeNull();
    for (const name of TASK_NAMES.slice(1)) expect(taskFor(name)!.name).toBe(name);
    expect(isTaskName('restore-case')).toBe(true);
    expect(isTaskName('spaces')).toBe(false);
    expect(() => taskFor('spaces' as never)).toThrow(/taskFor: task must be one of next-symbol/);
  });
});

describe('WindowStream with labels', () => {
  it('targets are the labels of the inputs, not the next symbols', () => {
    const data = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const labels = Int32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    const stream = new WindowStream(data, { seqLength: 4, labels });
    const inputs = new Int32Array(4);
    const targets = new Int32Array(4);
    stream.next(inputs, targets);
    expect(Array.from(inputs)).toEqual([0, 1, 2, 3]);
    expect(Array.from(targets)).toEqual([10, 11, 12, 13]);
  });

  it('refuses labels of the wrong length', () => {
    expect(() => new WindowStream(new Int32Array(9), { seqLength: 4, labels: new Int32Array(8) })).toThrow(
      /WindowStream: labels must be an Int32Array of one label per symbol \(9\)/,
    );
  });
});
