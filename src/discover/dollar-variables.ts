/**
 * The `$` variable syntax that compose interpolation, Cloud Build substitutions and GitLab CI
 * variables share: `$$` is a literal `$`, `$NAME` a name, `${…}` an expression (its braces
 * counted through nested `${…}`), any other `$` itself. What a name or an expression stands for is
 * each dialect's (compose's `${VAR:-default}` and `${VAR?error}`, Cloud Build's bash operations,
 * GitLab's bare `${NAME}`); the scan is one pass, and the text it builds is bounded after every
 * expansion, so values repeated many times are never built whole (a 220 KB `.env` whose second
 * line repeated the first 30,000 times ended compose's reading with "Invalid string length").
 */

/** A value, or why it cannot be known from the repository. */
export type Expansion = string | { unresolved: string };

export interface DollarDialect {
  /** `$NAME`'s value. */
  named: (name: string) => Expansion;
  /** `${inner}`'s value. */
  braced: (inner: string) => Expansion;
  /** Why the text is unknown when a `${` never closes; `from` is the text from that `${`. */
  unclosed: (from: string) => string;
  /** Bound on the text built. */
  maxLength: number;
  /** Why the text is unknown once it grows past `maxLength`. */
  tooLong: string;
}

const isNameStart = (ch: string | undefined): boolean => ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_');
const isNameChar = (ch: string | undefined): boolean => isNameStart(ch) || (ch !== undefined && ch >= '0' && ch <= '9');

/** Index of the `}` closing a `${` whose inside starts at `start`, counting nested `${`; -1 when none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    if (text[index] === '$' && text[index + 1] === '{') {
      depth++;
      index++;
    } else if (text[index] === '}') {
      if (depth === 0) return index;
      depth--;
    }
  }
  return -1;
}

/** `text` with its `$` variables expanded by `dialect`, or why it cannot be. */
export function expandDollars(text: string, dialect: DollarDialect): Expansion {
  let output = '';
  let index = 0;
  for (let dollar = text.indexOf('$'); dollar >= 0; dollar = text.indexOf('$', index)) {
    output += text.slice(index, dollar);
    const next = text[dollar + 1];
    let part: Expansion = '$';
    index = dollar + 1;
    if (next === '$') {
      index = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close < 0) return { unresolved: dialect.unclosed(text.slice(dollar)) };
      part = dialect.braced(text.slice(dollar + 2, close));
      index = close + 1;
    } else if (isNameStart(next)) {
      let end = dollar + 2;
      while (isNameChar(text[end])) end++;
      part = dialect.named(text.slice(dollar + 1, end));
      index = end;
    }
    if (typeof part !== 'string') return part;
    output += part;
    if (output.length > dialect.maxLength) return { unresolved: dialect.tooLong };
  }
  // The rest is the text's own, as long as it was written.
  return output + text.slice(index);
}
