import { main } from '@charrnn/cli';
import { gradcheckCommand } from './gradcheck-command.js';

main('charrnn-gradcheck', gradcheckCommand);
