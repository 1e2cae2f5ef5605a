import { main } from '@charrnn/cli';
import { sweepCommand } from './sweep-command.js';

main('charrnn-sweep', sweepCommand);
