// The tree run's outputs: progress lines for the terminal and the CSV log (csvRow/csvHeader, as
// charrnn-train's log; columns snake_case, trees where the char log has characters).

import { csvHeader, csvRow } from '@charrnn/report';
import type { TreeStepEvent } from '@charrnn/train';

export const TREE_LOG_COLUMNS = [
  'step',
  'trees',
  'loss',
  'smooth_loss',
  'val_loss',
  'val_acc',
  'lr',
  'grad_norm',
  'clipped_frac',
  'trees_per_s',
  'elapsed_s',
] as const;

export function treeLogHeader(): string {
  return csvHeader(TREE_LOG_COLUMNS);
}

export function treeLogRow(e: TreeStepEvent): string {
  // Same order as TREE_LOG_COLUMNS.
  return csvRow([
    e.step,
    e.trees,
    e.loss,
    e.smoothLoss,
    e.valLoss,
    e.valAccuracy,
    e.lr,
    e.gradNorm,
    e.clippedFrac,
    e.treesPerSec,
    e.elapsedSec,
  ]);
}

export function progressLine(e: TreeStepEvent): string {
  const width = String(e.totalSteps).length;
  const val =
    e.valAccuracy !== undefined ? `  held-out acc ${e.valAccuracy.toFixed(4)} loss ${e.valLoss!.toFixed(4)}` : '';
  return `step ${String(e.step).padStart(width)}/${e.totalSteps}  loss ${e.loss.toFixed(4)}  smooth ${e.smoothLoss.toFixed(4)}${val}  ${Math.round(e.treesPerSec)} trees/s  ${e.elapsedSec.toFixed(1)} s\n`;
}
