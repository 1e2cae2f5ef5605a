#!/usr/bin/env node
// A small static server for the built page (apps/web/dist): it sends the cross-origin isolation
// headers (COOP/COEP) that let the training worker use two threads, binds to 127.0.0.1 only, and
// prints the URL. `npm run web` builds and starts it; tests import startServer().
// Usage: node apps/web/server.mjs [--port N]   (default 8080, or the PORT environment variable)

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = join(dirname(fileURLToPath(import.meta.url)), 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
};

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves `root` on 127.0.0.1:`port` (0: any free port). Resolves once listening, with the URL and a
 * close function. `isolate: false` leaves out the COOP/COEP headers (to test the one-thread path).
 */
export function startServer({ root = DIST, port = 8080, isolate = true } = {}) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const headers = {
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(isolate ? ISOLATION_HEADERS : {}),
    };
    let size;
    try {
      if (!file.startsWith(root + sep) && file !== root) throw new Error('outside');
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
      return;
    }
    response.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${address.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function parsePort(argv) {
  const index = argv.indexOf('--port');
  const raw = index >= 0 ? argv[index + 1] : (process.env.PORT ?? '8080');
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`charrnn-web: error: --port must be an integer in [0, 65535], got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return port;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  try {
    statSync(join(DIST, 'index.html'));
  } catch {
    process.stderr.write(
      'charrnn-web: error: apps/web/dist/index.html is missing\nhint: build it first: npm run build (or use npm run web, which builds and serves)\n',
    );
    process.exit(2);
  }
  const port = parsePort(process.argv.slice(2));
  startServer({ port }).then(
    ({ url }) => process.stdout.write(`charrnn web page: ${url}  (serving ${DIST}; Ctrl-C stops)\n`),
    (error) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? `\nhint: port ${port} is taken; try --port ${port + 1} (npm run web -- --port ${port + 1})`
          : '';
      process.stderr.write(`charrnn-web: error: cannot listen on 127.0.0.1:${port}: ${error.message}${hint}\n`);
      process.exit(1);
    },
  );
  process.on('SIGINT', () => process.exit(130));
}
