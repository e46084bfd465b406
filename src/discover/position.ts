/** Offsets to 1-based line/column, computed once per file. */
import type { Position } from '../model.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    if (!text.includes('\r')) {
      // Most files: only LF breaks, found by indexOf (several times faster than a loop per character).
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  /** Position of a 0-based offset into `text`. */
  positionAt(offset: number): Position {
    const line = lastAtMost(this.starts, offset);
    return { line: line + 1, column: offset - this.starts[line] + 1 };
  }

  /** 0-based offset of a 1-based position. */
  offsetAt(position: Position): number {
    return this.starts[position.line - 1] + position.column - 1;
  }
}

/** The index of the last of ascending `starts` (the first is at most `offset`) that is at most `offset`: the line it starts. */
export function lastAtMost(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
