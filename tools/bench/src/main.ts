// Entry point of `npm run bench` (bundled to tools/bench/dist/main.js).
import { main } from '@charrnn/cli';
import { benchCommand } from './bench-command.js';

main('charrnn-bench', benchCommand);
