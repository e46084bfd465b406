/**
 * Jinja templates of compose files and Kubernetes manifests (Ansible roles' `templates/*.yml.j2`,
 * harbor's `docker-compose.yml.jinja`): which files are such templates, and the template rewritten
 * so that it parses as the YAML around its Jinja syntax, at the same offsets.
 *
 * What Jinja adds to the `{{ }}` actions other templates have (see yaml-tolerant.ts): `{% %}`
 * statements that may run over several lines, `{# #}` comments, `{% raw %}` blocks whose text is
 * output as written, and strings inside tags that may hold a closing delimiter
 * (`{{ x | default('}}') }}`). One forward pass; no regular expression reads the template.
 */
import type { LineIndex } from './position.js';
import { ForwardSearch, TEMPLATE_ACTION_MARK } from './yaml-tolerant.js';

/** `.j2`, `.jinja` and `.jinja2`: the suffixes Ansible, Salt and Python tools give Jinja templates. */
const JINJA_SUFFIXES = ['.j2', '.jinja', '.jinja2'];

/** The unresolved note of an image that holds Jinja syntax. */
export const JINJA_EXPRESSION_NOTE = 'a Jinja expression fills it in when the template is rendered';

/**
 * The path of the file a Jinja template renders (`roles/x/templates/deployment.yml.j2` ->
 * `roles/x/templates/deployment.yml`), or undefined when the path is no Jinja template. Only the
 * inner name decides what kind of file the template is.
 */
export function renderedPath(path: string): string | undefined {
  const lower = path.toLowerCase();
  for (const suffix of JINJA_SUFFIXES) {
    if (lower.endsWith(suffix) && path.length > suffix.length) {
      const inner = path.slice(0, path.length - suffix.length);
      return inner.endsWith('/') ? undefined : inner;
    }
  }
  return undefined;
}

/** The rendered path of a Jinja template, or the path itself. */
export function withoutJinjaSuffix(path: string): string {
  return renderedPath(path) ?? path;
}

type TagKind = 'expression' | 'statement' | 'comment';

/** One Jinja tag: `[start, end)` in the text. */
interface Tag {
  kind: TagKind;
  start: number;
  end: number;
}

/**
 * The template with its Jinja syntax masked, same length and same line breaks, so node ranges in
 * it are offsets in the template:
 * - a line holding only tags (`{% if x %}`, `{%- endfor %}`, `{{ extra | to_nice_yaml }}`, the
 *   inner lines of a tag over several lines) becomes empty, its characters moved as trailing
 *   spaces onto the last line above that has content (see `movePadding`);
 * - a tag inside a line becomes `TEMPLATE_ACTION_MARK`s, so a value holding one is known to be
 *   filled in at render time, except statements and comments that stand between two separators
 *   (`["a"{% if x %}, "b"{% endif %}]`, `image: nginx:1.25 {# pinned #}`), which render to
 *   nothing there and become spaces.
 * Undefined when the template has no Jinja syntax.
 */
export function maskJinja(text: string): string | undefined {
  const tags = jinjaTags(text);
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
 * is a value decided at render time). A comment only needs white space on one side.
 */
function rendersToNothing(text: string, group: Tag[], from: number, to: number, start: number, end: number): boolean {
  if (group.some((tag) => tag.kind === 'expression')) return false;
  const before = from > start ? text[from - 1] : ' ';
  const after = to < end ? text[to] : ' ';
  if (group.every((tag) => tag.kind === 'comment') && (isSpace(before) || isSpace(after))) return true;
  return separatorAround(text, from - 1, start, -1) && separatorAround(text, to, end, 1);
}

/** Whether the first character other than white space from `index` in `direction` (up to `limit`) is a separator or the line's end. */
function separatorAround(text: string, index: number, limit: number, direction: 1 | -1): boolean {
  while (direction < 0 ? index >= limit : index < limit) {
    if (!isSpace(text[index])) return SEPARATORS.has(text[index]);
    index += direction;
  }
  return true;
}

/** Whether the line holds nothing but tags and white space. */
function onlyTags(text: string, start: number, end: number, tags: Tag[]): boolean {
  let cursor = start;
  for (const tag of tags) {
    if (!isWhiteSpace(text, cursor, Math.max(tag.start, start))) return false;
    cursor = Math.min(tag.end, end);
  }
  return isWhiteSpace(text, cursor, end);
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
 * Every tag of a template, in order. A tag left open runs to the end of its line (Jinja rejects
 * the template; the line's value cannot be known). Inside `{% raw %}` ... `{% endraw %}` only
 * those two tags count.
 */
export function jinjaTags(text: string): Tag[] {
  const tags: Tag[] = [];
  const closer = new TagCloser(text);
  let cursor = 0;
  for (let open = text.indexOf('{', cursor); open >= 0; open = text.indexOf('{', cursor)) {
    const kind = tagKind(text[open + 1]);
    if (kind === undefined) {
      cursor = open + 1;
      continue;
    }
    const close = closer.close(kind, open + 2);
    const end = close >= 0 ? close : lineEndAfter(text, open);
    tags.push({ kind, start: open, end });
    cursor = end;
    if (kind === 'statement' && close >= 0 && isRawStatement(text, open, close)) {
      const endRaw = endRawTag(text, close);
      if (endRaw === undefined) break; // Jinja rejects the template; the rest is text
      tags.push({ kind: 'statement', start: endRaw[0], end: endRaw[1] });
      cursor = endRaw[1];
    }
  }
  return tags;
}

function tagKind(char: string | undefined): TagKind | undefined {
  if (char === '{') return 'expression';
  if (char === '%') return 'statement';
  if (char === '#') return 'comment';
  return undefined;
}

function lineEndAfter(text: string, index: number): number {
  const lineEnd = text.indexOf('\n', index);
  return lineEnd < 0 ? text.length : lineEnd;
}

/**
 * Finds where tags close. A comment closes at the next `#}`. An expression or a statement closes at
 * the next `}}` or `%}` outside a quoted string, as Jinja's lexer reads it; each such search starts
 * where the tag opened, after the previous tag, so together they read the text once. After a search
 * that finds no close (Jinja rejects that template), every later one takes the next delimiter
 * whatever the quotes, from searches that only move forward: the text is still read a bounded
 * number of times.
 */
class TagCloser {
  private quotesFollowed = true;
  private readonly plain: Record<TagKind, ForwardSearch>;

  constructor(private readonly text: string) {
    this.plain = { expression: new ForwardSearch(text, '}}'), statement: new ForwardSearch(text, '%}'), comment: new ForwardSearch(text, '#}') };
  }

  /** The index just after the tag's closing delimiter, or -1 when it is never closed. */
  close(kind: TagKind, from: number): number {
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

/** An image read from its line in a part of a template that does not parse as YAML. */
export interface LineImage {
  /** 0-based offset of `raw` in the template. */
  offset: number;
  /** As written (inside the quotes when quoted). */
  raw: string;
  value: string | { unresolved: string };
}

/**
 * The `image:` values written in `[start, end)` of a template whose YAML there does not parse until
 * it is rendered (a `{% if %}` choosing between two flow items): each `image:` key at the start of
 * a line (or of a list item) with a scalar on its line. `masked` is `maskJinja`'s text, which tells
 * the keys and the tags apart; `raw` comes from the template. A value holding a tag is unresolved.
 */
export function imageLines(text: string, masked: string, start: number, end: number): LineImage[] {
  const images: LineImage[] = [];
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = masked.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const valueStart = imageValueStart(masked, lineStart, lineEnd);
    const span = valueStart < 0 ? undefined : scalarSpan(masked, valueStart, lineEnd);
    if (span !== undefined) {
      const written = masked.slice(span[0], span[1]);
      const value = written.includes(TEMPLATE_ACTION_MARK) ? { unresolved: JINJA_EXPRESSION_NOTE } : written;
      images.push({ offset: span[0], raw: text.slice(span[0], span[1]), value });
    }
    lineStart = lineEnd + 1;
  }
  return images;
}

/** Where the value of an `image:` key written at the start of the line (or after `- `) starts, or -1. */
function imageValueStart(text: string, start: number, end: number): number {
  let index = skipBlanks(text, start, end);
  if (text[index] === '-' && (text[index + 1] === ' ' || text[index + 1] === '\t')) index = skipBlanks(text, index + 1, end);
  if (!text.startsWith('image', index)) return -1;
  index = skipBlanks(text, index + 'image'.length, end);
  if (text[index] !== ':' || !(text[index + 1] === ' ' || text[index + 1] === '\t')) return -1;
  return skipBlanks(text, index + 1, end);
}

function skipBlanks(text: string, index: number, end: number): number {
  while (index < end && (text[index] === ' ' || text[index] === '\t')) index++;
  return index;
}

/** `[start, end)` of a quoted or plain scalar starting at `index` and ending on its line, or undefined (a map, a list, a block scalar, an alias). */
function scalarSpan(text: string, index: number, end: number): [number, number] | undefined {
  const first = text[index];
  if (index >= end || '#|>{[&*!\r'.includes(first)) return undefined;
  if (first === '"' || first === "'") {
    const close = text.indexOf(first, index + 1);
    return close < 0 || close >= end || close === index + 1 ? undefined : [index + 1, close];
  }
  let valueEnd = index;
  for (let cursor = index; cursor < end && !(text[cursor] === '#' && isSpace(text[cursor - 1])); cursor++) {
    if (!isSpace(text[cursor])) valueEnd = cursor + 1;
  }
  return [index, valueEnd];
}

/** A document of a template that does not parse as YAML after masking: `[start, end)` and the parser's message. */
export interface UnparsedPart {
  start: number;
  end: number;
  message: string;
}

/**
 * What is read of the documents of a template that do not parse: their `image:` lines, and for each
 * a message (at its first line) saying that the rest of it was not read.
 */
export function readUnparsed(text: string, masked: string, parts: UnparsedPart[], lines: LineIndex): { images: LineImage[]; messages: string[] } {
  const images: LineImage[] = [];
  const messages: string[] = [];
  for (const part of parts) {
    const found = imageLines(text, masked, part.start, part.end);
    images.push(...found);
    const line = lines.positionAt(firstContent(masked, part.start, part.end)).line;
    const read = found.length === 1 ? 'its one `image:` line was read' : `its ${found.length} \`image:\` lines were read`;
    messages.push(`line ${line}: this document of the Jinja template is not YAML until the template is rendered (${part.message}); ${read} line by line, nothing else in it`);
  }
  return { images, messages };
}

/** The first character of `[start, end)` that is not white space (where a document's text starts), or `start`. */
function firstContent(text: string, start: number, end: number): number {
  for (let index = start; index < end; index++) if (!isSpace(text[index])) return index;
  return start;
}

/** The note of an image read from its line (`readUnparsed`). */
export const LINE_BY_LINE_NOTE = 'read from its line: this part of the Jinja template is YAML only once rendered';
