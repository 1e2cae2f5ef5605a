import { describe, expect, it } from 'vitest';
import { terminalInfo } from './terminal.js';

describe('terminalInfo', () => {
  it('draws live only on a TTY without NO_COLOR or CI', () => {
    expect(terminalInfo({ isTTY: true, columns: 100 }, {})).toEqual({ interactive: true, columns: 100 });
    expect(terminalInfo({ isTTY: false, columns: 100 }, {}).interactive).toBe(false);
    expect(terminalInfo({ isTTY: true }, { NO_COLOR: '' }).interactive).toBe(false);
    expect(terminalInfo({ isTTY: true }, { CI: 'true' }).interactive).toBe(false);
    expect(terminalInfo({ isTTY: true }, { CI: 'false' }).interactive).toBe(true);
  });

  it('takes 80 columns when the terminal reports none or 0 (script(1) does), so the progress bar still draws', () => {
    for (const columns of [undefined, 0, -1, Number.NaN]) {
      expect(terminalInfo(columns === undefined ? { isTTY: true } : { isTTY: true, columns }, {}).columns).toBe(80);
    }
  });
});
