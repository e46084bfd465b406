/**
 * A small lexer for the Groovy of Jenkins pipelines: identifiers, numbers, punctuation and string
 * literals (with where their content starts), comments skipped. Not a Groovy parser: the Jenkinsfile
 * discoverer reads a few known shapes from the tokens. One pass over the text, no regular expression,
 * so its cost is linear whatever the text.
 */

type QuoteKind = "'" | '"' | "'''" | '"""' | '/' | '$/';

export interface GroovyToken {
  type: 'ident' | 'string' | 'number' | 'punct';
  /** Offset of the token's first character (the opening quote of a string). */
  start: number;
  /** Offset just past the token (past the closing quote). */
  end: number;
  /** An identifier's or punctuation's text; a string's content as written (escapes not applied). */
  text: string;
  /** Strings: the quotes, and where the content starts in the file. */
  quote?: QuoteKind;
  contentStart?: number;
  /** Whether a line break separates this token from the previous one. */
  newlineBefore: boolean;
}

/** Multi-character operators, longest first, so `==` is never read as an assignment. */
const OPERATORS = ['==~', '<=>', '...', '**=', '?.', '*.', '.&', '.@', '..', '==', '!=', '<=', '>=', '=~', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '->', '?:', '<<', '>>', '**', '::'];
const OPERATOR_START = new Set(OPERATORS.map((operator) => operator[0]));
/** A token after which `/` starts a slashy string rather than a division. */
const OPERAND_END = new Set(['ident', 'number', 'string']);

function isIdentStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code > 127;
}

function isIdentPart(code: number): boolean {
  return isIdentStart(code) || (code >= 48 && code <= 57);
}

export function lexGroovy(text: string): GroovyToken[] {
  const tokens: GroovyToken[] = [];
  let index = text.startsWith('#!') ? lineEnd(text, 0) : 0;
  let newlineBefore = true;
  const push = (token: Omit<GroovyToken, 'newlineBefore'>) => {
    (token as GroovyToken).newlineBefore = newlineBefore;
    tokens.push(token as GroovyToken);
    newlineBefore = false;
    index = token.end;
  };
  while (index < text.length) {
    const char = text[index];
    const code = text.charCodeAt(index);
    if (char === '\n') {
      newlineBefore = true;
      index++;
    } else if (char === ' ' || char === '\t' || char === '\r' || char === '\f') {
      index++;
    } else if (char === '\\' && (text[index + 1] === '\n' || text[index + 1] === '\r')) {
      index += 2; // a line continuation
    } else if (char === '/' && text[index + 1] === '/') {
      index = lineEnd(text, index);
    } else if (char === '/' && text[index + 1] === '*') {
      const close = text.indexOf('*/', index + 2);
      index = close < 0 ? text.length : close + 2;
      newlineBefore = true;
    } else if (char === "'" || char === '"') {
      push(readQuoted(text, index, char));
    } else if (char === '$' && text[index + 1] === '/') {
      push(readDollarSlashy(text, index));
    } else if (char === '/' && !operandBefore(tokens)) {
      const slashy = readSlashy(text, index);
      if (slashy) push(slashy);
      else push({ type: 'punct', start: index, end: index + 1, text: '/' });
    } else if (isIdentStart(code)) {
      let end = index + 1;
      while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
      push({ type: 'ident', start: index, end, text: text.slice(index, end) });
    } else if (code >= 48 && code <= 57) {
      let end = index + 1;
      while (end < text.length && (isIdentPart(text.charCodeAt(end)) || (text[end] === '.' && text.charCodeAt(end + 1) >= 48 && text.charCodeAt(end + 1) <= 57))) end++;
      push({ type: 'number', start: index, end, text: text.slice(index, end) });
    } else {
      const operator = (OPERATOR_START.has(char) && OPERATORS.find((candidate) => text.startsWith(candidate, index))) || char;
      push({ type: 'punct', start: index, end: index + operator.length, text: operator });
    }
  }
  return tokens;
}

function operandBefore(tokens: readonly GroovyToken[]): boolean {
  const last = tokens.at(-1);
  if (!last) return false;
  return OPERAND_END.has(last.type) || last.text === ')' || last.text === ']' || last.text === '}';
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline < 0 ? text.length : newline;
}

/** Bound on strings nested in `${ }` expressions of strings, so adversarial nesting cannot exhaust the stack. */
const MAX_NESTING = 16;

/**
 * A quoted string from its opening quote: `'`, `"`, `'\'\'` or `"""`. Backslash escapes are skipped;
 * in double-quoted strings a `${ ... }` expression is skipped by its braces (strings inside it
 * included), so a quote inside the expression does not end the string.
 */
function readQuoted(text: string, start: number, quote: "'" | '"', depth = 0): Omit<GroovyToken, 'newlineBefore'> {
  const triple = text.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  const contentStart = start + close.length;
  let index = contentStart;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') {
      index += 2;
    } else if (text.startsWith(close, index)) {
      return { type: 'string', start, end: index + close.length, text: text.slice(contentStart, index), quote: close as QuoteKind, contentStart };
    } else if (!triple && char === '\n') {
      break; // an unterminated single-line string ends at the line
    } else if (quote === '"' && char === '$' && text[index + 1] === '{' && depth < MAX_NESTING) {
      index = skipInterpolation(text, index + 2, !triple, depth + 1);
    } else {
      index++;
    }
  }
  const end = Math.min(index, text.length);
  return { type: 'string', start, end, text: text.slice(contentStart, end), quote: close as QuoteKind, contentStart };
}

/**
 * Past the `}` closing a `${` whose body starts at `from` (nested braces and quoted strings skipped).
 * In a single-line string the expression ends at the line, so a stray `${` cannot swallow the file.
 */
function skipInterpolation(text: string, from: number, singleLine: boolean, depth: number): number {
  let braces = 1;
  let index = from;
  while (index < text.length && braces > 0) {
    const char = text[index];
    if (char === '\n' && singleLine) return index;
    if (char === '{') braces++;
    else if (char === '}') braces--;
    else if (char === "'" || char === '"') {
      index = readQuoted(text, index, char, depth).end;
      continue;
    }
    index++;
  }
  return index;
}

/** `/.../` on one line (a regular expression), or undefined when the line holds no closing slash. */
function readSlashy(text: string, start: number): Omit<GroovyToken, 'newlineBefore'> | undefined {
  let index = start + 1;
  if (text[index] === '/' || text[index] === '*') return undefined;
  while (index < text.length && text[index] !== '\n') {
    if (text[index] === '\\') index += 2;
    else if (text[index] === '/') return { type: 'string', start, end: index + 1, text: text.slice(start + 1, index), quote: '/', contentStart: start + 1 };
    else index++;
  }
  return undefined;
}

/** `$/ ... /$`, which may span lines; `$$` and `$/` escape inside it. */
function readDollarSlashy(text: string, start: number): Omit<GroovyToken, 'newlineBefore'> {
  let index = start + 2;
  while (index < text.length) {
    if (text[index] === '$' && (text[index + 1] === '$' || text[index + 1] === '/')) index += 2;
    else if (text[index] === '/' && text[index + 1] === '$') return { type: 'string', start, end: index + 2, text: text.slice(start + 2, index), quote: '$/', contentStart: start + 2 };
    else index++;
  }
  return { type: 'string', start, end: text.length, text: text.slice(start + 2), quote: '$/', contentStart: start + 2 };
}
