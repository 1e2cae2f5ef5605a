// Builds safetensors files by hand for tests, independent of the encoder under test.

/** 8-byte little-endian length, the header text (padded with spaces to `padTo`), then `data`. */
export function fileOf(header: string, data: ArrayLike<number> = [], padTo = 8): Uint8Array {
  const text = new TextEncoder().encode(header);
  const length = Math.ceil(text.length / padTo) * padTo;
  return withLength(BigInt(length), [
    ...text,
    ...new Array<number>(length - text.length).fill(0x20),
    ...Array.from(data),
  ]);
}

/** A length prefix of `declared` followed by `rest` verbatim. */
export function withLength(declared: bigint, rest: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(8 + rest.length);
  new DataView(out.buffer).setBigUint64(0, declared, true);
  out.set(Array.from(rest), 8);
  return out;
}

export function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

export function f32Bytes(...values: number[]): number[] {
  return Array.from(new Uint8Array(new Float32Array(values).buffer));
}

/** A tensor's elements as a plain array, whatever its dtype. */
export function valuesOf(tensor: { readonly data: ArrayLike<number> | ArrayLike<bigint> }): (number | bigint)[] {
  return Array.from(tensor.data as ArrayLike<number | bigint>);
}
