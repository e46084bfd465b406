/**
 * HCL's native syntax (Nomad job files), read into blocks and attributes with their offsets. The
 * tokens: identifiers and numbers, quoted template strings (`"redis:${var.tag}"`, interpolations
 * nested to any depth, quotes inside them), heredocs (`<<EOF` … `EOF`, `<<-EOF` with an indented
 * end), punctuation; comments (`#`, `//`, `/* … *\/`) are skipped. One pass over the text; an
 * unterminated string or comment ends the token list there, reported by `unterminated`. An
 * attribute's expression runs to the end of its line, or past the brackets it opens. What the
 * bounds (tokens, nesting) or a closing brace that closes no block leave unread is reported by
 * `unread`, so a reader can say so rather than pass the file as read.
 */

/** A token and `[start, end)` in the text; a string's text is what is between its quotes, as written. */
export interface HclToken {
  kind: 'word' | 'string' | 'heredoc' | 'punct';
  text: string;
  start: number;
  end: number;
}

export interface HclTokens {
  tokens: HclToken[];
  /** Where a string, heredoc or comment that never ends starts, if one does. */
  unterminated?: number;
  /** Where the token bound stopped the reading, if it did. */
  cut?: number;
}

/** A part of the text the reader skipped: where, and why. */
export interface HclUnread {
  offset: number;
  reason: string;
}

/** Bound on tokens read from one file; a bigger file is read up to here. */
const MAX_TOKENS = 500_000;

const isWordStart = (ch: string): boolean => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
const isWordChar = (ch: string): boolean => isWordStart(ch) || (ch >= '0' && ch <= '9') || ch === '-';
const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/**
 * The end (index after the closing quote) of the string whose opening quote is at `start`, or -1.
 * Inside `${ }` and `%{ }` braces nest and quoted strings may appear; a stack of open contexts keeps
 * the scan linear.
 */
function stringEnd(text: string, start: number): number {
  // Each entry: 's' inside a quoted string, or a brace depth counter inside an interpolation.
  const stack: Array<'s' | number> = ['s'];
  let index = start + 1;
  while (index < text.length) {
    const ch = text[index];
    const top = stack[stack.length - 1];
    if (top === 's') {
      if (ch === '\\') index += 2;
      else if (ch === '"') {
        stack.pop();
        index++;
        if (stack.length === 0) return index;
      } else if ((ch === '$' || ch === '%') && text[index + 1] === '{') {
        // `$${` and `%%{` are escapes for a literal `${` and `%{`.
        if (text[index - 1] !== ch) stack.push(0);
        index += 2;
      } else if (ch === '\n') return -1;
      else index++;
    } else {
      if (ch === '"') stack.push('s');
      else if (ch === '{') stack[stack.length - 1] = top + 1;
      else if (ch === '}') {
        if (top === 0) stack.pop();
        else stack[stack.length - 1] = top - 1;
      }
      index++;
    }
  }
  return -1;
}

/** The end of a heredoc whose `<<` is at `start`, past its closing marker line, or -1. */
function heredocEnd(text: string, start: number): number {
  let index = start + 2;
  if (text[index] === '-') index++;
  const nameStart = index;
  while (index < text.length && isWordChar(text[index])) index++;
  const name = text.slice(nameStart, index);
  if (name === '') return -1;
  let lineStart = text.indexOf('\n', index);
  while (lineStart >= 0) {
    let at = lineStart + 1;
    while (text[at] === ' ' || text[at] === '\t') at++;
    const lineEnd = text.indexOf('\n', at);
    const line = text.slice(at, lineEnd < 0 ? text.length : lineEnd).trimEnd();
    if (line === name) return lineEnd < 0 ? text.length : lineEnd;
    lineStart = lineEnd;
  }
  return -1;
}

/** The index after a comment starting at `index`, or -1 when it never ends; `index` itself when none starts there. */
function pastComment(text: string, index: number): number {
  const ch = text[index];
  if (ch === '#' || (ch === '/' && text[index + 1] === '/')) {
    const end = text.indexOf('\n', index);
    return end < 0 ? text.length : end;
  }
  if (ch === '/' && text[index + 1] === '*') {
    const end = text.indexOf('*/', index + 2);
    return end < 0 ? -1 : end + 2;
  }
  return index;
}

export function hclTokens(text: string): HclTokens {
  const tokens: HclToken[] = [];
  let index = 0;
  while (index < text.length && tokens.length < MAX_TOKENS) {
    const ch = text[index];
    const afterComment = pastComment(text, index);
    if (afterComment < 0) return { tokens, unterminated: index };
    if (afterComment !== index) {
      index = afterComment;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      index++;
    } else if (ch === '"') {
      const end = stringEnd(text, index);
      if (end < 0) return { tokens, unterminated: index };
      tokens.push({ kind: 'string', text: text.slice(index + 1, end - 1), start: index, end });
      index = end;
    } else if (ch === '<' && text[index + 1] === '<' && (isWordStart(text[index + 2] ?? '') || text[index + 2] === '-')) {
      const end = heredocEnd(text, index);
      if (end < 0) return { tokens, unterminated: index };
      tokens.push({ kind: 'heredoc', text: '', start: index, end });
      index = end;
    } else if (isWordStart(ch) || isDigit(ch)) {
      const start = index;
      while (index < text.length && (isWordChar(text[index]) || text[index] === '.')) index++;
      tokens.push({ kind: 'word', text: text.slice(start, index), start, end: index });
    } else {
      tokens.push({ kind: 'punct', text: ch, start: index, end: index + 1 });
      index++;
    }
  }
  return index < text.length ? { tokens, cut: index } : { tokens };
}

/** Bound on block nesting (job > group > task > config > ...). */
const MAX_DEPTH = 32;
const TOO_DEEP = `blocks nest deeper than ${MAX_DEPTH} levels: this block (and any other that deep) was not read`;

export interface HclBlock {
  type: string;
  /** Offset of its type word in the text. */
  start: number;
  labels: string[];
  /** Each attribute's expression, as its tokens. */
  attributes: Map<string, HclToken[]>;
  blocks: HclBlock[];
}

/** Whether a newline separates two tokens: what ends an attribute outside brackets. */
function lineBreakBetween(text: string, end: number, start: number): boolean {
  // Only the gap is searched: an `indexOf` from `end` would run to the next newline, the whole rest of
  // a one-line file, for every token.
  for (let index = end; index < start; index++) if (text[index] === '\n') return true;
  return false;
}

/** The index after the expression that starts at `index`: its line, or past the brackets it opens. */
function expressionEnd(text: string, tokens: HclToken[], index: number): number {
  let depth = 0;
  let at = index;
  while (at < tokens.length) {
    const token = tokens[at];
    if (token.kind === 'punct' && '{[('.includes(token.text)) depth++;
    else if (token.kind === 'punct' && '}])'.includes(token.text)) {
      if (depth === 0) return at;
      depth--;
    }
    at++;
    if (depth === 0 && (at >= tokens.length || lineBreakBetween(text, tokens[at - 1].end, tokens[at].start))) return at;
  }
  return at;
}

/** The index after the closing brace of the block whose body starts at `index` (or the end). */
function skipBody(tokens: HclToken[], index: number): number {
  let depth = 0;
  for (let at = index; at < tokens.length; at++) {
    const token = tokens[at];
    if (token.kind !== 'punct') continue;
    if (token.text === '{') depth++;
    else if (token.text === '}' && depth-- === 0) return at + 1;
  }
  return tokens.length;
}

/** The text and tokens being read, and what was skipped (a block nested past the bound). */
interface Reading {
  text: string;
  written: string;
  tokens: HclToken[];
  unread: HclUnread[];
}

/** Reads the body of a block from `index` to its closing brace (or the end); returns the index after it. */
function readBody(reading: Reading, index: number, block: HclBlock, depth: number): number {
  const { text, tokens, written } = reading;
  let at = index;
  while (at < tokens.length) {
    const token = tokens[at];
    if (token.kind === 'punct' && token.text === '}') return at + 1;
    if (token.kind !== 'word') {
      at++;
      continue;
    }
    const next = tokens[at + 1];
    if (next?.kind === 'punct' && next.text === '=') {
      const end = expressionEnd(text, tokens, at + 2);
      block.attributes.set(token.text, tokens.slice(at + 2, end));
      at = end;
      continue;
    }
    // A block: its type, labels, then `{`.
    const child: HclBlock = { type: token.text, start: token.start, labels: [], attributes: new Map(), blocks: [] };
    at++;
    while (at < tokens.length && (tokens[at].kind === 'string' || tokens[at].kind === 'word')) {
      // As written: a masked `[[ .name ]]` label reads as itself.
      const label = tokens[at++];
      child.labels.push(label.kind === 'string' ? written.slice(label.start + 1, label.end - 1) : written.slice(label.start, label.end));
    }
    if (tokens[at]?.kind !== 'punct' || tokens[at].text !== '{') continue;
    if (depth >= MAX_DEPTH) {
      // Skipped, not the rest of the file with it: what follows the block is read. The first one is told.
      if (!reading.unread.some((unread) => unread.reason === TOO_DEEP)) reading.unread.push({ offset: child.start, reason: TOO_DEEP });
      at = skipBody(tokens, at + 1);
      continue;
    }
    at = readBody(reading, at + 1, child, depth + 1);
    block.blocks.push(child);
  }
  return at;
}

/**
 * The blocks and attributes of an HCL text, where a string, heredoc or comment that never ends
 * stops the reading, and what else was left unread. `written` is the text as written when `text`
 * masks parts of it at the same offsets (labels are taken from it).
 */
export function readHcl(text: string, written = text): { root: HclBlock; unterminated?: number; unread: HclUnread[] } {
  const { tokens, unterminated, cut } = hclTokens(text);
  const root: HclBlock = { type: '', start: 0, labels: [], attributes: new Map(), blocks: [] };
  const reading: Reading = { text, written, tokens, unread: [] };
  for (let at = readBody(reading, 0, root, 0); at < tokens.length; at = readBody(reading, at, root, 0)) {
    // A closing brace with no block open ended the top level; HCL refuses the file, and what follows is still read.
    reading.unread.push({ offset: tokens[at - 1].start, reason: 'a closing brace closes no block, so HCL does not read the file' });
  }
  if (cut !== undefined) reading.unread.push({ offset: cut, reason: `the file has more than ${MAX_TOKENS.toLocaleString('en-US')} tokens: the rest of it was not read` });
  return { root, unterminated, unread: reading.unread };
}

/** A string token's value once HCL's escapes are read (`\"`, `\\`, `$${`, `%%{`). */
export function unescape(written: string): string {
  let output = '';
  for (let index = 0; index < written.length; index++) {
    const ch = written[index];
    const next = written[index + 1];
    if (ch === '\\' && (next === '"' || next === '\\')) {
      output += next;
      index++;
    } else if ((ch === '$' || ch === '%') && next === ch && written[index + 2] === '{') {
      output += ch;
      index++;
    } else {
      output += ch;
    }
  }
  return output;
}


/**
 * An attribute's expression read into the shapes Terraform nests images in: objects, tuples and
 * function calls (`jsonencode([{ image = "…" }])`), down to single tokens. Anything else (operators,
 * conditionals, `for` expressions, indexes, splats) is `other`, with its tokens.
 */
export type HclValue =
  | { kind: 'literal'; token: HclToken; start: number; end: number }
  | { kind: 'object'; entries: HclEntry[]; start: number; end: number }
  | { kind: 'tuple'; items: HclValue[]; start: number; end: number }
  | { kind: 'call'; name: string; args: HclValue[]; start: number; end: number }
  | { kind: 'other'; tokens: HclToken[]; start: number; end: number };

interface HclEntry {
  key: string;
  value: HclValue;
}

const isOpen = (token: HclToken): boolean => token.kind === 'punct' && (token.text === '{' || token.text === '[' || token.text === '(');
const isClose = (token: HclToken): boolean => token.kind === 'punct' && (token.text === '}' || token.text === ']' || token.text === ')');
const isPunct = (token: HclToken | undefined, text: string): boolean => token?.kind === 'punct' && token.text === text;

/** The index of the bracket closing the one at `open`, or -1 before `to`. */
function closingBracket(tokens: readonly HclToken[], open: number, to: number): number {
  let depth = 0;
  for (let at = open; at < to; at++) {
    if (isOpen(tokens[at])) depth++;
    else if (isClose(tokens[at]) && --depth === 0) return at;
  }
  return -1;
}

/** The `[start, end)` token ranges of `[from, to)` split at top-level commas (and line breaks, for an object's entries). */
function splitItems(text: string, tokens: readonly HclToken[], from: number, to: number, atLineBreaks: boolean): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let at = from; at < to; at++) {
    const token = tokens[at];
    const breaksLine = atLineBreaks && depth === 0 && at > start && lineBreakBetween(text, tokens[at - 1].end, token.start);
    if (breaksLine) {
      parts.push([start, at]);
      start = at;
    }
    if (isOpen(token)) depth++;
    else if (isClose(token)) depth--;
    else if (depth === 0 && isPunct(token, ',')) {
      if (at > start) parts.push([start, at]);
      start = at + 1;
    }
  }
  if (start < to) parts.push([start, to]);
  return parts;
}

function objectEntries(text: string, tokens: readonly HclToken[], from: number, to: number, depth: number): HclEntry[] {
  const entries: HclEntry[] = [];
  for (const [start, end] of splitItems(text, tokens, from, to, true)) {
    const key = tokens[start];
    // A key Terraform computes is written in parentheses: `(local.name) = { … }`, kept as written.
    const keyEnd = isPunct(key, '(') ? closingBracket(tokens, start, end) : start;
    const separator = tokens[keyEnd + 1];
    if (keyEnd < 0 || (key.kind !== 'word' && key.kind !== 'string' && keyEnd === start) || !(isPunct(separator, '=') || isPunct(separator, ':')) || keyEnd + 2 >= end) continue;
    const name = keyEnd > start ? text.slice(key.start, tokens[keyEnd].end) : key.kind === 'string' ? unescape(key.text) : key.text;
    entries.push({ key: name, value: valueOf(text, tokens, keyEnd + 2, end, depth + 1) });
  }
  return entries;
}

function valueOf(text: string, tokens: readonly HclToken[], from: number, to: number, depth: number): HclValue {
  const first = tokens[from];
  const start = first?.start ?? 0;
  const end = tokens[to - 1]?.end ?? start;
  const other = (): HclValue => ({ kind: 'other', tokens: tokens.slice(from, to), start, end });
  if (from >= to || depth > MAX_DEPTH) return other();
  if (to - from === 1) return first.kind === 'punct' ? other() : { kind: 'literal', token: first, start, end };
  // `{ for … }` and `[for … ]` build values only Terraform knows.
  if (tokens[from + 1].kind === 'word' && tokens[from + 1].text === 'for') return other();
  if ((isPunct(first, '{') || isPunct(first, '[')) && closingBracket(tokens, from, to) === to - 1) {
    if (first.text === '{') return { kind: 'object', entries: objectEntries(text, tokens, from + 1, to - 1, depth), start, end };
    const items = splitItems(text, tokens, from + 1, to - 1, false).map(([itemStart, itemEnd]) => valueOf(text, tokens, itemStart, itemEnd, depth + 1));
    return { kind: 'tuple', items, start, end };
  }
  if (first.kind === 'word' && isPunct(tokens[from + 1], '(') && closingBracket(tokens, from + 1, to) === to - 1) {
    const args = splitItems(text, tokens, from + 2, to - 1, false).map(([argStart, argEnd]) => valueOf(text, tokens, argStart, argEnd, depth + 1));
    return { kind: 'call', name: first.text, args, start, end };
  }
  return other();
}

/** An attribute's expression (its tokens, from `readHcl`) as a value; `text` is the text the tokens were read from. */
export function readExpression(text: string, tokens: readonly HclToken[]): HclValue {
  return valueOf(text, tokens, 0, tokens.length, 0);
}

/** The `[start, end)` of a heredoc token's body: the lines between its opening and closing markers. */
export function heredocBody(text: string, token: HclToken): [number, number] {
  const newline = text.indexOf('\n', token.start);
  const start = newline < 0 || newline >= token.end ? token.end : newline + 1;
  const closingLine = text.lastIndexOf('\n', token.end - 1);
  return [start, Math.max(start, closingLine)];
}
