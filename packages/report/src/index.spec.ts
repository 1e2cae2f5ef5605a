import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@charrnn/report public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'CSV_LOG_COLUMNS',
      'REPORT_CSS',
      'TAGGING_LOG_COLUMNS',
      'categoryScale',
      'combineSinks',
      'createCsvLogSink',
      'createProgressSink',
      'createRunLogReader',
      'createSamplePrinter',
      'csvHeader',
      'csvRow',
      'cutLogAtStep',
      'decimateForDrawing',
      'emptyChart',
      'esc',
      'extent',
      'formatDuration',
      'formatRate',
      'formatSample',
      'formatTick',
      'goalBars',
      'heatMap',
      'labelWidth',
      'legend',
      'lineChart',
      'linearScale',
      'linearTicks',
      'logScale',
      'logTicks',
      'natsToBits',
      'niceStep',
      'paddedRange',
      'recentTrainingBpc',
      'renderBar',
      'renderRunReport',
      'reportPage',
      'robustTop',
      'scatterChart',
      'seriesColor',
      'spansDecades',
      'summarizeRun',
      'trainingWindow',
    ]);
  });

  it('pins the CSV log columns', () => {
    expect(api.CSV_LOG_COLUMNS).toEqual([
      'step',
      'chars',
      'loss',
      'smooth_loss',
      'val_loss',
      'val_bpc',
      'lr',
      'grad_norm',
      'clipped_frac',
      'chars_per_s',
      'elapsed_s',
    ]);
    expect(api.TAGGING_LOG_COLUMNS).toEqual(['val_accuracy', 'val_precision', 'val_recall', 'val_f1']);
  });

  it('converts nats to bits', () => {
    const e = 1;
    expect(Math.abs(api.natsToBits(Math.LN2) - e)).toBeLessThanOrEqual(1e-12 + 1e-10 * e);
  });
});
