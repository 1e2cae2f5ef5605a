// Initial weights. "seed": the seed notebook's randn·0.01 for every weight matrix, zero biases.
// "pytorch": torch.nn.RNN/LSTM/GRU's uniform(−1/√H, 1/√H) for every recurrent tensor and
// torch.nn.Linear's uniform(−1/√H, 1/√H) for the decoder. Draws follow registry order, so the
// same seed gives the same weights everywhere.

import type { ParamRegistry, Prng } from '@charrnn/tensor';
import type { InitName } from './config.js';

export function initializeParams(params: ParamRegistry, init: InitName, hiddenSize: number, rng: Prng): void {
  for (const p of params.list) {
    p.grad.fill(0);
    if (init === 'seed') {
      if (p.shape.length === 2) rng.fillNormal(p.value, 0.01);
      else p.value.fill(0);
    } else {
      const bound = 1 / Math.sqrt(hiddenSize);
      rng.fillUniform(p.value, -bound, bound);
    }
  }
}
