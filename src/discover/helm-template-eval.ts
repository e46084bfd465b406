/**
 * A small evaluator for the Go-template expressions Helm charts write in `image:` lines, using the
 * chart's default values and Chart.yaml. It knows the common forms (`.Values.a.b`, `$.Values`,
 * `.Chart.Name/Version/AppVersion`, `default`, `quote`, `printf`, `toString`, `trimPrefix`, ...) and
 * inline `if/else/end`, and `include` of the chart's own named templates with the chart root as
 * data; anything that depends on the release, other named templates, variables or an unknown
 * function is reported as unresolved with the reason, never guessed.
 */
import type { ChartMetadata } from './helm-chart.js';

/** Why an expression cannot be evaluated; the message is shown to people. */
export class Unresolvable extends Error {}

/** One piece of template text: literal text or an action (`{{ ... }}`) with its trim markers. */
export type TemplateSegment =
  | { kind: 'text'; text: string; start: number }
  | { kind: 'action'; body: string; trimLeft: boolean; trimRight: boolean; start: number; end: number; unclosed?: true };

/** Splits template text into literal text and actions; quoted strings inside actions may contain `}}`. */
export function scanTemplate(text: string, from = 0, to = text.length): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let index = from;
  while (index < to) {
    const open = text.indexOf('{{', index);
    if (open < 0 || open >= to) {
      segments.push({ kind: 'text', text: text.slice(index, to), start: index });
      break;
    }
    if (open > index) segments.push({ kind: 'text', text: text.slice(index, open), start: index });
    const close = findActionEnd(text, open + 2, to);
    if (close < 0) {
      // An unterminated action: the rest is not a template Helm could render either.
      segments.push({ kind: 'action', body: text.slice(open + 2, to).trim(), trimLeft: false, trimRight: false, start: open, end: to, unclosed: true });
      break;
    }
    let body = text.slice(open + 2, close);
    const trimLeft = /^-\s/.test(body);
    const trimRight = /\s-$/.test(body);
    if (trimLeft) body = body.slice(1);
    if (trimRight) body = body.slice(0, -1);
    segments.push({ kind: 'action', body: body.trim(), trimLeft, trimRight, start: open, end: close + 2 });
    index = close + 2;
  }
  return segments;
}

function findActionEnd(text: string, from: number, to: number): number {
  let index = from;
  while (index < to - 1) {
    const ch = text[index];
    if (ch === '"' || ch === '`') {
      const quote = ch;
      index++;
      while (index < to && text[index] !== quote) {
        if (quote === '"' && text[index] === '\\') index++;
        if (text[index] === '\n' && quote === '"') return -1;
        index++;
      }
      index++;
      continue;
    }
    if (ch === '}' && text[index + 1] === '}') return index;
    index++;
  }
  return -1;
}

/** Control keywords that open a block, and whether they change what `.` is. */
const BLOCK_OPENERS: Record<string, 'keeps-dot' | 'changes-dot' | 'new-scope'> = {
  if: 'keeps-dot',
  with: 'changes-dot',
  range: 'changes-dot',
  define: 'new-scope',
  block: 'new-scope',
};

/** The first word of an action body (`if`, `end`, `include`, a field...). */
export function actionKeyword(body: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(body)?.[0] ?? '';
}

/** What scope an expression is evaluated in, from the blocks enclosing it. */
export interface Scope {
  /** Inside `with`/`range`: `.` is not the chart root (but `$` is). */
  dotChanged: boolean;
  /** Inside `define`/`block`: neither `.` nor `$` is known. */
  inDefine: boolean;
}

/** Tracks the blocks open at each offset of a template file. */
export function scopeTracker(text: string): (offset: number) => Scope {
  const events: Array<{ offset: number; stack: string[] }> = [];
  const stack: string[] = [];
  // Bounded: a file nesting blocks this deep is generated, and scopes past the bound read as the root.
  const maxDepth = 100;
  for (const segment of scanTemplate(text)) {
    if (segment.kind !== 'action' || segment.body.startsWith('/*')) continue;
    const keyword = actionKeyword(segment.body);
    if (keyword in BLOCK_OPENERS) {
      if (stack.length >= maxDepth) continue;
      stack.push(keyword);
    } else if (keyword === 'end') stack.pop();
    else continue;
    events.push({ offset: segment.end, stack: [...stack] });
  }
  return (offset) => {
    // The last event at or before the offset (events are in file order).
    let low = 0;
    let high = events.length - 1;
    let current: string[] = [];
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (events[middle].offset <= offset) {
        current = events[middle].stack;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return {
      dotChanged: current.some((keyword) => BLOCK_OPENERS[keyword] === 'changes-dot'),
      inDefine: current.some((keyword) => BLOCK_OPENERS[keyword] === 'new-scope'),
    };
  };
}

export interface EvaluationInput {
  values: Record<string, unknown> | undefined;
  chart: ChartMetadata;
  scope: Scope;
  /**
   * The chart's own named templates (`define`), by name. `include "name" .` (or `$`) renders one
   * with "." the chart root; without this map, or for a name it lacks, the include is unresolved.
   */
  namedTemplates?: ReadonlyMap<string, NamedTemplate>;
  /** Named templates being rendered, outermost first: bounds nesting and stops cycles. */
  includeStack?: readonly string[];
  /** Includes still allowed in this evaluation, shared by every nested include. */
  includeBudget?: { remaining: number };
}

/** A `define` body, or why the name cannot be used (defined twice, differently). */
export type NamedTemplate = { body: string } | { unresolved: string };

/** How deep `include` may nest, and how many includes one image expression may render in all. */
const MAX_INCLUDE_DEPTH = 8;
const MAX_INCLUDES = 200;
/** Bounds on collecting definitions from one file. */
const MAX_DEFINITIONS = 2_000;
const MAX_DEFINITION_LENGTH = 64 * 1024;
/**
 * Longest text any step of an image expression may produce. `replace "" (long) (long)` or a
 * printf of many long values would otherwise build strings of hundreds of megabytes from a small
 * chart; no image reference comes near this.
 */
const MAX_RENDERED_LENGTH = 64 * 1024;

function tooLong(): Unresolvable {
  return new Unresolvable(`the expression renders text longer than ${MAX_RENDERED_LENGTH} characters`);
}

/** Joins strings only when the result stays within MAX_RENDERED_LENGTH. */
function joinBounded(parts: string[], separator = ''): string {
  let length = separator.length * Math.max(0, parts.length - 1);
  for (const part of parts) {
    length += part.length;
    if (length > MAX_RENDERED_LENGTH) throw tooLong();
  }
  return parts.join(separator);
}

/**
 * The `define "name"` blocks of a template file, each body as text/template keeps it: the text
 * between the define action and its `end`, with the trim markers of both applied.
 */
export function collectDefinitions(text: string): Map<string, string> {
  const definitions = new Map<string, string>();
  const segments = scanTemplate(text);
  for (let index = 0; index < segments.length && definitions.size < MAX_DEFINITIONS; index++) {
    const segment = segments[index];
    if (segment.kind !== 'action' || actionKeyword(segment.body) !== 'define') continue;
    const name = /^define\s+"((?:[^"\\]|\\.)*)"\s*$/.exec(segment.body)?.[1];
    let depth = 0;
    let endIndex = -1;
    for (let inner = index + 1; inner < segments.length; inner++) {
      const candidate = segments[inner];
      if (candidate.kind !== 'action' || candidate.body.startsWith('/*')) continue;
      const keyword = actionKeyword(candidate.body);
      if (keyword in BLOCK_OPENERS) depth++;
      else if (keyword === 'end') {
        if (depth === 0) {
          endIndex = inner;
          break;
        }
        depth--;
      }
    }
    if (endIndex < 0) break;
    const end = segments[endIndex] as Extract<TemplateSegment, { kind: 'action' }>;
    if (name !== undefined && end.start - segment.end <= MAX_DEFINITION_LENGTH) {
      let body = text.slice(segment.end, end.start);
      if (segment.trimRight) body = body.replace(/^\s+/, '');
      if (end.trimLeft) body = body.replace(/\s+$/, '');
      definitions.set(name, body);
    }
    index = endIndex;
  }
  return definitions;
}

/** Renders a named template with "." the chart root, within the include bounds. */
function renderNamedTemplate(name: string, input: EvaluationInput): string {
  const definition = input.namedTemplates?.get(name);
  if (definition === undefined) throw new Unresolvable(`include ${JSON.stringify(name)} renders a named template this chart does not define`);
  if ('unresolved' in definition) throw new Unresolvable(definition.unresolved);
  const stack = input.includeStack ?? [];
  if (stack.includes(name)) throw new Unresolvable(`include ${JSON.stringify(name)} includes itself (${[...stack, name].join(' -> ')})`);
  if (stack.length >= MAX_INCLUDE_DEPTH) throw new Unresolvable(`includes nest deeper than ${MAX_INCLUDE_DEPTH} named templates`);
  const budget = input.includeBudget ?? { remaining: MAX_INCLUDES };
  if (--budget.remaining < 0) throw new Unresolvable(`the image renders more than ${MAX_INCLUDES} named templates`);
  try {
    return renderTemplate(definition.body, {
      ...input,
      scope: { dotChanged: false, inDefine: false },
      includeStack: [...stack, name],
      includeBudget: budget,
    });
  } catch (error) {
    if (!(error instanceof Unresolvable)) throw error;
    throw new Unresolvable(`include ${JSON.stringify(name)}: ${error.message}`);
  }
}

/** Renders template text (literal text and actions) to a string, or throws Unresolvable. */
export function renderTemplate(text: string, input: EvaluationInput): string {
  const segments = scanTemplate(text);
  // Trim markers remove the whitespace next to an action, as text/template does.
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (segment.kind !== 'action') continue;
    const before = segments[index - 1];
    const after = segments[index + 1];
    if (segment.trimLeft && before?.kind === 'text') before.text = before.text.replace(/\s+$/, '');
    if (segment.trimRight && after?.kind === 'text') after.text = after.text.replace(/^\s+/, '');
  }
  return renderSegments(segments, 0, segments.length, input).output;
}

/** Renders segments[from, to), handling inline `if`/`else`/`end`. */
function renderSegments(segments: TemplateSegment[], from: number, to: number, input: EvaluationInput): { output: string } {
  let output = '';
  let index = from;
  while (index < to) {
    const segment = segments[index];
    if (output.length > MAX_RENDERED_LENGTH) throw tooLong();
    if (segment.kind === 'text') {
      output += segment.text;
      index++;
      continue;
    }
    const body = segment.body;
    if (segment.unclosed) throw new Unresolvable(`{{ ${body} is not closed with }}, so Helm cannot render it`);
    if (body.startsWith('/*')) {
      index++;
      continue;
    }
    const keyword = actionKeyword(body);
    if (keyword === 'if') {
      const branches = splitConditional(segments, index, to);
      let chosen: [number, number] | undefined;
      for (const branch of branches) {
        if (branch.condition === undefined || truthy(evaluatePipeline(branch.condition, input))) {
          chosen = [branch.from, branch.to];
          break;
        }
      }
      if (chosen) output += renderSegments(segments, chosen[0], chosen[1], input).output;
      index = branches[branches.length - 1].end;
      continue;
    }
    if (keyword === 'with' || keyword === 'range') throw new Unresolvable(`{{ ${body} }} changes the scope inside the image`);
    if (keyword === 'else' || keyword === 'end') throw new Unresolvable(`{{ ${body} }} closes a block opened outside the image`);
    if (keyword === 'define' || keyword === 'block') throw new Unresolvable(`{{ ${body} }} defines a template`);
    output += printValue(evaluatePipeline(body, input), body);
    index++;
  }
  return { output };
}

/** The branches of an inline `if ... else if ... else ... end`, and where it ends. */
function splitConditional(
  segments: TemplateSegment[],
  start: number,
  to: number,
): Array<{ condition?: string; from: number; to: number; end: number }> {
  const branches: Array<{ condition?: string; from: number; to: number; end: number }> = [];
  let depth = 0;
  let condition: string | undefined = (segments[start] as { body: string }).body.replace(/^if\s+/, '');
  let branchStart = start + 1;
  for (let index = start + 1; index < to; index++) {
    const segment = segments[index];
    if (segment.kind !== 'action') continue;
    const keyword = actionKeyword(segment.body);
    if (keyword in BLOCK_OPENERS) depth++;
    else if (keyword === 'end' && depth > 0) depth--;
    else if (depth === 0 && keyword === 'else') {
      branches.push({ condition, from: branchStart, to: index, end: 0 });
      const rest = segment.body.replace(/^else\s*/, '');
      if (rest !== '' && !rest.startsWith('if ')) throw new Unresolvable(`{{ ${segment.body} }} is not evaluated`);
      condition = rest === '' ? undefined : rest.slice(3);
      branchStart = index + 1;
    } else if (depth === 0 && keyword === 'end') {
      branches.push({ condition, from: branchStart, to: index, end: 0 });
      for (const branch of branches) branch.end = index + 1;
      return branches;
    }
  }
  throw new Unresolvable('an {{ if }} inside the image is not closed on the same line');
}

/** Text/template printing, with Helm's rule that a missing value prints as nothing (reported here instead). */
function printValue(value: unknown, body: string): string {
  if (value === undefined || value === null) throw new Unresolvable(`{{ ${body} }} has no value in the chart's default values`);
  return goString(value, body);
}

/** Go's %v for the values YAML gives: strings, float64 numbers, booleans. */
export function goString(value: unknown, what = 'value'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFloat(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === undefined || value === null) return '';
  throw new Unresolvable(`${what} is ${Array.isArray(value) ? 'a list' : 'a map'}, not text`);
}

/**
 * Helm reads numbers in values as float64 and prints them with Go's %v (shortest digits, exponent
 * form below 1e-4 and from 1e6 up), so `tag: 20240101` renders "2.0240101e+07" and `tag: 1.10` "1.1".
 */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

// ---- pipelines ----

type Token =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'field'; text: string }
  | { type: 'variable'; text: string }
  | { type: 'ident'; text: string }
  | { type: 'pipe' }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'assign' };

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < body.length) {
    const rest = body.slice(index);
    const space = /^\s+/.exec(rest);
    if (space) {
      index += space[0].length;
      continue;
    }
    const ch = body[index];
    if (ch === '"') {
      const match = /^"(?:[^"\\]|\\.)*"/.exec(rest);
      if (!match) throw new Unresolvable(`unterminated string in {{ ${body} }}`);
      try {
        tokens.push({ type: 'string', value: JSON.parse(match[0]) as string });
      } catch {
        throw new Unresolvable(`string ${match[0]} uses an escape this reader does not evaluate`);
      }
      index += match[0].length;
      continue;
    }
    if (ch === '`') {
      const close = body.indexOf('`', index + 1);
      if (close < 0) throw new Unresolvable(`unterminated string in {{ ${body} }}`);
      tokens.push({ type: 'string', value: body.slice(index + 1, close) });
      index = close + 1;
      continue;
    }
    if (ch === '|') {
      tokens.push({ type: 'pipe' });
      index++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ type: ch === '(' ? 'open' : 'close' });
      index++;
      continue;
    }
    const assign = /^:?=/.exec(rest);
    if (assign) {
      tokens.push({ type: 'assign' });
      index += assign[0].length;
      continue;
    }
    const number = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_])/.exec(rest);
    if (number && !/^\.[A-Za-z_]/.test(rest)) {
      tokens.push({ type: 'number', value: Number(number[0]) });
      index += number[0].length;
      continue;
    }
    const field = /^(?:\$[A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*)+|^\.(?![A-Za-z_])/.exec(rest);
    if (field && (ch === '.' || ch === '$')) {
      tokens.push({ type: 'field', text: field[0] });
      index += field[0].length;
      continue;
    }
    const variable = /^\$[A-Za-z0-9_]*/.exec(rest);
    if (variable) {
      tokens.push({ type: 'variable', text: variable[0] });
      index += variable[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      const word = ident[0];
      if (word === 'true' || word === 'false') tokens.push({ type: 'bool', value: word === 'true' });
      else if (word === 'nil') tokens.push({ type: 'nil' });
      else tokens.push({ type: 'ident', text: word });
      index += word.length;
      continue;
    }
    throw new Unresolvable(`{{ ${body} }} has syntax this reader does not evaluate ("${ch}")`);
  }
  return tokens;
}

/** Evaluates one action body (a pipeline). */
export function evaluatePipeline(body: string, input: EvaluationInput): unknown {
  const tokens = tokenize(body);
  if (tokens.some((token) => token.type === 'assign')) throw new Unresolvable(`{{ ${body} }} assigns a template variable`);
  const parser = new PipelineParser(tokens, input, body);
  const value = parser.pipeline();
  if (!parser.done()) throw new Unresolvable(`{{ ${body} }} has syntax this reader does not evaluate`);
  return value;
}

class PipelineParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly input: EvaluationInput,
    private readonly body: string,
  ) {}

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  pipeline(): unknown {
    let value = this.command(undefined, false);
    while (this.tokens[this.position]?.type === 'pipe') {
      this.position++;
      value = this.command(value, true);
    }
    return value;
  }

  /** A command: a function call with arguments, or a single operand; `piped` is appended as the last argument. */
  private command(piped: unknown, hasPiped: boolean): unknown {
    const first = this.tokens[this.position];
    if (!first) throw new Unresolvable(`{{ ${this.body} }} is empty where a value is expected`);
    if (first.type === 'ident' && (first.text === 'include' || first.text === 'template') && this.input.namedTemplates !== undefined) {
      this.position++;
      return this.include(first.text, hasPiped);
    }
    if (first.type === 'ident') {
      this.position++;
      // Decided before the arguments are evaluated: `include "x" .` is unresolvable for what it is, not for its `.`.
      if (!EVALUATED_FUNCTIONS.has(first.text)) {
        const next = this.tokens[this.position];
        throw new Unresolvable(unevaluatedFunction(first.text, next?.type === 'string' ? next.value : undefined));
      }
      const args: unknown[] = [];
      while (this.position < this.tokens.length && !['pipe', 'close'].includes(this.tokens[this.position].type)) args.push(this.operand());
      if (hasPiped) args.push(piped);
      return callFunction(first.text, args);
    }
    if (hasPiped) throw new Unresolvable(`{{ ${this.body} }} pipes into something that is not a function`);
    const value = this.operand();
    if (this.position < this.tokens.length && !['pipe', 'close'].includes(this.tokens[this.position].type)) {
      throw new Unresolvable(`{{ ${this.body} }} has syntax this reader does not evaluate`);
    }
    return value;
  }

  /** `include "name" .` / `template "name" .` of the chart's own named templates, with the chart root as data. */
  private include(keyword: string, hasPiped: boolean): string {
    const nameToken = this.tokens[this.position];
    if (nameToken?.type !== 'string') throw new Unresolvable(unevaluatedFunction(keyword, undefined));
    this.position++;
    const name = nameToken.value;
    const argument = this.tokens[this.position];
    const isDot = argument?.type === 'field' && argument.text === '.';
    const isRoot = argument?.type === 'variable' && argument.text === '$';
    if (!this.input.namedTemplates?.has(name)) {
      throw new Unresolvable(`${keyword} ${JSON.stringify(name)} renders a named template this chart does not define (a library chart's, or a missing one), which is not evaluated`);
    }
    if (hasPiped || (!isDot && !isRoot)) {
      throw new Unresolvable(`${keyword} ${JSON.stringify(name)} is given data other than the chart root, which is not evaluated`);
    }
    this.position++;
    const next = this.tokens[this.position];
    if (next !== undefined && next.type !== 'pipe' && next.type !== 'close') {
      throw new Unresolvable(`${keyword} ${JSON.stringify(name)} has syntax this reader does not evaluate`);
    }
    if (this.input.scope.inDefine) throw new Unresolvable(`${keyword} ${JSON.stringify(name)} is inside a named template, where "." is whatever its caller passes`);
    if (isDot && this.input.scope.dotChanged) {
      throw new Unresolvable(`${keyword} ${JSON.stringify(name)} passes "." inside a with/range block, where "." is not the chart root`);
    }
    return renderNamedTemplate(name, this.input);
  }

  private operand(): unknown {
    const token = this.tokens[this.position++];
    switch (token?.type) {
      case 'string':
      case 'number':
      case 'bool':
        return token.value;
      case 'nil':
        return undefined;
      case 'field':
        return resolveField(token.text, this.input);
      case 'variable':
        throw new Unresolvable(`template variable ${token.text} is only known when Helm renders`);
      case 'ident':
        // A function without arguments used as an operand, e.g. `(now)`.
        if (!EVALUATED_FUNCTIONS.has(token.text)) throw new Unresolvable(unevaluatedFunction(token.text, undefined));
        return callFunction(token.text, []);
      case 'open': {
        const value = this.pipeline();
        if (this.tokens[this.position]?.type !== 'close') throw new Unresolvable(`unbalanced parentheses in {{ ${this.body} }}`);
        this.position++;
        return value;
      }
      default:
        throw new Unresolvable(`{{ ${this.body} }} has syntax this reader does not evaluate`);
    }
  }
}

/** `.Values.a.b`, `$.Values.a`, `.Chart.Name`, ...; what depends on the release or the scope is unresolvable. */
function resolveField(text: string, input: EvaluationInput): unknown {
  const rooted = text.startsWith('$.');
  if (text.startsWith('$') && !rooted) throw new Unresolvable(`template variable ${text.split('.')[0]} is only known when Helm renders`);
  if (input.scope.inDefine) throw new Unresolvable(`${text} is inside a named template, where "." is whatever its caller passes`);
  if (!rooted && input.scope.dotChanged) throw new Unresolvable(`${text} is inside a with/range block, where "." is not the chart root`);
  const path = text.replace(/^\$/, '').split('.').filter((part) => part !== '');
  if (path.length === 0) throw new Unresolvable(`"${text}" is the whole chart context, not text`);
  const [root, ...rest] = path;
  if (root === 'Values') {
    let current: unknown = input.values;
    if (current === undefined) throw new Unresolvable(`${text} needs the chart's values.yaml, which is missing, does not parse, or expands too far through aliases`);
    for (let index = 0; index < rest.length; index++) {
      if (current === undefined || current === null) {
        throw new Unresolvable(`.Values.${rest.slice(0, index).join('.')} is not set in the chart's values.yaml`);
      }
      if (typeof current !== 'object' || Array.isArray(current)) throw new Unresolvable(`.Values.${rest.slice(0, index).join('.')} is not a map`);
      current = Object.prototype.hasOwnProperty.call(current, rest[index]) ? (current as Record<string, unknown>)[rest[index]] : undefined;
    }
    return current;
  }
  if (root === 'Chart') {
    const fields: Record<string, keyof ChartMetadata> = { Name: 'name', Version: 'version', AppVersion: 'appVersion' };
    if (rest.length === 1 && rest[0] in fields) return input.chart[fields[rest[0]]];
    throw new Unresolvable(`${text} is not read from Chart.yaml`);
  }
  if (['Release', 'Capabilities', 'Template', 'Files', 'Subcharts'].includes(root)) {
    throw new Unresolvable(`${text} depends on the release Helm installs`);
  }
  throw new Unresolvable(`${text} is not a value this reader knows`);
}

function isEmpty(value: unknown): boolean {
  return !truthy(value);
}

/** The template functions evaluated here, with their results bounded in length. */
function callFunction(name: string, args: unknown[]): unknown {
  const result = callFunctionUnbounded(name, args);
  if (typeof result === 'string' && result.length > MAX_RENDERED_LENGTH) throw tooLong();
  return result;
}

/** The template functions evaluated here; all others are unresolvable, by name. */
function callFunctionUnbounded(name: string, args: unknown[]): unknown {
  const text = (value: unknown): string => goString(value, `an argument of ${name}`);
  const arity = (count: number): void => {
    if (args.length !== count) throw new Unresolvable(`${name} called with ${args.length} arguments`);
  };
  switch (name) {
    case 'default':
      arity(2);
      return isEmpty(args[1]) ? args[0] : args[1];
    case 'coalesce':
      return args.find((arg) => !isEmpty(arg));
    case 'quote':
      return joinBounded(args.filter((arg) => arg !== undefined && arg !== null).map((arg) => JSON.stringify(text(arg))), ' ');
    case 'squote':
      return joinBounded(args.filter((arg) => arg !== undefined && arg !== null).map((arg) => `'${text(arg)}'`), ' ');
    case 'toString':
      arity(1);
      return text(args[0]);
    case 'printf': {
      if (args.length === 0 || typeof args[0] !== 'string') throw new Unresolvable('printf without a format string');
      return sprintf(args[0], args.slice(1));
    }
    case 'print':
      return joinBounded(args.map((arg, index) => (index > 0 && typeof arg !== 'string' && typeof args[index - 1] !== 'string' ? ' ' : '') + text(arg)));
    case 'trimPrefix':
      arity(2);
      return text(args[1]).startsWith(text(args[0])) ? text(args[1]).slice(text(args[0]).length) : text(args[1]);
    case 'trimSuffix':
      arity(2);
      return text(args[1]).endsWith(text(args[0])) && text(args[0]) !== '' ? text(args[1]).slice(0, -text(args[0]).length) : text(args[1]);
    case 'trim':
      arity(1);
      return text(args[0]).trim();
    case 'lower':
      arity(1);
      return text(args[0]).toLowerCase();
    case 'upper':
      arity(1);
      return text(args[0]).toUpperCase();
    case 'replace':
      arity(3);
      return joinBounded(text(args[2]).split(text(args[0])), text(args[1]));
    case 'ternary':
      arity(3);
      return truthy(args[2]) ? args[0] : args[1];
    case 'required':
      arity(2);
      if (isEmpty(args[1])) throw new Unresolvable(`a required value is not set in the chart's default values (${text(args[0])})`);
      return args[1];
    case 'empty':
      arity(1);
      return isEmpty(args[0]);
    case 'not':
      arity(1);
      return !truthy(args[0]);
    case 'and':
      return args.reduce((result, arg) => (truthy(result) ? arg : result));
    case 'or':
      return args.find((arg) => truthy(arg)) ?? args[args.length - 1];
    case 'eq':
      return args.slice(1).some((arg) => arg === args[0]);
    case 'ne':
      arity(2);
      return args[0] !== args[1];
    default:
      throw new Unresolvable(unevaluatedFunction(name, undefined));
  }
}

const EVALUATED_FUNCTIONS = new Set([
  'default', 'coalesce', 'quote', 'squote', 'toString', 'printf', 'print', 'trimPrefix', 'trimSuffix', 'trim',
  'lower', 'upper', 'replace', 'ternary', 'required', 'empty', 'not', 'and', 'or', 'eq', 'ne',
]);

/** Why a function's result is not known here. */
function unevaluatedFunction(name: string, firstArgument: string | undefined): string {
  switch (name) {
    case 'include':
    case 'template':
      return `${name}${firstArgument !== undefined ? ` ${JSON.stringify(firstArgument)}` : ''} renders a named template, which is not evaluated`;
    case 'tpl':
      return 'tpl renders a value as a template at install time';
    case 'lookup':
      return 'lookup reads the live cluster';
    default:
      return `the template function ${name} is not evaluated`;
  }
}

/** Go's fmt verbs that matter for image text: %s %v %d %q %%. */
function sprintf(format: string, args: unknown[]): string {
  let argument = 0;
  let added = 0;
  const counted = (piece: string): string => {
    added += piece.length;
    if (format.length + added > MAX_RENDERED_LENGTH) throw tooLong();
    return piece;
  };
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([a-zA-Z%])/g, (whole, flags: string, verb: string) => counted(formatVerb(whole, flags, verb)));

  function formatVerb(whole: string, flags: string, verb: string): string {
    if (verb === '%') return '%';
    if (flags !== '') throw new Unresolvable(`printf verb ${whole} is not evaluated`);
    if (argument >= args.length) throw new Unresolvable(`printf "${format}" has fewer arguments than verbs`);
    const value = args[argument++];
    switch (verb) {
      case 's':
      case 'v':
        if (value === undefined || value === null) throw new Unresolvable(`a printf argument has no value in the chart's default values`);
        return goString(value, 'a printf argument');
      case 'd':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new Unresolvable(`printf %d of a value that is not an integer`);
        return String(value);
      case 'q':
        return JSON.stringify(goString(value, 'a printf argument'));
      default:
        throw new Unresolvable(`printf verb ${whole} is not evaluated`);
    }
  }
}
