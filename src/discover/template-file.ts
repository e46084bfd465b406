/**
 * Templates of compose files and Kubernetes manifests: files a tool renders into one before it is
 * applied. Jinja (Ansible roles' `templates/*.yml.j2`, harbor's `docker-compose.yml.jinja`) and
 * the other common suffixes (`deployment.yaml.tmpl` for Go templates or envsubst,
 * `.template`, `.tpl`, `.gotmpl`, autoconf's `.in`), or a YAML file that only its tags at the
 * start of lines tell as one: which files are such templates, and how the parts of one that are
 * YAML only once rendered are read. The template is masked for parsing by template-mask.ts, in
 * the dialect its suffix (or its tags) names.
 */
import type { LineIndex } from './position.js';
import { TEMPLATE_ACTION_MARK, type TemplateDialect } from './template-mask.js';

/** A template of a compose file or a manifest, as its name tells. */
export interface TemplateFile {
  /** The path of the file it renders (`roles/x/templates/deployment.yml.j2` -> `roles/x/templates/deployment.yml`). */
  rendered: string;
  dialect: TemplateDialect;
  /** What messages call it. */
  noun: 'Jinja template' | 'template';
}

/**
 * Suffixes of templates, and their syntax: Jinja's for the ones Ansible, Salt and Python tools
 * give Jinja templates; Go text/template `{{ }}` actions (and `@NAME@` that sed fills in) for the rest.
 */
const TEMPLATE_SUFFIXES = new Map<string, TemplateDialect>([
  ['.j2', 'jinja'],
  ['.jinja', 'jinja'],
  ['.jinja2', 'jinja'],
  ['.tmpl', 'actions'],
  ['.gotmpl', 'actions'],
  ['.tpl', 'actions'],
  ['.template', 'actions'],
  ['.in', 'actions'],
]);
/** The longest suffix: a longer extension is none of them. */
const MAX_SUFFIX_LENGTH = 9;

/** The unresolved note of an image that holds Jinja syntax. */
export const JINJA_EXPRESSION_NOTE = 'a Jinja expression fills it in when the template is rendered';

/** The unresolved note of an image that holds a template action, in a template of another syntax. */
const ACTION_NOTE = 'a {{ }} template action fills it in when the template is rendered';

/**
 * The template a path names, or undefined when it is no template. Only the inner name decides what
 * kind of file the template renders.
 */
export function templateFileOf(path: string): TemplateFile | undefined {
  // Every suffix is one extension: looked up by the last one (this runs for every path of a walk, issue 15).
  const dot = path.lastIndexOf('.');
  if (dot <= 0 || path.length - dot > MAX_SUFFIX_LENGTH) return undefined;
  const dialect = TEMPLATE_SUFFIXES.get(path.slice(dot).toLowerCase());
  if (dialect === undefined || path.charCodeAt(dot - 1) === 0x2f /* / */) return undefined;
  return { rendered: path.slice(0, dot), dialect, noun: dialect === 'jinja' ? 'Jinja template' : 'template' };
}

/**
 * A YAML file that is a template though its name does not say so (tutor's
 * `templates/local/docker-compose.yml`, the compose file Mailu's setup wizard fills in): one that
 * does not parse as written (`failsAsYaml`, so a template snippet inside a block scalar is no sign)
 * and has a line starting with a tag, which YAML cannot read there (`%` cannot start a plain
 * scalar; a `{{ }}` line is a key without a value). A `{%` statement on a line of its own makes it
 * a Jinja template; `{{ }}` alone, a template of actions. Undefined for any other file.
 */
export function templateByContent(path: string, text: string, failsAsYaml: boolean): TemplateFile | undefined {
  if (!failsAsYaml) return undefined;
  if (startsSomeLine(text, '{%')) return { rendered: path, dialect: 'jinja', noun: 'Jinja template' };
  if (startsSomeLine(text, '{{')) return { rendered: path, dialect: 'actions', noun: 'template' };
  return undefined;
}

/** Whether `token` is the first thing other than blanks on some line. One pass, no regular expression. */
function startsSomeLine(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length)) {
    let before = at - 1;
    while (before >= 0 && (text[before] === ' ' || text[before] === '\t')) before--;
    if (before < 0 || text[before] === '\n') return true;
  }
  return false;
}

/** The path of the file a template renders, or the path itself. */
export function withoutTemplateSuffix(path: string): string {
  return templateFileOf(path)?.rendered ?? path;
}

/** Why an image holding the template's syntax is unresolved. */
export function expressionNote(template: TemplateFile): string {
  return template.dialect === 'jinja' ? JINJA_EXPRESSION_NOTE : ACTION_NOTE;
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
export function imageLines(text: string, masked: string, start: number, end: number, note = JINJA_EXPRESSION_NOTE): LineImage[] {
  const images: LineImage[] = [];
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = masked.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const valueStart = imageValueStart(masked, lineStart, lineEnd);
    const span = valueStart < 0 ? undefined : scalarSpan(masked, valueStart, lineEnd);
    if (span !== undefined) {
      const written = masked.slice(span[0], span[1]);
      const value = written.includes(TEMPLATE_ACTION_MARK) ? { unresolved: note } : written;
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
export function readUnparsed(text: string, masked: string, parts: UnparsedPart[], lines: LineIndex, template: TemplateFile): { images: LineImage[]; messages: string[] } {
  const images: LineImage[] = [];
  const messages: string[] = [];
  for (const part of parts) {
    const found = imageLines(text, masked, part.start, part.end, expressionNote(template));
    images.push(...found);
    const line = lines.positionAt(firstContent(masked, part.start, part.end)).line;
    const read = found.length === 1 ? 'its one `image:` line was read' : `its ${found.length} \`image:\` lines were read`;
    messages.push(`line ${line}: this document of the ${template.noun} is not YAML until the template is rendered (${part.message}); ${read} line by line, nothing else in it`);
  }
  return { images, messages };
}

/** The first character of `[start, end)` that is not white space (where a document's text starts), or `start`. */
function firstContent(text: string, start: number, end: number): number {
  for (let index = start; index < end; index++) if (!isSpace(text[index])) return index;
  return start;
}

/** The note of an image read from its line (`readUnparsed`). */
export function lineByLineNote(template: TemplateFile): string {
  return `read from its line: this part of the ${template.noun} is YAML only once rendered`;
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}
