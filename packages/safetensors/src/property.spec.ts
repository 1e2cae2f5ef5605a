import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode.js';
import type { SafetensorsTensor } from './dtypes.js';
import { encodeSafetensors } from './encode.js';
import { SafetensorsError } from './errors.js';

const shape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const size = (s: number[]) => s.reduce((p, d) => p * d, 1);

const tensorArb: fc.Arbitrary<SafetensorsTensor> = shape.chain((s) => {
  const n = size(s);
  return fc.oneof(
    fc
      .array(fc.float(), { minLength: n, maxLength: n })
      .map((v): SafetensorsTensor => ({ dtype: 'F32', shape: s, data: new Float32Array(v) })),
    fc
      .array(fc.double(), { minLength: n, maxLength: n })
      .map((v): SafetensorsTensor => ({ dtype: 'F64', shape: s, data: new Float64Array(v) })),
    fc
      .array(fc.integer(), { minLength: n, maxLength: n })
      .map((v): SafetensorsTensor => ({ dtype: 'I32', shape: s, data: new Int32Array(v) })),
    fc
      .array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n })
      .map((v): SafetensorsTensor => ({ dtype: 'U8', shape: s, data: new Uint8Array(v) })),
    fc
      .array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: n, maxLength: n })
      .map((v): SafetensorsTensor => ({ dtype: 'I64', shape: s, data: new BigInt64Array(v) })),
  );
});

const name = fc.string({ unit: 'binary', maxLength: 12 }).filter((n) => n !== '__metadata__');
const tensorsArb = fc.dictionary(name, tensorArb, { maxKeys: 6 });
const metadataArb = fc.option(
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 20 }), {
    maxKeys: 4,
  }),
  { nil: undefined },
);

const bytesOf = (t: SafetensorsTensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

describe('safetensors properties', () => {
  it('decode(encode(tensors, metadata)) returns the same tensors bit for bit, and metadata', () => {
    fc.assert(
      fc.property(tensorsArb, metadataArb, (tensors, metadata) => {
        const file = encodeSafetensors(tensors, metadata);
        expect(Number(new DataView(file.buffer).getBigUint64(0, true)) % 8).toBe(0);
        const decoded = decodeSafetensors(file);
        expect(decoded.metadata).toEqual(metadata ?? {});
        expect(decoded.tensors.size).toBe(Object.keys(tensors).length);
        for (const [key, t] of Object.entries(tensors)) {
          const got = decoded.tensors.get(key)!;
          expect(got.dtype).toBe(t.dtype);
          expect(got.shape).toEqual(t.shape);
          expect(bytesOf(got)).toEqual(bytesOf(t));
        }
        // Encoding is deterministic: re-encoding the decoded form reproduces the file.
        expect(encodeSafetensors(decoded.tensors, metadata)).toEqual(file);
      }),
      { numRuns: 200 },
    );
  });

  it('a corrupted or truncated file either decodes or throws SafetensorsError, never anything else', () => {
    fc.assert(
      fc.property(
        tensorsArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        (tensors, edits, cut) => {
          const file = encodeSafetensors(tensors, { k: 'v' });
          for (const [at, value] of edits) file[at % file.length] = value;
          const bytes = cut % 3 === 0 ? file.subarray(0, cut % (file.length + 1)) : file;
          try {
            decodeSafetensors(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(SafetensorsError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
