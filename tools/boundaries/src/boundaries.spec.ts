import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkWorkspace, packageOf, type Project, type Workspace } from './check.js';
import { importsOf, readWorkspace, typeOnlyImportsOf } from './workspace.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the real workspace', () => {
  it('keeps its layers and declares exactly what it imports', () => {
    expect(checkWorkspace(readWorkspace(ROOT), isBuiltin)).toEqual([]);
  });

  it('finds the projects and their imports (the check is not vacuous)', () => {
    const ws = readWorkspace(ROOT);
    const names = ws.projects.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['@charrnn/tensor', '@charrnn/train', '@charrnn/cli', '@charrnn/app-train']),
    );
    const train = ws.projects.find((p) => p.name === '@charrnn/train')!;
    const imported = new Set(train.files.flatMap((f) => f.imports));
    expect(imported).toContain('@charrnn/model');
    expect(train.files.some((f) => f.dev)).toBe(true);
    expect(train.files.some((f) => !f.dev)).toBe(true);
  });
});

describe('importsOf', () => {
  it('sees static, type-only, re-exported and dynamic imports', () => {
    const text = [
      "import { a } from '@charrnn/tensor';",
      "import type { B } from '@charrnn/model';",
      "export { c } from './c.js';",
      "const d = await import('@charrnn/native');",
    ].join('\n');
    expect(importsOf(text)).toEqual(['@charrnn/tensor', '@charrnn/model', './c.js', '@charrnn/native']);
  });
});

describe('typeOnlyImportsOf', () => {
  it('names the specifiers only types come from', () => {
    const text = [
      "import type { A } from 'a';",
      "import { type B } from 'b';",
      "import { type C, d } from 'c';",
      "export type { E } from 'e';",
      "import type { F } from 'f';",
      "const f = await import('f');",
      "import 'g';",
    ].join('\n');
    expect(typeOnlyImportsOf(text)).toEqual(['a', 'b', 'e']);
  });
});

describe('packageOf', () => {
  it('names the package of a bare or scoped specifier, and nothing for paths and built-ins', () => {
    expect(packageOf('csv-parse/sync', isBuiltin)).toBe('csv-parse');
    expect(packageOf('@charrnn/cli/testing', isBuiltin)).toBe('@charrnn/cli');
    expect(packageOf('./x.js', isBuiltin)).toBeUndefined();
    expect(packageOf('node:fs', isBuiltin)).toBeUndefined();
    expect(packageOf('fs', isBuiltin)).toBeUndefined();
  });
});

// A small workspace that keeps every rule; each negative test breaks one.
function project(name: string, layer: number | undefined, overrides: Partial<Project> = {}): Project {
  return { name, layer, topLevel: false, dependencies: new Set(), devDependencies: new Set(), files: [], ...overrides };
}

function good(): Project[] {
  return [
    project('@charrnn/tensor', 1, { files: [{ path: 'tensor/src/index.ts', dev: false, imports: ['./ops.js'] }] }),
    project('@charrnn/native', 0),
    project('@charrnn/train', 3, {
      dependencies: new Set(['@charrnn/tensor']),
      files: [
        { path: 'train/src/index.ts', dev: false, imports: ['@charrnn/tensor', 'node:fs'] },
        { path: 'train/src/index.spec.ts', dev: true, imports: ['vitest', './test-helpers.js'] },
      ],
    }),
  ];
}

function check(projects: Project[]): string[] {
  const ws: Workspace = { projects, rootDevDependencies: new Set(['vitest']) };
  return checkWorkspace(ws, isBuiltin);
}

function withFile(projects: Project[], name: string, file: Project['files'][number], extra: Partial<Project> = {}) {
  return projects.map((p) => (p.name === name ? { ...p, ...extra, files: [...p.files, file] } : p));
}

describe('checkWorkspace', () => {
  it('passes a workspace that keeps the rules', () => {
    expect(check(good())).toEqual([]);
  });

  it('fails an upward import, even one that is declared', () => {
    const upward = withFile(
      good(),
      '@charrnn/tensor',
      { path: 'tensor/src/x.ts', dev: false, imports: ['@charrnn/train'] },
      { dependencies: new Set(['@charrnn/train']) },
    );
    expect(check(upward)).toEqual([
      'tensor/src/x.ts imports @charrnn/train (layer 3) from @charrnn/tensor (layer 1): a project may import only lower layers',
    ]);
  });

  it('fails an import between projects of the same layer', () => {
    const sideways = [...good(), project('@charrnn/model', 2), project('@charrnn/optim', 2)].map((p) =>
      p.name === '@charrnn/model'
        ? {
            ...p,
            dependencies: new Set(['@charrnn/optim']),
            files: [{ path: 'model/src/m.ts', dev: false, imports: ['@charrnn/optim'] }],
          }
        : p,
    );
    expect(check(sideways)).toEqual([
      'model/src/m.ts imports @charrnn/optim (layer 2) from @charrnn/model (layer 2): a project may import only lower layers',
    ]);
  });

  it('fails an undeclared import, in production and in a test', () => {
    const undeclared = withFile(good(), '@charrnn/train', {
      path: 'train/src/y.spec.ts',
      dev: true,
      imports: ['@charrnn/native'],
    });
    expect(check(undeclared)).toEqual([
      'train/src/y.spec.ts imports "@charrnn/native", which @charrnn/train does not declare in dependencies or devDependencies',
    ]);
    const external = withFile(good(), '@charrnn/train', { path: 'train/src/z.ts', dev: false, imports: ['vitest'] });
    expect(check(external)).toEqual([
      'train/src/z.ts imports "vitest", which @charrnn/train does not declare in dependencies',
    ]);
  });

  it('fails a dependency that production code never imports, and an unused workspace devDependency', () => {
    const unused = good().map((p) =>
      p.name === '@charrnn/train'
        ? {
            ...p,
            dependencies: new Set(['@charrnn/tensor', 'csv-stringify']),
            devDependencies: new Set(['@charrnn/native']),
          }
        : p,
    );
    expect(check(unused)).toEqual([
      '@charrnn/train declares "csv-stringify" in dependencies but no production file imports it',
      '@charrnn/train declares "@charrnn/native" in devDependencies but no file imports it',
    ]);
  });

  it('fails a dependency used only by tests but declared for production', () => {
    const testOnly = good().map((p) =>
      p.name === '@charrnn/train'
        ? {
            ...p,
            dependencies: new Set(['@charrnn/tensor', '@charrnn/native']),
            files: [...p.files, { path: 'train/src/n.spec.ts', dev: true, imports: ['@charrnn/native'] }],
          }
        : p,
    );
    expect(check(testOnly)).toEqual([
      '@charrnn/train declares "@charrnn/native" in dependencies but no production file imports it',
    ]);
  });

  it('fails production code that imports a test helper', () => {
    const leak = withFile(good(), '@charrnn/train', {
      path: 'train/src/index2.ts',
      dev: false,
      imports: ['./test-io.js'],
    });
    expect(check(leak)).toEqual(['train/src/index2.ts is production code but imports the test helper "./test-io.js"']);
  });

  it('fails a browser-safe package importing a Node-only one in production', () => {
    const nodeOnly = withFile(
      good(),
      '@charrnn/tensor',
      { path: 'tensor/src/n.ts', dev: false, imports: ['@charrnn/native'] },
      { dependencies: new Set(['@charrnn/native']) },
    );
    expect(check(nodeOnly)).toEqual([
      'tensor/src/n.ts imports the Node-only @charrnn/native, but @charrnn/tensor must run in a browser',
    ]);
  });

  it('lets a browser-safe package take types (erased at build) from a Node-only one', () => {
    const types = withFile(
      good(),
      '@charrnn/tensor',
      { path: 'tensor/src/n.ts', dev: false, imports: ['@charrnn/native'], typeOnly: ['@charrnn/native'] },
      { dependencies: new Set(['@charrnn/native']) },
    );
    expect(check(types)).toEqual([]);
  });

  it('fails a package with no layer', () => {
    expect(check([...good(), project('@charrnn/queue', undefined)])).toEqual([
      '@charrnn/queue has no layer: give it one in tools/boundaries/src/layers.ts',
    ]);
  });
});
