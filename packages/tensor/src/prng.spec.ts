// Prng: the stream is a published contract (checkpoints store the state, runs are reproduced from
// a seed), so the first words are pinned and cross-checked against an independent BigInt
// implementation of splitmix32 + xoshiro128** written from the algorithm, not from prng.ts.

import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

const MASK = 0xffffffffn;

function rotl32(x: bigint, k: number): bigint {
  return ((x << BigInt(k)) | (x >> BigInt(32 - k))) & MASK;
}

/** splitmix32 (Weyl step 0x9e3779b9, murmur3 finalizer) expanding a seed into four words. */
function referenceSeedWords(seed: number): bigint[] {
  let x = BigInt(seed) & MASK;
  const words: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9n) & MASK;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & MASK;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & MASK;
    words.push((z ^ (z >> 16n)) & MASK);
  }
  return words;
}

/** xoshiro128** (Blackman & Vigna), n outputs from the seeded state. */
function referenceStream(seed: number, n: number): number[] {
  let [s0, s1, s2, s3] = referenceSeedWords(seed) as [bigint, bigint, bigint, bigint];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl32((s1 * 5n) & MASK, 7) * 9n) & MASK));
    const t = (s1 << 9n) & MASK;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl32(s3, 11);
  }
  return out;
}

function take(prng: Prng, n: number, draw: (p: Prng) => number = (p) => p.nextUint32()): number[] {
  return Array.from({ length: n }, () => draw(prng));
}

describe('Prng stream', () => {
  // Computed once with referenceStream; a change here breaks every saved seed and checkpoint.
  const PINNED: Record<number, number[]> = {
    1: [2442144158, 3238099751, 3819917871, 2104621829, 2021136066, 4223536128],
    3735928559: [2306529437, 2576298207, 1250671110, 2699168992, 2319502352, 3183738783],
    0: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335],
  };

  for (const [seed, words] of Object.entries(PINNED)) {
    it(`seed ${seed}: first nextUint32() values are pinned`, () => {
      expect(take(new Prng(Number(seed)), words.length)).toEqual(words);
    });
  }

  it('seeds its state through splitmix32 exactly as the reference does', () => {
    for (const seed of [0, 1, 2, 42, 0xdeadbeef, 0xffffffff]) {
      expect(new Prng(seed).getState().words).toEqual(referenceSeedWords(seed).map(Number));
    }
  });

  it('matches the BigInt reference over a long stream for many seeds', () => {
    for (const seed of [0, 1, 7, 12345, 0x80000000, 0xdeadbeef, 0xffffffff]) {
      expect(take(new Prng(seed), 1000)).toEqual(referenceStream(seed, 1000));
    }
  });

  it('truncates fractional seeds and wraps seeds to 32 bits (so 1.9, 1 and 2^32 + 1 share a stream)', () => {
    const one = take(new Prng(1), 4);
    expect(take(new Prng(1.9), 4)).toEqual(one);
    expect(take(new Prng(2 ** 32 + 1), 4)).toEqual(one);
    expect(take(new Prng(-1), 4)).toEqual(take(new Prng(0xffffffff), 4));
  });

  it('nextUint32 returns 32-bit unsigned integers', () => {
    const prng = new Prng(3);
    for (let i = 0; i < 10_000; i++) {
      const v = prng.nextUint32();
      expect(Number.isInteger(v) && v >= 0 && v <= 0xffffffff).toBe(true);
    }
  });
});

describe('Prng distributions', () => {
  it('uniform() builds 53 bits from two words: 27 high bits of the first, 26 of the second', () => {
    const words = take(new Prng(1), 2);
    const expected = ((words[0]! >>> 5) * 2 ** 26 + (words[1]! >>> 6)) / 2 ** 53;
    expect(new Prng(1).uniform()).toBe(expected);
  });

  it('uniform() stays in [0, 1) and has mean ≈ 1/2, variance ≈ 1/12', () => {
    const prng = new Prng(5);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = prng.uniform();
      if (!(u >= 0 && u < 1)) expect.fail(`uniform() = ${u} is outside [0, 1)`);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard error of the mean is √(1/12/n) ≈ 0.0009; 0.005 is > 5 standard errors.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('uniformIn(low, high) stays in [low, high)', () => {
    const prng = new Prng(6);
    for (let i = 0; i < 10_000; i++) {
      const v = prng.uniformIn(-0.08, 0.08);
      if (!(v >= -0.08 && v < 0.08)) expect.fail(`uniformIn(-0.08, 0.08) = ${v}`);
    }
  });

  it('normal() has mean ≈ 0 and variance ≈ 1 over 1e5 draws', () => {
    const prng = new Prng(9);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let within1 = 0;
    for (let i = 0; i < n; i++) {
      const z = prng.normal();
      if (!Number.isFinite(z)) expect.fail(`normal() = ${z}`);
      sum += z;
      sumSq += z * z;
      if (Math.abs(z) < 1) within1++;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard errors: mean ≈ 0.003, variance ≈ 0.0045, P(|z|<1) ≈ 0.0015.
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(Math.abs(within1 / n - 0.6827)).toBeLessThan(0.01);
  });

  it('normal() uses both Box–Muller deviates: two normals consume two uniforms', () => {
    const a = new Prng(4);
    a.normal();
    a.normal();
    const b = new Prng(4);
    b.uniform();
    b.uniform();
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('fillNormal and fillUniform draw the same values as repeated calls', () => {
    const filled = new Float64Array(7);
    new Prng(8).fillNormal(filled, 0.5);
    const one = new Prng(8);
    expect([...filled]).toEqual(take(one, 7, (p) => p.normal() * 0.5));

    const uniform = [0, 0, 0, 0, 0];
    new Prng(8).fillUniform(uniform, -2, 3);
    expect(uniform).toEqual(take(new Prng(8), 5, (p) => p.uniformIn(-2, 3)));
  });

  it('int(n) returns integers in [0, n) and reaches every value', () => {
    const prng = new Prng(10);
    for (const n of [1, 2, 3, 7, 65]) {
      const seen = new Set<number>();
      for (let i = 0; i < 2000; i++) {
        const v = prng.int(n);
        if (!(Number.isInteger(v) && v >= 0 && v < n)) expect.fail(`int(${n}) = ${v}`);
        seen.add(v);
      }
      expect(seen.size).toBe(n);
    }
  });

  it('int(n) rejects non-positive and non-integer n', () => {
    const prng = new Prng(1);
    expect(() => prng.int(0)).toThrow(new RangeError('Prng.int: n must be a positive integer, got 0'));
    expect(() => prng.int(-3)).toThrow(RangeError);
    expect(() => prng.int(2.5)).toThrow(RangeError);
    expect(() => prng.int(Number.NaN)).toThrow(RangeError);
  });
});

describe('Prng state', () => {
  it('getState/setState continues the stream identically, including the cached spare normal', () => {
    const a = new Prng(12);
    a.normal(); // leaves a spare normal cached
    const state = a.getState();
    expect(state.spareNormal).not.toBeNull();

    const b = new Prng(999);
    b.setState(JSON.parse(JSON.stringify(state)) as typeof state);
    const mixed = (p: Prng): number[] => [p.normal(), p.normal(), p.uniform(), p.nextUint32(), p.normal(), p.int(100)];
    expect(mixed(b)).toEqual(mixed(a));
  });

  it('setState with spareNormal null draws a fresh pair', () => {
    const a = new Prng(13);
    const state = a.getState();
    expect(state.spareNormal).toBeNull();
    a.normal();
    const b = new Prng(0);
    b.setState(state);
    expect(b.normal()).toBe(new Prng(13).normal());
  });

  it('getState returns a copy: drawing afterwards does not change it', () => {
    const prng = new Prng(14);
    const state = prng.getState();
    const words = [...state.words];
    prng.nextUint32();
    expect(state.words).toEqual(words);
  });

  it('setState rejects malformed words', () => {
    const prng = new Prng(1);
    expect(() => prng.setState({ words: [1, 2, 3], spareNormal: null })).toThrow(
      new RangeError('Prng.setState: words must be four 32-bit unsigned integers, got [1,2,3]'),
    );
    expect(() => prng.setState({ words: [1, 2, 3, 4, 5], spareNormal: null })).toThrow(RangeError);
    expect(() => prng.setState({ words: [1, 2, 3, -1], spareNormal: null })).toThrow(RangeError);
    expect(() => prng.setState({ words: [1, 2, 3, 2 ** 32], spareNormal: null })).toThrow(RangeError);
    expect(() => prng.setState({ words: [1, 2, 3, 0.5], spareNormal: null })).toThrow(RangeError);
    expect(() => prng.setState({ words: [1, 2, 3, '4' as unknown as number], spareNormal: null })).toThrow(RangeError);
  });

  it('setState rejects the all-zero state, which xoshiro never leaves', () => {
    expect(() => new Prng(1).setState({ words: [0, 0, 0, 0], spareNormal: null })).toThrow(
      new RangeError('Prng.setState: words must not all be zero, got [0,0,0,0]'),
    );
  });

  it('setState rejects a spare normal that is not null or a finite number', () => {
    const prng = new Prng(1);
    const words = prng.getState().words;
    expect(() => prng.setState({ words, spareNormal: '0.5' as unknown as number })).toThrow(
      new TypeError('Prng.setState: spareNormal must be a number or null, got "0.5"'),
    );
    expect(() => prng.setState({ words, spareNormal: Number.NaN })).toThrow(
      new RangeError('Prng.setState: spareNormal must be finite, got NaN'),
    );
  });

  it('a failed setState leaves the generator untouched', () => {
    const a = new Prng(15);
    const b = new Prng(15);
    expect(() => a.setState({ words: [0, 0, 0, 0], spareNormal: null })).toThrow();
    expect(() => a.setState({ words: a.getState().words, spareNormal: Number.NaN })).toThrow();
    expect(take(a, 5)).toEqual(take(b, 5));
  });
});

describe('Prng construction and fork', () => {
  it('rejects non-finite seeds', () => {
    expect(() => new Prng(Number.NaN)).toThrow(new RangeError('Prng: seed must be a finite number, got NaN'));
    expect(() => new Prng(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new Prng(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });

  it('different seeds give different streams', () => {
    expect(take(new Prng(1), 4)).not.toEqual(take(new Prng(2), 4));
  });

  it('fork() is deterministic, advances the parent by one word, and gives a stream unlike the parent', () => {
    const parent = new Prng(20);
    const child = parent.fork();
    const twin = new Prng(20);
    const seedWord = twin.nextUint32();
    expect(take(child, 8)).toEqual(take(new Prng(seedWord), 8));
    // The parent continues exactly where one nextUint32() would have left it.
    const parentNext = take(parent, 8);
    expect(parentNext).toEqual(take(twin, 8));
    expect(take(new Prng(20).fork(), 8)).not.toEqual(parentNext);
  });

  it('forks are independent: drawing from one leaves the other and the parent unchanged', () => {
    const parent = new Prng(21);
    const a = parent.fork();
    const b = parent.fork();
    const replay = new Prng(21);
    replay.fork();
    const bFresh = replay.fork();
    const parentFresh = replay;

    take(a, 100);
    expect(take(b, 10)).toEqual(take(bFresh, 10));
    expect(take(parent, 10)).toEqual(take(parentFresh, 10));
    expect(take(a, 10)).not.toEqual(take(b, 10));
  });

  it('forked streams are uncorrelated (sample correlation of 1e4 uniform pairs is near 0)', () => {
    const parent = new Prng(22);
    const a = parent.fork();
    const b = parent.fork();
    const n = 10_000;
    let sa = 0;
    let sb = 0;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      const x = a.uniform();
      const y = b.uniform();
      sa += x;
      sb += y;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    const cov = sab / n - (sa / n) * (sb / n);
    const corr = cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
    // Standard error ≈ 1/√n = 0.01.
    expect(Math.abs(corr)).toBeLessThan(0.05);
  });
});

describe('Prng.fillMask', () => {
  it('gives exactly the values and the stream position of the uniform() loop (many seeds, keeps, sizes)', () => {
    for (const seed of [0, 1, 7, 123456789, 2 ** 32 - 1]) {
      for (const keep of [0, 0.1, 0.5, 0.6, 0.9, 1]) {
        for (const size of [0, 1, 2, 33, 1000]) {
          const a = new Prng(seed);
          const b = new Prng(seed);
          a.normal(); // a cached spare normal is part of the state and must survive
          b.normal();
          const expected = new Float32Array(size);
          for (let i = 0; i < size; i++) expected[i] = a.uniform() < keep ? 1 / keep : 0;
          const actual = new Float32Array(size).fill(Number.NaN);
          b.fillMask(actual, keep, 1 / keep);
          expect(Array.from(actual), `seed ${seed} keep ${keep} size ${size}`).toEqual(Array.from(expected));
          expect(b.getState()).toEqual(a.getState());
          expect(b.nextUint32()).toBe(a.nextUint32());
        }
      }
    }
  });

  it('keeps about a keep fraction, at the given value', () => {
    const mask = new Float64Array(20000);
    new Prng(3).fillMask(mask, 0.7, 2);
    const kept = mask.filter((v) => v === 2).length;
    expect(mask.every((v) => v === 0 || v === 2)).toBe(true);
    expect(Math.abs(kept / mask.length - 0.7)).toBeLessThan(0.02);
  });
});
