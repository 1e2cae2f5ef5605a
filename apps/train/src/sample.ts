import { main } from '@charrnn/cli';
import { sampleCommand } from './sample-command.js';

main('charrnn-sample', sampleCommand);
