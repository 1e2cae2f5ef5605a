// Which implementation serves each cell name. A new cell is one file beside rnn.ts plus a line in
// BUILT_IN below; a cell from elsewhere (a test, an experiment) calls registerCell and is then
// accepted everywhere a built-in is: configs and flags (CELL_NAMES), models, checkpoints, the
// gradient checker.

import type { CellName, InitName } from '../config.js';
import type { Cell } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

const BUILT_IN: readonly Cell[] = [rnnCell, lstmCell, gruCell];

const cells = new Map<CellName, Cell>(BUILT_IN.map((cell) => [cell.name, cell]));
const names: CellName[] = BUILT_IN.map((cell) => cell.name);

/**
 * The registered cell names, built-ins first. A live list: registerCell appends to it, so tables
 * that hold it (flag and config rules) accept a registered cell without being rebuilt.
 */
export const CELL_NAMES: readonly CellName[] = names;

/** Makes a cell available by its name; throws if another cell already has the name. */
export function registerCell(cell: Cell): void {
  const existing = cells.get(cell.name);
  if (existing === cell) return;
  if (existing) throw new RangeError(`registerCell: name must be new, got "${cell.name}" (already registered)`);
  if (!Number.isInteger(cell.gates) || cell.gates < 1)
    throw new RangeError(`registerCell: gates must be a positive integer, got ${cell.gates}`);
  cells.set(cell.name, cell);
  names.push(cell.name);
}

export function isCellName(value: unknown): value is CellName {
  return typeof value === 'string' && cells.has(value);
}

export function cellFor(name: CellName): Cell {
  const cell = cells.get(name);
  if (!cell) throw new RangeError(`cellFor: cell must be one of ${names.join(', ')}, got "${name}"`);
  return cell;
}

/** The one registered cell with G gates per unit (how a checkpoint without metadata is read), or undefined when none or several have it. */
export function cellForGateCount(gates: number): Cell | undefined {
  const matches = [...cells.values()].filter((cell) => cell.gates === gates);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Rows of weight_ih/weight_hh per hidden unit. */
export function gateCount(cell: CellName): number {
  return cellFor(cell).gates;
}

/** The initialization a cell gets by default (the seed's for the vanilla RNN, PyTorch's for the gated cells). */
export function defaultInit(cell: CellName): InitName {
  return cellFor(cell).defaultInit;
}
