// Whether to draw a live progress bar: only on a terminal, and not when NO_COLOR or CI is set
// (log files and CI consoles get plain periodic lines instead).

export interface TerminalInfo {
  readonly interactive: boolean;
  readonly columns: number;
}

export function terminalInfo(
  stream: { isTTY?: boolean; columns?: number },
  env: Record<string, string | undefined>,
): TerminalInfo {
  const disabled =
    env['NO_COLOR'] !== undefined || (env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false');
  // A pseudo-terminal can report 0 columns (script(1), some CI runners): use the classic width then.
  const columns =
    stream.columns !== undefined && Number.isInteger(stream.columns) && stream.columns > 0 ? stream.columns : 80;
  return { interactive: stream.isTTY === true && !disabled, columns };
}
