/**
 * Shared plumbing for the configuration-file discoverers (compose and the CI systems): where an
 * image is written in a YAML node, YAML anchors/aliases/merge keys, and turning one written image
 * into one or more occurrences (several when a matrix expands it).
 */
import { isAlias, isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Kind, Occurrence } from '../model.js';
import { expandDollars } from './dollar-variables.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { maskTemplate, TEMPLATE_ACTION_MARK } from './template-mask.js';
import { jinjaBranchTexts } from './template-branches.js';
import type { Extraction, SourceFile } from './types.js';
import { aliasResolver, mapGet, parseYamlDocuments, scalarLocation, scalarString, type ParsedYaml } from './yaml.js';

/** Why an image holding a `{{ }}` action of a configuration read around its actions is unresolved. */
const TEMPLATE_ACTION_NOTE = 'a {{ }} template action fills it in when the file is rendered';

/**
 * Image text longer than this is not an image (references are at most 1024 characters); it is
 * passed on unsubstituted, so the grammar reports it, and no substitution runs on it.
 */
export const MAX_IMAGE_TEXT = 4096;
/** Bound on text produced by variable substitution (variables can refer to variables many times). */
export const MAX_SUBSTITUTED_TEXT = 8192;

/** One possible text of a written image after substitution. */
export interface ImageValue {
  value: string | { unresolved: string };
  note?: string;
}

/** Turns the parsed text of an image into its possible values (one, or several for a matrix). */
export type ImageResolver = (text: string) => ImageValue[];

/** The written text, unchanged: for kinds without interpolation. */
const literalImage: ImageResolver = (text) => [{ value: text }];

export interface SiteInput {
  file: string;
  kind: Kind;
  text: string;
  lines: LineIndex;
  /** The YAML node holding the image (a scalar; anything else yields nothing). */
  node: unknown;
  /** Where in the file's structure, e.g. "services.web.image". */
  context: string;
  resolve?: ImageResolver;
  /** A prefix the image follows inside the scalar, e.g. "docker://" in a step's `uses`. */
  prefix?: string;
  local?: boolean;
  note?: string;
}

/**
 * Occurrences for one image written as a YAML scalar; none when the node is not a non-empty
 * string scalar (a number, a tagged sequence such as GitLab's `!reference`, a map).
 */
export function occurrencesAtScalar(input: SiteInput): Occurrence[] {
  const location = scalarLocation(input.node, input.text);
  if (!location || typeof (input.node as { value?: unknown }).value !== 'string') return [];
  let { offset, raw, value } = location;
  if (input.prefix !== undefined) {
    // The prefix must be written literally for the position to be exact; an escaped prefix is not worth guessing about.
    if (!raw.startsWith(input.prefix) || !value.startsWith(input.prefix)) return [];
    offset += input.prefix.length;
    raw = raw.slice(input.prefix.length);
    value = value.slice(input.prefix.length);
  }
  // Block scalars and multi-line plain scalars: the occurrence points at the first line only.
  if (raw.length === 0 || value.trim().length === 0) return [];
  const trimmed = value.trim();
  const values = trimmed.length > MAX_IMAGE_TEXT ? [{ value: trimmed }] : (input.resolve ?? literalImage)(trimmed);
  return values.map((candidate) =>
    makeOccurrence({
      file: input.file,
      kind: input.kind,
      lines: input.lines,
      offset,
      raw,
      // A masked `{{ }}` action left in the value by a reader that does not describe it itself.
      value: typeof candidate.value === 'string' && candidate.value.includes(TEMPLATE_ACTION_MARK) ? { unresolved: TEMPLATE_ACTION_NOTE } : candidate.value,
      context: input.context,
      local: input.local,
      note: joinNotes(input.note, candidate.note),
    }),
  );
}

function joinNotes(first: string | undefined, second: string | undefined): string | undefined {
  if (first && second) return `${first}; ${second}`;
  return first ?? second;
}

/** For fields written either as the image string or as a map with the image under `key`. */
export function imageNodeOf(node: unknown, key: string): unknown {
  if (isScalar(node)) return node;
  if (isMap(node)) return mapGet(node, key);
  return undefined;
}

/** One alias resolver per document: its anchor index is built once. */
const resolvers = new WeakMap<Document.Parsed, (node: unknown) => unknown>();

/** Follows a YAML alias to the node it names (bounded, so alias chains cannot loop). */
function dealias(document: Document.Parsed, node: unknown): unknown {
  let resolve = resolvers.get(document);
  if (!resolve) {
    resolve = aliasResolver(document);
    resolvers.set(document, resolve);
  }
  let current = node;
  for (let hops = 0; hops < 16 && isAlias(current); hops++) current = resolve(current);
  return isAlias(current) ? undefined : current;
}

/**
 * `key` in a map, following YAML merge keys (`<<: *base`, `<<: [*a, *b]`) when the map does not
 * set it itself. The node returned is where the value is written, so positions stay exact.
 */
export function mergedGet(document: Document.Parsed, node: unknown, key: string): unknown {
  // Each map is visited once, so merge cycles and diamonds cannot multiply the work.
  const visited = new Set<unknown>();
  const search = (current: unknown, depth: number): unknown => {
    const map = dealias(document, current);
    if (!isMap(map) || depth > 8 || visited.has(map)) return undefined;
    visited.add(map);
    const own = mapGet(map, key);
    if (own !== undefined) return dealias(document, own);
    for (const pair of map.items) {
      if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const found = search(source, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return search(node, 0);
}

/** Entries of a map, keys as strings, values with aliases followed; merge keys are left out. */
export function mapPairs(document: Document.Parsed, node: unknown): Array<[string, unknown]> {
  const map = dealias(document, node);
  if (!isMap(map)) return [];
  const pairs: Array<[string, unknown]> = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (key === '<<') continue;
    pairs.push([key, dealias(document, pair.value)]);
  }
  return pairs;
}

/** Items of a sequence, aliases followed. */
export function listItems(document: Document.Parsed, node: unknown): unknown[] {
  const seq = dealias(document, node);
  return isSeq(seq) ? seq.items.map((item) => dealias(document, item)) : [];
}

/** The strings a key holds written as one scalar or as a list of them (`file: a.yml` or `file: [a.yml, b.yml]`). */
export function scalarStrings(document: Document.Parsed, node: unknown): string[] {
  const one = scalarString(node);
  return one !== undefined ? [one] : listItems(document, node).flatMap((item) => scalarString(item) ?? []);
}

/** Drops duplicates of the same written image resolved to the same value (e.g. one anchor merged into many services). */
export function dedupeOccurrences(occurrences: Occurrence[]): Occurrence[] {
  const seen = new Set<string>();
  return occurrences.filter((occurrence) => {
    const key = `${occurrence.file}\0${occurrence.line}:${occurrence.column}:${occurrence.resolved ?? occurrence.raw}:${occurrence.note ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The documents of a configuration file. Throws when none parses, so the file is reported as
 * unreadable; one bad document among several is only listed in `errors`. `language` names the
 * format in that message (JSON files are read as YAML, which keeps positions). `parsed` is the
 * file's text parsed already.
 */
export function parseConfigDocuments(file: SourceFile, language = 'YAML', parsed: ParsedYaml = parseYamlDocuments(file.text)): ParsedYaml {
  if (parsed.documents.length === 0 && parsed.errors.length > 0) {
    // A configuration a tool renders from a Go template first (elastic's `pipeline.tpl.yml`), read
    // around its `{{ }}` actions when that parses in full; an image holding one is unresolved.
    const masked = maskTemplate(file.text, 'actions');
    const retried = masked === undefined ? undefined : parseYamlDocuments(masked);
    if (retried !== undefined && retried.errors.length === 0 && retried.documents.length > 0) return retried;
    throw new Error(`invalid ${language}: ${parsed.errors.join('; ')}`);
  }
  return parsed;
}

/**
 * The documents of a CI configuration that a project template renders with Jinja `{% if %}` ...
 * `{% else %}` choices (cookiecutter-django's `.gitlab-ci.yml`): each way it renders
 * (template-branches.ts), its tags masked, when every way parses in full; otherwise the file as
 * parseConfigDocuments reads it. The same image in several ways is reported once, by its place.
 */
export function parseConfigTemplateDocuments(file: SourceFile): ParsedYaml {
  const texts = jinjaBranchTexts(file.text);
  const documents: Document.Parsed[] = [];
  for (const text of texts ?? []) {
    const parsed = parseYamlDocuments(maskTemplate(text, 'jinja') ?? text);
    if (parsed.errors.length > 0 || parsed.documents.length === 0) return parseConfigDocuments(file);
    documents.push(...parsed.documents);
  }
  return documents.length > 0 ? { documents, errors: [] } : parseConfigDocuments(file);
}

/** The occurrences of every document of a parsed configuration file, duplicates dropped, with the documents' parse errors. */
export function occurrencesOfDocuments(
  file: SourceFile,
  parsed: ParsedYaml,
  occurrencesOf: (document: Document.Parsed, file: SourceFile, lines: LineIndex) => Occurrence[],
): Extraction {
  const lines = new LineIndex(file.text);
  const occurrences = parsed.documents.flatMap((document) => occurrencesOf(document, file, lines));
  return { occurrences: dedupeOccurrences(occurrences), errors: parsed.errors };
}

/** The file name of a POSIX path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The directory of a POSIX path, '' for the root. */
export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * `$NAME` / `${NAME}` substitution of CI systems that expand variables in image names (GitLab):
 * `$$` is a literal `$`; any other `${…}` is unresolved. `lookup` returns the value, or why there is none.
 */
export function substituteVariables(text: string, lookup: (name: string) => string | { unresolved: string }): string | { unresolved: string } {
  return expandDollars(text, {
    named: lookup,
    braced: (inner) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? lookup(inner) : { unresolved: `expression \${${inner}} cannot be resolved from this file` }),
    unclosed: (from) => `expression ${from} cannot be resolved from this file`,
    maxLength: MAX_SUBSTITUTED_TEXT,
    tooLong: `substituting variables makes the text longer than ${MAX_SUBSTITUTED_TEXT} characters`,
  });
}

/**
 * For CI systems that expand environment variables or templates in image names at run time, with
 * no values in the file: the written text when it has none, else unresolved naming the first.
 * `templates` are the system's own placeholder syntaxes (e.g. CircleCI `<< parameters.x >>`).
 */
export function runtimeOnlyResolver(system: string, templates: Array<{ pattern: RegExp; describe: (match: string) => string }> = []): ImageResolver {
  return (text) => {
    for (const template of templates) {
      const match = template.pattern.exec(text);
      if (match) return [{ value: { unresolved: template.describe(match[0]) } }];
    }
    const variable = /\$\{[^}]*\}?|\$[A-Za-z_][A-Za-z0-9_]*/.exec(text);
    if (variable) return [{ value: { unresolved: `${variable[0]} is a ${system} variable, known only when the pipeline runs` } }];
    return [{ value: text }];
  };
}
