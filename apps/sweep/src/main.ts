import { mainExitingWhenDone } from './exit-when-done.js';
import { sweepCommand } from './sweep-command.js';

mainExitingWhenDone('charrnn-sweep', sweepCommand);
