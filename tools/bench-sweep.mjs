#!/usr/bin/env node
// The distributed sweep's costs, measured on this machine with a real redis-server
// (`npm run bench:sweep`; needs the built apps and redis-server on PATH), side by side in one run:
//   1. the queue's overhead against the local worker-thread executor, one trial at a time,
//      on 2,000-step trials (issue #11's yardstick; target ≤ 5 %);
//   2. trials per hour with 1 and 2 workers, for the queue (target ≥ 1.7×) and the local executor
//      (issue #15's target ≥ 1.8×), next to the machine's own ceiling: one plain charrnn-train
//      process against two side by side;
//   3. the time from a worker's kill -9 to its trial resuming on another worker (default lock).
// Workers are long-lived processes (started and ready before a timed sweep, as on a cluster); every
// set-up runs BENCH_ROUNDS times in rotating order so a burst of outside load hits them alike.
// Environment: BENCH_ROUNDS (default 3), BENCH_TRIALS (trials per sweep, default 8).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SWEEP = join(root, 'apps/sweep/dist/main.js');
const WORKER = join(root, 'apps/sweep/dist/charrnn-worker.js');
const TRAIN = join(root, 'apps/train/dist/train.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 8);
const STEPS = 2000;

if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench-sweep: error: redis-server not found; install it with `apt-get install redis-server`');
  process.exit(2);
}
for (const bundle of [SWEEP, WORKER, TRAIN]) {
  if (!existsSync(bundle)) {
    console.error(
      `bench-sweep: error: ${bundle} is not built; run \`npm run build\` first (npm run bench:sweep builds the sweep app)`,
    );
    process.exit(2);
  }
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

async function until(test, what, ms = 120_000) {
  const deadline = performance.now() + ms;
  while (!test()) {
    if (performance.now() > deadline) throw new Error(`bench-sweep: timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function stop(proc) {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  await proc.exited;
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

// Trials of hidden 64, T 25 on the embedded corpus: under a second of training each on a quiet machine,
// so any fixed cost per trial shows.
const BASE = { hidden: 64, seqLength: 25, evalEvery: 500, logEvery: 100, saveEvery: 500 };
const spec = (steps, lrs) =>
  `method: grid\nbudget: { steps: ${steps} }\nbase: ${JSON.stringify(BASE)}\nspace:\n  lr: [${lrs.join(', ')}]\n`;
const lrs = Array.from({ length: TRIALS }, (_, i) => (0.05 + 0.01 * i).toFixed(2));
writeFileSync(join(dir, 'trials.yaml'), spec(STEPS, lrs));
writeFileSync(join(dir, 'one-long.yaml'), spec(40 * STEPS, [0.1]));

/** Wall seconds of one sweep, with `workerCount` ready charrnn-worker processes beside it. */
async function timeSweep(args, workerCount) {
  const workers = Array.from({ length: workerCount }, () => start(WORKER, ['--queue', url, '--concurrency', '1']));
  await until(() => workers.every((w) => /taking trials/.test(w.out())), 'the workers to start');
  const t0 = performance.now();
  const run = start(SWEEP, args);
  const code = await run.exited;
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers.map(stop));
  if (code !== 0) throw new Error(`sweep exited ${code}:\n${run.out()}`);
  return seconds;
}

/** Wall seconds of `count` plain charrnn-train processes of one trial's size, side by side. */
async function timeTrain(count, round) {
  const t0 = performance.now();
  const runs = Array.from({ length: count }, (_, i) =>
    start(TRAIN, [
      '--steps',
      String(STEPS),
      '--hidden',
      String(BASE.hidden),
      '--seq-length',
      String(BASE.seqLength),
      '--eval-every',
      String(BASE.evalEvery),
      '--log-every',
      String(BASE.logEvery),
      '--save-every',
      String(BASE.saveEvery),
      '--sample-every',
      '0',
      '--save',
      join(dir, `train-${count}-${round}-${i}.safetensors`),
    ]),
  );
  const codes = await Promise.all(runs.map((r) => r.exited));
  if (codes.some((c) => c !== 0)) throw new Error(`charrnn-train failed:\n${runs.map((r) => r.out()).join('\n')}`);
  return (performance.now() - t0) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const trialsYaml = join(dir, 'trials.yaml');
const setups = [
  {
    key: 'local1',
    label: 'local executor, 1 worker thread',
    run: (out) => timeSweep([trialsYaml, '--out', out, '--workers', '1'], 0),
  },
  {
    key: 'queue1',
    label: 'queue, 1 worker process',
    run: (out) => timeSweep([trialsYaml, '--out', out, '--queue', url, '--workers', '0'], 1),
  },
  {
    key: 'local2',
    label: 'local executor, 2 worker threads',
    run: (out) => timeSweep([trialsYaml, '--out', out, '--workers', '2'], 0),
  },
  {
    key: 'queue2',
    label: 'queue, 2 worker processes',
    run: (out) => timeSweep([trialsYaml, '--out', out, '--queue', url, '--workers', '0'], 2),
  },
  { key: 'train1', label: 'plain charrnn-train, 1 process (one trial)', run: (_out, round) => timeTrain(1, round) },
  { key: 'train2', label: 'plain charrnn-train, 2 processes side by side', run: (_out, round) => timeTrain(2, round) },
];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `bench-sweep: ${availableParallelism()} cores, load average ${load()} (ratios are fair on a shared machine, wall times are not)`,
);
console.log(
  `${TRIALS} trials × ${STEPS.toLocaleString('en')} steps (hidden 64, T 25, eval every 500), ${ROUNDS} rotated rounds, median wall time:`,
);
const times = Object.fromEntries(setups.map((s) => [s.key, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < setups.length; k++) {
    const setup = setups[(k + round) % setups.length];
    times[setup.key].push(await setup.run(join(dir, `${setup.key}-${round}`), round));
  }
}
const m = Object.fromEntries(Object.entries(times).map(([key, t]) => [key, median(t)]));
for (const s of setups)
  console.log(
    `  ${s.label.padEnd(48)} ${m[s.key].toFixed(2)} s   (runs: ${times[s.key].map((t) => t.toFixed(2)).join(', ')})`,
  );

// Inside a trial (the coordinator's wall_s: its start event to its outcome) and around it (the sweep's
// wall time minus the trials', per trial: coordinator start-up and exit, job pickup, trial set-up, files),
// from each set-up's median run.
const medianRound = (key) => times[key].indexOf(m[key]);
const summaryOf = (key, round = medianRound(key)) =>
  readFileSync(join(dir, `${key}-${round}/summary.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
const wallColumn = readFileSync(join(dir, 'local1-0/summary.csv'), 'utf8').split('\n')[0].split(',').indexOf('wall_s');
for (const key of ['local1', 'queue1']) {
  const inside = summaryOf(key).reduce((s, row) => s + Number(row[wallColumn]), 0);
  console.log(
    `  ${key === 'local1' ? 'local 1 thread' : 'queue 1 worker'}: ${(inside / TRIALS).toFixed(3)} s in each trial, ${((m[key] - inside) / TRIALS).toFixed(3)} s around it (median run)`,
  );
}
const numbers = (key) =>
  summaryOf(key, 0)
    .map((row) => row.slice(0, 8).join())
    .join('\n');
const perHour = (key) => (TRIALS / m[key]) * 3600;
// Each ratio is taken within a round (its set-ups ran minutes apart at most, under the same outside
// load) and the median over rounds is quoted: the machine's speed drifts by 20–30 % between minutes.
const ratio = (f) =>
  median(times.local1.map((_, round) => f(Object.fromEntries(setups.map((s) => [s.key, times[s.key][round]])))));
const overhead = ratio((t) => t.queue1 / t.local1 - 1);
console.log("results (median over rounds of each round's ratio):");
console.log(
  `  queue overhead, 1 worker vs local 1 thread:   ${(overhead * 100).toFixed(1)}% (target ≤ 5%; ${(((overhead * m.local1) / TRIALS) * 1000).toFixed(0)} ms per trial; per round: ${times.local1.map((l, i) => `${((times.queue1[i] / l - 1) * 100).toFixed(1)}%`).join(', ')})`,
);
console.log(
  `  queue, 2 worker processes vs 1:               ${ratio((t) => t.queue1 / t.queue2).toFixed(2)}× (target ≥ 1.7×; ${perHour('queue1').toFixed(0)} → ${perHour('queue2').toFixed(0)} trials/hour)`,
);
console.log(
  `  local, 2 worker threads vs 1:                 ${ratio((t) => t.local1 / t.local2).toFixed(2)}× (target ≥ 1.8×; ${perHour('local1').toFixed(0)} → ${perHour('local2').toFixed(0)} trials/hour)`,
);
console.log(
  `  machine ceiling, 2 charrnn-train vs 1:        ${ratio((t) => (2 * t.train1) / t.train2).toFixed(2)}× (two processes' work in ${m.train2.toFixed(2)} s, one in ${m.train1.toFixed(2)} s)`,
);
console.log(
  `  same numbers, queue and local:                ${numbers('queue1') === numbers('local1') && numbers('queue2') === numbers('local1') ? 'yes' : 'NO'}`,
);

// Kill -9 → resumed elsewhere, with the workers' default lock: a spare waits while the first dies mid-trial.
const first = start(WORKER, ['--queue', url, '--concurrency', '1']);
await until(() => /taking trials/.test(first.out()), 'the first worker');
const coordinator = start(SWEEP, [
  join(dir, 'one-long.yaml'),
  '--out',
  join(dir, 'death'),
  '--queue',
  url,
  '--workers',
  '0',
]);
await until(() => /started/.test(first.out()), 'the trial to start');
const spare = start(WORKER, ['--queue', url, '--concurrency', '1']);
await until(() => /taking trials/.test(spare.out()), 'the spare worker');
// Once the worker has sent a checkpoint (made every 500 steps, sent at most every --checkpoint-seconds,
// default 5 s), so there is something to resume from.
const client = new Redis({ port, host: '127.0.0.1' });
const sweepKey = JSON.parse(readFileSync(join(dir, 'death/queue.json'), 'utf8')).sweepKey;
while ((await client.get(`charrnn:sweep:${sweepKey}:ckpt:t000:last`)) === null) await sleep(20);
client.disconnect();
first.child.kill('SIGKILL');
const killedAt = performance.now();
await until(() => /resumed from step/.test(spare.out()), 'the trial to resume');
const resumedAfter = (performance.now() - killedAt) / 1000;
console.log(
  `  worker kill -9 → trial resumed elsewhere:      ${resumedAfter.toFixed(2)} s (default lock; resumed from step ${/resumed from step (\d+)/.exec(spare.out())[1]})`,
);
coordinator.child.kill('SIGTERM');
await coordinator.exited;
await stop(spare);
await stop(first);
redis.kill('SIGTERM');
console.log(`load average at the end: ${load()}`);
