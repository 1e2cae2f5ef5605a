// The static server of `npm run web` as a real process, sent hostile requests byte for byte (a raw
// socket, so nothing normalises the path on the way): malformed escapes, other methods, traversal
// in every spelling, symbolic links out of the served folder. It must answer each and keep serving.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const serverScript = join(dirname(fileURLToPath(import.meta.url)), '../server.mjs');

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends `METHOD target HTTP/1.1` exactly as given and reads the whole answer. */
function rawRequest(port: number, method: string, target: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}

describe('npm run web: the server process under hostile requests', () => {
  let work: string;
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'charrnn-web-server-'));
    const root = join(work, 'dist');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(work, 'outside'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(work, 'secret.txt'), 'SECRET');
    writeFileSync(join(work, 'outside/other.txt'), 'SECRET TOO');
    symlinkSync(join(work, 'secret.txt'), join(root, 'leak.txt'));
    symlinkSync('../secret.txt', join(root, 'relative-leak.txt'));
    symlinkSync(join(work, 'outside'), join(root, 'linked-dir'));
    symlinkSync('index.html', join(root, 'inner.html'));
    server = spawn(process.execPath, [serverScript, '--port', '0', '--root', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out);
      });
      server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
    port = Number(/127\.0\.0\.1:(\d+)\//.exec(line)![1]);
  }, 20_000);

  afterAll(() => {
    server?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('serves the page', async () => {
    const answer = await rawRequest(port, 'GET', '/');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<title>page</title>');
    expect(answer.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it.each(['/%', '/%E0%A4%A', '/%zz', '/index.html%', '/%C0%AF'])(
    'answers 400 to the malformed escape %s and keeps serving',
    async (target) => {
      const answer = await rawRequest(port, 'GET', target);
      expect(answer.status).toBe(400);
      expect(answer.body).toBe('bad request: the path has a malformed percent-escape\n');
      expect((await rawRequest(port, 'GET', '/index.html')).status).toBe(200);
      expect(server.exitCode).toBe(null);
    },
  );

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE'])('answers 405 with Allow to %s', async (method) => {
    const answer = await rawRequest(port, method, '/');
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD');
  });

  it('answers HEAD with the headers and no body', async () => {
    const answer = await rawRequest(port, 'HEAD', '/index.html');
    expect(answer.status).toBe(200);
    expect(Number(answer.headers['content-length'])).toBeGreaterThan(0);
    expect(answer.body).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/sub/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/index.html%00.txt',
  ])('refuses the traversal %s with 400', async (target) => {
    const answer = await rawRequest(port, 'GET', target);
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('SECRET');
  });

  it.each(['/leak.txt', '/relative-leak.txt', '/linked-dir/other.txt', '/sub', '/missing.js', '/sub/'])(
    'does not send %s (a link out of the folder, a directory, nothing): 404',
    async (target) => {
      const answer = await rawRequest(port, 'GET', target);
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain('SECRET');
    },
  );

  it('follows a symbolic link that stays inside the folder', async () => {
    const answer = await rawRequest(port, 'GET', '/inner.html');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('answers a request line that is not HTTP with 400 and keeps serving', async () => {
    const answer = await rawRequest(port, 'GET', 'no-slash');
    expect(answer.status).toBe(400);
    expect((await rawRequest(port, 'GET', '/')).status).toBe(200);
    expect(server.exitCode).toBe(null);
  });
});
