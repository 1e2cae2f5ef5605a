import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_LOG_COLUMNS, createCsvLogSink, csvHeader, csvRow } from './csv.js';
import type { StepEvent } from './events.js';

function step(n: number, extra: Partial<StepEvent> = {}): StepEvent {
  return {
    type: 'step',
    step: n,
    totalSteps: 1000,
    chars: n * 25 * 4,
    loss: 4.174387269895637 - n * 1e-3,
    smoothLoss: 4.17438 + 1 / 3,
    lr: 0.1,
    gradNorm: 12.345678901234567,
    clippedFrac: 0.015625,
    charsPerSec: 12345.678,
    elapsedSec: n * 0.0123,
    ...extra,
  };
}

function collect(): { chunks: string[]; write: (s: string) => void; text: () => string } {
  const chunks: string[] = [];
  return { chunks, write: (s) => chunks.push(s), text: () => chunks.join('') };
}

describe('createCsvLogSink', () => {
  it('writes the header once, then one row per step event, each as its own chunk', () => {
    const out = collect();
    const sink = createCsvLogSink({ write: out.write });
    expect(out.chunks).toEqual([`${CSV_LOG_COLUMNS.join(',')}\n`]);
    sink.handle(step(10));
    sink.handle({ type: 'eval', step: 10, chars: 1000, valLoss: 2, valBpc: 2.885, count: 500 });
    sink.handle(step(20, { valLoss: 2.0857, valBpc: 3.0091 }));
    expect(out.chunks).toHaveLength(3);
    for (const chunk of out.chunks) expect(chunk.endsWith('\n') && chunk.indexOf('\n') === chunk.length - 1).toBe(true);

    const rows = parse(out.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_LOG_COLUMNS]);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.val_loss).toBe('');
    expect(rows[0]!.val_bpc).toBe('');
    expect(rows[1]!.val_loss).toBe('2.0857');
    expect(rows[1]!.val_bpc).toBe('3.0091');
  });

  it('appends train_bpc (the recent mean training loss in bits) only when asked, so old logs keep their columns', () => {
    const plain = collect();
    createCsvLogSink({ write: plain.write }).handle(step(1, { trainLoss: 2 * Math.LN2 }));
    expect(Object.keys((parse(plain.text(), { columns: true }) as object[])[0]!)).toEqual([...CSV_LOG_COLUMNS]);
    const out = collect();
    const sink = createCsvLogSink({ write: out.write, trainBpc: true });
    sink.handle(step(1, { trainLoss: 2 * Math.LN2 }));
    sink.handle(step(2));
    const rows = parse(out.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_LOG_COLUMNS, 'train_bpc']);
    expect(Number(rows[0]!.train_bpc)).toBe(2);
    expect(rows[1]!.train_bpc).toBe('');
  });

  it('round-trips every number exactly through a CSV reader', () => {
    const out = collect();
    const sink = createCsvLogSink({ write: out.write });
    const e = step(7, { valLoss: Math.PI, valBpc: Math.E });
    sink.handle(e);
    const row = (parse(out.text(), { columns: true }) as Record<string, string>[])[0]!;
    const expected = [
      e.step,
      e.chars,
      e.loss,
      e.smoothLoss,
      e.valLoss,
      e.valBpc,
      e.lr,
      e.gradNorm,
      e.clippedFrac,
      e.charsPerSec,
      e.elapsedSec,
    ];
    expect(CSV_LOG_COLUMNS.map((c) => Number(row[c]))).toEqual(expected);
  });

  it("with tagging: true, a tagging run's metrics follow the log columns (before train_bpc); a language model's log keeps its columns", () => {
    const out = collect();
    const sink = createCsvLogSink({ write: out.write, tagging: true, trainBpc: true });
    const metrics = { valAccuracy: 0.9375, valPrecision: 1 / 3, valRecall: 2 / 3, valF1: 4 / 9 };
    sink.handle(step(7, { valLoss: Math.PI, valBpc: Math.E, trainLoss: 1, ...metrics }));
    const header = out.text().split('\n')[0]!.split(',');
    expect(header.slice(-5)).toEqual(['val_accuracy', 'val_precision', 'val_recall', 'val_f1', 'train_bpc']);
    const row = (parse(out.text(), { columns: true }) as Record<string, string>[])[0]!;
    expect([row.val_accuracy, row.val_precision, row.val_recall, row.val_f1].map(Number)).toEqual(
      Object.values(metrics),
    );
    const plain = collect();
    createCsvLogSink({ write: plain.write }).handle(step(7, metrics));
    expect(plain.text().split('\n')[0]).not.toContain('val_accuracy');
  });

  it('keeps arbitrary doubles (and diverged NaN / Infinity losses) readable', () => {
    fc.assert(
      fc.property(fc.double(), (loss) => {
        const out = collect();
        createCsvLogSink({ write: out.write, writeHeader: false }).handle(step(1, { loss }));
        const cells = (parse(out.text()) as string[][])[0]!;
        expect(Object.is(Number(cells[2]), loss === 0 ? 0 : loss) || (Number.isNaN(loss) && cells[2] === 'NaN')).toBe(
          true,
        );
      }),
    );
  });

  it('writes no header when appending on resume', () => {
    const out = collect();
    const sink = createCsvLogSink({ write: out.write, writeHeader: false });
    expect(out.chunks).toEqual([]);
    sink.handle(step(30));
    const rows = parse(out.text()) as string[][];
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]).toBe('30');
    expect(rows[0]).toHaveLength(CSV_LOG_COLUMNS.length);
  });

  it('puts constant extra columns first on every row', () => {
    const out = collect();
    const sink = createCsvLogSink({ write: out.write, extraColumns: { trial: 3, optimizer: 'adam, β=0.9' } });
    sink.handle(step(1));
    sink.handle(step(2));
    const rows = parse(out.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['trial', 'optimizer', ...CSV_LOG_COLUMNS]);
    expect(rows.map((r) => [r.trial, r.optimizer, r.step])).toEqual([
      ['3', 'adam, β=0.9', '1'],
      ['3', 'adam, β=0.9', '2'],
    ]);
  });

  it('rejects bad options', () => {
    expect(() => createCsvLogSink({ write: 'x' as never })).toThrow(
      new TypeError('createCsvLogSink: write must be a function, got "x"'),
    );
    expect(() => createCsvLogSink({ write: () => {}, extraColumns: { step: 1 } })).toThrow(
      new RangeError('createCsvLogSink: extraColumns must not repeat a log column, got "step"'),
    );
    expect(() => createCsvLogSink({ write: () => {}, extraColumns: { trial: Number.NaN } })).toThrow(RangeError);
    expect(() => createCsvLogSink({ write: () => {}, extraColumns: { trial: true as never } })).toThrow(TypeError);
  });
});

describe('csvRow / csvHeader', () => {
  it('quotes what needs quoting and leaves numbers plain', () => {
    expect(csvRow([1, 'a,b', 'say "hi"', 'two\nlines', undefined, null, true, 0.1])).toBe(
      '1,"a,b","say ""hi""","two\nlines",,,true,0.1\n',
    );
    expect(csvHeader(['trial', 'val_bpc'])).toBe('trial,val_bpc\n');
  });

  it('round-trips arbitrary strings through csv-parse', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (cells) => {
        expect(parse(csvRow(cells), { relax_column_count: true })).toEqual([cells]);
      }),
    );
  });

  it('rejects a bad header', () => {
    expect(() => csvHeader([])).toThrow(new RangeError('csvHeader: columns must not be empty, got []'));
    expect(() => csvHeader(['a', 'a'])).toThrow(
      new RangeError('csvHeader: column names must be distinct, got "a" twice'),
    );
    expect(() => csvHeader(['a', ''])).toThrow(RangeError);
    expect(() => csvRow('a' as never)).toThrow(TypeError);
  });
});
