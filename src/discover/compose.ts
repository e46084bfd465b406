/**
 * Docker Compose files (by name, or any YAML whose top-level `services` carry `image`/`build`;
 * version 1 files with services at the top level): `services.<name>.image`, images inherited through
 * `extends`, and `docker-image://` additional build contexts,
 * with Compose variable interpolation resolved from the `.env` file beside the compose file. The
 * shell environment of whoever runs compose is unknown to a scan, so a variable set nowhere in the
 * repository is reported as unresolved.
 */
import type { Document, YAMLMap, YAMLSeq } from 'yaml';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { posix } from 'node:path';
import { LineIndex } from './position.js';
import { MAX_SUBSTITUTED_TEXT, baseName, dedupeOccurrences, dirName, listItems, mapPairs, mergedGet, occurrencesAtScalar, parseConfigDocuments, type ImageValue } from './image-site.js';
import { takeParse } from './parse-once.js';
import { isMap, isScalar, isSeq, mapGet, parseYamlDocuments, scalarLocation, scalarString, type ParsedYaml } from './yaml.js';
import { composeContainers, withContainers } from './containers/index.js';
import { expressionNote, templateByContent, lineByLineNote, readUnparsed, templateFileOf, withoutTemplateSuffix, type TemplateFile } from './template-file.js';
import { makeOccurrence } from './occurrence.js';
import { expandDollars } from './dollar-variables.js';
import { TEMPLATE_ACTION_MARK, maskTemplate } from './template-mask.js';

/** compose.yaml, compose.override.yml, docker-compose.prod.yaml, app.compose.yml, docker-stack.yml ... */
const COMPOSE_FILE = /^(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml$|^[^/]+\.compose\.ya?ml$|^docker-stack(?:[._-][^/]*)?\.ya?ml$/i;

/**
 * A compose file under any other name (`stack.yml`, `infra/db.yml`): a top-level `services:` key
 * and an indented `image:` or `build:`. Only a cheap test; `extract` checks the structure.
 */
const SERVICES_KEY = /^services[ \t]*:[ \t]*(?:#[^\n]*)?\r?$/m;
const SERVICE_FIELD = /^[ \t]+(?:image|build)[ \t]*:/m;
export const YAML_FILE = /\.ya?ml$/i;

/** Bound on nested `${A:-${B:-...}}` defaults. */
const MAX_NESTING = 16;

/** A variable's value, or why it has none that a scan can know. */
export type VariableValue = string | { unresolved: string };

/** Variables visible to interpolation; undefined means not set. */
export type VariableLookup = (name: string) => VariableValue | undefined;

export type Interpolated = { ok: true; value: string } | { ok: false; message: string };

/**
 * Compose interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alternative}`, `${VAR+alternative}`; defaults and
 * alternatives may themselves contain substitutions.
 */
export function interpolateCompose(text: string, lookup: VariableLookup, depth = 0): Interpolated {
  if (depth > MAX_NESTING) return { ok: false, message: 'interpolation nested too deeply' };
  const result = expandDollars(text, {
    named: (name) => lookup(name) ?? { unresolved: `variable ${name} is not set` },
    braced: (inner) => {
      const braced = substituteBraced(inner, lookup, depth);
      return braced.ok ? braced.value : { unresolved: braced.message };
    },
    unclosed: () => `invalid interpolation format in "${text}": unclosed "\${"`,
    // Each .env line may double the previous one's length.
    maxLength: MAX_SUBSTITUTED_TEXT,
    tooLong: `interpolation makes the text longer than ${MAX_SUBSTITUTED_TEXT} characters`,
  });
  return typeof result === 'string' ? { ok: true, value: result } : { ok: false, message: result.unresolved };
}

function substituteBraced(body: string, lookup: VariableLookup, depth: number): Interpolated {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!match) return { ok: false, message: `invalid interpolation format: "\${${body}}"` };
  const [, name, operator, argument = ''] = match;
  const value = lookup(name);
  if (value !== undefined && typeof value !== 'string') return { ok: false, message: value.unresolved };
  const isSet = value !== undefined;
  const isNonEmpty = isSet && value !== '';
  switch (operator) {
    case undefined:
      return isSet ? { ok: true, value } : { ok: false, message: `variable ${name} is not set` };
    case ':-':
      return isNonEmpty ? { ok: true, value } : interpolateCompose(argument, lookup, depth + 1);
    case '-':
      return isSet ? { ok: true, value } : interpolateCompose(argument, lookup, depth + 1);
    case ':?':
    case '?': {
      const satisfied = operator === '?' ? isSet : isNonEmpty;
      if (satisfied) return { ok: true, value: value as string };
      const reason = operator === '?' ? 'is not set' : 'is not set or empty';
      return { ok: false, message: `required variable ${name} ${reason}${argument ? `: ${argument}` : ''}` };
    }
    case ':+':
      return isNonEmpty ? interpolateCompose(argument, lookup, depth + 1) : { ok: true, value: '' };
    case '+':
      return isSet ? interpolateCompose(argument, lookup, depth + 1) : { ok: true, value: '' };
    default:
      return { ok: false, message: `invalid interpolation format: "\${${body}}"` };
  }
}

/** Largest `.env` considered; bigger ones are not configuration. */
const MAX_DOTENV_LENGTH = 256 * 1024;

/**
 * Parses a dotenv file as Compose reads it: `KEY=value`, optional `export `, `#` comments,
 * single quotes literal, double quotes with escapes, unquoted values ending at ` #`. Values may
 * use variables defined on earlier lines; one referring to a variable set nowhere in the file
 * depends on the shell environment and is kept as unresolved.
 */
/**
 * An unquoted value before its comment: a `#` that starts it or follows whitespace. A scan, not
 * `/(^|\s)#.*$/`, which is quadratic on a line of ` #` pairs ending in a line separator.
 */
function withoutInlineComment(value: string): string {
  for (let i = 0; i < value.length; i += 1) {
    if (value[i] === '#' && (i === 0 || /\s/.test(value[i - 1] ?? ''))) return value.slice(0, i);
  }
  return value;
}

export function parseDotenv(text: string): Map<string, VariableValue> {
  const variables = new Map<string, VariableValue>();
  if (text.length > MAX_DOTENV_LENGTH) return variables;
  const lookup: VariableLookup = (name) => variables.get(name);
  let index = 0;
  while (index < text.length) {
    let lineEnd = text.indexOf('\n', index);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(index, lineEnd).replace(/\r$/, '');
    const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?/.exec(line);
    if (!assignment) {
      index = lineEnd + 1;
      continue;
    }
    const name = assignment[1];
    const valueStart = index + assignment[0].length;
    const rest = text.slice(valueStart).replace(/^[ \t]+/, '');
    const skipped = text.length - valueStart - rest.length;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      const close = closingQuote(rest, quote);
      if (close < 0) {
        // An unterminated quote: take the rest of the line literally rather than the rest of the file.
        variables.set(name, line.slice(assignment[0].length).trim());
        index = lineEnd + 1;
        continue;
      }
      const body = rest.slice(1, close);
      if (quote === "'") variables.set(name, body);
      else {
        const unescaped = body.replace(/\\([\\"nrt$])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? (ch === '$' ? '$$' : ch));
        variables.set(name, dotenvValue(name, unescaped, lookup));
      }
      const after = text.indexOf('\n', valueStart + skipped + close + 1);
      index = after < 0 ? text.length : after + 1;
      continue;
    }
    const unquoted = withoutInlineComment(line.slice(assignment[0].length)).trim();
    variables.set(name, dotenvValue(name, unquoted, lookup));
    index = lineEnd + 1;
  }
  return variables;
}

function closingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function dotenvValue(name: string, text: string, lookup: VariableLookup): VariableValue {
  if (!text.includes('$')) return text;
  const result = interpolateCompose(text, lookup);
  return result.ok ? result.value : { unresolved: `${result.message} (needed by ${name} in .env)` };
}

function resolverFor(variables: Map<string, VariableValue>, template: TemplateFile | undefined): (text: string) => ImageValue[] {
  return (text) => {
    // A template's tag, masked (template-file.ts): the value is known only once the template is rendered.
    if (template !== undefined && text.includes(TEMPLATE_ACTION_MARK)) return [{ value: { unresolved: expressionNote(template) } }];
    const result = interpolateCompose(text, (name) => variables.get(name));
    return [{ value: result.ok ? result.value : { unresolved: result.message } }];
  };
}

/** The scheme of an additional build context that BuildKit pulls as an image. */
const DOCKER_IMAGE_SCHEME = 'docker-image://';

/**
 * `build.additional_contexts` entries naming an image (`name: docker-image://alpine:3.18`, or
 * `- name=docker-image://...` in the list form): BuildKit pulls it at build time. Paths, git URLs,
 * `service:` and `oci-layout://` contexts are not registry images.
 */
function buildContextOccurrences(
  document: Document.Parsed,
  build: unknown,
  serviceName: string,
  file: SourceFile,
  lines: LineIndex,
  resolve: (text: string) => ImageValue[],
): Occurrence[] {
  const contexts = mergedGet(document, build, 'additional_contexts');
  if (contexts === undefined) return [];
  const entries: Array<{ name: string; node: unknown; prefix: string }> = [];
  for (const [name, node] of mapPairs(document, contexts)) entries.push({ name, node, prefix: DOCKER_IMAGE_SCHEME });
  for (const item of listItems(document, contexts)) {
    if (!isScalar(item) || typeof item.value !== 'string') continue;
    const equals = item.value.indexOf('=');
    if (equals < 0) continue;
    entries.push({ name: item.value.slice(0, equals).trim(), node: item, prefix: `${item.value.slice(0, equals + 1)}${DOCKER_IMAGE_SCHEME}` });
  }
  const occurrences: Occurrence[] = [];
  for (const { name, node, prefix } of entries) {
    // occurrencesAtScalar skips the entry unless its value starts with the prefix as written.
    occurrences.push(
      ...occurrencesAtScalar({
        file: file.path,
        kind: 'compose',
        text: file.text,
        lines,
        node,
        prefix,
        context: `services.${serviceName}.build.additional_contexts.${name}`,
        resolve,
        note: 'an additional build context BuildKit pulls as an image',
      }),
    );
  }
  return occurrences;
}

interface ServiceSite {
  document: Document.Parsed;
  file: SourceFile;
  lines: LineIndex;
  resolve: (text: string) => ImageValue[];
  context: DiscoverContext;
  /** What could not be followed (an `extends` file the repository does not hold): notes, their images unchecked. */
  notes: string[];
  /** An `extends` file left unread by the scan's bound: errors. */
  errors: string[];
  /** The `extends` files this compose file's services name, each read once for all of them. */
  bases: Map<string, ExtendsFile>;
}

/** An `extends` file as its services see it: absent (or unreadable), read as compose on its own, past the scan's bound, or parsed. */
type ExtendsFile =
  | { state: 'absent' }
  | { state: 'compose' }
  | { state: 'limit' }
  | { state: 'parsed'; text: string; parsed: ParsedYaml; lines?: LineIndex };

/** The parses of `extends` files kept for a whole scan (small ones), and how much such text was parsed in all. */
interface ExtendsParses {
  kept: Map<string, ParsedYaml>;
  keptText: number;
  parsedText: number;
}

const extendsParsesByScan = new WeakMap<DiscoverContext, ExtendsParses>();

/** UTF-16 code units of `extends` files whose parses a scan keeps (some 45 MB of documents). */
const MAX_KEPT_EXTENDS_TEXT = 1024 * 1024;

/**
 * UTF-16 code units of `extends` files a scan parses in all: each compose file parses its bases
 * once, so thousands of compose files naming one large base would parse it thousands of times.
 */
const MAX_PARSED_EXTENDS_TEXT = 16 * 1024 * 1024;

/** An `extends` file, read once per compose file, and parsed once per compose file and, for a small one, once per scan. */
async function extendsFile(site: ServiceSite, path: string): Promise<ExtendsFile> {
  const known = site.bases.get(path);
  if (known !== undefined) return known;
  const text = await site.context.readFile(path);
  let base: ExtendsFile;
  if (text === undefined) base = { state: 'absent' };
  else if (isComposeFile(path, text)) base = { state: 'compose' };
  else {
    const parsed = parseExtendsFile(site.context, path, text);
    base = parsed === undefined ? { state: 'limit' } : { state: 'parsed', text, parsed };
  }
  site.bases.set(path, base);
  return base;
}

/** The parse of an `extends` file, kept for the scan when small; undefined past the scan's bound. */
function parseExtendsFile(context: DiscoverContext, path: string, text: string): ParsedYaml | undefined {
  let scan = extendsParsesByScan.get(context);
  if (scan === undefined) extendsParsesByScan.set(context, (scan = { kept: new Map(), keptText: 0, parsedText: 0 }));
  const kept = scan.kept.get(path);
  if (kept !== undefined || scan.parsedText + text.length > MAX_PARSED_EXTENDS_TEXT) return kept;
  scan.parsedText += text.length;
  const parsed = parseYamlDocuments(text);
  if (scan.keptText + text.length <= MAX_KEPT_EXTENDS_TEXT) {
    scan.kept.set(path, parsed);
    scan.keptText += text.length;
  }
  return parsed;
}

/** Bound on `extends` chains (a service extending itself, directly or not, ends the chain). */
const MAX_EXTENDS_DEPTH = 8;

/**
 * The services of a compose document with the path their keys sit under: `services:` (the Compose
 * specification, file formats 2 and 3), or the top level itself in a version 1 file, where every
 * top-level key is a service. There, only maps with `image` or `build` count as services, unless
 * `anyMap` (a service named by `extends`).
 */
function servicesOf(document: Document.Parsed, anyMap = false): { services: Array<[string, unknown]>; prefix: string } {
  const declared = mapGet(document.contents, 'services');
  if (declared !== undefined) return { services: mapPairs(document, declared).filter(([, service]) => isMap(service)), prefix: 'services.' };
  if (mapGet(document.contents, 'version') !== undefined) return { services: [], prefix: 'services.' };
  const services = mapPairs(document, document.contents).filter(
    ([, service]) => isMap(service) && (anyMap || mergedGet(document, service, 'image') !== undefined || mergedGet(document, service, 'build') !== undefined),
  );
  return { services, prefix: '' };
}

/** Each document's services by name (the first of a name, as a search would find it), built once: `extends` looks one up at every hop. */
const servicesByName = new WeakMap<Document.Parsed, Map<string, unknown>>();

/** The service `name` of a document, any map counting in a version 1 file (a service named by `extends`). */
function serviceNamed(document: Document.Parsed, name: string): unknown {
  let byName = servicesByName.get(document);
  if (byName === undefined) {
    byName = new Map();
    for (const [key, service] of servicesOf(document, true).services) if (!byName.has(key)) byName.set(key, service);
    servicesByName.set(document, byName);
  }
  return byName.get(name);
}

/** `extends: name` or `extends: {service, file}`. */
function extendsOf(document: Document.Parsed, service: unknown): { service: string; file?: string } | undefined {
  const node = mergedGet(document, service, 'extends');
  const short = scalarString(node);
  if (short !== undefined) return { service: short };
  const name = scalarString(mergedGet(document, node, 'service'));
  if (name === undefined) return undefined;
  const file = scalarString(mergedGet(document, node, 'file'));
  return file === undefined ? { service: name } : { service: name, file };
}

async function serviceOccurrences(site: ServiceSite): Promise<Occurrence[]> {
  const { document, file, lines, resolve } = site;
  const occurrences: Occurrence[] = [];
  const { services, prefix } = servicesOf(document);
  for (const [key, service] of services) {
    const name = key.includes(TEMPLATE_ACTION_MARK) ? writtenServiceName(document, key, file.text) : key;
    const build = mergedGet(document, service, 'build');
    const built = build !== undefined;
    if (built) occurrences.push(...buildContextOccurrences(document, build, name, file, lines, resolve));
    const image = mergedGet(document, service, 'image');
    if (image === undefined) {
      // The image may come from the service this one extends, written in another file.
      occurrences.push(...(await extendedImage(site, service, `${prefix}${name}`, built)));
      continue; // build-only services produce a local image with a generated name
    }
    if (isMap(image) || isSeq(image)) {
      occurrences.push(...collectionImage(site, image, `${prefix}${name}.image`));
      continue;
    }
    occurrences.push(
      ...occurrencesAtScalar({
        file: file.path,
        kind: 'compose',
        text: file.text,
        lines,
        node: image,
        context: `${prefix}${name}.image`,
        resolve,
        local: built,
        note: built ? 'built here from `build:`; compose tags the result with this name' : undefined,
      }),
    );
  }
  return occurrences;
}

/**
 * An `image:` written as a YAML collection, which compose rejects: a placeholder a tool replaces
 * before use (kafka's test fixtures write `image: {$IMAGE}`, a flow mapping as YAML reads it).
 * A flow collection on one line is reported as written, for the reference rules to judge; any
 * other is an error of the file. Neither is a silent pass.
 */
function collectionImage(site: ServiceSite, image: YAMLMap | YAMLSeq, context: string): Occurrence[] {
  const [start, end] = image.range ?? [0, 0];
  const raw = site.file.text.slice(start, end).trim();
  if (!image.flow || raw === '' || raw.includes('\n')) {
    site.errors.push(`${context} is a YAML ${isMap(image) ? 'mapping' : 'sequence'}, not an image name`);
    return [];
  }
  return [makeOccurrence({ file: site.file.path, kind: 'compose', lines: site.lines, offset: start, raw, value: raw, context })];
}

/** A service's name as the template writes it (`awx_{{ container_postfix }}`), for one whose key holds a masked tag. */
function writtenServiceName(document: Document.Parsed, key: string, text: string): string {
  const services = mapGet(document.contents, 'services') ?? document.contents;
  const pair = isMap(services) ? services.items.find((item) => isScalar(item.key) && item.key.value === key) : undefined;
  return scalarLocation(pair?.key, text)?.raw ?? key;
}

/**
 * The image a service inherits through `extends: {file, service}`, positioned where it is written in
 * that file. A base in this file, or in a file scanned as compose on its own, is reported there
 * already; only bases in files nothing else reads are reported from here.
 */
async function extendedImage(site: ServiceSite, service: unknown, context: string, built: boolean): Promise<Occurrence[]> {
  let document = site.document;
  let current = service;
  let path = site.file.path;
  let base: ExtendsFile | undefined;
  const seen = new Set<string>();
  for (let depth = 0; depth < MAX_EXTENDS_DEPTH; depth++) {
    const target = extendsOf(document, current);
    if (target === undefined) return [];
    if (target.file !== undefined) {
      const from = path;
      path = posix.normalize(posix.join(dirName(path), target.file));
      base = await extendsFile(site, path);
      // A base read as compose on its own is reported there.
      if (base.state === 'compose') return [];
      // What cannot be followed names an image to check, unless the service is built here (a local image).
      if (base.state !== 'parsed' && built) return [];
      // Compose reads a base the repository does not hold (outside it, absent, unreadable): its image is not checked.
      if (base.state === 'absent') return unfollowed(site, context, `extends service ${target.service} of ${path}, which the repository does not hold or which could not be read`, from);
      if (base.state === 'limit') return unfollowed(site, context, `extends service ${target.service} of ${path}, which was not read: the scan parsed ${MAX_PARSED_EXTENDS_TEXT} characters of extends files (limit)`, from, site.errors);
      if (base.parsed.documents.length === 0) return built ? [] : unfollowed(site, context, `extends service ${target.service} of ${path}, which could not be parsed`, from);
      document = base.parsed.documents[0];
    }
    const key = `${path}#${target.service}`;
    if (seen.has(key)) return [];
    seen.add(key);
    // A fragment's service may have neither image nor build of its own (it extends another).
    current = serviceNamed(document, target.service);
    if (current === undefined) return [];
    const image = mergedGet(document, current, 'image');
    if (image === undefined) continue;
    if (path === site.file.path || base?.state !== 'parsed') return [];
    base.lines ??= new LineIndex(base.text);
    return occurrencesAtScalar({
      file: path,
      kind: 'compose',
      text: base.text,
      lines: base.lines,
      node: image,
      context: `${context}.image`,
      resolve: site.resolve,
      local: built || undefined,
      note: `${context} of ${site.file.path} extends service ${target.service} of this file`,
    });
  }
  return [];
}

/** A note that a service's image comes from what could not be read, at the service's line when the chain starts in this file. */
function unfollowed(site: ServiceSite, context: string, why: string, from: string, problems = site.notes): Occurrence[] {
  const where = from === site.file.path ? lineOfService(site, context) : undefined;
  problems.push(`${where === undefined ? '' : `line ${where}: `}${context} ${why}; its image was not checked`);
  return [];
}

/** The line of a service's key (`services.web` or, in a version 1 file, `web`). */
function lineOfService(site: ServiceSite, context: string): number | undefined {
  const name = context.startsWith('services.') ? context.slice('services.'.length) : context;
  const services = mapGet(site.document.contents, 'services') ?? site.document.contents;
  const pair = isMap(services) ? services.items.find((item) => isScalar(item.key) && item.key.value === name) : undefined;
  const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? undefined : site.lines.positionAt(offset).line;
}

/** Whether a file is read as compose on its own, by its name or its content. */
function isComposeFile(path: string, text: string): boolean {
  return hasComposeName(path) || composeContent(path, text);
}

/** A compose file's name, or a template's (`docker-compose.yml.j2`, `docker-compose.yml.tmpl`) that renders one. */
export function hasComposeName(path: string): boolean {
  return COMPOSE_FILE.test(baseName(withoutTemplateSuffix(path)));
}

/** Whether a YAML file under another name is a compose file by its content (a cheap test of its text). */
export function composeContent(path: string, text: string): boolean {
  return YAML_FILE.test(withoutTemplateSuffix(path)) && SERVICES_KEY.test(text) && SERVICE_FIELD.test(text);
}

/**
 * The documents of a template that do not parse even masked: their `image:` lines read one by
 * one (template-file.ts `readUnparsed`), reported as read line by line rather than as errors.
 */
function readTemplateLineByLine(file: SourceFile, template: TemplateFile, masked: string, parsed: ParsedYaml, lines: LineIndex, extracted: Extraction): void {
  const failed = parsed.failedRanges ?? [];
  if (failed.length === 0 || failed.length !== parsed.errors.length) return;
  const parts = failed.map(([start, end], index) => ({ start, end, message: parsed.errors[index] }));
  const unparsed = readUnparsed(file.text, masked, parts, lines, template);
  for (const image of unparsed.images) {
    extracted.occurrences.push(makeOccurrence({ file: file.path, kind: 'compose', lines, offset: image.offset, raw: image.raw, value: image.value, context: 'image', note: lineByLineNote(template) }));
  }
  extracted.errors = [];
  extracted.readLineByLine = unparsed.messages;
}

/**
 * The documents of a compose file; a template of one (by its name, or a Jinja template by its
 * content) is read as the YAML around its tags (template-file.ts), at the same offsets.
 */
function composeDocuments(file: SourceFile, context: DiscoverContext): { template?: TemplateFile; masked?: string; parsed: ParsedYaml } {
  let template = templateFileOf(file.path);
  if (template === undefined) {
    const parsed = takeParse(context, file.path, file.text);
    template = templateByContent(file.path, file.text, parsed.errors.length > 0);
    // Not a template: a file that does not parse at all is reported as unreadable.
    if (template === undefined) return { parsed: parseConfigDocuments(file, 'YAML', parsed) };
  }
  const masked = maskTemplate(file.text, template.dialect) ?? file.text;
  return { template, masked, parsed: parseYamlDocuments(masked) };
}

export const composeDiscoverer: Discoverer = {
  kind: 'compose',
  matches: hasComposeName,
  matchesContent: composeContent,
  candidate(path) {
    return hasComposeName(path) || YAML_FILE.test(withoutTemplateSuffix(path));
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const { template, masked, parsed } = composeDocuments(file, context);
    const directory = dirName(file.path);
    const dotenvPath = directory ? `${directory}/.env` : '.env';
    const dotenv = await context.readFile(dotenvPath);
    const resolve = resolverFor(dotenv === undefined ? new Map<string, VariableValue>() : parseDotenv(dotenv), template);
    const lines = new LineIndex(file.text);
    const occurrences: Occurrence[] = [];
    const [notes, errors, bases] = [[], [], new Map()] as [string[], string[], Map<string, ExtendsFile>];
    // Its variables would read as "not set": an image they choose would be checked as something else, or not at all.
    if (dotenv !== undefined && dotenv.length > MAX_DOTENV_LENGTH && file.text.includes('$')) {
      errors.push(`${dotenvPath} is over ${MAX_DOTENV_LENGTH / 1024} KiB and was not read, so the variables this file uses from it are unknown`);
    }
    for (const document of parsed.documents) occurrences.push(...(await serviceOccurrences({ document, file, lines, resolve, context, notes, errors, bases })));
    const extracted: Extraction = { occurrences: dedupeOccurrences(occurrences), errors: parsed.errors };
    if (notes.length > 0) extracted.notes = notes;
    if (template !== undefined && masked !== undefined) readTemplateLineByLine(file, template, masked, parsed, lines, extracted);
    if (errors.length > 0) extracted.errors = [...(extracted.errors ?? []), ...errors];
    return withContainers(extracted, () => composeContainers(file, parsed.documents, lines));
  },
};
