// Picks the kernels a run uses: the wasm SIMD kernels when the engine can run them, else the
// reference kernels with a one-line notice (a missing fast path is never an error under 'auto').

import type { Kernels } from '../kernels.js';
import { referenceKernels } from '../reference.js';
import { loadWasmKernels, type WasmKernelsOptions } from './wasm-kernels.js';

export type KernelPreference = 'auto' | 'reference' | 'wasm';

export const KERNEL_PREFERENCES: readonly KernelPreference[] = ['auto', 'reference', 'wasm'];

export interface KernelSelection {
  readonly kernels: Kernels;
  /** Set when 'auto' fell back to the reference kernels; one line, for a log or progress sink. */
  readonly notice?: string;
}

/**
 * 'auto' → wasm if it loads, else reference with a notice; 'reference' → reference;
 * 'wasm' → wasm, throwing an Error when it cannot load (it was asked for explicitly).
 */
export function selectKernels(preference: KernelPreference, options: WasmKernelsOptions = {}): KernelSelection {
  if (!KERNEL_PREFERENCES.includes(preference)) {
    throw new RangeError(`selectKernels: preference must be one of ${KERNEL_PREFERENCES.join(', ')}, got ${String(preference)}`);
  }
  if (preference === 'reference') return { kernels: referenceKernels };
  const loaded = loadWasmKernels(options);
  if (!('unavailable' in loaded)) return { kernels: loaded };
  if (preference === 'wasm') {
    throw new Error(`selectKernels: wasm kernels must be available when asked for, got: ${loaded.unavailable}`);
  }
  return { kernels: referenceKernels, notice: `kernels: using reference kernels (wasm-simd unavailable: ${loaded.unavailable})` };
}
