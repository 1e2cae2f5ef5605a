// charrnn-tree: one command, three subcommands — train, eval, generate — for the recursive tree
// models. Each subcommand is its own module (flags → run); this file only dispatches.

import { EXIT_OK, UsageError, type CommandIo } from '@charrnn/cli';
import { evalCommand } from './eval-command.js';
import { generateCommand } from './generate-command.js';
import { trainCommand } from './train-command.js';

const SUBCOMMANDS = { train: trainCommand, eval: evalCommand, generate: generateCommand } as const;

const HELP = `usage: charrnn-tree <train|eval|generate> [options]

Recursive neural networks over binary trees: a tree-rnn (Socher: h = tanh(W_ih x + W_hh [h_l; h_r] + b))
or a binary Tree-LSTM (Tai et al. 2015), with a classifier on the root. Trees are s-expressions, one per
line as label<TAB>tree, e.g. "4<TAB>(+ (* 3 4) 2)".

  train      train on the generated arithmetic task (--task arithmetic) or on tree files (--data FILE)
  eval       accuracy and loss of a checkpoint on a tree file (--predict prints each prediction)
  generate   write arithmetic expression trees labelled with their value mod 10

Run charrnn-tree <subcommand> --help for its options.
`;

export async function treeCommand(io: CommandIo): Promise<number> {
  const [name, ...rest] = io.argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const sub = SUBCOMMANDS[name as keyof typeof SUBCOMMANDS];
  if (!sub || !Object.hasOwn(SUBCOMMANDS, name))
    throw new UsageError(
      `unknown subcommand ${JSON.stringify(name)}`,
      'use one of: train, eval, generate (see --help)',
    );
  return sub({ ...io, argv: rest });
}
