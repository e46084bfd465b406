/**
 * Docker Compose files: `services.<name>.image` and `docker-image://` additional build contexts,
 * with Compose variable interpolation resolved from the `.env` file beside the compose file. The
 * shell environment of whoever runs compose is unknown to a scan, so a variable set nowhere in the
 * repository is reported as unresolved.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { MAX_SUBSTITUTED_TEXT, baseName, dirName, listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';
import { isScalar } from './yaml.js';

/** compose.yaml, compose.override.yml, docker-compose.prod.yaml, app.compose.yml ... */
const COMPOSE_FILE = /^(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml$|^[^/]+\.compose\.ya?ml$/i;

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
  let output = '';
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar < 0) {
      output += text.slice(index);
      break;
    }
    output += text.slice(index, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      output += '$';
      index = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close < 0) return { ok: false, message: `invalid interpolation format in "${text}": unclosed "\${"` };
      const result = substituteBraced(text.slice(dollar + 2, close), lookup, depth);
      if (!result.ok) return result;
      output += result.value;
      index = close + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(dollar + 1))?.[0];
    if (!name) {
      // A lone `$` stays literal, as Compose leaves it.
      output += '$';
      index = dollar + 1;
      continue;
    }
    const value = lookup(name);
    if (value === undefined) return { ok: false, message: `variable ${name} is not set` };
    if (typeof value !== 'string') return { ok: false, message: value.unresolved };
    output += value;
    index = dollar + 1 + name.length;
  }
  // Each .env line may double the previous one's length; the result is bounded instead.
  if (output.length > MAX_SUBSTITUTED_TEXT) return { ok: false, message: `interpolation makes the text longer than ${MAX_SUBSTITUTED_TEXT} characters` };
  return { ok: true, value: output };
}

/** Index of the `}` closing a `${` whose body starts at `start`, counting nested `${...}`; -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
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
    const unquoted = line.slice(assignment[0].length).replace(/(^|\s)#.*$/, '').trim();
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

function resolverFor(variables: Map<string, VariableValue>): (text: string) => ImageValue[] {
  return (text) => {
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

function serviceOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, resolve: (text: string) => ImageValue[]): Occurrence[] {
  const occurrences: Occurrence[] = [];
  for (const [name, service] of mapPairs(document, document.get('services', true))) {
    const build = mergedGet(document, service, 'build');
    const built = build !== undefined;
    if (built) occurrences.push(...buildContextOccurrences(document, build, name, file, lines, resolve));
    const image = mergedGet(document, service, 'image');
    if (image === undefined) continue; // build-only services produce a local image with a generated name
    occurrences.push(
      ...occurrencesAtScalar({
        file: file.path,
        kind: 'compose',
        text: file.text,
        lines,
        node: image,
        context: `services.${name}.image`,
        resolve,
        local: built,
        note: built ? 'built here from `build:`; compose tags the result with this name' : undefined,
      }),
    );
  }
  return occurrences;
}

export const composeDiscoverer: Discoverer = {
  kind: 'compose',
  matches(path) {
    return COMPOSE_FILE.test(baseName(path));
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseConfigDocuments(file);
    const directory = dirName(file.path);
    const dotenv = await context.readFile(directory ? `${directory}/.env` : '.env');
    const resolve = resolverFor(dotenv === undefined ? new Map() : parseDotenv(dotenv));
    return occurrencesOfDocuments(file, parsed, (document, file, lines) => serviceOccurrences(document, file, lines, resolve));
  },
};
