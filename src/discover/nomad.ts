/**
 * HashiCorp Nomad job files: `*.nomad`, `*.nomad.hcl`, Nomad Pack's `*.nomad.tpl`, and an `.hcl` or
 * `.job` file with a top-level `job` block. The image of every task (and Consul Connect `sidecar_task`)
 * whose driver runs images (`docker`, `podman`, `containerd-driver`): its `config { image = … }`.
 * `${var.name}` and `var.name` take the default of the file's `variable` block, `${local.name}` its
 * `locals`; Nomad's own interpolations (`${NOMAD_…}`, `${node.…}`, `${attr.…}`) are known only when
 * a task is placed. Nomad Pack's `[[ var "name" . ]]` takes the default of its pack's `variables.hcl`;
 * any other `[[ … ]]` (Levant's, a pack's functions) is known only when the template is rendered.
 */
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { nomadContainers, withContainers, type NomadTask } from './containers/index.js';
import { readHcl, unescape, type HclBlock, type HclToken } from './hcl.js';
import { fillInterpolations, MAX_VALUE_LENGTH } from './hcl-template.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';

/** Task drivers whose `config.image` is a container image. */
const IMAGE_DRIVERS = new Set(['docker', 'podman', 'containerd-driver']);
/** The `[[ … ]]` actions of one line, as `[start, end)`. */
function actionsOf(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let index = 0;
  for (;;) {
    const open = line.indexOf('[[', index);
    const close = open < 0 ? -1 : line.indexOf(']]', open + 2);
    if (close < 0) return spans;
    spans.push([open, close + 2]);
    index = close + 2;
  }
}

/** One line with its actions masked: blanks when the line holds nothing else (`[[ if .x ]][[ range ]]`), else word characters. */
function maskLine(line: string): string {
  const spans = actionsOf(line);
  if (spans.length === 0) return line;
  let rest = '';
  let index = 0;
  for (const [start, end] of spans) {
    rest += line.slice(index, start);
    index = end;
  }
  const fill = (rest + line.slice(index)).trim() === '' ? ' ' : '_';
  let masked = '';
  index = 0;
  for (const [start, end] of spans) {
    masked += line.slice(index, start) + fill.repeat(end - start);
    index = end;
  }
  return masked + line.slice(index);
}

/**
 * Nomad Pack's and Levant's `[[ … ]]` actions masked so the HCL around them reads, offsets kept: a
 * line of actions alone (`[[- if .x ]]`) becomes blanks, any other action word characters (a label
 * `job [[ .name ]] {`, part of a string, a value), which the raw text at the same offsets names.
 */
function maskTemplateActions(text: string): string {
  if (!text.includes('[[')) return text;
  return text.split('\n').map(maskLine).join('\n');
}

type Values = Map<string, string>;

/** The string defaults of `variable` blocks (as `var.<name>`) and the string values of `locals` (as `local.<name>`). */
function knownValues(root: HclBlock): Values {
  const values: Values = new Map();
  for (const block of root.blocks) {
    const [single] = block.type === 'variable' ? (block.attributes.get('default') ?? []) : [];
    if (block.type === 'variable' && block.labels[0] && single?.kind === 'string') values.set(`var.${block.labels[0]}`, unescape(single.text));
    if (block.type !== 'locals') continue;
    for (const [name, expression] of block.attributes) if (expression.length === 1 && expression[0].kind === 'string') values.set(`local.${name}`, unescape(expression[0].text));
  }
  return values;
}

/**
 * The value of an image written as a template string: `${var.x}`/`${local.x}` filled in, anything
 * else unresolved. Past the length bound it is kept as far as filled: longer than any reference, so
 * invalid, as the whole would be.
 */
function templateValue(value: string, values: Values): string | { unresolved: string } {
  const fill = (inner: string): string | { unresolved: string } => {
    const name = inner.trim();
    return values.get(name) ?? { unresolved: `\${${name.slice(0, 120)}} is interpolated by Nomad when it places the task, or set outside this file` };
  };
  return fillInterpolations(value, fill, { evaluatedBy: 'Nomad', tooLong: (text) => text });
}

/**
 * A Nomad Pack action that reads a variable (`[[ var "version_tag" . ]]`, `[[ var "image" . | quote ]]`,
 * the older `[[ .pack.version_tag ]]`): the variable's name, or undefined for any other action.
 */
function packVariable(action: string): string | undefined {
  let body = action.slice(2, -2).trim();
  if (body.startsWith('-')) body = body.slice(1).trim();
  if (body.endsWith('-')) body = body.slice(0, -1).trim();
  if (body.endsWith('| quote')) body = body.slice(0, -'| quote'.length).trim();
  if (body.startsWith('var "') && body.endsWith('" .')) return body.slice(5, -3);
  if (body.startsWith('.') && !body.includes(' ')) return body.slice(body.lastIndexOf('.') + 1);
  return undefined;
}

/** An image written with pack actions, each a variable the pack's `variables.hcl` gives a string default; undefined otherwise. */
function packValue(raw: string, defaults: ReadonlyMap<string, string>): string | undefined {
  let output = '';
  let index = 0;
  for (;;) {
    const open = raw.indexOf('[[', index);
    if (open < 0) return output + raw.slice(index);
    const close = raw.indexOf(']]', open + 2);
    if (close < 0) return undefined;
    const name = packVariable(raw.slice(open, close + 2));
    const value = name === undefined ? undefined : defaults.get(`var.${name}`);
    if (value === undefined) return undefined;
    output += raw.slice(index, open) + value;
    // Longer than any reference, as the whole would be: kept so far (see templateValue).
    if (output.length > MAX_VALUE_LENGTH) return output;
    index = close + 2;
  }
}

interface ImageSite {
  expression: HclToken[];
  context: string;
}

/**
 * Whether a task's driver runs container images: one of IMAGE_DRIVERS, or one a template or an
 * expression chooses (`driver = [[ var "driver" . ]]`), whose `config.image` is then such an image;
 * a sidecar task's is docker unless it says otherwise.
 */
function runsImages(task: HclBlock): boolean {
  const driver = task.attributes.get('driver');
  if (driver === undefined) return task.type === 'sidecar_task';
  return driver.length !== 1 || driver[0].kind !== 'string' || IMAGE_DRIVERS.has(driver[0].text);
}

/** The tasks with an image driver (and sidecar tasks, docker by default) that name an image, with their block paths. */
function imageTasks(block: HclBlock, path: string, found: NomadTask[]): void {
  for (const child of block.blocks) {
    const childPath = [path, child.type, ...child.labels].filter(Boolean).join('.');
    const config = child.blocks.find((inner) => inner.type === 'config');
    const image = config?.attributes.get('image');
    if (config && image && runsImages(child)) found.push({ task: child, config, image, path: childPath });
    imageTasks(child, childPath, found);
  }
}

/** An image written with Nomad Pack actions: filled in from the pack's variable defaults, or the placeholder it is. */
function packOccurrence(common: { file: string; kind: 'nomad'; lines: LineIndex; context: string }, offset: number, raw: string, pack: Values): Occurrence {
  const value = packValue(raw, pack);
  if (value === undefined) return makeOccurrence({ ...common, offset, raw, value: raw });
  return makeOccurrence({ ...common, offset, raw, value, note: "with the defaults of the pack's variables.hcl" });
}

function siteOccurrence(file: SourceFile, lines: LineIndex, site: ImageSite, values: Values, pack: Values): Occurrence | undefined {
  const [token] = site.expression;
  if (!token || token.kind === 'heredoc' || token.kind === 'punct') return undefined;
  const common = { file: file.path, kind: 'nomad' as const, lines, context: site.context };
  if (site.expression.length === 1 && token.kind === 'string') {
    const raw = file.text.slice(token.start + 1, token.end - 1);
    if (raw.trim() === '') return undefined;
    if (raw.includes('[[')) return packOccurrence(common, token.start + 1, raw, pack);
    return makeOccurrence({ ...common, offset: token.start + 1, raw, value: templateValue(unescape(token.text), values) });
  }
  const raw = file.text.slice(token.start, site.expression[site.expression.length - 1].end);
  // `image = [[ var "image" . | quote ]]`: a template action the pack fills in.
  if (raw.includes('[[')) return packOccurrence(common, token.start, raw, pack);
  const known = site.expression.length === 1 ? values.get(token.text) : undefined;
  return makeOccurrence({ ...common, offset: token.start, raw, value: known ?? { unresolved: `the expression ${raw.slice(0, 120)} is evaluated by Nomad` } });
}

function jobOccurrences(file: SourceFile, pack: Values = new Map()): Extraction {
  const { root, unterminated, unread } = readHcl(maskTemplateActions(file.text), file.text);
  const lines = new LineIndex(file.text);
  const values = knownValues(root);
  const tasks: NomadTask[] = [];
  imageTasks(root, '', tasks);
  const occurrences = tasks.flatMap((task) => siteOccurrence(file, lines, { expression: task.image, context: `${task.path}.config.image` }, values, pack) ?? []);
  const errors = unread.map(({ offset, reason }) => `line ${lines.positionAt(offset).line}: ${reason}`);
  if (unterminated !== undefined) errors.push(`line ${lines.positionAt(unterminated).line}: a string, heredoc or comment that never ends: the rest of the file was not read`);
  return withContainers({ occurrences, errors }, () => nomadContainers(file, tasks, lines));
}

/** The string defaults of a pack's `variables.hcl`, for a template under its `templates/` folder (as `var.<name>`). */
async function packDefaults(path: string, context: DiscoverContext): Promise<Values> {
  const folder = path.lastIndexOf('/templates/');
  if (!path.endsWith('.nomad.tpl') || (folder < 0 && !path.startsWith('templates/'))) return new Map();
  const variables = await context.readFile(folder < 0 ? 'variables.hcl' : `${path.slice(0, folder)}/variables.hcl`);
  if (variables === undefined) return new Map();
  return knownValues(readHcl(variables).root);
}

/** A line of the file that starts with a `job` block (`job "name" {`). */
function hasJobBlock(text: string): boolean {
  for (let start = 0; start < text.length; start++) {
    if (text.startsWith('job ', start) || text.startsWith('job\t', start)) return true;
    const newline = text.indexOf('\n', start);
    if (newline < 0) return false;
    start = newline;
  }
  return false;
}

export const nomadDiscoverer: Discoverer = {
  kind: 'nomad',
  matches(path, text) {
    if (path.endsWith('.nomad') || path.endsWith('.nomad.hcl') || path.endsWith('.nomad.tpl')) return true;
    return (path.endsWith('.hcl') || path.endsWith('.job')) && text !== '' && hasJobBlock(text);
  },
  candidate(path) {
    return path.endsWith('.nomad') || path.endsWith('.hcl') || path.endsWith('.job') || path.endsWith('.nomad.tpl');
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    return jobOccurrences(file, await packDefaults(file.path, context));
  },
};
