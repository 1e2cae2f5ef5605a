#!/usr/bin/env node
// charrnn-worker: a committed launcher (npm links bins before the build); the command is the bundle.
import '../dist/charrnn-worker.js';
