#!/usr/bin/env node
// The distributed sweep's costs, measured on this machine with a real redis-server
// (`npm run bench:sweep`; needs the built apps/sweep and redis-server on PATH):
//   1. throughput of one sweep with 1 and with 2 charrnn-worker processes (target: ≥ 1.7× with 2);
//   2. the queue's per-trial overhead against the local worker-thread executor, 2,000-step trials,
//      one trial at a time on both sides (target: ≤ 5%);
//   3. the time from a worker's kill -9 to its trial resuming on another worker.
// Runs are side by side in one process so ratios are fair on a loaded machine; the wall times are not.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SWEEP = join(root, 'apps/sweep/dist/main.js');
const WORKER = join(root, 'apps/sweep/dist/charrnn-worker.js');
const LOCK_SECONDS = 5;

if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench-sweep: error: redis-server not found; install it with `apt-get install redis-server`');
  process.exit(2);
}
if (!existsSync(SWEEP) || !existsSync(WORKER)) {
  console.error('bench-sweep: error: build apps/sweep first (npm run bench:sweep does)');
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

function start(file, args) {
  const child = spawn(process.execPath, [file, ...args], { env: { ...process.env, CI: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((res) => child.on('close', (code) => res(code)));
  return { child, exited, out: () => out };
}

async function stop(worker) {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await worker.exited;
}

const dir = mkdtempSync(join(tmpdir(), 'charrnn-bench-sweep-'));
const port = await freePort();
const redis = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
  { stdio: 'ignore' },
);
const url = `redis://127.0.0.1:${port}`;
await sleep(500);

// 2,000-step trials, small enough for a loaded machine, big enough that training dominates.
const spec = (steps, lrs) =>
  `method: grid\nbudget: { steps: ${steps} }\nbase: { hidden: 64, seqLength: 25, evalEvery: 500, logEvery: 100, saveEvery: 500 }\nspace:\n  lr: [${lrs.join(', ')}]\n`;
writeFileSync(join(dir, 'four.yaml'), spec(2000, [0.05, 0.1, 0.15, 0.2]));
writeFileSync(join(dir, 'one-long.yaml'), spec(40000, [0.1]));

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Wall seconds of one sweep run with `workerCount` charrnn-worker processes beside it. */
async function timeOnce(args, workerCount) {
  const workers = Array.from({ length: workerCount }, () => start(WORKER, ['--queue', url, '--concurrency', '1']));
  const t0 = performance.now();
  const run = start(SWEEP, args);
  const code = await run.exited;
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers.map(stop));
  if (code !== 0) throw new Error(`sweep exited ${code}:\n${run.out()}`);
  return seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `bench-sweep: ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (other processes share the cores: compare the ratios)`,
);
const four = join(dir, 'four.yaml');
// The four set-ups, each run ROUNDS times in a rotating order so a burst of outside load hits all of them alike.
const setups = [
  { label: 'local executor, 1 worker thread', args: (out) => [four, '--out', out, '--workers', '1'], workers: 0 },
  {
    label: 'queue, 1 worker process',
    args: (out) => [four, '--out', out, '--queue', url, '--workers', '0'],
    workers: 1,
  },
  {
    label: 'queue, 2 worker processes',
    args: (out) => [four, '--out', out, '--queue', url, '--workers', '0'],
    workers: 2,
  },
  { label: 'local executor, 2 worker threads', args: (out) => [four, '--out', out, '--workers', '2'], workers: 0 },
];
const times = setups.map(() => []);
console.log(`sweep of 4 trials × 2,000 steps (hidden 64, T 25), ${ROUNDS} rounds, median wall time:`);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < setups.length; k++) {
    const i = (k + round) % setups.length;
    times[i].push(await timeOnce(setups[i].args(join(dir, `run-${i}-${round}`)), setups[i].workers));
  }
}
const [local1, queue1, queue2, local2] = times.map(median);
setups.forEach((s, i) =>
  console.log(
    `  ${s.label.padEnd(36)} ${median(times[i]).toFixed(2)} s   (runs: ${times[i].map((t) => t.toFixed(1)).join(', ')})`,
  ),
);
// On a machine shared with other work the fastest run of each is the least disturbed: show those ratios too.
const [fLocal1, fQueue1, fQueue2] = times.map((t) => Math.min(...t));
console.log(
  `  fastest runs: 2 worker processes vs 1 ${(fQueue1 / fQueue2).toFixed(2)}×, queue vs local one at a time ${(((fQueue1 - fLocal1) / fLocal1) * 100).toFixed(1)}%`,
);
const numbers = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.split(',').slice(0, 8).join())
    .join('\n');
const same = numbers(join(dir, 'run-0-0/summary.csv')) === numbers(join(dir, 'run-2-0/summary.csv'));
console.log(
  `  throughput, 2 worker processes vs 1:             ${(queue1 / queue2).toFixed(2)}× (target ≥ 1.7×; local threads 2 vs 1: ${(local1 / local2).toFixed(2)}×)`,
);
console.log(
  `  queue overhead per trial vs local, 1 at a time:  ${(((queue1 - local1) / local1) * 100).toFixed(1)}% (target ≤ 5%; ${(((queue1 - local1) / 4) * 1000).toFixed(0)} ms per trial)`,
);
console.log(`  same numbers as the local run:                   ${same ? 'yes' : 'NO'}`);

// Time from a kill -9 to the trial resuming elsewhere: a spare worker waits; the first one dies mid-trial.
console.log(
  `worker death → trial resumed elsewhere (--lock-seconds ${LOCK_SECONDS}; BullMQ notices after the lock runs out, at the next stalled check):`,
);
const first = start(WORKER, ['--queue', url, '--concurrency', '1', '--lock-seconds', String(LOCK_SECONDS)]);
const coordinator = start(SWEEP, [
  join(dir, 'one-long.yaml'),
  '--out',
  join(dir, 'death'),
  '--queue',
  url,
  '--workers',
  '0',
]);
while (!/started/.test(first.out())) await sleep(50);
const spare = start(WORKER, ['--queue', url, '--concurrency', '1', '--lock-seconds', String(LOCK_SECONDS)]);
// Past the first checkpoint (every 500 steps), so there is something to resume from.
const client = new Redis({ port, host: '127.0.0.1' });
const sweepKey = JSON.parse(readFileSync(join(dir, 'death/queue.json'), 'utf8')).sweepKey;
while (Number(await client.hget(`charrnn:sweep:${sweepKey}:trial:t000`, 'step')) < 600) await sleep(50);
client.disconnect();
first.child.kill('SIGKILL');
const killedAt = performance.now();
while (!/resumed from step/.test(spare.out())) await sleep(20);
const resumedAfter = (performance.now() - killedAt) / 1000;
console.log(
  `  ${resumedAfter.toFixed(2)} s from kill -9 to "resumed from step ${/resumed from step (\d+)/.exec(spare.out())[1]}" (bound: lock ${LOCK_SECONDS} s + stalled check every ${LOCK_SECONDS} s)`,
);
coordinator.child.kill('SIGTERM');
await coordinator.exited;
await stop(spare);
await stop(first);
redis.kill('SIGTERM');
