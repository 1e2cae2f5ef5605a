import { main } from '@charrnn/cli';
import { treeCommand } from './tree-command.js';

main('charrnn-tree', treeCommand);
