// Pure text formatting for the console sinks: durations, compact counts and rates, progress bars.
// No clock and no terminal here, so the progress sink's output is testable character for character.

/**
 * Seconds as a short human duration: "7s", "1m23s", "2h05m", "3d04h". Rounded to whole seconds.
 * Unknown values (NaN, ±Infinity, negative) print as "?" — an ETA is unknown before the first rate.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad2(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad2(Math.floor(s / 3600) % 24)}h`;
}

const SI_UNITS = ['', 'k', 'M', 'G', 'T', 'P'] as const;

/**
 * A count or rate in compact SI form: 950 → "950", 12345 → "12.3k", 4.2e6 → "4.2M".
 * Below 1000 it rounds to an integer; above, one decimal. NaN and ±Infinity print as "?".
 */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (value < 0) return `-${formatRate(-value)}`;
  if (Math.round(value) < 1000) return String(Math.round(value));
  let v = value / 1000;
  let unit = 1;
  // Re-check after rounding so 999.96k becomes "1.0M", never "1000.0k".
  while (unit < SI_UNITS.length - 1 && Number(v.toFixed(1)) >= 1000) {
    v /= 1000;
    unit++;
  }
  return `${v.toFixed(1)}${SI_UNITS[unit]}`;
}

const FULL = '█';
const EMPTY = ' ';
/** Left-aligned eighth blocks, index k = k/8 of a cell filled. */
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;

/**
 * A bar of exactly `width` characters, filled to `fraction` with eighth-cell resolution.
 * The fraction is clamped to [0, 1]; NaN counts as 0.
 */
export function renderBar(fraction: number, width: number): string {
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 0) {
    throw new RangeError(`renderBar: width must be a non-negative integer, got ${String(width)}`);
  }
  const f = Number.isNaN(fraction) ? 0 : Math.min(1, Math.max(0, fraction));
  const cells = f * width;
  const full = Math.floor(cells);
  if (full >= width) return FULL.repeat(width);
  const eighths = Math.floor((cells - full) * 8);
  const partial = eighths > 0 ? PARTIAL[eighths]! : EMPTY;
  return FULL.repeat(full) + partial + EMPTY.repeat(width - full - 1);
}

/** An integer with thousands separators, locale-independent: 1234567 → "1,234,567". */
export function groupDigits(n: number): string {
  if (!Number.isInteger(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A loss in nats with four decimals; non-finite losses (a diverged run) print as-is. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

/** Bits per character with three decimals. */
export function formatBpc(bpc: number): string {
  return Number.isFinite(bpc) ? bpc.toFixed(3) : String(bpc);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
