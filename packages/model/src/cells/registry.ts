// Which implementation serves each cell name. A new cell is one file beside rnn.ts plus a line here;
// the gradient checker and every app pick it up through CELL_NAMES.

import type { CellName } from '../config.js';
import type { Cell } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

const CELLS: Record<CellName, Cell> = { rnn: rnnCell, lstm: lstmCell, gru: gruCell };

export function cellFor(name: CellName): Cell {
  const cell = CELLS[name];
  if (!cell) throw new RangeError(`cellFor: cell must be one of ${Object.keys(CELLS).join(', ')}, got "${name}"`);
  return cell;
}
