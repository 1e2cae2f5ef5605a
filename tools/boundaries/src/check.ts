// The boundary rules, applied to a workspace described as data (projects, their declared
// dependencies, and the imports of each source file). Reading the real workspace is
// workspace.ts's job; keeping the rules pure lets the tests break each one on purpose.

import { NODE_ONLY } from './layers.js';

export interface SourceFile {
  /** Path relative to the workspace root, for messages. */
  readonly path: string;
  /** Test or build support (specs, test-* helpers, configs, scripts): may use devDependencies. */
  readonly dev: boolean;
  /** Module specifiers as written (`@charrnn/tensor`, `./x.js`, `node:fs`, `csv-parse/sync`). */
  readonly imports: readonly string[];
  /** The specifiers among imports that only `import type`/`export type` name: erased, nothing loads at run time. */
  readonly typeOnly?: readonly string[];
}

export interface Project {
  readonly name: string;
  readonly layer: number | undefined;
  /** True for projects under apps/ and tools/, which may use Node freely. */
  readonly topLevel: boolean;
  readonly dependencies: ReadonlySet<string>;
  readonly devDependencies: ReadonlySet<string>;
  readonly files: readonly SourceFile[];
}

export interface Workspace {
  readonly projects: readonly Project[];
  /** The root package.json's devDependencies (vitest, fast-check…): available to every dev file. */
  readonly rootDevDependencies: ReadonlySet<string>;
}

/** The package an import names, or undefined for relative paths and Node built-ins. */
export function packageOf(specifier: string, isBuiltin: (name: string) => boolean): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True for modules named as tests or test helpers (`x.spec.ts`, `test-io.ts`, `spec-helpers.ts`, `vitest.config.ts`). */
export function isTestModule(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /\.spec\.[cm]?[jt]s$/.test(base) || /^(test|spec)-/.test(base) || /^vitest\.config\./.test(base);
}

/** True for files that hold test or build support (tests, helpers, .mjs/.js scripts), not production code. */
export function isDevFile(path: string): boolean {
  return isTestModule(path) || !/\.ts$/.test(path);
}

/** Every broken rule, one line each; empty when the workspace keeps its boundaries. */
export function checkWorkspace(ws: Workspace, isBuiltin: (name: string) => boolean): string[] {
  const byName = new Map(ws.projects.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const project of ws.projects) {
    if (project.layer === undefined) {
      problems.push(`${project.name} has no layer: give it one in tools/boundaries/src/layers.ts`);
      continue;
    }
    const usedInProduction = new Set<string>();
    const usedAnywhere = new Set<string>();
    for (const file of project.files) {
      for (const specifier of file.imports) {
        if (!file.dev && specifier.startsWith('.') && isTestModule(specifier)) {
          problems.push(`${file.path} is production code but imports the test helper "${specifier}"`);
        }
        const name = packageOf(specifier, isBuiltin);
        if (name === undefined || name === project.name) continue;
        (file.dev ? usedAnywhere : usedInProduction).add(name);
        usedAnywhere.add(name);
        const typeOnly = file.typeOnly?.includes(specifier) ?? false;
        problems.push(...checkImport(project, file, name, byName.get(name), ws.rootDevDependencies, typeOnly));
      }
    }
    for (const name of project.dependencies) {
      if (!usedInProduction.has(name)) {
        problems.push(`${project.name} declares "${name}" in dependencies but no production file imports it`);
      }
    }
    for (const name of project.devDependencies) {
      if (byName.has(name) && !usedAnywhere.has(name)) {
        problems.push(`${project.name} declares "${name}" in devDependencies but no file imports it`);
      }
    }
  }
  return problems;
}

function checkImport(
  project: Project,
  file: SourceFile,
  name: string,
  target: Project | undefined,
  rootDevDependencies: ReadonlySet<string>,
  typeOnly: boolean,
): string[] {
  const problems: string[] = [];
  if (
    target !== undefined &&
    target.layer !== undefined &&
    project.layer !== undefined &&
    target.layer >= project.layer
  ) {
    problems.push(
      `${file.path} imports ${name} (layer ${target.layer}) from ${project.name} (layer ${project.layer}): ` +
        'a project may import only lower layers',
    );
  }
  if (!file.dev && !typeOnly && NODE_ONLY.has(name) && !NODE_ONLY.has(project.name) && !project.topLevel) {
    problems.push(`${file.path} imports the Node-only ${name}, but ${project.name} must run in a browser`);
  }
  const declared =
    project.dependencies.has(name) ||
    (file.dev && (project.devDependencies.has(name) || (target === undefined && rootDevDependencies.has(name))));
  if (!declared) {
    const where = file.dev ? 'dependencies or devDependencies' : 'dependencies';
    problems.push(`${file.path} imports "${name}", which ${project.name} does not declare in ${where}`);
  }
  return problems;
}
