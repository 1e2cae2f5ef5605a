// The model as a GradTarget: the loss of one window as a function of every parameter (PyTorch
// names) and of the incoming recurrent state — the carry truncated BPTT passes between windows,
// whose gradient is the classic place for a bug. Dropout is off (train: false); clipping lives in
// the trainer, not the model, so it never touches these gradients.
// Dimension letters: T time, B batch, H hidden, V vocabulary.

import type { FloatArray, Prng } from '@charrnn/tensor';
import { cellFor, cloneState, copyState, type CharRnnModel, type RecurrentState } from '@charrnn/model';
import type { GradTarget, GradTensor } from './target.js';

export interface ModelWindow {
  /** [T·B] character ids, time-major (row t·B + b). */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly T: number;
  readonly B: number;
}

/**
 * Tensors: the model's parameters (their own value and grad arrays) followed by `state.h_l{k}`
 * (and `state.c_l{k}` for the LSTM), [B, H], holding a private copy of initialState. Every
 * evaluate() starts the window from a fresh copy, because forward overwrites the state it is given.
 */
export function modelTarget(model: CharRnnModel, window: ModelWindow, initialState: RecurrentState): GradTarget {
  const where = 'modelTarget';
  const { dtype, layers, hiddenSize: H } = model.config;
  if (dtype !== 'f64') {
    throw new RangeError(
      `${where}: model dtype must be f64 (finite differences need float64; build the model with dtype: 'f64'), got ${dtype}`,
    );
  }
  const { inputs, targets, T, B } = window;
  if (!(inputs instanceof Int32Array) || !(targets instanceof Int32Array)) {
    throw new TypeError(
      `${where}: window.inputs and window.targets must be Int32Arrays, got ${inputs?.constructor?.name} and ${targets?.constructor?.name}`,
    );
  }
  if (
    initialState.batch !== B ||
    initialState.h.length !== layers ||
    cellFor(model.config.cell).carriesCellState !== (initialState.c !== null)
  ) {
    throw new RangeError(
      `${where}: initialState must match batch ${B} and the model's ${layers} ${model.config.cell} layers, got batch ${initialState.batch} and ${initialState.h.length} layers`,
    );
  }
  const initial = cloneState(initialState, model.kernels, 'f64');
  const running = model.createState(B);
  const stateGrad = model.createState(B);

  const stateTensors = (kind: 'h' | 'c', values: FloatArray[] | null, grads: FloatArray[] | null): GradTensor[] =>
    (values ?? []).map((value, k) => ({ name: `state.${kind}_l${k}`, shape: [B, H], value, grad: grads![k]! }));
  const tensors: GradTensor[] = [
    ...model.params.list,
    ...stateTensors('h', initial.h, stateGrad.h),
    ...stateTensors('c', initial.c, stateGrad.c),
  ];

  return {
    tensors,
    evaluate(withGradients: boolean): number {
      copyState(initial, running);
      if (!withGradients) return model.forward(inputs, targets, T, B, running, { train: false });
      return model.lossAndGradients(inputs, targets, T, B, running, { train: false, initialStateGrad: stateGrad });
    },
  };
}

/** A state of uniform(−bound, bound) entries: a non-zero carry, so its gradient is exercised. */
export function randomState(model: CharRnnModel, batch: number, rng: Prng, bound = 0.5): RecurrentState {
  const state = model.createState(batch);
  for (const h of state.h) rng.fillUniform(h, -bound, bound);
  for (const c of state.c ?? []) rng.fillUniform(c, -bound, bound);
  return state;
}
