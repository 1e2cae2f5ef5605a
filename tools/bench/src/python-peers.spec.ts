import { describe, expect, it } from 'vitest';
import { RNN_H512_B32, SEED_CONFIG } from './configs.js';
import { findPython, oneThreadEnv, peerMeasurement } from './python-peers.js';

describe('peerMeasurement', () => {
  it("reads a peer's JSON line into a measurement of the config", () => {
    const m = peerMeasurement(
      {
        name: 'torch',
        impl: 'nn.RNN',
        dtype: 'float32',
        chars_per_s: 29_000,
        ms_per_step: 27.6,
        steps: 90,
        seconds: 2.5,
        peak_mb: 260,
      },
      RNN_H512_B32,
    );
    expect(m).toMatchObject({
      configId: 'rnn-h512-t25-b32',
      family: 'torch',
      implementation: 'torch nn.RNN',
      threads: 1,
      charsPerSec: 29_000,
      peakMb: 260,
    });
    expect(
      peerMeasurement(
        { name: 'numpy-seed', dtype: 'float64', chars_per_s: 1, ms_per_step: 1, steps: 1, seconds: 1, peak_mb: 1 },
        SEED_CONFIG,
      ).implementation,
    ).toBe('numpy seed');
  });

  it('rejects an unknown name or a missing number', () => {
    expect(() => peerMeasurement({ name: 'jax' }, SEED_CONFIG)).toThrow(/name must be one of/);
    expect(() => peerMeasurement({ name: 'torch', chars_per_s: 'fast' }, SEED_CONFIG)).toThrow(
      /chars_per_s must be a finite number/,
    );
  });
});

describe('oneThreadEnv', () => {
  it('holds every BLAS to one thread and keeps the rest', () => {
    const env = oneThreadEnv({ PATH: '/bin', OMP_NUM_THREADS: '8' });
    expect(env).toMatchObject({ PATH: '/bin', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  });
});

describe('findPython', () => {
  it('reports why when no interpreter can import the module', () => {
    const found = findPython(['/nonexistent/python3'], 'numpy');
    expect('missing' in found && found.missing).toMatch(/no python3 here can import numpy/);
  });
});
