/**
 * GitLab CI: `.gitlab-ci.yml`, `*.gitlab-ci.yml` files, and the files they `include:` from the
 * repository (any name), read as one pipeline: each image is reported in the file it is written in,
 * with the global `variables` of every file of the pipeline and the job's own (through `extends`).
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
import { baseName, dedupeOccurrences, imageNodeOf, listItems, mapPairs, mergedGet, occurrencesAtScalar, parseConfigDocuments, substituteVariables, type ImageValue } from './image-site.js';
import { ROOT_PIPELINE, followIncludes, isIncludedByRoot } from './gitlab-include.js';

/** Top-level keys that are not jobs. */
const RESERVED_KEYS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache',
  'before_script', 'after_script', 'types', 'spec',
]);

/** Variables GitLab sets itself; their values exist only in a running pipeline. */
const PREDEFINED_PREFIXES = ['CI_', 'GITLAB_', 'RUNNER_', 'KUBECONFIG', 'TRIGGER_PAYLOAD', 'CHAT_', 'DOCKER_AUTH_CONFIG'];

/** Bound on variables referring to variables. */
const MAX_EXPANSION_DEPTH = 10;

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
function expand(text: string, variables: Variables): string | { unresolved: string } {
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
    expanding.add(name);
    const value = substituteVariables(definition.value, (inner) => lookup(inner, depth + 1));
    expanding.delete(name);
    expanded.set(name, value);
    return value;
  };
  return substituteVariables(text, (name) => lookup(name, 0));
}

const COMPONENT_INPUT = /\$\[\[[\s\S]*?\]\]/;

function resolverFor(variables: Variables): (text: string) => ImageValue[] {
  return (text) => {
    const input = COMPONENT_INPUT.exec(text);
    // CI/CD component inputs are given by each project that includes the component.
    if (input) return [{ value: { unresolved: `component input ${input[0]} is set by the including pipeline` } }];
    return [throughDependencyProxy(expand(text, variables))];
  };
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

/** A job's variables through its `extends` chain (across included files): templates first, the job's own last. */
function jobVariables(jobs: Map<string, Job>, job: Job, memo: Map<unknown, Variables>, depth = 0, chain = new Set<unknown>()): Variables {
  // Memoized per job, so templates shared by many jobs (diamonds) are read once.
  const known = memo.get(job.node);
  if (known) return known;
  const variables: Variables = new Map();
  // GitLab allows 11 levels of `extends`; a job extending itself (directly or not) ends the chain.
  if (depth > MAX_EXTENDS_DEPTH || chain.has(job.node)) return variables;
  chain.add(job.node);
  const { document } = job;
  for (const template of templatesOf(jobs, job)) {
    for (const [key, value] of jobVariables(jobs, template, memo, depth + 1, chain)) variables.set(key, value);
  }
  chain.delete(job.node);
  for (const [key, value] of readVariables(document, mergedGet(document, job.node, 'variables'))) variables.set(key, value);
  memo.set(job.node, variables);
  return variables;
}

/** The tags that send a job to GitLab's hosted macOS runners (`saas-macos-medium-m1`, `saas-macos-large-m2pro`). */
const HOSTED_MACOS_TAG = 'saas-macos-';

/** A job's `tags` (with the document they are written in): its own, else those of the nearest template it extends, else `default.tags`. */
function jobTags(jobs: Map<string, Job>, job: Job, defaults: unknown, depth = 0): Job | undefined {
  const own = mergedGet(job.document, job.node, 'tags');
  if (own !== undefined) return { document: job.document, node: own };
  if (depth > MAX_EXTENDS_DEPTH) return undefined;
  // Later templates of `extends` win, as GitLab merges them in order.
  for (const template of templatesOf(jobs, job).reverse()) {
    const inherited = template.node === job.node ? undefined : jobTags(jobs, template, undefined, depth + 1);
    if (inherited !== undefined) return inherited;
  }
  const fallback = depth === 0 && defaults !== undefined ? mergedGet(job.document, defaults, 'tags') : undefined;
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
  memo: Map<unknown, Variables>;
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
  return { variables, jobs, memo: new Map() };
}

function pipelineOccurrences(part: PipelinePart, pipeline: Pipeline): Occurrence[] {
  const { document, file, lines } = part;
  const occurrences: Occurrence[] = [];
  const site = (node: unknown, context: string, variables: Variables) =>
    occurrencesAtScalar({ file: file.path, kind: 'gitlab-ci', text: file.text, lines, node, context, resolve: resolverFor(variables) });
  const imagesOf = (owner: unknown, prefix: string, variables: Variables) => {
    occurrences.push(...site(imageNodeOf(mergedGet(document, owner, 'image'), 'name'), `${prefix}image`, variables));
    const services = mergedGet(document, owner, 'services');
    // `!reference [job, services]` names images written elsewhere in the file, reported there.
    if (isSeq(services) && services.tag === '!reference') return;
    listItems(document, services).forEach((service, index) => {
      occurrences.push(...site(imageNodeOf(service, 'name'), `${prefix}services[${index}]`, variables));
    });
  };

  imagesOf(document.contents, '', pipeline.variables);
  const defaults = mergedGet(document, document.contents, 'default');
  imagesOf(defaults, 'default.', pipeline.variables);
  for (const [jobName, job] of jobsOf(document)) {
    // On GitLab's hosted macOS runners `image` names the macOS VM image (`macos-15-xcode-16`), not a container.
    if (onHostedMacOs(pipeline.jobs, job, defaults)) continue;
    // Job variables (and those of the templates it extends) override global ones for the job's own images.
    const variables = new Map([...pipeline.variables, ...jobVariables(pipeline.jobs, job, pipeline.memo)]);
    imagesOf(job.node, `${jobName}.`, variables);
  }
  return occurrences;
}

export const gitlabCiDiscoverer: Discoverer = {
  kind: 'gitlab-ci',
  matches(path) {
    const name = baseName(path);
    return /^\.gitlab-ci\.ya?ml$/.test(name) || /\.gitlab-ci\.ya?ml$/.test(name);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseConfigDocuments(file);
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
    return { occurrences: dedupeOccurrences(occurrences), errors: [...parsed.errors, ...included.errors] };
  },
};
