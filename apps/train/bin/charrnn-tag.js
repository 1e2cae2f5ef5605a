#!/usr/bin/env node
// charrnn-tag's launcher. npm links bins while installing, before the `prepare` step has built
// ../dist/, so the link target must be this committed file; it only loads the built bundle.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/tag.js', import.meta.url);
if (!existsSync(bundle)) {
  console.error(
    'charrnn-tag: error: apps/train/dist/tag.js is not built yet; run `npm run build` in the charrnn checkout',
  );
  process.exit(1);
}
await import(bundle.href);
