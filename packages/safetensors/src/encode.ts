// Writes tensors to safetensors bytes: u64 little-endian header length, a JSON header padded with
// spaces to a multiple of 8 bytes, then the tensors' little-endian data back to back. Order follows
// the reference writer (element size descending, then name), so each tensor is aligned in the file.

import { compareCodePoints, describe, PLATFORM_IS_LITTLE_ENDIAN, swapBytesInPlace } from './bytes.js';
import {
  dtypeArrayClass,
  dtypeBytes,
  dtypeRank,
  isSafetensorsDtype,
  SAFETENSORS_DTYPES,
  type SafetensorsTensor,
} from './dtypes.js';

const FN = 'encodeSafetensors';
const METADATA_KEY = '__metadata__';
// Unpaired surrogates cannot be written as UTF-8, and the reference reader refuses their JSON escapes.
const LONE_SURROGATE = /\p{Cs}/u;

export type SafetensorsInput = Readonly<Record<string, SafetensorsTensor>> | ReadonlyMap<string, SafetensorsTensor>;

interface Planned {
  readonly name: string;
  readonly tensor: SafetensorsTensor;
  readonly begin: number;
  readonly end: number;
}

/** Serializes `tensors` (and optional string metadata) to a complete safetensors file. */
export function encodeSafetensors(tensors: SafetensorsInput, metadata?: Readonly<Record<string, string>>): Uint8Array {
  if (tensors === null || typeof tensors !== 'object') {
    throw new TypeError(`${FN}: tensors must be an object or Map of name → tensor, got ${describe(tensors)}`);
  }
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, tensor] of entries) checkTensor(name, tensor);
  entries.sort(([an, a], [bn, b]) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareCodePoints(an, bn));

  const planned: Planned[] = [];
  let offset = 0;
  for (const [name, tensor] of entries) {
    const end = offset + tensor.data.byteLength;
    planned.push({ name, tensor, begin: offset, end });
    offset = end;
  }

  const header = new TextEncoder().encode(headerJson(planned, metadata));
  const headerLength = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerLength);
  const dataStart = 8 + headerLength;
  for (const { tensor, begin, end } of planned) {
    const { data } = tensor;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart + begin);
    if (!PLATFORM_IS_LITTLE_ENDIAN)
      swapBytesInPlace(out.subarray(dataStart + begin, dataStart + end), dtypeBytes(tensor.dtype));
  }
  return out;
}

function checkTensor(name: string, tensor: SafetensorsTensor): void {
  if (name === METADATA_KEY)
    throw new RangeError(`${FN}: tensor name must not be "${METADATA_KEY}" (reserved), got it`);
  if (LONE_SURROGATE.test(name))
    throw new RangeError(`${FN}: tensor name must be well-formed Unicode, got ${describe(name)}`);
  if (tensor === null || typeof tensor !== 'object') {
    throw new TypeError(`${FN}: tensor "${name}" must be an object {dtype, shape, data}, got ${describe(tensor)}`);
  }
  const { dtype, shape, data } = tensor;
  if (!isSafetensorsDtype(dtype)) {
    throw new RangeError(
      `${FN}: tensor "${name}" dtype must be one of ${SAFETENSORS_DTYPES.join(', ')}, got ${describe(dtype)}`,
    );
  }
  const ctor = dtypeArrayClass(dtype);
  if (!(data instanceof ctor)) {
    const got = ArrayBuffer.isView(data) ? (data as object).constructor.name : describe(data);
    throw new TypeError(`${FN}: tensor "${name}" data must be a ${ctor.name} for dtype ${dtype}, got ${got}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(
      `${FN}: tensor "${name}" shape must be an array of non-negative integers, got ${describe(shape)}`,
    );
  }
  const size = shape.reduce((p, d) => p * d, 1);
  if (data.length !== size) {
    throw new RangeError(
      `${FN}: tensor "${name}" data must have ${size} elements for shape [${shape.join(',')}], got ${data.length}`,
    );
  }
}

// Hand-built so key order is fixed: metadata first, then tensors in data order — what serde_json emits.
function headerJson(planned: readonly Planned[], metadata: Readonly<Record<string, string>> | undefined): string {
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new TypeError(`${FN}: metadata must be an object of string values, got ${describe(metadata)}`);
    }
    const fields = Object.entries(metadata).sort(([a], [b]) => compareCodePoints(a, b));
    for (const [key, value] of fields) {
      if (typeof value !== 'string')
        throw new TypeError(`${FN}: metadata "${key}" must be a string, got ${describe(value)}`);
      if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
        throw new RangeError(`${FN}: metadata "${key}" must be well-formed Unicode, got ${describe(value)}`);
      }
    }
    parts.push(
      `${JSON.stringify(METADATA_KEY)}:{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
    );
  }
  for (const { name, tensor, begin, end } of planned) {
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${tensor.dtype}","shape":[${tensor.shape.join(',')}],"data_offsets":[${begin},${end}]}`,
    );
  }
  return `{${parts.join(',')}}`;
}
