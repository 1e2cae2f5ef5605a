import { expect, it } from 'vitest';
import { runCommand } from './main.js';
import { fakeIo } from './test-io.js';
import { appVersion, asksForVersion } from './version.js';

it('answers --version for every command, before the command parses anything', async () => {
  let ran = false;
  const io = fakeIo(['--steps', 'x', '--version']);
  const code = await runCommand(
    'charrnn-x',
    async () => {
      ran = true;
      return 1;
    },
    io,
  );
  expect(code).toBe(0);
  expect(ran).toBe(false);
  // Unbundled (in tests) the version is "dev"; tools/build-app.mjs bakes in the package.json version.
  expect(io.out()).toBe(`charrnn-x ${appVersion()}\n`);
  expect(appVersion()).toBe('dev');
});

it('takes --version only before a -- separator', () => {
  expect(asksForVersion(['--version'])).toBe(true);
  expect(asksForVersion(['a', '--', '--version'])).toBe(false);
  expect(asksForVersion(['--versions'])).toBe(false);
});
