/**
 * Docker Bake files (`docker-bake.hcl`, `docker-bake.json` and their `.override` files): which
 * targets build a Dockerfile, the build arguments they give it (`args = { BASE = "${BASE}" }` with
 * the `variable` blocks' defaults), and the named build contexts they give it (`contexts = {
 * templates = "../templates" }`: `COPY --from=templates` then names that context, not an image).
 *
 * Only what can be known without running bake is read: literal strings, `${NAME}` of a variable
 * whose default is known, a bare variable name, and `inherits` (followed to a bounded depth).
 * Functions, conditionals, matrices and the environment of whoever runs bake are not evaluated: an
 * argument given by one of them is left out, and the Dockerfile's `ARG` default stands.
 */
import { posix } from 'node:path';
import { oncePerScan } from '../per-scan.js';
import type { DiscoverContext } from '../types.js';

const BAKE_FILES = ['docker-bake.json', 'docker-bake.hcl', 'docker-bake.override.json', 'docker-bake.override.hcl'];
/** Directories above a Dockerfile searched for a bake file. */
const MAX_LEVELS = 8;
/** Tokens read from one bake file; a bigger file is read up to here. */
const MAX_TOKENS = 200_000;
/** Bound on `inherits` chains and on variables whose defaults use other variables. */
const MAX_DEPTH = 8;
/** Longest value a template may expand to. */
const MAX_VALUE_LENGTH = 4096;

/** A value as written: a string template (`"${BASE}-slim"`), a variable's bare name, or `null`. */
type Expression = { template: string } | { variable: string } | { null: true };

/** One target block as written (attributes only it sets). */
interface WrittenTarget {
  /** The bake file that first writes the target. */
  file: string;
  context?: Expression;
  dockerfile?: Expression;
  contexts: Map<string, Expression | undefined>;
  args: Map<string, Expression | undefined>;
  inherits?: string[];
}

/** The bake files of one directory, merged in the order bake reads them. */
interface BakeDefinition {
  /** Variable name -> its default (undefined: written in a way not evaluated; absent: no such variable). */
  variables: Map<string, Expression | undefined>;
  targets: Map<string, WrittenTarget>;
  /** Targets a group names: built when the group is. */
  grouped: Set<string>;
  /** What of the bake files could not be read (a file past the token bound). */
  unread: string[];
  /** Each target with the Dockerfiles it may build, worked out once per scan. */
  builds?: Array<{ target: ResolvedTarget; dockerfiles: string[] }>;
  /**
   * Each variable's value and each target resolved, by evaluation depth and name, worked out once:
   * a default naming another variable many times, or targets inheriting several others, were
   * evaluated again at every mention, exponential in the depth (a 1 KB bake file ran for hours).
   */
  values?: Map<string, string | null | undefined>;
  resolved?: Map<string, ResolvedTarget | undefined>;
}

/** A target with what it inherits applied. */
interface ResolvedTarget {
  name: string;
  file: string;
  context?: Expression;
  dockerfile?: Expression;
  contexts: Map<string, Expression | undefined>;
  args: Map<string, Expression | undefined>;
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

/** A quoted HCL string from `start` (after its quote): the text, and the index after the closing quote. Quotes inside `${ }` do not end it. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let index = start;
  let interpolation = 0;
  while (index < text.length && text[index] !== '\n' && (interpolation > 0 || text[index] !== '"')) {
    const char = text[index];
    if (char === '\\' && index + 1 < text.length) {
      value += char + text[index + 1];
      index += 2;
      continue;
    }
    if (char === '$' && text[index + 1] === '$' && text[index + 2] === '{') {
      value += '$${';
      index += 3;
      continue;
    }
    if ((char === '$' || char === '%') && text[index + 1] === '{') interpolation++;
    else if (char === '}' && interpolation > 0) interpolation--;
    value += char;
    index++;
  }
  return { value: value.replace(/\\(.)/g, (_, escaped: string) => ({ n: '\n', t: '\t', r: '\r' })[escaped] ?? escaped), end: index + 1 };
}

/**
 * HCL tokens: identifiers, quoted strings (`${}` kept as written), punctuation; comments dropped.
 * `truncated` when the bound stopped the reading before the end of the text.
 */
function tokenize(text: string): { tokens: Token[]; truncated: boolean } {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length && tokens.length < MAX_TOKENS) {
    const char = text[index];
    if (char === '#' || (char === '/' && text[index + 1] === '/')) {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end + 1;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else if (char === '"') {
      const { value, end } = readString(text, index + 1);
      tokens.push({ kind: 'string', text: value });
      index = end;
    } else if (/[A-Za-z0-9_.-]/.test(char)) {
      const start = index;
      while (index < text.length && /[A-Za-z0-9_.-]/.test(text[index])) index++;
      tokens.push({ kind: 'word', text: text.slice(start, index) });
    } else {
      if (!/\s/.test(char)) tokens.push({ kind: 'punct', text: char });
      index++;
    }
  }
  return { tokens, truncated: index < text.length && text.slice(index).trim() !== '' };
}

/** A string that is a literal: no `${}` interpolation or `%{}` directive to evaluate. */
function literal(token: Token | undefined): string | undefined {
  return token?.kind === 'string' && !/[$%]\{/.test(token.text) ? token.text : undefined;
}

/** Tokens that may follow a whole value: the next attribute, or the end of a map, list or block. */
function endsValue(token: Token | undefined): boolean {
  return token === undefined || token.kind !== 'punct' || token.text === '}' || token.text === ']' || token.text === ',';
}

/** The value starting at `tokens[index]`, when it is a string, a bare variable name or `null` and nothing more. */
function expressionAt(tokens: Token[], index: number): Expression | undefined {
  const token = tokens[index];
  if (!token || !endsValue(tokens[index + 1])) return undefined;
  if (token.kind === 'string') return { template: token.text };
  if (token.kind !== 'word') return undefined;
  if (token.text === 'null') return { null: true };
  if (/^(?:true|false|-?\d+(?:\.\d+)?)$/.test(token.text)) return { template: token.text };
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(token.text) ? { variable: token.text } : undefined;
}

/** `name = value` (or `"name": value`) pairs of a map from `start` (after its `{`) to its `}`; returns the index after it. */
function readMap(tokens: Token[], start: number, visit: (key: string, valueIndex: number) => void): number {
  let depth = 0;
  let index = start;
  for (; index < tokens.length; index++) {
    const token = tokens[index];
    if (token.kind === 'punct' && '{[('.includes(token.text)) depth++;
    else if (token.kind === 'punct' && '}])'.includes(token.text)) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && token.kind !== 'punct' && (tokens[index + 1]?.text === '=' || tokens[index + 1]?.text === ':')) {
      visit(token.text, index + 2);
      index++;
    }
  }
  return index + 1;
}

/** The literal strings of a list from `start` (after its `[`); returns them and the index after its `]`. */
function readList(tokens: Token[], start: number): { items: string[]; end: number } {
  const items: string[] = [];
  let index = start;
  for (; index < tokens.length && tokens[index].text !== ']'; index++) {
    const value = literal(tokens[index]);
    if (value !== undefined) items.push(value);
  }
  return { items, end: index + 1 };
}

type Block = { kind: 'variable'; name: string } | { kind: 'target'; target: WrittenTarget } | { kind: 'group' };

function readAttribute(tokens: Token[], index: number, block: Block, definition: BakeDefinition): number {
  const name = tokens[index].text;
  const valueIndex = index + 2;
  const opens = tokens[valueIndex]?.text;
  if (block.kind === 'variable') {
    if (name === 'default') definition.variables.set(block.name, expressionAt(tokens, valueIndex));
  } else if (block.kind === 'group') {
    if (name === 'targets' && opens === '[') {
      const { items, end } = readList(tokens, valueIndex + 1);
      for (const item of items) definition.grouped.add(item);
      return end;
    }
  } else if (name === 'context' || name === 'dockerfile') {
    const value = expressionAt(tokens, valueIndex);
    if (value) block.target[name] = value;
  } else if (name === 'inherits' && opens === '[') {
    const { items, end } = readList(tokens, valueIndex + 1);
    block.target.inherits = items;
    return end;
  } else if (name === 'contexts' && opens === '{') {
    return readMap(tokens, valueIndex + 1, (key, at) => block.target.contexts.set(key, expressionAt(tokens, at)));
  } else if (name === 'args' && opens === '{') {
    return readMap(tokens, valueIndex + 1, (key, at) => block.target.args.set(key, expressionAt(tokens, at)));
  }
  return valueIndex;
}

function emptyTarget(file: string): WrittenTarget {
  return { file, contexts: new Map(), args: new Map() };
}

/** Adds an HCL bake file's variables, targets and groups to `definition` (a later file's attributes win). */
function readHcl(text: string, file: string, definition: BakeDefinition): void {
  const { tokens, truncated } = tokenize(text);
  // What is past the bound may give a Dockerfile other build arguments: fail closed, said where it counts.
  if (truncated) definition.unread.push(`${file} is past the bound of ${MAX_TOKENS} tokens: the targets and variables after it were not read, so the build arguments bake gives may differ`);
  let depth = 0;
  let block: Block | undefined;
  for (let index = 0; index < tokens.length; ) {
    const token = tokens[index];
    const label = tokens[index + 1];
    if (depth === 0 && token.kind === 'word' && /^(?:variable|target|group)$/.test(token.text) && label && label.kind !== 'punct' && tokens[index + 2]?.text === '{') {
      if (token.text === 'target') {
        const target = definition.targets.get(label.text) ?? emptyTarget(file);
        definition.targets.set(label.text, target);
        block = { kind: 'target', target };
      } else block = token.text === 'variable' ? { kind: 'variable', name: label.text } : { kind: 'group' };
      // A variable without `default` is meant to come from the environment of whoever runs bake: not known here.
      if (token.text === 'variable' && !definition.variables.has(label.text)) definition.variables.set(label.text, undefined);
      depth = 1;
      index += 3;
    } else if (token.kind === 'punct' && '{[('.includes(token.text)) {
      depth++;
      index++;
    } else if (token.kind === 'punct' && '}])'.includes(token.text)) {
      depth = Math.max(0, depth - 1);
      if (depth === 0) block = undefined;
      index++;
    } else if (block && depth === 1 && token.kind === 'word' && label?.text === '=') {
      index = readAttribute(tokens, index, block, definition);
    } else {
      index++;
    }
  }
}

function jsonExpression(value: unknown): Expression | undefined {
  if (value === null) return { null: true };
  if (typeof value === 'string') return { template: value };
  return typeof value === 'number' || typeof value === 'boolean' ? { template: String(value) } : undefined;
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Adds a JSON bake file's variables, targets and groups to `definition`. */
function readJson(text: string, file: string, definition: BakeDefinition): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  const { variable, target, group } = objectOf(parsed);
  for (const [name, body] of Object.entries(objectOf(variable))) {
    const fields = objectOf(body);
    definition.variables.set(name, 'default' in fields ? jsonExpression(fields.default) : undefined);
  }
  for (const body of Object.values(objectOf(group))) {
    const targets = objectOf(body).targets;
    if (Array.isArray(targets)) for (const name of targets) if (typeof name === 'string') definition.grouped.add(name);
  }
  for (const [name, body] of Object.entries(objectOf(target))) {
    const fields = objectOf(body);
    const written = definition.targets.get(name) ?? emptyTarget(file);
    definition.targets.set(name, written);
    const context = jsonExpression(fields.context);
    const dockerfile = jsonExpression(fields.dockerfile);
    if (typeof fields.context === 'string' && context) written.context = context;
    if (typeof fields.dockerfile === 'string' && dockerfile) written.dockerfile = dockerfile;
    for (const [key, value] of Object.entries(objectOf(fields.contexts))) written.contexts.set(key, jsonExpression(value));
    for (const [key, value] of Object.entries(objectOf(fields.args))) written.args.set(key, jsonExpression(value));
    if (Array.isArray(fields.inherits)) written.inherits = fields.inherits.filter((item): item is string => typeof item === 'string');
  }
}

/**
 * A value as bake gives it with the variables' defaults: null when bake passes nothing (`null`),
 * undefined when it cannot be known here.
 */
function evaluate(expression: Expression | undefined, definition: BakeDefinition, depth = 0): string | null | undefined {
  if (expression === undefined || depth > MAX_DEPTH) return undefined;
  if ('null' in expression) return null;
  if ('variable' in expression) return variableValue(expression.variable, definition, depth + 1);
  const text = expression.template;
  let output = '';
  for (let index = 0; index < text.length; ) {
    const dollar = text.indexOf('$', index);
    const percent = text.indexOf('%{', index);
    if (percent >= 0 && (dollar < 0 || percent < dollar)) return undefined; // a template directive
    if (dollar < 0) {
      output += text.slice(index);
      break;
    }
    output += text.slice(index, dollar);
    if (text.startsWith('$${', dollar)) {
      output += '${';
      index = dollar + 3;
    } else if (text[dollar + 1] === '{') {
      const close = text.indexOf('}', dollar + 2);
      const name = close < 0 ? '' : text.slice(dollar + 2, close).trim();
      // Only a variable's name is evaluated: a function call or an expression is not.
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
      const value = variableValue(name, definition, depth + 1);
      if (typeof value !== 'string') return undefined;
      output += value;
      index = close + 1;
    } else {
      output += '$';
      index = dollar + 1;
    }
    if (output.length > MAX_VALUE_LENGTH) return undefined;
  }
  return output;
}

/** A variable's default with the variables' defaults, once per definition and depth. */
function variableValue(name: string, definition: BakeDefinition, depth: number): string | null | undefined {
  if (!definition.variables.has(name)) return undefined;
  definition.values ??= new Map();
  const key = `${depth} ${name}`;
  if (definition.values.has(key)) return definition.values.get(key);
  const value = evaluate(definition.variables.get(name), definition, depth);
  definition.values.set(key, value);
  return value;
}

/**
 * A target with its `inherits` applied, parents first, each overridden by what inherits from it;
 * once per definition, depth and name (a target in a cycle is resolved without the target that
 * closes it, which bake refuses anyway).
 */
function resolveTarget(definition: BakeDefinition, name: string, depth = 0, visiting = new Set<string>()): ResolvedTarget | undefined {
  const written = definition.targets.get(name);
  if (!written || depth > MAX_DEPTH || visiting.has(name)) return undefined;
  definition.resolved ??= new Map();
  const key = `${depth} ${name}`;
  if (definition.resolved.has(key)) return definition.resolved.get(key);
  visiting.add(name);
  const resolved: ResolvedTarget = { name, file: written.file, contexts: new Map(), args: new Map() };
  for (const parentName of written.inherits ?? []) {
    const parent = resolveTarget(definition, parentName, depth + 1, visiting);
    if (!parent) continue;
    if (parent.context) resolved.context = parent.context;
    if (parent.dockerfile) resolved.dockerfile = parent.dockerfile;
    for (const [key, value] of parent.contexts) resolved.contexts.set(key, value);
    for (const [key, value] of parent.args) resolved.args.set(key, value);
  }
  visiting.delete(name);
  if (written.context) resolved.context = written.context;
  if (written.dockerfile) resolved.dockerfile = written.dockerfile;
  for (const [key, value] of written.contexts) resolved.contexts.set(key, value);
  for (const [key, value] of written.args) resolved.args.set(key, value);
  definition.resolved.set(key, resolved);
  return resolved;
}

/**
 * The targets the given ones inherit from, directly or not, as far as `inherits` is followed: a
 * walk over the definition that reaches each target once at its least depth (a set of ancestors
 * kept per target was quadratic in a chain of targets).
 */
function inheritedBy(definition: BakeDefinition, targets: ResolvedTarget[]): Set<string> {
  const inherited = new Set<string>();
  let level = targets.map((target) => target.name);
  for (let depth = 1; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const name of level) {
      for (const parent of definition.targets.get(name)?.inherits ?? []) {
        if (parent === name || inherited.has(parent) || !definition.targets.has(parent)) continue;
        inherited.add(parent);
        next.push(parent);
      }
    }
    level = next;
  }
  return inherited;
}

/** Parsed bake definitions per scan and directory: a repository with many Dockerfiles reads each once. */
const definitions = new WeakMap<DiscoverContext, Map<string, Promise<BakeDefinition | undefined>>>();

function definitionIn(directory: string, context: DiscoverContext): Promise<BakeDefinition | undefined> {
  return oncePerScan(definitions, context, directory, () => readDefinition(directory, context));
}

/** The bake files of a directory, merged as bake merges several files; undefined when it has none. */
async function readDefinition(directory: string, context: DiscoverContext): Promise<BakeDefinition | undefined> {
  const merged: BakeDefinition = { variables: new Map(), targets: new Map(), grouped: new Set(), unread: [] };
  let found = false;
  for (const name of BAKE_FILES) {
    const path = directory === '.' ? name : `${directory}/${name}`;
    const text = await context.readFile(path);
    if (text === undefined) continue;
    found = true;
    if (name.endsWith('.json')) readJson(text, path, merged);
    else readHcl(text, path, merged);
  }
  return found ? merged : undefined;
}

/** One bake target building a Dockerfile, with the definition its values come from. */
interface BakeBuilder {
  target: ResolvedTarget;
  definition: BakeDefinition;
}

/**
 * The bake targets that build the Dockerfile at `dockerfilePath`, from bake files in its directory
 * and the directories above it. Bake resolves a relative `context` from where it runs: the bake
 * file's directory or, for a file run with `-f`, the repository root; either counts. A target other
 * targets of this Dockerfile inherit from, and that no group names, is their base, not a build.
 */
async function bakeBuilders(dockerfilePath: string, context: DiscoverContext): Promise<BakeBuilder[]> {
  const builders: BakeBuilder[] = [];
  const wanted = posix.normalize(dockerfilePath);
  let directory = posix.dirname(dockerfilePath);
  for (let level = 0; level < MAX_LEVELS; level++) {
    const definition = await definitionIn(directory, context);
    if (definition) {
      const matching = buildsOf(definition, directory).flatMap(({ target, dockerfiles }) => (dockerfiles.includes(wanted) ? [target] : []));
      const inherited = inheritedBy(definition, matching);
      for (const target of matching) {
        const base = inherited.has(target.name) && !definition.grouped.has(target.name);
        if (!base) builders.push({ target, definition });
      }
    }
    if (directory === '.') break;
    directory = posix.dirname(directory);
  }
  return builders;
}

/**
 * What the bake files in the Dockerfile's directory and those above it could not read: any target
 * past it may build this Dockerfile with arguments of its own.
 */
export async function bakeUnread(dockerfilePath: string, context: DiscoverContext): Promise<string[]> {
  const unread: string[] = [];
  let directory = posix.dirname(dockerfilePath);
  for (let level = 0; level < MAX_LEVELS; level++) {
    unread.push(...((await definitionIn(directory, context))?.unread ?? []));
    if (directory === '.') break;
    directory = posix.dirname(directory);
  }
  return unread;
}

/** Every target of a definition with the Dockerfile it builds, from the bake file's directory or from the root. */
function buildsOf(definition: BakeDefinition, directory: string): Array<{ target: ResolvedTarget; dockerfiles: string[] }> {
  if (definition.builds) return definition.builds;
  definition.builds = [];
  for (const name of definition.targets.keys()) {
    const target = resolveTarget(definition, name);
    if (!target) continue;
    const contextDirectory = target.context ? evaluate(target.context, definition) : '.';
    const dockerfile = target.dockerfile ? evaluate(target.dockerfile, definition) : 'Dockerfile';
    if (typeof contextDirectory !== 'string' || typeof dockerfile !== 'string' || contextDirectory.includes('://')) continue;
    const built = (from: string) => posix.normalize(posix.join(from, contextDirectory, dockerfile));
    definition.builds.push({ target, dockerfiles: [built(directory), built('.')] });
  }
  return definition.builds;
}

/**
 * A target's named contexts: name -> value with the variables' defaults. A value not known here is
 * kept as written when it is not an image (`target:base-${arch}`: still no image), and left out when
 * it may be one (`docker-image://${BASE}`).
 */
function namedContexts(target: ResolvedTarget, definition: BakeDefinition): Map<string, string> {
  const named = new Map<string, string>();
  for (const [name, expression] of target.contexts) {
    const value = evaluate(expression, definition);
    if (typeof value === 'string') named.set(name, value);
    else if (expression && 'template' in expression && !expression.template.startsWith('docker-image://')) named.set(name, expression.template);
  }
  return named;
}

/**
 * The named contexts bake targets give the Dockerfile at `dockerfilePath` (bake files in its
 * directory and the directories above it): context name -> each distinct value, in target order.
 */
export async function bakeNamedContexts(dockerfilePath: string, context: DiscoverContext): Promise<Map<string, string[]>> {
  const named = new Map<string, string[]>();
  for (const { target, definition } of await bakeBuilders(dockerfilePath, context)) {
    for (const [contextName, value] of namedContexts(target, definition)) {
      const values = named.get(contextName) ?? [];
      if (!values.includes(value)) values.push(value);
      named.set(contextName, values);
    }
  }
  return named;
}

/**
 * The build arguments each bake target building the Dockerfile at `dockerfilePath` gives it, and
 * which target of which file, with the target's named contexts (a `FROM` may name one): an
 * argument bake passes as `null`, or whose value is not known here, is left out.
 */
export async function bakeBuildArgs(dockerfilePath: string, context: DiscoverContext): Promise<Array<{ args: Record<string, string>; source: string; contexts: Map<string, string> }>> {
  const sets: Array<{ args: Record<string, string>; source: string; contexts: Map<string, string> }> = [];
  for (const { target, definition } of await bakeBuilders(dockerfilePath, context)) {
    const args: Record<string, string> = {};
    for (const [name, expression] of target.args) {
      const value = evaluate(expression, definition);
      if (typeof value === 'string') args[name] = value;
    }
    sets.push({ args, source: `bake target ${target.name} of ${target.file}`, contexts: namedContexts(target, definition) });
  }
  return sets;
}
