// Reading a file piecewise: the header is checked against the file's size before any tensor bytes
// are read, so a 2 GB file with a lying header costs its header. Fuzzed with hostile headers: only
// SafetensorsError, and a decoded file never holds more tensor bytes than it has.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, readSafetensorsLayout, safetensorsHeaderLength, tensorFromBytes } from './decode.js';
import { SafetensorsError } from './errors.js';
import { fileOf, f32Bytes } from './test-helpers.js';

const GIB2 = 2 * 1024 ** 3;

describe('readSafetensorsLayout', () => {
  it('checks the table against the declared file size without the tensor bytes', () => {
    const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const head = fileOf(header); // header only: no data follows
    const layout = readSafetensorsLayout(head, head.length + 8);
    expect(layout.entries).toEqual([{ name: 'w', dtype: 'F32', shape: [2], begin: head.length, end: head.length + 8 }]);
    const tensor = tensorFromBytes(layout.entries[0]!, new Uint8Array(f32Bytes(1.5, -2)));
    expect(Array.from(tensor.data as Float32Array)).toEqual([1.5, -2]);
  });

  it('refuses a table that does not tile a 2 GB file, from the header alone', () => {
    const head = fileOf('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
    expect(() => readSafetensorsLayout(head, GIB2)).toThrow(
      /data buffer must be covered exactly by the tensors \(8 bytes\), got 2147483\d+ bytes/,
    );
    const bogus = fileOf(
      '{"w":{"dtype":"F32","shape":[536870912],"data_offsets":[0,2147483648]},"x":{"dtype":"Q9","shape":[1],"data_offsets":[2147483648,2147483652]}}',
    );
    expect(() => readSafetensorsLayout(bogus, bogus.length + 2147483652)).toThrow(/tensor "x" dtype must be one of/);
  });

  it('refuses a length prefix larger than the file before reading the header', () => {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, 1000n, true);
    expect(() => safetensorsHeaderLength(prefix, 500)).toThrow(
      /header length must fit in the 492 bytes after the length prefix, got 1000/,
    );
  });

  it('refuses tensor bytes shorter than the table says (a file that shrank while being read)', () => {
    const head = fileOf('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
    const layout = readSafetensorsLayout(head, head.length + 8);
    expect(() => tensorFromBytes(layout.entries[0]!, new Uint8Array(4))).toThrow(SafetensorsError);
  });
});

const dtype = fc.constantFrom('F32', 'F64', 'I32', 'U8', 'I64', 'BOOL', 'F16', 'XX', '');
const dim = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 2 ** 31, 2 ** 53, 1e300, 0.5));
const entry = fc.record({
  dtype,
  shape: fc.oneof(fc.array(dim, { maxLength: 4 }), fc.constant('x' as unknown as number[])),
  data_offsets: fc.oneof(
    fc.tuple(fc.integer({ min: -2, max: 80 }), fc.integer({ min: -2, max: 80 })),
    fc.constant([0, 2 ** 53]),
  ),
});
const header = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 6 }), fc.constant('__metadata__'), fc.constant('__proto__')),
  fc.oneof(entry, fc.anything()),
  { maxKeys: 5 },
);

describe('safetensors header fuzzing', () => {
  it('hostile headers give a SafetensorsError or tensors no larger than the file', () => {
    fc.assert(
      fc.property(header, fc.integer({ min: 0, max: 96 }), (h, dataLength) => {
        const bytes = fileOf(JSON.stringify(h), new Array<number>(dataLength).fill(7));
        try {
          const decoded = decodeSafetensors(bytes);
          let total = 0;
          for (const t of decoded.tensors.values()) total += t.data.byteLength;
          expect(total).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          if (!(error instanceof SafetensorsError)) throw error;
          expect(error.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
