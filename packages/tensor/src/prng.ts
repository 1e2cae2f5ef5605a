// A seeded pseudo-random generator whose stream is identical on every platform: xoshiro128**
// on 32-bit integer arithmetic (Math.imul, >>> 0), seeded through splitmix32. Its whole state
// is four 32-bit words, so a checkpoint can store it and a resumed run continues the same stream.

export type PrngState = readonly [number, number, number, number];

export class Prng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** A cached second normal deviate from Box–Muller; part of the state. */
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Prng: seed must be a finite number, got ${seed}`);
    let x = Math.trunc(seed) >>> 0;
    const next = (): number => {
      // splitmix32: spreads one seed word over four well-mixed state words.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Prng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal deviate (Box–Muller, both deviates used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Fill an array with normal deviates times scale. */
  fillNormal(out: { length: number; [i: number]: number }, scale = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal() * scale;
  }

  /** Fill an array with uniform deviates in [low, high). */
  fillUniform(out: { length: number; [i: number]: number }, low: number, high: number): void {
    for (let i = 0; i < out.length; i++) out[i] = this.uniformIn(low, high);
  }

  /**
   * A dropout mask: out[i] = (uniform() < keep ? value : 0), exactly the values and the stream position
   * of that loop. The state lives in local variables here (the method-call loop cost ~27 ns per entry,
   * a quarter of a kafka-story recipe step).
   */
  fillMask(out: { length: number; [i: number]: number }, keep: number, value: number): void {
    // The same bit operations as nextUint32 on int32 locals (xor, shifts, imul do not care about sign).
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (let i = 0; i < out.length; i++) {
      let x = Math.imul(s1, 5);
      const high = Math.imul((x << 7) | (x >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      x = Math.imul(s1, 5);
      const low = Math.imul((x << 7) | (x >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = (high * 67108864 + low) / 9007199254740992 < keep ? value : 0;
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
  }

  /** A snapshot that restore() accepts; JSON-serializable. */
  getState(): { words: PrngState; spareNormal: number | null } {
    return { words: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal ?? null };
  }

  setState(state: { words: readonly number[]; spareNormal: number | null }): void {
    const [a, b, c, d] = state.words;
    if (state.words.length !== 4 || [a, b, c, d].some((w) => !Number.isInteger(w) || w! < 0 || w! > 0xffffffff)) {
      throw new RangeError(
        `Prng.setState: words must be four 32-bit unsigned integers, got ${JSON.stringify(state.words)}`,
      );
    }
    // All zeros is xoshiro's fixed point: the stream would be 0 forever.
    if ((a! | b! | c! | d!) === 0) {
      throw new RangeError(`Prng.setState: words must not all be zero, got ${JSON.stringify(state.words)}`);
    }
    const spare: unknown = state.spareNormal;
    if (spare !== null && spare !== undefined) {
      if (typeof spare !== 'number') {
        throw new TypeError(`Prng.setState: spareNormal must be a number or null, got ${JSON.stringify(spare)}`);
      }
      if (!Number.isFinite(spare)) throw new RangeError(`Prng.setState: spareNormal must be finite, got ${spare}`);
    }
    this.s0 = a!;
    this.s1 = b!;
    this.s2 = c!;
    this.s3 = d!;
    this.spareNormal = state.spareNormal ?? undefined;
  }

  /** An independent generator derived from this one (for example one per trial or per stream). */
  fork(): Prng {
    return new Prng(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
