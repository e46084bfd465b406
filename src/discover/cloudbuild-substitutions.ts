/**
 * Cloud Build substitutions in image names: `$NAME`, `${NAME}` and the bash-style string operations
 * Cloud Build applies with dynamic substitutions (always on for triggered builds):
 * `${N:-w}`, `${N-w}`, `${N:+w}`, `${N+w}`, `${N#p}`, `${N##p}`, `${N%p}`, `${N%%p}`, `${N/p/r}`,
 * `${N//p/r}`, `${N:offset}`, `${N:offset:length}`, `${N^}`, `${N^^}`, `${N,}`, `${N,,}` and `${#N}`;
 * `$$` is a literal `$`. Patterns take `*` and `?`.
 *
 * User substitutions (`_NAME` in the file's `substitutions:`) may refer to each other and to
 * built-ins; they are expanded until nothing is left to expand, with cycles and depth bounded.
 * Built-ins (`$PROJECT_ID`, `$SHORT_SHA`, …) exist only when the build runs, so an image that
 * needs one is unresolved, never invalid.
 */
import { expandDollars } from './dollar-variables.js';

/** Built-in substitutions (cloud.google.com/build/docs/configuring-builds/substitute-variable-values). */
const BUILT_IN_SUBSTITUTIONS: ReadonlySet<string> = new Set([
  'PROJECT_ID',
  'PROJECT_NUMBER',
  'BUILD_ID',
  'LOCATION',
  'TRIGGER_NAME',
  'COMMIT_SHA',
  'REVISION_ID',
  'SHORT_SHA',
  'REPO_NAME',
  'REPO_FULL_NAME',
  'BRANCH_NAME',
  'TAG_NAME',
  'REF_NAME',
  'TRIGGER_BUILD_CONFIG_PATH',
  'SERVICE_ACCOUNT_EMAIL',
  'SERVICE_ACCOUNT',
  // Pull-request triggers.
  '_HEAD_BRANCH',
  '_BASE_BRANCH',
  '_HEAD_REPO_URL',
  '_PR_NUMBER',
]);

/** References from one substitution to the next; Cloud Build's own limit is far lower in practice. */
const MAX_DEPTH = 16;
/** Longest text an expansion may produce. */
const MAX_OUTPUT = 8192;
/** Pattern operations are quadratic at worst; longer values are not matched. */
const MAX_PATTERN_SUBJECT = 1024;

type Value = { ok: true; value: string } | { ok: false; unresolved: string };

class Unresolved extends Error {}

export interface SubstitutionResult {
  value: string | { unresolved: string };
  /** Set when a default written in the text was used for a substitution the file does not define. */
  note?: string;
}

/** Expands `text` with the file's `substitutions` (names with their values as written). */
export function expandSubstitutions(text: string, substitutions: ReadonlyMap<string, string>): SubstitutionResult {
  const expander = new Expander(substitutions);
  try {
    const value = expander.expand(text, 0);
    return expander.defaulted.length > 0
      ? { value, note: `default written for substitution ${[...new Set(expander.defaulted)].join(', ')}, which this file does not define` }
      : { value };
  } catch (error) {
    if (error instanceof Unresolved) return { value: { unresolved: error.message } };
    throw error;
  }
}

const isNameStart = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z_]/.test(ch);
const isNameChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

class Expander {
  private readonly cache = new Map<string, Value>();
  private readonly expanding = new Set<string>();
  readonly defaulted: string[] = [];

  constructor(private readonly substitutions: ReadonlyMap<string, string>) {}

  expand(text: string, depth: number): string {
    if (depth > MAX_DEPTH) throw new Unresolved(`substitutions refer to each other more than ${MAX_DEPTH} deep`);
    const result = expandDollars(text, {
      named: (name) => this.required(name, depth),
      braced: (inner) => this.braced(inner, depth),
      unclosed: (from) => `${from} has no closing "}"`,
      maxLength: MAX_OUTPUT,
      tooLong: `the substituted text is longer than ${MAX_OUTPUT} characters`,
    });
    if (typeof result !== 'string') throw new Unresolved(result.unresolved);
    return result;
  }

  /** The value of NAME, expanded; throws naming why it is unknown. */
  private required(name: string, depth: number): string {
    const value = this.lookup(name, depth);
    if (!value.ok) throw new Unresolved(value.unresolved);
    return value.value;
  }

  private lookup(name: string, depth: number): Value {
    const cached = this.cache.get(name);
    if (cached) return cached;
    let value: Value;
    const written = this.substitutions.get(name);
    if (written !== undefined && name.startsWith('_')) {
      if (this.expanding.has(name)) return { ok: false, unresolved: `substitution ${name} refers to itself` };
      this.expanding.add(name);
      try {
        value = { ok: true, value: this.expand(written, depth + 1) };
      } catch (error) {
        if (!(error instanceof Unresolved)) throw error;
        value = { ok: false, unresolved: error.message };
      } finally {
        this.expanding.delete(name);
      }
    } else if (BUILT_IN_SUBSTITUTIONS.has(name)) {
      value = { ok: false, unresolved: `$${name} is a built-in Cloud Build substitution, known only when the build runs` };
    } else if (name.startsWith('_')) {
      value = { ok: false, unresolved: `substitution ${name} is not defined in this file (it may be set by the trigger)` };
    } else {
      value = { ok: false, unresolved: `$${name} is not a built-in Cloud Build substitution (user substitutions begin with "_")` };
    }
    this.cache.set(name, value);
    return value;
  }

  /** The inside of `${…}`. */
  private braced(inner: string, depth: number): string {
    if (inner.startsWith('#') && inner.length > 1) return String(this.required(inner.slice(1), depth).length);
    let end = 0;
    while (isNameChar(inner[end])) end++;
    const name = inner.slice(0, end);
    if (name === '' || !isNameStart(name[0])) throw new Unresolved(`\${${inner}} is not a substitution Cloud Build expands`);
    const operation = inner.slice(end);
    if (operation === '') return this.required(name, depth);
    const word = () => this.expand(operation.slice(operation.startsWith(':') ? 2 : 1), depth);
    switch (true) {
      case operation.startsWith(':-'):
      case operation.startsWith('-'): {
        const value = this.lookup(name, depth);
        const unset = !value.ok && this.definedNowhere(name);
        if (!value.ok && !unset) throw new Unresolved(value.unresolved);
        if (unset || (operation.startsWith(':') && value.ok && value.value === '')) {
          if (unset) this.defaulted.push(name);
          return word();
        }
        return (value as { value: string }).value;
      }
      case operation.startsWith(':+'):
      case operation.startsWith('+'): {
        const value = this.lookup(name, depth);
        if (!value.ok && !this.definedNowhere(name)) throw new Unresolved(value.unresolved);
        const empty = !value.ok || (operation.startsWith(':') && value.value === '');
        return empty ? '' : word();
      }
      case operation.startsWith('#'):
      case operation.startsWith('%'):
        return trim(this.required(name, depth), operation, (text) => this.expand(text, depth));
      case operation.startsWith('/'):
        return replace(this.required(name, depth), operation, (text) => this.expand(text, depth));
      case operation === '^^':
        return this.required(name, depth).toUpperCase();
      case operation === ',,':
        return this.required(name, depth).toLowerCase();
      case operation === '^': {
        const value = this.required(name, depth);
        return value.slice(0, 1).toUpperCase() + value.slice(1);
      }
      case operation === ',': {
        const value = this.required(name, depth);
        return value.slice(0, 1).toLowerCase() + value.slice(1);
      }
      case operation.startsWith(':'):
        return substring(this.required(name, depth), operation.slice(1), inner);
      default:
        throw new Unresolved(`\${${inner}} is not a substitution Cloud Build expands`);
    }
  }

  /** A user substitution the file does not define: bash's "unset", so a default written beside it applies. */
  private definedNowhere(name: string): boolean {
    return name.startsWith('_') && !BUILT_IN_SUBSTITUTIONS.has(name) && !this.substitutions.has(name);
  }
}

/** `${N#p}`, `${N##p}`, `${N%p}`, `${N%%p}`. */
function trim(value: string, operation: string, expand: (text: string) => string): string {
  const mark = operation[0];
  const greedy = operation[1] === mark;
  const pattern = expand(operation.slice(greedy ? 2 : 1));
  if (value.length > MAX_PATTERN_SUBJECT) throw new Unresolved('value too long for a pattern operation');
  const lengths = [...Array(value.length + 1).keys()];
  if (greedy) lengths.reverse();
  for (const length of lengths) {
    const part = mark === '#' ? value.slice(0, length) : value.slice(value.length - length);
    if (globMatch(pattern, part)) return mark === '#' ? value.slice(length) : value.slice(0, value.length - length);
  }
  return value;
}

/** `${N/p/r}`, `${N//p/r}`: the longest match at the first (or every) position where one starts. */
function replace(value: string, operation: string, expand: (text: string) => string): string {
  const all = operation[1] === '/';
  const rest = operation.slice(all ? 2 : 1);
  const slash = rest.indexOf('/');
  const pattern = expand(slash < 0 ? rest : rest.slice(0, slash));
  const replacement = slash < 0 ? '' : expand(rest.slice(slash + 1));
  if (value.length > MAX_PATTERN_SUBJECT) throw new Unresolved('value too long for a pattern operation');
  if (pattern === '') return value;
  let output = '';
  let index = 0;
  let replaced = false;
  while (index < value.length) {
    let matched = -1;
    if (all || !replaced) {
      for (let end = value.length; end > index; end--) {
        if (globMatch(pattern, value.slice(index, end))) {
          matched = end;
          break;
        }
      }
    }
    if (matched < 0) {
      output += value[index];
      index++;
    } else {
      output += replacement;
      index = matched;
      replaced = true;
    }
  }
  return output;
}

/** `${N:offset}` and `${N:offset:length}`, with bash's negative forms. */
function substring(value: string, spec: string, inner: string): string {
  const parts = spec.split(':');
  const numbers = parts.map((part) => part.trim());
  if (parts.length > 2 || numbers.some((part) => !/^-?\d{1,9}$/.test(part))) {
    throw new Unresolved(`\${${inner}} is not a substitution Cloud Build expands`);
  }
  let start = Number(numbers[0]);
  if (start < 0) start = Math.max(0, value.length + start);
  if (numbers.length === 1) return value.slice(start);
  const length = Number(numbers[1]);
  return length < 0 ? value.slice(start, Math.max(start, value.length + length)) : value.slice(start, start + length);
}

/** Shell pattern match of the whole `text`: `*` any run, `?` one character, anything else itself. */
function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
