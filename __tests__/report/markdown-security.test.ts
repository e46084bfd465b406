/**
 * Attack tests for the Markdown escaping beyond HTML and links: GitHub also renders `$…$` as math
 * (text in any size and colour, under the bot's name), and bidirectional controls reorder what a
 * reviewer sees.
 */
import { describe, expect, it } from 'vitest';
import { escapeText, inlineCode } from '../../src/report/markdown.js';

describe('Markdown escaping', () => {
  it('keeps dollar signs from opening math', () => {
    const text = escapeText('$\\huge\\color{green}\\text{verified}$ and $$x$$');
    expect(text).not.toMatch(/(^|[^\\])\$/);
    expect(text).toContain('\\$');
    expect(inlineCode('a$b$')).not.toMatch(/(^|[^\\])\$/);
  });

  it('removes bidirectional controls', () => {
    for (const control of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f']) {
      expect(escapeText(`nginx${control}:1.25`)).not.toContain(control);
      expect(inlineCode(`nginx${control}:1.25`)).not.toContain(control);
    }
  });
});
