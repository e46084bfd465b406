/**
 * A fast path for the plainest YAML documents: block mappings (with plain or one-line quoted keys)
 * and sequences of one-line scalars
 * (plain, single- or double-quoted, with escapes but for escaped line breaks), block scalars (`|`, `>`, with chomping and
 * indentation indicators) and one-line flow collections (on the key's line or the next), with full-line comments, comments after
 * a value and blank lines between them: the shape of nearly every generated Kubernetes manifest,
 * Helm values file and most hand-written ones. It builds the same nodes the `yaml`
 * package builds (YAMLMap, YAMLSeq, Pair, Scalar: values, types, tags, formats, sources, ranges,
 * and the `comment`, `commentBefore` and `spaceBefore` the package attaches), at a fraction of its
 * cost, and gives up (returns undefined) on anything else: comments inside flow collections,
 * comment lines next to an empty value (`key:` or `-` with nothing nested), tabs, carriage
 * returns, anchors, aliases, tags, block scalars the package reports an error in (a blank line
 * before the first line more indented than it, odd headers), multi-line plain or quoted scalars,
 * escapes the package reports an error on, complex keys, non-ASCII text (but in comments and block scalars), directives. A document
 * it gives up on is read by the `yaml` package, so it only ever decides how fast a document is
 * read, never what is read. __tests__/discover/yaml-fast.test.ts compares every node property
 * with the `yaml` package's on every fixture and on generated documents.
 *
 * Where the package puts a comment line depends on its parser's stack of open collections (see
 * `yaml/dist/parse/parser.js`); the rules reproduced here, in the package's words:
 * - a comment line more indented than the items of the collection the last value belongs to,
 *   before any other comment line, continues that value's `end` (the value's `comment`, and its
 *   range runs to the end of that line);
 * - the other lines between two items are the next item's `start` (the key's or the item's
 *   `commentBefore` and `spaceBefore`);
 * - after the last item of a collection (the next line is less indented, or the document ends),
 *   those lines go up to the enclosing collection, unless the collection is indented and some
 *   comment line is at least as indented as its items: then they are the collection's `comment`
 *   and its range runs to the next item (`pop` in the parser);
 * - the rest of the line after `key:` (or `-`) and the lines up to a nested block are that
 *   block's `commentBefore`;
 * - lines after the document's last item are the document's `comment`, and lines before its
 *   first are the first key's `commentBefore` or the document's (`Composer.decorate`);
 * - a block scalar's text is the lines the lexer gives it (`parseBlockScalar` in
 *   `yaml/dist/parse/lexer.js`), its value is made as `resolveBlockScalar` makes it, and the
 *   lines after it are placed as after the last line of any other value but for one thing: no
 *   comment line continues it (the parser pops a block scalar at once).
 *
 * Every loop moves forward through the text and nesting is bounded, so the cost is linear.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, isScalar, type ScalarTag, type Schema } from 'yaml';

/** Nesting bound: deeper documents are left to the `yaml` package (which has its own limits). */
const MAX_DEPTH = 64;

/** Thrown inside the parser to give up; never escapes this module. */
class Unsupported extends Error {}

type Node = Scalar | YAMLMap | YAMLSeq;

const SCALAR_TAG = Symbol.for('yaml.scalar');

/** Characters that may not start a plain scalar here (YAML indicators; `-` is allowed before a non-space). */
function isIndicator(c: number): boolean {
  // ? : , [ ] { } # & * ! | > ' " % @ `
  return c === 0x3f || c === 0x3a || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x23 || c === 0x26 || c === 0x2a || c === 0x21 || c === 0x7c || c === 0x3e || c === 0x27 || c === 0x22 || c === 0x25 || c === 0x40 || c === 0x60;
}

function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

/** A character this path does not read: anything but printable ASCII and line feeds. */
const UNREAD_CHARACTER = /[^\n -~]/;

/** Whether the text between `start` and `end` has only characters this path reads (a native search: cold code loops slowly). */
function plainCharacters(text: string, start: number, end: number): boolean {
  return !UNREAD_CHARACTER.test(text.slice(start, end));
}

/**
 * A character this path does not read even in a comment: control characters (tabs and carriage
 * returns among them), C1 controls, Unicode line and paragraph separators, byte-order marks.
 */
const NEVER_READ = /[^\n -~\xa0-\u2027\u202a-\ufefe\uff00-\uffff]/;

const UNREAD_CHARACTERS = /[^\n -~]/g;

/** Whether every character between `start` and `end` that is not printable ASCII lies in a comment (`comments`: start and end offsets, in pairs). */
function onlyInComments(text: string, start: number, end: number, comments: readonly number[]): boolean {
  const ends = new Map<number, number>();
  for (let index = 0; index < comments.length; index += 2) ends.set(comments[index], comments[index + 1]);
  const starts = [...ends.keys()].sort((a, b) => a - b);
  let next = 0;
  for (const match of text.slice(start, end).matchAll(UNREAD_CHARACTERS)) {
    const at = start + match.index;
    while (next < starts.length && ends.get(starts[next])! <= at) next++;
    if (next >= starts.length || starts[next] > at) return false;
  }
  return true;
}

/**
 * A character a plain key read here never holds: `#` (which may start a comment). Flow indicators
 * may stand inside a plain key in block context (`ns[foo]-rule[0]: x`, as istio's test data has
 * them); one cannot start it (`isIndicator`).
 */
const NOT_IN_KEY = /#/;

/** Whether a one-line text has `: ` or ends with `:` (a mapping key's end). */
function hasKeyEnd(line: string): boolean {
  return line.includes(': ') || line.endsWith(':');
}

/**
 * What the package's lexer sees between two content lines (spaces left out): line feeds, comments
 * (from `#` to the line's end, with the column of the `#`), and, put in front by the caller, the
 * indicator the lines follow (a map's `:`, a sequence's `-`, a document's `---`).
 */
interface GapToken {
  kind: 'newline' | 'comment' | 'indicator';
  /** A comment's text, `#` included. */
  source: string;
  /** A comment's column. */
  indent: number;
  /** Where it starts (-1 for an indicator). */
  at: number;
}

const INDICATOR: GapToken = { kind: 'indicator', source: '', indent: 0, at: -1 };

type Props = { comment: string; spaceBefore: boolean };

/**
 * The comment and blank-line flag of the lines before a node, as the package's `resolveProps`
 * reads them (`indicator` is the kind of indicator among the tokens, if any).
 */
function nodeProps(tokens: readonly GapToken[], indicator: 'seq' | 'map' | 'doc' | undefined, startOnNewline: boolean): Props {
  let spaceBefore = false;
  let atNewline = startOnNewline;
  let comment = '';
  let commentSep = '';
  let found = false;
  for (const token of tokens) {
    if (token.kind === 'indicator') {
      found = true;
      atNewline = indicator === 'seq';
    } else if (token.kind === 'comment') {
      const text = token.source.substring(1) || ' ';
      comment = comment ? comment + commentSep + text : text;
      commentSep = '';
      atNewline = false;
    } else {
      if (!atNewline) commentSep += '\n';
      else if (comment) comment += '\n';
      else if (!found || indicator !== 'seq') spaceBefore = true;
      atNewline = true;
    }
  }
  return { comment, spaceBefore };
}

/** The comment of the lines after a node or a document, as the package's `resolveEnd` reads them. */
function endComment(tokens: readonly GapToken[]): string {
  let comment = '';
  let sep = '';
  for (const token of tokens) {
    if (token.kind === 'comment') {
      const text = token.source.substring(1) || ' ';
      comment = comment ? comment + sep + text : text;
      sep = '';
    } else if (token.kind === 'newline' && comment) sep += '\n';
  }
  return comment;
}

/** The comment of the lines before a stream's first document, as the package's `parsePrelude` reads them. */
function preludeComment(tokens: readonly GapToken[]): { comment: string; afterEmptyLine: boolean } {
  let comment = '';
  let atComment = false;
  let afterEmptyLine = false;
  for (const token of tokens) {
    if (token.kind === 'comment') {
      comment += (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') + (token.source.substring(1) || ' ');
      atComment = true;
      afterEmptyLine = false;
    } else if (token.kind === 'newline') {
      if (!atComment) afterEmptyLine = true;
      atComment = false;
    }
  }
  return { comment, afterEmptyLine };
}

function hasComment(tokens: readonly GapToken[]): boolean {
  return tokens.some((token) => token.kind === 'comment');
}

/**
 * Where the package splits the lines after an empty map value off for the next key: the second
 * line feed since the last indicator or full-line comment more indented than the keys (`indent`),
 * or -1 (the blockMap step of `yaml/dist/parse/parser.js`).
 */
function splitIndex(tokens: readonly GapToken[], indent: number): number {
  let newlines = 0;
  let second = -1;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    // A comment after `key:` counts at the key line's indentation, the map's.
    if (token.kind === 'indicator' || (token.kind === 'comment' && newlines > 0 && token.indent > indent)) {
      newlines = 0;
      second = -1;
    } else if (token.kind === 'newline' && ++newlines === 2) second = index;
  }
  return second;
}

/** Sets what the lines before a node with content give it (`composeNode`). */
function setProps(node: Node, props: Props): void {
  if (props.spaceBefore) node.spaceBefore = true;
  if (props.comment) node.commentBefore = props.comment;
}

/**
 * The tokens of the text from `from` to `to`, which holds only spaces, line feeds and comments
 * running to their line's end (whose offsets go to `comments`, if given).
 */
function gapTokens(text: string, from: number, to: number, comments?: number[]): GapToken[] {
  const tokens: GapToken[] = [];
  let index = from;
  while (index < to) {
    const c = text.charCodeAt(index);
    if (c === 0x20) index++;
    else if (c === 0x0a) {
      tokens.push({ kind: 'newline', source: '\n', indent: 0, at: index });
      index++;
    } else if (c === 0x23) {
      const newline = text.indexOf('\n', index);
      const lineEnd = newline < 0 || newline > to ? to : newline;
      tokens.push({ kind: 'comment', source: text.slice(index, lineEnd), indent: index - (text.lastIndexOf('\n', index - 1) + 1), at: index });
      comments?.push(index, lineEnd);
      index = lineEnd;
    } else throw new Unsupported(); // not between content lines
  }
  return tokens;
}

/** Offset of the first line at or after `lineStart` (and before `end`) with more than spaces and a comment, or `end`. */
function firstContentLine(text: string, lineStart: number, end: number): number {
  let start = lineStart;
  while (start < end) {
    let index = start;
    while (index < end && text.charCodeAt(index) === 0x20) index++;
    if (index >= end) return end;
    const c = text.charCodeAt(index);
    if (c === 0x23) {
      const newline = text.indexOf('\n', index);
      start = newline < 0 || newline >= end ? end : newline + 1;
    } else if (c === 0x0a) start = index + 1;
    else return start;
  }
  return end;
}

/** How many sources `PlainTags` remembers, for keys and for values each, and the longest it remembers. */
const REMEMBERED_SOURCES = 4096;
const REMEMBERED_SOURCE_LENGTH = 64;

/**
 * The tag a plain scalar resolves to among a schema's tags, as the package picks it (the first
 * default tag whose regular expression matches the source), remembered by source: keys and values
 * repeat (`name`, `image`, `true`) and each answer tries up to eight regular expressions (the core
 * schema's; issue 15).
 * The answer depends on the source and the tags alone (their expressions keep no state).
 */
class PlainTags {
  /** By source; null when no tag matches (the schema's string tag resolves it). */
  private readonly keys = new Map<string, ScalarTag | null>();
  private readonly values = new Map<string, ScalarTag | null>();

  constructor(readonly tags: readonly unknown[]) {}

  /** Whether this answers for a schema with `tags` (the same tag objects in the same order). */
  serves(tags: readonly unknown[]): boolean {
    return tags.length === this.tags.length && tags.every((tag, index) => tag === this.tags[index]);
  }

  tagOf(source: string, atKey: boolean): ScalarTag | undefined {
    if (source.length > REMEMBERED_SOURCE_LENGTH) return this.firstMatching(source, atKey);
    const remembered = atKey ? this.keys : this.values;
    const known = remembered.get(source);
    if (known !== undefined) return known ?? undefined;
    const tag = this.firstMatching(source, atKey);
    if (remembered.size >= REMEMBERED_SOURCES) remembered.clear();
    remembered.set(source, tag ?? null);
    return tag;
  }

  private firstMatching(source: string, atKey: boolean): ScalarTag | undefined {
    return (this.tags as ScalarTag[]).find((candidate) => (candidate.default === true || (atKey && candidate.default === 'key')) && candidate.test?.test(source));
  }
}

/** The answers kept across documents: every document this path builds has the core schema's tags. */
let latestPlainTags: PlainTags | undefined;

function plainTagsOf(schema: Schema): PlainTags {
  if (!latestPlainTags?.serves(schema.tags)) latestPlainTags = new PlainTags(schema.tags);
  return latestPlainTags;
}

class FastParser {
  private readonly schema: Schema;
  private readonly options: Document['options'];
  private readonly plainTags: PlainTags;
  /** The last `nextContentLine` answer: the lines between two items are looked at by every collection they end. */
  private cachedFrom = -1;
  private cachedLine = -1;
  /** The last `deepestComment` answer. */
  private deepestFrom = -1;
  private deepestColumn = -1;

  constructor(
    private readonly text: string,
    /** End of the document's text (the next marker line, or the end of the text). */
    private readonly end: number,
    document: Document,
    /** Where the comments read start and end, in pairs, when the text has characters only a comment may hold. */
    readonly comments?: number[],
  ) {
    this.schema = document.schema;
    this.options = document.options;
    this.plainTags = plainTagsOf(document.schema);
  }

  /** Offset of the first line at or after `lineStart` with more than spaces and a comment, or `end`. */
  nextContentLine(lineStart: number): number {
    if (lineStart !== this.cachedFrom) {
      this.cachedFrom = lineStart;
      this.cachedLine = firstContentLine(this.text, lineStart, this.end);
    }
    return this.cachedLine;
  }

  /** Offset of the line feed ending the line at `at`, or `end`. */
  lineEnd(at: number): number {
    const newline = this.text.indexOf('\n', at);
    return newline < 0 || newline > this.end ? this.end : newline;
  }

  indentAt(lineStart: number): number {
    let index = lineStart;
    while (index < this.end && this.text.charCodeAt(index) === 0x20) index++;
    return index - lineStart;
  }

  gapTokens(from: number, to: number): GapToken[] {
    return gapTokens(this.text, from, to, this.comments);
  }

  /**
   * The end of the comment lines from the line at `from` that continue the value before them:
   * those more indented than `indent` (the items of the value's collection), up to the first
   * comment line that is not. Blank lines between them go with them.
   */
  continuedEnd(from: number, indent: number): number {
    let continued = from;
    let start = from;
    while (start < this.end) {
      const index = this.skipSpaces(start);
      if (index >= this.end) break;
      const c = this.text.charCodeAt(index);
      if (c === 0x0a) {
        start = index + 1;
        continue;
      }
      if (c !== 0x23 || index - start <= indent) break;
      const lineEnd = this.lineEnd(index);
      continued = start = lineEnd < this.end ? lineEnd + 1 : this.end;
    }
    return continued;
  }

  /**
   * The end of a block collection of items at column `indent` from `at`, whose last item ends at
   * `lastEnd` and is followed by the lines from `next` (blank or comments) to the next content
   * line. Those lines go up to the enclosing collection (returned as still to place), unless the
   * collection is indented and one of their comments is at least as indented as its items: then
   * they are its `comment`, and its range runs to the next content (as the package's `pop`).
   */
  close(collection: YAMLMap | YAMLSeq, at: number, indent: number, lastEnd: number, next: number): { node: Node; next: number } {
    const line = this.nextContentLine(next);
    if (indent === 0 || this.deepestComment(next, line) < indent) {
      collection.range = [at, lastEnd, lastEnd];
      return { node: collection, next };
    }
    collection.comment = nodeProps(this.gapTokens(next, line), undefined, true).comment;
    const commentEnd = line >= this.end ? this.end : line + this.indentAt(line);
    collection.range = [at, lastEnd, commentEnd];
    return { node: collection, next: line };
  }

  /**
   * The column of the most indented comment line from the line at `from` to `to`, or -1. The last
   * answer is kept: every collection the lines end asks it, from the innermost out.
   */
  deepestComment(from: number, to: number): number {
    if (from !== this.deepestFrom) {
      let deepest = -1;
      for (let start = from; start < to; start = this.lineEnd(start) + 1) {
        const index = this.skipSpaces(start);
        if (index < to && this.text.charCodeAt(index) === 0x23) deepest = Math.max(deepest, index - start);
      }
      this.deepestFrom = from;
      this.deepestColumn = deepest;
    }
    return this.deepestColumn;
  }

  /** The block node starting on the content line at `lineStart` whose indentation is `indent`. */
  blockNode(lineStart: number, indent: number, depth: number): { node: Node; next: number } {
    if (depth > MAX_DEPTH) throw new Unsupported();
    const at = lineStart + indent;
    if (this.isSequenceEntry(at)) return this.blockSequence(at, indent, depth);
    return this.blockMap(at, indent, depth);
  }

  /**
   * The node on the content line at `lineStart` (indented by `lineIndent`) under a key or `-` at
   * column `parentIndent`: a block node, or a one-line flow collection (`key:` then `{}` on the
   * next line, as Helm values files write empty defaults), read as a value after `key: `.
   */
  nestedNode(lineStart: number, lineIndent: number, parentIndent: number, depth: number): { node: Node; next: number } {
    const c = this.text.charCodeAt(lineStart + lineIndent);
    // (A line at the parent's column here is a `-`.)
    if (c === 0x7b || c === 0x5b) return this.inlineValue(lineStart + lineIndent, parentIndent, depth);
    return this.blockNode(lineStart, lineIndent, depth + 1);
  }

  /** `-` followed by a space or a line end. */
  isSequenceEntry(at: number): boolean {
    if (this.text.charCodeAt(at) !== 0x2d) return false;
    const next = at + 1 < this.end ? this.text.charCodeAt(at + 1) : 0x0a;
    return next === 0x20 || next === 0x0a;
  }

  /**
   * A block mapping whose keys sit at column `indent`; the first key at `at` (which may follow a
   * sequence entry's `- ` on the same line). Returns the map and where the lines after it that
   * are still to place start (see `close`).
   */
  blockMap(at: number, indent: number, depth: number): { node: Node; next: number } {
    const map = new YAMLMap(this.schema);
    let keyStart = at;
    let before = -1; // where the lines before the key start (none before the first)
    let lastEnd = at;
    let next: number;
    for (;;) {
      const key = this.mapKey(keyStart);
      if (this.keyTooLong(key.colon, keyStart, lastEnd, map.items[map.items.length - 1]?.value)) throw new Unsupported();
      if (before >= 0) setProps(key.node, nodeProps(this.gapTokens(before, keyStart), undefined, true));
      const entry = this.mapValue(key.colon + 1, indent, depth);
      map.items.push(new Pair(key.node, entry.node));
      lastEnd = (entry.node.range as [number, number, number])[2];
      next = entry.next;
      const line = this.nextContentLine(next);
      if (line >= this.end) break;
      const lineIndent = this.indentAt(line);
      if (lineIndent < indent) break;
      if (lineIndent > indent || this.isSequenceEntry(line + lineIndent)) throw new Unsupported();
      keyStart = line + lineIndent;
      before = next;
    }
    return this.close(map, at, indent, lastEnd, next);
  }

  /**
   * Whether the package may report that an implicit key's `:` at `colon` is more than 1024
   * characters after where it takes the key to start (`resolveBlockMap`): the key's start at
   * `keyStart`, or, when the lines before the key went with an empty value that ends the value
   * before it (`previous`), the end of that value (`lastEnd`). Conservative: a document it may
   * report an error in is left to it.
   */
  keyTooLong(colon: number, keyStart: number, lastEnd: number, previous: unknown): boolean {
    if (colon - keyStart > 1024) return true;
    return colon - lastEnd > 1024 && previous !== undefined && endsEmpty(previous as Node);
  }

  /** A one-line key, plain or quoted, ending at `: ` or `:` and the line's end. */
  mapKey(start: number): { node: Scalar; colon: number } {
    const first = this.text.charCodeAt(start);
    return first === 0x22 || first === 0x27 ? this.quotedKey(start) : this.plainKey(start);
  }

  /** A quoted key (`"@type": x`, `'app.kubernetes.io/name': x`): `:` right after its closing quote, then a space or the line's end. */
  quotedKey(start: number): { node: Scalar; colon: number } {
    const end = this.quotedEnd(start);
    if (this.text.charCodeAt(end) !== 0x3a) throw new Unsupported(); // `"a" : b`, or no key
    const next = end + 1 < this.end ? this.text.charCodeAt(end + 1) : 0x0a;
    if (next !== 0x20 && next !== 0x0a) throw new Unsupported(); // `"a":b`
    return { node: this.quotedScalar(start, end), colon: end };
  }

  /** A plain key ending at `: ` or `:` and the line's end. */
  plainKey(start: number): { node: Scalar; colon: number } {
    const first = this.text.charCodeAt(start);
    if (isIndicator(first) || first === 0x2d || first === 0x20) throw new Unsupported();
    const lineEnd = this.lineEnd(start);
    let index = this.text.indexOf(':', start);
    // The first `:` followed by a space or the line's end.
    while (index >= 0 && index < lineEnd && index + 1 < lineEnd && this.text.charCodeAt(index + 1) !== 0x20) index = this.text.indexOf(':', index + 1);
    if (index < 0 || index >= lineEnd) throw new Unsupported();
    if (NOT_IN_KEY.test(this.text.slice(start, index))) throw new Unsupported();
    if (this.text.charCodeAt(index - 1) === 0x20) throw new Unsupported(); // `key :`
    return { node: this.plainScalar(start, index, index, true), colon: index };
  }

  /** The value after a map key's `:` (at `from`), and where the lines after it still to place start. */
  mapValue(from: number, indent: number, depth: number): { node: Node; next: number } {
    let index = from;
    while (index < this.end && this.text.charCodeAt(index) === 0x20) index++;
    const c = index < this.end ? this.text.charCodeAt(index) : 0x0a;
    if (index === from && c !== 0x0a) throw new Unsupported(); // `key:value` is not this shape
    if (c === 0x7c || c === 0x3e) return this.blockScalar(index, indent); // `|` or `>`
    if (c !== 0x0a && c !== 0x23) {
      return this.inlineValue(index, indent, depth);
    }
    const lineEnd = this.lineEnd(index);
    const line = this.nextContentLine(lineEnd + 1 > this.end ? this.end : lineEnd + 1);
    // The rest of the line (spaces, a comment) and the lines up to the value: its `commentBefore` and
    // `spaceBefore` (the package's `sep` of the pair).
    const tokens = [INDICATOR, ...this.gapTokens(from, line)];
    const lineIndent = line < this.end ? this.indentAt(line) : -1;
    if (lineIndent > indent || (lineIndent === indent && this.isSequenceEntry(line + lineIndent))) {
      const nested = this.nestedNode(line, lineIndent, indent, depth);
      setProps(nested.node, nodeProps(tokens, 'map', false));
      return nested;
    }
    // An empty value (spaces after `key:` move where it starts: left to the package).
    if (index !== from && c !== 0x23) throw new Unsupported();
    if (hasComment(tokens)) return this.commentedEmpty(index, tokens, indent, line, 'map');
    const node = this.empty(from);
    // Blank lines before the next key are that key's (the package splits them off at a token at the
    // map's column, a `---` too); before anything less indented or the stream's end, the empty value's.
    const atMarker = line >= this.end && this.end < this.text.length && indent === 0;
    if (lineIndent === indent || atMarker) return { node, next: index + 1 };
    setProps(node, nodeProps(tokens, 'map', false));
    return { node, next: line };
  }

  /**
   * An empty value at `at` (after `key:` or `-`, or where a comment after them starts) with
   * comments among `tokens` (from the indicator to the next content `line`): what the package
   * leaves with it is its `comment`, `spaceBefore` and the end of its range (`composeEmptyNode`).
   * In a map, a key at its column (or a `---` after a map at column 0) takes the lines from the
   * second line feed since the last indicator or comment more indented than the keys (the
   * package splits the pair's `sep` there); else every line stays, and so does the indentation of
   * the next line.
   */
  commentedEmpty(at: number, tokens: GapToken[], indent: number, line: number, kind: 'map' | 'seq'): { node: Node; next: number } {
    const lineIndent = line < this.end ? this.indentAt(line) : -1;
    let end = line < this.end ? line + lineIndent : this.end;
    let next = line;
    let kept = tokens;
    const atMarker = line >= this.end && this.end < this.text.length && indent === 0;
    if (kind === 'map' && (lineIndent === indent || atMarker)) {
      const split = splitIndex(tokens, indent);
      if (split >= 0) {
        // At a `---`, the package drops what it split off: comments there are left to it.
        if (atMarker && hasComment(tokens.slice(split))) throw new Unsupported();
        kept = tokens.slice(0, split);
        end = next = tokens[split].at;
      }
    }
    const node = this.empty(at);
    const props = nodeProps(kept, kind, kind === 'seq');
    if (props.spaceBefore) node.spaceBefore = true;
    if (props.comment) {
      node.comment = props.comment;
      node.range = [at, at, end];
    }
    return { node, next };
  }

  /** A null scalar at `at`, as the `yaml` package writes an empty value. */
  empty(at: number): Scalar {
    return this.plainScalar(at, at, at, false);
  }

  /**
   * A value written on the rest of a line from `at`: a flow collection, a quoted or a plain
   * scalar, then maybe a comment; nothing else may follow on the line, and no more-indented
   * content line may continue it. Its node ends after the comment lines that continue it.
   */
  inlineValue(at: number, indent: number, depth: number): { node: Node; next: number } {
    const c = this.text.charCodeAt(at);
    let node: Node;
    let end: number;
    if (c === 0x7b || c === 0x5b) {
      const flow = this.flowCollection(at, depth + 1);
      if (this.text.slice(at, flow.end).includes('#')) throw new Unsupported(); // a comment inside
      node = flow.node;
      end = flow.end;
    } else if (c === 0x22 || c === 0x27) {
      end = this.quotedEnd(at);
      node = this.quotedScalar(at, end);
    } else {
      if (isIndicator(c) || (c === 0x2d && this.isSequenceEntry(at))) throw new Unsupported();
      end = this.plainValueEnd(at);
      node = this.plainScalar(at, end, end, false);
    }
    let after = this.skipSpaces(end);
    if (after < this.end && this.text.charCodeAt(after) !== 0x0a) {
      if (this.text.charCodeAt(after) !== 0x23 || after === end) throw new Unsupported();
      after = this.lineEnd(after); // a comment after the value
    }
    const next = this.continuedEnd(after < this.end ? after + 1 : this.end, indent);
    const comment = endComment(this.gapTokens(end, next));
    if (comment) node.comment = comment;
    (node.range as [number, number, number])[2] = next;
    // A more-indented line after a value continues it (a multi-line scalar) or is an error.
    const line = this.nextContentLine(next);
    if (line < this.end && this.indentAt(line) > indent) throw new Unsupported();
    return { node, next };
  }

  /**
   * A block scalar whose header (`|` or `>`) is at `at`, the value of a key or the item of a `-` at
   * column `parentIndent`. Its node ends where the lexer ends its text; every line after it is the
   * next item's `start` (the package pops a block scalar at once: no comment line continues it).
   */
  blockScalar(at: number, parentIndent: number): { node: Node; next: number } {
    const header = blockHeader(this.text, at, this.end);
    if (!header) throw new Unsupported();
    const lineEnd = this.lineEnd(at);
    // The rest of the header line: spaces, maybe a comment (the scalar's `comment`).
    const tokens = this.gapTokens(header.end, lineEnd);
    const body = lineEnd < this.end ? lineEnd + 1 : lineEnd;
    const end = this.blockScalarEnd(body, parentIndent, header);
    const value = blockScalarValue(this.text.slice(body, end), header, parentIndent);
    if (value === undefined) throw new Unsupported();
    // Its lines may hold any character a comment may: they are read as they are.
    if (this.comments && end > body) this.comments.push(body, end);
    const scalar = new Scalar(value);
    scalar.range = [at, end, end];
    scalar.source = value;
    scalar.type = header.folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
    const comment = tokens.find((token) => token.kind === 'comment')?.source.substring(1);
    if (comment) scalar.comment = comment;
    return { node: scalar, next: end };
  }

  /**
   * Where the lexer ends the text of a block scalar whose lines start at `body` (`parseBlockScalar`
   * in `yaml/dist/parse/lexer.js`): just past the line feed of its last line, or the end. Its
   * lines are the blank ones and those indented at least as its first line that is not blank (or
   * as the indentation indicator says) and more than `parentIndent`; then, unless its chomping
   * indicator is `+`, the blank lines at its end are left out but for those more indented than
   * that first line (and the first line after the header).
   */
  blockScalarEnd(body: number, parentIndent: number, header: BlockHeader): number {
    let newline = body - 1; // the line feed before the first line that is not blank
    let first = body;
    for (; first < this.end; first++) {
      const c = this.text.charCodeAt(first);
      if (c === 0x0a) newline = first;
      else if (c !== 0x20) break;
    }
    // The column of the first character that is not a space, or the spaces at the end of the text.
    const indent = first - newline - 1;
    let minIndent = parentIndent + 1;
    if (indent >= minIndent) {
      minIndent = header.indent === 0 ? indent : header.indent - 1 + minIndent;
      newline = this.continuedLines(newline, minIndent);
    }
    if (header.chomp !== '+') newline = this.dropTrailingLines(newline, body, indent);
    return Math.min(newline + 1, this.text.length);
  }

  /** The last line feed (or the end of the text) of the lines from the one after `newline` that are blank or indented by `minIndent` or more. */
  continuedLines(newline: number, minIndent: number): number {
    let last = newline;
    for (;;) {
      let index = last + 1;
      while (index < this.end && this.text.charCodeAt(index) === 0x20) index++;
      const blank = index < this.end && this.text.charCodeAt(index) === 0x0a;
      // The marker line at `end` (if any) has no indentation: it stops the scalar.
      if (!blank && (index - last - 1 < minIndent || (index >= this.end && this.end < this.text.length))) return last;
      const next = this.text.indexOf('\n', index);
      if (next < 0 || next >= this.end) return this.text.length;
      last = next;
    }
  }

  /** `newline` moved back over the lines of spaces alone, no more than `indent` of them, after the line feed at `body - 1`. */
  dropTrailingLines(newline: number, body: number, indent: number): number {
    let last = newline;
    for (;;) {
      let index = last - 1;
      while (index >= body && this.text.charCodeAt(index) === 0x20) index--;
      if (index < body || this.text.charCodeAt(index) !== 0x0a || last - 1 - index > indent) return last;
      last = index;
    }
  }

  /** End of a one-line plain scalar in block context (trailing spaces and a comment excluded); gives up on `: `. */
  plainValueEnd(at: number): number {
    const line = this.text.slice(at, this.lineEnd(at));
    let valueEnd = line.length;
    const hash = line.indexOf('#');
    if (hash >= 0) {
      if (line.charCodeAt(hash - 1) !== 0x20) throw new Unsupported(); // `a#b`: no comment, a `#` in the scalar
      valueEnd = hash;
    }
    if (hasKeyEnd(line.slice(0, valueEnd))) throw new Unsupported();
    while (valueEnd > 0 && line.charCodeAt(valueEnd - 1) === 0x20) valueEnd--;
    return at + valueEnd;
  }

  /** Offset just past the closing quote of a one-line quoted scalar at `at`. */
  quotedEnd(at: number): number {
    const lineEnd = this.lineEnd(at);
    const quote = this.text[at] as '"' | "'";
    let close = this.text.indexOf(quote, at + 1);
    // In single quotes, '' is one quote.
    while (quote === "'" && close >= 0 && close < lineEnd && this.text.charCodeAt(close + 1) === 0x27) close = this.text.indexOf(quote, close + 2);
    if (close < 0 || close >= lineEnd) throw new Unsupported(); // multi-line
    if (quote === '"' && this.text.slice(at + 1, close).includes('\\')) return this.escapedEnd(at, lineEnd);
    return close + 1;
  }

  /**
   * Offset just past the closing quote of a double-quoted scalar at `at` with escapes, on the line
   * ending at `lineEnd`: the first `"` that no `\\` escapes (as the lexer's `parseQuotedScalar`
   * finds it: after an even number of `\\`).
   */
  escapedEnd(at: number, lineEnd: number): number {
    for (let index = at + 1; index < lineEnd; index++) {
      const c = this.text.charCodeAt(index);
      if (c === 0x5c) index++; // the escaped character
      else if (c === 0x22) return index + 1;
    }
    throw new Unsupported(); // multi-line, or an escaped line break
  }

  quotedScalar(at: number, end: number): Scalar {
    const single = this.text.charCodeAt(at) === 0x27;
    let value = this.text.slice(at + 1, end - 1);
    if (single && value.includes("''")) value = value.split("''").join("'");
    else if (!single && value.includes('\\')) {
      const unescaped = unescapeDoubleQuoted(value);
      if (unescaped === undefined) throw new Unsupported();
      value = unescaped;
    }
    const scalar = new Scalar(value);
    scalar.range = [at, end, end];
    scalar.source = value;
    scalar.type = single ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
    return scalar;
  }

  /** A plain scalar from `start` to `end`, resolved by the document's schema as the `yaml` package resolves it. */
  plainScalar(start: number, end: number, nodeEnd: number, atKey: boolean): Scalar {
    const source = this.text.slice(start, end);
    const resolver = this.plainTags.tagOf(source, atKey) ?? (this.schema as unknown as Record<symbol, ScalarTag>)[SCALAR_TAG];
    let failed = false;
    const resolved = resolver.resolve(source, () => (failed = true), this.options);
    if (failed) throw new Unsupported();
    const scalar = isScalar(resolved) ? resolved : new Scalar(resolved);
    scalar.range = [start, end, nodeEnd];
    scalar.source = source;
    scalar.type = 'PLAIN';
    if (resolver.format) scalar.format = resolver.format;
    return scalar;
  }

  /** A block sequence whose `-` sit at column `indent`, the first at `at`. */
  blockSequence(at: number, indent: number, depth: number): { node: Node; next: number } {
    const seq = new YAMLSeq(this.schema);
    let dash = at;
    let before = -1; // where the lines before the `-` start (none before the first)
    let lastEnd: number;
    let next: number;
    for (;;) {
      const entry = this.sequenceEntry(dash, indent, depth, before < 0 ? [INDICATOR] : [...this.gapTokens(before, dash), INDICATOR]);
      seq.items.push(entry.node);
      lastEnd = (entry.node.range as [number, number, number])[2];
      next = entry.next;
      const line = this.nextContentLine(next);
      if (line >= this.end) break;
      const lineIndent = this.indentAt(line);
      if (lineIndent < indent) break;
      if (lineIndent > indent || !this.isSequenceEntry(line + lineIndent)) {
        if (lineIndent === indent) break; // the next key of a map whose value this sequence was
        throw new Unsupported();
      }
      dash = line + lineIndent;
      before = next;
    }
    return this.close(seq, at, indent, lastEnd, next);
  }

  /**
   * One `- ` entry: a nested block node, a compact mapping (`- key: value`), or an inline value.
   * `tokens` are the lines before it and its `-` (the package's `start` of the item).
   */
  sequenceEntry(dash: number, indent: number, depth: number, tokens: GapToken[]): { node: Node; next: number } {
    let index = dash + 1;
    while (index < this.end && this.text.charCodeAt(index) === 0x20) index++;
    if (index >= this.end || this.text.charCodeAt(index) === 0x0a || this.text.charCodeAt(index) === 0x23) {
      const lineEnd = this.lineEnd(index);
      const line = this.nextContentLine(lineEnd + 1 > this.end ? this.end : lineEnd + 1);
      // The rest of the line (spaces, a comment) and the lines up to the nested block: its `commentBefore`.
      tokens.push(...this.gapTokens(dash + 1, line));
      if (line < this.end && this.indentAt(line) > indent) {
        const nested = this.nestedNode(line, this.indentAt(line), indent, depth);
        setProps(nested.node, nodeProps(tokens, 'seq', true));
        return nested;
      }
      // An empty entry (spaces after `-` move where it starts: left to the package). The lines after it are its own.
      const commentAfter = index < this.end && this.text.charCodeAt(index) === 0x23;
      if (index !== dash + 1 && !commentAfter) throw new Unsupported();
      if (hasComment(tokens)) return this.commentedEmpty(index, tokens, indent, line, 'seq');
      const node = this.empty(index);
      setProps(node, nodeProps(tokens, 'seq', true));
      return { node, next: line };
    }
    if (index !== dash + 2 || this.isSequenceEntry(index)) throw new Unsupported(); // `-   x` or `- - x`
    const c = this.text.charCodeAt(index);
    const entry =
      c === 0x7c || c === 0x3e // `|` or `>`
        ? this.blockScalar(index, indent)
        : this.startsMapEntry(index)
          ? this.blockMap(index, index - this.lineStartOf(index), depth + 1)
          : this.inlineValue(index, indent, depth);
    setProps(entry.node, nodeProps(tokens, 'seq', true));
    return entry;
  }

  lineStartOf(at: number): number {
    return this.text.lastIndexOf('\n', at - 1) + 1;
  }

  /** Whether the line from `at` is a key and `: ` (or `:` at the line's end), before any comment; a quoted key is followed by `:` at once. */
  startsMapEntry(at: number): boolean {
    const first = this.text.charCodeAt(at);
    // A quoted key: `mapKey` checks what follows its `:` (a quoted scalar on more than one line is left to the package).
    if (first === 0x22 || first === 0x27) return this.text.charCodeAt(this.quotedEnd(at)) === 0x3a;
    // A flow item is an inline value; if a `:` follows it (a flow key), `inlineValue` gives up.
    if (first === 0x7b || first === 0x5b) return false;
    const line = this.text.slice(at, this.lineEnd(at));
    const comment = line.indexOf(' #'); // what a comment after the line's content says does not count
    return hasKeyEnd(comment < 0 ? line : line.slice(0, comment));
  }

  /** A one-line flow mapping or sequence at `at`; `end` is just past its closing bracket. */
  flowCollection(at: number, depth: number): { node: YAMLMap | YAMLSeq; end: number } {
    if (depth > MAX_DEPTH) throw new Unsupported();
    const isMapping = this.text.charCodeAt(at) === 0x7b;
    const close = isMapping ? 0x7d : 0x5d;
    const collection = isMapping ? new YAMLMap(this.schema) : new YAMLSeq(this.schema);
    collection.flow = true;
    let index = this.skipSpaces(at + 1);
    if (this.text.charCodeAt(index) === close) {
      collection.range = [at, index + 1, index + 1];
      return { node: collection, end: index + 1 };
    }
    for (;;) {
      const item = this.flowItem(index, depth, isMapping);
      if (isMapping) {
        if (this.text.charCodeAt(item.end) !== 0x3a || this.text.charCodeAt(item.end + 1) !== 0x20) throw new Unsupported();
        const value = this.flowItem(this.skipSpaces(item.end + 2), depth, false);
        (collection as YAMLMap).items.push(new Pair(item.node, value.node));
        index = value.end;
      } else {
        (collection as YAMLSeq).items.push(item.node);
        index = item.end;
      }
      index = this.skipSpaces(index);
      const c = this.text.charCodeAt(index);
      if (c === close) break;
      if (c !== 0x2c) throw new Unsupported();
      index = this.skipSpaces(index + 1);
      if (this.text.charCodeAt(index) === close) throw new Unsupported(); // a trailing comma
    }
    collection.range = [at, index + 1, index + 1];
    return { node: collection, end: index + 1 };
  }

  skipSpaces(from: number): number {
    let index = from;
    while (index < this.end && this.text.charCodeAt(index) === 0x20) index++;
    return index;
  }

  /** A key or value inside a flow collection: a nested collection, a quoted or a plain scalar. */
  flowItem(at: number, depth: number, atKey: boolean): { node: Node; end: number } {
    const item = this.flowItemNode(at, depth, atKey);
    // A value's node ends after the spaces that follow it (a key is followed by `:` at once here).
    if (!atKey) (item.node.range as [number, number, number])[2] = this.skipSpaces(item.end);
    return item;
  }

  flowItemNode(at: number, depth: number, atKey: boolean): { node: Node; end: number } {
    const c = this.text.charCodeAt(at);
    if (c === 0x7b || c === 0x5b) {
      if (atKey) throw new Unsupported();
      return this.flowCollection(at, depth + 1);
    }
    if (c === 0x22 || c === 0x27) {
      const end = this.quotedEnd(at);
      return { node: this.quotedScalar(at, end), end };
    }
    if (at >= this.end || isIndicator(c) || c === 0x20 || c === 0x0a) throw new Unsupported();
    if (c === 0x2d) {
      const next = this.text.charCodeAt(at + 1);
      if (next === 0x20 || next === 0x0a || isFlowIndicator(next) || at + 1 >= this.end) throw new Unsupported(); // `- ` is no scalar here
    }
    let index = at;
    let end = at;
    for (; index < this.end; index++) {
      const ch = this.text.charCodeAt(index);
      if (ch === 0x0a) throw new Unsupported();
      if (isFlowIndicator(ch)) break;
      if (ch === 0x3a) {
        if (this.text.charCodeAt(index + 1) === 0x20) break;
        throw new Unsupported(); // `a:b` and `a:` inside a flow collection
      }
      if (ch !== 0x20) end = index + 1;
    }
    return { node: this.plainScalar(at, end, end, atKey), end };
  }
}

/** What `\\` and a character stand for in a double-quoted scalar, by that character (`escapeCodes` in `yaml/dist/compose/resolve-flow-scalar.js`; a tab, which is not read here, left out). */
const ESCAPES = new Map<number, string>(
  Object.entries({ '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\' }).map(([c, value]) => [c.charCodeAt(0), value]),
);

/** The number of hexadecimal digits after `\\x`, `\\u` and `\\U`, by that letter. */
const HEX_DIGITS = new Map<number, number>([
  [0x78, 2],
  [0x75, 4],
  [0x55, 8],
]);

/**
 * The value of the text between the quotes of a one-line double-quoted scalar (each `\\` in it
 * followed by the character it escapes), as `doubleQuotedValue` in
 * `yaml/dist/compose/resolve-flow-scalar.js` makes it, or undefined where the package reports an
 * error (an unknown escape, too few hexadecimal digits, a code point past U+10FFFF).
 */
function unescapeDoubleQuoted(body: string): string | undefined {
  let value = '';
  let from = 0;
  for (let index = body.indexOf('\\'); index >= 0; index = body.indexOf('\\', from)) {
    value += body.slice(from, index);
    const c = body.charCodeAt(index + 1);
    const escaped = ESCAPES.get(c);
    if (escaped !== undefined) {
      value += escaped;
      from = index + 2;
      continue;
    }
    const digits = HEX_DIGITS.get(c);
    if (digits === undefined) return undefined;
    from = index + 2 + digits;
    const code = hexValue(body, index + 2, from);
    if (code === undefined || code > 0x10ffff) return undefined;
    value += String.fromCodePoint(code);
  }
  return value + body.slice(from);
}

/** The number written in hexadecimal digits from `start` to `end` of `text`, or undefined when the text there is not that. */
function hexValue(text: string, start: number, end: number): number | undefined {
  if (end > text.length) return undefined;
  for (let index = start; index < end; index++) {
    const c = text.charCodeAt(index);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return undefined;
  }
  return Number.parseInt(text.slice(start, end), 16);
}

/** A block scalar's header: `|` or `>`, then a chomping indicator and an indentation indicator, each at most once, in either order. */
interface BlockHeader {
  folded: boolean;
  chomp: '' | '-' | '+';
  /** The indentation indicator (1 to 9), or 0. */
  indent: number;
  /** Just past the header's characters. */
  end: number;
}

/** The header of the block scalar at `at` (`|` or `>`), or undefined when the package would not read it without an error. */
function blockHeader(text: string, at: number, end: number): BlockHeader | undefined {
  const header: BlockHeader = { folded: text.charCodeAt(at) === 0x3e, chomp: '', indent: 0, end: at + 1 };
  for (; header.end < end; header.end++) {
    const c = text.charCodeAt(header.end);
    if ((c === 0x2d || c === 0x2b) && header.chomp === '') header.chomp = c === 0x2d ? '-' : '+';
    else if (c >= 0x31 && c <= 0x39 && header.indent === 0) header.indent = c - 0x30;
    else break;
  }
  // A space or the line's end must follow (a comment right after the header is an error).
  const next = header.end < end ? text.charCodeAt(header.end) : 0x0a;
  return next === 0x20 || next === 0x0a ? header : undefined;
}

/** A block scalar's lines: each one's indentation (its leading spaces) and the rest of it. */
type BlockLine = { indent: number; content: string };

function blockLines(source: string): BlockLine[] {
  if (source === '') return [];
  return source.split('\n').map((line) => {
    let indent = 0;
    while (line.charCodeAt(indent) === 0x20) indent++;
    return { indent, content: line.slice(indent) };
  });
}

/**
 * The value of a block scalar whose lines (as the lexer cut them, see `blockScalarEnd`) are
 * `source`, in a collection at column `parentIndent`, as `resolveBlockScalar` in
 * `yaml/dist/compose/resolve-block-scalar.js` makes it, or undefined where it reports an error.
 */
function blockScalarValue(source: string, header: BlockHeader, parentIndent: number): string | undefined {
  const lines = blockLines(source);
  let chompStart = lines.length; // the first of the blank lines at the end
  while (chompStart > 0 && lines[chompStart - 1].content === '') chompStart--;
  if (chompStart === 0) return header.chomp === '+' && lines.length > 0 ? '\n'.repeat(Math.max(1, lines.length - 1)) : '';
  let trim = parentIndent + header.indent;
  let contentStart = 0;
  for (; contentStart < chompStart; contentStart++) {
    const { indent, content } = lines[contentStart];
    if (content !== '') {
      // A blank line before the first one more indented than it: an error.
      if (indent < trim) return undefined;
      if (header.indent === 0) trim = indent;
      break;
    }
    if (header.indent === 0 && indent > trim) trim = indent;
  }
  if (trim === 0) return undefined;
  // Blank lines at the end more indented than the content are content.
  for (let index = lines.length - 1; index >= chompStart; index--) {
    if (lines[index].indent > trim) {
      chompStart = index + 1;
      break;
    }
  }
  let value = '';
  for (let index = 0; index < contentStart; index++) value += ' '.repeat(Math.max(0, lines[index].indent - trim)) + '\n';
  const body = header.folded ? foldedLines(lines, contentStart, chompStart, trim) : literalLines(lines, contentStart, chompStart, trim);
  if (body === undefined) return undefined;
  return chomp(value + body, lines.length, chompStart, header.chomp);
}

function literalLines(lines: readonly BlockLine[], from: number, to: number, trim: number): string | undefined {
  let value = '';
  for (let index = from; index < to; index++) {
    const { indent, content } = lines[index];
    if (content !== '' && indent < trim) return undefined; // less indented than the first line
    value += (index > from ? '\n' : '') + ' '.repeat(Math.max(0, indent - trim)) + content;
  }
  return value;
}

/** The lines of a folded scalar: a line break between two lines is a space, but around more-indented lines or blank lines. */
function foldedLines(lines: readonly BlockLine[], from: number, to: number, trim: number): string | undefined {
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let index = from; index < to; index++) {
    const { indent, content } = lines[index];
    if (content !== '' && indent < trim) return undefined; // less indented than the first line
    if (indent > trim) {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + ' '.repeat(indent - trim) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  return value;
}

/**
 * The value with its final line break and the blank lines at its end (from `chompStart`, none
 * more indented than the content) as the chomping indicator keeps them.
 */
function chomp(value: string, lineCount: number, chompStart: number, indicator: BlockHeader['chomp']): string {
  if (indicator === '-') return value;
  if (indicator === '') return value + '\n';
  const kept = value + '\n'.repeat(lineCount - chompStart);
  return kept.endsWith('\n') ? kept : kept + '\n';
}

/**
 * The document of `text` from `start` (a `---` marker line, when `marker`, or the document's first
 * line) to `end`, as the `yaml` package would compose it, or undefined when it is not of the shape
 * this path reads. An empty document is left to the package too.
 */
function parseSimpleDocument(text: string, start: number, end: number, marker: boolean, prelude: readonly GapToken[]): Document.Parsed | undefined {
  let contentFrom = start;
  let markerEnd = start; // the line feed ending the marker line
  if (marker) {
    const newline = text.indexOf('\n', start);
    if (newline < 0 || newline >= end) return undefined;
    for (let index = start + 3; index < newline; index++) if (text.charCodeAt(index) !== 0x20) return undefined;
    markerEnd = newline;
    contentFrom = newline + 1;
  }
  const ascii = plainCharacters(text, start, end);
  // Other characters may be in comments alone: checked once the comments are known.
  if (!ascii && NEVER_READ.test(text.slice(start, end))) return undefined;
  const document = new Document(undefined, { prettyErrors: false, uniqueKeys: false });
  const parser = new FastParser(text, end, document, ascii ? undefined : []);
  const line = parser.nextContentLine(contentFrom);
  if (line >= end || parser.indentAt(line) !== 0) return undefined;
  try {
    const { node, next } = parser.blockNode(line, 0, 0);
    if (parser.nextContentLine(next) < end) return undefined;
    document.contents = node;
    if (marker) {
      if (document.directives) document.directives.docStart = true;
      // The lines between `---` and the content: the content's (the package's document `start`).
      setProps(node, nodeProps([INDICATOR, ...parser.gapTokens(markerEnd, line)], 'doc', true));
    }
    decorate(document, node as YAMLMap | YAMLSeq, marker ? prelude : parser.gapTokens(start, line), marker);
    const comment = endComment(parser.gapTokens(next, end));
    if (comment) document.comment = comment;
    const contentEnd = (node.range as [number, number, number])[2];
    // As the package reads it: the lines after a document that ends in an empty value are not the document's.
    document.range = [marker ? start : line, contentEnd, endsEmpty(node) ? contentEnd : end];
    if (parser.comments && !onlyInComments(text, start, end, parser.comments)) return undefined;
    return document as Document.Parsed;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/**
 * The comment lines before a stream's first content (`prelude`), where the package's
 * `Composer.decorate` puts them: the document's when a blank line follows them or the document
 * starts with `---`, else its first key's or item's.
 */
function decorate(document: Document, node: YAMLMap | YAMLSeq, prelude: readonly GapToken[], docStart: boolean): void {
  const { comment, afterEmptyLine } = preludeComment(prelude);
  if (!comment) return;
  if (afterEmptyLine || docStart) {
    document.commentBefore = comment;
    return;
  }
  const first: unknown = node.items[0];
  const target = (first instanceof Pair ? first.key : first) as Node;
  target.commentBefore = target.commentBefore ? `${comment}\n${target.commentBefore}` : comment;
}

/** Whether the last value written in a block node is empty (`key:` or `-` with nothing after). */
function endsEmpty(node: Node): boolean {
  let current: unknown = node;
  for (let depth = 0; depth <= MAX_DEPTH + 1; depth++) {
    // An empty quoted or block scalar is popped at once by the package, as any other value.
    if (isScalar(current)) return current.source === '' && current.type === 'PLAIN';
    const items = (current as YAMLMap | YAMLSeq).items;
    if (items.length === 0) return false; // `{}` or `[]`
    const last: unknown = items[items.length - 1];
    current = last instanceof Pair ? last.value : last;
  }
  return false;
}

/**
 * Every document of a stream by the fast path, or undefined when some document is not of its
 * shape (then the caller parses the stream with the `yaml` package). With `skip`, the documents it
 * rules out (given their text) are left out, and so are empty documents (they hold nothing, and
 * the caller only searches documents); without it, a stream with an empty document is left to the
 * package, so the list is exactly the package's. Only bare `---` marker lines are read here (`...`,
 * or content after `---`, are left to the package).
 */
export function parseSimpleDocuments(text: string, skip?: (documentText: string) => boolean): { documents: Document.Parsed[]; errors: string[]; skipped: number } | undefined {
  // A directive line (`%YAML`, `%TAG`) is left to the package.
  if (text.startsWith('%') || text.includes('\n%')) return undefined;
  const documents: Document.Parsed[] = [];
  let skipped = 0;
  let start = 0;
  let marker = false;
  let prelude: GapToken[] = [];
  // Returns false to give up.
  const flush = (end: number): boolean => {
    let contentStart = start;
    if (marker) {
      const newline = text.indexOf('\n', start);
      if (newline < 0 || newline >= end) return skip !== undefined; // a marker line alone: an empty document
      contentStart = newline + 1;
    }
    // No document (blank text before the first marker), or an empty one.
    if (onlySpacesAndBreaks(text, contentStart, end)) return !marker || skip !== undefined;
    if (skip?.(text.slice(contentStart, end))) {
      skipped++;
      return true;
    }
    if (!marker && firstContentLine(text, start, end) >= end) {
      // Comment lines before the first `---` (a stream of comments alone is left to the package).
      prelude = gapTokens(text, start, end);
      return end < text.length && !NEVER_READ.test(text.slice(start, end));
    }
    const document = parseSimpleDocument(text, start, end, marker, prelude);
    prelude = [];
    if (document) documents.push(document);
    return document !== undefined;
  };
  const nextCandidate = markerCandidates(text);
  for (let lineStart = nextCandidate(); lineStart >= 0; lineStart = nextCandidate()) {
    const newline = text.indexOf('\n', lineStart);
    const marks = markerLine(text, lineStart, newline < 0 ? text.length : newline + 1);
    if (marks === 'other') return undefined;
    if (marks === 'start') {
      if (!flush(lineStart)) return undefined;
      start = lineStart;
      marker = true;
    }
  }
  if (!flush(text.length)) return undefined;
  return { documents, errors: [], skipped };
}

/**
 * The starts of the lines that begin with `---` or `...`, one per call, then -1. Two cursors that
 * only move forward (native searches), so the whole text is searched once whatever it holds.
 */
function markerCandidates(text: string): () => number {
  let dashes = text.indexOf('---');
  let dots = text.indexOf('...');
  return () => {
    for (;;) {
      if (dashes < 0 && dots < 0) return -1;
      const isDashes = dots < 0 || (dashes >= 0 && dashes < dots);
      const candidate = isDashes ? dashes : dots;
      if (isDashes) dashes = text.indexOf('---', candidate + 1);
      else dots = text.indexOf('...', candidate + 1);
      if (candidate === 0 || text.charCodeAt(candidate - 1) === 0x0a) return candidate;
    }
  };
}

/**
 * What a line is to the document stream: `start` for a bare `---` (spaces may follow), `other` for
 * any other marker line (`...`, or `---` with content or tabs), `none` for a line that is no marker.
 */
function markerLine(text: string, lineStart: number, lineEnd: number): 'start' | 'other' | 'none' {
  const c = text.charCodeAt(lineStart);
  if ((c !== 0x2d && c !== 0x2e) || text.charCodeAt(lineStart + 1) !== c || text.charCodeAt(lineStart + 2) !== c) return 'none';
  const next = lineStart + 3 < lineEnd ? text.charCodeAt(lineStart + 3) : 0x0a;
  if (next !== 0x20 && next !== 0x0a && next !== 0x09 && next !== 0x0d) return 'none'; // `----`, `---x`: content
  if (c === 0x2e) return 'other';
  for (let index = lineStart + 3; index < lineEnd; index++) {
    const ch = text.charCodeAt(index);
    if (ch !== 0x20 && ch !== 0x0a) return 'other';
  }
  return 'start';
}

const NOT_SPACE_OR_BREAK = /[^ \n]/;

/** Whether `text` between `start` and `end` holds only spaces and line breaks. */
function onlySpacesAndBreaks(text: string, start: number, end: number): boolean {
  return !NOT_SPACE_OR_BREAK.test(text.slice(start, end));
}
