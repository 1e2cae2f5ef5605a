// The Python peers (tools/reference/bench_numpy.py, bench_torch.py), run as one subprocess per
// measurement with BLAS held to one thread. Finds an interpreter that can import numpy / torch
// (a pyenv python3 on PATH and Debian's /usr/bin/python3 may differ); skips with a reason otherwise.

import { spawnSync } from 'node:child_process';
import type { BenchConfig } from './configs.js';
import type { Family, Measurement } from './measurement.js';

export type Found = { readonly interpreter: string; readonly version: string } | { readonly missing: string };

/** The first interpreter that imports `module`, with the module's version. */
export function findPython(candidates: readonly string[], module: 'numpy' | 'torch'): Found {
  const tried: string[] = [];
  for (const interpreter of [...new Set(candidates)]) {
    const r = spawnSync(interpreter, ['-c', `import ${module}; print(${module}.__version__)`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status === 0) return { interpreter, version: r.stdout.trim() };
    tried.push(`${interpreter}: ${r.error ? r.error.message : lastLine(r.stderr) || `exit ${r.status}`}`);
  }
  return { missing: `no python3 here can import ${module} (${tried.join('; ')})` };
}

/** One thread for every BLAS/OpenMP a peer may load, so it compares with one charrnn thread. */
export function oneThreadEnv(base: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...base, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', GOTO_NUM_THREADS: '1' };
}

export interface PythonRun {
  readonly interpreter: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly env: Record<string, string | undefined>;
  readonly timeoutMs: number;
}

/** Runs a script that prints one JSON object on its last stdout line; a failure becomes { error }. */
export function runPythonJson(run: PythonRun): Record<string, unknown> | { readonly error: string } {
  const r = spawnSync(run.interpreter, [run.script, ...run.args], {
    encoding: 'utf8',
    env: run.env,
    timeout: run.timeoutMs,
    maxBuffer: 1 << 20,
  });
  if (r.error) return { error: `${run.interpreter} ${run.script}: ${r.error.message}` };
  if (r.status !== 0)
    return { error: `${run.script} exited ${r.status ?? r.signal}: ${lastLine(r.stderr) || lastLine(r.stdout)}` };
  const line = lastLine(r.stdout);
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return { error: `${run.script} printed ${line}` };
    return parsed as Record<string, unknown>;
  } catch {
    return { error: `${run.script} printed no JSON line: ${JSON.stringify(line)}` };
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? '';
}

const FAMILY_BY_NAME: Record<string, Exclude<Family, 'charrnn'>> = {
  'numpy-seed': 'numpy-seed',
  'numpy-batched': 'numpy-batched',
  torch: 'torch',
};

/** Turns a peer's JSON line into a Measurement for `config`; throws a TypeError naming a bad field. */
export function peerMeasurement(json: Record<string, unknown>, config: BenchConfig): Measurement {
  const num = (key: string): number => {
    const v = json[key];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new TypeError(`peerMeasurement: ${key} must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  const name = String(json['name']);
  const family = FAMILY_BY_NAME[name];
  if (!family)
    throw new TypeError(
      `peerMeasurement: name must be one of ${Object.keys(FAMILY_BY_NAME).join(', ')}, got ${JSON.stringify(json['name'])}`,
    );
  const implementation = family === 'torch' ? `torch ${String(json['impl'] ?? '')}`.trim() : family.replace('-', ' ');
  return {
    configId: config.id,
    cell: config.cell,
    hidden: config.hidden,
    seqLength: config.seqLength,
    batchSize: config.batchSize,
    ...(config.bidirectional ? { bidirectional: true } : {}),
    family,
    implementation,
    threads: 1,
    dtype: String(json['dtype'] ?? '?'),
    ...(json['task'] === 'eval' || json['task'] === 'sample' ? { task: json['task'] } : {}),
    charsPerSec: num('chars_per_s'),
    msPerStep: num('ms_per_step'),
    steps: num('steps'),
    seconds: num('seconds'),
    peakMb: num('peak_mb'),
  };
}
