/**
 * Placeholders: image text written for a person or a later tool to fill in (`<YOUR-IMAGE>`,
 * `gcr.io/<<PROJECT>>/app`, `@REGISTRY@/app`, `__IMAGE__`, `$IMAGE:tag`, `PROJECT_ID`). Such text
 * is not a mistake in the reference grammar but a value not known yet, so callers report it as
 * unresolved. Recognised by shape, never by a list of examples:
 *
 * - a delimited template: `$NAME`, `${…}`, `$(…)`, `{{…}}`, `{%…%}`, `<%…%>`, `((…))`, `[[…]]`,
 *   `#{…}`, `{…}`, `%NAME%`, `@NAME@`, `|NAME|` (reStructuredText), `__NAME__`, `<…>` (and `<<…>>`);
 * - a build tool's own scheme (`ko://github.com/acme/cmd/app`): the tool puts the image it builds
 *   there; web and registry schemes (`https://`, `docker://`) are mistakes instead (see hints.ts);
 * - a SCREAMING_CASE word (two or more capitals, digits and `_`, nothing lower-case) in the name
 *   part: lower case is the rule there, so an all-capitals word is a name to fill in, while a
 *   mixed-case `MyOrg` is a real mistake.
 * - a bracketed name with no colon (`[server-modules]`, as a builder that substitutes it writes it);
 *   a colon inside brackets is an IPv6 host (`[::1]:5000/app`), which the grammar judges.
 * - text with no letter or digit at all (`_`, `-`, `...`), spaces aside: a stand-in where a schema
 *   wants a value, since every image names something in letters or digits.
 *
 * Every scan is one pass over the text (plus `indexOf` for a closing delimiter, which is given up
 * for the rest of the text once it is missing), so the cost is linear in the text's length.
 */
import { MAX_INPUT_LENGTH } from './grammar.js';

/** Schemes people write by mistake in front of a registry name: not a tool's placeholder. */
const MISTAKEN_SCHEMES = new Set(['http', 'https', 'docker', 'oci', 'docker-daemon', 'containers-storage']);

/** `ko://…`: the whole text, when it starts with a scheme that is no web or registry scheme. */
function toolScheme(text: string): string | undefined {
  const separator = text.indexOf('://');
  if (separator <= 0) return undefined;
  const scheme = text.slice(0, separator);
  for (const ch of scheme) if (!(isLower(ch) || isDigit(ch) || ch === '+' || ch === '.' || ch === '-')) return undefined;
  return isLower(scheme[0]) && !MISTAKEN_SCHEMES.has(scheme) ? text : undefined;
}

/** At most this many placeholders are named in a message. */
const MAX_NAMED = 3;

/** Delimited templates: opening text, closing text. Longer openers first, so `<<` wins over `<`. */
const DELIMITED: ReadonlyArray<readonly [string, string]> = [
  ['${{', '}}'],
  ['${', '}'],
  ['$(', ')'],
  ['{{', '}}'],
  ['{%', '%}'],
  ['<%', '%>'],
  ['<<', '>>'],
  ['((', '))'],
  ['[[', ']]'],
  ['#{', '}'],
  // `{username}` (format strings, sample docs); after `{{` and `{%` so those win.
  ['{', '}'],
  ['<', '>'],
];

const isUpper = (ch: string): boolean => ch >= 'A' && ch <= 'Z';
const isLower = (ch: string): boolean => ch >= 'a' && ch <= 'z';
const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isWordChar = (ch: string): boolean => isUpper(ch) || isLower(ch) || isDigit(ch) || ch === '_';

/** Length of the identifier (`[A-Za-z_][A-Za-z0-9_]*`) starting at `start`, 0 when there is none. */
function identifierLength(text: string, start: number): number {
  if (start >= text.length || !(isUpper(text[start]) || isLower(text[start]) || text[start] === '_')) return 0;
  let end = start + 1;
  while (end < text.length && isWordChar(text[end])) end++;
  return end - start;
}

/** The delimited placeholders of `text`, in order, at most MAX_NAMED. */
function delimitedPlaceholders(text: string): string[] {
  const found: string[] = [];
  const memo: ScanMemo = { closerMissing: new Set(), failedUntil: new Map() };
  let index = 0;
  while (index < text.length && found.length < MAX_NAMED) {
    const match = placeholderAt(text, index, memo);
    if (match === undefined) {
      index++;
      continue;
    }
    found.push(text.slice(index, match));
    index = match;
  }
  return found;
}

/** What earlier scans learnt, so no stretch of text is scanned twice for the same delimiter. */
interface ScanMemo {
  /** Closing delimiters that occur nowhere after the point where they were looked for. */
  closerMissing: Set<string>;
  /** For `%`, `@`, `|` and `__`: a scan that failed ran up to here, and so would any starting before. */
  failedUntil: Map<string, number>;
}

export interface PlaceholderOptions {
  /**
   * The text already went through the file's own `$` expansion (a Dockerfile's `FROM`): a `$`
   * left in it is literal, so it is a mistake in the reference, not a value still to come.
   */
  dollarExpanded?: boolean;
}

/** The end of a placeholder starting at `index`, or undefined. */
function placeholderAt(text: string, index: number, memo: ScanMemo): number | undefined {
  const ch = text[index];
  for (const [open, close] of DELIMITED) {
    if (!text.startsWith(open, index) || memo.closerMissing.has(close)) continue;
    const end = text.indexOf(close, index + open.length);
    // No closer after here means none after any later opener either.
    if (end < 0) {
      memo.closerMissing.add(close);
      continue;
    }
    if (end > index + open.length) return end + close.length;
  }
  if (ch === '[') {
    const end = bracketedNameEnd(text, index);
    if (end !== undefined) return end;
  }
  if (ch === '$') {
    const length = identifierLength(text, index + 1);
    return length > 0 ? index + 1 + length : undefined;
  }
  // `%NAME%`, `@NAME@` (autoconf, Maven resources), `|NAME|` (Sphinx), `__NAME__`.
  for (const mark of ['%', '@', '|', '__']) {
    if (!text.startsWith(mark, index) || index < (memo.failedUntil.get(mark) ?? 0)) continue;
    const start = index + mark.length;
    let end = start;
    while (end < text.length && (isWordChar(text[end]) || text[end] === '-' || text[end] === '.') && !text.startsWith(mark, end)) end++;
    // One character between marks (`a@b@c`) is more likely a typo than a name to fill in.
    if (end > start + 1 && text.startsWith(mark, end) && hasLetter(text, start, end)) return end + mark.length;
    // A later start before `end` would stop at the same place for the same reason.
    if (!text.startsWith(mark, end)) memo.failedUntil.set(mark, end);
  }
  return undefined;
}

/** The end of `[name]` at `index`: a letter, then letters, digits, `.`, `_` and `-` (no `:`, so never an IPv6 host). */
function bracketedNameEnd(text: string, index: number): number | undefined {
  let end = index + 1;
  while (end < text.length && (isWordChar(text[end]) || text[end] === '-' || text[end] === '.')) end++;
  return text[end] === ']' && hasLetter(text, index + 1, end) ? end + 1 : undefined;
}

function hasLetter(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isUpper(text[i]) || isLower(text[i])) return true;
  return false;
}

/** `_`, `-`, `...`: written, with no letter, digit or space (empty text and spaces are grammar errors). */
function isStandIn(text: string): boolean {
  if (text.length === 0) return false;
  for (const ch of text) if (isUpper(ch) || isLower(ch) || isDigit(ch) || ch.trim() === '') return false;
  return true;
}

/** The name part of reference text: before any `@` and before the tag's `:`. */
function namePart(text: string): string {
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const colon = beforeDigest.lastIndexOf(':');
  return colon > beforeDigest.lastIndexOf('/') ? beforeDigest.slice(0, colon) : beforeDigest;
}

/** SCREAMING_CASE words of the name part: maximal runs of word characters with two capitals and no lower case. */
function screamingWords(text: string): string[] {
  const name = namePart(text);
  const found: string[] = [];
  let index = 0;
  while (index < name.length && found.length < MAX_NAMED) {
    if (!isWordChar(name[index])) {
      index++;
      continue;
    }
    let end = index;
    let capitals = 0;
    let lower = false;
    while (end < name.length && isWordChar(name[end])) {
      if (isUpper(name[end])) capitals++;
      else if (isLower(name[end])) lower = true;
      end++;
    }
    if (!lower && capitals >= 2) found.push(name.slice(index, end));
    index = end;
  }
  return found;
}

/**
 * The placeholders written in `text`, or an empty list when it has none. Meant for text that did
 * not parse as a reference: a valid reference is never a placeholder.
 */
export function findPlaceholders(text: string, options: PlaceholderOptions = {}): string[] {
  if (text.length > MAX_INPUT_LENGTH) return [];
  // A `$` the file's own expansion left behind is literal: the text is wrong as written.
  if (options.dollarExpanded && text.includes('$')) return [];
  const tool = toolScheme(text);
  if (tool !== undefined) return [tool];
  if (isStandIn(text)) return [text];
  const delimited = delimitedPlaceholders(text);
  return delimited.length > 0 ? delimited : screamingWords(text);
}

/**
 * Whether `text` is one delimited placeholder and nothing else (`<CERT_MANAGER_ISSUER_ANNOTATION>`,
 * `${EXTRA_LABELS}`, `@SETTINGS@`): a stand-in for whatever a person or a tool writes there.
 */
export function isWholePlaceholder(text: string): boolean {
  if (text.length === 0 || text.length > MAX_INPUT_LENGTH) return false;
  return placeholderAt(text, 0, { closerMissing: new Set(), failedUntil: new Map() }) === text.length;
}

/** A sentence naming the placeholders, for an unresolved occurrence. */
export function describePlaceholders(placeholders: readonly string[]): string {
  const named = placeholders.map((placeholder) => JSON.stringify(placeholder)).join(', ');
  return placeholders.length === 1
    ? `placeholder ${named} is to be filled in by a person or a tool before use`
    : `placeholders ${named} are to be filled in by a person or a tool before use`;
}
