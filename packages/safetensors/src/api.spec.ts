import { expect, it } from 'vitest';
import * as api from './index.js';

it('pins the public exports', () => {
  expect(Object.keys(api).sort()).toEqual([
    'DEFAULT_MAX_HEADER_BYTES',
    'SAFETENSORS_DTYPES',
    'SafetensorsError',
    'decodeSafetensors',
    'dtypeBytes',
    'encodeSafetensors',
    'isSafetensorsDtype',
    'readSafetensorsLayout',
    'safetensorsHeaderLength',
    'tensorFromBytes',
  ]);
  expect(api.DEFAULT_MAX_HEADER_BYTES).toBe(100_000_000);
  expect(new api.SafetensorsError('x')).toBeInstanceOf(Error);
  expect(api.dtypeBytes('F64')).toBe(8);
  expect(api.isSafetensorsDtype('F16')).toBe(false);
});
