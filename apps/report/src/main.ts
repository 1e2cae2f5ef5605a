import { main } from '@charrnn/cli';
import { reportCommand } from './report-command.js';

main('charrnn-report', reportCommand);
