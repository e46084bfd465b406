/**
 * Buildkite pipelines: `buildkite.yml` and the pipeline files under `.buildkite/` (a `pipeline*`
 * file, or any YAML file there with top-level `steps:`; other YAML beside them, compose files and
 * Kubernetes manifests, is left to its own kind). Images of the official `docker` plugin, the
 * containers of the `kubernetes` plugin (agent-stack-k8s), `image:` at the top level and on a step
 * (hosted agents, agent-stack-k8s), and `agents.image` when no VM `provider` is named (Elastic's CI
 * runs that image as a container; with `provider: gcp` it names a VM image). Group steps are read
 * inside, `{{matrix}}` values expanded. The `docker-compose` plugin runs the services of a compose
 * file, read as compose in its own right: a compose file it names that the repository lacks is a note.
 *
 * `$VAR` and `${VAR}` are interpolated when the pipeline is uploaded, from the top-level `env:` and
 * the agent's environment: a variable the top-level `env:` sets literally is resolved, any other is
 * unresolved.
 */
import { isMap, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { isYamlPath } from './file-names.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { LineIndex } from './position.js';
import { scalarString } from './yaml.js';
import { baseName, dedupeOccurrences, listItems, mapPairs, mergedGet, occurrencesAtScalar, parseConfigDocuments, scalarStrings, type ImageResolver, type ImageValue } from './image-site.js';
import { buildkiteInterpolation, matrixCombinations, type MatrixCombination } from './buildkite-values.js';
import { scriptListImages } from './script-images.js';

const DIRECTORY = '.buildkite/';
/** Bound on group nesting (Buildkite allows one level; written files may nest deeper by mistake). */
const MAX_DEPTH = 8;
/** Providers of Elastic's CI whose `agents.image` names a VM image, not a container. */
const CONTAINER_PROVIDERS = new Set(['k8s', 'kubernetes']);

function inBuildkiteDirectory(path: string): boolean {
  return path.startsWith(DIRECTORY) || path.includes(`/${DIRECTORY}`);
}

/** `buildkite.yml` anywhere, or a YAML (or `pipeline*.json`) file under `.buildkite/`: cheap string tests, run on every path. */
function candidatePath(path: string): boolean {
  const name = baseName(path);
  if (name === 'buildkite.yml' || name === 'buildkite.yaml') return true;
  if (!inBuildkiteDirectory(path)) return false;
  return isYamlPath(name) || (name.startsWith('pipeline') && name.endsWith('.json'));
}

/** A file Buildkite uploads: named as a pipeline, or with a top-level `steps:` key. */
function isPipeline(path: string, text: string): boolean {
  if (!candidatePath(path)) return false;
  const name = baseName(path);
  if (name.startsWith('pipeline') || name.startsWith('buildkite.')) return true;
  return text.startsWith('steps:') || text.includes('\nsteps:');
}

/** The name and publisher of a plugin key: `docker#v5.8.0`, `buildkite-plugins/docker#v5`, `https://github.com/buildkite-plugins/docker-buildkite-plugin.git#v5`. */
export function pluginName(key: string): { name: string; official: boolean } {
  let source = key.trim();
  const hash = source.indexOf('#');
  if (hash >= 0) source = source.slice(0, hash);
  if (source.endsWith('.git')) source = source.slice(0, -4);
  const segments = source.split('/').filter((segment) => segment !== '');
  let name = segments.at(-1) ?? '';
  if (name.endsWith('-buildkite-plugin')) name = name.slice(0, -'-buildkite-plugin'.length);
  const owner = segments.length > 1 ? segments.at(-2) : undefined;
  // A key built from variables (`${BUILDKITE_REPO}#${BUILDKITE_COMMIT}`, a plugin testing itself) names no known plugin.
  return { name, official: !source.includes('$') && (owner === undefined || owner === 'buildkite-plugins') };
}

interface StepScope {
  document: Document.Parsed;
  file: SourceFile;
  lines: LineIndex;
  interpolate: (text: string) => ImageValue[];
  occurrences: Occurrence[];
  composeFiles: Array<{ path: string; context: string; line: number }>;
  /** The matrix values left to read in the file; `cut` once a step's were read short. */
  matrixValues: { left: number; cut?: boolean };
}

/**
 * Bound on the matrix values one file's images are read with: each step may name an anchored matrix
 * of 256 values in a few bytes, so a 407 KB pipeline of 5,000 such steps made 1.28 million images
 * (50 s, 1.2 GB). Past it the file says what it skipped.
 */
const MAX_FILE_MATRIX_VALUES = 10_000;
const MATRIX_CUT = `the steps' matrices give more than ${MAX_FILE_MATRIX_VALUES.toLocaleString('en-US')} values in this file: the images of the others were not read`;

/** The line a node starts on (1 when it has no range). */
function lineOf(scope: StepScope, node: unknown): number {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range ? scope.lines.positionAt(range[0]).line : 1;
}

function site(scope: StepScope, node: unknown, context: string, resolve: ImageResolver): void {
  scope.occurrences.push(...occurrencesAtScalar({ file: scope.file.path, kind: 'buildkite', text: scope.file.text, lines: scope.lines, node, context, resolve }));
}

/** `{{matrix}}` / `{{matrix.name}}` replaced by each combination's values, then interpolated. */
function matrixResolver(scope: StepScope, combinations: MatrixCombination[] | { unknown: string }): ImageResolver {
  return (text) => {
    if (!text.includes('{{')) return scope.interpolate(text);
    if (!Array.isArray(combinations)) return [{ value: { unresolved: `${text} takes the step's matrix values, which cannot be read here (${combinations.unknown})` } }];
    const distinct = new Set<string>();
    let cut = false;
    for (const combination of combinations) {
      const expanded = expandMatrix(text, combination);
      if (expanded === undefined || distinct.has(expanded)) continue;
      cut = scope.matrixValues.left-- <= 0;
      if (cut) break;
      distinct.add(expanded);
    }
    if (cut) scope.matrixValues.cut = true;
    const values = [...distinct];
    if (values.length === 0) return [{ value: { unresolved: cut ? MATRIX_CUT : `${text} names a matrix value the step does not define` } }];
    return values.flatMap((value, index) =>
      scope.interpolate(value).map((candidate) => ({ ...candidate, note: values.length > 1 ? `matrix value ${index + 1} of ${values.length}` : candidate.note })),
    );
  };
}

/** `{{ matrix }}` and `{{ matrix.name }}` in `text` replaced; undefined when one is not in the combination. */
function expandMatrix(text: string, combination: MatrixCombination): string | undefined {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('{{', index);
    const close = open < 0 ? -1 : text.indexOf('}}', open + 2);
    if (open < 0 || close < 0) return output + text.slice(index);
    const name = text.slice(open + 2, close).trim();
    const value = combination[name];
    if (value === undefined) return undefined;
    output += text.slice(index, open) + value;
    index = close + 2;
  }
  return output;
}

function pluginEntries(document: Document.Parsed, plugins: unknown): Array<[string, unknown]> {
  // A list of one-key maps (`- docker#v5: {...}`, or a bare `- docker#v5`), or the older map form.
  if (isMap(plugins)) return mapPairs(document, plugins);
  return listItems(document, plugins).flatMap((item): Array<[string, unknown]> => {
    const bare = scalarString(item);
    return bare !== undefined ? [[bare, undefined]] : mapPairs(document, item);
  });
}

function podContainers(scope: StepScope, podSpec: unknown, context: string, resolve: ImageResolver): void {
  const { document } = scope;
  for (const list of ['initContainers', 'containers']) {
    listItems(document, mergedGet(document, podSpec, list)).forEach((container, index) => site(scope, mergedGet(document, container, 'image'), `${context}.${list}[${index}].image`, resolve));
  }
}

function pluginImages(scope: StepScope, step: unknown, context: string, resolve: ImageResolver): void {
  const { document } = scope;
  for (const [key, config] of pluginEntries(document, mergedGet(document, step, 'plugins'))) {
    const plugin = pluginName(key);
    if (!plugin.official) continue;
    const where = `${context}.plugins.${key}`;
    if (plugin.name === 'docker') site(scope, mergedGet(document, config, 'image'), `${where}.image`, resolve);
    else if (plugin.name === 'kubernetes') {
      podContainers(scope, mergedGet(document, config, 'podSpec'), `${where}.podSpec`, resolve);
      podContainers(scope, mergedGet(document, config, 'podSpecPatch'), `${where}.podSpecPatch`, resolve);
      listItems(document, mergedGet(document, config, 'sidecars')).forEach((sidecar, index) => site(scope, mergedGet(document, sidecar, 'image'), `${where}.sidecars[${index}].image`, resolve));
    } else if (plugin.name === 'docker-compose') {
      const configNode = mergedGet(document, config, 'config');
      const paths = configNode === undefined ? ['docker-compose.yml'] : scalarStrings(document, configNode);
      const line = lineOf(scope, configNode ?? mergedGet(document, step, 'plugins'));
      for (const path of paths) if (!path.includes('$')) scope.composeFiles.push({ path, context: where, line });
    }
  }
}

/** `agents.image` read as a container image: no provider (Elastic's Kubernetes default) or a Kubernetes one. */
function agentImage(scope: StepScope, agents: unknown, context: string, resolve: ImageResolver): void {
  if (!isMap(agents)) return;
  const provider = scalarString(mergedGet(scope.document, agents, 'provider'));
  if (provider !== undefined && !CONTAINER_PROVIDERS.has(provider)) return;
  site(scope, mergedGet(scope.document, agents, 'image'), `${context}.agents.image`, resolve);
}

function readSteps(scope: StepScope, steps: unknown, context: string, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const { document } = scope;
  listItems(document, steps).forEach((step, index) => {
    if (!isMap(step)) return;
    const where = `${context}[${index}]`;
    const nested = mergedGet(document, step, 'steps');
    if (isSeq(nested)) {
      readSteps(scope, nested, `${where}.steps`, depth + 1);
      return;
    }
    const resolve = matrixResolver(scope, matrixCombinations(document, mergedGet(document, step, 'matrix')));
    site(scope, mergedGet(document, step, 'image'), `${where}.image`, resolve);
    agentImage(scope, mergedGet(document, step, 'agents'), where, resolve);
    pluginImages(scope, step, where, resolve);
    for (const key of ['command', 'commands']) {
      const scriptSite = { file: scope.file.path, kind: 'buildkite' as const, text: scope.file.text, lines: scope.lines, resolve: (word: { text: string }) => resolve(word.text) };
      scope.occurrences.push(...scriptListImages(document, mergedGet(document, step, key), scriptSite, `${where}.${key}`));
    }
  });
}

function pipelineOccurrences(document: Document.Parsed, scope: Omit<StepScope, 'document' | 'interpolate'>): void {
  const contents = document.contents;
  const interpolate = buildkiteInterpolation(document, mergedGet(document, contents, 'env'));
  const pipeline: StepScope = { ...scope, document, interpolate };
  // A pipeline is a map with `steps:`, or (the older form) the list of steps itself.
  if (isSeq(contents)) {
    readSteps(pipeline, contents, 'steps', 0);
    return;
  }
  site(pipeline, mergedGet(document, contents, 'image'), 'image', interpolate);
  agentImage(pipeline, mergedGet(document, contents, 'agents'), 'pipeline', interpolate);
  readSteps(pipeline, mergedGet(document, contents, 'steps'), 'steps', 0);
}

export const buildkiteDiscoverer: Discoverer = {
  kind: 'buildkite',
  candidate: candidatePath,
  matches: isPipeline,
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseConfigDocuments(file);
    const lines = new LineIndex(file.text);
    const occurrences: Occurrence[] = [];
    const composeFiles: StepScope['composeFiles'] = [];
    const matrixValues = { left: MAX_FILE_MATRIX_VALUES, cut: false };
    for (const document of parsed.documents) pipelineOccurrences(document, { file, lines, occurrences, composeFiles, matrixValues });
    const notes: string[] = [];
    const missing = new Set<string>();
    for (const compose of composeFiles) {
      if (missing.has(compose.path) || (await context.readFile(compose.path)) !== undefined) continue;
      missing.add(compose.path);
      notes.push(`line ${compose.line}: ${compose.context} runs the services of ${compose.path}, which is not in the repository: their images are not checked`);
    }
    const errors = matrixValues.cut ? [...parsed.errors, MATRIX_CUT] : parsed.errors;
    return { occurrences: dedupeOccurrences(occurrences), errors, notes };
  },
};
