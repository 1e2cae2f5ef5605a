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

function readProject(root: string, dir: string): Project {
  const json = readJson(join(dir, 'package.json'));
  const name = json.name ?? relative(root, dir);
  const topLevel = /^(apps|tools)\//.test(relative(root, dir));
  const files: SourceFile[] = sourceFiles(dir).map((path) => ({
    path: relative(root, path),
    dev: isDevFile(path) || !relative(dir, path).startsWith('src/'),
    imports: importsOf(readFileSync(path, 'utf8')),
  }));
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
