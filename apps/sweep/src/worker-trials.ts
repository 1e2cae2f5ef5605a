// What a queue worker runs for a job: the job's spec parsed with the sweep spec's own schema, its
// trial count checked against --max-trials before anything is expanded (a spec is a few lines, its
// grid can multiply out to billions), the coordinator's identity checked, and the training text
// fetched by hash and checked against its hash and length. Anything else refuses the job.

import {
  SpecError,
  SweepLimitError,
  checkTrialCount,
  expandTrials,
  parseSpecText,
  sweepIdentity,
  trialRungSteps,
  type TrialTask,
} from '@charrnn/sweep';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialJob } from './queue-protocol.js';
import { dataKey, sha256 } from './queue-redis.js';

/** A job the worker will not run; it fails at once (no retry) with this message. */
export class Refusal extends UnrecoverableError {}

/** Sweeps whose expanded trials a worker keeps (oldest forgotten first). */
const MAX_KNOWN_SWEEPS = 16;

export interface PreparedTrial {
  readonly task: Omit<TrialTask, 'resume'>;
  readonly text: string;
}

export interface TrialSource {
  /** The job's trial and text; throws Refusal. */
  prepare(job: TrialJob): Promise<PreparedTrial>;
  /** Keeps a text while a trial runs on it; the returned function lets it go. */
  hold(hash: string): () => void;
}

export function createTrialSource(redis: Redis, maxTrials: number): TrialSource {
  const texts = new Map<string, string>();
  const textsInUse = new Map<string, number>();
  // A sweep's spec is parsed, checked against the coordinator's identity and expanded once per
  // worker, not once per trial: the identity hashes the whole training text.
  const sweeps = new Map<string, Map<string, Omit<TrialTask, 'resume'>>>();

  const loadText = async (hash: string, chars: number): Promise<string> => {
    let text = texts.get(hash);
    if (text === undefined) {
      const bytes = await redis.getBuffer(dataKey(hash));
      if (!bytes) throw new Refusal(`the training text ${hash.slice(0, 12)}… is not in Redis`);
      if (sha256(bytes) !== hash)
        throw new Refusal(
          `the training text in Redis does not match its hash ${hash.slice(0, 12)}…; refusing to train on different data`,
        );
      text = bytes.toString('utf8');
      texts.set(hash, text);
    }
    // Every job says how long its text is, and every job is checked (not only the first on a text).
    if (text.length !== chars)
      throw new Refusal(`the training text has ${text.length} characters, the job says ${chars}`);
    return text;
  };

  const checkedSweep = async (job: TrialJob): Promise<Map<string, Omit<TrialTask, 'resume'>>> => {
    const key = `${job.identity}:${job.data.sha256}:${sha256(job.specText)}`;
    const known = sweeps.get(key);
    if (known) return known;
    let spec;
    try {
      spec = parseSpecText(job.specText);
      checkTrialCount(spec, maxTrials);
    } catch (error) {
      if (error instanceof SpecError) throw new Refusal(`invalid sweep spec: ${error.problems.join('; ')}`);
      if (error instanceof SweepLimitError)
        throw new Refusal(`${error.message} of this worker (charrnn-worker --max-trials)`);
      throw error;
    }
    const text = await loadText(job.data.sha256, job.data.chars);
    if (sha256(sweepIdentity(spec, text)) !== job.identity) {
      throw new Refusal('this worker expands the spec differently from the coordinator (different charrnn versions?)');
    }
    const trials = new Map(
      expandTrials(spec).map((t) => [
        t.id,
        { id: t.id, config: t.config, metric: spec.metric, rungSteps: trialRungSteps(spec, t) },
      ]),
    );
    if (sweeps.size >= MAX_KNOWN_SWEEPS) sweeps.delete(sweeps.keys().next().value!);
    sweeps.set(key, trials);
    return trials;
  };

  return {
    async prepare(job) {
      const trial = (await checkedSweep(job)).get(job.trial);
      if (!trial) throw new Refusal(`the spec has no trial ${job.trial}`);
      return { task: trial, text: await loadText(job.data.sha256, job.data.chars) };
    },
    // Texts of the running trials, and the latest one (the next trial is most likely on it): a
    // long-lived worker does not keep every corpus it ever saw.
    hold(hash) {
      textsInUse.set(hash, (textsInUse.get(hash) ?? 0) + 1);
      for (const other of texts.keys()) if (other !== hash && !textsInUse.get(other)) texts.delete(other);
      return () => void textsInUse.set(hash, textsInUse.get(hash)! - 1);
    },
  };
}
