import { main } from '@charrnn/cli';
import { tagCommand } from './tag-command.js';

// The one place charrnn-tag touches process: its stdin is the text to restore.
main('charrnn-tag', (io) => tagCommand(io, process.stdin));
