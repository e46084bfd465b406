/**
 * What Kubernetes tooling reads and the `yaml` package rejects. Go's YAML parsers (go-yaml, which
 * kubectl, Helm and Compose use) and PyYAML do not check the indentation of lines inside a flow
 * collection (`args: ["sh", "-c",` over several lines, `]` at column 1) or of the continuation
 * lines of a quoted scalar (`command: ["sh", "-c", "echo hi\n  && echo there\n"]` with the
 * continuation less indented than the key). The `yaml` package follows the YAML 1.2 indentation
 * rule there and fails the whole document.
 *
 * `joinFlowLines` rewrites a text so that such documents parse, without moving anything: every line
 * break inside a flow collection or a quoted scalar becomes a space, and comments inside flow
 * collections become spaces (a joined line would otherwise comment out what follows). The result
 * has the same length and the same characters everywhere else, so node ranges in it are offsets in
 * the original text. Only the values of multi-line quoted scalars change (how many spaces stand
 * where a line was folded), which no discoverer reads.
 *
 * One linear pass, no regular expressions: block scalars (`|`, `>`) are skipped by indentation,
 * since a script in them may hold unbalanced quotes and brackets.
 */

interface ScanState {
  /** Depth of `[`/`{` nesting; 0 in block context. */
  flowDepth: number;
  /** The quote character of the quoted scalar being read, if any. */
  quote: '"' | "'" | undefined;
  /** Lines indented at most this much end the block scalar being skipped; -1 when none. */
  blockScalarIndent: number;
  /** Whether anything but a line break was rewritten (a comment written against a token). */
  changed: boolean;
}

/**
 * The text with line breaks inside flow collections and quoted scalars replaced by spaces (and
 * comments inside flow collections blanked); undefined when there is nothing to join.
 */
export function joinFlowLines(text: string): string | undefined {
  const output = text.split('');
  const state: ScanState = { flowDepth: 0, quote: undefined, blockScalarIndent: -1, changed: false };
  let changed = false;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const insideFlowOrQuote = scanLine(text, lineStart, lineEnd, state, output);
    if (insideFlowOrQuote && lineEnd < text.length) {
      // The line break (and a `\r` before it) continues the flow collection or quoted scalar.
      output[lineEnd] = ' ';
      if (lineEnd > lineStart && text[lineEnd - 1] === '\r') output[lineEnd - 1] = ' ';
      changed = true;
    }
    if (output.length !== text.length) return undefined;
    lineStart = lineEnd + 1;
  }
  return changed || state.changed ? output.join('') : undefined;
}

/**
 * A comment written right after a closing bracket or quote (`[a, b]# note`): go-yaml reads it as
 * a comment, the `yaml` package wants a space first. Blanked (it is a comment either way).
 */
function blankAdjacentComment(text: string, index: number, end: number, state: ScanState, output: string[]): void {
  if (text[index] !== '#') return;
  for (let blank = index; blank < end; blank++) if (text[blank] !== '\r') output[blank] = ' ';
  state.changed = true;
}

function indentOf(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && text[index] === ' ') index++;
  return index - start;
}

function isBlank(char: string | undefined): boolean {
  return char === undefined || char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/**
 * Reads one line (`end` is its line break or the end of the text), updating the state. Returns
 * whether the line ends inside a flow collection or a quoted scalar.
 */
function scanLine(text: string, start: number, end: number, state: ScanState, output: string[]): boolean {
  const indent = indentOf(text, start, end);
  const contentStart = start + indent;
  if (state.blockScalarIndent >= 0) {
    const blankLine = contentStart >= end || text[contentStart] === '\r';
    if (blankLine || indent > state.blockScalarIndent) return false;
    state.blockScalarIndent = -1;
  }
  if (state.flowDepth === 0 && state.quote === undefined && isDocumentMarker(text, start, end)) return false;
  let index = contentStart;
  if (state.quote !== undefined) {
    index = skipQuoted(text, index, end, state);
    if (state.quote !== undefined) return true;
  }
  if (state.flowDepth > 0) return scanFlow(text, index, end, state, output);
  return scanBlock(text, start, index, end, state, output);
}

function isDocumentMarker(text: string, start: number, end: number): boolean {
  const marker = text.slice(start, start + 3);
  return (marker === '---' || marker === '...') && isBlank(text[start + 3] ?? undefined) && start + 3 <= end;
}

/** Skips quoted text from `index` to the closing quote (state cleared) or to `end` (still inside). */
function skipQuoted(text: string, index: number, end: number, state: ScanState): number {
  while (index < end) {
    const char = text[index];
    if (state.quote === '"' && char === '\\') {
      index += 2;
      continue;
    }
    if (char === state.quote) {
      if (state.quote === "'" && text[index + 1] === "'") {
        index += 2;
        continue;
      }
      state.quote = undefined;
      return index + 1;
    }
    index++;
  }
  return end;
}

/** Flow context: brackets, quotes and comments until the line ends or the outermost collection closes. */
function scanFlow(text: string, index: number, end: number, state: ScanState, output: string[]): boolean {
  while (index < end) {
    const char = text[index];
    if (char === '"' || char === "'") {
      state.quote = char;
      index = skipQuoted(text, index + 1, end, state);
      if (state.quote !== undefined) return true;
      continue;
    }
    if (char === '#' && (index === 0 || isBlank(text[index - 1]))) {
      // Joined with the next line, the comment would swallow it.
      for (let blank = index; blank < end; blank++) if (text[blank] !== '\r') output[blank] = ' ';
      return true;
    }
    if (char === '[' || char === '{') state.flowDepth++;
    else if (char === ']' || char === '}') {
      state.flowDepth--;
      // Back in block context: only a comment may follow on this line.
      if (state.flowDepth === 0) {
        blankAdjacentComment(text, index + 1, end, state, output);
        return false;
      }
    }
    index++;
  }
  return true;
}

/**
 * Block context: finds where a value starts on this line (after `- `, `? `, `key: `, anchors and
 * tags) and what it is: a quoted scalar, a flow collection, a block scalar header, or plain text.
 */
function scanBlock(text: string, lineStart: number, index: number, end: number, state: ScanState, output: string[]): boolean {
  let keyColumn = -1;
  while (index < end) {
    const char = text[index];
    if (char === ' ' || char === '\t') {
      index++;
      continue;
    }
    if (char === '#' || char === '\r') return false;
    if ((char === '-' || char === '?') && isBlank(text[index + 1])) {
      // A sequence entry or explicit key: the node after it is indented past the indicator.
      keyColumn = index - lineStart;
      index++;
      continue;
    }
    if (char === '&' || char === '!') {
      while (index < end && !isBlank(text[index])) index++;
      continue;
    }
    if (char === '"' || char === "'") {
      const quoteColumn = index - lineStart;
      state.quote = char;
      index = skipQuoted(text, index + 1, end, state);
      if (state.quote !== undefined) return true;
      const closed = index;
      index = afterKeyIndicator(text, index, end);
      if (index < 0) {
        blankAdjacentComment(text, closed, end, state, output);
        return false;
      }
      keyColumn = quoteColumn;
      continue;
    }
    if (char === '[' || char === '{') {
      state.flowDepth = 1;
      return scanFlow(text, index + 1, end, state, output);
    }
    if (char === '|' || char === '>') {
      // Block scalar content is indented past the key (or sequence indicator) that owns it.
      state.blockScalarIndent = keyColumn >= 0 ? keyColumn : indentOf(text, lineStart, end);
      return false;
    }
    // A plain scalar: a key when `: ` follows on this line, else a value running to the line's end.
    keyColumn = index - lineStart;
    const colon = plainKeyEnd(text, index, end);
    if (colon < 0) return false;
    index = colon + 1;
  }
  return false;
}

/** After a quoted key: the index after its `:` indicator, or -1 when the quoted scalar was a value. */
function afterKeyIndicator(text: string, index: number, end: number): number {
  while (index < end && (text[index] === ' ' || text[index] === '\t')) index++;
  return index < end && text[index] === ':' && isBlank(text[index + 1]) ? index + 1 : -1;
}

/** The index of the `:` ending a plain key on this line, or -1 (a plain value, or a comment first). */
function plainKeyEnd(text: string, index: number, end: number): number {
  for (let i = index; i < end; i++) {
    const char = text[i];
    if (char === ':' && isBlank(text[i + 1])) return i;
    if (char === '#' && isBlank(text[i - 1])) return -1;
  }
  return -1;
}

/**
 * Stands for each character of a template action (`{{ .Values.tag }}`) written inside a value, so
 * the value still parses and anything built from it is known to hold a placeholder. An invisible
 * separator (U+2063): never part of an image, one UTF-16 unit like the characters it replaces.
 */
export const TEMPLATE_ACTION_MARK = '\u2063';

/**
 * A YAML file that is a template (Go or Jinja `{{ }}` actions, Jinja or Liquid `{% %}` statements
 * closed on their line such as the `{% raw %}`/`{% endraw %}` around a documentation snippet,
 * rendered by some tool before it is YAML) rewritten so that it parses as the YAML around them: a
 * line holding only actions (and perhaps a comment after them) becomes a blank line, an action inside a line becomes
 * `TEMPLATE_ACTION_MARK`s. Same length, same line breaks, so offsets stay. Undefined when the text
 * has no action.
 */
export function maskTemplateActions(text: string): string | undefined {
  if (!text.includes('{{') && !text.includes('{%')) return undefined;
  const output = text.split('');
  const searches: Searches = { action: new ForwardSearch(text, '{{'), statement: new ForwardSearch(text, '{%'), actionEnd: new ForwardSearch(text, '}}'), statementEnd: new ForwardSearch(text, '%}') };
  let changed = false;
  let lineStart = 0;
  // Where an action opened on an earlier line ends (`{{- if and` ... `}}` over several lines), or -1.
  let carried = -1;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const inside: Array<[number, number]> = carried > lineStart ? [[lineStart, Math.min(carried, lineEnd)]] : [];
    const actions = carried >= lineEnd ? inside : [...inside, ...actionsOf(text, Math.max(lineStart, carried), lineEnd, searches)];
    carried = carried >= lineEnd ? carried : continuedAction(text, actions, lineEnd, searches.actionEnd);
    if (actions.length > 0) {
      changed = true;
      if (onlyActions(text, lineStart, lineEnd, actions)) {
        // `{{- if .x }}`, `{{ end }}`, `{{- include "t" . | nindent 4 }}`: structure, not content. A
        // blank line, not a comment: inside a block scalar (a script) a comment at column 0 would end it.
        for (let index = lineStart; index < lineEnd; index++) if (text[index] !== '\r') output[index] = ' ';
      } else {
        for (const [start, end] of actions) for (let index = start; index < end; index++) output[index] = TEMPLATE_ACTION_MARK;
      }
    }
    lineStart = lineEnd + 1;
  }
  return changed ? output.join('') : undefined;
}

/** Lines an action may run over (`{{- if and` with one condition per line): beyond, an unclosed `{{` is text. */
const MAX_ACTION_LINES = 30;

/**
 * Where the line's last action ends when it opens here and closes on a later line (at most
 * MAX_ACTION_LINES on), or -1.
 */
function continuedAction(text: string, actions: Array<[number, number]>, lineEnd: number, closing: ForwardSearch): number {
  const last = actions.at(-1);
  if (!last || last[1] !== lineEnd || !text.startsWith('{{', last[0])) return -1;
  const close = closing.after(last[0] + 2);
  if (close < lineEnd || close >= text.length) return -1; // closed on its line, or never
  let lines = 0;
  for (let index = text.indexOf('\n', lineEnd); index >= 0 && index < close; index = text.indexOf('\n', index + 1)) {
    if (++lines > MAX_ACTION_LINES) return -1;
  }
  return close + 2;
}

/**
 * The next `{{` (or `{%`, `}}`, `%}`) at or after a position, for positions that only move forward:
 * each search starts where the last one ended, so finding every one in a text reads it once (a
 * search from each line would read the rest of the text for each line: quadratic).
 */
export class ForwardSearch {
  private found = -2;

  constructor(
    private readonly text: string,
    private readonly token: string,
  ) {}

  /** The index of the next occurrence at or after `from`, or the text's length when there is none. */
  after(from: number): number {
    if (this.found === -1) return this.text.length;
    if (this.found < from) this.found = this.text.indexOf(this.token, from);
    return this.found === -1 ? this.text.length : this.found;
  }
}

/**
 * `[start, end)` of every `{{ ... }}` on a line (one left open runs to the line's end) and every
 * `{% ... %}` closed on it (an unclosed `{%` is text, as in a format string).
 */
interface Searches {
  action: ForwardSearch;
  statement: ForwardSearch;
  actionEnd: ForwardSearch;
  statementEnd: ForwardSearch;
}

function actionsOf(text: string, start: number, end: number, searches: Searches): Array<[number, number]> {
  const actions: Array<[number, number]> = [];
  let cursor = start;
  while (cursor < end) {
    const action = nextOpening(searches.action, cursor, end);
    const statement = nextOpening(searches.statement, cursor, end);
    if (action < 0 && statement < 0) break;
    if (action >= 0 && (statement < 0 || action < statement)) {
      const close = searches.actionEnd.after(action + 2);
      const actionEnd = close >= end ? end : close + 2;
      actions.push([action, actionEnd]);
      cursor = actionEnd;
    } else {
      const close = searches.statementEnd.after(statement + 2);
      if (close < end) actions.push([statement, close + 2]);
      cursor = close < end ? close + 2 : statement + 2;
    }
  }
  return actions;
}

/** Where an opening next starts on the line, or -1. */
function nextOpening(search: ForwardSearch, from: number, end: number): number {
  const index = search.after(from);
  return index < end ? index : -1;
}

/**
 * Whether a line holds nothing but actions, and at most a comment after them
 * (`{{ $image := .Image }} # the range below hides the root context`).
 */
function onlyActions(text: string, start: number, end: number, actions: Array<[number, number]>): boolean {
  let cursor = start;
  for (const [actionStart, actionEnd] of actions) {
    if (text.slice(cursor, actionStart).trim() !== '') return false;
    cursor = actionEnd;
  }
  const rest = text.slice(cursor, end);
  const afterSpace = rest.trimStart();
  // YAML opens a comment with a `#` after white space only.
  return afterSpace.trimEnd() === '' || (afterSpace.startsWith('#') && afterSpace.length < rest.length);
}

/**
 * Stands for the `@` that opens an `@NAME@` placeholder written as a plain value (`image: @IMAGE@`,
 * filled in by sed or a build tool before the file is YAML). YAML reserves `@` at the start of a
 * plain scalar, so such a file does not parse; with the mark (U+2064, invisible, one UTF-16 unit)
 * in its place it does, and the value is known to be a placeholder.
 */
export const PLACEHOLDER_MARK = '\u2064';

/**
 * The text with the opening `@` of each `@NAME@` value (after `key:` or a `- ` item marker, the
 * whole value up to a comment or the line's end) replaced by `PLACEHOLDER_MARK`. Same length, so
 * offsets stay. Undefined when there is none.
 */
export function maskAtPlaceholders(text: string): string | undefined {
  if (!text.includes('@')) return undefined;
  let output: string[] | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const at = placeholderValueStart(text, lineStart, lineEnd);
    if (at >= 0) (output ??= text.split(''))[at] = PLACEHOLDER_MARK;
    lineStart = lineEnd + 1;
  }
  return output?.join('');
}

const isNameChar = (ch: string) => (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '_' || ch === '-' || ch === '.';

/** Where the `@` of an `@NAME@` value starts on the line, or -1. */
function placeholderValueStart(text: string, start: number, end: number): number {
  const at = text.indexOf('@', start);
  if (at < 0 || at >= end) return -1;
  // What precedes the `@` on its line: `key:` then blanks, or `-` then blanks (possibly after indentation).
  let before = at - 1;
  while (before >= start && (text[before] === ' ' || text[before] === '\t')) before--;
  if (before < start || before === at - 1 || (text[before] !== ':' && text[before] !== '-')) return -1;
  if (text[before] === '-' && text.slice(start, before).trim() !== '') return -1;
  let index = at + 1;
  while (index < end && isNameChar(text[index])) index++;
  if (index === at + 1 || text[index] !== '@') return -1;
  // The value may go on (`@REGISTRY@/app:1`), but it must be one plain word up to a comment or the line's end.
  index++;
  while (index < end && text[index] !== ' ' && text[index] !== '\t' && text[index] !== '\r') index++;
  const rest = text.slice(index, end).trim();
  return rest === '' || rest.startsWith('#') ? at : -1;
}
