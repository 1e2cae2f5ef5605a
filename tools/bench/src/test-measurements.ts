// Measurement records for the specs: a compact way to write "this implementation ran this fast".
import { BENCH_CONFIGS } from './configs.js';
import type { Family, Measurement } from './measurement.js';

export function fake(
  configId: string,
  family: Family,
  charsPerSec: number,
  extra: Partial<Measurement> = {},
): Measurement {
  const c = BENCH_CONFIGS.find((x) => x.id === configId);
  if (!c) throw new RangeError(`fake: configId must be a bench config, got ${configId}`);
  const steps = 100;
  const msPerStep = (1000 * c.seqLength * c.batchSize) / charsPerSec;
  return {
    configId,
    cell: c.cell,
    hidden: c.hidden,
    seqLength: c.seqLength,
    batchSize: c.batchSize,
    family,
    implementation: family === 'charrnn' ? 'charrnn wasm-simd' : family.replace('-', ' '),
    ...(family === 'charrnn' ? { kernels: 'wasm-simd' } : {}),
    threads: 1,
    dtype: family === 'numpy-seed' ? 'float64' : 'float32',
    charsPerSec,
    msPerStep,
    steps,
    seconds: (steps * msPerStep) / 1000,
    peakMb: 50,
    ...extra,
  };
}
