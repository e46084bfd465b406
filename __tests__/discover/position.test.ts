import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/discover/position.js';

describe('LineIndex', () => {
  it.each([
    // [text, offset of each line's first character]
    ['LF breaks only', 'a\nbc\n\nd', [0, 2, 5, 6]],
    ['CRLF breaks', 'a\r\nbc\r\n\r\nd', [0, 3, 7, 9]],
    ['a lone CR among LF breaks', 'a\rbc\n\nd', [0, 2, 5, 6]],
  ] as const)('gives every offset its 1-based line and column with %s', (_name, text, starts) => {
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const line = starts.filter((start) => start <= offset).length;
      expect(index.positionAt(offset), `offset ${offset}`).toEqual({ line, column: offset - starts[line - 1]! + 1 });
      expect(index.offsetAt(index.positionAt(offset))).toBe(offset);
    }
  });
});
