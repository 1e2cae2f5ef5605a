#!/usr/bin/env node
// Runs every shell snippet of README.md and docs/*.md as a reader would, so a stale one fails CI.
// Each Markdown file gets a fresh copy of the checkout (its tracked files, with their built outputs,
// node_modules linked) and its ```sh blocks run there in order, as one reader's terminal: `cd` and
// `export` carry from one block to the next. Directives in an HTML comment right above a block
// (`<!-- check: … -->`, invisible on GitHub) say what CI cannot do as written; docs/contributing.md
// documents them. Also checked: relative links resolve, a count of packages in prose matches the
// workspace, no snippet changes a committed file, and a program block is written somewhere and run.
//
//   node tools/check-docs.mjs                 README.md and docs/*.md (run by .ci/run)
//   node tools/check-docs.mjs FILE.md …       only these
//   node tools/check-docs.mjs --static        only what reading can find (links, counts, directives)
//   node tools/check-docs.mjs --self-test     stale snippets (tools/check-docs-fixtures/) must fail

import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  openSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHELLS = new Set(['sh', 'bash', 'shell', 'console']);
const PROGRAMS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs']);
const DEFAULT_TIMEOUT_S = 180;
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'].concat([
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
]);

// ── Reading a Markdown file ──────────────────────────────────────────────────────────────────────

/** Fenced code blocks, in order: language, body, the line of the fence (1-based), directives above it. */
export function parseBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[j]))
      body.push(lines[j++]);
    blocks.push({
      lang: open[2].toLowerCase(),
      body: body.join('\n'),
      line: i + 1,
      directives: directivesAbove(lines, i),
      closed: j < lines.length,
    });
    i = j;
  }
  return blocks;
}

/** The `<!-- check: … -->` comment that ends on the line above a fence, parsed into directives. */
function directivesAbove(lines, fenceIndex) {
  const end = fenceIndex - 1;
  if (end < 0 || !lines[end].trim().endsWith('-->')) return [];
  let start = end;
  while (start > 0 && !lines[start].includes('<!--')) start--;
  const comment = lines
    .slice(start, end + 1)
    .join('\n')
    .trim();
  const match = /^<!--\s*check:([\s\S]*)-->$/.exec(comment);
  return match ? parseDirectives(match[1]) : [];
}

/** `needs a b; replace "x" "y"; background` → [{ name: 'needs', args: ['a','b'] }, …]. */
export function parseDirectives(text) {
  const directives = [];
  let words = [];
  const re = /"((?:[^"\\]|\\.)*)"|(;)|([^\s;"]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2]) {
      if (words.length) directives.push({ name: words[0], args: words.slice(1) });
      words = [];
    } else words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[3]);
  }
  if (words.length) directives.push({ name: words[0], args: words.slice(1) });
  return directives;
}

const KNOWN = new Set(['needs', 'replace', 'background', 'ready', 'ci', 'file', 'fragment', 'setup', 'timeout']);

/** Text outside code blocks and HTML comments: what a reader reads as prose. */
function prose(text) {
  return text.replace(/^ {0,3}(`{3,}|~{3,})[\s\S]*?^ {0,3}\1\s*$/gm, '').replace(/<!--[\s\S]*?-->/g, '');
}

// ── Static checks (no execution) ─────────────────────────────────────────────────────────────────

/** Problems found by reading alone: unknown directives, undeclared ../shared data, stale counts, dead links. */
export function staticProblems(file, text, facts) {
  const problems = [];
  const where = (block) => `${file}:${block.line}`;
  const blocks = parseBlocks(text);
  for (const [index, block] of blocks.entries()) {
    if (!block.closed)
      problems.push(`${where(block)}: this code fence is never closed (the rest of the file is inside it)`);
    for (const d of block.directives)
      if (!KNOWN.has(d.name)) problems.push(`${where(block)}: unknown directive "${d.name}"`);
    const has = (name) => block.directives.some((d) => d.name === name);
    const needs = block.directives.filter((d) => d.name === 'needs').flatMap((d) => d.args);
    if (SHELLS.has(block.lang)) {
      for (const path of new Set(block.body.match(/\.\.\/shared\/[^\s'"`)]+/g) ?? [])) {
        if (!needs.includes(path))
          problems.push(
            `${where(block)}: uses ${path}, which a fresh clone does not have; mark the block <!-- check: needs ${path} -->`,
          );
      }
      // The README's examples run on a fresh clone; only its recipes section may name the shared
      // corpora they are measured on (and the PyTorch reference's interpreter).
      const foreign = needs.filter((path) => !/^\.\.\/shared\/data\//.test(path) && path !== '/usr/bin/python3');
      if (file === 'README.md' && foreign.length > 0)
        problems.push(
          `${where(block)}: README.md's examples must run on a fresh clone, needing at most the ../shared/data corpora (not ${foreign.join(', ')})`,
        );
      for (const d of block.directives.filter((d) => d.name === 'replace')) {
        if (d.args.length !== 2) problems.push(`${where(block)}: replace takes "FROM" "TO"`);
        else if (!block.body.includes(d.args[0]))
          problems.push(`${where(block)}: replace "${d.args[0]}" matches nothing in the block (stale directive)`);
      }
      if (has('ci')) {
        for (const command of commandLines(block.body))
          if (!facts.ciLines.has(command)) problems.push(`${where(block)}: "${command}" is not a step of .ci/run`);
      }
    } else if (PROGRAMS.has(block.lang)) {
      const target = block.directives.find((d) => d.name === 'file')?.args[0];
      if (!target && !has('fragment'))
        problems.push(
          `${where(block)}: a ${block.lang} block is either a program (<!-- check: file PATH -->, run by a later shell block) or <!-- check: fragment -->`,
        );
      if (target) {
        const name = basename(target).replace(/\.[cm]?[jt]s$/, '');
        const runs = blocks
          .slice(index + 1)
          .some((b) => SHELLS.has(b.lang) && new RegExp(`\\b${name}\\.[cm]?[jt]s\\b`).test(b.body));
        if (!runs)
          problems.push(
            `${where(block)}: the example program ${target} has no run line (no later shell block names ${name}.*)`,
          );
      }
    }
  }
  const read = prose(text);
  const countRe = new RegExp(
    `\\b(${NUMBER_WORDS.join('|')}|\\d+) (library |released |published |workspace )?packages\\b`,
    'gi',
  );
  for (const m of read.matchAll(countRe)) {
    const said = NUMBER_WORDS.includes(m[1].toLowerCase()) ? NUMBER_WORDS.indexOf(m[1].toLowerCase()) : Number(m[1]);
    const kind = (m[2] ?? '').trim();
    const actual = kind === 'workspace' ? facts.workspacePackages : facts.releasedPackages;
    if (said !== actual)
      problems.push(
        `${file}: "${m[0]}" — the workspace has ${actual} ${kind === 'workspace' ? 'packages under packages/' : 'released packages (nx.json release.projects)'}`,
      );
  }
  for (const m of read.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    const path = decodeURIComponent(target.split('#')[0]);
    if (!existsSync(resolve(facts.root, dirname(file), path)))
      problems.push(`${file}: the link ${target} leads nowhere`);
  }
  return problems;
}

/** The commands of a block: its lines without comments, blank lines and line continuations joined. */
function commandLines(body) {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
}

// ── Running a file's blocks ──────────────────────────────────────────────────────────────────────

/** What the checks compare against: the workspace's package counts and .ci/run's lines. */
function workspaceFacts(at) {
  const nx = JSON.parse(readFileSync(join(at, 'nx.json'), 'utf8'));
  const ciPath = join(at, '.ci/run');
  return {
    root: at,
    releasedPackages: nx.release.projects.length,
    workspacePackages: readdirSync(join(at, 'packages')).filter((d) =>
      existsSync(join(at, 'packages', d, 'package.json')),
    ).length,
    ciLines: new Set(
      existsSync(ciPath)
        ? readFileSync(ciPath, 'utf8')
            .split('\n')
            .map((l) => l.trim())
        : [],
    ),
  };
}

/** A copy of the checkout as a fresh clone after `npm ci` has it: tracked files, built outputs, node_modules. */
function makeTemplate(from, into) {
  const tracked = git(['ls-files', '-z'], from).split('\0').filter(Boolean);
  for (const file of tracked) {
    const source = join(from, file);
    if (!existsSync(source)) continue; // deleted in the working tree
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(source, join(into, file));
  }
  // Built outputs (git-ignored, made by npm ci's prepare) are copied; installed modules are linked.
  for (const dir of workspaceDirs(from)) {
    for (const built of ['dist', 'build']) {
      const path = join(dir, built);
      if (existsSync(path)) cpSync(path, join(into, relative(from, path)), { recursive: true });
    }
    const modules = join(dir, 'node_modules');
    if (existsSync(modules)) symlink(modules, join(into, relative(from, modules)));
  }
  symlink(join(from, 'node_modules'), join(into, 'node_modules'));
  return tracked.filter((file) => existsSync(join(from, file)));
}

function symlink(target, path) {
  mkdirSync(dirname(path), { recursive: true });
  spawnSync('ln', ['-s', target, path]);
}

function workspaceDirs(at) {
  const patterns = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')).workspaces;
  return patterns
    .flatMap((p) =>
      p.endsWith('/*') ? readdirSync(join(at, p.slice(0, -2))).map((n) => join(at, p.slice(0, -2), n)) : [join(at, p)],
    )
    .filter((dir) => existsSync(join(dir, 'package.json')));
}

function git(args, cwd) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function shellQuote(s) {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** One block as a script: the reader's shell state in, the block under `set -eo pipefail`, the state out. */
function blockScript(body, state) {
  return [
    `source ${shellQuote(`${state}.env`)}`,
    `cd "$(cat ${shellQuote(`${state}.cwd`)})"`,
    'set -eo pipefail',
    body,
    'set +e',
    `export -p > ${shellQuote(`${state}.env`)}`,
    `pwd > ${shellQuote(`${state}.cwd`)}`,
  ].join('\n');
}

function runForeground(script, env, timeoutS) {
  return new Promise((done) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[check-docs: timed out after ${timeoutS} s]`;
      killGroup(child.pid);
    }, timeoutS * 1000);
    let status;
    // Anything the block left running (`cmd &`) is stopped with it: its group goes when the shell exits.
    child.on('exit', (code, signal) => {
      status = { code: code ?? 128, signal };
      killGroup(child.pid);
    });
    child.on('close', () => {
      clearTimeout(timer);
      done({ ...status, output });
    });
  });
}

function killGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Polls a background block's output for its ready text; false after `seconds` or once it has exited. */
async function waitFor(path, text, seconds, exited) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (readText(path).includes(text)) return true;
    if (exited()) return readText(path).includes(text);
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Runs one Markdown file's blocks in a fresh copy of the template; returns its problems. */
async function runFile(file, text, template, tracked, work, log) {
  const problems = [];
  const scratch = join(work, file.replace(/[^\w.-]+/g, '_'));
  cpSync(template, scratch, { recursive: true, verbatimSymlinks: true });
  const home = join(scratch, '.check-home');
  mkdirSync(home);
  const state = join(work, `${basename(scratch)}.state`);
  writeFileSync(`${state}.env`, '');
  writeFileSync(`${state}.cwd`, scratch);
  const global = join(work, 'npm-global');
  const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  const env = {
    ...process.env,
    CI: 'true',
    NO_COLOR: '1',
    HOME: home,
    npm_config_cache: npmCache,
    npm_config_prefix: global,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    PATH: `${join(global, 'bin')}:${process.env.PATH}`,
  };
  const background = [];
  try {
    for (const block of parseBlocks(text)) {
      const where = `${file}:${block.line}`;
      const args = (name) => block.directives.find((d) => d.name === name)?.args;
      if (PROGRAMS.has(block.lang) && args('file')) {
        const path = join(scratch, args('file')[0]);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, `${block.body}\n`);
        continue;
      }
      if (!SHELLS.has(block.lang)) continue;
      if (args('ci')) {
        log(`${where} ci: its commands are .ci/run's own steps`);
        continue;
      }
      const missing = block.directives
        .filter((d) => d.name === 'needs')
        .flatMap((d) => d.args)
        .filter((p) => !existsSync(resolve(root, p)));
      if (missing.length > 0) {
        log(`${where} skipped: needs ${missing.join(', ')}, which is not on this machine`);
        continue;
      }
      let body = block.body;
      for (const d of block.directives.filter((d) => d.name === 'replace'))
        body = body.split(d.args[0]).join(d.args[1]);
      // ../shared paths are the checkout's neighbours, wherever the scratch copy is (in setup too).
      const shared = (text) => text.split('../shared/').join(`${resolve(root, '../shared')}/`);
      body = shared(body);
      const setup = block.directives.filter((d) => d.name === 'setup').map((d) => shared(d.args.join(' ')));
      const script = blockScript([...setup, body].join('\n'), state);
      const started = Date.now();
      if (args('background')) {
        const out = join(work, `${basename(scratch)}-${block.line}.log`);
        const fd = openSync(out, 'w');
        const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
          env,
          detached: true,
          stdio: ['ignore', fd, fd],
        });
        closeSync(fd);
        let exited = false;
        child.on('exit', () => (exited = true));
        background.push(child.pid);
        const ready = args('ready');
        if (ready && !(await waitFor(out, ready[0], 120, () => exited))) {
          problems.push(`${where}: the background block never printed "${ready[0]}":\n${tail(readText(out))}`);
          break;
        }
        log(`${where} started in the background${ready ? ` (ready: "${ready[0]}")` : ''}`);
        continue;
      }
      const timeout = Number(args('timeout')?.[0] ?? DEFAULT_TIMEOUT_S);
      const r = await runForeground(script, env, timeout);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (r.code !== 0) {
        problems.push(
          `${where}: the block failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}) after ${seconds} s:\n${indent(body)}\n  output:\n${tail(r.output)}`,
        );
        break; // later blocks build on this one
      }
      log(`${where} ok (${seconds} s)`);
    }
  } finally {
    for (const pid of background) killGroup(pid);
    await new Promise((r) => setTimeout(r, background.length ? 500 : 0));
    for (const pid of background) killGroup(pid, 'SIGKILL');
  }
  for (const path of tracked) {
    const copy = join(scratch, path);
    if (!existsSync(copy)) problems.push(`${file}: a snippet removed the committed file ${path}`);
    else if (!readFileSync(copy).equals(readFileSync(join(template, path))))
      problems.push(`${file}: a snippet wrote over the committed file ${path}; write to runs/ (git-ignored) instead`);
  }
  rmSync(scratch, { recursive: true, force: true });
  return problems;
}

function readText(path) {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function tail(text, lines = 40) {
  return indent(text.trimEnd().split('\n').slice(-lines).join('\n'));
}

function indent(text) {
  return text.replace(/^/gm, '    | ');
}

// ── The command ──────────────────────────────────────────────────────────────────────────────────

/** Checks Markdown files of the checkout `at` (path relative to it → text); returns the problems. */
export async function checkDocs(at, texts, log = (line) => console.log(`check-docs: ${line}`)) {
  const facts = workspaceFacts(at);
  const problems = [];
  for (const [file, text] of texts) problems.push(...staticProblems(file, text, facts));
  if (problems.length > 0) return problems; // a stale directive would make the run misleading
  const { work, template, tracked } = workspaceCopy(at);
  for (const [file, text] of texts) problems.push(...(await runFile(file, text, template, tracked, work, log)));
  return problems;
}

const copies = new Map();

/** One template copy of a checkout per process (the self-test checks several fixtures against it). */
function workspaceCopy(at) {
  if (!copies.has(at)) {
    const work = mkdtempSync(join(tmpdir(), 'charrnn-docs-'));
    process.on('exit', () => rmSync(work, { recursive: true, force: true }));
    const template = join(work, 'template');
    copies.set(at, { work, template, tracked: makeTemplate(at, template) });
  }
  return copies.get(at);
}

function defaultFiles(at) {
  const docs = existsSync(join(at, 'docs'))
    ? readdirSync(join(at, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs];
}

/** Each fixture holds one stale class; the checker must fail on it with the message it names. */
async function selfTest() {
  const dir = join(root, 'tools/check-docs-fixtures');
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  const failures = [];
  for (const name of cases) {
    const text = readFileSync(join(dir, name), 'utf8');
    const expected = /<!-- expect: ([^\n]*?) -->/.exec(text)?.[1];
    // The fixture is checked as if it were docs/<name> of this checkout.
    const problems = await checkDocs(root, new Map([[`docs/${name}`, text]]), () => {});
    const ok = expected === undefined ? problems.length === 0 : problems.some((p) => p.includes(expected));
    console.log(
      `check-docs: self-test ${name}: ${ok ? 'ok' : 'WRONG'} (${problems.length} problem(s)${expected ? `, expected "${expected}"` : ', expected none'})`,
    );
    if (!ok) failures.push(`${name}: ${problems.join('\n') || 'no problem found'}`);
  }
  return failures;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Ctrl-C or a kill still removes the scratch copies (the 'exit' handlers do).
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  const args = process.argv.slice(2);
  const started = Date.now();
  const readOnly = args.includes('--static');
  const named = args.filter((a) => !a.startsWith('--'));
  const texts = new Map(
    (named.length ? named : defaultFiles(root)).map((f) => [f, readFileSync(join(root, f), 'utf8')]),
  );
  let problems;
  if (args.includes('--self-test')) problems = await selfTest();
  else if (readOnly) problems = [...texts].flatMap(([file, text]) => staticProblems(file, text, workspaceFacts(root)));
  else problems = await checkDocs(root, texts);
  for (const problem of problems) console.error(`check-docs: error: ${problem}`);
  console.log(`check-docs: ${problems.length} problem(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(problems.length > 0 ? 1 : 0);
}
