// The shell of every self-contained report page (charrnn-report, the sweep's report.html, the bench's
// latest.html): escaping, one style sheet, and the page around a body. Inline CSS, no scripts, no
// network, so a page opens from disk anywhere and can be committed as an example.

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The pages' shared CSS. Charts shrink with the window (viewBox + max-width) instead of overflowing
 * it; table cells wrap at spaces, and settings are chips cut at a width with an ellipsis, instead of
 * widening the page.
 */
export const REPORT_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;max-width:100%}figcaption{font-weight:600;margin-bottom:4px}
figure>svg{max-width:100%;height:auto}
svg{background:#fff;border:1px solid #ddd}
svg text{font-size:11px;fill:#444}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 10px;max-width:1000px}.legend .key{display:inline-flex;align-items:center;gap:6px;font-size:12px}.legend svg{border:0}
table{border-collapse:collapse;font-size:13px;max-width:100%}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right;overflow-wrap:break-word}th{background:#f6f6f6}
td.l,th.l{text-align:left}.best td{background:#fff7d6}.failed td{color:#b00}
.settings{display:flex;flex-wrap:wrap;gap:2px 6px;text-align:left}.settings code{font-size:12px;background:#f4f4f4;padding:0 4px;border-radius:3px;max-width:32em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.settings code.differs{background:#e3edfb}
.bars{display:grid;grid-template-columns:minmax(8em,22em) minmax(160px,1fr) max-content;gap:6px 10px;align-items:center;max-width:1000px}
.bars .label{text-align:right;overflow-wrap:anywhere}.bars .track{position:relative;height:18px;background:#f4f4f4}
.bars .bar{position:absolute;left:0;top:2px;bottom:2px}.bars .goal{position:absolute;top:-3px;bottom:-3px;border-left:2px dashed #333}
.bars .value{font-variant-numeric:tabular-nums}
.notice{background:#fff3cd;border:1px solid #e0c060;padding:6px 10px}`;

export interface PageOptions {
  readonly title: string;
  /** HTML between <body> and </body>. */
  readonly body: string;
  /** Rules added after REPORT_CSS. */
  readonly css?: string;
}

/** A whole page: doctype, title, the shared style sheet, the body. */
export function reportPage({ title, body, css }: PageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>
${REPORT_CSS}${css ? `\n${css}` : ''}
</style></head><body>
${body}
</body></html>
`;
}
