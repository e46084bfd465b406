/**
 * Ansible variables as far as a scan can know them, and the Jinja expressions of an image that use
 * them. A task file of a role (`roles/<role>/tasks/*.yml`) takes the role's `defaults/main.yml`, the
 * repository's `group_vars/all` and the role's `vars/main.yml`, in Ansible's order of precedence; a
 * playbook's tasks take `group_vars/all` beside the playbook and their play's `vars`. Inventories,
 * `--extra-vars`, facts and registered results are only known when the play runs.
 */
import { isMap, type Document } from 'yaml';
import { dirName, mapPairs, parseConfigDocuments } from './image-site.js';
import { oncePerScan } from './per-scan.js';
import type { DiscoverContext } from './types.js';
import { writtenScalarText } from './yaml.js';

/** Variable name -> value as written (a plain number keeps its text: `1.10` stays 1.10). */
export type AnsibleVars = ReadonlyMap<string, string>;

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

/** The scalar top-level variables of a parsed vars file (a map). */
export function varsOfMap(document: Document.Parsed, node: unknown, text: string, into = new Map<string, string>()): Map<string, string> {
  for (const [name, value] of mapPairs(document, node)) {
    const written = writtenScalarText(value, text);
    if (written !== undefined) into.set(name, written);
  }
  return into;
}

async function varsFile(path: string, context: DiscoverContext): Promise<Map<string, string>> {
  const text = await context.readFile(path);
  const vars = new Map<string, string>();
  if (text === undefined) return vars;
  try {
    for (const document of parseConfigDocuments({ path, text }).documents) {
      if (isMap(document.contents)) varsOfMap(document, document.contents, text, vars);
    }
  } catch {
    // A vars file that does not parse leaves its variables unknown: images using them stay unresolved.
  }
  return vars;
}

const files = new WeakMap<DiscoverContext, Map<string, Promise<Map<string, string>>>>();

/** A vars file, read once per scan. */
function cachedVarsFile(path: string, context: DiscoverContext): Promise<Map<string, string>> {
  return oncePerScan(files, context, path, () => varsFile(path, context));
}

/** `<dir>/main.yml` or `<dir>/main.yaml`. */
async function mainVars(directory: string, context: DiscoverContext): Promise<Map<string, string>> {
  const yml = await cachedVarsFile(`${directory}/main.yml`, context);
  return yml.size > 0 ? yml : cachedVarsFile(`${directory}/main.yaml`, context);
}

/** `group_vars/all.yml` (or `.yaml`) and the files of `group_vars/all/` under `directory`. */
async function groupVarsAll(directory: string, context: DiscoverContext): Promise<Map<string, string>> {
  const base = directory ? `${directory}/group_vars` : 'group_vars';
  const merged = new Map<string, string>();
  for (const file of [`${base}/all.yml`, `${base}/all.yaml`]) for (const [name, value] of await cachedVarsFile(file, context)) merged.set(name, value);
  const listed = ((await context.listFiles?.(`${base}/all`)) ?? []).filter((file) => file.endsWith('.yml') || file.endsWith('.yaml')).slice(0, MAX_VAR_FILES);
  for (const file of listed.sort()) for (const [name, value] of await cachedVarsFile(file, context)) merged.set(name, value);
  return merged;
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

/** The variables a file's tasks see before any play's own `vars` (role defaults, group_vars/all, role vars). */
export async function fileVars(path: string, context: DiscoverContext): Promise<Map<string, string>> {
  const role = roleDirectory(path);
  // A role's tasks run from a playbook usually beside `roles/`, at the repository's root.
  const groupVarsHome = role === undefined ? dirName(path) : dirName(dirName(role));
  const layers = [role === undefined ? new Map<string, string>() : await mainVars(under(role, 'defaults'), context), await groupVarsAll(groupVarsHome, context)];
  if (role !== undefined) layers.push(await mainVars(under(role, 'vars'), context));
  const merged = new Map<string, string>();
  for (const layer of layers) for (const [name, value] of layer) merged.set(name, value);
  return merged;
}

/** `name`, or `name | default('text')` (also double-quoted), the expressions an image is usually written with. */
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s*\|\s*(?:default|d)\(\s*(?:'([^']*)'|"([^"]*)")\s*\))?$/;

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
  const [, name, single, double] = match;
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
