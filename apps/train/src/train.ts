import { main } from '@charrnn/cli';
import { trainCommand } from './train-command.js';

main('charrnn-train', trainCommand);
