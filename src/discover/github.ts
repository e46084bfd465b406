/**
 * GitHub Actions: workflow files (job containers, service containers, `docker://` steps, images a
 * step's bash or sh script pulls with `docker run`, `docker create` or `docker pull`; also
 * Gitea's and Forgejo's workflows and workflow templates) with
 * the images well-known actions are given as inputs (`docker/setup-qemu-action`'s `image`), with
 * `${{ matrix.* }}` (and `${{ matrix.x || 'fallback' }}`, `${{ (matrix.x == 'a') && 'img' || '' }}`)
 * expanded from a literal `strategy.matrix`, and Docker container actions (`action.yml` whose `runs.image` is a
 * `docker://` registry image). Any other expression is only known when the workflow runs, so it is
 * reported as unresolved, never guessed.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { composeServicesBuiltUnnamed } from './compose-builds.js';
import { LineIndex } from './position.js';
import { mapGet, scalarString, toPlain } from './yaml.js';
import { evaluateExpression, parseExpression, type Expression } from './github-expressions.js';
import { baseName, imageNodeOf, listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';
import { BUILT_BY_ACTION, builtKey, scriptImages } from './script-images.js';
import { bakeOverrideTag } from './docker-cli.js';
import type { ShellWord } from './shell-commands.js';
import { holdsShellExpansion, substituteShellNames } from './script-variables.js';
import { allSpans, enclosed, replaceSpans, type Span } from '../spans.js';

/**
 * Workflows GitHub runs, the same syntax Gitea and Forgejo Actions run from their own folders, and
 * an organization's workflow templates (`workflow-templates/` of its `.github` repository).
 */
const WORKFLOW_FILE = /^(?:\.github|\.gitea|\.forgejo)\/workflows\/[^/]+\.ya?ml$|^workflow-templates\/[^/]+\.ya?ml$/;
const DOCKER_PREFIX = 'docker://';
const expressionsIn = (text: string): Span[] => allSpans([enclosed(text, '${{', '}}')]);
/** GitHub runs at most 256 jobs per matrix; more combinations than that are not a literal matrix. */
const MAX_COMBINATIONS = 256;

/**
 * Actions that pull and run an image named by one of their inputs: action (lower case, GitHub's
 * names are case-insensitive) -> input. setup-qemu-action runs its `image` with --privileged to
 * install binfmt handlers (its README's inputs table; src/main.ts pulls and runs `input.image`).
 * The kind actions create a cluster whose nodes run from the node image (`kind create cluster
 * --image`): helm/kind-action's and its fork container-tools/kind-action's `node_image`,
 * engineerd/setup-kind's `image`.
 */
const IMAGE_INPUTS = new Map([
  ['docker/setup-qemu-action', 'image'],
  ['helm/kind-action', 'node_image'],
  ['container-tools/kind-action', 'node_image'],
  ['engineerd/setup-kind', 'image'],
]);

/** The node of the image input a step gives a well-known action, if any. */
function actionImageInput(document: Document.Parsed, step: unknown): { node: unknown; input: string } | undefined {
  const uses = scalarString(mergedGet(document, step, 'uses'));
  const input = uses === undefined ? undefined : IMAGE_INPUTS.get(uses.split('@')[0].toLowerCase());
  if (input === undefined) return undefined;
  const node = mergedGet(document, mergedGet(document, step, 'with'), input);
  return node === undefined ? undefined : { node, input };
}

type MatrixValue = unknown;
type Combination = Record<string, MatrixValue>;

/** A job's matrix as far as it is literal: its combinations, or why it is not known. */
type Matrix = { combinations: Combination[] } | { unknown: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The combinations GitHub runs for a literal `strategy.matrix`: the product of its lists, minus
 * `exclude`, then `include` entries merged into every combination whose original values they
 * do not overwrite, or added as new combinations.
 */
export function matrixCombinations(matrix: unknown): Matrix {
  if (matrix === undefined) return { combinations: [] };
  if (!isPlainObject(matrix)) return { unknown: 'strategy.matrix is an expression' };
  const dimensions: Array<[string, unknown[]]> = [];
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') continue;
    if (!Array.isArray(values)) return { unknown: `strategy.matrix.${key} is not a literal list` };
    dimensions.push([key, values]);
  }
  let combinations: Combination[] = dimensions.length > 0 ? [{}] : [];
  for (const [key, values] of dimensions) {
    const next: Combination[] = [];
    for (const combination of combinations) for (const value of values) next.push({ ...combination, [key]: value });
    if (next.length > MAX_COMBINATIONS) return { unknown: `strategy.matrix has more than ${MAX_COMBINATIONS} combinations` };
    combinations = next;
  }
  const exclude = matrix.exclude;
  if (exclude !== undefined && !Array.isArray(exclude)) return { unknown: 'strategy.matrix.exclude is an expression' };
  for (const rule of exclude ?? []) {
    if (!isPlainObject(rule)) continue;
    combinations = combinations.filter((combination) => !Object.entries(rule).every(([key, value]) => sameValue(combination[key], value)));
  }
  const include = matrix.include;
  if (include !== undefined && !Array.isArray(include)) return { unknown: 'strategy.matrix.include is an expression' };
  // Include entries merge only into the product's combinations, never into ones an earlier entry added.
  const originalKeys = new Set(dimensions.map(([key]) => key));
  const originals = combinations.map((combination) => ({ ...combination }));
  for (const entry of include ?? []) {
    if (!isPlainObject(entry)) return { unknown: 'strategy.matrix.include has an entry that is not a literal map' };
    let merged = false;
    originals.forEach((original, index) => {
      const overwritesOriginal = Object.entries(entry).some(([key, value]) => originalKeys.has(key) && !sameValue(original[key], value));
      if (overwritesOriginal) return;
      Object.assign(combinations[index], entry);
      merged = true;
    });
    if (!merged) combinations.push({ ...entry });
    if (combinations.length > MAX_COMBINATIONS) return { unknown: `strategy.matrix has more than ${MAX_COMBINATIONS} combinations` };
  }
  return { combinations };
}

function lookupPath(combination: Combination, path: string[]): unknown {
  let current: unknown = combination;
  for (const step of path) {
    if (!isPlainObject(current) || !(step in current)) return undefined;
    current = current[step];
  }
  return current;
}

/**
 * The values of an image text containing `${{ }}` expressions: one per distinct result over the
 * matrix combinations when every expression reads only `matrix.*` and literals (github-expressions.ts:
 * `matrix.x || 'fallback'`, `(matrix.name == 'Tests') && 'postgres:17' || ''`); otherwise unresolved.
 */
export function expandExpressions(text: string, matrix: Matrix): ImageValue[] {
  const spans = expressionsIn(text);
  if (spans.length === 0) return [{ value: text }];
  const first = text.slice(spans[0].start, spans[0].end);
  const parsed: Expression[] = [];
  for (const span of spans) {
    const evaluable = parseExpression(text.slice(span.innerStart, span.innerEnd));
    if (!evaluable) return [{ value: { unresolved: `expression ${text.slice(span.start, span.end)} is only known when the workflow runs` } }];
    parsed.push(evaluable);
  }
  if ('unknown' in matrix) return [{ value: { unresolved: `${first} cannot be expanded: ${matrix.unknown}` } }];
  const values: string[] = [];
  // A job without a matrix runs once, with an empty matrix context.
  for (const combination of matrix.combinations.length > 0 ? matrix.combinations : [{}]) {
    let missing = false;
    let objectValue = false;
    let index = 0;
    const substituted = replaceSpans(text, spans, () => {
      const value = evaluateExpression(parsed[index++], (path) => lookupPath(combination, path));
      if (value === undefined || value === null) missing = true;
      else if (typeof value === 'object') objectValue = true;
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    });
    if (objectValue) return [{ value: { unresolved: `${first} names a matrix value that is not a string` } }];
    // A combination without the key does not use this image (GitHub would substitute an empty string),
    // and an empty image is GitHub's way to leave a service out of a combination.
    if (missing || substituted.trim() === '') continue;
    if (!values.includes(substituted)) values.push(substituted);
  }
  if (values.length === 0) {
    return [{ value: { unresolved: `${spans.map((span) => text.slice(span.start, span.end)).join(', ')} has no value in strategy.matrix` } }];
  }
  return values.map((value, index) => ({ value, note: `matrix value ${index + 1} of ${values.length}` }));
}

/**
 * `${{ env.NAME }}` replaced by the literal `env:` value the step sees (the runner evaluates it before
 * the script runs); any other expression, or a value that is itself an expression, is left as written.
 */
function substituteEnvExpressions(text: string, env: ReadonlyMap<string, string>): string {
  const spans = expressionsIn(text);
  if (spans.length === 0) return text;
  return replaceSpans(text, spans, (span) => {
    const inner = text.slice(span.innerStart, span.innerEnd).trim();
    const value = inner.startsWith('env.') ? env.get(inner.slice(4)) : undefined;
    return value === undefined || value.includes('${{') ? text.slice(span.start, span.end) : value;
  });
}

/**
 * The values of an image word of a step's script. The runner sets `env:` (the step's over its job's
 * over the workflow's) for the shell, and substitutes `${{ }}` expressions before it runs (expanded
 * as in the workflow's own fields, `${{ env.NAME }}` with that env); any other shell expansion is
 * known only when the step runs.
 */
function scriptWordValues(word: ShellWord, resolve: (text: string) => ImageValue[], env: ReadonlyMap<string, string>): ImageValue[] {
  const substituted = substituteShellNames(substituteEnvExpressions(word.text, env), (name) => env.get(name));
  if (typeof substituted !== 'string') return [{ value: substituted }];
  if (holdsShellExpansion(substituted)) return [{ value: { unresolved: `the shell expands ${word.text} when the step runs` } }];
  const values = resolve(substituted);
  if (substituted === word.text) return values;
  return values.map((value) => ({ ...value, note: value.note ? `with the env the step runs with; ${value.note}` : 'with the env the step runs with' }));
}

/**
 * The tags a `docker/build-push-action` step gives its build (`with.tags`, one a line or separated by
 * commas, as the action reads its list inputs), or a `docker/bake-action` step its builds (`<target>.tags=`
 * overrides of `with.set`), `${{ env.NAME }}` filled in: the image a later step of the job runs by
 * one of them is this build, loaded or pushed by the action, not another image.
 */
function buildPushTags(document: Document.Parsed, step: unknown, env: ReadonlyMap<string, string>): string[] {
  const action = scalarString(mergedGet(document, step, 'uses'))?.split('@')[0].toLowerCase();
  const input = action === 'docker/build-push-action' ? 'tags' : action === 'docker/bake-action' ? 'set' : undefined;
  const written = input === undefined ? undefined : scalarString(mergedGet(document, mergedGet(document, step, 'with'), input));
  if (written === undefined) return [];
  const items = substituteEnvExpressions(written, env)
    .split('\n')
    .flatMap((line) => (input === 'tags' ? line.split(',') : [line]))
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
  // docker/bake-action's `set` overrides target fields: `*.tags=app:ci` tags the builds.
  return input === 'tags' ? items : items.flatMap((item) => bakeOverrideTag(item) ?? []);
}

/**
 * A script word with a workflow's `env:` filled in, as the runner and the shell do (`${{ env.NAME }}`,
 * `$NAME`), to compare with the tags the job built; undefined when that changes nothing.
 */
function envExpanded(text: string, env: ReadonlyMap<string, string>): string | undefined {
  const substituted = substituteShellNames(substituteEnvExpressions(text, env), (name) => env.get(name));
  return typeof substituted === 'string' && substituted !== text ? substituted : undefined;
}

/** The literal `env:` values of the owners, the later ones over the earlier (workflow, job, step). */
function envOf(document: Document.Parsed, owners: readonly unknown[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const owner of owners) {
    for (const [name, node] of mapPairs(document, mergedGet(document, owner, 'env'))) {
      const value = scalarString(node);
      if (value === undefined) env.delete(name);
      else env.set(name, value);
    }
  }
  return env;
}

/** The shell a step's `run` is given to, as written on the step, its job's or the workflow's `defaults.run`. */
function writtenShell(document: Document.Parsed, owners: readonly unknown[]): string | undefined {
  for (const owner of owners) {
    const shell = scalarString(mergedGet(document, owner, 'shell')) ?? scalarString(mergedGet(document, mergedGet(document, mergedGet(document, owner, 'defaults'), 'run'), 'shell'));
    if (shell !== undefined) return shell;
  }
  return undefined;
}

/**
 * Whether a step's script runs in a POSIX shell (bash or sh), whose `docker run` commands are read:
 * the shell written for it, or else the runner's default (bash, but PowerShell on Windows runners).
 */
function runsInPosixShell(document: Document.Parsed, step: unknown, job: unknown): boolean {
  const shell = writtenShell(document, [step, job, document.contents]);
  if (shell !== undefined) {
    const program = shell.trim().split(' ')[0];
    return program === 'bash' || program === 'sh';
  }
  return !JSON.stringify(toPlain(document, mergedGet(document, job, 'runs-on')) ?? '').toLowerCase().includes('windows');
}

function workflowOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, composeServices?: ReadonlySet<string>): Occurrence[] {
  const occurrences: Occurrence[] = [];
  for (const [jobId, job] of mapPairs(document, mapGet(document.contents, 'jobs'))) {
    const matrix = matrixCombinations(toPlain(document, mergedGet(document, mergedGet(document, job, 'strategy'), 'matrix')));
    const resolve = (text: string) => expandExpressions(text, matrix);
    const site = (node: unknown, context: string, prefix?: string) =>
      occurrencesAtScalar({ file: file.path, kind: 'github-workflow', text: file.text, lines, node, context, resolve, prefix });

    // The runner drops a leading `docker://` from job and service container images, as from `uses:`.
    const containerSite = (node: unknown, context: string) =>
      site(node, context, scalarString(node)?.startsWith(DOCKER_PREFIX) ? DOCKER_PREFIX : undefined);
    occurrences.push(...containerSite(imageNodeOf(mergedGet(document, job, 'container'), 'image'), `jobs.${jobId}.container`));
    for (const [serviceId, service] of mapPairs(document, mergedGet(document, job, 'services'))) {
      occurrences.push(...containerSite(imageNodeOf(service, 'image'), `jobs.${jobId}.services.${serviceId}`));
    }
    // The steps of a job run on one machine: an image one step builds, a later one runs.
    const built = new Set<string>();
    listItems(document, mergedGet(document, job, 'steps')).forEach((step, index) => {
      const uses = mergedGet(document, step, 'uses');
      if (scalarString(uses)?.startsWith(DOCKER_PREFIX)) occurrences.push(...site(uses, `jobs.${jobId}.steps[${index}].uses`, DOCKER_PREFIX));
      const env = envOf(document, [document.contents, job, step]);
      const input = actionImageInput(document, step);
      // A step's `with:` sees the env context (a job's container and services do not): `${{ env.NAME }}` is its value.
      const withEnv = (text: string) => resolve(substituteEnvExpressions(text, env));
      if (input) occurrences.push(...occurrencesAtScalar({ file: file.path, kind: 'github-workflow', text: file.text, lines, node: input.node, context: `jobs.${jobId}.steps[${index}].with.${input.input}`, resolve: withEnv }));
      for (const tag of buildPushTags(document, step, env)) {
        built.add(builtKey(tag));
        built.add(BUILT_BY_ACTION + builtKey(tag));
      }
      if (runsInPosixShell(document, step, job)) {
        const node = mergedGet(document, step, 'run');
        const context = `jobs.${jobId}.steps[${index}].run`;
        const expand = (text: string) => envExpanded(text, env);
        occurrences.push(...scriptImages({ file: file.path, kind: 'github-workflow', text: file.text, lines, node, context, resolve: (word) => scriptWordValues(word, resolve, env), built, composeServices, expand }));
      }
    });
  }
  return occurrences;
}

export const githubWorkflowDiscoverer: Discoverer = {
  kind: 'github-workflow',
  matches(path) {
    return WORKFLOW_FILE.test(path);
  },
  extract(file: SourceFile, context: DiscoverContext): Extraction | Promise<Extraction> {
    const parsed = parseConfigDocuments(file);
    // Only a workflow that runs compose needs the services compose files build.
    if (!file.text.includes('compose')) return occurrencesOfDocuments(file, parsed, workflowOccurrences);
    return composeServicesBuiltUnnamed(context).then((services) =>
      occurrencesOfDocuments(file, parsed, (document, source, lines) => workflowOccurrences(document, source, lines, services)),
    );
  },
};

/** An action's inputs are set by each caller, so `${{ inputs.x }}` and the like stay unresolved. */
const actionResolve = (text: string): ImageValue[] => expandExpressions(text, { unknown: 'an action has no matrix' });

function actionOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const runs = document.get('runs', true);
  const using = scalarString(mergedGet(document, runs, 'using'));
  const site = (node: unknown, context: string) =>
    occurrencesAtScalar({ file: file.path, kind: 'github-action', text: file.text, lines, node, context, resolve: actionResolve, prefix: DOCKER_PREFIX });
  const inputSite = (node: unknown, context: string) =>
    occurrencesAtScalar({ file: file.path, kind: 'github-action', text: file.text, lines, node, context, resolve: actionResolve });
  const occurrences: Occurrence[] = [];
  if (using === 'docker') {
    // `image: Dockerfile` (or any path) is built from this repository: not a registry image.
    const image = mergedGet(document, runs, 'image');
    if (scalarString(image)?.startsWith(DOCKER_PREFIX)) occurrences.push(...site(image, 'runs.image'));
  } else if (using === 'composite') {
    listItems(document, mergedGet(document, runs, 'steps')).forEach((step, index) => {
      const uses = mergedGet(document, step, 'uses');
      if (scalarString(uses)?.startsWith(DOCKER_PREFIX)) occurrences.push(...site(uses, `runs.steps[${index}].uses`));
      const input = actionImageInput(document, step);
      if (input) occurrences.push(...inputSite(input.node, `runs.steps[${index}].with.${input.input}`));
      const shell = scalarString(mergedGet(document, step, 'shell'))?.trim().split(' ')[0];
      if (shell === 'bash' || shell === 'sh') {
        const node = mergedGet(document, step, 'run');
        occurrences.push(...scriptImages({ file: file.path, kind: 'github-action', text: file.text, lines, node, context: `runs.steps[${index}].run`, resolve: (word) => scriptWordValues(word, actionResolve, envOf(document, [step])) }));
      }
    });
  }
  return occurrences;
}

export const githubActionDiscoverer: Discoverer = {
  kind: 'github-action',
  matches(path) {
    const name = baseName(path);
    return name === 'action.yml' || name === 'action.yaml';
  },
  extract(file: SourceFile): Extraction {
    const parsed = parseConfigDocuments(file);
    const lines = new LineIndex(file.text);
    const occurrences = parsed.documents.flatMap((document) => actionOccurrences(document, file, lines));
    return { occurrences, errors: parsed.errors };
  },
};
