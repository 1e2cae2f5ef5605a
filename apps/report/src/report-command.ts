// charrnn-report: training logs (the CSV charrnn-train --log writes) → one self-contained HTML page
// with their curves overlaid and a table of settings and best results. Settings are found beside
// each log: <stem>.config.json (e.g. the PyTorch reference), config.json (a sweep trial's folder),
// or the config stored in <stem>.safetensors / <stem>.best.safetensors.

import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import {
  EXIT_OK,
  UsageError,
  formatHelp,
  parseFlags,
  readBytes,
  readText,
  writeFileAtomic,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { parseRunLog, renderRunReport, type RunLog } from '@charrnn/report';
import { decodeCheckpoint } from '@charrnn/train';

const FLAGS = {
  out: { flag: 'out', kind: 'string', placeholder: 'FILE.html', help: 'where to write the page (required)' },
  title: { flag: 'title', kind: 'string', placeholder: 'TEXT', help: 'page title', default: 'charrnn training report' },
} satisfies Record<string, FlagSpec>;

const USAGE = 'charrnn-report [LABEL=]RUN.csv [[LABEL=]MORE.csv …] --out report.html';
const DESCRIPTION =
  'Draws one or several training logs on one page: validation bpc against characters and time, training and smoothed loss, learning rate, gradient norm, speed; a legend and a table of settings and best results. A label defaults to the file name.';

export async function reportCommand(io: CommandIo): Promise<number> {
  const flags = parseFlags(io.argv, FLAGS, { positionals: 64 });
  if (flags.help) {
    io.stdout.write(formatHelp(USAGE, DESCRIPTION, FLAGS));
    return EXIT_OK;
  }
  const out = flags.values.out;
  if (!out) throw new UsageError('--out FILE.html is required', 'e.g. charrnn-report run.csv --out report.html');
  if (flags.positionals.length === 0)
    throw new UsageError('give at least one training log (the CSV from charrnn-train --log)', USAGE);
  const runs = flags.positionals.map(readRun);
  writeFileAtomic(out, renderRunReport(runs, String(flags.values.title)));
  io.stdout.write(`wrote ${out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`);
  return EXIT_OK;
}

function readRun(argument: string): RunLog {
  const eq = argument.indexOf('=');
  const path = eq > 0 && !existsSync(argument) ? argument.slice(eq + 1) : argument;
  const text = readText(path, 'log file');
  let rows;
  try {
    rows = parseRunLog(text, path);
  } catch (error) {
    throw new UsageError(
      (error as Error).message,
      "pass the CSV written by charrnn-train --log (or a sweep trial's log.csv)",
    );
  }
  const stem = basename(path, extname(path));
  const label = eq > 0 && path !== argument ? argument.slice(0, eq) : stem === 'log' ? basename(dirname(path)) : stem;
  const settings = findSettings(path);
  return { label, rows, ...(settings ? { settings } : {}) };
}

type Settings = Record<string, string | number | boolean>;

function findSettings(logPath: string): Settings | undefined {
  const dir = dirname(logPath);
  const stem = join(dir, basename(logPath, extname(logPath)));
  const sidecar = `${stem}.config.json`;
  if (existsSync(sidecar)) return flat(JSON.parse(readText(sidecar, 'settings file')) as Record<string, unknown>);
  const trial = join(dir, 'config.json');
  if (existsSync(trial)) {
    const parsed = JSON.parse(readText(trial, 'trial config')) as { config?: Record<string, unknown> };
    if (parsed.config) return flat(parsed.config);
  }
  for (const candidate of [`${stem}.safetensors`, `${stem}.best.safetensors`]) {
    if (!existsSync(candidate)) continue;
    try {
      const config = decodeCheckpoint(readBytes(candidate, 'checkpoint')).config;
      if (config) return flat(config as unknown as Record<string, unknown>);
    } catch {
      // A checkpoint we cannot read only costs the settings column.
    }
  }
  return undefined;
}

/** Keeps the scalar settings, with kebab-case flag names, dropping run-control noise. */
function flat(config: Record<string, unknown>): Settings {
  const skip = new Set([
    'logEvery',
    'sampleEvery',
    'sampleLength',
    'temperature',
    'topK',
    'topP',
    'saveEvery',
    'threads',
    'log-every',
  ]);
  const out: Settings = {};
  for (const [key, value] of Object.entries(config)) {
    if (skip.has(key) || !['string', 'number', 'boolean'].includes(typeof value)) continue;
    out[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = value as string | number | boolean;
  }
  return out;
}
