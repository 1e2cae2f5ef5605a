import { main } from '@charrnn/cli';
import { evalCommand } from './eval-command.js';

main('charrnn-eval', evalCommand);
