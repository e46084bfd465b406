/**
 * Drone and Woodpecker CI: `.drone.yml`, `.woodpecker.yml`, `.woodpecker/*.yml`, and another
 * `.drone-*.yml` (`.drone-local.yml`, which `drone exec` or a repository's configured path runs)
 * holding a `kind: pipeline` document. Images of
 * steps, services and Woodpecker clone steps, in the list form (`- name: x` / `image:`) and
 * the older map form (`build:` / `image:`), in every document of a multi-document file (one
 * document that fails to parse is reported and the others are still read). Plugin images count:
 * a plugin is an image that runs as a step.
 *
 * Woodpecker `matrix:` variables are expanded (one occurrence per value); any other `${VAR}` is
 * an environment variable known only when the pipeline runs.
 */
import { isMap, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { isScalar, scalarString } from './yaml.js';
import { listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigTemplateDocuments, type ImageValue } from './image-site.js';
import { scriptListImages } from './script-images.js';
import { allSpans, dollarName, enclosed, literal, replaceSpans, type Span } from '../spans.js';

const PIPELINE_FILE = /(?:^|\/)(?:\.drone\.ya?ml|\.woodpecker\.ya?ml|\.woodpecker\/[^/]+\.ya?ml)$/;
/** A top-level `kind: pipeline`, what tells a Drone file under another name from other YAML. */
const DRONE_PIPELINE_KIND = /^kind:[ \t]*["']?pipeline["']?[ \t]*(?:#|$)/m;

/** `.drone-local.yml`, `.drone.ci.yaml`, `.drone_pr.yml`: `.drone`, a separator, a suffix, a YAML extension. */
function isOtherDroneName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!name.startsWith('.drone') || !'-._'.includes(name.charAt('.drone'.length))) return false;
  const extension = name.endsWith('.yml') ? 4 : name.endsWith('.yaml') ? 5 : 0;
  return extension > 0 && name.length > '.drone'.length + 1 + extension;
}
/** Woodpecker runs at most this many matrix workflows; a bigger product is not expanded. */
const MAX_COMBINATIONS = 256;
/** `$$` (finder 0, a `$`), `${name}` and `$name`, as Woodpecker reads them. */
const variablesIn = (text: string): Span[] => allSpans([literal(text, '$$'), enclosed(text, '${', '}'), dollarName(text)]);

type Combination = Record<string, string>;

/** Combinations of a Woodpecker `matrix:`: its `include` list, or the product of its lists. */
export function woodpeckerCombinations(matrix: unknown): Combination[] | { unknown: string } {
  if (matrix === undefined || matrix === null) return [];
  if (typeof matrix !== 'object' || Array.isArray(matrix)) return { unknown: 'matrix is not a map' };
  const entries = Object.entries(matrix as Record<string, unknown>);
  const include = (matrix as Record<string, unknown>).include;
  if (include !== undefined) {
    if (!Array.isArray(include)) return { unknown: 'matrix.include is not a list' };
    return include
      .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry))
      .slice(0, MAX_COMBINATIONS)
      .map((entry) => Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, String(value)])));
  }
  let combinations: Combination[] = [{}];
  for (const [key, values] of entries) {
    if (!Array.isArray(values)) return { unknown: `matrix.${key} is not a list` };
    const next: Combination[] = [];
    for (const combination of combinations) for (const value of values) next.push({ ...combination, [key]: String(value) });
    if (next.length > MAX_COMBINATIONS) return { unknown: `matrix has more than ${MAX_COMBINATIONS} combinations` };
    combinations = next;
  }
  return entries.length > 0 ? combinations : [];
}

function resolverFor(system: string, matrix: Combination[] | { unknown: string }): (text: string) => ImageValue[] {
  return (text) => {
    const spans = variablesIn(text);
    const names = spans.filter((span) => span.finder !== 0).map((span) => ({ whole: text.slice(span.start, span.end), name: text.slice(span.innerStart, span.innerEnd) }));
    if (names.length === 0) return [{ value: text.replace(/\$\$/g, '$') }];
    const combinations = Array.isArray(matrix) ? matrix : [];
    const missing = names.find(({ name }) => !combinations.some((combination) => name in combination));
    if (missing) {
      const reason = !Array.isArray(matrix) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(missing.name) ? ` (${matrix.unknown})` : '';
      return [{ value: { unresolved: `${missing.whole} is a ${system} variable, known only when the pipeline runs${reason}` } }];
    }
    const values: string[] = [];
    for (const combination of combinations) {
      if (!names.every(({ name }) => name in combination)) continue;
      const value = replaceSpans(text, spans, (span) => (span.finder === 0 ? '$' : combination[text.slice(span.innerStart, span.innerEnd)]));
      if (!values.includes(value)) values.push(value);
    }
    return values.map((value, index) => ({ value, note: `matrix value ${index + 1} of ${values.length}` }));
  };
}

/**
 * A YAML node as plain data whose scalars are the text as written: Woodpecker reads matrix values
 * as strings, so `1.20` stays "1.20" (a YAML number would lose the zero).
 */
function asWrittenStrings(document: Document.Parsed, node: unknown, depth: number): unknown {
  if (depth > 8) return undefined;
  if (isScalar(node)) return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
  if (isSeq(node)) return listItems(document, node).map((item) => asWrittenStrings(document, item, depth + 1));
  if (isMap(node)) return Object.fromEntries(mapPairs(document, node).map(([key, value]) => [key, asWrittenStrings(document, value, depth + 1)]));
  return undefined;
}

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const kind = 'drone';
  const system = file.path.includes('.woodpecker') ? 'Woodpecker' : 'Drone';
  const resolve = resolverFor(system, woodpeckerCombinations(asWrittenStrings(document, mergedGet(document, document.contents, 'matrix'), 0)));
  // Drone documents are named pipelines; the name tells them apart in a multi-document file.
  const name = scalarString(mergedGet(document, document.contents, 'name'));
  const prefix = name === undefined ? '' : `pipeline "${name}" `;
  const scriptSite = { file: file.path, kind, text: file.text, lines, resolve: (word: { text: string }) => resolve(word.text) } as const;
  const step = (node: unknown, where: string) => {
    occurrences.push(...occurrencesAtScalar({ file: file.path, kind, text: file.text, lines, node: mergedGet(document, node, 'image'), context: `${where}.image`, resolve }));
    occurrences.push(...scriptListImages(document, mergedGet(document, node, 'commands'), scriptSite, `${where}.commands`));
  };
  const containers = (section: string) => {
    const node = mergedGet(document, document.contents, section);
    if (isSeq(node)) listItems(document, node).forEach((item, index) => step(item, `${prefix}${section}[${index}]`));
    else if (isMap(node)) for (const [name, item] of mapPairs(document, node)) step(item, `${prefix}${section}.${name}`);
  };
  for (const section of ['clone', 'steps', 'pipeline', 'services']) containers(section);
  return occurrences;
}

export const droneDiscoverer: Discoverer = {
  kind: 'drone',
  candidate(path) {
    return PIPELINE_FILE.test(path) || isOtherDroneName(path);
  },
  matches(path, text) {
    return PIPELINE_FILE.test(path) || (isOtherDroneName(path) && DRONE_PIPELINE_KIND.test(text));
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigTemplateDocuments(file), pipelineOccurrences);
  },
};
