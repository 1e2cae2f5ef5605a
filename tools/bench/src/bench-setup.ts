// What a bench run needs before it measures anything: the training text, the configs and workloads
// selected, the kernel backends (each preference resolved once), the Python peers that can run,
// and the process-level helpers (repository root, a real GC). Each step prints what it decided.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UsageError, chooseKernels, loadEmbeddedCorpus, readText } from '@charrnn/cli';
import { BENCH_CONFIGS } from './configs.js';
import { parseList } from './flags.js';
import { INFERENCE_WORKLOADS, type InferenceWorkload } from './inference.js';
import { findPython } from './python-peers.js';

export type Say = (line: string) => void;

export interface BenchText {
  readonly text: string;
  /** The file's absolute path, or "embedded corpus". */
  readonly source: string;
}

/** --data as given; by default the shared Kafka text beside the repository, else the embedded corpus. */
export function loadBenchText(data: string | undefined, root: string, say: Say): BenchText {
  const defaultData = resolve(root, '../shared/data/kafka.txt');
  let result: BenchText;
  if (data !== undefined) {
    const source = resolve(data);
    result = { source, text: readText(source, '--data file') };
  } else if (existsSync(defaultData)) {
    result = { source: defaultData, text: readText(defaultData, 'the default data file') };
  } else {
    say(`notice: ${defaultData} is missing; using the bundled text (data/devils-dictionary.txt) instead`);
    result = { source: 'embedded corpus', text: loadEmbeddedCorpus() };
  }
  if (result.text.length === 0) throw new UsageError(`the training text ${result.source} is empty`);
  return result;
}

/**
 * The text as a file for the Python peers: the data file itself, or a scratch copy of the embedded
 * corpus (removed by `remove`).
 */
export function peerDataFile(data: BenchText, needed: boolean): { path: string; remove: () => void } {
  if (data.source !== 'embedded corpus' || !needed) return { path: data.source, remove: () => {} };
  const scratch = mkdtempSync(join(tmpdir(), 'charrnn-bench-'));
  const path = join(scratch, 'corpus.txt');
  writeFileSync(path, data.text);
  return { path, remove: () => rmSync(scratch, { recursive: true, force: true }) };
}

/** Training configs and evaluation/sampling workloads named by --configs ("all": every one). */
export function selectConfigs(text: string): {
  configs: typeof BENCH_CONFIGS;
  workloads: readonly InferenceWorkload[];
} {
  if (text.trim() === 'all') return { configs: BENCH_CONFIGS, workloads: INFERENCE_WORKLOADS };
  const ids = parseList('configs', text);
  const known = [...BENCH_CONFIGS.map((c) => c.id), ...INFERENCE_WORKLOADS.map((w) => w.id)];
  for (const id of ids) {
    if (!known.includes(id))
      throw new UsageError(`--configs must name known configs (${known.join(', ')}), got ${JSON.stringify(id)}`);
  }
  return {
    configs: BENCH_CONFIGS.filter((c) => ids.includes(c.id)),
    workloads: INFERENCE_WORKLOADS.filter((w) => ids.includes(w.id)),
  };
}

/** Backend name → the preference that chose it: preferences resolving to the same backend run once. */
export function resolveKernelPreferences(preferences: readonly string[], notice: Say): Map<string, string> {
  const byName = new Map<string, string>();
  for (const pref of preferences) {
    const name = chooseKernels(pref, notice).name;
    if (!byName.has(name)) byName.set(name, pref);
  }
  return byName;
}

export interface Peers {
  readonly numpy?: string;
  readonly torch?: string;
}

/** Which interpreters can import numpy / torch; what is missing goes to `skipped`. */
export function findPeers(python: string, noPython: boolean, skipped: string[], say: Say): Peers {
  if (noPython) {
    skipped.push('numpy and PyTorch peers: --no-python');
    return {};
  }
  const candidates = [python, 'python3', '/usr/bin/python3'];
  const peers: { numpy?: string; torch?: string } = {};
  const numpy = findPython(candidates, 'numpy');
  if ('missing' in numpy) skipped.push(`numpy peers: ${numpy.missing}`);
  else {
    peers.numpy = numpy.interpreter;
    say(`numpy ${numpy.version} via ${numpy.interpreter}`);
  }
  const torch = findPython(candidates, 'torch');
  if ('missing' in torch)
    skipped.push(`PyTorch peer: ${torch.missing} (Debian: apt-get install python3-torch libopenblas0-pthread)`);
  else {
    peers.torch = torch.interpreter;
    say(`torch ${torch.version} via ${torch.interpreter}`);
  }
  return peers;
}

/** The repository root (where nx.json is), from this file's place; the working directory as a fallback. */
export function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** A real collection between measurements keeps one run's garbage out of the next one's RSS. */
export function makeGc(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') return () => void (gc as () => void)();
  } catch {
    // No collection then: RSS numbers are a little noisier, nothing breaks.
  }
  return () => {};
}
