#!/usr/bin/env node
// A small static server for the built page (apps/web/dist): it sends the cross-origin isolation
// headers (COOP/COEP) that let the training worker use two threads, binds to 127.0.0.1 only, and
// prints the URL. `npm run web` builds and starts it; tests import startServer().
// Any page the user has open can send it requests, so a request is untrusted: a malformed escape
// gets 400, a method other than GET/HEAD 405, and only regular files whose real path (symbolic
// links resolved) lies inside the served folder are sent; no request can stop the server.
// Usage: node apps/web/server.mjs [--port N] [--root DIR]   (port 8080 or PORT; root apps/web/dist)

import { closeSync, createReadStream, fstatSync, openSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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

const ALLOWED_METHODS = 'GET, HEAD';

/** A request that is answered with an error status and a one-line body. */
class Refusal extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The path a request names, decoded, relative to the served folder; throws a Refusal for a
 * malformed escape and for anything that could step outside it (a `..` segment, however encoded;
 * a backslash, which some systems read as a separator; a NUL, which ends a path in C).
 */
export function requestPath(rawUrl) {
  // Only the path: a query or fragment is not part of the file name.
  const raw = (rawUrl ?? '/').split(/[?#]/, 1)[0];
  if (!raw.startsWith('/')) throw new Refusal(400, 'bad request: the path must start with /');
  let path;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw new Refusal(400, 'bad request: the path has a malformed percent-escape');
  }
  if (/[\\\0]/.test(path)) throw new Refusal(400, 'bad request: the path has a backslash or a NUL');
  if (path.split('/').some((segment) => segment === '..'))
    throw new Refusal(400, 'bad request: the path has a ".." segment');
  return path.endsWith('/') ? `${path}index.html` : path;
}

/** An open regular file inside `realRoot` (symbolic links resolved), or a 404 Refusal. */
function openInside(realRoot, path) {
  const notFound = new Refusal(404, 'not found');
  let real;
  try {
    real = realpathSync(normalize(join(realRoot, path)));
  } catch {
    throw notFound;
  }
  if (!real.startsWith(realRoot + sep)) throw notFound;
  let fd;
  try {
    fd = openSync(real, 'r');
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notFound;
    return { fd, size: stats.size, real };
  } catch {
    if (fd !== undefined) closeSync(fd);
    throw notFound;
  }
}

/**
 * Serves `root` on 127.0.0.1:`port` (0: any free port). Resolves once listening, with the URL and a
 * close function. `isolate: false` leaves out the COOP/COEP headers (to test the one-thread path).
 */
export function startServer({ root = DIST, port = 8080, isolate = true } = {}) {
  const realRoot = realpathSync(resolve(root));
  const server = createServer((request, response) => {
    const headers = {
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(isolate ? ISOLATION_HEADERS : {}),
    };
    let file;
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        throw new Refusal(405, 'method not allowed: this server answers GET and HEAD only', {
          Allow: ALLOWED_METHODS,
        });
      file = openInside(realRoot, requestPath(request.url));
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(500, 'internal error');
      const body = `${refusal.message}\n`;
      response.writeHead(refusal.status, {
        ...headers,
        ...refusal.headers,
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    response.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file.real)] ?? 'application/octet-stream',
      'Content-Length': file.size,
    });
    if (request.method === 'HEAD') {
      closeSync(file.fd);
      response.end();
      return;
    }
    createReadStream('', { fd: file.fd })
      .on('error', () => response.destroy())
      .pipe(response);
  });
  // A connection that sends garbage gets Node's own 400; a reset one must not take the server down.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${address.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function usage(message, hint) {
  process.stderr.write(`charrnn-web: error: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
  process.exit(2);
}

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' }, root: { type: 'string' } } }));
  } catch (error) {
    usage(error.message, 'usage: node apps/web/server.mjs [--port N] [--root DIR]');
  }
  const raw = values.port ?? process.env.PORT ?? '8080';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) usage(`--port must be an integer in [0, 65535], got ${JSON.stringify(raw)}`);
  const root = values.root ?? DIST;
  if (!statSync(join(root, 'index.html'), { throwIfNoEntry: false })?.isFile()) {
    if (values.root === undefined)
      usage(
        'apps/web/dist/index.html is missing',
        'build it first: npm run build (or use npm run web, which builds and serves)',
      );
    usage(`--root ${JSON.stringify(root)} has no index.html`, 'serve the folder the page was built into');
  }
  return { port, root };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(resolve(process.argv[1]))) {
  const { port, root } = parseCommandLine(process.argv.slice(2));
  startServer({ port, root }).then(
    ({ url }) => process.stdout.write(`charrnn web page: ${url}  (serving ${root}; Ctrl-C stops)\n`),
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
