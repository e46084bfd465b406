/**
 * Jinja templates of compose files and Kubernetes manifests (Ansible roles' `templates/*.yml.j2`,
 * harbor's `docker-compose.yml.jinja`): which files are such templates, and how the parts of one
 * that are YAML only once rendered are read. The template is masked for parsing by
 * template-mask.ts (its `jinja` dialect).
 */
import type { LineIndex } from './position.js';
import { TEMPLATE_ACTION_MARK } from './template-mask.js';

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
 * a line (or of a list item) with a scalar on its line. `masked` is the text `maskTemplate` made of it, which tells
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

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}
