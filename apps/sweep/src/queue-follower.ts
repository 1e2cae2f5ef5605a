// One trial's stream entries, turned back into the callbacks runSweep expects, for one executor.run.
//
// Events are passed on only up to a checkpoint ("committed"): if a worker dies, the events it sent
// after its last checkpoint are dropped, and the worker that resumes from that checkpoint sends them
// again. So log.csv gets each row once, in order, whichever workers ran the trial.
//
// The entries are already well-formed (queue-protocol.ts); here they must also make sense for this
// trial, or they are refused (counted by the executor, which says so once): steps within the trial's
// budget, a start event of this trial's size, rungs the trial has, sessions that began, nothing after
// the outcome, an outcome that agrees with the session's done event, and checkpoint bytes that are
// this trial's model at the marker's step (queue-checkpoint-check.ts) before they become files.

import type { Redis } from 'ioredis';
import type { TrainingEvent } from '@charrnn/report';
import type { TrialCallbacks, TrialOutcome, TrialTask } from '@charrnn/sweep';
import type { StreamEntry } from './queue-protocol.js';
import { latestCheckpointStep, readCheckpoint, sweepKeys, type CheckpointKind } from './queue-redis.js';

/** Order of a trial's events at one step, as the trainer emits them (see Trainer.run). */
const RANK = {
  eval: 0,
  bestMarker: 1,
  checkpointEvent: 2,
  step: 3,
  sample: 4,
  lastMarker: 5,
  lateCheckpointEvent: 6,
  done: 7,
} as const;

interface Position {
  readonly step: number;
  readonly rank: number;
}

const after = (a: Position, b: Position): boolean => a.step > b.step || (a.step === b.step && a.rank > b.rank);

type Buffered = Position & ({ readonly event: TrainingEvent } | { readonly best: number });

/**
 * Entries held waiting for a checkpoint, at most. A trial sends a few per logged step and a checkpoint
 * every --checkpoint-seconds; beyond this many, what comes is dropped (and said) rather than kept.
 */
export const MAX_HELD_ENTRIES = 200_000;

export interface TrialFollowerOptions {
  readonly task: TrialTask;
  readonly callbacks: TrialCallbacks;
  readonly redis: Redis;
  readonly sweepKey: string;
  /** The step a checkpoint from the coordinator's disk resumed the trial at (0: none). */
  readonly resumeStep: number;
  readonly settle: (outcome: TrialOutcome) => void;
  /** Why checkpoint bytes are not this trial's at `step`, or null when they are. */
  readonly checkCheckpoint: (bytes: Uint8Array, step: number) => string | null;
  /** An entry that breaks a rule: counted and said once by the executor. */
  readonly refuse: (trial: string, problem: string) => void;
}

export class TrialFollower {
  private committed: Position;
  private startSent = false;
  private readonly buffer = new Map<string, Buffered>();
  private readonly askedRungs = new Set<number>();
  private settled = false;
  /** The step of the best checkpoint last written (the final one need not be read again). */
  private bestWritten = -1;
  /** The newest session a worker announced (sessions count up in Redis: HINCRBY). */
  private newestSession = 0;
  /** The done event of each session's end, as far as seen: an outcome must agree with it. */
  private lastDone: { readonly session: number; readonly reason: string } | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: TrialFollowerOptions) {
    this.committed = { step: options.resumeStep, rank: RANK.lastMarker };
  }

  get done(): boolean {
    return this.settled;
  }

  private get id(): string {
    return this.options.task.id;
  }

  private get totalSteps(): number {
    return this.options.task.config.steps;
  }

  /** Entries are handled one after another, in stream order, each after the previous one's writes. */
  push(entry: StreamEntry): void {
    this.after(() => this.receive(entry));
  }

  /** Runs `step` once everything pushed so far is handled (a replay of entries read before this follower existed). */
  after(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(step)
      .catch((error: Error) =>
        this.finishWith({ status: 'error', message: `following the trial failed: ${error.message}` }),
      );
  }

  finishWith(outcome: TrialOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.options.settle(outcome);
  }

  /** Handles one entry now (inside a step given to then(), or through push). */
  async receive(entry: StreamEntry): Promise<void> {
    const problem = this.problemWith(entry);
    if (problem !== null) {
      this.options.refuse(this.id, `${entry.kind} ${problem}`);
      return;
    }
    if (entry.kind === 'session') this.newestSession = Math.max(this.newestSession, entry.session);
    else if (entry.kind === 'event') this.onEvent(entry.event, entry.session);
    else if (entry.kind === 'checkpoint') {
      if (entry.checkpoint === 'best')
        this.hold(`best:${entry.step}`, { step: entry.step, rank: RANK.bestMarker, best: entry.step });
      else await this.commit(entry.step);
    } else if (entry.kind === 'rung') await this.onRung(entry.rung, entry.step, entry.value);
    else await this.finish(entry.outcome);
  }

  /** The rules an entry must keep for this trial; null when it keeps them. */
  private problemWith(entry: StreamEntry): string | null {
    if (this.settled) return 'after the trial ended';
    if (entry.kind === 'session') return entry.session === 0 ? 'numbered 0' : this.beyondBudget(entry.fromStep);
    // Session 0 is the coordinator's own checkpoint upload, or a worker's refusal of the job.
    const coordinatorOrRefusal = entry.session === 0 && (entry.kind === 'checkpoint' || entry.kind === 'outcome');
    if (!coordinatorOrRefusal && (entry.session === 0 || entry.session > this.newestSession))
      return `from session ${entry.session}, which never began`;
    if (entry.kind === 'event') {
      const { event } = entry;
      if (event.type === 'start' && event.totalSteps !== this.totalSteps)
        return `start of a ${event.totalSteps}-step run, the trial has ${this.totalSteps}`;
      return this.beyondBudget(event.step);
    }
    if (entry.kind === 'checkpoint') return this.beyondBudget(entry.step);
    if (entry.kind === 'rung') {
      const at = this.options.task.rungSteps[entry.rung];
      if (at === undefined) return `${entry.rung}: the trial has ${this.options.task.rungSteps.length} rungs`;
      if (entry.step < at) return `${entry.rung} asked at step ${entry.step}, before the rung (${at})`;
      return this.beyondBudget(entry.step);
    }
    // A worker reports completed or diverged only after the trainer's done event says so.
    const status = entry.outcome.status;
    if (status !== 'completed' && status !== 'diverged') return null;
    if (this.lastDone?.session !== entry.session) return `${status} without a done event from session ${entry.session}`;
    if (this.lastDone.reason !== status) return `${status}, but the session's done event says ${this.lastDone.reason}`;
    return null;
  }

  private beyondBudget(step: number): string | null {
    return step > this.totalSteps ? `at step ${step}, past the trial's ${this.totalSteps}` : null;
  }

  private onEvent(event: TrainingEvent, session: number): void {
    if (event.type === 'start') {
      // The first session's start sets the trial's size; later sessions' starts repeat it.
      if (!this.startSent) this.options.callbacks.onEvent(event);
      this.startSent = true;
      return;
    }
    if (event.type === 'done') this.lastDone = { session, reason: event.reason };
    const rank =
      event.type === 'checkpoint'
        ? event.reason === 'best'
          ? RANK.checkpointEvent
          : RANK.lateCheckpointEvent
        : RANK[event.type];
    this.hold(`${event.type}:${event.step}:${event.type === 'checkpoint' ? event.reason : ''}`, {
      step: event.step,
      rank,
      event,
    });
  }

  /** Keeps an entry until a checkpoint covers it; the first copy wins (a zombie and its successor send the same). */
  private hold(key: string, item: Buffered): void {
    if (!after(item, this.committed) || this.buffer.has(key)) return;
    if (this.buffer.size >= MAX_HELD_ENTRIES) {
      this.options.refuse(this.id, `entry beyond ${MAX_HELD_ENTRIES} held without a checkpoint`);
      return;
    }
    this.buffer.set(key, item);
  }

  /**
   * A "last" checkpoint at `step` exists: everything up to it is final, once its bytes are this
   * trial's. A marker without bytes commits nothing — not even when a newer checkpoint superseded
   * them an hour ago (a coordinator resumed that late): a forged marker could otherwise move the
   * trial past events still to come; the events wait for the next marker, or the outcome.
   */
  private async commit(step: number): Promise<void> {
    const upTo = { step, rank: RANK.lastMarker };
    if (!after(upTo, this.committed)) return;
    const found = await readCheckpoint(this.options.redis, this.options.sweepKey, this.id, 'last', step);
    if (!found) {
      if (!(await this.superseded('last', step)))
        this.options.refuse(this.id, `last checkpoint at step ${step}: there are no bytes for it`);
      return;
    }
    const problem = this.options.checkCheckpoint(found.bytes, step);
    if (problem !== null) return this.options.refuse(this.id, `last checkpoint at step ${step}: ${problem}`);
    await this.flush(upTo);
    await this.options.callbacks.onCheckpoint('last', step, found.bytes);
    this.committed = upTo;
  }

  /** Whether a newer checkpoint of the kind exists (the bytes at `step` expire an hour after it). */
  private async superseded(kind: CheckpointKind, step: number): Promise<boolean> {
    const latest = await latestCheckpointStep(this.options.redis, this.options.sweepKey, this.id, kind);
    return latest !== null && latest > step;
  }

  /** The bytes of a checkpoint in Redis when they are this trial's at `step`; null (and refused) otherwise. */
  private async readChecked(kind: CheckpointKind, step: number): Promise<Uint8Array | null> {
    const found = await readCheckpoint(this.options.redis, this.options.sweepKey, this.id, kind, step);
    if (!found) return null; // superseded long ago; the newer one is written instead
    const problem = this.options.checkCheckpoint(found.bytes, step);
    if (problem === null) return found.bytes;
    this.options.refuse(this.id, `${kind} checkpoint at step ${step}: ${problem}`);
    return null;
  }

  private async flush(upTo: Position): Promise<void> {
    const ready = [...this.buffer.entries()]
      .filter(([, item]) => !after(item, upTo))
      .sort(([, a], [, b]) => a.step - b.step || a.rank - b.rank);
    for (const [key, item] of ready) {
      this.buffer.delete(key);
      if ('event' in item) this.options.callbacks.onEvent(item.event);
      else await this.writeBest(item.best);
    }
  }

  /** Writes the best checkpoint at `step` (default: the newest) unless it is the one already written. */
  private async writeBest(step?: number): Promise<void> {
    const { redis, sweepKey } = this.options;
    const at = step ?? (await latestCheckpointStep(redis, sweepKey, this.id, 'best'));
    if (at === null || at === this.bestWritten) return;
    const best = await this.readChecked('best', at);
    if (!best) return;
    await this.options.callbacks.onCheckpoint('best', at, best);
    this.bestWritten = at;
  }

  private async onRung(rung: number, step: number, value: number): Promise<void> {
    if (this.askedRungs.has(rung) || step <= this.committed.step) return;
    this.askedRungs.add(rung);
    const key = sweepKeys(this.options.sweepKey).rung(this.id, rung);
    // Record the value either way (the record and the scheduler need it); the stored decision wins.
    const proceed = await this.options.callbacks.onRung(rung, step, value);
    await this.options.redis.set(key, proceed ? '1' : '0', 'NX');
  }

  private async finish(outcome: TrialOutcome): Promise<void> {
    await this.flush({ step: Number.POSITIVE_INFINITY, rank: 0 });
    // The final checkpoints: whatever is newest (the outcome comes after the last marker).
    await this.writeBest();
    const { redis, sweepKey } = this.options;
    const last = await latestCheckpointStep(redis, sweepKey, this.id, 'last');
    if (last !== null && last > this.committed.step) {
      const bytes = await this.readChecked('last', last);
      if (bytes) await this.options.callbacks.onCheckpoint('last', last, bytes);
    }
    this.finishWith(outcome);
  }
}
