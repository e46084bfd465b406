/**
 * GitLab CI: `.gitlab-ci.yml`, `*.gitlab-ci.yml` files, and the files they `include:` from the
 * repository (any name), read as one pipeline: each image is reported in the file it is written in,
 * with the global `variables` of every file of the pipeline and the job's own (through `extends`),
 * once per job a `parallel: matrix` runs and per rule that sets `variables` (one occurrence per
 * distinct value). What a job takes from a template it extends (image, services, scripts) is
 * expanded with the variables of each job that runs it, where the template writes it.
 * Images of the pipeline (`image`, `default.image`, `services`) and of every job, hidden template
 * jobs included since their images are written there; not the macOS VM image a job on GitLab's
 * hosted macOS runners names in `image`. Predefined and project-level variables are
 * only known when the pipeline runs; the dependency proxy's prefixes stand for Docker Hub.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { LineIndex } from './position.js';
import { isMap, isScalar, isSeq, mapGet, scalarString } from './yaml.js';
import { baseName, dedupeOccurrences, imageNodeOf, listItems, mapPairs, mergedGet, occurrencesAtScalar, parseConfigTemplateDocuments, substituteVariables, type ImageValue } from './image-site.js';
import { ROOT_PIPELINE, followIncludes, isIncludedByRoot } from './gitlab-include.js';
import { scriptListImages } from './script-images.js';
import type { ShellWord } from './shell-commands.js';
import { enclosed, firstSpan, type Span } from '../spans.js';

/** Top-level keys that are not jobs. */
const RESERVED_KEYS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache',
  'before_script', 'after_script', 'types', 'spec',
]);

/** Variables GitLab sets itself; their values exist only in a running pipeline. */
const PREDEFINED_PREFIXES = ['CI_', 'GITLAB_', 'RUNNER_', 'KUBECONFIG', 'TRIGGER_PAYLOAD', 'CHAT_', 'DOCKER_AUTH_CONFIG'];

/** Bound on variables referring to variables. */
const MAX_EXPANSION_DEPTH = 10;

/**
 * Bound on the text one pipeline's expansions read (each image, and each variable it reaches, once
 * per job and matrix leg that runs it). 50 jobs of 200 legs each reaching 2,000 variables read
 * 8 billion characters (minutes); the largest of 352 trial repositories' pipelines reads 208,457.
 * Past the bound an image is unresolved and the file says so.
 */
const MAX_EXPANSION_WORK = 10_000_000;
/** What one expansion costs at least, so the bound also bounds the images expansions make (156,250). */
const MIN_EXPANSION_COST = 64;

/** What is left of a pipeline's expansion work; `spent` once an image went unexpanded for it. */
interface ExpansionBudget {
  left: number;
  spent?: boolean;
}

const OVER_BUDGET = `the pipeline's variables take more than ${MAX_EXPANSION_WORK.toLocaleString('en-US')} characters of expansion`;

interface VariableDefinition {
  value: string;
  /** `expand: false` variables are used as written. */
  expand: boolean;
}

type Variables = Map<string, VariableDefinition>;

function readVariables(document: Document.Parsed, node: unknown): Variables {
  const variables: Variables = new Map();
  for (const [name, definition] of mapPairs(document, node)) {
    if (isScalar(definition)) {
      const value = scalarString(definition);
      if (value !== undefined) variables.set(name, { value, expand: true });
    } else if (isMap(definition)) {
      const value = scalarString(mergedGet(document, definition, 'value'));
      const expand = mergedGet(document, definition, 'expand');
      if (value !== undefined) variables.set(name, { value, expand: !(isScalar(expand) && expand.value === false) });
    }
  }
  return variables;
}

/**
 * Expands `$NAME`/`${NAME}` with the pipeline's variables, recursively as GitLab does. Each
 * variable is expanded once per call (memoized), so variables referring to each other many
 * times cannot multiply the work.
 */
function expand(text: string, variables: Pick<Variables, 'get'>, budget: ExpansionBudget): string | { unresolved: string } {
  const overBudget = (length: number): boolean => {
    budget.left -= length + 1;
    if (budget.left < 0) budget.spent = true;
    return budget.left < 0;
  };
  // Each expansion costs at least a line's worth: a short image in many jobs and legs is as many images.
  if (overBudget(Math.max(text.length, MIN_EXPANSION_COST))) return { unresolved: OVER_BUDGET };
  const expanded = new Map<string, string | { unresolved: string }>();
  const expanding = new Set<string>();
  const lookup = (name: string, depth: number): string | { unresolved: string } => {
    const definition = variables.get(name);
    if (definition === undefined && DEPENDENCY_PROXY_PREFIXES.has(name)) return DEPENDENCY_PROXY_MARKER;
    if (definition === undefined) {
      if (PREDEFINED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
        return { unresolved: `$${name} is a predefined GitLab CI variable, known only when the pipeline runs` };
      }
      return { unresolved: `variable ${name} is not defined in this file (it may be a project or group CI/CD variable)` };
    }
    if (!definition.expand) return definition.value;
    const known = expanded.get(name);
    if (known !== undefined) return known;
    if (expanding.has(name) || depth >= MAX_EXPANSION_DEPTH) return { unresolved: `variable ${name} refers to itself or to variables too deeply` };
    if (overBudget(definition.value.length)) return { unresolved: OVER_BUDGET };
    expanding.add(name);
    const value = substituteVariables(definition.value, (inner) => lookup(inner, depth + 1));
    expanding.delete(name);
    expanded.set(name, value);
    return value;
  };
  return substituteVariables(text, (name) => lookup(name, 0));
}

/** The first CI/CD component input, `$[[ inputs.name ]]`. */
const componentInput = (text: string): Span | undefined => firstSpan([enclosed(text, '$[[', ']]')]);

/** Resolves an image with a job's variables, once per leg of its `parallel: matrix` (one value per distinct result). */
function resolverFor(variables: Pick<Variables, 'get'>, budget: ExpansionBudget, legs: Variables[] = []): (text: string) => ImageValue[] {
  return (text) => {
    const input = componentInput(text);
    // CI/CD component inputs are given by each project that includes the component.
    if (input) return [{ value: { unresolved: `component input ${text.slice(input.start, input.end)} is set by the including pipeline` } }];
    if (legs.length === 0) return [throughDependencyProxy(expand(text, variables, budget))];
    const values = new Map<string, ImageValue>();
    for (const leg of legs) {
      // The leg's variables over the job's, looked up rather than copied: a matrix may run 200 jobs.
      const value = throughDependencyProxy(expand(text, { get: (name) => leg.get(name) ?? variables.get(name) }, budget));
      values.set(JSON.stringify(value), value);
    }
    return [...values.values()];
  };
}

/** GitLab runs at most 200 jobs for one `parallel: matrix`. */
const MAX_MATRIX_JOBS = 200;

/** Each combination with each value of one more variable, at most `MAX_MATRIX_JOBS` of them. */
function withVariable(combinations: Variables[], name: string, values: string[]): Variables[] {
  const next: Variables[] = [];
  for (const combination of combinations) {
    for (const value of values) {
      if (next.length >= MAX_MATRIX_JOBS) return next;
      next.push(new Map([...combination, [name, { value, expand: true }] as const]));
    }
  }
  return next;
}

/**
 * The variables of each job a `parallel: matrix` runs: per entry, the product of its values (a
 * value or a list of values, anchors followed). None without a matrix.
 */
function matrixLegs(parallel: Job | undefined): Variables[] {
  if (parallel === undefined) return [];
  const { document } = parallel;
  const legs: Variables[] = [];
  for (const entry of listItems(document, mergedGet(document, parallel.node, 'matrix'))) {
    let combinations: Variables[] = [new Map<string, VariableDefinition>()];
    for (const [name, node] of mapPairs(document, entry)) {
      const values = (isSeq(node) ? listItems(document, node) : [node]).flatMap((value) => scalarString(value) ?? []);
      if (values.length > 0) combinations = withVariable(combinations, name, values);
    }
    legs.push(...combinations);
    if (legs.length >= MAX_MATRIX_JOBS) return legs.slice(0, MAX_MATRIX_JOBS);
  }
  return legs;
}

/**
 * The variables each of a job's `rules` sets when it is the rule that matches (`rules: [{if: ...,
 * variables: {IMAGE: $TARGET_BASE_IMAGE}}]`, over the job's own): one set per rule that writes
 * `variables`, and an empty one when a rule without them (or no `rules`) lets the job run as written.
 */
function ruleVariants(rules: Job | undefined): Variables[] {
  if (rules === undefined) return [new Map<string, VariableDefinition>()];
  const { document } = rules;
  const variants: Variables[] = [];
  let asWritten = false;
  for (const rule of listItems(document, rules.node)) {
    const variables = mergedGet(document, rule, 'variables');
    const when = scalarString(mergedGet(document, rule, 'when'));
    if (when === 'never') continue;
    if (variables === undefined) asWritten = true;
    else variants.push(readVariables(document, variables));
  }
  return asWritten || variants.length === 0 ? [new Map<string, VariableDefinition>(), ...variants] : variants;
}

/** A job's legs: each matrix leg (or the job alone) with each rule's variables over it, at most `MAX_MATRIX_JOBS`. */
function jobLegs(matrix: Variables[], rules: Variables[]): Variables[] {
  if (rules.length === 1 && rules[0].size === 0) return matrix;
  const legs: Variables[] = [];
  for (const leg of matrix.length > 0 ? matrix : [new Map<string, VariableDefinition>()]) {
    for (const rule of rules) {
      if (legs.length >= MAX_MATRIX_JOBS) return legs;
      legs.push(new Map([...leg, ...rule]));
    }
  }
  return legs;
}

/**
 * The dependency proxy's image prefixes (`gitlab.example.com:443/group/dependency_proxy/containers`):
 * what follows them is a Docker Hub image the proxy pulls and caches, and that image is the one checked.
 */
const DEPENDENCY_PROXY_PREFIXES = new Set(['CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX', 'CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX']);
/** Stands for a proxy prefix during expansion; cannot occur in YAML text (a C0 control character). */
const DEPENDENCY_PROXY_MARKER = '\u0001dependency-proxy\u0001';

function throughDependencyProxy(value: string | { unresolved: string }): ImageValue {
  if (typeof value !== 'string' || !value.includes(DEPENDENCY_PROXY_MARKER)) return { value };
  if (!value.startsWith(`${DEPENDENCY_PROXY_MARKER}/`) || value.indexOf(DEPENDENCY_PROXY_MARKER, 1) >= 0) {
    return { value: { unresolved: 'the dependency proxy prefix is known only when the pipeline runs, and it does not start this image' } };
  }
  return { value: value.slice(DEPENDENCY_PROXY_MARKER.length + 1), note: "pulled through GitLab's dependency proxy; the Docker Hub image is checked" };
}

/** Bound on `extends` chains. */
const MAX_EXTENDS_DEPTH = 11;

/** A job (or hidden template) and the document it is written in. */
interface Job {
  document: Document.Parsed;
  node: unknown;
}

/** The templates a job names in `extends` that the pipeline has, in the order written. */
function templatesOf(jobs: Map<string, Job>, job: Job): Job[] {
  const extendsNode = mergedGet(job.document, job.node, 'extends');
  const parents = isScalar(extendsNode) ? [extendsNode] : listItems(job.document, extendsNode);
  const templates: Job[] = [];
  for (const parent of parents) {
    const name = scalarString(parent);
    const template = name === undefined ? undefined : jobs.get(name);
    if (template !== undefined) templates.push(template);
  }
  return templates;
}

/** What a job sets in `variables` itself, and what a lookup through its `extends` chain found. */
interface JobScope {
  own: Variables;
  found: Map<string, VariableDefinition | null>;
}

/**
 * A variable as a job sees it through its `extends` chain (across included files): its own, else
 * that of the later template that has it, as GitLab merges them. Looked up by name, each (job,
 * name) once, rather than copied into a map per job: copies cost each job every variable of its
 * chain, quadratic in a long chain (and a pipeline's global variables once per job).
 */
function jobVariable(jobs: Map<string, Job>, job: Job, name: string, scopes: Map<unknown, JobScope>, depth = 0, chain = new Set<unknown>()): VariableDefinition | undefined {
  // GitLab allows 11 levels of `extends`; a job extending itself (directly or not) ends the chain.
  if (depth > MAX_EXTENDS_DEPTH || chain.has(job.node)) return undefined;
  let scope = scopes.get(job.node);
  if (!scope) {
    scope = { own: readVariables(job.document, mergedGet(job.document, job.node, 'variables')), found: new Map() };
    scopes.set(job.node, scope);
  }
  const own = scope.own.get(name);
  if (own !== undefined) return own;
  const known = scope.found.get(name);
  if (known !== undefined) return known ?? undefined;
  chain.add(job.node);
  let inherited: VariableDefinition | undefined;
  for (const template of templatesOf(jobs, job).reverse()) {
    inherited = jobVariable(jobs, template, name, scopes, depth + 1, chain);
    if (inherited !== undefined) break;
  }
  chain.delete(job.node);
  // Memoized per job, so templates shared by many jobs (diamonds) are walked once per name.
  scope.found.set(name, inherited ?? null);
  return inherited;
}

/** The tags that send a job to GitLab's hosted macOS runners (`saas-macos-medium-m1`, `saas-macos-large-m2pro`). */
const HOSTED_MACOS_TAG = 'saas-macos-';

/** A key of a job (with the document it is written in): its own, else that of the nearest template it `extends`. */
function inheritedKey(jobs: Map<string, Job>, job: Job, key: string, depth = 0): Job | undefined {
  const own = mergedGet(job.document, job.node, key);
  if (own !== undefined) return { document: job.document, node: own };
  if (depth > MAX_EXTENDS_DEPTH) return undefined;
  // Later templates of `extends` win, as GitLab merges them in order.
  for (const template of templatesOf(jobs, job).reverse()) {
    const inherited = template.node === job.node ? undefined : inheritedKey(jobs, template, key, depth + 1);
    if (inherited !== undefined) return inherited;
  }
  return undefined;
}

/** A job's `tags`: its own or inherited, else `default.tags`. */
function jobTags(jobs: Map<string, Job>, job: Job, defaults: unknown): Job | undefined {
  const tags = inheritedKey(jobs, job, 'tags');
  if (tags !== undefined) return tags;
  const fallback = defaults !== undefined ? mergedGet(job.document, defaults, 'tags') : undefined;
  return fallback === undefined ? undefined : { document: job.document, node: fallback };
}

/** Whether the job runs on GitLab's hosted macOS runners, where `image` names a macOS VM image. */
function onHostedMacOs(jobs: Map<string, Job>, job: Job, defaults: unknown): boolean {
  const tags = jobTags(jobs, job, defaults);
  return tags !== undefined && listItems(tags.document, tags.node).some((tag) => scalarString(tag)?.startsWith(HOSTED_MACOS_TAG) ?? false);
}

/** One document of the pipeline: of the file scanned, or of a file it includes. */
interface PipelinePart {
  document: Document.Parsed;
  file: SourceFile;
  lines: LineIndex;
}

/** What every part of a pipeline shares once its files are merged: global variables and jobs by name. */
interface Pipeline {
  variables: Variables;
  jobs: Map<string, Job>;
  scopes: Map<unknown, JobScope>;
  /** The jobs that run each written image, services or script node (built when first needed). */
  runners?: Map<unknown, Job[]>;
  /** Each job's resolver, by its node, once built. */
  resolvers: Map<unknown, (text: string) => ImageValue[]>;
  budget: ExpansionBudget;
}

function jobsOf(document: Document.Parsed): Array<[string, Job]> {
  return mapPairs(document, document.contents)
    .filter(([name, node]) => !RESERVED_KEYS.has(name) && isMap(node))
    .map(([name, node]) => [name, { document, node }]);
}

/** Merges the parts as GitLab does: included files first, in order, and the including file over them. */
function mergePipeline(parts: PipelinePart[]): Pipeline {
  const variables: Variables = new Map();
  const jobs = new Map<string, Job>();
  for (const { document } of parts) {
    for (const [name, value] of readVariables(document, mapGet(document.contents, 'variables'))) variables.set(name, value);
    for (const [name, job] of jobsOf(document)) jobs.set(name, job);
  }
  return { variables, jobs, scopes: new Map(), resolvers: new Map(), budget: { left: MAX_EXPANSION_WORK } };
}

/** The keys a job may take from a template it `extends` whose images are read. */
const INHERITED_IMAGE_KEYS = ['image', 'services', 'before_script', 'script', 'after_script'] as const;

/** Which jobs run each written key: a job's own, or the one its nearest template writes. */
function runnersOf(pipeline: Pipeline, defaults: unknown): Map<unknown, Job[]> {
  if (pipeline.runners) return pipeline.runners;
  const runners = new Map<unknown, Job[]>();
  for (const [name, job] of pipeline.jobs) {
    if (name.startsWith('.') || onHostedMacOs(pipeline.jobs, job, defaults)) continue;
    for (const key of INHERITED_IMAGE_KEYS) {
      const written = inheritedKey(pipeline.jobs, job, key)?.node;
      if (written === undefined) continue;
      const jobs = runners.get(written);
      if (jobs) jobs.push(job);
      else runners.set(written, [job]);
    }
  }
  pipeline.runners = runners;
  return runners;
}

/**
 * How a job's `key` resolves. A template's image is expanded in each job that extends it, with
 * that job's variables (`.build: {image: python:$PY}` and `x: {extends: .build, variables: {PY:
 * '3.12'}}` run python:3.12): one value per distinct result over the jobs that run it as written
 * here, and the job's own variables when no job does (a template nothing extends).
 */
function writtenKeyResolver(pipeline: Pipeline, job: Job, key: string, defaults: unknown): (text: string) => ImageValue[] {
  const own = jobResolver(pipeline, job);
  const written = mergedGet(job.document, job.node, key);
  return (text) => {
    if (!text.includes('$') || written === undefined) return own(text);
    const jobs = runnersOf(pipeline, defaults).get(written) ?? [];
    if (jobs.length === 0) return own(text);
    const values = new Map<string, ImageValue>();
    for (const runner of jobs) {
      for (const value of jobResolver(pipeline, runner)(text)) values.set(JSON.stringify(value), value);
      if (values.size >= MAX_DEFAULT_VALUES) break;
    }
    return [...values.values()];
  };
}

/** How a job's images resolve: its variables (and those of the templates it extends) over the global ones, per matrix leg. */
function jobResolver(pipeline: Pipeline, job: Job): (text: string) => ImageValue[] {
  const known = pipeline.resolvers.get(job.node);
  if (known) return known;
  // The job's variables over the global ones, looked up rather than copied.
  const variables = { get: (name: string) => jobVariable(pipeline.jobs, job, name, pipeline.scopes) ?? pipeline.variables.get(name) };
  const matrix = matrixLegs(inheritedKey(pipeline.jobs, job, 'parallel'));
  const resolver = resolverFor(variables, pipeline.budget, jobLegs(matrix, ruleVariants(inheritedKey(pipeline.jobs, job, 'rules'))));
  pipeline.resolvers.set(job.node, resolver);
  return resolver;
}

/** Bound on the distinct values one default image takes over the jobs that run it. */
const MAX_DEFAULT_VALUES = 1_000;

/**
 * How the pipeline's default `key` (`default.image` or `default.services`, and the global ones)
 * resolves. GitLab expands them in each job that runs with them, with that job's variables (and
 * matrix legs): a job that sets the variable a default image names pulls its own image. So they
 * resolve with the variables of every job that takes them (one occurrence per distinct value),
 * and with the global variables alone when no job does.
 */
function defaultsResolver(pipeline: Pipeline, defaults: unknown, key: DefaultImageKey): (text: string) => ImageValue[] {
  const withGlobals = resolverFor(pipeline.variables, pipeline.budget);
  // Built on the first default that names a variable: most pipelines have none, and it walks every job.
  let resolvers: Array<(text: string) => ImageValue[]> | undefined;
  return (text) => {
    // Text without a variable is the same image in every job that runs it.
    if (!text.includes('$')) return withGlobals(text);
    resolvers ??= [...pipeline.jobs].filter(([name, job]) => runsWithDefault(pipeline.jobs, name, job, defaults, key)).map(([, job]) => jobResolver(pipeline, job));
    if (resolvers.length === 0) return withGlobals(text);
    const values = new Map<string, ImageValue>();
    for (const resolve of resolvers) {
      for (const value of resolve(text)) values.set(JSON.stringify(value), value);
      if (values.size >= MAX_DEFAULT_VALUES) break;
    }
    return [...values.values()];
  };
}

type DefaultImageKey = 'image' | 'services';

/**
 * Whether a job runs with the default `image` (or `services`): it is not a hidden template nor a
 * trigger job, sets no `key` of its own (through `extends`), and does not turn `inherit: default` off for it.
 */
function runsWithDefault(jobs: Map<string, Job>, name: string, job: Job, defaults: unknown, key: DefaultImageKey): boolean {
  if (name.startsWith('.') || inheritedKey(jobs, job, 'trigger') !== undefined || onHostedMacOs(jobs, job, defaults)) return false;
  if (inheritedKey(jobs, job, key) !== undefined) return false;
  const inherit = inheritedKey(jobs, job, 'inherit');
  const fromDefault = inherit === undefined ? undefined : mergedGet(inherit.document, inherit.node, 'default');
  if (inherit === undefined || fromDefault === undefined) return true;
  if (isScalar(fromDefault)) return fromDefault.value !== false;
  return listItems(inherit.document, fromDefault).some((item) => scalarString(item) === key);
}

const SCRIPT_KEYS = ['before_script', 'script', 'after_script'];

/**
 * The images a job's (or the default's) scripts pull with `docker run`/`pull`. GitLab hands the job's
 * variables to the shell, so `$NAME` resolves as in the job's `image`; a command substitution is
 * known only when the script runs.
 */
function scriptOccurrences(part: PipelinePart, owner: unknown, prefix: string, resolverOf: (key: string) => (text: string) => ImageValue[]): Occurrence[] {
  const { document, file, lines } = part;
  // before_script, script and after_script run in one job: an image one builds, a later one runs.
  const built = new Set<string>();
  return SCRIPT_KEYS.flatMap((key) => {
    const resolve = resolverOf(key);
    const resolveWord = (word: ShellWord): ImageValue[] =>
      word.text.includes('$(') || word.text.includes('`') ? [{ value: { unresolved: `the shell expands ${word.text} when the job runs` } }] : resolve(word.text);
    const site = { file: file.path, kind: 'gitlab-ci' as const, text: file.text, lines, resolve: resolveWord, built };
    return scriptListImages(document, mergedGet(document, owner, key), site, `${prefix}${key}`);
  });
}

function pipelineOccurrences(part: PipelinePart, pipeline: Pipeline): Occurrence[] {
  const { document, file, lines } = part;
  const occurrences: Occurrence[] = [];
  const site = (node: unknown, context: string, resolve: (text: string) => ImageValue[]) =>
    occurrencesAtScalar({ file: file.path, kind: 'gitlab-ci', text: file.text, lines, node, context, resolve });
  const imagesOf = (owner: unknown, prefix: string, resolve: (text: string) => ImageValue[], resolveServices = resolve) => {
    occurrences.push(...site(imageNodeOf(mergedGet(document, owner, 'image'), 'name'), `${prefix}image`, resolve));
    const services = mergedGet(document, owner, 'services');
    // `!reference [job, services]` names images written elsewhere in the file, reported there.
    if (isSeq(services) && services.tag === '!reference') return;
    listItems(document, services).forEach((service, index) => {
      occurrences.push(...site(imageNodeOf(service, 'name'), `${prefix}services[${index}]`, resolveServices));
    });
  };

  const defaults = mergedGet(document, document.contents, 'default');
  const defaultImage = defaultsResolver(pipeline, defaults, 'image');
  const defaultServices = defaultsResolver(pipeline, defaults, 'services');
  imagesOf(document.contents, '', defaultImage, defaultServices);
  imagesOf(defaults, 'default.', defaultImage, defaultServices);
  for (const [jobName, job] of jobsOf(document)) {
    // On GitLab's hosted macOS runners `image` names the macOS VM image (`macos-15-xcode-16`), not a container.
    if (onHostedMacOs(pipeline.jobs, job, defaults)) continue;
    const resolverOf = (key: string) => writtenKeyResolver(pipeline, job, key, defaults);
    imagesOf(job.node, `${jobName}.`, resolverOf('image'), resolverOf('services'));
    occurrences.push(...scriptOccurrences(part, job.node, `${jobName}.`, resolverOf));
  }
  const globalResolver = resolverFor(pipeline.variables, pipeline.budget);
  occurrences.push(...scriptOccurrences(part, defaults, 'default.', () => globalResolver));
  return occurrences;
}

export const gitlabCiDiscoverer: Discoverer = {
  kind: 'gitlab-ci',
  matches(path) {
    const name = baseName(path);
    return /^\.gitlab-ci\.ya?ml$/.test(name) || /\.gitlab-ci\.ya?ml$/.test(name);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseConfigTemplateDocuments(file);
    // A file the root pipeline includes is read as part of it, with the variables it sees there.
    if (file.path !== ROOT_PIPELINE && (await isIncludedByRoot(file.path, context))) return { occurrences: [] };
    const included = await followIncludes(file.path, parsed.documents, context);
    const own = parsed.documents.map((document) => ({ document, file, lines: new LineIndex(file.text) }));
    const parts: PipelinePart[] = included.files.flatMap((other) => {
      const lines = new LineIndex(other.text);
      return other.parsed.documents.map((document) => ({ document, file: { path: other.path, text: other.text }, lines }));
    });
    const pipeline = mergePipeline([...parts, ...own]);
    const occurrences = [...own, ...parts].flatMap((part) => pipelineOccurrences(part, pipeline));
    const errors = [...parsed.errors, ...included.errors];
    if (pipeline.budget.spent) errors.push(`${OVER_BUDGET}: the images past that bound were not resolved`);
    return { occurrences: dedupeOccurrences(occurrences), errors, notes: included.notes };
  },
};
