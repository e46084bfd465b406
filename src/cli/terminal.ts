/**
 * The terminal the CLI writes to: whether to colour (a TTY, `NO_COLOR` and `FORCE_COLOR` as
 * https://no-color.org and Node describe them), and a progress line on stderr that rewrites itself
 * and disappears when the work is done.
 */

export interface TerminalInfo {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

/** FORCE_COLOR wins ("0"/"false" turns colour off), then NO_COLOR (any non-empty value), then whether it is a TTY. */
export function useColour({ isTTY, env }: TerminalInfo): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export interface Palette {
  error(text: string): string;
  warning(text: string): string;
  note(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const COLOURS: Palette = { error: sgr(31, 39), warning: sgr(33, 39), note: sgr(36, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
export const PLAIN: Palette = { error: (t) => t, warning: (t) => t, note: (t) => t, bold: (t) => t, dim: (t) => t };

/** A self-erasing status line on a TTY ("Resolving images: 12/40"); nothing at all elsewhere. */
export class ProgressLine {
  private shown = false;
  private last = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  update(label: string, done: number, total: number): void {
    if (!this.enabled || total === 0) return;
    // At most ten redraws a second, and always the last one.
    const time = this.now();
    if (done < total && this.shown && time - this.last < 100) return;
    this.last = time;
    this.write(`\r\u001b[2K${label}: ${done}/${total}`);
    this.shown = true;
  }

  /** Erases the line, leaving the cursor where the next output starts. */
  done(): void {
    if (!this.shown) return;
    this.write('\r\u001b[2K');
    this.shown = false;
  }
}
