/**
 * Azure Pipelines: `azure-pipelines.yml` (also `azure-pipelines-pr.yml`, `azure-pipelines.ci.yml`)
 * and files under `.azure-pipelines/`. Job and pipeline
 * `container:` (an image, or `{ image: ... }`) and `resources.containers[*].image`. A `container:`
 * naming a `resources.containers` alias is not an image, nor are `services:` and step `target:`
 * (they name aliases too). `$(var)`, `${{ variables.var }}` and `$[ variables['var'] ]` are
 * expanded from the variables of the file, the stage and the job, and in a job with a
 * `strategy.matrix` once per leg (one occurrence per distinct value); parameters, other
 * expressions and variables defined elsewhere are not.
 *
 * A template (any file a pipeline names in `template:`, followed from each pipeline no other file
 * includes) also sees the variables of the pipelines that include it: one value per including
 * pipeline. A template outside those names and folders (`eng/common/templates/job/job.yml`) is
 * read through the first pipeline that reaches it, its images reported where the template writes them.
 *
 * A string `container:` naming an alias declared in another file (a template) cannot be told
 * from an image name and is reported as an image.
 */
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { scalarString } from './yaml.js';
import { baseName, dirName, listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';
import { oncePerScan } from './per-scan.js';
import { layered, type Lookup } from './layered.js';
import { scriptImages } from './script-images.js';
import { allSpans, enclosed, replaceSpans, type Span } from '../spans.js';

function isYamlPath(path: string): boolean {
  return path.endsWith('.yml') || path.endsWith('.yaml');
}

/**
 * `azure-pipelines.yml` anywhere, with a suffix after `-`, `.` or `_` too (`azure-pipelines-pr.yml`,
 * `azure-pipelines.ci.yml`, as Azure DevOps projects name their several pipelines), and YAML files
 * under a `.azure-pipelines/` folder at any depth (templates in `templates/`); `.vsts-ci.yml` and
 * a `.vsts-ci/` folder likewise.
 */
function isPipelinePath(path: string): boolean {
  if (!isYamlPath(path)) return false;
  const name = baseName(path);
  const prefix = 'azure-pipelines';
  if (name.startsWith(prefix) && '-._'.includes(name.charAt(prefix.length))) return true;
  // `.vsts-ci.yml`, the name Azure DevOps looked for when it was VSTS, and a `.vsts-ci/` folder beside it (PowerShell's).
  if (name === '.vsts-ci.yml' || name === '.vsts-ci.yaml') return true;
  const folders = path.split('/').slice(0, -1);
  return folders.includes('.azure-pipelines') || folders.includes('.vsts-ci');
}
/** Keys whose subtrees name container aliases, not images (resources are read on their own). */
const ALIAS_KEYS = new Set(['resources', 'services', 'target']);
const MAX_DEPTH = 40;
/** `$(name)` macros, `${{ ... }}` template expressions and `$[ ... ]` runtime expressions. */
// A runtime expression may hold brackets (`variables['x']`), so it runs to the last `]`.
const expressionsIn = (text: string): Span[] => allSpans([enclosed(text, '$(', ')'), enclosed(text, '${{', '}}'), enclosed(text, '$[', ']', { toLast: true })]);

type Variables = Map<string, string>;

/** The variables an image sees, in layers (layered.ts). */
type Scope = Lookup<string>;

/** The variables a map (the pipeline, a stage or a job) defines under `variables:`. */
function readVariables(document: Document.Parsed, owner: unknown): Variables {
  const variables: Variables = new Map();
  const node = mergedGet(document, owner, 'variables');
  if (isMap(node)) {
    for (const [name, value] of mapPairs(document, node)) {
      const text = scalarString(value);
      if (text !== undefined) variables.set(name, text);
    }
  } else if (isSeq(node)) {
    // List form: `- name: x` / `value: y`; `- group:` and `- template:` entries are defined elsewhere.
    for (const item of listItems(document, node)) {
      const name = scalarString(mergedGet(document, item, 'name'));
      const value = scalarString(mergedGet(document, item, 'value'));
      if (name !== undefined && value !== undefined) variables.set(name, value);
    }
  }
  return variables;
}

/** Variables named in a template (`${{ variables.x }}`) or runtime (`$[ variables['x'] ]`) expression. */
const VARIABLE_EXPRESSION = /^\s*variables(?:\.([A-Za-z0-9_.]+)|\[\s*'([^']+)'\s*\])\s*$/;

function substitute(text: string, variables: Scope): string | { unresolved: string } {
  let unresolved: string | undefined;
  const value = replaceSpans(text, expressionsIn(text), (span) => {
    const whole = text.slice(span.start, span.end);
    const inner = text.slice(span.innerStart, span.innerEnd);
    const name = span.finder === 0 ? inner.trim() : VARIABLE_EXPRESSION.exec(inner)?.slice(1).find((part) => part !== undefined);
    const known = name === undefined ? undefined : variables.get(name);
    if (known === undefined) {
      unresolved ??= name === undefined
        ? `expression ${whole} is only known when the pipeline runs`
        : `variable ${name} is not defined in this file (it may be set in the pipeline settings or a variable group)`;
      return whole;
    }
    // A value that is itself an expression (`$[ dependencies.job.outputs['x'] ]`) is known when the pipeline runs.
    if (expressionsIn(known).length > 0) {
      unresolved ??= `variable ${name ?? whole} is set to ${known}, only known when the pipeline runs`;
      return whole;
    }
    return known;
  });
  return unresolved === undefined ? value : { unresolved };
}

/**
 * Resolves with the variables in scope and, in a job with a `strategy.matrix`, once per leg (a
 * leg's variables override the others). A value naming a `resources.containers` alias is the
 * alias, whose image is reported where the resource is written.
 */
function resolverFor(variables: Scope, legs: Scope[], aliases: Set<string>): (text: string) => ImageValue[] {
  return (text) => {
    const results = legs.length > 0 ? legs.map((leg) => substitute(text, layered(variables, leg))) : [substitute(text, variables)];
    const unresolved = results.find((result) => typeof result !== 'string');
    if (unresolved !== undefined) return [{ value: unresolved }];
    const values = [...new Set(results as string[])].filter((value) => !aliases.has(value));
    if (values.length <= 1) return values.map((value) => ({ value }));
    return values.map((value, index) => ({ value, note: `matrix value ${index + 1} of ${values.length}` }));
  };
}

/** The variables of each leg of a job's `strategy.matrix` (none when it has no matrix written as a map). */
function matrixLegs(document: Document.Parsed, job: unknown): Variables[] {
  const matrix = mergedGet(document, mergedGet(document, job, 'strategy'), 'matrix');
  return mapPairs(document, matrix).map(([, leg]) => {
    const variables: Variables = new Map();
    for (const [name, value] of mapPairs(document, leg)) {
      const text = scalarString(value);
      if (text !== undefined) variables.set(name, text);
    }
    return variables;
  });
}

/**
 * The legs an image is resolved with: each matrix leg over the variables in scope, over the variables of each
 * pipeline that includes the file (none for a pipeline itself).
 */
function withIncluding(variables: Scope, legs: Scope[], including: Variables[]): [Scope, Scope[]] {
  if (including.length === 0) return [variables, legs];
  const own = legs.length > 0 ? legs : [new Map<string, string>()];
  return [new Map<string, string>(), including.flatMap((outer) => own.map((leg) => layered(outer, variables, leg)))];
}

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, including: Variables[]): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const topLevel = readVariables(document, document.contents);
  const aliases = new Set<string>();
  const site = (node: unknown, context: string, variables: Scope, legs: Scope[]) => {
    const [scope, all] = withIncluding(variables, legs, including);
    occurrences.push(...occurrencesAtScalar({ file: file.path, kind: 'azure-pipelines', text: file.text, lines, node, context, resolve: resolverFor(scope, all, aliases) }));
  };

  const containers = listItems(document, mergedGet(document, mergedGet(document, document.contents, 'resources'), 'containers'));
  for (const container of containers) {
    const alias = scalarString(mergedGet(document, container, 'container'));
    if (alias !== undefined) aliases.add(alias);
  }
  // A resource's image is what an alias stands for: never dropped as an alias itself.
  containers.forEach((container, index) => {
    const [scope, all] = withIncluding(topLevel, [], including);
    occurrences.push(
      ...occurrencesAtScalar({ file: file.path, kind: 'azure-pipelines', text: file.text, lines, node: mergedGet(document, container, 'image'), context: `resources.containers[${index}].image`, resolve: resolverFor(scope, all, new Set()) }),
    );
  });

  // Stages and jobs may define variables of their own, for what is written under them.
  const walk = (node: unknown, path: string, depth: number, variables: Scope, posix: boolean) => {
    if (depth > MAX_DEPTH) return;
    if (isMap(node)) {
      const runsPosix = posixShellOf(document, node) ?? posix;
      const own = depth === 0 ? new Map<string, string>() : readVariables(document, node);
      const scope = own.size > 0 ? layered(variables, own) : variables;
      // The values a template is given are its parameters, whatever they are named: `container:`
      // there may be a storage container (arcade's `get-delegation-sas.yml`); the template is read itself.
      const invokesTemplate = node.has('template');
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (ALIAS_KEYS.has(key) || (invokesTemplate && key === 'parameters')) continue;
        const childPath = path ? `${path}.${key}` : key;
        // A `bash` step's script, or a `script` step's where it runs in bash (a Linux or macOS agent, a
        // container job), with the variables in scope (`$(name)` macros are substituted before it runs).
        if ((key === 'bash' || (key === 'script' && runsPosix)) && isScalar(pair.value)) {
          const [inScope, all] = withIncluding(scope, [], including);
          const resolve = resolverFor(inScope, all, aliases);
          occurrences.push(...scriptImages({ file: file.path, kind: 'azure-pipelines', text: file.text, lines, node: pair.value, context: childPath, resolve: (word) => resolve(word.text) }));
          continue;
        }
        if (key === 'container') {
          const legs = matrixLegs(document, node);
          if (isScalar(pair.value)) {
            if (!aliases.has(String(pair.value.value))) site(pair.value, childPath, scope, legs);
          } else if (isMap(pair.value)) {
            site(pair.value.get('image', true), `${childPath}.image`, scope, legs);
          }
          continue;
        }
        walk(pair.value, childPath, depth + 1, scope, runsPosix);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1, variables, posix));
    }
  };
  walk(document.contents, '', 0, topLevel, false);
  return occurrences;
}

/**
 * Whether the steps under a stage, job or pipeline run `script:` in bash: true for a hosted Linux or
 * macOS image (`pool: { vmImage: ubuntu-latest }`), a named pool whose `demands` ask for a Linux or
 * macOS agent, or a container job; false for a Windows image or a named pool of agents of any OS (cmd
 * on Windows); undefined when it sets neither.
 */
function posixShellOf(document: Document.Parsed, owner: unknown): boolean | undefined {
  if (mergedGet(document, owner, 'container') !== undefined && mergedGet(document, owner, 'steps') !== undefined) return true;
  const pool = mergedGet(document, owner, 'pool');
  if (pool === undefined) return undefined;
  const image = scalarString(mergedGet(document, pool, 'vmImage'));
  if (image !== undefined) return isPosixImage(image);
  return demandsPosixAgent(document, mergedGet(document, pool, 'demands'));
}

function isPosixImage(image: string): boolean {
  const lower = image.toLowerCase();
  return lower.startsWith('ubuntu') || lower.startsWith('macos');
}

/**
 * Whether a pool's `demands` (one string or a list) pick Linux or macOS agents: the agent capability
 * `Agent.OS -equals Linux` (or `Darwin`), or the image a 1ES hosted pool is asked for,
 * `ImageOverride -equals Ubuntu22.04-...` (mssql-django's pool).
 */
function demandsPosixAgent(document: Document.Parsed, demands: unknown): boolean {
  const written = isSeq(demands) ? listItems(document, demands) : [demands];
  for (const demand of written) {
    const [capability, operator, value, ...rest] = (scalarString(demand) ?? '').trim().split(/\s+/);
    if (operator?.toLowerCase() !== '-equals' || value === undefined || rest.length > 0) continue;
    const name = capability.toLowerCase();
    if (name === 'agent.os') return value.toLowerCase() === 'linux' || value.toLowerCase() === 'darwin';
    if (name === 'imageoverride') return isPosixImage(value);
  }
  return false;
}

/** Bounds on reading the include graph: files read, and `template:` keys followed per file. */
const MAX_GRAPH_FILES = 200;
const MAX_TEMPLATES_PER_FILE = 200;

/** The file a `template:` names, from the repository root: relative to the including file, `/` from the root; none for another repository's (`@alias`) or an expression. */
function templatePath(from: string, written: string): string | undefined {
  if (written.includes('@') || written.includes('$')) return undefined;
  const parts = [...(written.startsWith('/') ? [] : dirName(from).split('/')), ...written.split('/')].filter((part) => part !== '' && part !== '.');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part !== '..') resolved.push(part);
    else if (resolved.pop() === undefined) return undefined;
  }
  return resolved.join('/');
}

/**
 * The `template:` values written anywhere in a document (stages, jobs, steps, variables templates),
 * one more than the bound when there are more.
 */
function templatesOf(document: Document.Parsed, from: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > MAX_DEPTH || found.length > MAX_TEMPLATES_PER_FILE) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const written = isScalar(pair.key) && pair.key.value === 'template' ? scalarString(pair.value) : undefined;
        const path = written === undefined ? undefined : templatePath(from, written);
        if (path !== undefined) found.push(path);
        else walk(pair.value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, depth + 1);
    }
  };
  for (const root of document.contents === null ? [] : [document.contents]) walk(root, 0);
  return found;
}

/** One pipeline file as the include graph sees it: its top-level variables and the templates it names. */
interface GraphFile {
  variables: Variables;
  templates: string[];
  /** Whether it names more templates than are followed. */
  templatesCut: boolean;
}

async function readGraphFile(path: string, context: DiscoverContext): Promise<GraphFile | undefined> {
  const text = await context.readFile(path);
  if (text === undefined) return undefined;
  try {
    const { documents } = parseConfigDocuments({ path, text });
    const templates = documents.flatMap((document) => templatesOf(document, path));
    return {
      variables: new Map(documents.flatMap((document) => [...readVariables(document, document.contents)])),
      templates: templates.slice(0, MAX_TEMPLATES_PER_FILE),
      templatesCut: templates.length > MAX_TEMPLATES_PER_FILE,
    };
  } catch {
    return undefined;
  }
}

/** What the include graph tells each file: the variables of the pipelines reaching it, and the templates it reports. */
interface IncludeGraph {
  /** For each file a pipeline includes, the top-level variables of each pipeline that reaches it. */
  including: Map<string, Variables[]>;
  /** For each pipeline, the templates outside the pipeline names and folders it is the first to reach. */
  reportedTemplates: Map<string, string[]>;
  /** The files the graph read or tried to read; a file not among them was left out by its bound. */
  tried: Set<string>;
  /** What the bounds left unread, as errors of the file that names it. */
  unread: Map<string, string[]>;
}

/** Files read into the include graph and templates followed per file, for the messages. */
const GRAPH_BOUND = `the include graph reads at most ${MAX_GRAPH_FILES} pipeline files and templates`;

/** What the graph's bounds left out, as errors of the files that name it. */
function unreadByBounds(files: Map<string, GraphFile>, tried: Set<string>): Map<string, string[]> {
  const unread = new Map<string, string[]>();
  const add = (path: string, error: string) => unread.set(path, [...(unread.get(path) ?? []), error]);
  for (const [path, file] of files) {
    if (file.templatesCut) add(path, `it names more than ${MAX_TEMPLATES_PER_FILE} templates: the others were not read`);
    const left = file.templates.filter((template) => isYamlPath(template) && !tried.has(template));
    if (left.length > 0) add(path, `template ${left[0]}${left.length > 1 ? ` and ${left.length - 1} more` : ''} not read: ${GRAPH_BOUND}`);
  }
  return unread;
}

/** The pipeline files listed, then the templates they name wherever they are, read up to `MAX_GRAPH_FILES`. */
async function readGraph(context: DiscoverContext, tried: Set<string>): Promise<Map<string, GraphFile>> {
  const files = new Map<string, GraphFile>();
  const queue = (context.candidateFiles ?? []).filter(isPipelinePath).slice(0, MAX_GRAPH_FILES);
  const queued = new Set(queue);
  while (queue.length > 0 && files.size < MAX_GRAPH_FILES) {
    const path = queue.shift() as string;
    tried.add(path);
    const read = await readGraphFile(path, context);
    if (read === undefined) continue;
    files.set(path, read);
    for (const template of read.templates) {
      if (queued.has(template) || !isYamlPath(template)) continue;
      queued.add(template);
      queue.push(template);
    }
  }
  return files;
}

/**
 * For each file a pipeline includes through `template:`, the top-level variables of each pipeline
 * that reaches it (a pipeline being a file with a pipeline's name or folder that no other file
 * includes), and which pipeline reports a template found nowhere else. Read once per scan.
 */
async function includeGraph(context: DiscoverContext): Promise<IncludeGraph> {
  const tried = new Set<string>();
  const files = await readGraph(context, tried);
  const included = new Set([...files.values()].flatMap((file) => file.templates));
  const including = new Map<string, Variables[]>();
  const reportedTemplates = new Map<string, string[]>();
  const reported = new Set<string>();
  for (const [path, root] of files) {
    if (included.has(path) || !isPipelinePath(path)) continue;
    // Each file once per pipeline, also through cycles and diamonds.
    const seen = new Set([path]);
    const queue = [...root.templates];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      including.set(next, [...(including.get(next) ?? []), root.variables]);
      if (files.has(next) && !isPipelinePath(next) && !reported.has(next)) {
        reported.add(next);
        reportedTemplates.set(path, [...(reportedTemplates.get(path) ?? []), next]);
      }
      queue.push(...(files.get(next)?.templates ?? []));
    }
  }
  return { including, reportedTemplates, tried, unread: unreadByBounds(files, tried) };
}

const graphs = new WeakMap<DiscoverContext, Map<string, Promise<IncludeGraph>>>();

/** The images of a template only a pipeline reaches, read with the variables of the pipelines that include it. */
async function templateExtraction(path: string, graph: IncludeGraph, context: DiscoverContext): Promise<Extraction> {
  const text = await context.readFile(path);
  if (text === undefined) return { occurrences: [] };
  const file = { path, text };
  try {
    const including = graph.including.get(path) ?? [];
    const extraction = occurrencesOfDocuments(file, parseConfigDocuments(file), (document, source, lines) => pipelineOccurrences(document, source, lines, including));
    const unread = graph.unread.get(path) ?? [];
    return unread.length > 0 ? { ...extraction, errors: [...(extraction.errors ?? []), ...unread.map((error) => `template ${path}: ${error}`)] } : extraction;
  } catch (error) {
    return { occurrences: [], errors: [`template ${path}: ${(error as Error).message}`] };
  }
}

/** What the graph's bounds left unread of a pipeline's templates; all of them when the pipeline itself was past the bound. */
function graphErrors(path: string, documents: Document.Parsed[], graph: IncludeGraph): string[] {
  if (graph.tried.has(path)) return graph.unread.get(path) ?? [];
  const named = documents.flatMap((document) => templatesOf(document, path)).filter(isYamlPath);
  return named.length > 0 ? [`its templates (${named[0]}${named.length > 1 ? ` and ${named.length - 1} more` : ''}) were not read: ${GRAPH_BOUND}`] : [];
}

export const azurePipelinesDiscoverer: Discoverer = {
  kind: 'azure-pipelines',
  matches(path) {
    return isPipelinePath(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseConfigDocuments(file);
    const graph = await oncePerScan(graphs, context, 'graph', () => includeGraph(context));
    const including = graph.including.get(file.path) ?? [];
    const own = occurrencesOfDocuments(file, parsed, (document, source, lines) => pipelineOccurrences(document, source, lines, including));
    const unread = graphErrors(file.path, parsed.documents, graph);
    if (unread.length > 0) own.errors = [...(own.errors ?? []), ...unread];
    for (const template of graph.reportedTemplates.get(file.path) ?? []) {
      const reached = await templateExtraction(template, graph, context);
      own.occurrences.push(...reached.occurrences);
      own.errors = [...(own.errors ?? []), ...(reached.errors ?? [])];
    }
    return own;
  },
};
