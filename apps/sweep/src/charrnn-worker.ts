import { main } from '@charrnn/cli';
import { workerCommand } from './worker-command.js';

main('charrnn-worker', workerCommand);
