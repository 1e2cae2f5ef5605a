// The version every command prints for --version. tools/build-app.mjs bakes the app's package.json
// version into the bundle (esbuild `define`); unbundled, in tests, it reads "dev".

declare const __CHARRNN_VERSION__: string | undefined;

export function appVersion(): string {
  return typeof __CHARRNN_VERSION__ === 'string' ? __CHARRNN_VERSION__ : 'dev';
}

/** True when argv asks for the version: `--version` anywhere before a `--` separator. */
export function asksForVersion(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--version');
}
