// @charrnn/safetensors: safetensors files as bytes in, bytes out (no file system), for checkpoints
// that load into PyTorch (`safetensors.torch.load`) and back.

export {
  decodeSafetensors,
  DEFAULT_MAX_HEADER_BYTES,
  readSafetensorsLayout,
  safetensorsHeaderLength,
  tensorFromBytes,
  type DecodedSafetensors,
  type DecodeOptions,
  type SafetensorsEntry,
  type SafetensorsLayout,
} from './decode.js';
export { encodeSafetensors, type SafetensorsInput } from './encode.js';
export {
  dtypeBytes,
  isSafetensorsDtype,
  SAFETENSORS_DTYPES,
  type SafetensorsDtype,
  type SafetensorsTensor,
  type SafetensorsTypedArray,
  type TypedArrayByDtype,
} from './dtypes.js';
export { SafetensorsError } from './errors.js';
