// The character-level language model: one-hot characters → L recurrent layers → linear decoder →
// softmax. It owns the parameter registry (PyTorch names) and runs a whole window at a time:
// the input projection and the decoder are hoisted out of the time loop as single matrix
// products, and only the recurrence steps through time (in the cell). The decoder scores the next
// symbol, or a tagging task's O labels per step. A bidirectional model (D = 2) runs a second cell
// of each layer over the window reversed in time and concatenates both outputs, [T·B, 2H].
//
// Dimension letters: T time, B batch, V vocabulary, O output classes (V unless tagging), H hidden,
// G gates, D directions. Rows are time-major (t·B + b).
// Loss convention (the seed's): Σ over the window of −ln p[target], averaged over the batch.

import {
  ParamRegistry,
  completeKernels,
  referenceKernels,
  type CompleteKernels,
  type FloatArray,
  type Kernels,
  type Param,
  type Prng,
} from '@charrnn/tensor';
import {
  DECODER_BIAS,
  DECODER_WEIGHT,
  directionCount,
  layerParamNames,
  outputCount,
  validateModelConfig,
  type ModelConfig,
} from './config.js';
import type { Cell, FirstLayerInput, LayerBuffers, LayerWeights } from './cells/cell.js';
import { cellFor } from './cells/registry.js';
import { createState, type RecurrentState } from './state.js';

/** One direction of one layer. */
interface LayerParams {
  readonly weightIh: Param; // [G·H, in]   (in = V for layer 0, D·H above)
  readonly weightHh: Param; // [G·H, H]
  readonly biasIh: Param; // [G·H]
  readonly biasHh: Param; // [G·H]
  /** W_hhᵀ, rebuilt from weightHh at the start of each forward pass (not a parameter). */
  readonly weightHhT: FloatArray; // [H, G·H]
  /**
   * Layer 0 only (empty above): W_ihᵀ, rebuilt each forward pass so the one-hot gather copies
   * contiguous rows, and the gradient's scatter target, transposed back into weightIh.grad.
   */
  readonly weightIhT: FloatArray; // [V, G·H]
  readonly weightIhGradT: FloatArray; // [V, G·H]
  /** Weight drop (empty without it): this window's mask on W_hh (0 or 1/(1−p)) and the masked W_hh the cell runs with. */
  readonly weightHhMask: FloatArray; // [G·H, H]
  readonly weightHhDropped: FloatArray; // [G·H, H]
}

/** Everything one (T, B) shape needs, allocated once. */
interface Workspace {
  readonly T: number;
  readonly B: number;
  /** Per layer and direction, index k·D + d (the reverse direction's buffers run in reversed time). */
  readonly layers: LayerBuffers[];
  /** Bidirectional only (empty otherwise): per layer, both directions' outputs side by side [T·B, 2H], and their gradient. */
  readonly outputs: FloatArray[];
  readonly dOutputs: FloatArray[];
  /** Bidirectional only: the window's ids in reversed time, what the reverse direction of layer 0 reads. */
  readonly reversedIds: Int32Array;
  /** Per layer below the top: the dropout mask [T·B, D·H] (0 or 1/(1−p)) and the masked output fed upward. */
  readonly masks: FloatArray[];
  readonly dropped: FloatArray[];
  /** The top layer's output dropout mask [T·B, D·H] and masked output (empty without output dropout). */
  readonly outputMask: FloatArray;
  readonly outputDropped: FloatArray;
  /** Decoder output [T·B, O]; holds dLogits after a backward pass. */
  readonly logits: FloatArray;
  /** b_ih (+ b_hh when the cell folds it) for the input projection, [G·H]. */
  readonly inputBias: FloatArray;
  /** Layer 0's input-side arrays, for a cell that runs its window from the ids (cell.forwardFromIds). */
  readonly firstLayerInput: FirstLayerInput;
}

export interface WindowOptions {
  /** Training mode: applies dropout between layers (needs rng). Default false. */
  readonly train?: boolean;
  readonly rng?: Prng;
  /**
   * The carried state is the (forward direction's) state after this many steps instead of after all
   * T: a tagger that reads lookahead beyond what it emits carries the state from where it stops. Default T.
   */
  readonly stateAfter?: number;
}

export class CharRnnModel {
  readonly config: ModelConfig;
  readonly params: ParamRegistry;
  readonly kernels: Kernels;
  /** The kernels with every optional fused operation resolved once (the backend's, or the reference loop). */
  private readonly ops: CompleteKernels;
  /** The recurrent cell (public for forward-only runners such as ForwardStepper). */
  readonly cell: Cell;
  /** Per layer and direction, index k·D + d. */
  private readonly layerParams: LayerParams[] = [];
  /** D: 2 for a bidirectional model. */
  private readonly directions: 1 | 2;
  private readonly decoderWeight: Param; // [O, D·H]
  private readonly decoderBias: Param; // [O]
  private readonly workspaces = new Map<string, Workspace>();
  /** Whether the last forward dropped the top layer's output (training with outputDropout > 0). */
  private outputDropoutApplied = false;
  /** Whether the last forward ran on weight-dropped W_hh (training with weightDrop > 0). */
  private weightDropApplied = false;
  private lastWorkspace: Workspace | null = null;

  /**
   * options.cell replaces the registered implementation of config.cell — for tests and for
   * trying a new cell (the gradient checker's negative tests inject deliberately broken ones).
   */
  constructor(config: ModelConfig, kernels: Kernels = referenceKernels, options: { cell?: Cell } = {}) {
    this.config = validateModelConfig({ ...config });
    this.kernels = kernels;
    this.ops = completeKernels(kernels);
    this.cell = options.cell ?? cellFor(config.cell);
    const registered = cellFor(config.cell);
    if (this.cell.gates !== registered.gates || this.cell.carriesCellState !== registered.carriesCellState) {
      throw new RangeError(
        `CharRnnModel: options.cell must have the ${registered.gates} gates and the state of a ${config.cell}, got ${this.cell.gates} gates`,
      );
    }
    this.params = new ParamRegistry(config.dtype);
    const { vocabSize: V, hiddenSize: H, layers } = config;
    const D = directionCount(config);
    this.directions = D;
    const GH = this.cell.gates * H;
    const add = (name: string, shape: number[]): Param => {
      const size = shape.reduce((a, b) => a * b, 1);
      return this.params.add(name, shape, kernels.alloc(config.dtype, size), kernels.alloc(config.dtype, size));
    };
    // PyTorch's state_dict order: l0, l0_reverse, l1, l1_reverse, …
    for (let index = 0; index < layers * D; index++) {
      const k = Math.floor(index / D);
      const names = layerParamNames(k, index % D === 1);
      this.layerParams.push({
        weightIh: add(names.weightIh, [GH, k === 0 ? V : D * H]),
        weightHh: add(names.weightHh, [GH, H]),
        biasIh: add(names.biasIh, [GH]),
        biasHh: add(names.biasHh, [GH]),
        weightHhT: kernels.alloc(config.dtype, GH * H),
        weightIhT: kernels.alloc(config.dtype, k === 0 ? V * GH : 0),
        weightIhGradT: kernels.alloc(config.dtype, k === 0 ? V * GH : 0),
        weightHhMask: kernels.alloc(config.dtype, (config.weightDrop ?? 0) > 0 ? GH * H : 0),
        weightHhDropped: kernels.alloc(config.dtype, (config.weightDrop ?? 0) > 0 ? GH * H : 0),
      });
    }
    this.decoderWeight = add(DECODER_WEIGHT, [outputCount(config), D * H]);
    this.decoderBias = add(DECODER_BIAS, [outputCount(config)]);
  }

  createState(batch = 1): RecurrentState {
    return createState(this.config, batch, this.kernels);
  }

  /**
   * Runs one window forward. inputs and targets are [T·B] character ids, time-major; targets may be
   * null when only the logits are wanted (sampling, tagging). Targets are next-symbol ids, or label
   * ids in [0, O) for a tagging model. The state is read as the incoming hidden state and overwritten
   * with the outgoing one (a bidirectional model's reverse direction always starts from zero at the
   * window's end: it carries nothing between windows). Returns Σ_t mean_b −ln p[target] (0 without targets).
   */
  forward(
    inputs: Int32Array,
    targets: Int32Array | null,
    T: number,
    B: number,
    state: RecurrentState,
    options: WindowOptions = {},
  ): number {
    const ws = this.workspace(T, B);
    this.checkWindow(inputs, targets, T, B, state);
    const stateAfter = options.stateAfter ?? T;
    if (!(Number.isInteger(stateAfter) && stateAfter >= 0 && stateAfter <= T))
      throw new RangeError(
        `CharRnnModel.forward: options.stateAfter must be an integer in [0, ${T}], got ${stateAfter}`,
      );
    this.forwardLayers(ws, inputs, state, options);
    this.decoderForward(ws);
    this.saveOutgoingState(ws, state, stateAfter);
    if (!targets) return 0;
    const O = outputCount(this.config);
    return this.ops.softmaxCrossEntropy(T * B, O, ws.logits, 0, targets, 0, 1 / B, ws.logits, 0) / B;
  }

  /**
   * Forward and backward over one window: overwrites every parameter's grad with the gradient of
   * the window loss (the same value forward() returns). When initialStateGrad is given, it receives
   * ∂loss/∂(incoming state) — the carry that truncated BPTT cuts, checked by the gradient checker.
   */
  lossAndGradients(
    inputs: Int32Array,
    targets: Int32Array,
    T: number,
    B: number,
    state: RecurrentState,
    options: WindowOptions & { initialStateGrad?: RecurrentState } = {},
  ): number {
    const loss = this.forward(inputs, targets, T, B, state, options);
    this.backward(this.workspace(T, B), inputs);
    if (options.initialStateGrad) this.copyInitialStateGrad(this.workspace(T, B), options.initialStateGrad);
    return loss;
  }

  /** The logits of the last forward pass, [T·B, O] (overwritten by the loss gradient after a backward pass). */
  lastLogits(): FloatArray {
    if (!this.lastWorkspace) throw new RangeError('CharRnnModel.lastLogits: a forward pass must run first, got none');
    return this.lastWorkspace.logits;
  }

  private checkWindow(
    inputs: Int32Array,
    targets: Int32Array | null,
    T: number,
    B: number,
    state: RecurrentState,
  ): void {
    const n = T * B;
    if (inputs.length < n)
      throw new RangeError(`CharRnnModel.forward: inputs must have T·B = ${n} entries, got ${inputs.length}`);
    if (targets && targets.length < n)
      throw new RangeError(`CharRnnModel.forward: targets must have T·B = ${n} entries, got ${targets.length}`);
    if (state.batch !== B || state.h.length !== this.config.layers) {
      throw new RangeError(
        `CharRnnModel.forward: state must have batch ${B} and ${this.config.layers} layers, got ${state.batch} and ${state.h.length}`,
      );
    }
    const V = this.config.vocabSize;
    for (let r = 0; r < n; r++) {
      const x = inputs[r]!;
      if (!(x >= 0 && x < V))
        throw new RangeError(`CharRnnModel.forward: input ids must be in [0, ${V}), got ${x} at ${r}`);
    }
  }

  private forwardLayers(ws: Workspace, inputs: Int32Array, state: RecurrentState, options: WindowOptions): void {
    const { T, B } = ws;
    const { hiddenSize: H, dropout } = this.config;
    const D = this.directions;
    const applyDropout = options.train === true && dropout > 0;
    if (applyDropout && !options.rng)
      throw new TypeError('CharRnnModel.forward: options.rng must be a Prng when training with dropout, got none');
    this.weightDropApplied = options.train === true && (this.config.weightDrop ?? 0) > 0;
    if (this.weightDropApplied && !options.rng)
      throw new TypeError('CharRnnModel.forward: options.rng must be a Prng when training with weight drop, got none');
    if (D === 2) reverseTime(inputs, ws.reversedIds, T, B);
    for (let k = 0; k < this.config.layers; k++) {
      for (let d = 0; d < D; d++) {
        const p = this.layerParams[k * D + d]!;
        const buf = ws.layers[k * D + d]!;
        this.fillInputBias(ws.inputBias, p);
        if (d === 0) {
          buf.hs.set(state.h[k]!, 0);
          if (state.c) buf.cs.set(state.c[k]!, 0);
        } else {
          buf.hs.fill(0, 0, B * H);
          buf.cs.fill(0, 0, B * H);
        }
        if (this.weightDropApplied) this.dropRecurrentWeights(p, options.rng!);
        if (k === 0 && D === 1 && this.cell.forwardFromIds) {
          // The whole first layer from the ids in one kernel call (gather, W_hhᵀ, recurrence).
          this.cell.forwardFromIds(this.ops, this.layerWeights(p), ws.firstLayerInput, buf, inputs);
          continue;
        }
        this.inputProjection(ws, k, p, buf, d === 0 ? inputs : ws.reversedIds);
        // The reverse direction reads the window backwards: its xw rows in reversed time.
        if (d === 1 && k > 0) reverseTimeInPlace(buf.xw, T, B * this.cell.gates * H);
        // Transposed once per window, so the T recurrent products need no transposed operand.
        this.transpose(this.cell.gates * H, H, this.recurrentWeights(p), p.weightHhT);
        this.cell.forward(this.ops, this.layerWeights(p), buf);
      }
      if (D === 2) this.joinDirections(ws, k);
      if (k < this.config.layers - 1) this.dropoutOutput(ws, k, applyDropout ? options.rng! : null);
    }
    const outputDropout = this.config.outputDropout ?? 0;
    this.outputDropoutApplied = options.train === true && outputDropout > 0;
    if (this.outputDropoutApplied) {
      if (!options.rng)
        throw new TypeError(
          'CharRnnModel.forward: options.rng must be a Prng when training with output dropout, got none',
        );
      const top = this.layerOutput(ws, this.config.layers - 1);
      fillDropoutMask(ws.outputMask, outputDropout, options.rng);
      for (let i = 0; i < ws.outputDropped.length; i++)
        ws.outputDropped[i] = top.array[top.offset + i]! * ws.outputMask[i]!;
    }
  }

  /** xw = W_ih·x + biases for the whole window: a gather of W_ihᵀ rows by id (layer 0) or one product (above). */
  private inputProjection(ws: Workspace, k: number, p: LayerParams, buf: LayerBuffers, ids: Int32Array): void {
    const { T, B } = ws;
    const H = this.config.hiddenSize;
    const GH = this.cell.gates * H;
    if (k === 0) {
      // One-hot input: W_ih·x is column x of W_ih, i.e. row x of W_ihᵀ: a gather instead of a product.
      const V = this.config.vocabSize;
      this.transpose(GH, V, p.weightIh.value, p.weightIhT);
      this.ops.gatherRows(T * B, GH, p.weightIhT, V, ids, 0, ws.inputBias, buf.xw, 0);
      return;
    }
    const below = this.layerInput(ws, k);
    const DH = this.directions * H;
    // xw = input · W_ihᵀ   ([T·B, D·H]·[G·H, D·H]ᵀ)
    this.ops.gemm(
      false,
      true,
      T * B,
      GH,
      DH,
      1,
      below.array,
      below.offset,
      DH,
      p.weightIh.value,
      0,
      DH,
      0,
      buf.xw,
      0,
      GH,
    );
    this.ops.addRowVector(T * B, GH, buf.xw, 0, ws.inputBias);
  }

  /** Layer k's output row t: [forward h_t | reverse h_t], the reverse one at reversed step T−1−t (its hs block T−t). */
  private joinDirections(ws: Workspace, k: number): void {
    const { T, B } = ws;
    const H = this.config.hiddenSize;
    const forward = ws.layers[2 * k]!.hs;
    const reverse = ws.layers[2 * k + 1]!.hs;
    const out = ws.outputs[k]!;
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        const row = (t * B + b) * 2 * H;
        const f = ((t + 1) * B + b) * H;
        const r = ((T - t) * B + b) * H;
        for (let j = 0; j < H; j++) {
          out[row + j] = forward[f + j]!;
          out[row + H + j] = reverse[r + j]!;
        }
      }
  }

  /** The backward of joinDirections: each direction's dOut from its half of the joined gradient, in its own time order. */
  private splitDirections(ws: Workspace, k: number): void {
    const { T, B } = ws;
    const H = this.config.hiddenSize;
    const dForward = ws.layers[2 * k]!.dOut;
    const dReverse = ws.layers[2 * k + 1]!.dOut;
    const dOut = ws.dOutputs[k]!;
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        const row = (t * B + b) * 2 * H;
        const f = (t * B + b) * H;
        const r = ((T - 1 - t) * B + b) * H;
        for (let j = 0; j < H; j++) {
          dForward[f + j] = dOut[row + j]!;
          dReverse[r + j] = dOut[row + H + j]!;
        }
      }
  }

  /** Layer k's output as the layer above and the decoder read it, rows of D·H: the cell's hs, or both directions joined. */
  private layerOutput(ws: Workspace, k: number): { array: FloatArray; offset: number } {
    if (this.directions === 2) return { array: ws.outputs[k]!, offset: 0 };
    return { array: ws.layers[k]!.hs, offset: ws.B * this.config.hiddenSize };
  }

  /** The gradient of the loss with respect to layerOutput(ws, k), [T·B, D·H]. */
  private layerOutputGrad(ws: Workspace, k: number): FloatArray {
    return this.directions === 2 ? ws.dOutputs[k]! : ws.layers[k]!.dOut;
  }

  /** What the decoder reads: the top layer's output, after output dropout when it applied. */
  private decoderInput(ws: Workspace): { array: FloatArray; offset: number } {
    if (this.outputDropoutApplied) return { array: ws.outputDropped, offset: 0 };
    return this.layerOutput(ws, this.config.layers - 1);
  }

  /** dst = src[rows, cols]ᵀ (dense both sides). */
  private transpose(rows: number, cols: number, src: FloatArray, dst: FloatArray): void {
    this.ops.transpose(rows, cols, src, 0, cols, dst, 0);
  }

  private layerWeights(p: LayerParams): LayerWeights {
    return { weightHh: this.recurrentWeights(p), weightHhT: p.weightHhT, biasHh: p.biasHh.value };
  }

  /** The W_hh the recurrence runs with: the weight-dropped copy while training with weight drop. */
  private recurrentWeights(p: LayerParams): FloatArray {
    return this.weightDropApplied ? p.weightHhDropped : p.weightHh.value;
  }

  /** Weight drop: one mask per layer and window, so every time step sees the same thinned recurrence. */
  private dropRecurrentWeights(p: LayerParams, rng: Prng): void {
    fillDropoutMask(p.weightHhMask, this.config.weightDrop!, rng);
    const w = p.weightHh.value;
    for (let i = 0; i < w.length; i++) p.weightHhDropped[i] = w[i]! * p.weightHhMask[i]!;
  }

  /** The input of layer k > 0: the output of layer k−1, after dropout when it applies. */
  private layerInput(ws: Workspace, k: number): { array: FloatArray; offset: number } {
    return this.config.dropout > 0 ? { array: ws.dropped[k - 1]!, offset: 0 } : this.layerOutput(ws, k - 1);
  }

  private dropoutOutput(ws: Workspace, k: number, rng: Prng | null): void {
    if (this.config.dropout === 0) return;
    const mask = ws.masks[k]!;
    const out = ws.dropped[k]!;
    const { array, offset } = this.layerOutput(ws, k);
    if (rng) {
      fillDropoutMask(mask, this.config.dropout, rng);
    } else {
      mask.fill(1);
    }
    for (let i = 0; i < out.length; i++) out[i] = array[offset + i]! * mask[i]!;
  }

  /** The backward of dropoutOutput: the gradient into layer k's outputs passes through its mask. */
  private dropoutBackward(ws: Workspace, k: number): void {
    if (this.config.dropout === 0) return;
    const mask = ws.masks[k]!;
    const dOut = this.layerOutputGrad(ws, k);
    for (let i = 0; i < dOut.length; i++) dOut[i]! *= mask[i]!;
  }

  private fillInputBias(out: FloatArray, p: LayerParams): void {
    out.set(p.biasIh.value);
    if (this.cell.foldsHiddenBias) for (let j = 0; j < out.length; j++) out[j]! += p.biasHh.value[j]!;
  }

  private decoderForward(ws: Workspace): void {
    const { T, B } = ws;
    const V = outputCount(this.config);
    const H = this.directions * this.config.hiddenSize; // the decoder reads D·H features
    const top = this.decoderInput(ws);
    // logits = H_top · W_decᵀ + b_dec for the whole window at once: [T·B, D·H]·[O, D·H]ᵀ
    this.ops.gemm(
      false,
      true,
      T * B,
      V,
      H,
      1,
      top.array,
      top.offset,
      H,
      this.decoderWeight.value,
      0,
      H,
      0,
      ws.logits,
      0,
      V,
    );
    this.ops.addRowVector(T * B, V, ws.logits, 0, this.decoderBias.value);
  }

  /** dW_dec = dLogitsᵀ·H_top, db_dec = Σ_rows dLogits, dH_top = dLogits·W_dec; ws.logits holds dLogits. */
  private decoderBackward(ws: Workspace): void {
    const { T, B } = ws;
    const V = outputCount(this.config);
    const H = this.directions * this.config.hiddenSize; // the decoder reads D·H features
    const n = T * B;
    const dLogits = ws.logits;
    const dTop = this.layerOutputGrad(ws, this.config.layers - 1);
    const input = this.decoderInput(ws);
    this.ops.gemm(
      true,
      false,
      V,
      H,
      n,
      1,
      dLogits,
      0,
      V,
      input.array,
      input.offset,
      H,
      0,
      this.decoderWeight.grad,
      0,
      H,
    );
    this.ops.columnSums(n, V, dLogits, 0, this.decoderBias.grad);
    this.ops.gemm(false, false, n, H, V, 1, dLogits, 0, V, this.decoderWeight.value, 0, H, 0, dTop, 0, H);
    // Back through the output dropout (decoderInput's dropped copy of the top layer's output).
    if (this.outputDropoutApplied) for (let i = 0; i < dTop.length; i++) dTop[i]! *= ws.outputMask[i]!;
  }

  /** The forward direction's state after `steps` steps (hs/cs block `steps`) becomes the carried state. */
  private saveOutgoingState(ws: Workspace, state: RecurrentState, steps: number): void {
    const at = steps * ws.B * this.config.hiddenSize;
    for (let k = 0; k < this.config.layers; k++) {
      const buf = ws.layers[k * this.directions]!;
      state.h[k]!.set(buf.hs.subarray(at, at + state.h[k]!.length));
      if (state.c) state.c[k]!.set(buf.cs.subarray(at, at + state.c[k]!.length));
    }
  }

  /** Backward through decoder, layers and time; ws.logits must hold dLogits (forward with targets did that). */
  private backward(ws: Workspace, inputs: Int32Array): void {
    this.decoderBackward(ws);
    const D = this.directions;
    for (let k = this.config.layers - 1; k >= 0; k--) {
      if (D === 2) this.splitDirections(ws, k);
      for (let d = 0; d < D; d++) {
        const index = k * D + d;
        const weights = this.layerWeights(this.layerParams[index]!);
        if (k === 0 && D === 1 && this.cell.backwardToIds) {
          // One kernel call back through time to W_ih's and the biases' gradients; W_hh's is a product.
          this.cell.backwardToIds(this.ops, weights, ws.firstLayerInput, ws.layers[0]!, inputs);
          this.hiddenWeightGrad(ws, 0);
          continue;
        }
        this.cell.backward(this.ops, weights, ws.layers[index]!);
        this.layerWeightGrads(ws, k, d, d === 0 ? inputs : ws.reversedIds);
      }
      if (k > 0) this.dropoutBackward(ws, k - 1);
    }
  }

  /**
   * Layer k's parameter gradients from the cell's dXw/dHw (the backward of the hoisted input and
   * hidden projections in forwardLayers), and the gradient into the layer below's outputs.
   */
  private layerWeightGrads(ws: Workspace, k: number, d: number, ids: Int32Array): void {
    const { T, B } = ws;
    const { vocabSize: V, hiddenSize: H } = this.config;
    const GH = this.cell.gates * H;
    const DH = this.directions * H;
    const n = T * B;
    const index = k * this.directions + d;
    const p = this.layerParams[index]!;
    const buf = ws.layers[index]!;
    this.hiddenWeightGrad(ws, index);
    this.ops.columnSums(n, GH, buf.dHw, 0, p.biasHh.grad);
    this.ops.columnSums(n, GH, buf.dXw, 0, p.biasIh.grad);
    if (k === 0) {
      // Scatter back the one-hot gather: row x of dW_ihᵀ collects the rows that read it, in row order.
      const dWT = p.weightIhGradT;
      dWT.fill(0);
      this.ops.scatterAddRows(n, GH, buf.dXw, 0, ids, 0, dWT, V);
      this.transpose(V, GH, dWT, p.weightIh.grad);
    } else {
      // The reverse direction's dXw back in forward time, to meet the rows of the input it was computed from.
      if (d === 1) reverseTimeInPlace(buf.dXw, T, B * GH);
      const below = this.layerInput(ws, k);
      this.ops.gemm(
        true,
        false,
        GH,
        DH,
        n,
        1,
        buf.dXw,
        0,
        GH,
        below.array,
        below.offset,
        DH,
        0,
        p.weightIh.grad,
        0,
        DH,
      );
      // dOut of the layer below (+)= dXw·W_ih   ([T·B, G·H]·[G·H, D·H]); both directions add into it; its dropout mask is applied next.
      const dBelow = this.layerOutputGrad(ws, k - 1);
      this.ops.gemm(false, false, n, DH, GH, 1, buf.dXw, 0, GH, p.weightIh.value, 0, DH, d, dBelow, 0, DH);
    }
  }

  /** Hidden side: dW_hh = dHwᵀ·H_prev over the whole window (hs blocks 0..T−1)   ([G·H, T·B]·[T·B, H]). */
  private hiddenWeightGrad(ws: Workspace, index: number): void {
    const H = this.config.hiddenSize;
    const GH = this.cell.gates * H;
    const n = ws.T * ws.B;
    const p = this.layerParams[index]!;
    const buf = ws.layers[index]!;
    this.ops.gemm(true, false, GH, H, n, 1, buf.dHw, 0, GH, buf.hs, 0, H, 0, p.weightHh.grad, 0, H);
    // Weight drop: the recurrence used W_hh ∘ mask, so ∂loss/∂W_hh = ∂loss/∂(W_hh ∘ mask) ∘ mask.
    if (this.weightDropApplied)
      for (let i = 0; i < p.weightHh.grad.length; i++) p.weightHh.grad[i]! *= p.weightHhMask[i]!;
  }

  /** ∂loss/∂(incoming state): the forward direction's (the reverse direction starts from a constant zero). */
  private copyInitialStateGrad(ws: Workspace, out: RecurrentState): void {
    for (let k = 0; k < this.config.layers; k++) {
      const buf = ws.layers[k * this.directions]!;
      out.h[k]!.set(buf.dh);
      if (out.c) out.c[k]!.set(buf.dc);
    }
  }

  private workspace(T: number, B: number): Workspace {
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`CharRnnModel: T must be a positive integer, got ${T}`);
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`CharRnnModel: B must be a positive integer, got ${B}`);
    const key = `${T}x${B}`;
    let ws = this.workspaces.get(key);
    if (!ws) {
      ws = this.allocateWorkspace(T, B);
      this.workspaces.set(key, ws);
    }
    this.lastWorkspace = ws;
    return ws;
  }

  private allocateWorkspace(T: number, B: number): Workspace {
    const { dtype, hiddenSize: H, vocabSize: V, layers, dropout } = this.config;
    const D = this.directions;
    const GH = this.cell.gates * H;
    const n = T * B;
    const alloc = (size: number): FloatArray => this.kernels.alloc(dtype, size);
    const empty = alloc(0);
    const layerBuffers: LayerBuffers[] = [];
    for (let index = 0; index < layers * D; index++) {
      const dXw = alloc(n * GH);
      layerBuffers.push({
        T,
        B,
        H,
        xw: alloc(n * GH),
        hs: alloc((T + 1) * B * H),
        cs: this.cell.carriesCellState ? alloc((T + 1) * B * H) : empty,
        gates: alloc(n * GH),
        aux: this.cell.savesAux ? alloc(n * H) : empty,
        dOut: alloc(n * H),
        dXw,
        dHw: this.cell.separateHiddenGrad ? alloc(n * GH) : dXw,
        dh: alloc(B * H),
        dc: alloc(B * H),
        scratch: alloc(B * GH),
        packedHhT: this.ops.allocPacked(dtype, B, H, GH),
        packedHh: this.ops.allocPacked(dtype, B, GH, H),
      });
    }
    const below = dropout > 0 ? layers - 1 : 0;
    const inputBias = alloc(GH);
    const first = this.layerParams[0]!;
    return {
      inputBias,
      firstLayerInput: {
        V,
        weightIh: first.weightIh.value,
        inputBias,
        weightIhGrad: first.weightIh.grad,
        biasIhGrad: first.biasIh.grad,
        biasHhGrad: first.biasHh.grad,
      },
      T,
      B,
      layers: layerBuffers,
      outputs: Array.from({ length: D === 2 ? layers : 0 }, () => alloc(n * D * H)),
      dOutputs: Array.from({ length: D === 2 ? layers : 0 }, () => alloc(n * D * H)),
      reversedIds: new Int32Array(D === 2 ? n : 0),
      masks: Array.from({ length: below }, () => alloc(n * D * H)),
      dropped: Array.from({ length: below }, () => alloc(n * D * H)),
      outputMask: (this.config.outputDropout ?? 0) > 0 ? alloc(n * D * H) : empty,
      outputDropped: (this.config.outputDropout ?? 0) > 0 ? alloc(n * D * H) : empty,
      logits: alloc(n * outputCount(this.config)),
    };
  }
}

/** dst's time block t (B ids) = src's block T−1−t. */
function reverseTime(src: Int32Array, dst: Int32Array, T: number, B: number): void {
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) dst[t * B + b] = src[(T - 1 - t) * B + b]!;
}

/** Reverses the order of the T blocks of `width` entries at the start of `array`. */
function reverseTimeInPlace(array: FloatArray, T: number, width: number): void {
  for (let t = 0, u = T - 1; t < u; t++, u--) {
    const a = t * width;
    const b = u * width;
    for (let i = 0; i < width; i++) {
      const x = array[a + i]!;
      array[a + i] = array[b + i]!;
      array[b + i] = x;
    }
  }
}

/** Inverted dropout: survivors are scaled by 1/(1−p) so evaluation needs no rescaling. */
function fillDropoutMask(mask: FloatArray, p: number, rng: Prng): void {
  const keep = 1 - p;
  // The loop `mask[i] = rng.uniform() < keep ? 1 / keep : 0`, with the generator's state in locals.
  rng.fillMask(mask, keep, 1 / keep);
}
