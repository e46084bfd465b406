/**
 * The values of Groovy expressions in a Jenkinsfile, as far as the file itself says: string
 * literals, GString interpolation (`"x:${VERSION}"`, `"$VERSION"`, `"${env.VERSION}"`), `+`
 * concatenation, and variables set once to a literal (`def VERSION = '1.2'`, `String V = "1.2"`,
 * `environment { VERSION = '1.2' }`, `env.VERSION = '1.2'`). Anything else (a build parameter, a
 * variable Jenkins or another step sets, a method call) is unresolved, with the reason.
 */
import type { GroovyToken } from './groovy-lex.js';
import { MAX_SUBSTITUTED_TEXT } from './image-site.js';

export type GroovyValue = string | { unresolved: string };

/** Bound on variables defined from variables. */
const MAX_NESTING = 8;
/** Tokens after which a line break does not end an expression. */
const CONTINUES = new Set(['+', '.', '?.', '(', '[', ',', '?', ':']);

/** A run of tokens: [start, end). */
export interface TokenRange {
  start: number;
  end: number;
}

/**
 * Where the expression starting at `start` ends: at a `,`, `;` or closing bracket of its own depth, at
 * a `{` (a closure), or at a line break that does not follow an operator.
 */
export function expressionEnd(tokens: readonly GroovyToken[], start: number, limit = tokens.length): number {
  let depth = 0;
  for (let index = start; index < limit; index++) {
    const token = tokens[index];
    if (index > start && depth === 0 && token.newlineBefore && !CONTINUES.has(tokens[index - 1].text) && token.text !== '+' && token.text !== '.') return index;
    if (token.type !== 'punct') continue;
    if (token.text === '(' || token.text === '[') depth++;
    else if (token.text === ')' || token.text === ']') {
      if (depth === 0) return index;
      depth--;
    } else if (depth === 0 && (token.text === ',' || token.text === ';' || token.text === '}' || token.text === '{')) return index;
  }
  return limit;
}

/** Groovy escapes of a string's content, for the characters an image can hold. */
function unescape(content: string): string {
  if (!content.includes('\\')) return content;
  let output = '';
  for (let index = 0; index < content.length; index++) {
    if (content[index] === '\\' && index + 1 < content.length) {
      const next = content[++index];
      output += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else output += content[index];
  }
  return output;
}

export class GroovyValues {
  /** Every expression assigned to each name (`env.X` assignments under X). */
  private readonly assignments = new Map<string, TokenRange[]>();
  /** Each variable's value once evaluated, and those being evaluated (a cycle is unresolved). */
  private readonly values = new Map<string, GroovyValue>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly tokens: readonly GroovyToken[],
    private readonly text: string,
  ) {
    for (let index = 1; index + 1 < tokens.length; index++) {
      const token = tokens[index];
      if (token.type !== 'punct' || token.text !== '=') continue;
      const name = tokens[index - 1];
      if (name.type !== 'ident') continue;
      const before = tokens[index - 2];
      // `x.y = ...` sets a property, except `env.X = ...`, which sets the environment variable X.
      if (before?.text === '.' && tokens[index - 3]?.text !== 'env') continue;
      const range = { start: index + 1, end: expressionEnd(tokens, index + 1) };
      const list = this.assignments.get(name.text) ?? [];
      list.push(range);
      this.assignments.set(name.text, list);
    }
  }

  /** The expressions assigned to a name, as written. */
  assignedRanges(name: string): readonly TokenRange[] {
    return this.assignments.get(name) ?? [];
  }

  /** The value of the expression `range`. */
  evaluate(range: TokenRange, depth = 0): GroovyValue {
    if (range.end <= range.start) return { unresolved: 'the expression is empty' };
    let output = '';
    let index = range.start;
    while (index < range.end) {
      const part = this.part(index, range.end, depth);
      if (typeof part.value !== 'string') return part.value;
      output += part.value;
      if (output.length > MAX_SUBSTITUTED_TEXT) return { unresolved: `the expression makes text longer than ${MAX_SUBSTITUTED_TEXT} characters` };
      index = part.next;
      if (index < range.end) {
        if (this.tokens[index].text !== '+') return { unresolved: `${this.sourceOf(range)} cannot be resolved from this file` };
        index++;
      }
    }
    return output;
  }

  /** One operand of a `+` chain: a string, a variable, `env.X` or `params.X`. */
  private part(index: number, end: number, depth: number): { value: GroovyValue; next: number } {
    const token = this.tokens[index];
    if (token.type === 'string') {
      const interpolated = token.quote === '"' || token.quote === '"""';
      return { value: interpolated ? this.interpolate(token.text, depth) : unescape(token.text), next: index + 1 };
    }
    if (token.type === 'ident') {
      const dotted = this.tokens[index + 1]?.text === '.' && this.tokens[index + 2]?.type === 'ident' && index + 2 < end;
      const path = dotted ? `${token.text}.${this.tokens[index + 2].text}` : token.text;
      const next = dotted ? index + 3 : index + 1;
      if (next < end && this.tokens[next].text !== '+') return { value: { unresolved: `${this.sourceOf({ start: index, end })} cannot be resolved from this file` }, next: end };
      return { value: this.variable(path, depth), next };
    }
    return { value: { unresolved: `${this.sourceOf({ start: index, end })} cannot be resolved from this file` }, next: end };
  }

  /** A variable by name (`NAME`, `env.NAME`, `params.NAME`); each name is evaluated once per file. */
  variable(path: string, depth: number): GroovyValue {
    if (path.startsWith('params.')) return { unresolved: `${path} is a build parameter, known only when the build runs` };
    const name = path.startsWith('env.') ? path.slice(4) : path;
    if (name.includes('.')) return { unresolved: `${path} cannot be resolved from this file` };
    const known = this.values.get(name);
    if (known !== undefined) return known;
    if (this.evaluating.has(name)) return { unresolved: `${name} is defined from itself` };
    if (depth >= MAX_NESTING) return { unresolved: `${name} is defined through more than ${MAX_NESTING} variables` };
    this.evaluating.add(name);
    const value = this.assigned(name, depth);
    this.evaluating.delete(name);
    this.values.set(name, value);
    return value;
  }

  private assigned(name: string, depth: number): GroovyValue {
    const ranges = this.assignments.get(name) ?? [];
    if (ranges.length === 0) return { unresolved: `${name} is not set in this file: an environment variable or a value known only when the build runs` };
    const first = this.evaluate(ranges[0], depth + 1);
    if (typeof first !== 'string') {
      const source = this.sourceOf(ranges[0]);
      // The reason names the expression itself when it is not a variable's: said once.
      return { unresolved: first.unresolved.startsWith(source) ? `${name} is set to ${source}, which cannot be resolved from this file` : `${name} is set to ${source}: ${first.unresolved}` };
    }
    for (const range of ranges.slice(1)) {
      if (this.evaluate(range, depth + 1) !== first) return { unresolved: `${name} is set to more than one value in this file` };
    }
    return first;
  }

  /** GString content: `${expr}` and `$name` replaced by their values; `\$` is a literal `$`. */
  interpolate(content: string, depth: number): GroovyValue {
    let output = '';
    let index = 0;
    while (index < content.length) {
      const char = content[index];
      if (char === '\\' && index + 1 < content.length) {
        output += unescape(content.slice(index, index + 2));
        index += 2;
        continue;
      }
      if (char !== '$') {
        output += char;
        index++;
        continue;
      }
      const { expression, next } = interpolatedExpression(content, index);
      if (expression === undefined) {
        output += char;
        index++;
        continue;
      }
      const value = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(expression)
        ? this.variable(expression, depth)
        : { unresolved: `\${${expression}} cannot be resolved from this file` };
      if (typeof value !== 'string') return value;
      output += value;
      if (output.length > MAX_SUBSTITUTED_TEXT) return { unresolved: `interpolation makes text longer than ${MAX_SUBSTITUTED_TEXT} characters` };
      index = next;
    }
    return output;
  }

  /** The source text of a token range, its first line, bounded. */
  sourceOf(range: TokenRange): string {
    if (range.end <= range.start) return '';
    const written = this.text.slice(this.tokens[range.start].start, this.tokens[range.end - 1].end);
    const line = written.split('\n', 1)[0];
    return line.length > 120 ? `${line.slice(0, 120)}…` : line;
  }
}

/** The expression of `${...}` or `$name.name` at `dollar` in GString content, and where it ends. */
function interpolatedExpression(content: string, dollar: number): { expression?: string; next: number } {
  if (content[dollar + 1] === '{') {
    const close = content.indexOf('}', dollar + 2);
    if (close < 0) return { next: dollar + 1 };
    return { expression: content.slice(dollar + 2, close).trim(), next: close + 1 };
  }
  let end = dollar + 1;
  const isPart = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || (code >= 48 && code <= 57);
  if (!isPart(content.charCodeAt(end)) || (content.charCodeAt(end) >= 48 && content.charCodeAt(end) <= 57)) return { next: dollar + 1 };
  // `$a.b` reads a property path; a dot not followed by a name ends it (`"$TAG."`).
  while (end < content.length && (isPart(content.charCodeAt(end)) || (content[end] === '.' && isPart(content.charCodeAt(end + 1)) && content.charCodeAt(end + 1) > 57))) end++;
  return { expression: content.slice(dollar + 1, end), next: end };
}
