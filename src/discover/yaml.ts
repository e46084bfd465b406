/**
 * YAML with source positions, shared by every YAML-based kind. Positions come from the parser's
 * node ranges, never from searching the text afterwards.
 */
import { lastAtMost } from './position.js';
import { joinFlowLines } from './yaml-tolerant.js';
import { parseSimpleDocuments } from './yaml-fast.js';
import { isAlias, isMap, isNode, isScalar, isSeq, parse, visit, type Document, type YAMLError } from 'yaml';
import { parseAllDocumentsBounded } from '../yaml-nesting.js';

/** How every document is parsed: plain error messages, and a repeated key kept (its last value wins, see `mapGet`). */
const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;

/** Alias expansion bound: a "billion laughs" file fails instead of exhausting memory. */
const MAX_ALIAS_COUNT = 200;

export interface ParsedYaml {
  documents: Document.Parsed[];
  /** One message per document that failed to parse (with its line), the others are still usable. */
  errors: string[];
  /** `[start, end)` of each document that failed to parse, in the order of `errors` (when known). */
  failedRanges?: Array<[number, number]>;
}

/**
 * Parses every document of a YAML stream. With `skip`, a quick lexical prefilter: documents the
 * predicate rules out (given their text) are blanked to whitespace before parsing, so they cost
 * almost nothing and every other document keeps its offsets. The predicate must be conservative:
 * a skipped document is never searched.
 */
export function parseYamlDocuments(text: string, skip?: (documentText: string) => boolean): ParsedYaml & { skipped: number } {
  // Most documents are plain block mappings: read by the fast path (see yaml-fast.ts) when every one is.
  const fast = parseSimpleDocuments(text, skip);
  if (fast) return fast;
  if (!skip) return { ...parseStream(text), skipped: 0 };
  const blanked = blankDocuments(text, skip);
  // Nothing left but markers and comment lines: no document to parse (and none with an error).
  if (blanked.onlyBlanked) return { documents: [], errors: [], skipped: blanked.skipped };
  return { ...parseStream(blanked.text, text), skipped: blanked.skipped };
}

/** A line that starts or ends a YAML document: `---` or `...` at column 0, then a space or the line's end. */
function isDocumentMarker(text: string, lineStart: number): boolean {
  const c = text.charCodeAt(lineStart);
  if (c !== 0x2d && c !== 0x2e) return false; // '-' or '.'
  if (text.charCodeAt(lineStart + 1) !== c || text.charCodeAt(lineStart + 2) !== c) return false;
  const next = text[lineStart + 3];
  return next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
}

/** Whether a marker line carries content after `---` (`--- {kind: Pod}`, `--- |`): then its document is never skipped. */
function markerHasContent(line: string): boolean {
  const rest = line.slice(3).trim();
  return rest !== '' && !rest.startsWith('#');
}

/**
 * The text with the documents `skip` rules out replaced by one comment line of the same length
 * (`#`, spaces, and the document's last line break), so every offset stays. The parser reads a
 * comment line at once, where it reads blank lines one by one, and slower the more follow each
 * other (measured: 10 MB of CRDs blanked to spaces parsed in 1.3 s, as one comment line each in
 * 0.03 s). Lines inside a skipped document are gone from the parsed text, so parse errors take
 * their line from the original (see `readDocuments`). Document boundaries are the marker lines; a
 * document's text is what lies between them.
 */
export function blankDocuments(text: string, skip: (documentText: string) => boolean): { text: string; skipped: number; onlyBlanked: boolean } {
  const parts: string[] = [];
  let skipped = 0;
  // Whether every document was skipped and every marker line is a bare `---` (then nothing is left to parse).
  let onlyBlanked = true;
  let start = 0; // start of the current document's content
  let keep = true; // the current document may not be skipped (its marker line had content)
  let lineStart = 0;
  const hasDirectiveLine = directiveLines(text);
  const flush = (end: number) => {
    const body = text.slice(start, end);
    if (isBlank(text, start, end)) {
      parts.push(body);
      if (!onlySpacesAndBreaks(text, start, end)) onlyBlanked = false;
    } else if (!keep || hasDirectiveLine(start, end) || !skip(body)) {
      // A directive (`%TAG`, `%YAML`) belongs to the next document: its chunk is kept whole.
      parts.push(body);
      onlyBlanked = false;
    } else {
      skipped++;
      parts.push(asCommentLine(body));
    }
  };
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    if (isDocumentMarker(text, lineStart)) {
      flush(lineStart);
      parts.push(text.slice(lineStart, lineEnd));
      keep = !markerHasContent(text.slice(lineStart, lineEnd));
      if (!keep || text.charCodeAt(lineStart) !== 0x2d) onlyBlanked = false; // content on the marker line, or a `...` marker
      start = lineEnd;
    }
    if (newline < 0) break;
    lineStart = lineEnd;
  }
  flush(text.length);
  return { text: skipped === 0 ? text : parts.join(''), skipped, onlyBlanked };
}

/** Whether `text` between `start` and `end` is only whitespace (as `String.prototype.trim` counts it). */
function isBlank(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const c = text.charCodeAt(index);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80) return false;
    return text.slice(index, end).trim() === ''; // other Unicode spaces: as `trim` reads them
  }
  return true;
}

/**
 * Finds lines that start with `%` (directives) in chunks given in order, visiting each `%` of the
 * text once (a search per chunk could run to the end of the text every time).
 */
function directiveLines(text: string): (start: number, end: number) => boolean {
  let percent = text.indexOf('%');
  return (start, end) => {
    while (percent >= 0 && percent < start) percent = text.indexOf('%', start);
    for (; percent >= 0 && percent < end; percent = text.indexOf('%', percent + 1)) {
      const before = percent === start ? 0x0a : text.charCodeAt(percent - 1);
      if (before === 0x0a || before === 0x0d || before === 0x2028 || before === 0x2029) return true; // as `/^%/m` reads lines
    }
    return false;
  };
}

/** Whether `text` between `start` and `end` holds only spaces and line breaks (nothing a parser could read as content or an error). */
function onlySpacesAndBreaks(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const c = text.charCodeAt(index);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

/** A comment line exactly as long as `body` (a non-blank document's text, which ends at a line break unless it ends the file). */
function asCommentLine(body: string): string {
  const breakAtEnd = body.endsWith('\n') ? 1 : 0;
  return '#' + ' '.repeat(body.length - 1 - breakAtEnd) + (breakAtEnd ? '\n' : '');
}

/** Parses `text`, a rewrite of `original` of the same length (or `original` itself); error lines are those of `original`. */
function parseStream(text: string, original = text): ParsedYaml {
  // Line starts are only needed for error messages: computed at the first one.
  let starts: number[] | undefined;
  const lineStarts = (): number[] => (starts ??= lineStartsOf(original));
  const read = readDocuments(text, lineStarts);
  if (read.some((entry) => entry.error !== undefined)) {
    // What Go's parsers accept and this one rejects (see yaml-tolerant.ts), read again from a
    // rewrite of the same length, so node ranges are still offsets in `text`.
    const joined = joinFlowLines(text);
    const retried = joined === undefined ? [] : readDocuments(joined, lineStarts);
    if (retried.length === read.length) {
      read.forEach((entry, index) => {
        if (entry.error !== undefined && retried[index].error === undefined) read[index] = retried[index];
      });
    }
  }
  const documents: Document.Parsed[] = [];
  const errors: string[] = [];
  const failedRanges: Array<[number, number]> = [];
  read.forEach((entry, index) => {
    if (entry.error !== undefined) {
      errors.push(entry.error);
      // The parser can end a broken document's range where it lost its place; the text up to the next document is still this one's.
      const next = index + 1 < read.length ? read[index + 1].document.range[0] : text.length;
      failedRanges.push([entry.document.range[0], Math.max(entry.document.range[2], next)]);
    } else documents.push(entry.document);
  });
  return { documents, errors, failedRanges };
}

/** At most this many values of a JSON stream are read as documents; a longer stream stays an error. */
const MAX_JSON_STREAM_VALUES = 10_000;

const isJsonSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/**
 * `[start, end)` of each top-level object or array of a JSON stream: two or more written one after
 * another, as kubectl and Argo CD read a `.json` manifest holding several (`{...}` on each line).
 * Undefined when the text is not such a stream. One pass: strings and their escapes are followed,
 * so a bracket inside a string does not count.
 */
export function jsonStreamValues(text: string): Array<[number, number]> | undefined {
  const values: Array<[number, number]> = [];
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (isJsonSpace(code)) {
      index++;
      continue;
    }
    if ((code !== 0x7b && code !== 0x5b) || values.length === MAX_JSON_STREAM_VALUES) return undefined; // `{` or `[`
    const end = valueEnd(text, index);
    if (end === undefined) return undefined;
    values.push([index, end]);
    index = end;
  }
  return values.length >= 2 ? values : undefined;
}

/** Where the object or array opening at `start` closes (just after it), or undefined when it does not. */
function valueEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) depth++;
    else if ((code === 0x7d || code === 0x5d) && --depth === 0) return index + 1;
  }
  return undefined;
}

/**
 * A JSON stream (see `jsonStreamValues`) read value by value, each document's node ranges moved
 * to offsets in `text`; undefined when the text is no such stream or a value does not parse.
 */
export function parseJsonStream(text: string): ParsedYaml | undefined {
  const values = jsonStreamValues(text);
  if (values === undefined) return undefined;
  const documents: Document.Parsed[] = [];
  for (const [start, end] of values) {
    const [document, ...more] = parseAllDocumentsBounded(text.slice(start, end), PARSE_OPTIONS);
    if (document === undefined || more.length > 0 || document.errors.length > 0) return undefined;
    document.range = [document.range[0] + start, document.range[1] + start, document.range[2] + start];
    visit(document, (_key, node) => {
      if (isNode(node) && node.range) node.range = [node.range[0] + start, node.range[1] + start, node.range[2] + start];
    });
    documents.push(document);
  }
  return { documents, errors: [] };
}

/** Offsets where each line of `text` starts. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** What the parser's pretty errors append (`at line 3, column 5`), from line starts of the original text. */
function errorPosition(offset: number, lineStarts: number[]): string {
  const line = lastAtMost(lineStarts, offset);
  return ` at line ${line + 1}, column ${offset - lineStarts[line] + 1}`;
}

/**
 * Every document of a stream, each with its parse error (its first messages on one line) if it has
 * one. Error positions are computed here, from `lineStarts()` of the original text, because the
 * parsed text may have lost lines to blanking.
 */
function readDocuments(text: string, lineStarts: () => number[]): Array<{ document: Document.Parsed; error?: string }> {
  const read: Array<{ document: Document.Parsed; error?: string }> = [];
  for (const document of parseAllDocumentsBounded(text, PARSE_OPTIONS)) {
    if (document.errors.length === 0) {
      read.push({ document });
      continue;
    }
    // As the parser's pretty message reads, to the end of its first line.
    const message = (error: YAMLError) => (error.message + (error.pos[0] === -1 ? '' : errorPosition(error.pos[0], lineStarts()))).split('\n')[0].replace(/:\s*$/, '');
    read.push({ document, error: firstErrors(document.errors.map(message)) });
  }
  return read;
}

/** Messages after the first few follow from the first (the parser lost its place): a finding shows 3 and a count. */
const SHOWN_ERRORS = 3;

function firstErrors(messages: string[]): string {
  const shown = messages.slice(0, SHOWN_ERRORS).join('; ');
  return messages.length > SHOWN_ERRORS ? `${shown}; and ${messages.length - SHOWN_ERRORS} more` : shown;
}

/**
 * Converts a node to plain JS, its aliases resolved in the document (an anchor written inside the
 * node too: a matrix `include` entry naming `&stable '18'` that later entries alias), bounded;
 * undefined when alias expansion exceeds the bound.
 */
export function toPlain(document: Document.Parsed, node: unknown): unknown {
  try {
    if (isNode(node)) return node.toJS(document, { maxAliasCount: MAX_ALIAS_COUNT });
    return node;
  } catch {
    return undefined;
  }
}

/** Where a scalar's value text starts and what is written there (inside quotes for quoted scalars). */
export interface ScalarLocation {
  offset: number;
  raw: string;
  value: string;
}

/** The source location of a string scalar, or undefined when the node is not a string scalar with a range. */
export function scalarLocation(node: unknown, text: string): ScalarLocation | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  const value = node.value;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const [start, valueEnd] = node.range;
  const scalar = node;
  switch (scalar.type) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return { offset: start + 1, raw: text.slice(start + 1, valueEnd - 1), value: String(value) };
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // The value starts on the line after the block header (`|`, `>-`, ...), after its indentation.
      const headerEnd = text.indexOf('\n', start);
      if (headerEnd < 0) return undefined;
      let offset = headerEnd + 1;
      while (offset < valueEnd && (text[offset] === ' ' || text[offset] === '\t' || text[offset] === '\n' || text[offset] === '\r')) offset++;
      const firstLine = String(value).split('\n')[0] ?? '';
      return { offset, raw: text.slice(offset, offset + firstLine.length), value: String(value).trim() };
    }
    default:
      return { offset: start, raw: text.slice(start, valueEnd), value: String(value) };
  }
}

/**
 * A scalar's text where a tool reads it as a string: a plain number as written, which the parse
 * loses (`1.10` is the number 1.1; a tag or version is the text), any other scalar as `scalarString`.
 */
export function writtenScalarText(node: unknown, text: string): string | undefined {
  const location = scalarLocation(node, text);
  return location && (node as { type?: string }).type === 'PLAIN' ? location.raw : scalarString(node);
}

/**
 * The value node under `key` in a map node, or undefined. A key written twice takes its last value,
 * as Go's YAML decoders (kubectl, Helm) and Ruby's (GitLab) read it; the first is what the `yaml`
 * package would return.
 */
export function mapGet(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined;
  const items = (node).items;
  for (let index = items.length - 1; index >= 0; index--) {
    const pair = items[index];
    if (pair.key === key || (isScalar(pair.key) && pair.key.value === key)) return pair.value ?? undefined;
  }
  return undefined;
}

/**
 * A map key's text: a scalar key's value, or for an alias used as a key (`*app :`, common in Flux
 * HelmReleases that name a controller after `metadata.name: &app`) the scalar its anchor names.
 * Undefined for any other key (a complex key, an alias to a collection or to no anchor).
 */
export function keyText(key: unknown, resolveAlias?: (node: unknown) => unknown): string | undefined {
  const resolved = isAlias(key) ? resolveAlias?.(key) : key;
  return isScalar(resolved) ? String(resolved.value) : undefined;
}

/** Follows a path of keys and sequence indexes through map/seq nodes. */
export function nodeAt(node: unknown, path: Array<string | number>): unknown {
  let current = node;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!isSeq(current)) return undefined;
      current = current.items[step];
    } else {
      current = mapGet(current, step);
    }
    if (current === undefined || current === null) return undefined;
  }
  return current;
}

/** String value of a scalar node, or undefined. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** What a scalar is to Go's YAML decoder. */
export type GoScalarType = 'string' | 'number' | 'boolean' | 'null';

/**
 * The type go-yaml v2 (under sigs.k8s.io/yaml: kubectl, kustomize, Helm) gives a scalar: plain
 * scalars resolve by YAML 1.1, where `yes`, `on`, `y` are booleans and `010`, `1_000`, `0o17` numbers,
 * and where `1.10` is the number 1.1. Quoted and block scalars are strings. Undefined for anything
 * but a scalar.
 */
export function goScalarType(node: unknown, text: string): GoScalarType | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type !== 'PLAIN') return 'string';
  const written = text.slice(node.range[0], node.range[1]).trim();
  // Go has no sexagesimal numbers (`1:20`) and reads timestamps as strings; Go's integer parsing takes `0o17`.
  if (written.includes(':')) return 'string';
  if (/^[-+]?0o[0-7]+$/.test(written)) return 'number';
  let value: unknown;
  try {
    value = parse(written, { version: '1.1' });
  } catch {
    return 'string';
  }
  if (value === null) return 'null';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}


/** Items of a sequence node. */
export function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

export { isMap, isScalar, isSeq };

/**
 * A function that follows an alias (`*name`) to the node its anchor marks and returns any other node
 * unchanged. Anchors are indexed once per document, so following many aliases stays linear; callers
 * still bound how many they follow, because aliases can multiply a small file into a huge tree.
 */
export function aliasResolver(document: Document.Parsed): (node: unknown) => unknown {
  let anchors: Map<string, Array<{ start: number; node: unknown }>> | undefined;
  const index = (): Map<string, Array<{ start: number; node: unknown }>> => {
    const found = new Map<string, Array<{ start: number; node: unknown }>>();
    visit(document, {
      Node(_key, node) {
        const anchor = (node as { anchor?: string }).anchor;
        if (anchor && node.range) {
          const list = found.get(anchor) ?? [];
          list.push({ start: node.range[0], node });
          found.set(anchor, list);
        }
      },
    });
    return found;
  };
  return (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    anchors ??= index();
    const candidates = anchors.get(node.source);
    if (!candidates) return undefined;
    // YAML: an alias refers to the most recent definition of its anchor before it.
    const aliasStart = node.range?.[0] ?? Number.MAX_SAFE_INTEGER;
    let match: unknown;
    for (const candidate of candidates) if (candidate.start < aliasStart) match = candidate.node;
    return match;
  };
}

/** A literal block scalar's text, and where each of its offsets is in the file it is written in. */
export interface EmbeddedText {
  text: string;
  fileOffset: (offset: number) => number;
}

/**
 * The text of a literal block scalar (`|`, `|-`, `|+`) with a map from its offsets to the file's:
 * YAML written as a string in YAML (an Argo CD application's `helm.values`) can then be parsed and
 * its positions reported in the file. Undefined for any other scalar (a folded block joins lines,
 * a quoted string has escapes) or when its lines do not line up with the file's.
 */
export function literalBlockText(node: unknown, text: string): EmbeddedText | undefined {
  if (!isScalar(node) || node.type !== 'BLOCK_LITERAL' || typeof node.value !== 'string' || !node.range) return undefined;
  const value = node.value;
  const headerEnd = text.indexOf('\n', node.range[0]);
  if (headerEnd < 0) return undefined;
  const valueStarts: number[] = [];
  const fileStarts: number[] = [];
  let indent = -1;
  let fileLine = headerEnd + 1;
  for (let start = 0; start <= value.length; ) {
    const end = value.indexOf('\n', start);
    const line = value.slice(start, end < 0 ? value.length : end);
    const fileEnd = text.indexOf('\n', fileLine);
    const written = text.slice(fileLine, fileEnd < 0 ? text.length : fileEnd).replace(/\r$/, '');
    if (line !== '') {
      if (indent < 0) indent = written.length - line.length;
      if (indent < 0 || written.slice(indent) !== line || written.slice(0, indent).trim() !== '') return undefined;
    }
    valueStarts.push(start);
    fileStarts.push(fileLine + Math.max(indent, 0));
    if (end < 0 || fileEnd < 0) break;
    start = end + 1;
    fileLine = fileEnd + 1;
  }
  const fileOffset = (offset: number): number => {
    const line = lastAtMost(valueStarts, offset);
    return fileStarts[line] + (offset - valueStarts[line]);
  };
  return { text: value, fileOffset };
}
