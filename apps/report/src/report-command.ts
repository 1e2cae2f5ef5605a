// charrnn-report: training logs (the CSV charrnn-train --log writes) → one self-contained HTML page
// with their curves overlaid and a table of settings and best results. Settings are found beside
// each log: <stem>.config.json (e.g. the PyTorch reference), config.json (a sweep trial's folder),
// or the config stored in <stem>.safetensors / <stem>.best.safetensors.

import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import {
  EXIT_OK,
  UsageError,
  checkOutputFile,
  formatHelp,
  parseFlags,
  readBytes,
  readText,
  sameFile,
  writeFileAtomic,
  type CommandIo,
  type FlagSpec,
} from '@charrnn/cli';
import { createRunLogReader, renderRunReport, type RunLog, type RunLogRow } from '@charrnn/report';
import { CsvError, parse } from 'csv-parse/sync';
import { decodeCheckpoint } from '@charrnn/train';

const FLAGS = {
  out: { flag: 'out', kind: 'string', placeholder: 'FILE.html', help: 'where to write the page (required)' },
  force: { flag: 'force', kind: 'boolean', help: 'replace an existing --out file (never one of the inputs)' },
  title: { flag: 'title', kind: 'string', placeholder: 'TEXT', help: 'page title', default: 'charrnn training report' },
} satisfies Record<string, FlagSpec>;

const USAGE = 'charrnn-report [LABEL=]RUN.csv [[LABEL=]MORE.csv …] --out report.html';
const DESCRIPTION =
  'Draws one or several training logs on one page: validation bpc against characters and time, the training loss (recent mean, bits per character) beside validation, learning rate (log axis when runs differ 10× or more), gradient norm, speed; a legend and a table of settings and best results. A label defaults to the file name.';

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
  const inputs = flags.positionals.map(parseRunArgument);
  checkOutput(out, inputs, flags.values.force === true);
  const runs = inputs.map(readRun);
  writeFileAtomic(out, renderRunReport(runs, String(flags.values.title)));
  io.stdout.write(`wrote ${out} (${runs.length} run${runs.length === 1 ? '' : 's'})\n`);
  return EXIT_OK;
}

interface RunArgument {
  readonly path: string;
  readonly label: string;
  /** Where its settings are read from, if anywhere. */
  readonly settingsFile?: SettingsFile;
}

/** `LABEL=path` or `path`; the label defaults to the file name (a sweep trial's log.csv: its folder). */
function parseRunArgument(argument: string): RunArgument {
  const eq = argument.indexOf('=');
  const path = eq > 0 && !existsSync(argument) ? argument.slice(eq + 1) : argument;
  const stem = basename(path, extname(path));
  const label = eq > 0 && path !== argument ? argument.slice(0, eq) : stem === 'log' ? basename(dirname(path)) : stem;
  const settingsFile = findSettingsFile(path);
  return { path, label, ...(settingsFile ? { settingsFile } : {}) };
}

/**
 * The page goes through the same checks as charrnn-train's --save and --log: absent or a regular
 * file (never a link, FIFO or device, which the atomic rename would replace), replaced only with
 * --force, its directory present — and never one of the files this report reads.
 */
function checkOutput(out: string, inputs: readonly RunArgument[], force: boolean): void {
  for (const input of inputs) {
    for (const [path, what] of [
      [input.path, 'log file'],
      [input.settingsFile?.path, 'settings file'],
    ] as const) {
      if (path !== undefined && sameFile(out, path))
        throw new UsageError(
          `--out ${JSON.stringify(out)} is the ${what} ${JSON.stringify(path)}; it would be overwritten`,
          'choose another --out file (e.g. report.html)',
        );
    }
  }
  checkOutputFile(out, '--out file', {
    mayExist: force,
    refuseHint: 'add --force to replace it, or choose a new file',
  });
}

function readRun({ path, label, settingsFile }: RunArgument): RunLog {
  const rows = readRunLog(readText(path, 'log file'), path);
  const settings = settingsFile ? readSettings(settingsFile) : undefined;
  return { label, rows, ...(settings ? { settings } : {}) };
}

/**
 * The log's records through csv-parse, each turned into a row as it is read (a million-row log is
 * never held as strings). Quoted cells — a sweep log's extra columns — read as the writer meant.
 */
function readRunLog(text: string, path: string): RunLogRow[] {
  const reader = createRunLogReader(path);
  const hint = "pass the CSV written by charrnn-train --log (or a sweep trial's log.csv)";
  try {
    parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        reader.add(record, context.lines);
        return null;
      },
    });
    return reader.rows();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message, hint);
    if (error instanceof CsvError) throw new UsageError(`${path} is not valid CSV: ${error.message}`, hint);
    throw error;
  }
}

type Settings = Record<string, string | number | boolean>;

interface SettingsFile {
  readonly path: string;
  readonly kind: 'sidecar' | 'trial' | 'checkpoint';
}

/** The first of <stem>.config.json, the trial folder's config.json, <stem>(.best).safetensors that exists. */
function findSettingsFile(logPath: string): SettingsFile | undefined {
  const dir = dirname(logPath);
  const stem = join(dir, basename(logPath, extname(logPath)));
  const candidates: SettingsFile[] = [
    { path: `${stem}.config.json`, kind: 'sidecar' },
    { path: join(dir, 'config.json'), kind: 'trial' },
    { path: `${stem}.safetensors`, kind: 'checkpoint' },
    { path: `${stem}.best.safetensors`, kind: 'checkpoint' },
  ];
  return candidates.find((c) => existsSync(c.path));
}

function readSettings({ path, kind }: SettingsFile): Settings | undefined {
  if (kind === 'sidecar') return flat(JSON.parse(readText(path, 'settings file')) as Record<string, unknown>);
  if (kind === 'trial') {
    const parsed = JSON.parse(readText(path, 'trial config')) as { config?: Record<string, unknown> };
    return parsed.config ? flat(parsed.config) : undefined;
  }
  try {
    const config = decodeCheckpoint(readBytes(path, 'checkpoint')).config;
    return config ? flat(config as unknown as Record<string, unknown>) : undefined;
  } catch {
    // A checkpoint we cannot read only costs the settings column.
    return undefined;
  }
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
