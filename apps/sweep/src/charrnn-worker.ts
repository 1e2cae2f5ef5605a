import { mainExitingWhenDone } from './exit-when-done.js';
import { workerCommand } from './worker-command.js';

mainExitingWhenDone('charrnn-worker', workerCommand);
