// Reads the real workspace: the projects the root package.json's "workspaces" name, their
// declared dependencies, and the imports of every source file, as TypeScript's own
// pre-processor finds them (static, dynamic, type-only and re-exports alike).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { isDevFile, type Project, type SourceFile, type Workspace } from './check.js';
import { PACKAGE_LAYERS, TOP_LAYER } from './layers.js';

const SOURCE = /\.(ts|mts|js|mjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', '.nx']);

interface PackageJson {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readWorkspace(root: string): Workspace {
  const rootJson = readJson(join(root, 'package.json'));
  const dirs = (rootJson.workspaces ?? []).flatMap((pattern) => expand(root, pattern));
  return {
    projects: dirs.map((dir) => readProject(root, dir)),
    rootDevDependencies: new Set(Object.keys(rootJson.devDependencies ?? {})),
  };
}

/** The imports one file's text makes, as written. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The specifiers that only type-only declarations name (`import type`, `import { type A }`, `export type … from`). */
export function typeOnlyImportsOf(text: string): string[] {
  const runtime = new Set<string>();
  const types = new Set<string>();
  const statics = new Map<string, number>();
  for (const statement of ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022).statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const specifier = statement.moduleSpecifier.text;
      (isTypeOnly(statement) ? types : runtime).add(specifier);
      statics.set(specifier, (statics.get(specifier) ?? 0) + 1);
    }
  }
  // A dynamic import() or require() is found only by the pre-processor: a specifier it lists more
  // often than the static declarations do is also loaded at run time.
  const all = new Map<string, number>();
  for (const specifier of importsOf(text)) all.set(specifier, (all.get(specifier) ?? 0) + 1);
  for (const [specifier, count] of all) if (count > (statics.get(specifier) ?? 0)) runtime.add(specifier);
  return [...types].filter((specifier) => !runtime.has(specifier));
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    return (
      statement.isTypeOnly ||
      (clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((e) => e.isTypeOnly))
    );
  }
  const clause = statement.importClause;
  if (!clause) return false; // a bare import runs the module
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function readProject(root: string, dir: string): Project {
  const json = readJson(join(dir, 'package.json'));
  const name = json.name ?? relative(root, dir);
  const topLevel = /^(apps|tools)\//.test(relative(root, dir));
  const files: SourceFile[] = sourceFiles(dir).map((path) => {
    const text = readFileSync(path, 'utf8');
    return {
      path: relative(root, path),
      dev: isDevFile(path) || !relative(dir, path).startsWith('src/'),
      imports: importsOf(text),
      typeOnly: typeOnlyImportsOf(text),
    };
  });
  return {
    name,
    layer: topLevel ? TOP_LAYER : PACKAGE_LAYERS[name],
    topLevel,
    dependencies: new Set(Object.keys(json.dependencies ?? {})),
    devDependencies: new Set(Object.keys(json.devDependencies ?? {})),
    files,
  };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return SKIPPED_DIRS.has(entry) ? [] : sourceFiles(path);
    return SOURCE.test(entry) ? [path] : [];
  });
}

/** "packages/*" → every directory in packages/ with a package.json; a plain path → itself. */
function expand(root: string, pattern: string): string[] {
  if (!pattern.endsWith('/*')) return [join(root, pattern)];
  const parent = join(root, pattern.slice(0, -2));
  return readdirSync(parent)
    .map((entry) => join(parent, entry))
    .filter((dir) => statSync(dir).isDirectory() && fileExists(join(dir, 'package.json')));
}

function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}
