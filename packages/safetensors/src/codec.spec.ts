import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode.js';
import type { SafetensorsTensor } from './dtypes.js';
import { encodeSafetensors } from './encode.js';
import { f32Bytes, fileOf, headerText, valuesOf } from './test-helpers.js';

function roundTrip(tensors: Record<string, SafetensorsTensor>, metadata?: Record<string, string>) {
  return decodeSafetensors(encodeSafetensors(tensors, metadata));
}

describe('encodeSafetensors → decodeSafetensors', () => {
  it('round-trips F32, F64 and I32 tensors, including a scalar and empty tensors', () => {
    const tensors: Record<string, SafetensorsTensor> = {
      'rnn.weight_ih_l0': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, -0, 1e-30]) },
      'rnn.bias': { dtype: 'F64', shape: [3], data: new Float64Array([Math.PI, -1 / 3, 1e300]) },
      step: { dtype: 'I32', shape: [], data: new Int32Array([-7]) },
      empty: { dtype: 'F32', shape: [0], data: new Float32Array(0) },
      empty2d: { dtype: 'F64', shape: [3, 0], data: new Float64Array(0) },
    };
    const { tensors: out, metadata } = roundTrip(tensors);
    expect(metadata).toEqual({});
    expect([...out.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const got = out.get(name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data.constructor).toBe(t.data.constructor);
      expect(valuesOf(got).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        valuesOf(t).map((v) => (Object.is(v, -0) ? '-0' : v)),
      );
    }
  });

  it('round-trips the integer and 64-bit dtypes', () => {
    const tensors: Record<string, SafetensorsTensor> = {
      b: { dtype: 'BOOL', shape: [2], data: new Uint8Array([0, 1]) },
      u8: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
      i16: { dtype: 'I16', shape: [1], data: new Int16Array([-300]) },
      u16: { dtype: 'U16', shape: [1], data: new Uint16Array([65535]) },
      u32: { dtype: 'U32', shape: [1], data: new Uint32Array([4294967295]) },
      i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 62n + 1n]) },
      u64: { dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
    };
    const { tensors: out } = roundTrip(tensors);
    for (const [name, t] of Object.entries(tensors)) {
      expect(out.get(name)).toEqual({ dtype: t.dtype, shape: t.shape, data: t.data });
    }
  });

  it('round-trips metadata, including keys that look like prototype fields', () => {
    const metadata = { format: 'pt', 'charrnn.vocab': 'abc\n"é😀', ['__proto__']: 'x' };
    const { metadata: out } = roundTrip({}, metadata);
    expect(Object.hasOwn(metadata, '__proto__')).toBe(true);
    expect(Object.entries(out).sort()).toEqual(Object.entries(metadata).sort());
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('accepts a Map (as decode returns) and typed-array views with a byte offset', () => {
    const backing = new Float32Array([9, 1, 2, 3]);
    const tensors = new Map<string, SafetensorsTensor>([
      ['w', { dtype: 'F32', shape: [3], data: backing.subarray(1) }],
    ]);
    const decoded = decodeSafetensors(encodeSafetensors(tensors));
    expect(valuesOf(decoded.tensors.get('w')!)).toEqual([1, 2, 3]);
    expect(decodeSafetensors(encodeSafetensors(decoded.tensors))).toEqual(decoded);
  });

  it('copies decoded data into fresh arrays even when the input bytes are misaligned', () => {
    const file = encodeSafetensors({ w: { dtype: 'F64', shape: [2], data: new Float64Array([1.5, -2.5]) } });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const w = decodeSafetensors(shifted.subarray(1)).tensors.get('w')!;
    expect(w.data).toBeInstanceOf(Float64Array);
    expect(w.data.byteOffset).toBe(0);
    expect(w.data.buffer).not.toBe(shifted.buffer);
    expect(valuesOf(w)).toEqual([1.5, -2.5]);
  });
});

describe('layout', () => {
  it('pads the header with spaces so the data buffer starts at a multiple of 8', () => {
    for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh']) {
      const bytes = encodeSafetensors({ [name]: { dtype: 'U8', shape: [1], data: new Uint8Array([7]) } });
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect(n % 8).toBe(0);
      expect(headerText(bytes)).toMatch(/^\{.*\} *$/);
      expect(bytes[8 + n]).toBe(7);
    }
  });

  it('orders tensors by element size (largest first), then by name, so every tensor is aligned', () => {
    const bytes = encodeSafetensors({
      z8: { dtype: 'U8', shape: [3], data: new Uint8Array(3) },
      b32: { dtype: 'F32', shape: [1], data: new Float32Array(1) },
      a32: { dtype: 'F32', shape: [1], data: new Float32Array(1) },
      d64: { dtype: 'F64', shape: [1], data: new Float64Array(1) },
      i16: { dtype: 'I16', shape: [1], data: new Int16Array(1) },
    });
    const header = JSON.parse(headerText(bytes)) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    expect(Object.keys(header)).toEqual(['d64', 'a32', 'b32', 'i16', 'z8']);
    for (const {
      dtype,
      data_offsets: [begin],
    } of Object.values(header)) {
      const width = { F64: 8, F32: 4, I16: 2, U8: 1 }[dtype]!;
      expect(begin % width).toBe(0);
    }
  });

  it('writes exactly the bytes the reference (Python/Rust) writer produces', () => {
    // safetensors.torch.save_file({"a": torch.tensor([1.0, 2.0])}) — compact serde_json header, space padding.
    const expected = fileOf('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32Bytes(1, 2));
    expect(headerText(expected)).toBe('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  ');
    expect(encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } })).toEqual(expected);
    const withMeta = encodeSafetensors(
      { a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } },
      { format: 'pt' },
    );
    expect(headerText(withMeta).trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
    );
  });
});

describe('decodeSafetensors on files laid out by the reference implementation', () => {
  it('reads a space-padded header like the Python library writes', () => {
    const bytes = fileOf('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32Bytes(1, 2));
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({});
    const a = tensors.get('a')!;
    expect(a.dtype).toBe('F32');
    expect(a.shape).toEqual([2]);
    expect(valuesOf(a)).toEqual([1, 2]);
  });

  it('reads an unpadded header (the Rust docs example, header length 60)', () => {
    const bytes = fileOf(
      '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}',
      new Array<number>(16).fill(0),
      1,
    );
    expect(bytes[0]).toBe(60);
    expect(decodeSafetensors(bytes).tensors.get('test')).toEqual({
      dtype: 'I32',
      shape: [2, 2],
      data: new Int32Array(4),
    });
  });

  it('reads tensors listed out of offset order and returns them in data order', () => {
    const header =
      '{"second":{"dtype":"U8","shape":[1],"data_offsets":[4,5]},"__metadata__":{"k":"v"},"first":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}';
    const { tensors, metadata } = decodeSafetensors(fileOf(header, [...f32Bytes(0.5), 9]));
    expect(metadata).toEqual({ k: 'v' });
    expect([...tensors.keys()]).toEqual(['first', 'second']);
    expect(valuesOf(tensors.get('first')!)).toEqual([0.5]);
    expect(valuesOf(tensors.get('second')!)).toEqual([9]);
  });

  it('accepts "__metadata__": null and several empty tensors sharing an offset', () => {
    const header =
      '{"__metadata__":null,"e1":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"e2":{"dtype":"F64","shape":[0,5],"data_offsets":[1,1]}}';
    const { tensors, metadata } = decodeSafetensors(fileOf(header, [3]));
    expect(metadata).toEqual({});
    expect([...tensors.keys()]).toEqual(['e1', 'x', 'e2']);
  });
});

describe('encodeSafetensors argument errors', () => {
  const ok = new Float32Array([1, 2]);
  it.each([
    [
      { w: { dtype: 'F16', shape: [2], data: ok } },
      RangeError,
      'encodeSafetensors: tensor "w" dtype must be one of BOOL, U8, I8, I16, U16, I32, U32, F32, F64, I64, U64, got "F16"',
    ],
    [
      { w: { dtype: 'F64', shape: [2], data: ok } },
      TypeError,
      'encodeSafetensors: tensor "w" data must be a Float64Array for dtype F64, got Float32Array',
    ],
    [
      { w: { dtype: 'F32', shape: [3], data: ok } },
      RangeError,
      'encodeSafetensors: tensor "w" data must have 3 elements for shape [3], got 2',
    ],
    [
      { w: { dtype: 'F32', shape: [-2], data: ok } },
      RangeError,
      'encodeSafetensors: tensor "w" shape must be an array of non-negative integers, got [-2]',
    ],
    [
      { w: { dtype: 'F32', shape: [1.5], data: ok } },
      RangeError,
      'encodeSafetensors: tensor "w" shape must be an array of non-negative integers, got [1.5]',
    ],
    [
      { __metadata__: { dtype: 'F32', shape: [2], data: ok } },
      RangeError,
      'encodeSafetensors: tensor name must not be "__metadata__" (reserved), got it',
    ],
    [
      { 'a\uD800': { dtype: 'F32', shape: [2], data: ok } },
      RangeError,
      'encodeSafetensors: tensor name must be well-formed Unicode, got "a\\ud800"',
    ],
  ])('refuses bad tensor %#', (tensors, kind, message) => {
    const call = () => encodeSafetensors(tensors as unknown as Record<string, SafetensorsTensor>);
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });

  it('refuses non-string metadata values', () => {
    const call = () => encodeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>);
    expect(call).toThrow(TypeError);
    expect(call).toThrow('encodeSafetensors: metadata "epoch" must be a string, got 3');
  });
});
