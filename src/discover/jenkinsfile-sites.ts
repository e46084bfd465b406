/**
 * Where a Jenkinsfile writes images, found in its Groovy tokens: the block each token is in (`agent {`,
 * `docker.withRegistry(...) {`), and the calls and declarative directives that name an image.
 */
import type { GroovyToken } from './groovy-lex.js';
import { expressionEnd, type GroovyValues, type TokenRange } from './jenkinsfile-values.js';

/** A `{` block: the call or name before it (`agent {`, `docker.withRegistry(...) {`), and its parent. */
export interface Frame {
  name?: string;
  qualifier?: string;
  /** The call's arguments, inside the parentheses. */
  args?: TokenRange;
  parent?: Frame;
}

/** One place an image is written: the expression, where it is, and how its value is read. */
export interface ImageSite {
  range: TokenRange;
  context: string;
  frame: Frame | undefined;
  /** A declarative agent's `registryUrl`, when it names one. */
  registry?: TokenRange;
  /** Pushed (`docker.image(x).push()`): an image this pipeline publishes. */
  pushed?: boolean;
}

/** Matching brackets: for each `(`/`[` its close and for each close its open. */
export function matchBrackets(tokens: readonly GroovyToken[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((token, index) => {
    if (token.type !== 'punct') return;
    if (token.text === '(' || token.text === '[') open.push(index);
    else if ((token.text === ')' || token.text === ']') && open.length > 0) {
      const start = open.pop()!;
      pairs.set(start, index);
      pairs.set(index, start);
    }
  });
  return pairs;
}

/** The frame each token is in (undefined at the top level). */
export function framesOf(tokens: readonly GroovyToken[], brackets: Map<number, number>): Array<Frame | undefined> {
  const frames: Array<Frame | undefined> = [];
  let current: Frame | undefined;
  tokens.forEach((token, index) => {
    frames.push(current);
    if (token.type !== 'punct') return;
    if (token.text === '{') current = { ...headOf(tokens, brackets, index), parent: current };
    else if (token.text === '}') current = current?.parent;
  });
  return frames;
}

function headOf(tokens: readonly GroovyToken[], brackets: Map<number, number>, brace: number): Omit<Frame, 'parent'> {
  let nameIndex = brace - 1;
  let args: TokenRange | undefined;
  if (tokens[nameIndex]?.text === ')') {
    const open = brackets.get(nameIndex);
    if (open === undefined) return {};
    args = { start: open + 1, end: nameIndex };
    nameIndex = open - 1;
  }
  const name = tokens[nameIndex];
  if (name?.type !== 'ident') return {};
  const qualifier = tokens[nameIndex - 1]?.text === '.' && tokens[nameIndex - 2]?.type === 'ident' ? tokens[nameIndex - 2].text : undefined;
  return { name: name.text, qualifier, args };
}

/** The value of the argument named `name` (`image: 'x'`) among a call's arguments. */
function namedArgument(tokens: readonly GroovyToken[], args: TokenRange, name: string): TokenRange | undefined {
  let depth = 0;
  for (let index = args.start; index < args.end; index++) {
    const text = tokens[index].text;
    if (text === '(' || text === '[' || text === '{') depth++;
    else if (text === ')' || text === ']' || text === '}') depth--;
    else if (depth === 0 && tokens[index].type === 'ident' && text === name && tokens[index + 1]?.text === ':') {
      return { start: index + 2, end: expressionEnd(tokens, index + 2, args.end) };
    }
  }
  return undefined;
}

/** The first positional argument, unless the call names its arguments. */
export function firstArgument(tokens: readonly GroovyToken[], args: TokenRange): TokenRange | undefined {
  if (args.end <= args.start || tokens[args.start + 1]?.text === ':') return undefined;
  return { start: args.start, end: expressionEnd(tokens, args.start, args.end) };
}

/** The argument list of a call whose `(` is at `open`, or of a call written without parentheses (`image 'x'`). */
function callArguments(tokens: readonly GroovyToken[], brackets: Map<number, number>, open: number): TokenRange | undefined {
  if (tokens[open]?.text === '(') {
    const close = brackets.get(open);
    return close === undefined ? undefined : { start: open + 1, end: close };
  }
  if (open >= tokens.length || tokens[open].newlineBefore) return undefined;
  return { start: open, end: expressionEnd(tokens, open) };
}


/** Pod YAML written in the pipeline (`agent { kubernetes { yaml '''...''' } }`), or the expression that gives it. */
export interface PodYaml {
  range: TokenRange;
  context: string;
}

interface Found {
  sites: ImageSite[];
  /** The values of names `docker.build(...)` builds. */
  built: Set<string>;
  pods: PodYaml[];
}

const isDeclarativeDocker = (frame: Frame | undefined) => frame?.name === 'docker' && frame.parent?.name === 'agent';

/** `docker.<method>(` or `docker.<method> x` at `index`: where its arguments open, or undefined. */
function dockerCall(tokens: readonly GroovyToken[], index: number, method: string): number | undefined {
  if (tokens[index - 1]?.text === '.' && tokens[index - 2]?.text !== 'script') return undefined; // `x.docker`, another object's property
  return tokens[index + 1]?.text === '.' && tokens[index + 2]?.text === method && tokens[index + 3] !== undefined ? index + 3 : undefined;
}

export function findSites(tokens: readonly GroovyToken[], brackets: Map<number, number>, frames: Array<Frame | undefined>, values: GroovyValues): Found {
  const found: Found = { sites: [], built: new Set(), pods: [] };
  const registries = new Map<Frame, TokenRange>();
  const tableSites = new Set<string>();
  const site = (range: TokenRange | undefined, context: string, frame: Frame | undefined, pushed?: boolean) => {
    if (!range || range.end <= range.start) return;
    // A lookup in a table the file writes is each image the table holds, where it is written.
    const entries = tableEntries(tokens, brackets, values, range);
    if (!entries || entries.length === 0) {
      found.sites.push({ range, context, frame, pushed });
      return;
    }
    const lookup = `${context}(${values.sourceOf(range)})`;
    for (const entry of entries) {
      // Two lookups alike (`docker.image(images[x]).pull()`, then `.inside`) name each entry once.
      const key = `${entry.start}\0${lookup}\0${pushed === true}`;
      if (tableSites.has(key)) continue;
      tableSites.add(key);
      found.sites.push({ range: entry, context: lookup, frame, pushed });
    }
  };
  tokens.forEach((token, index) => {
    if (token.type !== 'ident') return;
    const frame = frames[index];
    const next = tokens[index + 1];
    const directive = next !== undefined && !next.newlineBefore && next.text !== '=' && next.text !== ':' && next.text !== '.' && next.text !== '{';
    switch (token.text) {
      case 'image':
        if (directive && (isDeclarativeDocker(frame) || frame?.name === 'containerTemplate')) site(callArguments(tokens, brackets, index + 1), `${frame?.name === 'docker' ? 'agent.docker' : 'containerTemplate'}.image`, frame);
        break;
      case 'registryUrl':
        if (directive && isDeclarativeDocker(frame)) {
          const range = callArguments(tokens, brackets, index + 1);
          if (range) registries.set(frame!, range);
        }
        break;
      case 'docker':
        dockerSites(tokens, brackets, index, frames, found, site, values);
        break;
      case 'withDockerContainer':
      case 'containerTemplate':
      case 'podTemplate':
        callSites(tokens, brackets, index, frame, found, site);
        break;
      case 'yaml':
        if (directive && frame?.name === 'kubernetes') {
          const range = callArguments(tokens, brackets, index + 1);
          if (range) found.pods.push({ range, context: 'agent.kubernetes.yaml' });
        }
        break;
    }
  });
  for (const each of found.sites) if (each.frame && registries.has(each.frame)) each.registry = registries.get(each.frame);
  return found;
}

/** `agent { docker 'x' }`, `docker.image(x)` (pushed when `.push` follows) and `docker.build(x)`. */
function dockerSites(
  tokens: readonly GroovyToken[],
  brackets: Map<number, number>,
  index: number,
  frames: Array<Frame | undefined>,
  found: Found,
  site: (range: TokenRange | undefined, context: string, frame: Frame | undefined, pushed?: boolean) => void,
  values: GroovyValues,
): void {
  const frame = frames[index];
  const next = tokens[index + 1];
  if (frame?.name === 'agent' && next && !next.newlineBefore && (next.type === 'string' || next.type === 'ident' || next.text === '(')) {
    site(callArguments(tokens, brackets, index + 1), 'agent.docker', frame);
    return;
  }
  const image = dockerCall(tokens, index, 'image');
  if (image !== undefined) {
    const args = callArguments(tokens, brackets, image);
    const close = brackets.get(image);
    const pushed = close !== undefined && tokens[close + 1]?.text === '.' && tokens[close + 2]?.text === 'push';
    site(args && firstArgument(tokens, args), 'docker.image', frame, pushed);
    return;
  }
  const build = dockerCall(tokens, index, 'build');
  const args = build === undefined ? undefined : callArguments(tokens, brackets, build);
  const name = args && firstArgument(tokens, args);
  if (name) {
    const value = values.evaluate(name);
    if (typeof value === 'string') found.built.add(value.trim());
  }
}

/** Most entries of one table read as the images a lookup in it may name. */
const MAX_TABLE_ENTRIES = 256;

/**
 * The images a lookup in a table literal may name, each where the table writes it: the `field:` value
 * of every entry for `NAME[...].field` (`docker.image(meta[platform].image)` with
 * `meta = ['centos8': [image: "..."], ...]`, as CouchDB's Jenkinsfile builds a stage per platform),
 * and a map's value for `NAME[key]` (`docker_images["$distribution"]` with
 * `docker_images = ["tar": "...", "deb": "..."]`, as opensearch-build picks its agent): the one its
 * key names when the file gives the key, else each value, since the key is known only when the build
 * runs. Undefined unless NAME is set once, to a list or map literal (of strings, for `NAME[key]`).
 */
function tableEntries(tokens: readonly GroovyToken[], brackets: Map<number, number>, values: GroovyValues, argument: TokenRange): TokenRange[] | undefined {
  const { start, end } = argument;
  const close = brackets.get(start + 1);
  if (tokens[start].type !== 'ident' || tokens[start + 1]?.text !== '[' || close === undefined) return undefined;
  const lookup = close + 1 === end;
  if (!lookup && (tokens[close + 1]?.text !== '.' || tokens[close + 2]?.type !== 'ident' || close + 3 !== end)) return undefined;
  const assigned = values.assignedRanges(tokens[start].text);
  const literalEnd = assigned.length === 1 ? brackets.get(assigned[0].start) : undefined;
  if (literalEnd === undefined || tokens[assigned[0].start].text !== '[' || literalEnd + 1 !== assigned[0].end) return undefined;
  if (lookup) return mapValues(tokens, values, { start: assigned[0].start + 1, end: literalEnd }, { start: start + 2, end: close });
  const field = tokens[close + 2].text;
  const entries: TokenRange[] = [];
  let depth = 0;
  for (let index = assigned[0].start + 1; index < literalEnd && entries.length < MAX_TABLE_ENTRIES; index++) {
    const text = tokens[index].text;
    if (tokens[index].type === 'punct' && (text === '[' || text === '(' || text === '{')) depth++;
    else if (tokens[index].type === 'punct' && (text === ']' || text === ')' || text === '}')) depth--;
    else if (depth === 1 && tokens[index].type === 'ident' && text === field && tokens[index + 1]?.text === ':') {
      entries.push({ start: index + 2, end: expressionEnd(tokens, index + 2, literalEnd) });
    }
  }
  return entries;
}

/**
 * The values of a map literal's entries (`"key": value` or `key: value`, each a string), the one
 * `subscript` names when it is a key of the map; undefined when an entry is of another shape.
 */
function mapValues(tokens: readonly GroovyToken[], values: GroovyValues, body: TokenRange, subscript: TokenRange): TokenRange[] | undefined {
  const entries = new Map<string, TokenRange>();
  for (let index = body.start; index < body.end; ) {
    const key = tokens[index];
    if ((key.type !== 'string' && key.type !== 'ident') || tokens[index + 1]?.text !== ':' || entries.size >= MAX_TABLE_ENTRIES) return undefined;
    const value = { start: index + 2, end: expressionEnd(tokens, index + 2, body.end) };
    if (typeof values.evaluate(value) !== 'string') return undefined;
    const name = key.type === 'ident' ? key.text : values.evaluate({ start: index, end: index + 1 });
    entries.set(typeof name === 'string' ? name : `\0${index}`, value);
    index = value.end;
    if (index < body.end && tokens[index].text !== ',') return undefined;
    index++;
  }
  // A key the file gives names one entry (none, and no image, when the map lacks it).
  const key = values.evaluate(subscript);
  if (typeof key !== 'string') return [...entries.values()];
  const named = entries.get(key);
  return named ? [named] : undefined;
}

/** `withDockerContainer(image: 'x')` / `withDockerContainer('x')`, `containerTemplate(image: 'x')`, `podTemplate(yaml: '''...''')`. */
function callSites(
  tokens: readonly GroovyToken[],
  brackets: Map<number, number>,
  index: number,
  frame: Frame | undefined,
  found: Found,
  site: (range: TokenRange | undefined, context: string, frame: Frame | undefined) => void,
): void {
  if (tokens[index + 1]?.text !== '(') return;
  const args = callArguments(tokens, brackets, index + 1);
  if (!args) return;
  const name = tokens[index].text;
  if (name === 'withDockerContainer') site(namedArgument(tokens, args, 'image') ?? firstArgument(tokens, args), name, frame);
  else if (name === 'containerTemplate') site(namedArgument(tokens, args, 'image'), `${name}.image`, frame);
  else {
    const yaml = namedArgument(tokens, args, 'yaml');
    if (yaml) found.pods.push({ range: yaml, context: 'podTemplate.yaml' });
  }
}
