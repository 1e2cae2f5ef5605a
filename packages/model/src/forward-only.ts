// Forward-only stepping, for generation: one character at a time through the model, no backward
// buffers, and every weight transpose done once (weights do not change while sampling) instead of
// once per character as a one-step training window would. At batch 1 the step is a handful of
// kernel calls: the one-hot gather, the cell's recurrence, the input product of each layer above,
// and the decoder — all plain dot products with the stored weights' rows.
//
// Dimension letters: V vocabulary, H hidden, G gates (G·H rows per layer). Batch is 1.

import type { CompleteKernels, FloatArray } from '@charrnn/tensor';
import { completeKernels } from '@charrnn/tensor';
import { DECODER_BIAS, DECODER_WEIGHT, layerParamNames, outputCount } from './config.js';
import type { LayerBuffers, LayerWeights } from './cells/cell.js';
import type { CharRnnModel } from './model.js';
import type { RecurrentState } from './state.js';

interface StepLayer {
  readonly weightIh: FloatArray; // [G·H, in]
  readonly weights: LayerWeights; // weightHh [G·H, H], its transpose, biasHh [G·H]
  /** Layer 0: W_ihᵀ [V, G·H], so the one-hot input is a row copy. Empty above. */
  readonly weightIhT: FloatArray;
  /** b_ih (+ b_hh when the cell folds it), [G·H]. */
  readonly inputBias: FloatArray;
  readonly buffers: LayerBuffers; // T = 1, B = 1
}

export class ForwardStepper {
  private readonly ops: CompleteKernels;
  private readonly layers: StepLayer[] = [];
  private readonly input = new Int32Array(1);
  private readonly decoderWeight: FloatArray; // [V, H]
  private readonly decoderBias: FloatArray; // [V]
  /** The logits of the last step, [V] (a view of kernel memory, overwritten by the next step). */
  readonly logits: FloatArray;

  constructor(private readonly model: CharRnnModel) {
    const { dtype, vocabSize: V, hiddenSize: H, layers } = model.config;
    if (model.config.bidirectional || outputCount(model.config) !== V)
      throw new RangeError(
        'ForwardStepper: model must predict the next symbol (unidirectional, decoder over the vocabulary), got a tagging model',
      );
    const kernels = model.kernels;
    this.ops = completeKernels(kernels);
    const GH = model.cell.gates * H;
    const alloc = (n: number): FloatArray => kernels.alloc(dtype, n);
    for (let k = 0; k < layers; k++) {
      const names = layerParamNames(k);
      const weightHh = model.params.get(names.weightHh).value;
      this.layers.push({
        weightIh: model.params.get(names.weightIh).value,
        weights: { weightHh, weightHhT: alloc(GH * H), biasHh: model.params.get(names.biasHh).value },
        weightIhT: alloc(k === 0 ? V * GH : 0),
        inputBias: alloc(GH),
        // Every buffer a cell may use is allocated (cs, aux): at T = B = 1 they cost nothing.
        buffers: {
          T: 1,
          B: 1,
          H,
          xw: alloc(GH),
          hs: alloc(2 * H),
          cs: alloc(2 * H),
          gates: alloc(GH),
          aux: alloc(H),
          dOut: alloc(0),
          dXw: alloc(0),
          dHw: alloc(0),
          dh: alloc(0),
          dc: alloc(0),
          scratch: alloc(GH),
          packedHhT: this.ops.allocPacked(dtype, 1, H, GH),
          packedHh: this.ops.allocPacked(dtype, 1, GH, H),
        },
      });
    }
    this.decoderWeight = model.params.get(DECODER_WEIGHT).value;
    this.decoderBias = model.params.get(DECODER_BIAS).value;
    this.logits = alloc(V);
    this.refresh();
  }

  /** Re-reads the weights (transposes and folded biases); call it after the parameters change. */
  refresh(): void {
    const { vocabSize: V, hiddenSize: H } = this.model.config;
    const GH = this.model.cell.gates * H;
    this.layers.forEach((layer, k) => {
      const names = layerParamNames(k);
      const biasIh = this.model.params.get(names.biasIh).value;
      layer.inputBias.set(biasIh);
      if (this.model.cell.foldsHiddenBias) for (let j = 0; j < GH; j++) layer.inputBias[j]! += layer.weights.biasHh[j]!;
      this.ops.transpose(GH, H, layer.weights.weightHh, 0, H, layer.weights.weightHhT, 0);
      if (k === 0) this.ops.transpose(GH, V, layer.weightIh, 0, V, layer.weightIhT, 0);
    });
  }

  /**
   * Feeds character `id` with `state` (batch 1) as the incoming state, advances the state, and
   * leaves the next character's logits in `this.logits`.
   */
  step(id: number, state: RecurrentState): FloatArray {
    const { vocabSize: V, hiddenSize: H } = this.model.config;
    if (!(Number.isInteger(id) && id >= 0 && id < V))
      throw new RangeError(`ForwardStepper.step: id must be in [0, ${V}), got ${id}`);
    if (state.batch !== 1 || state.h.length !== this.layers.length) {
      throw new RangeError(
        `ForwardStepper.step: state must have batch 1 and ${this.layers.length} layers, got ${state.batch} and ${state.h.length}`,
      );
    }
    const ops = this.ops;
    const GH = this.model.cell.gates * H;
    this.input[0] = id;
    for (let k = 0; k < this.layers.length; k++) {
      const layer = this.layers[k]!;
      const buf = layer.buffers;
      if (k === 0) {
        // xw = row id of W_ihᵀ + bias (the one-hot product)
        ops.gatherRows(1, GH, layer.weightIhT, V, this.input, 0, layer.inputBias, buf.xw, 0);
      } else {
        // xw = W_ih · h_below + bias   ([G·H, H]·[H]: dot products with W_ih's rows)
        buf.xw.set(layer.inputBias);
        ops.gemm(
          false,
          true,
          1,
          GH,
          H,
          1,
          this.layers[k - 1]!.buffers.hs,
          H,
          H,
          layer.weightIh,
          0,
          H,
          1,
          buf.xw,
          0,
          GH,
        );
      }
      buf.hs.set(state.h[k]!, 0);
      if (state.c) buf.cs.set(state.c[k]!, 0);
      this.model.cell.forward(ops, layer.weights, buf);
      state.h[k]!.set(buf.hs.subarray(H, 2 * H));
      if (state.c) state.c[k]!.set(buf.cs.subarray(H, 2 * H));
    }
    // logits = W_dec · h_top + b_dec   ([V, H]·[H])
    const top = this.layers[this.layers.length - 1]!.buffers;
    this.logits.set(this.decoderBias);
    ops.gemm(false, true, 1, V, H, 1, top.hs, H, H, this.decoderWeight, 0, H, 1, this.logits, 0, V);
    return this.logits;
  }
}
