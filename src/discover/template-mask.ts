/**
 * Template files read as the YAML around their template syntax: the one masker every reader of a
 * template uses. The text is rewritten at the same length with the same line breaks, so a node's
 * range in the masked text is an offset in the template.
 *
 * Two dialects:
 * - `actions`: a file some tool fills in before it is YAML (Go text/template `{{ }}` actions in a
 *   manifest outside a Helm chart, a Liquid or Jinja `{% %}` statement closed on its line such as
 *   a `{% raw %}` around a documentation snippet). A `{%` not closed on its line is text, as in a
 *   format string, and `{#` is text (`${#items[@]}` in a script).
 * - `jinja`: a Jinja template (`*.j2`, `.jinja`): also `{% %}` statements over several lines,
 *   `{# #}` comments and `{% raw %}` blocks whose text is output as written.
 * In both, strings inside a tag may hold a closing delimiter (`{{ x | default('}}') }}`). One
 * forward pass; no regular expression reads the template. `@NAME@` placeholders that sed fills in
 * are masked here too (`maskAtPlaceholders`), and so are lines that are only a placeholder or an
 * ellipsis (`maskPlaceholderLines`).
 */
import { isWholePlaceholder } from '../reference/placeholder.js';
import { LineIndex } from './position.js';

/**
 * Stands for each character of a template action (`{{ .Values.tag }}`) written inside a value, so
 * the value still parses and anything built from it is known to hold a placeholder. An invisible
 * separator (U+2063): never part of an image, one UTF-16 unit like the characters it replaces.
 */
export const TEMPLATE_ACTION_MARK = '\u2063';

/**
 * The next `{{` (or `{%`, `}}`, `%}`) at or after a position, for positions that only move forward:
 * each search starts where the last one ended, so finding every one in a text reads it once (a
 * search from each line would read the rest of the text for each line: quadratic).
 */
class ForwardSearch {
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

/** Which template syntax a file holds (see the top of this file). */
export type TemplateDialect = 'actions' | 'jinja';

type TagKind = 'expression' | 'statement' | 'comment';

/** One tag (`{{ }}`, `{% %}`, `{# #}`): `[start, end)` in the text. */
export interface Tag {
  kind: TagKind;
  start: number;
  end: number;
}

/**
 * The template with its template syntax masked, same length and same line breaks, so node ranges
 * in it are offsets in the template:
 * - a line holding only tags (`{% if x %}`, `{%- endfor %}`, `{{ extra | to_nice_yaml }}`, the
 *   inner lines of a tag over several lines), perhaps with a comment after them
 *   (`{{ $image := .Image }} # the range below hides the root context`), becomes empty, its
 *   characters moved as trailing spaces onto the last line above that has content (see `movePadding`);
 * - a tag inside a line becomes `TEMPLATE_ACTION_MARK`s, so a value holding one is known to be
 *   filled in at render time, except statements and comments that stand between two separators
 *   (`["a"{% if x %}, "b"{% endif %}]`, `image: nginx:1.25 {# pinned #}`), which render to
 *   nothing there and become spaces.
 * Undefined when the template has no template syntax.
 */
export function maskTemplate(text: string, dialect: TemplateDialect): string | undefined {
  if (!text.includes('{{') && !text.includes('{%') && !(dialect === 'jinja' && text.includes('{#'))) return undefined;
  const tags = templateTags(text, dialect);
  if (tags.length === 0) return undefined;
  const output = text.split('');
  let emptied = false;
  let tagIndex = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // Tags ending before this line are done with; the first one left may have started on an earlier line.
    while (tagIndex < tags.length && tags[tagIndex].end <= lineStart) tagIndex++;
    let last = tagIndex;
    while (last < tags.length && tags[last].start < lineEnd) last++;
    if (last > tagIndex) emptied = maskLine(text, output, lineStart, lineEnd, tags.slice(tagIndex, last)) || emptied;
    lineStart = lineEnd + 1;
  }
  if (emptied) movePadding(output);
  return output.join('');
}

/** Masks the tags (clipped to the line) of one line `[start, end)`; true when the line was only tags and is now blank. */
function maskLine(text: string, output: string[], start: number, end: number, tags: Tag[]): boolean {
  if (onlyTags(text, start, end, tags)) {
    for (let index = start; index < end; index++) if (text[index] !== '\r') output[index] = ' ';
    return true;
  }
  for (const group of touchingGroups(tags)) {
    const from = Math.max(group[0].start, start);
    const to = Math.min(group[group.length - 1].end, end);
    const mark = rendersToNothing(text, group, from, to, start, end) ? ' ' : TEMPLATE_ACTION_MARK;
    for (let index = from; index < to; index++) if (text[index] !== '\r') output[index] = mark;
  }
  return false;
}

/** Tags written one right after another (`{% endif %}{% if y %}`), together. */
function touchingGroups(tags: Tag[]): Tag[][] {
  const groups: Tag[][] = [];
  for (const tag of tags) {
    const group = groups.at(-1);
    if (group && group[group.length - 1].end === tag.start) group.push(tag);
    else groups.push([tag]);
  }
  return groups;
}

/** Characters a statement may stand between and render to nothing without changing a value: flow punctuation and quotes. */
const SEPARATORS = new Set([',', '[', ']', '{', '}', '"', "'"]);

/**
 * Whether a group of tags `[from, to)` on the line `[start, end)` can be blanked: no expression in
 * it, and on each side a separator (flow punctuation, a quote, the line's end, after any white
 * space) rather than a word it could be part of (`nginx:{% if alpine %}1.25-alpine{% else %}1.25{% endif %}`
 * is a value decided at render time). A comment only needs white space on one side. A group that
 * ends its line right after a block key (`args: {% for v in x %}` or `files:{% for f in x %}`, the
 * items on the lines below) leaves the key's value to those lines, as when rendered.
 */
function rendersToNothing(text: string, group: Tag[], from: number, to: number, start: number, end: number): boolean {
  if (group.some((tag) => tag.kind === 'expression')) return false;
  const before = from > start ? text[from - 1] : ' ';
  const after = to < end ? text[to] : ' ';
  if (group.every((tag) => tag.kind === 'comment') && (isSpace(before) || isSpace(after))) return true;
  if (isWhiteSpace(text, to, end) && followsBlockKey(text, from, start)) return true;
  return separatorAround(text, from - 1, start, -1) && separatorAround(text, to, end, 1);
}

/**
 * Whether the line `[start, index)` is only a plain block mapping key and its colon (`  files:`,
 * `- args: `): not a value holding a colon (`image: nginx:{% if x %}`), which the tag may continue.
 */
function followsBlockKey(text: string, index: number, start: number): boolean {
  let cursor = index - 1;
  while (cursor >= start && isSpace(text[cursor])) cursor--;
  if (cursor < start || text[cursor] !== ':') return false;
  const keyEnd = --cursor;
  while (cursor >= start && isKeyChar(text[cursor])) cursor--;
  if (cursor === keyEnd) return false;
  while (cursor >= start && isSpace(text[cursor])) cursor--;
  if (cursor >= start && text[cursor] === '-') cursor--;
  while (cursor >= start && isSpace(text[cursor])) cursor--;
  return cursor < start;
}

function isKeyChar(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '_' || char === '-' || char === '.';
}

/** Whether the first character other than white space from `index` in `direction` (up to `limit`) is a separator or the line's end. */
function separatorAround(text: string, index: number, limit: number, direction: 1 | -1): boolean {
  while (direction < 0 ? index >= limit : index < limit) {
    if (!isSpace(text[index])) return SEPARATORS.has(text[index]);
    index += direction;
  }
  return true;
}

/** Whether the line holds nothing but tags and white space, and at most a comment after them. */
function onlyTags(text: string, start: number, end: number, tags: Tag[]): boolean {
  let cursor = start;
  for (const tag of tags) {
    if (!isWhiteSpace(text, cursor, Math.max(tag.start, start))) return false;
    cursor = Math.min(tag.end, end);
  }
  let rest = cursor;
  while (rest < end && isSpace(text[rest])) rest++;
  // YAML opens a comment with a `#` after white space only (`{{ .a }}#text` is a value).
  return rest === end || (text[rest] === '#' && rest > cursor);
}

/**
 * Moves the white space of blank lines onto the end of the last line above them with content, so
 * the blank lines are empty: a blanked `{% if %}` line of 40 spaces inside a block scalar
 * (`Corefile: |`) would otherwise be a leading line more indented than the scalar's content, which
 * YAML rejects. Trailing spaces change no value the discoverers read, and every line break and
 * every line with content stays where it was.
 */
function movePadding(output: string[]): void {
  let contentEnd = -1; // just after the last non-blank character of the last line with content
  let lineStart = 0;
  while (lineStart < output.length) {
    let lineEnd = lineStart;
    while (lineEnd < output.length && output[lineEnd] !== '\n') lineEnd++;
    let lastContent = lineEnd - 1;
    while (lastContent >= lineStart && isSpace(output[lastContent])) lastContent--;
    if (lastContent >= lineStart) {
      if (contentEnd >= 0) gatherBreaksLast(output, contentEnd, lineStart);
      contentEnd = lastContent + 1;
    }
    lineStart = lineEnd + 1;
  }
}

/** Rewrites `[start, end)`, white space and line breaks only, as its spaces first and then its line breaks in order. */
function gatherBreaksLast(output: string[], start: number, end: number): void {
  const breaks: string[] = [];
  for (let index = start; index < end; index++) if (output[index] === '\r' || output[index] === '\n') breaks.push(output[index]);
  const spaces = end - start - breaks.length;
  for (let index = start; index < start + spaces; index++) output[index] = ' ';
  for (let index = 0; index < breaks.length; index++) output[start + spaces + index] = breaks[index];
}


function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

function isWhiteSpace(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (!isSpace(text[index])) return false;
  return true;
}

/**
 * Every tag of a template, in order. A tag left open runs to the end of its line (the template
 * engine rejects it; the line's value cannot be known), and so does an expression or a statement
 * closed more than MAX_TAG_LINES lines on: a stray `{{` in text must not swallow the file. Inside
 * `{% raw %}` ... `{% endraw %}` only those two tags count.
 */
export function templateTags(text: string, dialect: TemplateDialect): Tag[] {
  const tags: Tag[] = [];
  const closer = new TagCloser(text, dialect);
  let cursor = 0;
  for (let open = text.indexOf('{', cursor); open >= 0; open = text.indexOf('{', cursor)) {
    const kind = tagKind(text[open + 1], dialect);
    const found = kind === undefined ? undefined : closer.tagEnd(kind, open);
    if (kind === undefined || found === undefined) {
      cursor = open + 1;
      continue;
    }
    tags.push({ kind, start: open, end: found.end });
    cursor = found.end;
    if (kind === 'statement' && dialect === 'jinja' && found.closed && isRawStatement(text, open, found.end)) {
      const endRaw = endRawTag(text, found.end);
      if (endRaw === undefined) break; // Jinja rejects the template; the rest is text
      tags.push({ kind: 'statement', start: endRaw[0], end: endRaw[1] });
      cursor = endRaw[1];
    }
  }
  return tags;
}

/**
 * A statement tag's keyword and what follows it, whitespace control and blanks left out:
 * `{%- if x == 1 -%}` -> `if` and `x == 1`. The keyword is its lower-case letters (`{% if(x) %}` ->
 * `if`, `(x)`).
 */
export function statementParts(text: string, tag: Tag): { keyword: string; rest: string } {
  let at = tag.start + 2;
  while (at < tag.end && (text[at] === '-' || text[at] === '+' || text[at] === ' ' || text[at] === '\t')) at++;
  let end = at;
  while (end < tag.end && text[end] >= 'a' && text[end] <= 'z') end++;
  // A tag left open runs to the end of its line (templateTags) and has no `%}` to leave out.
  let restEnd = text[tag.end - 2] === '%' && text[tag.end - 1] === '}' ? tag.end - 2 : tag.end;
  if (text[restEnd - 1] === '-' || text[restEnd - 1] === '+') restEnd--;
  return { keyword: text.slice(at, end), rest: text.slice(end, Math.max(end, restEnd)).trim() };
}

function tagKind(char: string | undefined, dialect: TemplateDialect): TagKind | undefined {
  if (char === '{') return 'expression';
  if (char === '%') return 'statement';
  if (char === '#' && dialect === 'jinja') return 'comment';
  return undefined;
}

/** Lines an expression or a statement may run over (`{{- if and` with one condition per line). */
const MAX_TAG_LINES = 30;

function lineEndAfter(text: string, index: number): number {
  const lineEnd = text.indexOf('\n', index);
  return lineEnd < 0 ? text.length : lineEnd;
}

/**
 * Finds where tags close. A comment closes at the next `#}`. An expression or a statement closes at
 * the next `}}` or `%}` outside a quoted string, as Jinja's lexer reads it; each such search starts
 * where the tag opened, after the previous tag, so together they read the text once. After a search
 * that finds no close, or one too far on, every later one takes the next delimiter whatever the
 * quotes, from searches that only move forward: the text is still read a bounded number of times.
 * In the `actions` dialect a statement closes at the next `%}` on its line, or is no tag.
 */
class TagCloser {
  private quotesFollowed = true;
  private readonly plain: Record<TagKind, ForwardSearch>;
  private lines: LineIndex | undefined;

  constructor(
    private readonly text: string,
    private readonly dialect: TemplateDialect,
  ) {
    this.plain = { expression: new ForwardSearch(text, '}}'), statement: new ForwardSearch(text, '%}'), comment: new ForwardSearch(text, '#}') };
  }

  /**
   * Where the tag opened at `open` ends: just after its closing delimiter (`closed`), or at its
   * line's end when it is left open or closed too far on. Undefined when it is no tag.
   */
  tagEnd(kind: TagKind, open: number): { end: number; closed: boolean } | undefined {
    if (kind === 'statement' && this.dialect === 'actions') {
      const close = this.plain.statement.after(open + 2);
      return close < this.text.length && this.linesBetween(open, close) === 0 ? { end: close + 2, closed: true } : undefined;
    }
    const close = this.close(kind, open + 2);
    if (close >= 0 && (kind === 'comment' || this.linesBetween(open, close) <= MAX_TAG_LINES)) return { end: close, closed: true };
    if (close >= 0) this.quotesFollowed = false;
    return { end: lineEndAfter(this.text, open), closed: false };
  }

  /** How many line breaks stand between two offsets (a line index built once, when first needed). */
  private linesBetween(from: number, to: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.positionAt(to).line - this.lines.positionAt(from).line;
  }

  /** The index just after the tag's closing delimiter, or -1 when it is never closed. */
  private close(kind: TagKind, from: number): number {
    if (kind !== 'comment' && this.quotesFollowed) {
      const found = this.closeOutsideStrings(kind === 'expression' ? '}' : '%', from);
      if (found >= 0) return found;
      this.quotesFollowed = false;
    }
    const found = this.plain[kind].after(from);
    return found < this.text.length ? found + 2 : -1;
  }

  /** The end of the first `<first>}` outside strings from `from`, or -1. */
  private closeOutsideStrings(first: string, from: number): number {
    const text = this.text;
    let quote: string | undefined;
    for (let index = from; index < text.length; index++) {
      const char = text[index];
      if (quote !== undefined) {
        if (char === '\\') index++;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') {
        quote = char;
      } else if (char === first && text[index + 1] === '}') {
        return index + 2;
      }
    }
    return -1;
  }
}

/** Whether the statement `[open, close)` is `{% raw %}` (whitespace control allowed: `{%- raw -%}`). */
function isRawStatement(text: string, open: number, close: number): boolean {
  return statementWord(text, open + 2, close - 2) === 'raw';
}

/** The statement's body without whitespace control markers and blanks. */
function statementWord(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  if (text[from] === '-' || text[from] === '+') from++;
  if (to > from && (text[to - 1] === '-' || text[to - 1] === '+')) to--;
  return text.slice(from, to).trim();
}

/**
 * `[start, end)` of the `{% endraw %}` after a `{% raw %}`, or undefined when there is none. The
 * searches only move forward: each `endraw` word and each `%}` is found once.
 */
function endRawTag(text: string, from: number): [number, number] | undefined {
  const closing = new ForwardSearch(text, '%}');
  for (let word = text.indexOf('endraw', from); word >= 0; word = text.indexOf('endraw', word + 1)) {
    let open = word - 1;
    while (open > from && isSpace(text[open])) open--;
    if (text[open] === '-' || text[open] === '+') open--;
    if (text[open] !== '%' || text[open - 1] !== '{') continue;
    const close = closing.after(word);
    if (close >= text.length) return undefined;
    if (statementWord(text, open + 1, close) === 'endraw') return [open - 1, close + 2];
  }
  return undefined;
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

/**
 * The text with each line that is only a placeholder blanked to spaces: a whole entry a tool writes
 * in before the file is YAML (kubefirst's `<CERT_MANAGER_ISSUER_ANNOTATION_1>` among an ingress's
 * annotations), or an ellipsis (`...`, `…`) standing for lines a documentation snippet leaves out.
 * Go's parsers reject such a file as the `yaml` package does; read without those lines, the rest of
 * it is what the filled-in file holds. A line starting with `{`, `[` or `#` is YAML (a flow
 * collection, a comment) and `...` at column 0 ends a document: those are kept. Same length, so
 * offsets stay; undefined when no line is blanked.
 */
export function maskPlaceholderLines(text: string): string | undefined {
  let output: string[] | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let start = lineStart;
    while (start < lineEnd && (text[start] === ' ' || text[start] === '\t')) start++;
    let end = lineEnd;
    while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t' || text[end - 1] === '\r')) end--;
    if (end > start && isPlaceholderLine(text.slice(start, end), start === lineStart)) {
      output ??= text.split('');
      for (let index = start; index < end; index++) output[index] = ' ';
    }
    lineStart = lineEnd + 1;
  }
  return output?.join('');
}

/** Whether a line's content (no surrounding blanks) stands for lines still to be written. */
function isPlaceholderLine(content: string, atColumnZero: boolean): boolean {
  if (content === '\u2026') return true;
  if (content.length >= 3 && [...content].every((ch) => ch === '.')) return !atColumnZero;
  const first = content[0];
  return first !== '{' && first !== '[' && first !== '#' && isWholePlaceholder(content);
}
