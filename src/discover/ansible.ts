/**
 * Ansible playbooks and task files: the images the container modules run or pull, wherever the
 * task sits (a play's `tasks`, `handlers`, a `block`/`rescue`/`always`, a role's task file):
 * `docker_container`, `podman_container` and `docker_swarm_service` (`image`), and the images
 * `docker_image` (with `source: pull`), `docker_image_pull` and `podman_image` (unless it builds)
 * pull (`name` with `tag`). Jinja expressions take the variables ansible-vars.ts finds (a play's,
 * block's or task's `vars` over the file's); a task that loops takes each item (ansible-loops.ts); a
 * task that removes a container (`state: absent`) pulls nothing. Recognised by content: any YAML
 * file naming one of the modules.
 */
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { normalizeForOccurrence } from '../reference/index.js';
import { loopBudget, loopOccurrences, LOOPS_CUT, taskLoop, usesItem, type LoopBudget, type TaskLoop } from './ansible-loops.js';
import { evaluateJinja, fileVarsLayer, listsOfMap, varsOfMap, type AnsibleLists, type AnsibleVars } from './ansible-vars.js';
import { dedupeOccurrences, mergedGet, occurrencesAtScalar, parseConfigDocuments, type ImageResolver } from './image-site.js';
import { ansibleContainers, withContainers, type AnsibleContainerTask } from './containers/index.js';
import { isYamlPath } from './file-names.js';
import { layered } from './layered.js';
import { LineIndex } from './position.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { scalarString, writtenScalarText } from './yaml.js';

/** Modules that run a container from `image`. */
const RUNNERS = new Set(['docker_container', 'podman_container', 'docker_swarm_service']);
/** Modules that pull `name` (with `tag`), and the tag they pull when none is given. */
const PULLERS = new Set(['docker_image', 'docker_image_pull', 'podman_image']);
/** Collections the modules are also named under. */
const COLLECTIONS = ['community.docker.', 'containers.podman.', 'community.general.'];
const MAX_DEPTH = 32;

function moduleName(key: string): string | undefined {
  const collection = COLLECTIONS.find((prefix) => key.startsWith(prefix));
  const short = collection === undefined ? key : key.slice(collection.length);
  return RUNNERS.has(short) || PULLERS.has(short) ? short : undefined;
}

/** Whether the image text already names a tag or digest (the module's `tag` is then not used), as the reference model reads it. */
function namesVersion(image: string): boolean {
  const normalized = normalizeForOccurrence(image);
  return !normalized.ok || normalized.parsed.tag !== undefined || normalized.parsed.digest !== undefined;
}

function jinjaResolver(vars: AnsibleVars): ImageResolver {
  return (text) => {
    const value = evaluateJinja(text, vars);
    return [typeof value === 'string' && value !== text ? { value, note: 'with the Ansible variables' } : { value }];
  };
}

interface TaskSite {
  document: Document.Parsed;
  file: SourceFile;
  lines: LineIndex;
  occurrences: Occurrence[];
  /** Tasks that run a container, for the least-privilege rules. */
  containers: AnsibleContainerTask[];
  /** What was left unread. */
  errors: string[];
  /** The loop items left to read in the file. */
  loops: LoopBudget;
}

/** Modules whose container settings the least-privilege rules read. */
const CONFIGURED = new Set(['docker_container', 'podman_container']);

/** Whether a pull module's task pulls (docker_image only with `source: pull`; podman_image unless it builds). */
function pulls(site: TaskSite, module: string, args: unknown): boolean {
  const get = (key: string) => mergedGet(site.document, args, key);
  if (module === 'docker_image') return scalarString(get('source')) === 'pull';
  if (module === 'podman_image') return get('build') === undefined && get('path') === undefined && scalarString(get('state')) !== 'build';
  return true;
}

/** The variables a task sees: scalars, and lists (what a loop names). */
interface Scope {
  vars: AnsibleVars;
  lists: AnsibleLists;
}

/** The image at `node`: one occurrence, or one per loop item when the image uses the item. */
function imageOccurrences(site: TaskSite, node: unknown, context: string, scope: Scope, loop: TaskLoop | undefined, resolver: (vars: AnsibleVars) => ImageResolver): Occurrence[] {
  const text = scalarString(node);
  if (loop !== undefined && text !== undefined && usesItem(text, loop.name)) {
    return loopOccurrences({ task: { document: site.document, file: site.file.path, text: site.file.text, lines: site.lines }, node, context, loop, vars: scope.vars, resolver, budget: site.loops });
  }
  return occurrencesAtScalar({ file: site.file.path, kind: 'ansible', text: site.file.text, lines: site.lines, node, context, resolve: resolver(scope.vars) });
}

function moduleImages(site: TaskSite, module: string, args: unknown, context: string, scope: Scope, task: string, taskNode: unknown): void {
  const get = (key: string) => mergedGet(site.document, args, key);
  if (scalarString(get('state')) === 'absent') return;
  const loop = taskLoop({ document: site.document, file: site.file.path, text: site.file.text }, taskNode, scope.lists);
  if (RUNNERS.has(module)) {
    site.occurrences.push(...imageOccurrences(site, get('image'), `${context}.image`, scope, loop, jinjaResolver));
    const evaluate = (text: string) => {
      const value = evaluateJinja(text, scope.vars);
      return typeof value === 'string' ? value : undefined;
    };
    if (CONFIGURED.has(module) && get('image') !== undefined) site.containers.push({ args, image: get('image'), path: task, evaluate });
    return;
  }
  if (!pulls(site, module, args)) return;
  const tag = writtenScalarText(get('tag'), site.file.text);
  const withTag = (vars: AnsibleVars): ImageResolver => (text) =>
    jinjaResolver(vars)(text).map((image) => {
      if (typeof image.value !== 'string' || tag === undefined || namesVersion(image.value)) return image;
      const value = evaluateJinja(tag, vars);
      return typeof value === 'string' ? { value: `${image.value}:${value}`, note: `with its tag ${tag}` } : { value };
    });
  site.occurrences.push(...imageOccurrences(site, get('name'), `${context}.name`, scope, loop, withTag));
}

/** Every task under `node` that calls a container module, with the `vars` of its play, blocks and itself over the file's. */
function walk(site: TaskSite, node: unknown, path: string, scope: Scope, depth: number): void {
  if (depth > MAX_DEPTH) {
    // Ansible nests blocks to any depth: a container module past the bound is said to be unread, not passed over.
    if (namesModule(nodeText(site.file.text, node)) && !site.errors.some((error) => error.startsWith(TOO_DEEP))) site.errors.push(`${TOO_DEEP} (${path})`);
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, index) => walk(site, item, `${path}[${index}]`, scope, depth + 1));
    return;
  }
  if (!isMap(node)) return;
  // A play's, block's or task's own `vars` (a map) override what the file's tasks see.
  const ownVars = mergedGet(site.document, node, 'vars');
  const seen: Scope = isMap(ownVars)
    ? { vars: layered(scope.vars, varsOfMap(site.document, ownVars, site.file.text)), lists: layered(scope.lists, listsOfMap(site.document, ownVars, site.file.path, site.file.text)) }
    : scope;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const module = key === undefined ? undefined : moduleName(key);
    const childPath = path ? `${path}.${key ?? '?'}` : (key ?? '?');
    // For people, a task is its `name` (`task "CouchDB Container"`), else where it is.
    const task = () => {
      const name = scalarString(mergedGet(site.document, node, 'name'));
      return name === undefined ? childPath : `task ${JSON.stringify(name)}`;
    };
    if (module !== undefined && isMap(pair.value)) moduleImages(site, module, pair.value, childPath, seen, task(), node);
    else if (key !== 'vars') walk(site, pair.value, childPath, seen, depth + 1);
  }
}

const TOO_DEEP = `tasks nest deeper than ${MAX_DEPTH} levels: the container modules there were not read`;

/** The text of a parsed node as written, or '' when it has no range. */
function nodeText(text: string, node: unknown): string {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? text.slice(range[0], range[1]) : '';
}

/** Whether text names one of the container modules (matches' own test). */
function namesModule(text: string): boolean {
  if (!text.includes('docker_') && !text.includes('podman_')) return false;
  return text.includes('_container:') || text.includes('_image:') || text.includes('_image_pull:') || text.includes('docker_swarm_service:');
}

export const ansibleDiscoverer: Discoverer = {
  kind: 'ansible',
  // By content only: playbooks and task files have no fixed name. Plain searches first, as this is asked of every YAML file read.
  matches(path, text) {
    return isYamlPath(path) && namesModule(text);
  },
  candidate(path) {
    return isYamlPath(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseConfigDocuments(file);
    const layer = await fileVarsLayer(file.path, context);
    const site: TaskSite = { document: parsed.documents[0], file, lines: new LineIndex(file.text), occurrences: [], containers: [], errors: [], loops: loopBudget() };
    for (const document of parsed.documents) walk({ ...site, document }, document.contents, '', { vars: layer.scalars, lists: layer.lists }, 0);
    const occurrences = dedupeOccurrences(site.occurrences);
    const errors = [...parsed.errors, ...site.errors];
    if (site.loops.cut) errors.push(LOOPS_CUT);
    const extraction: Extraction = errors.length > 0 ? { occurrences, errors } : { occurrences };
    return withContainers(extraction, () => ansibleContainers(file, site.containers, site.lines));
  },
};
