// A recursive (tree-structured) classifier: each node's state is computed from its token and its
// two children's states by a node cell (tree-rnn or tree-lstm), and a linear classifier with
// softmax reads the root's h. Loss: the mean over the batch's trees of −ln p[label].
//
// A batch of trees is run level by level: a node's level is its height (leaves 0), and every node of
// one level depends only on lower ones, so each level's children products are one matrix product
// (Kernels.gemm) however the trees are shaped. Rows of every buffer are in level order; no step
// recurses, so a 100,000-deep tree runs in the same loops as a small one.
//
// Dimension letters: N nodes in the batch, B trees, V tokens, H hidden, G gates (tree-rnn 1,
// tree-lstm 5), C classes. Rows: level-major; the nL leaves come first.

import {
  ParamRegistry,
  referenceKernels,
  type Dtype,
  type FloatArray,
  type Kernels,
  type Param,
  type Prng,
} from '@charrnn/tensor';
import type { TreeBuffers, TreeCell } from './tree-cell.js';
import { treeLstmCell } from './tree-lstm-cell.js';
import { treeRnnCell } from './tree-rnn-cell.js';

export const TREE_CELL_NAMES = ['tree-rnn', 'tree-lstm'] as const;
export type TreeCellName = (typeof TREE_CELL_NAMES)[number];

const CELLS: Readonly<Record<TreeCellName, TreeCell>> = { 'tree-rnn': treeRnnCell, 'tree-lstm': treeLstmCell };

export function isTreeCellName(value: unknown): value is TreeCellName {
  return (TREE_CELL_NAMES as readonly unknown[]).includes(value);
}

/** Parameter names, in registry (state_dict) order. */
export const TREE_PARAM_NAMES = {
  weightIh: 'tree.weight_ih', // [G·H, V]: one column per token (a one-hot input's product)
  weightHh: 'tree.weight_hh', // [G·H, 2H]: W_hh [h_l; h_r], left child's block first
  bias: 'tree.bias', // [G·H]
  classifierWeight: 'classifier.weight', // [C, H]
  classifierBias: 'classifier.bias', // [C]
} as const;

export interface TreeModelConfig {
  readonly cell: TreeCellName;
  /** V: distinct node tokens (leaf atoms and operators). */
  readonly vocabSize: number;
  readonly hiddenSize: number;
  /** C: distinct labels. */
  readonly classes: number;
  readonly dtype: Dtype;
}

/** Trees packed for one pass: nodes of all trees concatenated, each tree children-first. */
export interface TreeBatch {
  /** Token id of each node, in [0, V). */
  readonly tokens: Int32Array; // [N]
  /** Batch-wide index of each node's children (always an earlier node), −1 at a leaf. */
  readonly left: Int32Array; // [N]
  readonly right: Int32Array; // [N]
  /** The root node of each tree. */
  readonly roots: Int32Array; // [B]
  /** Each tree's label in [0, C); −1 marks a tree without one (no loss, no gradient). */
  readonly labels: Int32Array; // [B]
}

/** One tree in token ids, children first, root last. */
export interface EncodedTree {
  readonly tokens: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly label: number;
}

/** Concatenates trees into a batch, shifting their child indices. */
export function packTrees(trees: readonly EncodedTree[]): TreeBatch {
  let N = 0;
  for (const t of trees) N += t.tokens.length;
  const tokens = new Int32Array(N);
  const left = new Int32Array(N);
  const right = new Int32Array(N);
  const roots = new Int32Array(trees.length);
  const labels = new Int32Array(trees.length);
  let offset = 0;
  trees.forEach((t, b) => {
    const n = t.tokens.length;
    tokens.set(t.tokens, offset);
    for (let i = 0; i < n; i++) {
      left[offset + i] = t.left[i]! < 0 ? -1 : t.left[i]! + offset;
      right[offset + i] = t.right[i]! < 0 ? -1 : t.right[i]! + offset;
    }
    offset += n;
    roots[b] = offset - 1;
    labels[b] = t.label;
  });
  return { tokens, left, right, roots, labels };
}

/** The level schedule of a batch and every buffer sized for it (grown, never shrunk). */
interface Workspace extends TreeBuffers {
  N: number;
  B: number;
  /** Leaves (level 0) are rows [0, nL). */
  nL: number;
  /** Rows of level d are [levelStart[d], levelStart[d+1]). */
  levels: number;
  levelStart: Int32Array;
  tokenOfRow: Int32Array;
  rootRow: Int32Array;
  labels: Int32Array;
  /** Children's h side by side, one row per inner node (row − nL). */
  x: FloatArray; // [N − nL, 2H]
  dx: FloatArray; // [rows of a level, 2H]
  roots: FloatArray; // [B, H]
  dRoots: FloatArray; // [B, H]
  logits: FloatArray; // [B, C]
  dLogits: FloatArray; // [B, C]
}

export class TreeModel {
  readonly params: ParamRegistry;
  readonly cell: TreeCell;
  private readonly weightIh: Param;
  private readonly weightHh: Param;
  private readonly bias: Param;
  private readonly classifierWeight: Param;
  private readonly classifierBias: Param;
  /** W_hhᵀ, rebuilt from weight_hh at each forward pass so the level products read it row by row. */
  private readonly weightHhT: FloatArray; // [2H, G·H]
  private ws: Workspace | null = null;
  private hasForward = false;

  /** `options.cell` replaces the built-in cell of config.cell (same gate count): for tests that plant a bug. */
  constructor(
    readonly config: TreeModelConfig,
    readonly kernels: Kernels = referenceKernels,
    options: { readonly cell?: TreeCell } = {},
  ) {
    validateTreeModelConfig(config);
    const builtIn = CELLS[config.cell];
    if (options.cell && options.cell.gates !== builtIn.gates)
      throw new RangeError(
        `TreeModel: options.cell must have the ${builtIn.gates} gates of ${config.cell}, got ${options.cell.gates}`,
      );
    this.cell = options.cell ?? builtIn;
    const { vocabSize: V, hiddenSize: H, classes: C, dtype } = config;
    const GH = this.cell.gates * H;
    this.params = new ParamRegistry(dtype);
    const add = (name: string, shape: number[]): Param => {
      const n = shape.reduce((a, b) => a * b, 1);
      return this.params.add(name, shape, kernels.alloc(dtype, n), kernels.alloc(dtype, n));
    };
    this.weightIh = add(TREE_PARAM_NAMES.weightIh, [GH, V]);
    this.weightHh = add(TREE_PARAM_NAMES.weightHh, [GH, 2 * H]);
    this.bias = add(TREE_PARAM_NAMES.bias, [GH]);
    this.weightHhT = kernels.alloc(dtype, GH * 2 * H);
    this.classifierWeight = add(TREE_PARAM_NAMES.classifierWeight, [C, H]);
    this.classifierBias = add(TREE_PARAM_NAMES.classifierBias, [C]);
  }

  /** PyTorch's default for recurrent and linear layers: every entry uniform in ±1/√H. */
  initialize(rng: Prng): void {
    const bound = 1 / Math.sqrt(this.config.hiddenSize);
    for (const p of this.params.list) rng.fillUniform(p.value, -bound, bound);
  }

  /** The mean loss over the labelled trees (0 when none is labelled); logits kept for lastLogits(). */
  forward(batch: TreeBatch): number {
    const ws = this.schedule(batch);
    this.runForward(ws);
    return this.loss(ws);
  }

  /** forward, then every param.grad overwritten with ∂loss/∂param. */
  lossAndGradients(batch: TreeBatch): number {
    const loss = this.forward(batch);
    this.runBackward(this.ws!);
    return loss;
  }

  /** Logits of the last forward pass. */
  lastLogits(): FloatArray {
    if (!this.hasForward) throw new RangeError('TreeModel.lastLogits: a forward pass must run first, got none');
    const { B } = this.ws!;
    return this.ws!.logits.subarray(0, B * this.config.classes);
  }

  /** The most likely label of each tree of the batch. */
  predict(batch: TreeBatch): Int32Array {
    this.runForward(this.schedule(batch));
    return this.predictionsOfLastForward();
  }

  /** The most likely label of each tree of the last forward pass (argmax of its logits). */
  predictionsOfLastForward(): Int32Array {
    const logits = this.lastLogits();
    const C = this.config.classes;
    const out = new Int32Array(logits.length / C);
    for (let b = 0; b < out.length; b++) {
      let best = 0;
      for (let k = 1; k < C; k++) if (logits[b * C + k]! > logits[b * C + best]!) best = k;
      out[b] = best;
    }
    return out;
  }

  private runForward(ws: Workspace): void {
    const { H, gates, h, x, nL, levels, levelStart } = ws;
    const { vocabSize: V, classes: C } = this.config;
    const G = this.cell.gates;
    const GH = G * H;
    const wIh = this.weightIh.value;
    const wHh = this.weightHh.value;
    const wHhT = this.weightHhT;
    for (let k = 0; k < GH; k++) for (let j = 0; j < 2 * H; j++) wHhT[j * GH + k] = wHh[k * 2 * H + j]!;
    const bias = this.bias.value;
    // gates[r] = W_ih[:, token[r]] + b   (the one-hot input's product: a column gather)
    for (let r = 0; r < ws.N; r++) {
      const tok = ws.tokenOfRow[r]!;
      for (let k = 0; k < GH; k++) gates[r * GH + k] = wIh[k * V + tok]! + bias[k]!;
    }
    this.cell.forward(ws, 0, nL);
    for (let d = 1; d < levels; d++) {
      const r0 = levelStart[d]!;
      const r1 = levelStart[d + 1]!;
      // x[r] = [h_l; h_r]
      for (let r = r0; r < r1; r++) {
        const xo = (r - nL) * 2 * H;
        x.set(h.subarray(ws.left[r]! * H, ws.left[r]! * H + H), xo);
        x.set(h.subarray(ws.right[r]! * H, ws.right[r]! * H + H), xo + H);
      }
      // gates[r0:r1] += x[r0:r1] · W_hhᵀ   ([n,2H]·[2H,G·H])
      this.kernels.gemm(
        false,
        true,
        r1 - r0,
        GH,
        2 * H,
        1,
        x,
        (r0 - nL) * 2 * H,
        2 * H,
        wHh,
        0,
        2 * H,
        1,
        gates,
        r0 * GH,
        GH,
      );
      this.cell.forward(ws, r0, r1);
    }
    // logits = h[roots] · W_cᵀ + b_c   ([B,H]·[H,C])
    for (let b = 0; b < ws.B; b++) ws.roots.set(h.subarray(ws.rootRow[b]! * H, ws.rootRow[b]! * H + H), b * H);
    this.kernels.gemm(
      false,
      true,
      ws.B,
      C,
      H,
      1,
      ws.roots,
      0,
      H,
      this.classifierWeight.value,
      0,
      H,
      0,
      ws.logits,
      0,
      C,
    );
    const cb = this.classifierBias.value;
    for (let b = 0; b < ws.B; b++) for (let k = 0; k < C; k++) ws.logits[b * C + k] = ws.logits[b * C + k]! + cb[k]!;
    this.hasForward = true;
  }

  /** Mean cross-entropy over labelled trees; dLogits = ∂loss/∂logits. */
  private loss(ws: Workspace): number {
    let labelled = 0;
    for (let b = 0; b < ws.B; b++) if (ws.labels[b]! >= 0) labelled++;
    const scale = labelled > 0 ? 1 / labelled : 0;
    const C = this.config.classes;
    const sum = this.kernels.softmaxCrossEntropy(ws.B, C, ws.logits, 0, ws.labels, 0, scale, ws.dLogits, 0);
    return sum * scale;
  }

  private runBackward(ws: Workspace): void {
    const { H, nL, levels, levelStart, dh, dc, dz, dx, x } = ws;
    const { vocabSize: V, classes: C } = this.config;
    const GH = this.cell.gates * H;
    const B = ws.B;
    dh.fill(0, 0, ws.N * H);
    if (this.cell.carriesCellState) dc.fill(0, 0, ws.N * H);
    // dW_c = dLogitsᵀ · h[roots]   ([C,B]·[B,H]);  db_c = Σ_b dLogits
    this.kernels.gemm(true, false, C, H, B, 1, ws.dLogits, 0, C, ws.roots, 0, H, 0, this.classifierWeight.grad, 0, H);
    columnSums(B, C, ws.dLogits, this.classifierBias.grad);
    // dh[roots] += dLogits · W_c   ([B,C]·[C,H])
    this.kernels.gemm(
      false,
      false,
      B,
      H,
      C,
      1,
      ws.dLogits,
      0,
      C,
      this.classifierWeight.value,
      0,
      H,
      0,
      ws.dRoots,
      0,
      H,
    );
    for (let b = 0; b < B; b++) addInto(dh, ws.rootRow[b]! * H, ws.dRoots, b * H, H);

    const wHh = this.weightHh.value;
    for (let d = levels - 1; d >= 1; d--) {
      const r0 = levelStart[d]!;
      const r1 = levelStart[d + 1]!;
      this.cell.backward(ws, r0, r1);
      // [dh_l; dh_r] = dz · W_hh   ([n,G·H]·[G·H,2H]), scattered to the children's rows
      this.kernels.gemm(false, false, r1 - r0, 2 * H, GH, 1, dz, r0 * GH, GH, wHh, 0, 2 * H, 0, dx, 0, 2 * H);
      for (let r = r0; r < r1; r++) {
        addInto(dh, ws.left[r]! * H, dx, (r - r0) * 2 * H, H);
        addInto(dh, ws.right[r]! * H, dx, (r - r0) * 2 * H + H, H);
      }
    }
    this.cell.backward(ws, 0, nL);

    // dW_hh = dz[inner]ᵀ · x   ([G·H, N−nL]·[N−nL, 2H]); leaves have x = 0 and add nothing
    const inner = ws.N - nL;
    if (inner > 0)
      this.kernels.gemm(
        true,
        false,
        GH,
        2 * H,
        inner,
        1,
        dz,
        nL * GH,
        GH,
        x,
        0,
        2 * H,
        0,
        this.weightHh.grad,
        0,
        2 * H,
      );
    else this.weightHh.grad.fill(0);
    // dW_ih[:, token[r]] += dz[r];  db = Σ_r dz[r]
    const gIh = this.weightIh.grad;
    gIh.fill(0);
    for (let r = 0; r < ws.N; r++) {
      const tok = ws.tokenOfRow[r]!;
      for (let k = 0; k < GH; k++) gIh[k * V + tok] = gIh[k * V + tok]! + dz[r * GH + k]!;
    }
    columnSums(ws.N, GH, dz, this.bias.grad);
  }

  /** Validates the batch, computes each node's level, orders rows by level, and sizes the buffers. */
  private schedule(batch: TreeBatch): Workspace {
    const { tokens, left, right, roots, labels } = batch;
    const N = tokens.length;
    const B = roots.length;
    const where = 'TreeModel.forward';
    if (left.length !== N || right.length !== N)
      throw new RangeError(
        `${where}: left and right must have one entry per node (${N}), got ${left.length} and ${right.length}`,
      );
    if (labels.length !== B)
      throw new RangeError(`${where}: labels must have one entry per root (${B}), got ${labels.length}`);
    if (B === 0) throw new RangeError(`${where}: a batch must hold at least one tree, got 0`);
    const { vocabSize: V, classes: C } = this.config;
    const level = new Int32Array(N);
    let levels = 1;
    for (let n = 0; n < N; n++) {
      const t = tokens[n]!;
      if (!(t >= 0 && t < V)) throw new RangeError(`${where}: token ids must be in [0, ${V}), got ${t} at node ${n}`);
      const l = left[n]!;
      const r = right[n]!;
      if (l < 0 && r < 0) continue;
      if (!(l >= 0 && l < n && r >= 0 && r < n))
        throw new RangeError(
          `${where}: a node's children must both be earlier nodes or both −1, got ${l} and ${r} at node ${n}`,
        );
      level[n] = 1 + Math.max(level[l]!, level[r]!);
      if (level[n]! + 1 > levels) levels = level[n]! + 1;
    }
    for (let b = 0; b < B; b++) {
      const root = roots[b]!;
      if (!(root >= 0 && root < N)) throw new RangeError(`${where}: roots must be nodes in [0, ${N}), got ${root}`);
      const y = labels[b]!;
      if (!(y >= -1 && y < C))
        throw new RangeError(`${where}: labels must be in [0, ${C}) or −1, got ${y} for tree ${b}`);
    }
    // Counting sort by level: rows of a level contiguous, nodes in batch order within it.
    const levelStart = new Int32Array(levels + 1);
    for (let n = 0; n < N; n++) levelStart[level[n]! + 1]!++;
    for (let d = 0; d < levels; d++) levelStart[d + 1]! += levelStart[d]!;
    const fill = levelStart.slice(0, levels);
    const rowOf = new Int32Array(N);
    for (let n = 0; n < N; n++) rowOf[n] = fill[level[n]!]!++;
    const ws = this.workspace(N, B, levelStart[1]!);
    for (let n = 0; n < N; n++) {
      const row = rowOf[n]!;
      ws.tokenOfRow[row] = tokens[n]!;
      ws.left[row] = left[n]! < 0 ? -1 : rowOf[left[n]!]!;
      ws.right[row] = right[n]! < 0 ? -1 : rowOf[right[n]!]!;
    }
    for (let b = 0; b < B; b++) {
      ws.rootRow[b] = rowOf[roots[b]!]!;
      ws.labels[b] = labels[b]!;
    }
    ws.levels = levels;
    ws.levelStart = levelStart;
    this.hasForward = false;
    return ws;
  }

  /**
   * Buffers for N nodes: the current ones when they hold N rows, else new ones of at least twice the
   * rows. Every size is a function of the row capacity alone (B ≤ N trees, a level ≤ N rows), so
   * growth is geometric and bounded by the largest batch — a kernel backend's memory (wasm) is never freed.
   */
  private workspace(N: number, B: number, nL: number): Workspace {
    const old = this.ws;
    if (old === null || old.tokenOfRow.length < N)
      this.ws = this.allocate(Math.max(N, 2 * (old?.tokenOfRow.length ?? 0)));
    const ws = this.ws!;
    ws.N = N;
    ws.B = B;
    ws.nL = nL;
    return ws;
  }

  private allocate(capacity: number): Workspace {
    const { hiddenSize: H, classes: C, dtype } = this.config;
    const GH = this.cell.gates * H;
    // The kernels' memory (a wasm backend's own), so gemm reads it in place.
    const alloc = (n: number): FloatArray => this.kernels.alloc(dtype, n);
    const cellState = this.cell.carriesCellState ? capacity * H : 0;
    return {
      H,
      N: 0,
      B: 0,
      nL: 0,
      levels: 0,
      levelStart: new Int32Array(1),
      left: new Int32Array(capacity),
      right: new Int32Array(capacity),
      tokenOfRow: new Int32Array(capacity),
      rootRow: new Int32Array(capacity),
      labels: new Int32Array(capacity),
      gates: alloc(capacity * GH),
      h: alloc(capacity * H),
      c: alloc(cellState),
      tanhC: alloc(cellState),
      dh: alloc(capacity * H),
      dc: alloc(cellState),
      dz: alloc(capacity * GH),
      x: alloc(capacity * 2 * H),
      dx: alloc(capacity * 2 * H),
      roots: alloc(capacity * H),
      dRoots: alloc(capacity * H),
      logits: alloc(capacity * C),
      dLogits: alloc(capacity * C),
    };
  }
}

export function validateTreeModelConfig(config: TreeModelConfig): void {
  const where = 'TreeModelConfig';
  if (!isTreeCellName(config.cell))
    throw new RangeError(
      `${where}: cell must be one of ${TREE_CELL_NAMES.join(', ')}, got ${JSON.stringify(config.cell)}`,
    );
  for (const key of ['vocabSize', 'hiddenSize', 'classes'] as const) {
    const n = config[key];
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${where}: ${key} must be a positive integer, got ${n}`);
  }
  if (config.dtype !== 'f32' && config.dtype !== 'f64')
    throw new RangeError(`${where}: dtype must be f32 or f64, got ${JSON.stringify(config.dtype)}`);
}

function addInto(dst: FloatArray, dstOff: number, src: FloatArray, srcOff: number, n: number): void {
  for (let j = 0; j < n; j++) dst[dstOff + j] = dst[dstOff + j]! + src[srcOff + j]!;
}

/** out[j] = Σ_r m[r, j] over a dense [rows, cols] matrix. */
function columnSums(rows: number, cols: number, m: FloatArray, out: FloatArray): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[j] = out[j]! + m[r * cols + j]!;
}
