/**
 * GitLab CI: `.gitlab-ci.yml` and included `*.gitlab-ci.yml` files. Images of the pipeline
 * (`image`, `default.image`, `services`) and of every job, hidden template jobs included since
 * their images are written there. `$VAR`/`${VAR}` are expanded from the file's global and job
 * `variables`; predefined and project-level variables are only known when the pipeline runs.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { isMap, isScalar, isSeq, scalarString } from './yaml.js';
import { baseName, imageNodeOf, listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, substituteVariables, type ImageValue } from './image-site.js';

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
    return [{ value: expand(text, variables) }];
  };
}

/** Bound on `extends` chains. */
const MAX_EXTENDS_DEPTH = 11;

/** A job's variables through its `extends` chain: templates first, the job's own last. */
function jobVariables(
  document: Document.Parsed,
  jobs: Map<string, unknown>,
  job: unknown,
  memo: Map<unknown, Variables>,
  depth = 0,
  chain = new Set<unknown>(),
): Variables {
  // Memoized per job, so templates shared by many jobs (diamonds) are read once.
  const known = memo.get(job);
  if (known) return known;
  const variables: Variables = new Map();
  // GitLab allows 11 levels of `extends`; a job extending itself (directly or not) ends the chain.
  if (depth > MAX_EXTENDS_DEPTH || chain.has(job)) return variables;
  chain.add(job);
  const extendsNode = mergedGet(document, job, 'extends');
  const parents = isScalar(extendsNode) ? [extendsNode] : listItems(document, extendsNode);
  for (const parent of parents) {
    const name = scalarString(parent);
    const template = name === undefined ? undefined : jobs.get(name);
    if (template !== undefined) for (const [key, value] of jobVariables(document, jobs, template, memo, depth + 1, chain)) variables.set(key, value);
  }
  chain.delete(job);
  for (const [key, value] of readVariables(document, mergedGet(document, job, 'variables'))) variables.set(key, value);
  memo.set(job, variables);
  return variables;
}

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const globalVariables = readVariables(document, document.get('variables', true));
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

  imagesOf(document.contents, '', globalVariables);
  imagesOf(mergedGet(document, document.contents, 'default'), 'default.', globalVariables);
  const jobs = new Map(mapPairs(document, document.contents).filter(([name, job]) => !RESERVED_KEYS.has(name) && isMap(job)));
  const memo = new Map<unknown, Variables>();
  for (const [jobName, job] of jobs) {
    // Job variables (and those of the templates it extends) override global ones for the job's own images.
    const variables = new Map([...globalVariables, ...jobVariables(document, jobs, job, memo)]);
    imagesOf(job, `${jobName}.`, variables);
  }
  return occurrences;
}

export const gitlabCiDiscoverer: Discoverer = {
  kind: 'gitlab-ci',
  matches(path) {
    const name = baseName(path);
    return /^\.gitlab-ci\.ya?ml$/.test(name) || /\.gitlab-ci\.ya?ml$/.test(name);
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), pipelineOccurrences);
  },
};
