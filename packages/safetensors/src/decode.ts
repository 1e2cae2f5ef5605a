// Reads safetensors bytes into fresh, aligned typed arrays. The header is untrusted: every field,
// size and offset is checked, and the tensors must tile the data buffer exactly, before any tensor
// memory is allocated. Failures throw SafetensorsError with a one-line message.

import { describe, PLATFORM_IS_LITTLE_ENDIAN, swapBytesInPlace } from './bytes.js';
import {
  dtypeArrayClass,
  dtypeBytes,
  isSafetensorsDtype,
  SAFETENSORS_DTYPES,
  type SafetensorsDtype,
  type SafetensorsTensor,
} from './dtypes.js';
import { SafetensorsError } from './errors.js';

const FN = 'decodeSafetensors';
const METADATA_KEY = '__metadata__';
/** The reference implementation's limit (MAX_HEADER_SIZE in safetensors/src/tensor.rs). */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

export interface DecodeOptions {
  /** Largest JSON header accepted, in bytes (default 100 000 000). */
  readonly maxHeaderBytes?: number;
}

export interface DecodedSafetensors {
  readonly metadata: Record<string, string>;
  /** In data-buffer order. */
  readonly tensors: Map<string, SafetensorsTensor>;
}

interface Entry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function fail(what: string): never {
  throw new SafetensorsError(`${FN}: ${what}`);
}

/** One tensor's place in a file: `begin`/`end` are byte offsets from the start of the file. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A file's header, checked against the file's size: everything but the tensor bytes. */
export interface SafetensorsLayout {
  readonly metadata: Record<string, string>;
  /** In data-buffer order. */
  readonly entries: readonly SafetensorsEntry[];
  /** Bytes before the data buffer: 8 + the header length. */
  readonly dataStart: number;
}

/**
 * Reads the 8-byte length prefix of a file of `fileLength` bytes and returns the header's length,
 * checked against maxHeaderBytes and the file size. Reading a file piecewise: prefix, then header,
 * then (readSafetensorsLayout) only the tensors wanted.
 */
export function safetensorsHeaderLength(prefix: Uint8Array, fileLength: number, options: DecodeOptions = {}): number {
  const maxHeaderBytes = checkMaxHeader(options);
  if (fileLength < 8 || prefix.length < 8)
    fail(`file must be at least 8 bytes (the header length), got ${Math.min(fileLength, prefix.length)} bytes`);
  const declared = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(maxHeaderBytes))
    fail(`header length must be at most maxHeaderBytes (${maxHeaderBytes}), got ${declared}`);
  const headerLength = Number(declared);
  if (headerLength > fileLength - 8)
    fail(`header length must fit in the ${fileLength - 8} bytes after the length prefix, got ${headerLength}`);
  return headerLength;
}

/**
 * Parses and checks the header (`head` = the first 8 + headerLength bytes of the file) against the
 * file's size: every entry valid, the tensors tiling the data buffer exactly. No tensor memory is
 * allocated, so a huge or lying file costs only its header.
 */
export function readSafetensorsLayout(
  head: Uint8Array,
  fileLength: number,
  options: DecodeOptions = {},
): SafetensorsLayout {
  if (!(head instanceof Uint8Array)) throw new TypeError(`${FN}: head must be a Uint8Array, got ${describe(head)}`);
  const headerLength = safetensorsHeaderLength(head, fileLength, options);
  if (head.length < 8 + headerLength) fail(`header must be ${headerLength} bytes, got ${head.length - 8}`);
  const header = parseHeader(head.subarray(8, 8 + headerLength), headerLength);
  const metadata = readMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => readEntry(name, info));
  const dataStart = 8 + headerLength;
  checkTiling(entries, fileLength - dataStart);
  return {
    metadata,
    dataStart,
    entries: entries.map((e) => ({ ...e, begin: dataStart + e.begin, end: dataStart + e.end })),
  };
}

/** A tensor from its bytes (exactly end − begin of them), copied into a fresh aligned array. */
export function tensorFromBytes(entry: SafetensorsEntry, bytes: Uint8Array): SafetensorsTensor {
  const width = dtypeBytes(entry.dtype);
  if (bytes.length !== entry.end - entry.begin)
    fail(
      `tensor ${describe(entry.name, 60)} must have ${entry.end - entry.begin} bytes, got ${bytes.length} (the file is shorter than its header says)`,
    );
  const data = new (dtypeArrayClass(entry.dtype))(bytes.length / width);
  const target = new Uint8Array(data.buffer);
  target.set(bytes);
  if (!PLATFORM_IS_LITTLE_ENDIAN) swapBytesInPlace(target, width);
  return { dtype: entry.dtype, shape: [...entry.shape], data } as SafetensorsTensor;
}

/** Parses a complete safetensors file. Tensor data is copied; `bytes` may be released afterwards. */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${FN}: bytes must be a Uint8Array, got ${describe(bytes)}`);
  const layout = readSafetensorsLayout(bytes, bytes.length, options);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of layout.entries)
    tensors.set(entry.name, tensorFromBytes(entry, bytes.subarray(entry.begin, entry.end)));
  return { metadata: layout.metadata, tensors };
}

function checkMaxHeader(options: DecodeOptions): number {
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 1) {
    throw new RangeError(`${FN}: maxHeaderBytes must be a positive integer, got ${describe(maxHeaderBytes)}`);
  }
  return maxHeaderBytes;
}

function parseHeader(raw: Uint8Array, headerLength: number): Record<string, unknown> {
  // The reference (0.4+) refuses anything but '{' first, which also rules out leading whitespace.
  if (raw[0] !== 0x7b)
    fail(
      `header must start with "{", got ${raw.length === 0 ? 'an empty header' : `byte 0x${raw[0]!.toString(16).padStart(2, '0')}`}`,
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    fail(`header must be valid UTF-8, got an invalid byte sequence in ${headerLength} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`header must be valid JSON, got ${describe((error as Error).message, 120)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail(`header must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : describe(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    fail(`${METADATA_KEY} must be an object of strings, got ${describe(value)}`);
  const fields = Object.entries(value);
  for (const [key, field] of fields) {
    if (typeof field !== 'string')
      fail(`${METADATA_KEY} ${describe(key, 40)} must be a string, got ${describe(field)}`);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a plain field.
  return Object.fromEntries(fields) as Record<string, string>;
}

function readEntry(name: string, info: unknown): Entry {
  const label = `tensor ${describe(name, 60)}`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    fail(`${label} must be an object {dtype, shape, data_offsets}, got ${describe(info)}`);
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype))
    fail(`${label} dtype must be one of ${SAFETENSORS_DTYPES.join(', ')}, got ${describe(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail(`${label} shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isNonNegativeInteger) ||
    offsets[0]! > offsets[1]!
  ) {
    fail(`${label} data_offsets must be [begin, end] with integers 0 ≤ begin ≤ end, got ${describe(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  // Like the reference's checked_mul: any intermediate overflow is an error, even if a later 0 would rescue it.
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (!Number.isSafeInteger(count))
      fail(`${label} element count must be a safe integer, got shape ${describe(shape)}`);
  }
  const expected = count * dtypeBytes(dtype);
  if (!Number.isSafeInteger(expected) || end - begin !== expected) {
    fail(
      `${label} byte size must be ${dtypeBytes(dtype)} × ${count} = ${expected} for ${dtype} [${(shape as number[]).join(',')}], got data_offsets [${begin},${end}] (${end - begin} bytes)`,
    );
  }
  return { name, dtype, shape: [...(shape as number[])], begin, end };
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Sorts `entries` by offset in place and checks they cover [0, bufferLength) without gaps or overlaps. */
function checkTiling(entries: Entry[], bufferLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: Entry | undefined;
  for (const entry of entries) {
    const label = `tensor ${describe(entry.name, 60)}`;
    const got = `[${entry.begin},${entry.end}]`;
    const at = previous?.end ?? 0;
    if (previous === undefined && entry.begin !== 0)
      fail(`${label} data_offsets must start at 0 (first tensor in the buffer), got ${got}`);
    if (entry.begin < at)
      fail(`${label} data_offsets must not overlap tensor ${describe(previous!.name, 60)} ending at ${at}, got ${got}`);
    if (entry.begin > at)
      fail(
        `${label} data_offsets must start where the previous tensor ends (${at}), got ${got} (a gap of ${entry.begin - at} bytes)`,
      );
    if (entry.end > bufferLength)
      fail(`${label} data_offsets must end within the ${bufferLength}-byte data buffer, got ${got}`);
    previous = entry;
  }
  const covered = previous?.end ?? 0;
  if (covered !== bufferLength) {
    fail(
      `data buffer must be covered exactly by the tensors (${covered} bytes), got ${bufferLength} bytes (${bufferLength - covered} trailing)`,
    );
  }
}
