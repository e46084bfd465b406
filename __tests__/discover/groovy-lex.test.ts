import { describe, expect, it } from 'vitest';
import { lexGroovy } from '../../src/discover/groovy-lex.js';

const view = (text: string) => lexGroovy(text).map((token) => (token.type === 'string' ? `${token.quote}${token.text}` : token.text));

describe('groovy lexer', () => {
  it('reads each string form with where its content starts', () => {
    const text = `a = 'one' + "two \${x + "}"} 2" + '''three''' + """four""" + /fi\\/ve/ + $/six $$ /$`;
    expect(view(text)).toEqual(['a', '=', "'one", '+', '"two ${x + "}"} 2', '+', "'''three", '+', '"""four', '+', '/fi\\/ve', '+', '$/six $$ ']);
    for (const token of lexGroovy(text).filter((each) => each.type === 'string')) expect(text.slice(token.contentStart!, token.contentStart! + token.text.length)).toBe(token.text);
  });

  it('skips comments, tells division from a regular expression, and marks line breaks', () => {
    const tokens = lexGroovy('x = a / b / c // not / a string\n/* block */ y == z');
    expect(tokens.map((token) => token.text)).toEqual(['x', '=', 'a', '/', 'b', '/', 'c', 'y', '==', 'z']);
    expect(tokens.find((token) => token.text === 'y')?.newlineBefore).toBe(true);
  });

  it('ends an unterminated single-line string at its line', () => {
    expect(view("a 'open\nb")).toEqual(['a', "'open", 'b']);
    expect(view('a "open ${x\nb')).toEqual(['a', '"open ${x', 'b']);
  });

  it('stays linear on adversarial text', () => {
    // No duration is asserted (a loaded machine is slow): a quadratic pass over 200,000 to 720,000
    // characters would run for hours, far past the test timeout; the linear one takes a second.
    const cases: Array<[string, number]> = [
      ['"${'.repeat(200_000), 1], // one unterminated string
      ["'''".repeat(120_000) + '\\', 60_001], // 60,000 empty triple-quoted strings, then the backslash
      ['/'.repeat(400_000), 0], // a line comment
      ['$/'.repeat(200_000), 1], // one unterminated dollar-slashy string
      ['"${"${"${'.repeat(80_000), 1],
      ['('.repeat(400_000), 400_000],
    ];
    for (const [text, tokens] of cases) expect(lexGroovy(text)).toHaveLength(tokens);
  });
});
