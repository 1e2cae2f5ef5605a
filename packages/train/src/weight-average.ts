// Polyak averaging of the weights (an exponential moving average, as in Polyak & Juditsky 1992 and
// the "EMA" of many training recipes): late in a run Adam's steps keep the weights jittering around
// a good region; the average sits nearer its middle and usually scores better on held-out text.
// Training continues on the raw weights; evaluation, samples and saved models use the average.

import { CharRnnModel } from '@charrnn/model';

export class WeightAverage {
  /** A model holding the averaged weights (same architecture and kernels as the trained one). */
  readonly model: CharRnnModel;
  private readonly source: CharRnnModel;
  private readonly decay: number;

  constructor(source: CharRnnModel, decay: number) {
    if (!(decay > 0 && decay < 1)) throw new RangeError(`WeightAverage: decay must be in (0, 1), got ${decay}`);
    this.source = source;
    this.decay = decay;
    this.model = new CharRnnModel(source.config, source.kernels);
    this.restart();
  }

  /** The average starts from the current weights. */
  restart(): void {
    this.model.params.list.forEach((p, i) => p.value.set(this.source.params.list[i]!.value));
  }

  /**
   * Folds in the weights after update number `step` (1-based). The decay ramps up as
   * (1 + step) / (10 + step) until it reaches its setting, so the first updates are not pinned to
   * the initial weights (the warm-up TensorFlow's ExponentialMovingAverage uses).
   */
  update(step: number): void {
    const keep = Math.min(this.decay, (1 + step) / (10 + step));
    const take = 1 - keep;
    const target = this.model.params.list;
    this.source.params.list.forEach((p, i) => {
      const w = p.value;
      const avg = target[i]!.value;
      for (let j = 0; j < avg.length; j++) avg[j]! += take * (w[j]! - avg[j]!);
    });
  }
}
