/**
 * Ansible variables as far as a scan can know them, and the Jinja expressions of an image that use
 * them. A task file of a role (`roles/<role>/tasks/*.yml`) takes the role's `defaults/main.yml`, the
 * repository's `group_vars/all` and the role's `vars/main.yml`, in Ansible's order of precedence; a
 * playbook's tasks take `group_vars/all` beside the playbook and their play's `vars`. A variable
 * that is a list (what a task's `loop:` names) is kept with its items' nodes, so each item can be
 * read at its place. Inventories, `--extra-vars`, facts and registered results are only known when
 * the play runs.
 */
import { isMap, isSeq, type Document } from 'yaml';
import { dirName, listItems, mapPairs, mergedGet, parseConfigDocuments } from './image-site.js';
import type { Lookup } from './layered.js';
import { oncePerScan } from './per-scan.js';
import type { DiscoverContext } from './types.js';
import { scalarString, writtenScalarText } from './yaml.js';

/** Variable name -> value as written (a plain number keeps its text: `1.10` stays 1.10). */
/** Looked up only, through the layers of the file, play, blocks, task and loop item (layered.ts). */
export type AnsibleVars = Lookup<string>;

/** A variable that is a list: its items' nodes, with the document and file they are written in. */
export interface AnsibleList {
  items: unknown[];
  document: Document.Parsed;
  file: string;
  text: string;
}

export type AnsibleLists = Lookup<AnsibleList>;

/** What a vars file (or a play's `vars`) sets: scalars, and lists. */
export interface VarsLayer {
  scalars: Map<string, string>;
  lists: Map<string, AnsibleList>;
}

/** Nesting of variables whose values use other variables, and the longest text they may expand to. */
const MAX_DEPTH = 8;
const MAX_TEXT = 4096;
/**
 * Expressions evaluated for one text, through all its variables: nine variables each writing the next
 * eight times (`{{ v1 }}` x 8) and the last empty took 8^8 evaluations (3 s; 16 times, hours) without the text ever growing.
 */
const MAX_EXPRESSIONS = 1_000;
/** Files of a `group_vars/all/` directory read. */
const MAX_VAR_FILES = 64;
/** Dependencies of one role followed. */
const MAX_DEPENDENCIES = 16;

/** The scalar top-level variables of a parsed vars file (a map). */
export function varsOfMap(document: Document.Parsed, node: unknown, text: string, into = new Map<string, string>()): Map<string, string> {
  for (const [name, value] of mapPairs(document, node)) {
    const written = writtenScalarText(value, text);
    if (written !== undefined) into.set(name, written);
  }
  return into;
}

/** The lists a map of variables sets, with their items' nodes. */
export function listsOfMap(document: Document.Parsed, node: unknown, file: string, text: string, into = new Map<string, AnsibleList>()): Map<string, AnsibleList> {
  for (const [name, value] of mapPairs(document, node)) if (isSeq(value)) into.set(name, { items: listItems(document, value), document, file, text });
  return into;
}

async function varsFile(path: string, context: DiscoverContext): Promise<VarsLayer> {
  const text = await context.readFile(path);
  const layer: VarsLayer = { scalars: new Map(), lists: new Map() };
  if (text === undefined) return layer;
  try {
    for (const document of parseConfigDocuments({ path, text }).documents) {
      if (!isMap(document.contents)) continue;
      varsOfMap(document, document.contents, text, layer.scalars);
      listsOfMap(document, document.contents, path, text, layer.lists);
    }
  } catch {
    // A vars file that does not parse leaves its variables unknown: images using them stay unresolved.
  }
  return layer;
}

const files = new WeakMap<DiscoverContext, Map<string, Promise<VarsLayer>>>();

/** A vars file, read once per scan. */
function cachedVarsFile(path: string, context: DiscoverContext): Promise<VarsLayer> {
  return oncePerScan(files, context, path, () => varsFile(path, context));
}

/** `<dir>/main.yml` or `<dir>/main.yaml`. */
async function mainVars(directory: string, context: DiscoverContext): Promise<VarsLayer> {
  const yml = await cachedVarsFile(`${directory}/main.yml`, context);
  return yml.scalars.size > 0 || yml.lists.size > 0 ? yml : cachedVarsFile(`${directory}/main.yaml`, context);
}

/** Later layers over earlier ones. */
function mergeLayers(layers: readonly VarsLayer[]): VarsLayer {
  const merged: VarsLayer = { scalars: new Map(), lists: new Map() };
  for (const layer of layers) {
    for (const [name, value] of layer.scalars) {
      merged.scalars.set(name, value);
      merged.lists.delete(name);
    }
    for (const [name, value] of layer.lists) {
      merged.lists.set(name, value);
      merged.scalars.delete(name);
    }
  }
  return merged;
}

/** `group_vars/all.yml` (or `.yaml`) and the files of `group_vars/all/` under `directory`. */
async function groupVarsAll(directory: string, context: DiscoverContext): Promise<VarsLayer> {
  const base = directory ? `${directory}/group_vars` : 'group_vars';
  const layers = [await cachedVarsFile(`${base}/all.yml`, context), await cachedVarsFile(`${base}/all.yaml`, context)];
  const listed = ((await context.listFiles?.(`${base}/all`)) ?? []).filter((file) => file.endsWith('.yml') || file.endsWith('.yaml')).slice(0, MAX_VAR_FILES);
  for (const file of listed.sort()) layers.push(await cachedVarsFile(file, context));
  return mergeLayers(layers);
}

/**
 * The role directory of a task or handler file: the directory holding its `tasks/` or `handlers/`
 * (`roles/<role>`, or the repository itself for a repository that is one role, as Galaxy roles are).
 */
function roleDirectory(path: string): string | undefined {
  const segments = path.split('/');
  for (let index = segments.length - 2; index >= 0; index--) {
    if (segments[index] === 'tasks' || segments[index] === 'handlers') return segments.slice(0, index).join('/');
  }
  return undefined;
}

const under = (directory: string, path: string) => (directory ? `${directory}/${path}` : path);

/** The roles a role depends on (`dependencies:` of its `meta/main.yml`), as directories beside it. */
async function dependencyRoles(role: string, context: DiscoverContext): Promise<string[]> {
  const text = (await context.readFile(under(role, 'meta/main.yml'))) ?? (await context.readFile(under(role, 'meta/main.yaml')));
  if (text === undefined) return [];
  const names: string[] = [];
  try {
    for (const document of parseConfigDocuments({ path: under(role, 'meta/main.yml'), text }).documents) {
      for (const [key, value] of mapPairs(document, document.contents)) {
        if (key !== 'dependencies') continue;
        for (const item of listItems(document, value)) {
          const name = scalarString(item) ?? scalarString(mergedGet(document, item, 'role')) ?? scalarString(mergedGet(document, item, 'name'));
          // A role of this repository, beside this one; a collection's (`ns.collection.role`) or a path is not followed.
          if (name !== undefined && !name.includes('/') && !name.includes('.') && !name.includes('{')) names.push(under(dirName(role), name));
        }
      }
    }
  } catch {
    // A meta file that does not parse names no dependency this scan can follow.
  }
  return names.slice(0, MAX_DEPENDENCIES);
}

const dependenciesByScan = new WeakMap<DiscoverContext, Map<string, Promise<string[]>>>();

/** The roles whose variables a role's tasks see: its dependencies (theirs first, depth-first), then itself. */
async function rolesInScope(role: string, context: DiscoverContext, seen = new Set<string>(), depth = 0): Promise<string[]> {
  if (seen.has(role) || depth > 4) return [];
  seen.add(role);
  const roles: string[] = [];
  const dependencies = await oncePerScan(dependenciesByScan, context, role, () => dependencyRoles(role, context));
  for (const dependency of dependencies) roles.push(...(await rolesInScope(dependency, context, seen, depth + 1)));
  roles.push(role);
  return roles;
}

/**
 * The variables a file's tasks see before any play's own `vars`: role defaults (its dependencies'
 * first), group_vars/all, role vars (its dependencies' first), as Ansible orders them.
 */
export async function fileVarsLayer(path: string, context: DiscoverContext): Promise<VarsLayer> {
  const role = roleDirectory(path);
  // A role's tasks run from a playbook usually beside `roles/`, at the repository's root.
  const groupVarsHome = role === undefined ? dirName(path) : dirName(dirName(role));
  const roles = role === undefined ? [] : await rolesInScope(role, context);
  const layers: VarsLayer[] = [];
  for (const each of roles) layers.push(await mainVars(under(each, 'defaults'), context));
  layers.push(await groupVarsAll(groupVarsHome, context));
  for (const each of roles) layers.push(await mainVars(under(each, 'vars'), context));
  return mergeLayers(layers);
}

/**
 * `name`, or `name | default('text')` (also double-quoted), the expressions an image is usually
 * written with; `name` may name a field of a loop item (`item.image`, `item['image']`).
 */
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([A-Za-z0-9_-]+)'\s*\]|\[\s*"([A-Za-z0-9_-]+)"\s*\])?(?:\s*\|\s*(?:default|d)\(\s*(?:'([^']*)'|"([^"]*)")\s*\))?$/;

/** The text with each `{{ }}` expression evaluated, or why one cannot be. */
export function evaluateJinja(text: string, vars: AnsibleVars, depth = 0, budget = { expressions: MAX_EXPRESSIONS }): string | { unresolved: string } {
  let out = '';
  let at = 0;
  for (let open = text.indexOf('{{', at); open >= 0; open = text.indexOf('{{', at)) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    if (--budget.expressions < 0) return { unresolved: `the Ansible variables take more than ${MAX_EXPRESSIONS} expressions to evaluate` };
    const expression = text.slice(open + 2, close).trim();
    const value = evaluateExpression(expression, vars, depth, budget);
    if (typeof value !== 'string') return value;
    out += text.slice(at, open) + value;
    if (out.length > MAX_TEXT) return { unresolved: `the Ansible variables of ${text} expand past ${MAX_TEXT} characters` };
    at = close + 2;
  }
  if (text.includes('{%', at)) return { unresolved: `a Jinja statement in ${text} is only evaluated when the play runs` };
  return out + text.slice(at);
}

function evaluateExpression(expression: string, vars: AnsibleVars, depth: number, budget: { expressions: number }): string | { unresolved: string } {
  const match = EXPRESSION.exec(expression);
  if (!match) return { unresolved: `the Ansible expression {{ ${expression} }} is only known when the play runs` };
  const [, head, dotted, singleKey, doubleKey, single, double] = match;
  const field = dotted ?? singleKey ?? doubleKey;
  const name = field === undefined ? head : `${head}.${field}`;
  const value = vars.get(name);
  if (value === undefined) {
    const fallback = single ?? double;
    if (fallback !== undefined) return fallback;
    return { unresolved: `the Ansible variable ${name} is not set in the role's defaults or vars, group_vars/all or the play's vars (the inventory or the command line may set it)` };
  }
  if (!value.includes('{{')) return value;
  if (depth >= MAX_DEPTH) return { unresolved: `the Ansible variable ${name} refers to variables nested past ${MAX_DEPTH} levels` };
  return evaluateJinja(value, vars, depth + 1, budget);
}
