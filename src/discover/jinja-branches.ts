/**
 * The `{% if %}` branches of an Ansible role's Jinja template of a manifest that its role's defaults
 * leave out, as Helm's renderer leaves out a branch its default values switch off: a container
 * setting written only there (awx-operator's `privileged: true` under `{% if task_privileged == true %}`,
 * `task_privileged: false` in its defaults) is not what the template renders unless a user turns
 * it on, so the least-privilege rules do not judge it. Only conditions read for certain are taken:
 * a variable, compared with a literal or negated; anything else keeps the branch.
 */
import type { ContainerConfig, Position } from '../model.js';
import { fileVarsLayer } from './ansible-vars.js';
import type { LineIndex } from './position.js';
import { statementParts, templateTags } from './template-mask.js';
import type { DiscoverContext } from './types.js';

/** Statements read per template; past it the remaining branches are kept. */
const MAX_STATEMENTS = 10_000;
/** Nesting followed. */
const MAX_NESTING = 64;

/** The text between an `{% if %}` and its `elif`, `else` or `endif`, with the `if`'s condition. */
interface IfBranch {
  start: number;
  end: number;
  condition: string;
}

/** Each `{% if %}` branch of a Jinja template, by offsets in its text. */
export function jinjaIfBranches(text: string): IfBranch[] {
  const branches: IfBranch[] = [];
  // One entry per open `if` (its branch, until an elif/else closes it) or other block (`for`, ...).
  const open: Array<{ keyword: string; branch?: { start: number; condition: string } }> = [];
  let statements = 0;
  for (const tag of templateTags(text, 'jinja')) {
    if (tag.kind !== 'statement') continue;
    if (++statements > MAX_STATEMENTS) break;
    const { keyword, rest } = statementParts(text, tag);
    const top = open[open.length - 1];
    const closeBranch = (): void => {
      if (top?.branch) branches.push({ start: top.branch.start, end: tag.start, condition: top.branch.condition });
      if (top) top.branch = undefined;
    };
    if (keyword === 'if' && open.length < MAX_NESTING) open.push({ keyword, branch: { start: tag.end, condition: rest } });
    else if ((keyword === 'elif' || keyword === 'else') && top?.keyword === 'if') closeBranch();
    else if (keyword === 'endif' && top?.keyword === 'if') {
      closeBranch();
      open.pop();
    } else if (keyword === 'for' || keyword === 'macro' || keyword === 'block' || keyword === 'call' || keyword === 'filter') open.push({ keyword });
    else if (keyword.startsWith('end') && top !== undefined && top.keyword !== 'if' && keyword === `end${top.keyword}`) open.pop();
  }
  return branches;
}

/** Conditions longer than this are not read (and their branch kept): the patterns below stay cheap. */
const MAX_CONDITION = 200;

/** The text inside matching quotes, or undefined when it is not quoted. */
function unquoted(text: string): string | undefined {
  const quote = text[0];
  return text.length >= 2 && (quote === "'" || quote === '"') && text[text.length - 1] === quote ? text.slice(1, -1) : undefined;
}

/** A YAML scalar as Ansible reads a variable: a boolean, else its text unquoted; undefined for an expression. */
function variableValue(written: string): boolean | string | undefined {
  const text = written.trim();
  if (text.includes('{{') || text.includes('{%')) return undefined;
  const lower = text.toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  return unquoted(text) ?? text;
}

/** A literal of a condition: a boolean, a quoted string or a number as written; undefined otherwise. */
function literalValue(text: string): boolean | string | undefined {
  if (text === 'true' || text === 'True') return true;
  if (text === 'false' || text === 'False') return false;
  const quoted = unquoted(text);
  if (quoted !== undefined) return quoted;
  return /^-?\d+(\.\d+)?$/.test(text) ? text : undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name | bool` as `name`: the filter changes nothing the reading of a boolean does not. */
function withoutBoolFilter(text: string): string {
  const bar = text.lastIndexOf('|');
  return bar >= 0 && text.slice(bar + 1).trim() === 'bool' ? text.slice(0, bar).trim() : text;
}

/** Whether a condition holds with these variables: undefined unless it is read for certain. */
export function conditionHolds(condition: string, vars: ReadonlyMap<string, string>): boolean | undefined {
  let text = condition.trim();
  if (text.length > MAX_CONDITION) return undefined;
  let negated = false;
  if (text.startsWith('not ')) {
    negated = true;
    text = text.slice(4).trim();
  }
  const comparison = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s*\|\s*bool)?\s*(==|!=)\s*(\S+)$/.exec(text);
  const name = comparison ? comparison[1] : withoutBoolFilter(text);
  if (!NAME.test(name)) return undefined;
  const written = vars.get(name);
  if (written === undefined) return undefined;
  const value = variableValue(written);
  if (value === undefined) return undefined;
  let holds: boolean;
  if (comparison) {
    const literal = literalValue(comparison[3]);
    if (literal === undefined) return undefined;
    holds = (value === literal) === (comparison[2] === '==');
  } else {
    if (typeof value !== 'boolean') return undefined;
    holds = value;
  }
  return negated ? !holds : holds;
}

/** The role a file of `roles/<role>/templates/` belongs to, as the path of one of its task files (whose variables it sees). */
function roleTaskPath(template: string): string | undefined {
  const segments = template.split('/');
  const at = segments.lastIndexOf('templates');
  return at > 0 && segments[at - 1] !== 'roles' ? [...segments.slice(0, at), 'tasks', 'main.yml'].join('/') : undefined;
}

/** The settings a container config holds, each a Position, by field, to filter. */
function withoutSettings(container: ContainerConfig, off: (setting: Position) => boolean): ContainerConfig {
  const kept = { ...container };
  for (const key of ['user', 'runAsNonRoot', 'runAsUser', 'privileged', 'allowPrivilegeEscalation', 'cpuLimit', 'memoryLimit', 'readOnlyRootFilesystem'] as const) {
    const setting = kept[key];
    if (setting !== undefined && off(setting)) delete kept[key];
  }
  kept.addedCapabilities = container.addedCapabilities.filter((setting) => !off(setting));
  kept.hostNamespaces = container.hostNamespaces.filter((setting) => !off(setting));
  kept.hostPaths = container.hostPaths.filter((setting) => !off(setting));
  return kept;
}

/**
 * The container settings of a role's Jinja template without those written only in a branch its
 * role's defaults (and the role's vars) switch off.
 */
export async function settingsRendered(path: string, text: string, lines: LineIndex, containers: ContainerConfig[], context: DiscoverContext): Promise<ContainerConfig[]> {
  if (containers.length === 0 || !text.includes('{%')) return containers;
  const task = roleTaskPath(path);
  if (task === undefined) return containers;
  const vars = (await fileVarsLayer(task, context)).scalars;
  const off = jinjaIfBranches(text).filter((branch) => conditionHolds(branch.condition, vars) === false);
  if (off.length === 0) return containers;
  const isOff = (setting: Position): boolean => {
    const offset = lines.offsetAt(setting);
    return off.some((branch) => offset >= branch.start && offset < branch.end);
  };
  return containers.map((container) => withoutSettings(container, isOff));
}
