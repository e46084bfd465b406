/**
 * GitHub Actions expressions (the text inside `${{ }}`) as far as a scan can evaluate them:
 * string, number, `true`/`false`/`null` literals, `matrix.*` paths, `!`, `==`, `!=`, `&&`, `||`,
 * parentheses and the functions `contains`, `startsWith`, `endsWith` and `format`, with GitHub's semantics: `&&` and `||` yield one of their operands (so
 * `(matrix.name == 'Tests') && 'postgres:17' || ''` is an image or nothing), `==` compares strings
 * ignoring case and other mixed types as numbers. Any other context (`github`, `env`, `needs`...)
 * or function is only known when the workflow runs: such an expression does not parse.
 */

export type Expression =
  | { literal: string | number | boolean | null }
  | { path: string[] }
  | { not: Expression }
  | { call: FunctionName; args: Expression[] }
  | { operator: Operator; left: Expression; right: Expression };

type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** The functions evaluated, with their number of arguments (format: at least one). */
const FUNCTIONS = { contains: 2, startsWith: 2, endsWith: 2, format: -1 } as const;
type FunctionName = keyof typeof FUNCTIONS;
/** Most arguments read in one call. */
const MAX_ARGUMENTS = 16;

/** Longer expressions are not image expressions; also bounds the work on untrusted text. */
const MAX_EXPRESSION_LENGTH = 1024;
/** Deepest nesting of parentheses and `!` read. */
const MAX_DEPTH = 32;

const TOKEN = /\s*(?:('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)|(==|!=|<=|>=|&&|\|\||[()!<>,]))/y;

type Token = { string: string } | { number: number } | { name: string } | { symbol: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (text.slice(TOKEN.lastIndex).trim() === '') break;
    const match = TOKEN.exec(text);
    if (!match) return undefined;
    if (match[1] !== undefined) tokens.push({ string: match[1].slice(1, -1).replace(/''/g, "'") });
    else if (match[2] !== undefined) tokens.push({ number: Number(match[2]) });
    else if (match[3] !== undefined) tokens.push({ name: match[3] });
    else tokens.push({ symbol: match[4] });
  }
  return tokens;
}

/** The expression, or undefined when it is not one a scan can evaluate. */
export function parseExpression(text: string): Expression | undefined {
  if (text.length > MAX_EXPRESSION_LENGTH) return undefined;
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  const parser = new Parser(tokens);
  const expression = parser.binary(0, 0);
  return expression && parser.done() ? expression : undefined;
}

/** Binary operators from the loosest to the tightest binding. */
const LEVELS: ReadonlyArray<ReadonlyArray<Operator>> = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>=']];

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.at === this.tokens.length;
  }

  binary(level: number, depth: number): Expression | undefined {
    if (level === LEVELS.length) return this.unary(depth);
    let left = this.binary(level + 1, depth);
    while (left) {
      const token = this.tokens[this.at];
      const operator = token && 'symbol' in token ? LEVELS[level].find((candidate) => candidate === token.symbol) : undefined;
      if (!operator) break;
      this.at++;
      const right = this.binary(level + 1, depth);
      left = right && { operator, left, right };
    }
    return left;
  }

  private unary(depth: number): Expression | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const token = this.tokens[this.at++];
    if (token === undefined) return undefined;
    if ('string' in token) return { literal: token.string };
    if ('number' in token) return { literal: token.number };
    if ('name' in token) return this.isSymbol('(') ? this.call(token.name, depth) : nameExpression(token.name);
    if (token.symbol === '!') {
      const operand = this.unary(depth + 1);
      return operand && { not: operand };
    }
    if (token.symbol !== '(') return undefined;
    const inner = this.binary(0, depth + 1);
    return inner && this.take(')') ? inner : undefined;
  }

  /** A call of one of FUNCTIONS, at its opening parenthesis; any other function is only known when the workflow runs. */
  private call(name: string, depth: number): Expression | undefined {
    if (!Object.hasOwn(FUNCTIONS, name)) return undefined;
    const call = name as FunctionName;
    this.at++;
    const args: Expression[] = [];
    while (!this.take(')')) {
      if (args.length > 0 && !this.take(',')) return undefined;
      const argument = args.length < MAX_ARGUMENTS ? this.binary(0, depth + 1) : undefined;
      if (!argument) return undefined;
      args.push(argument);
    }
    const arity = FUNCTIONS[call];
    return (arity < 0 ? args.length >= 1 : args.length === arity) ? { call, args } : undefined;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.tokens[this.at];
    return token !== undefined && 'symbol' in token && token.symbol === symbol;
  }

  private take(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.at++;
    return true;
  }
}

function nameExpression(name: string): Expression | undefined {
  if (name === 'true' || name === 'false') return { literal: name === 'true' };
  if (name === 'null') return { literal: null };
  const parts = name.split('.');
  return parts[0] === 'matrix' && parts.length > 1 ? { path: parts.slice(1) } : undefined;
}

/** GitHub's falsy values: false, 0, -0, NaN, "", null (an absent matrix key reads as null). */
function truthy(value: unknown): boolean {
  return !(value === undefined || value === null || value === false || value === 0 || value === '' || Number.isNaN(value));
}

/** A value as GitHub converts it for a comparison of mixed types. */
function asNumber(value: unknown): number {
  if (value === undefined || value === null || value === false) return 0;
  if (value === true) return 1;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  return NaN;
}

/**
 * GitHub's ordering of two values: strings ignoring case, other mixed types as numbers (NaN orders
 * nothing), objects never; undefined when the pair has no order.
 */
function order(left: unknown, right: unknown): number | undefined {
  if (typeof left === 'string' && typeof right === 'string') {
    const [a, b] = [left.toUpperCase(), right.toUpperCase()];
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if ((typeof left === 'object' && left !== null) || (typeof right === 'object' && right !== null)) return undefined;
  const [a, b] = [asNumber(left), asNumber(right)];
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
}

function compare(operator: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  const sign = order(left, right);
  if (sign === undefined) return false;
  if (operator === '<') return sign < 0;
  if (operator === '<=') return sign <= 0;
  return operator === '>' ? sign > 0 : sign >= 0;
}

/** A value as GitHub's functions read it as a string. */
function asString(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'Array' : 'Object';
}

/** `format('{0}-{1}', a, b)`: `{n}` is the nth argument, `{{` and `}}` are braces; undefined when the text is malformed. */
function format(template: string, values: readonly unknown[]): string | undefined {
  let out = '';
  for (let index = 0; index < template.length; index++) {
    const char = template[index];
    if ((char === '{' || char === '}') && template[index + 1] === char) {
      out += char;
      index++;
    } else if (char === '{') {
      const close = template.indexOf('}', index);
      const position = close < 0 ? NaN : Number(template.slice(index + 1, close));
      if (!Number.isInteger(position) || position < 0 || position >= values.length || close === index + 1) return undefined;
      out += asString(values[position]);
      index = close;
    } else if (char === '}') {
      return undefined;
    } else {
      out += char;
    }
  }
  return out;
}

/** A call's value: string tests ignore case, as GitHub's do; `contains` of an array looks for an element. */
function callFunction(name: FunctionName, values: readonly unknown[]): unknown {
  const [first, second] = values;
  switch (name) {
    case 'contains':
      if (Array.isArray(first)) return first.some((element) => looselyEqual(element ?? null, second ?? null));
      return asString(first).toLowerCase().includes(asString(second).toLowerCase());
    case 'startsWith':
      return asString(first).toLowerCase().startsWith(asString(second).toLowerCase());
    case 'endsWith':
      return asString(first).toLowerCase().endsWith(asString(second).toLowerCase());
    default:
      return format(asString(first), values.slice(1));
  }
}

function looselyEqual(left: unknown, right: unknown): boolean {
  if (typeof left === 'string' && typeof right === 'string') return left.toLowerCase() === right.toLowerCase();
  if (typeof left === 'object' && left !== null) return left === right;
  return asNumber(left) === asNumber(right);
}

/** The value of `expression` for one matrix combination (undefined: a path the combination lacks). */
export function evaluateExpression(expression: Expression, lookup: (path: string[]) => unknown): unknown {
  if ('literal' in expression) return expression.literal;
  if ('path' in expression) return lookup(expression.path);
  if ('not' in expression) return !truthy(evaluateExpression(expression.not, lookup));
  if ('call' in expression) return callFunction(expression.call, expression.args.map((argument) => evaluateExpression(argument, lookup)));
  const left = evaluateExpression(expression.left, lookup);
  switch (expression.operator) {
    case '&&':
      return truthy(left) ? evaluateExpression(expression.right, lookup) : left;
    case '||':
      return truthy(left) ? left : evaluateExpression(expression.right, lookup);
    case '==':
      return looselyEqual(left ?? null, evaluateExpression(expression.right, lookup) ?? null);
    case '!=':
      return !looselyEqual(left ?? null, evaluateExpression(expression.right, lookup) ?? null);
    default:
      return compare(expression.operator, left ?? null, evaluateExpression(expression.right, lookup) ?? null);
  }
}
