/**
 * The lexer of Go's text/template (`lex.go`), as Helm charts use it: template text is split into
 * literal text and actions, and each action into tokens. Trim markers (`{{- `, ` -}}`) are applied
 * here, as Go's lexer does. Written as a character scanner: no regular expression ever runs over
 * the chart's text.
 */

type TokenType =
  | 'text'
  | 'open' // `{{`
  | 'close' // `}}`
  | 'identifier' // a function name or keyword
  | 'field' // `.Name`
  | 'variable' // `$name` or `$`
  | 'dot' // `.`
  | 'string'
  | 'number'
  | 'bool'
  | 'nil'
  | 'char'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare' // `:=`
  | 'assign' // `=`
  | 'comma';

export interface Token {
  type: TokenType;
  /** Text for text/identifier/field/variable tokens, the decoded value for strings. */
  value: string;
  /** Offset of the token in the template text. */
  pos: number;
  /** Whether whitespace separates this token from the one before it inside the action. */
  spaced: boolean;
}

/** Why a template cannot be read; Helm would refuse the chart. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const KEYWORD_LIKE = new Set(['true', 'false', 'nil']);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isAlphaNumeric(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  return ch === '_' || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** Where an action (or comment) is in the text, delimiters included. */
export interface ActionSpan {
  start: number;
  end: number;
  comment: boolean;
}

/** Tokenizes a whole template. Throws TemplateSyntaxError where Go's lexer would stop. */
export function lexTemplate(text: string, spans?: ActionSpan[]): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let trimNext = false;
  while (index < text.length) {
    const open = text.indexOf('{{', index);
    const textEnd = open < 0 ? text.length : open;
    const trimLeft = open >= 0 && text[open + 2] === '-' && isSpace(text[open + 3]);
    let literal = text.slice(index, textEnd);
    if (trimNext) literal = trimStart(literal);
    if (trimLeft) literal = trimEnd(literal);
    if (literal !== '') tokens.push({ type: 'text', value: literal, pos: index, spaced: false });
    if (open < 0) break;
    const bodyStart = open + (trimLeft ? 4 : 2);
    const before = tokens.length;
    const action = lexAction(text, bodyStart, open, tokens);
    spans?.push({ start: open, end: action.end, comment: tokens.length === before });
    trimNext = action.trimRight;
    index = action.end;
  }
  return tokens;
}

function trimStart(text: string): string {
  let start = 0;
  while (start < text.length && isSpace(text[start])) start++;
  return text.slice(start);
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text[end - 1])) end--;
  return text.slice(0, end);
}

/** Where an action's closing delimiter starts at `index` (with its trim marker), or undefined. */
function closeAt(text: string, index: number): { trimRight: boolean; end: number } | undefined {
  if (text.startsWith('}}', index)) return { trimRight: false, end: index + 2 };
  if (isSpace(text[index]) && text[index + 1] === '-' && text.startsWith('}}', index + 2)) return { trimRight: true, end: index + 4 };
  return undefined;
}

/** Lexes one action from `start` (after `{{` and its trim marker) to its `}}`. */
function lexAction(text: string, start: number, open: number, tokens: Token[]): { trimRight: boolean; end: number } {
  let index = start;
  // A comment: `{{/* ... */}}`, possibly with trim markers around it.
  if (text.startsWith('/*', index)) {
    const commentEnd = text.indexOf('*/', index + 2);
    if (commentEnd < 0) throw new TemplateSyntaxError('unclosed comment', open);
    let after = commentEnd + 2;
    while (isSpace(text[after]) && !closeAt(text, after)) after++;
    const close = closeAt(text, after);
    if (!close) throw new TemplateSyntaxError('comment ends before closing delimiter', open);
    return close;
  }
  tokens.push({ type: 'open', value: '{{', pos: open, spaced: false });
  let spaced = false;
  for (;;) {
    const close = closeAt(text, index);
    if (close) {
      tokens.push({ type: 'close', value: '}}', pos: index, spaced });
      return close;
    }
    const ch = text[index];
    if (ch === undefined) throw new TemplateSyntaxError('unclosed action', open);
    if (isSpace(ch)) {
      spaced = true;
      index++;
      continue;
    }
    const token = lexItem(text, index, open);
    // Built field by field: spreading the lexed item was most of the lexer's time (issue 15).
    tokens.push({ type: token.type, value: token.value, pos: index, spaced });
    index = token.end;
    spaced = false;
  }
}

type Lexed = { type: TokenType; value: string; end: number };

/** One token inside an action at `index`. */
function lexItem(text: string, index: number, open: number): Lexed {
  const ch = text[index];
  switch (ch) {
    case '|':
      return { type: 'pipe', value: '|', end: index + 1 };
    case '(':
      return { type: 'leftParen', value: '(', end: index + 1 };
    case ')':
      return { type: 'rightParen', value: ')', end: index + 1 };
    case ',':
      return { type: 'comma', value: ',', end: index + 1 };
    case '=':
      return { type: 'assign', value: '=', end: index + 1 };
    case ':':
      if (text[index + 1] !== '=') throw new TemplateSyntaxError('expected :=', index);
      return { type: 'declare', value: ':=', end: index + 2 };
    case '"':
      return lexQuoted(text, index);
    case '`': {
      const close = text.indexOf('`', index + 1);
      if (close < 0) throw new TemplateSyntaxError('unterminated raw quoted string', index);
      return { type: 'string', value: text.slice(index + 1, close).replace(/\r/g, ''), end: close + 1 };
    }
    case "'":
      return lexChar(text, index);
    case '$':
      return { type: 'variable', value: text.slice(index, alphaNumericEnd(text, index + 1)), end: alphaNumericEnd(text, index + 1) };
    case '.':
      if (isAlphaNumeric(text[index + 1]) && !isDigit(text[index + 1])) {
        const end = alphaNumericEnd(text, index + 1);
        return { type: 'field', value: text.slice(index + 1, end), end };
      }
      if (isDigit(text[index + 1])) return lexNumber(text, index);
      return { type: 'dot', value: '.', end: index + 1 };
    default:
      break;
  }
  if (ch === '+' || ch === '-' || isDigit(ch)) return lexNumber(text, index);
  if (isAlphaNumeric(ch)) {
    const end = alphaNumericEnd(text, index);
    const word = text.slice(index, end);
    if (KEYWORD_LIKE.has(word)) return { type: word === 'nil' ? 'nil' : 'bool', value: word, end };
    return { type: 'identifier', value: word, end };
  }
  throw new TemplateSyntaxError(`unexpected ${JSON.stringify(ch)} in action`, open);
}

function alphaNumericEnd(text: string, index: number): number {
  let end = index;
  while (isAlphaNumeric(text[end])) end++;
  return end;
}

function lexQuoted(text: string, index: number): Lexed {
  let end = index + 1;
  for (;;) {
    const ch = text[end];
    if (ch === undefined || ch === '\n') throw new TemplateSyntaxError('unterminated quoted string', index);
    if (ch === '\\') end += 2;
    else if (ch === '"') break;
    else end++;
  }
  return { type: 'string', value: unquoteGo(text.slice(index + 1, end), index), end: end + 1 };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Go's interpreted string literal escapes. */
function unquoteGo(body: string, pos: number): string {
  let out = '';
  for (let index = 0; index < body.length; index++) {
    const ch = body[index];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++index];
    if (next !== undefined && next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      continue;
    }
    const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = body.slice(index + 1, index + 1 + width);
    if (width === 0 || hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) throw new TemplateSyntaxError('invalid escape in string', pos);
    out += String.fromCodePoint(Number.parseInt(hex, 16));
    index += width;
  }
  return out;
}

function lexChar(text: string, index: number): Lexed {
  let end = index + 1;
  if (text[end] === '\\') end++;
  end++;
  if (text[end] !== "'") throw new TemplateSyntaxError('unterminated character constant', index);
  const body = text.slice(index + 1, end);
  const value = body.startsWith('\\') ? unquoteGo(body, index) : body;
  return { type: 'number', value: String(value.codePointAt(0) ?? 0), end: end + 1 };
}

/** A number as Go's lexer scans it (sign, hex, decimal, float, exponent), checked by Number(). */
function lexNumber(text: string, index: number): Lexed {
  let end = index;
  if (text[end] === '+' || text[end] === '-') end++;
  while (isAlphaNumeric(text[end]) || text[end] === '.' || ((text[end] === '+' || text[end] === '-') && /[eEpP]/.test(text[end - 1] ?? ''))) end++;
  const value = goNumber(text.slice(index, end).replace(/_/g, ''));
  if (value === undefined) throw new TemplateSyntaxError(`bad number syntax: ${JSON.stringify(text.slice(index, end))}`, index);
  return { type: 'number', value: String(value), end };
}

/** A Go number literal: decimal, float, 0x hex (with p exponents), 0o/0 octal, 0b binary. */
function goNumber(written: string): number | undefined {
  const negative = written.startsWith('-');
  const body = written.startsWith('-') || written.startsWith('+') ? written.slice(1) : written;
  const sign = negative ? -1 : 1;
  const prefix = body.slice(0, 2).toLowerCase();
  if (prefix === '0x') {
    const [mantissa, exponent] = body.slice(2).toLowerCase().split('p');
    const [whole, fraction = ''] = mantissa.split('.');
    if (!/^[0-9a-f]*$/.test(whole + fraction) || whole + fraction === '' || (exponent !== undefined && !/^[-+]?\d+$/.test(exponent))) return undefined;
    const digits = Number.parseInt(whole + fraction || '0', 16) / 16 ** fraction.length;
    return sign * digits * 2 ** Number(exponent ?? 0);
  }
  if (prefix === '0o' || prefix === '0b') {
    const radix = prefix === '0o' ? 8 : 2;
    const digits = body.slice(2);
    return digits !== '' && [...digits].every((ch) => Number.parseInt(ch, radix) < radix) ? sign * Number.parseInt(digits, radix) : undefined;
  }
  if (body.length > 1 && body[0] === '0' && [...body].every((ch) => ch >= '0' && ch <= '7')) return sign * Number.parseInt(body, 8);
  return isDecimalLiteral(body) ? sign * Number(body) : undefined;
}

/** `12`, `1.5`, `.5`, `1e3`, `1.5E-3`: checked character by character. */
function isDecimalLiteral(body: string): boolean {
  let index = 0;
  let digits = 0;
  for (; isDigit(body[index]); index++) digits++;
  if (body[index] === '.') {
    for (index++; isDigit(body[index]); index++) digits++;
  }
  if (digits === 0) return false;
  if (body[index] === 'e' || body[index] === 'E') {
    index++;
    if (body[index] === '+' || body[index] === '-') index++;
    const exponentStart = index;
    while (isDigit(body[index])) index++;
    if (index === exponentStart) return false;
  }
  return index === body.length;
}
