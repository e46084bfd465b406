/**
 * The Helm values a `helm_release` gives its chart in `values = [...]`, read by the rules of a
 * values file (an `image:` string, an `{ repository, tag, registry }` block): an object in
 * `yamlencode()`/`jsonencode()`, YAML in a heredoc (its `${ }` filled from the module's values), or
 * a YAML file of this repository that `file()` reads as it is or `templatefile()` fills in from its
 * arguments. What Terraform computes (a variable without default, a conditional) is an unresolved
 * image or a note, never an image read wrong.
 */
import type { Occurrence } from '../model.js';
import { heredocBody, hclTokens, readExpression, unescape, type HclBlock, type HclToken, type HclValue } from './hcl.js';
import { IMAGE_STRING_KEY, imagesInValuesTree, NOT_AN_IMAGE, type ValueImage } from './helm-values.js';
import { dirName } from './image-site.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { fillInterpolations } from './hcl-template.js';
import { evaluateString, followReferences, traversalNames, tokensOf, type Located, type ModuleValues } from './terraform-values.js';
import type { DiscoverContext } from './types.js';
import { parseYamlDocuments } from './yaml.js';

/** An image written in HCL: the value, and for a `repository` the `tag` and `registry` beside it. */
interface HclImageSite {
  located: Located;
  context: string;
  chart?: { tag?: Located; registry?: Located };
  note?: string;
}

export interface ReleaseValues {
  sites: HclImageSite[];
  occurrences: Occurrence[];
  notes: string[];
}

/** A file that reads a file: where it looks for it, and its text once found. */
export type ReadValuesFile = (argument: HclValue, from: string) => Promise<{ path: string; text: string } | undefined>;

const MAX_DEPTH = 32;
const MAX_NODES = 20_000;
const EMPTY_TAG = 'tag is empty; the chart, which is not read here, chooses the default';

const isStringLiteral = (value: HclValue | undefined): value is Extract<HclValue, { kind: 'literal' }> => value?.kind === 'literal' && value.token.kind === 'string';

/** The images of an object written in HCL (`yamlencode({ image = { repository = …, tag = … } })`). */
function objectSites(located: Located, values: ModuleValues, path: string, key: string, found: ReleaseValues, budget: { nodes: number }, depth = 0): void {
  if (depth > MAX_DEPTH || --budget.nodes < 0) return;
  const followed = followReferences(located, values);
  if ('unresolved' in followed) return;
  const { value } = followed;
  const at = (inner: HclValue): Located => ({ ...followed, value: inner });
  if (value.kind === 'tuple') value.items.forEach((item, index) => objectSites(at(item), values, `${path}[${index}]`, key, found, budget, depth + 1));
  // `merge(defaults, overrides)`: each object's images, as each is written.
  else if (value.kind === 'call' && value.name === 'merge') value.args.forEach((arg) => objectSites(at(arg), values, path, key, found, budget, depth + 1));
  if (value.kind !== 'object') return;
  const entry = (name: string): Located | undefined => {
    const inner = value.entries.find((candidate) => candidate.key === name)?.value;
    return inner === undefined ? undefined : at(inner);
  };
  const repository = entry('repository');
  const tag = entry('tag');
  const registry = entry('registry');
  // `image = { repository, tag }`, or a block beside a tag or registry under any key.
  if (repository && repository.value.kind !== 'object' && (/image/i.test(key) || tag || registry)) {
    found.sites.push({ located: repository, context: `${path}.repository`, chart: { tag, registry } });
    return;
  }
  for (const { key: name, value: inner } of value.entries) {
    const innerPath = path === '' ? name : `${path}.${name}`;
    if (IMAGE_STRING_KEY.test(name) && inner.kind !== 'object' && inner.kind !== 'tuple') {
      if (isStringLiteral(inner) && NOT_AN_IMAGE.test(unescape(inner.token.text).trim())) continue;
      // `true`, `null`, a number: a setting, not an image; a reference (`var.image`) has two names or more.
      if (inner.kind === 'literal' && inner.token.kind === 'word' && (traversalNames([inner.token])?.length ?? 0) < 2) continue;
      found.sites.push({ located: at(inner), context: innerPath });
    } else objectSites(at(inner), values, innerPath, name, found, budget, depth + 1);
  }
}

/** The values a `templatefile()` gives its template, each evaluated with the module's values, or why it is not known. */
function templateArguments(argument: HclValue | undefined, located: Located, values: ModuleValues): Map<string, string | { unresolved: string }> {
  const given = new Map<string, string | { unresolved: string }>();
  const followed = argument === undefined ? undefined : followReferences({ ...located, value: argument }, values);
  if (followed === undefined || 'unresolved' in followed || followed.value.kind !== 'object') return given;
  for (const entry of followed.value.entries) {
    const evaluated = evaluateString({ ...followed, value: entry.value }, values);
    given.set(entry.key, typeof evaluated === 'string' ? evaluated : { unresolved: `templatefile() gives ${entry.key}: ${evaluated.unresolved}` });
  }
  return given;
}

/** How the `${ }` of a YAML text are filled: a heredoc's from the module, a template file's from its arguments, a plain file's not at all. */
type Filler = ((inner: string) => string | { unresolved: string }) | undefined;

function moduleFiller(values: ModuleValues): Filler {
  return (inner) => {
    const token: HclToken = { kind: 'string', text: `\${${inner}}`, start: 0, end: inner.length + 5 };
    return evaluateString({ value: { kind: 'literal', token, start: 0, end: token.end }, file: '', text: '' }, values);
  };
}

function argumentsFiller(given: ReadonlyMap<string, string | { unresolved: string }>): Filler {
  return (inner) => given.get(inner) ?? { unresolved: `\${${inner.slice(0, 120)}} is not a variable templatefile() gives the template` };
}

/** A directive's keyword (`if`, `for`, `endif`, …) from a line that is only `%{ … }`. */
function directiveWord(trimmed: string): string {
  let at = 2;
  while (trimmed[at] === ' ' || trimmed[at] === '~') at++;
  let end = at;
  while (end < trimmed.length && trimmed[end] >= 'a' && trimmed[end] <= 'z') end++;
  return trimmed.slice(at, end);
}

/**
 * The text with each line that is only an interpolation or a directive (`${indent(4, yamlencode(labels))}`,
 * `%{ if x }`) blanked at the same offsets: YAML Terraform inserts, which cannot be read before it
 * does. `guarded` holds the `[start, end)` of the text between a `%{ if }` or `%{ for }` and its end.
 */
function blankTemplateLines(text: string): { text: string; blanked: number; guarded: Array<[number, number]> } {
  let blanked = 0;
  const guarded: Array<[number, number]> = [];
  const open: number[] = [];
  let offset = 0;
  const lines = text.split('\n').map((line) => {
    const start = offset;
    offset += line.length + 1;
    const trimmed = line.trim();
    if (!(trimmed.startsWith('${') || trimmed.startsWith('%{')) || !trimmed.endsWith('}')) return line;
    blanked++;
    const word = trimmed.startsWith('%{') ? directiveWord(trimmed) : '';
    if (word === 'if' || word === 'for') open.push(start);
    else if ((word === 'endif' || word === 'endfor') && open.length > 0) guarded.push([open.pop() ?? 0, start]);
    return ' '.repeat(line.length);
  });
  for (const start of open) guarded.push([start, text.length]);
  return { text: lines.join('\n'), blanked, guarded };
}

/** What stands for an interpolation YAML cannot hold as written (`${a == "x" ? "b" : "c"}`): Terraform computes it. */
const MASK = '\u00a7';
/** Characters that end or nest a YAML plain scalar, so an interpolation holding one is masked before parsing. */
const YAML_SIGNIFICANT = '"\':#{}[],';

/** The text with the body of each `${ }` that holds a character YAML reads masked at the same offsets. */
function maskInterpolations(text: string): string {
  let output = '';
  let index = 0;
  for (let open = text.indexOf('${', index); open >= 0; open = text.indexOf('${', index)) {
    let depth = 0;
    let close = open + 2;
    for (; close < text.length && text[close] !== '\n'; close++) {
      if (text[close] === '{') depth++;
      else if (text[close] === '}' && depth-- === 0) break;
    }
    if (close >= text.length || text[close] !== '}') break;
    const body = text.slice(open + 2, close);
    const significant = [...YAML_SIGNIFICANT].some((ch) => body.includes(ch));
    output += text.slice(index, open + 2) + (significant ? MASK.repeat(body.length) : body) + '}';
    index = close + 1;
  }
  return output + text.slice(index);
}

/** The images of Helm values written as YAML in `text` (from `base` to `end`), at their places in `file`; `tfLine` the line of the .tf file that gives them. */
function yamlSites(file: string, text: string, base: number, end: number, context: string, fill: Filler, tfLine: number, found: ReleaseValues, branchNote?: string): void {
  const lines = new LineIndex(text);
  const written = text.slice(base, end);
  const blankedLines = fill === undefined ? { text: written, blanked: 0, guarded: [] } : blankTemplateLines(written);
  const { blanked, guarded } = blankedLines;
  const readable = fill === undefined ? written : maskInterpolations(blankedLines.text);
  const where = `line ${tfLine}: ${context}`;
  const { documents, errors } = parseYamlDocuments(readable);
  if (errors.length > 0) {
    found.notes.push(`${where}: the values (${file}) are not YAML before Terraform fills them in, so their images were not read: ${errors[0]}`);
    return;
  }
  if (blanked > 0) found.notes.push(`${where}: ${blanked} line(s) of the values (${file}) are YAML Terraform inserts (a \${ } or %{ } alone on its line), which was not read`);
  const reading = { note: `Helm values ${context.slice(0, context.indexOf('.values'))} gives its chart`, emptyTag: EMPTY_TAG };
  const sink = (image: ValueImage): void => {
    let value = image.value;
    if (typeof value === 'string' && value.includes(MASK)) value = { unresolved: 'part of the image is an expression Terraform computes' };
    else if (typeof value === 'string' && fill !== undefined && value.includes('${')) value = fillInterpolations(value, (inner) => fill(inner.trim()), {
      evaluatedBy: 'Terraform',
      escapes: true,
      // Longer than any reference: kept as far as it was filled, so it is reported invalid, as the whole would be.
      tooLong: (text) => text,
    });
    const inDirective = guarded.some(([from, to]) => image.offset >= from && image.offset < to);
    const note = withNote(withNote(image.note, inDirective ? 'written inside a %{ if } or %{ for } of the template: Terraform renders it only as that directive decides' : undefined), branchNote);
    // The raw text as written: a masked interpolation has the same length.
    const raw = written.slice(image.offset, image.offset + image.raw.length);
    found.occurrences.push(makeOccurrence({ file, kind: 'terraform', lines, offset: base + image.offset, raw, value, context: `${context}.${image.context}`, note }));
  };
  for (const document of documents) imagesInValuesTree(document.contents, readable, '', '', sink, reading);
}

/** Whether a file is a chart's own values (a `Chart.yaml` beside it): the Helm reader reports those. */
async function isChartValues(path: string, context: DiscoverContext): Promise<boolean> {
  const dir = dirName(path);
  return (await context.readFile(dir === '' ? 'Chart.yaml' : `${dir}/Chart.yaml`)) !== undefined;
}

/** The expression of a string that is only one interpolation (`"${file("values.yaml")}"`), with its real offsets. */
function unwrapped(located: Located): Located {
  const { value, text } = located;
  if (!isStringLiteral(value)) return located;
  const inner = value.token.text.trim();
  if (!inner.startsWith('${') || !inner.endsWith('}') || inner.indexOf('${', 2) >= 0) return located;
  const base = value.token.start + 1 + value.token.text.indexOf('${') + 2;
  const { tokens } = hclTokens(text.slice(base, value.token.start + 1 + value.token.text.lastIndexOf('}')));
  return { ...located, value: readExpression(text, tokens.map((token) => ({ ...token, start: token.start + base, end: token.end + base }))) };
}

/** `condition ? a : b` split at its top-level `?` and `:`, each branch read as a value; undefined for any other expression. */
function conditional(located: Located): { condition: string; branches: [Located, Located] } | undefined {
  const { value, text } = located;
  if (value.kind !== 'other') return undefined;
  const { tokens } = value;
  let depth = 0;
  let question = -1;
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at];
    if (token.kind !== 'punct') continue;
    if ('([{'.includes(token.text)) depth++;
    else if (')]}'.includes(token.text)) depth--;
    else if (depth === 0 && token.text === '?' && question < 0) question = at;
    else if (depth === 0 && token.text === ':' && question > 0) {
      const branch = (from: number, to: number): Located => ({ ...located, value: readExpression(text, tokens.slice(from, to)) });
      return { condition: text.slice(tokens[0].start, tokens[question - 1].end).slice(0, 120), branches: [branch(question + 1, at), branch(at + 1, tokens.length)] };
    }
  }
  return undefined;
}

/** Notes joined, for an image in a branch of a conditional. */
const withNote = (first: string | undefined, second: string | undefined): string | undefined => [first, second].filter(Boolean).join('; ') || undefined;

/** One item of `values`: what it is, read. */
async function releaseValue(located: Located, values: ModuleValues, where: string, read: ReadValuesFile, context: DiscoverContext, found: ReleaseValues, note?: string, depth = 0): Promise<void> {
  const split = depth < 4 ? conditional(located) : undefined;
  if (split) {
    // Both branches: which one Terraform takes is known only when it runs.
    for (const [index, branch] of split.branches.entries()) await releaseValue(branch, values, where, read, context, found, withNote(note, `only when ${split.condition} is ${index === 0 ? 'true' : 'false'}`), depth + 1);
    return;
  }
  const followed = followReferences(unwrapped(located), values);
  const line = (): number => new LineIndex(located.text).positionAt(located.value.start).line;
  if ('unresolved' in followed) {
    found.notes.push(`line ${line()}: ${where}: ${followed.unresolved}, so its images were not read`);
    return;
  }
  const { value } = followed;
  const written = followed.text.slice(value.start, Math.min(value.end, value.start + 120));
  // A branch of a conditional that is itself a list of values.
  if (value.kind === 'tuple' && depth > 0) {
    for (const item of value.items) await releaseValue({ ...followed, value: item }, values, where, read, context, found, note, depth + 1);
    return;
  }
  if (value.kind === 'call' && (value.name === 'yamlencode' || value.name === 'jsonencode') && value.args.length === 1) {
    const before = found.sites.length;
    objectSites({ ...followed, value: value.args[0] }, values, where, '', found, { nodes: MAX_NODES });
    for (const site of found.sites.slice(before)) site.note = withNote(site.note, note);
  } else if (value.kind === 'literal' && value.token.kind === 'heredoc') {
    const [start, end] = heredocBody(followed.text, value.token);
    yamlSites(followed.file, followed.text, start, end, where, moduleFiller(values), line(), found, note);
  } else if (value.kind === 'call' && (value.name === 'file' || value.name === 'templatefile') && value.args.length >= 1) {
    const file = await read(value.args[0], followed.file);
    if (file === undefined) found.notes.push(`line ${line()}: ${where}: ${written} reads a file this repository does not hold, so its images were not read`);
    else if (!(await isChartValues(file.path, context))) {
      const fill = value.name === 'templatefile' ? argumentsFiller(templateArguments(value.args[1], followed, values)) : undefined;
      yamlSites(file.path, file.text, 0, file.text.length, where, fill, line(), found, note);
    }
  } else if (!(isStringLiteral(value) && value.token.text.trim() === '')) {
    const names = traversalNames(tokensOf(value));
    const why = value.kind === 'call' ? `the function ${value.name}` : names ? names.join('.') : 'an expression';
    found.notes.push(`line ${line()}: ${where}: ${written} is computed by Terraform (${why}), so its images were not read`);
  }
}

/** The items of a `values` list: a tuple, or `concat()` of tuples (a module's own values and its caller's), references followed. */
function listItems(located: Located, values: ModuleValues, where: string, found: ReleaseValues, depth = 0): Located[] {
  const followed = followReferences(located, values);
  if ('unresolved' in followed) {
    found.notes.push(`line ${new LineIndex(located.text).positionAt(located.value.start).line}: ${where}: ${followed.unresolved}, so its images were not read`);
    return [];
  }
  const { value } = followed;
  // `cond ? [a] : [b]`: the items of both lists, each said to be of its branch (see releaseValue).
  if (value.kind === 'other' && conditional(followed)) return [followed];
  if (value.kind === 'tuple') return value.items.map((item) => ({ ...followed, value: item }));
  if (value.kind === 'call' && value.name === 'concat' && depth < 4) return value.args.flatMap((arg) => listItems({ ...followed, value: arg }, values, where, found, depth + 1));
  return [followed];
}

/** The images of a `helm_release`'s `values` list. */
export async function releaseValues(file: { path: string; text: string }, resource: HclBlock, address: string, values: ModuleValues, read: ReadValuesFile, context: DiscoverContext): Promise<ReleaseValues> {
  const found: ReleaseValues = { sites: [], occurrences: [], notes: [] };
  const tokens = resource.attributes.get('values');
  if (tokens === undefined || tokens.length === 0) return found;
  const items = listItems({ value: readExpression(file.text, tokens), file: file.path, text: file.text }, values, `${address}.values`, found);
  for (const [index, item] of items.entries()) await releaseValue(item, values, `${address}.values[${index}]`, read, context, found);
  return found;
}
