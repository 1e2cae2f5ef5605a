// Malformed and hostile files, built byte by byte: each must be refused with its own one-line message.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode.js';
import { SafetensorsError } from './errors.js';
import { f32Bytes, fileOf, withLength } from './test-helpers.js';

function refusal(bytes: Uint8Array, options?: { maxHeaderBytes?: number }): SafetensorsError {
  try {
    decodeSafetensors(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    const e = error as SafetensorsError;
    expect(e.name).toBe('SafetensorsError');
    expect(e.message).toMatch(/^decodeSafetensors: [^\n]+ must [^\n]+, got [^\n]+$/);
    return e;
  }
  throw new Error('expected decodeSafetensors to throw');
}

const tensor = (name: string, dtype: string, shape: string, offsets: string) =>
  `"${name}":{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;

describe('decodeSafetensors refuses', () => {
  it('a file shorter than the 8-byte length prefix', () => {
    expect(refusal(new Uint8Array(5)).message).toBe(
      'decodeSafetensors: file must be at least 8 bytes (the header length), got 5 bytes',
    );
  });

  it('a header length beyond the file', () => {
    expect(refusal(withLength(100n, [0x7b, 0x7d])).message).toBe(
      'decodeSafetensors: header length must fit in the 2 bytes after the length prefix, got 100',
    );
  });

  it('a header length over maxHeaderBytes, including lengths near 2^64', () => {
    expect(refusal(withLength(2n ** 64n - 1n)).message).toBe(
      'decodeSafetensors: header length must be at most maxHeaderBytes (100000000), got 18446744073709551615',
    );
    expect(refusal(fileOf('{}'.padEnd(16)), { maxHeaderBytes: 8 }).message).toBe(
      'decodeSafetensors: header length must be at most maxHeaderBytes (8), got 16',
    );
  });

  it('an empty header or one not starting with "{"', () => {
    expect(refusal(withLength(0n)).message).toBe('decodeSafetensors: header must start with "{", got an empty header');
    expect(refusal(fileOf(' {}')).message).toBe('decodeSafetensors: header must start with "{", got byte 0x20');
  });

  it('a header that is not UTF-8', () => {
    expect(refusal(withLength(4n, [0x7b, 0xff, 0xfe, 0x7d])).message).toBe(
      'decodeSafetensors: header must be valid UTF-8, got an invalid byte sequence in 4 bytes',
    );
  });

  it('a header that is not JSON', () => {
    expect(refusal(fileOf('{"a":')).message).toMatch(/^decodeSafetensors: header must be valid JSON, got "/);
    expect(refusal(fileOf('{"a":1}x')).message).toMatch(/^decodeSafetensors: header must be valid JSON, got /);
  });

  it('data bytes in a file that lists no tensors', () => {
    expect(refusal(fileOf('{}', [1])).message).toBe(
      'decodeSafetensors: data buffer must be covered exactly by the tensors (0 bytes), got 1 bytes (1 trailing)',
    );
  });

  it('metadata that is not an object of strings', () => {
    expect(refusal(fileOf('{"__metadata__":["a"]}')).message).toBe(
      'decodeSafetensors: __metadata__ must be an object of strings, got ["a"]',
    );
    expect(refusal(fileOf('{"__metadata__":{"epoch":3}}')).message).toBe(
      'decodeSafetensors: __metadata__ "epoch" must be a string, got 3',
    );
  });

  it('a tensor entry that is not an object', () => {
    expect(refusal(fileOf('{"w":[1,2]}')).message).toBe(
      'decodeSafetensors: tensor "w" must be an object {dtype, shape, data_offsets}, got [1,2]',
    );
  });

  it('a missing, unknown or unsupported dtype', () => {
    const header = (dtype: string) => `{"w":{${dtype}"shape":[1],"data_offsets":[0,4]}}`;
    const list = 'BOOL, U8, I8, I16, U16, I32, U32, F32, F64, I64, U64';
    expect(refusal(fileOf(header(''), f32Bytes(1))).message).toBe(
      `decodeSafetensors: tensor "w" dtype must be one of ${list}, got undefined`,
    );
    expect(refusal(fileOf(header('"dtype":"F16",'), f32Bytes(1))).message).toBe(
      `decodeSafetensors: tensor "w" dtype must be one of ${list}, got "F16"`,
    );
    expect(refusal(fileOf(header('"dtype":"toString",'), f32Bytes(1))).message).toBe(
      `decodeSafetensors: tensor "w" dtype must be one of ${list}, got "toString"`,
    );
  });

  it.each([
    ['missing', '{"w":{"dtype":"F32","data_offsets":[0,4]}}', 'undefined'],
    ...['[-1]', '[1.5]', '["1"]', '[null]', '1', '{"0":1}', '[1e+300]'].map((shape) => [
      shape,
      `{${tensor('w', 'F32', shape, '[0,4]')}}`,
      shape,
    ]),
  ])('a bad shape (%s)', (_, header, got) => {
    expect(refusal(fileOf(header, f32Bytes(1))).message).toBe(
      `decodeSafetensors: tensor "w" shape must be an array of non-negative integers, got ${got}`,
    );
  });

  it.each(['[0]', '[0,4,8]', '[-4,0]', '[0,4.5]', '["0","4"]', '[4,0]', '[0,1e+300]', '{"0":0,"1":4}'])(
    'bad data_offsets %s',
    (offsets) => {
      expect(refusal(fileOf(`{${tensor('w', 'F32', '[1]', offsets)}}`, f32Bytes(1))).message).toBe(
        `decodeSafetensors: tensor "w" data_offsets must be [begin, end] with integers 0 ≤ begin ≤ end, got ${offsets}`,
      );
    },
  );

  it('missing data_offsets', () => {
    expect(refusal(fileOf('{"w":{"dtype":"F32","shape":[1]}}', f32Bytes(1))).message).toBe(
      'decodeSafetensors: tensor "w" data_offsets must be [begin, end] with integers 0 ≤ begin ≤ end, got undefined',
    );
  });

  it('a byte size that is not dtype size × element count', () => {
    expect(refusal(fileOf(`{${tensor('w', 'F32', '[2,3]', '[0,20]')}}`, new Array<number>(20).fill(0))).message).toBe(
      'decodeSafetensors: tensor "w" byte size must be 4 × 6 = 24 for F32 [2,3], got data_offsets [0,20] (20 bytes)',
    );
  });

  it('a shape whose element count overflows', () => {
    expect(refusal(fileOf(`{${tensor('w', 'U8', '[4294967296,4294967296,0]', '[0,0]')}}`)).message).toBe(
      'decodeSafetensors: tensor "w" element count must be a safe integer, got shape [4294967296,4294967296,0]',
    );
    expect(refusal(fileOf(`{${tensor('w', 'F64', '[9007199254740991]', '[0,0]')}}`)).message).toMatch(
      /^decodeSafetensors: tensor "w" byte size must be 8 × 9007199254740991 = /,
    );
  });

  it('offsets that do not start at 0', () => {
    expect(refusal(fileOf(`{${tensor('w', 'F32', '[1]', '[4,8]')}}`, f32Bytes(1, 2))).message).toBe(
      'decodeSafetensors: tensor "w" data_offsets must start at 0 (first tensor in the buffer), got [4,8]',
    );
  });

  it('overlapping offsets', () => {
    const header = `{${tensor('a', 'F32', '[2]', '[0,8]')},${tensor('b', 'F32', '[2]', '[4,12]')}}`;
    expect(refusal(fileOf(header, f32Bytes(1, 2, 3))).message).toBe(
      'decodeSafetensors: tensor "b" data_offsets must not overlap tensor "a" ending at 8, got [4,12]',
    );
    const same = `{${tensor('a', 'F32', '[1]', '[0,4]')},${tensor('b', 'F32', '[1]', '[0,4]')}}`;
    expect(refusal(fileOf(same, f32Bytes(1))).message).toBe(
      'decodeSafetensors: tensor "b" data_offsets must not overlap tensor "a" ending at 4, got [0,4]',
    );
  });

  it('a gap between tensors', () => {
    const header = `{${tensor('a', 'F32', '[1]', '[0,4]')},${tensor('b', 'F32', '[1]', '[8,12]')}}`;
    expect(refusal(fileOf(header, f32Bytes(1, 2, 3))).message).toBe(
      'decodeSafetensors: tensor "b" data_offsets must start where the previous tensor ends (4), got [8,12] (a gap of 4 bytes)',
    );
  });

  it('offsets past the end of the buffer, before allocating the tensor', () => {
    expect(refusal(fileOf(`{${tensor('w', 'F32', '[2]', '[0,8]')}}`, f32Bytes(1))).message).toBe(
      'decodeSafetensors: tensor "w" data_offsets must end within the 4-byte data buffer, got [0,8]',
    );
    // 8 GB declared in a 64-byte file: refused from the header alone.
    expect(refusal(fileOf(`{${tensor('w', 'F64', '[1000000000]', '[0,8000000000]')}}`)).message).toBe(
      'decodeSafetensors: tensor "w" data_offsets must end within the 0-byte data buffer, got [0,8000000000]',
    );
  });

  it('trailing bytes not covered by any tensor', () => {
    expect(refusal(fileOf(`{${tensor('w', 'F32', '[1]', '[0,4]')}}`, f32Bytes(1, 2))).message).toBe(
      'decodeSafetensors: data buffer must be covered exactly by the tensors (4 bytes), got 8 bytes (4 trailing)',
    );
  });

  it('keeps hostile names and values short in messages', () => {
    const long = 'x'.repeat(10_000);
    const message = refusal(fileOf(`{"${long}":{"dtype":"F32"}}`)).message;
    expect(message.length).toBeLessThan(300);
  });
});

describe('decodeSafetensors argument errors', () => {
  it('throws TypeError for non-bytes and RangeError for a bad maxHeaderBytes', () => {
    expect(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => decodeSafetensors(new Uint8Array(8), { maxHeaderBytes: 0 })).toThrow(
      new RangeError('decodeSafetensors: maxHeaderBytes must be a positive integer, got 0'),
    );
  });
});
