// The safetensors element types this package reads and writes, their byte sizes and typed-array
// classes, and the write order the reference implementation uses (so our files match it byte for byte).

/** The typed array that holds each supported safetensors dtype. BOOL is one byte per element. */
export interface TypedArrayByDtype {
  BOOL: Uint8Array;
  U8: Uint8Array;
  I8: Int8Array;
  I16: Int16Array;
  U16: Uint16Array;
  I32: Int32Array;
  U32: Uint32Array;
  F32: Float32Array;
  F64: Float64Array;
  I64: BigInt64Array;
  U64: BigUint64Array;
}

export type SafetensorsDtype = keyof TypedArrayByDtype;
export type SafetensorsTypedArray = TypedArrayByDtype[SafetensorsDtype];

/** One tensor: dtype, row-major shape ([] for a scalar) and a flat array of product(shape) elements. */
export type SafetensorsTensor = {
  [D in SafetensorsDtype]: {
    readonly dtype: D;
    readonly shape: readonly number[];
    readonly data: TypedArrayByDtype[D];
  };
}[SafetensorsDtype];

interface DtypeInfo {
  readonly bytes: number;
  readonly ctor: new (length: number) => SafetensorsTypedArray;
  /** Position in the reference's Dtype enum; it writes higher ranks first so every tensor stays aligned. */
  readonly rank: number;
}

// Ranks follow the declaration order of `Dtype` in huggingface/safetensors (safetensors/src/tensor.rs);
// only their relative order matters.
const INFO: Readonly<Record<SafetensorsDtype, DtypeInfo>> = {
  BOOL: { bytes: 1, ctor: Uint8Array, rank: 0 },
  U8: { bytes: 1, ctor: Uint8Array, rank: 1 },
  I8: { bytes: 1, ctor: Int8Array, rank: 2 },
  I16: { bytes: 2, ctor: Int16Array, rank: 3 },
  U16: { bytes: 2, ctor: Uint16Array, rank: 4 },
  I32: { bytes: 4, ctor: Int32Array, rank: 5 },
  U32: { bytes: 4, ctor: Uint32Array, rank: 6 },
  F32: { bytes: 4, ctor: Float32Array, rank: 7 },
  F64: { bytes: 8, ctor: Float64Array, rank: 8 },
  I64: { bytes: 8, ctor: BigInt64Array, rank: 9 },
  U64: { bytes: 8, ctor: BigUint64Array, rank: 10 },
};

export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = Object.keys(INFO) as SafetensorsDtype[];

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(INFO, value);
}

export function dtypeBytes(dtype: SafetensorsDtype): number {
  return INFO[dtype].bytes;
}

export function dtypeRank(dtype: SafetensorsDtype): number {
  return INFO[dtype].rank;
}

export function dtypeArrayClass(dtype: SafetensorsDtype): new (length: number) => SafetensorsTypedArray {
  return INFO[dtype].ctor;
}
