/**
 * BuildKit's Dockerfile word expansion (frontend/dockerfile/shell): quotes, the escape token and
 * `$VAR`, `${VAR}`, `${VAR:-w}`, `${VAR-w}`, `${VAR:+w}`, `${VAR+w}`, `${VAR:?e}`, `${VAR?e}`,
 * `${VAR#p}`, `${VAR##p}`, `${VAR%p}`, `${VAR%%p}`, `${VAR/p/r}`, `${VAR//p/r}`.
 *
 * Unlike BuildKit, a variable whose value a scan cannot know (declared without a value, never
 * declared, or set from the build platform) is not silently replaced by "": the expansion reports
 * why it is unresolved, unless the expression does not depend on the value (`${A:-default}`).
 */

import { parseShellPattern, removePrefix, replaceMatches, type ShellPattern } from './shell-pattern.js';

/** What a scan knows about one variable. */
export type VariableState =
  /** Set, with this value. */
  | { set: true; value: string }
  /** Set (so `${A+w}` and `${A-w}` know which branch), but the value is unknowable here. */
  | { set: true; unknown: string }
  /** Not set; `reason` explains it when a plain `$A` needs the value. */
  | { set: false; reason: string };

export type VariableLookup = (name: string) => VariableState;

export type Expansion = { ok: true; value: string } | { ok: false; reason: string };

/** Longest word the expander processes; Dockerfile image words are far shorter. */
const MAX_WORD_LENGTH = 16 * 1024;
/** Longest value a substitution may produce, against ARGs that double each other. */
export const MAX_VALUE_LENGTH = 64 * 1024;
/** Bound on `${A:-${B:-${C...}}}` nesting. */
const MAX_DEPTH = 32;
/** Pattern operations cost pattern length x value length (never backtracking); skip them on absurd values and patterns. */
const MAX_PATTERN_SUBJECT = 4096;

class ExpansionError extends Error {}

/** `${templateOption:id}`: what the Dev Container Templates specification fills in when a template is applied. */
function templateOptionProblem(text: string, idStart: number): string {
  const id = /^[A-Za-z0-9_-]+/.exec(text.slice(idStart, idStart + 100))?.[0] ?? '';
  return `\${templateOption:${id}} is a Dev Container Template option, filled in when the template is applied`;
}

/** Go's unicode.IsSpace, which BuildKit uses to split and trim; JavaScript's `\s` also matches U+FEFF. */
export function isSpace(ch: string): boolean {
  switch (ch) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case '\u0085':
    case '\u00a0':
    case '\u1680':
    case '\u2028':
    case '\u2029':
    case '\u202f':
    case '\u205f':
    case '\u3000':
      return true;
    default:
      return ch >= '\u2000' && ch <= '\u200a';
  }
}

const NAME_CHAR = /[\p{L}\p{N}_]/u;
const DIGIT = /\p{Nd}/u;

/**
 * Expands one word the way BuildKit's `ProcessWord` does for `FROM` and `ARG` defaults.
 * `escapeToken` is the file's escape character (`\` or the `# escape=` directive's).
 */
export function expandWord(word: string, lookup: VariableLookup, escapeToken = '\\'): Expansion {
  if (word.length > MAX_WORD_LENGTH) return { ok: false, reason: `word longer than ${MAX_WORD_LENGTH} characters` };
  const expander = new WordExpander(word, lookup, escapeToken);
  try {
    const value = expander.processStopOn(undefined, false);
    if (expander.problems.length > 0) return { ok: false, reason: expander.problems[0] };
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ExpansionError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Whether BuildKit's expander would change `word` with no variables set (it has quotes, escapes or `$NAME`). */
export function changesUnderExpansion(word: string, escapeToken = '\\'): boolean {
  const expander = new WordExpander(word, () => ({ set: false, reason: '' }), escapeToken);
  try {
    return expander.processStopOn(undefined, false) !== word;
  } catch {
    return true;
  }
}

class WordExpander {
  private pos = 0;
  private depth = 0;
  /** Keep escape tokens in the output (inside `${A#p}`/`${A%p}` patterns, as BuildKit does). */
  private rawEscapes = false;
  /** Why the value is unknowable, in the order met; words whose value is discarded roll theirs back. */
  readonly problems: string[] = [];

  constructor(
    private readonly text: string,
    private readonly lookup: VariableLookup,
    private readonly escapeToken: string,
  ) {}

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  processStopOn(stopChar: string | undefined, rawEscapes: boolean): string {
    const outerRawEscapes = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.processUntil(stopChar);
    } finally {
      this.rawEscapes = outerRawEscapes;
    }
  }

  private processUntil(stopChar: string | undefined): string {
    let result = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (stopChar !== undefined && ch === stopChar) {
        this.pos++;
        return result;
      }
      if (ch === '$') result += this.processDollar();
      else if (ch === "'") result += this.processSingleQuote();
      else if (ch === '"') result += this.processDoubleQuote();
      else {
        this.pos++;
        if (ch === this.escapeToken) {
          if (this.rawEscapes) result += ch;
          // The escape token escapes the next character; at the end of the word it is dropped.
          if (this.pos >= this.text.length) break;
          result += this.text[this.pos++];
        } else {
          result += ch;
        }
      }
      if (result.length > MAX_VALUE_LENGTH) throw new ExpansionError(`value longer than ${MAX_VALUE_LENGTH} characters`);
    }
    if (stopChar !== undefined) throw new ExpansionError(`unexpected end of statement while looking for matching ${stopChar}`);
    return result;
  }

  private processSingleQuote(): string {
    // Everything up to the next single quote is literal; a single quote cannot be escaped.
    const close = this.text.indexOf("'", this.pos + 1);
    if (close < 0) throw new ExpansionError('unexpected end of statement while looking for matching single-quote');
    const result = this.text.slice(this.pos + 1, close);
    this.pos = close + 1;
    return result;
  }

  private processDoubleQuote(): string {
    let result = '';
    this.pos++;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.pos++;
        return result;
      }
      if (ch === '$') {
        result += this.processDollar();
        continue;
      }
      this.pos++;
      if (ch === this.escapeToken) {
        if (this.rawEscapes) result += ch;
        const next = this.peek();
        if (next === undefined) continue;
        // Inside double quotes only ", $ and the escape token itself can be escaped.
        if (next === '"' || next === '$' || next === this.escapeToken) {
          this.pos++;
          result += next;
          continue;
        }
      }
      result += ch;
    }
  }

  private processName(): string {
    const first = this.peek();
    if (first === undefined) return '';
    if (DIGIT.test(first)) {
      let name = '';
      while (this.pos < this.text.length && DIGIT.test(this.text[this.pos])) name += this.text[this.pos++];
      return name;
    }
    if ('@*#?-$!0'.includes(first)) {
      this.pos++;
      return first;
    }
    let name = '';
    while (this.pos < this.text.length && NAME_CHAR.test(this.text[this.pos])) name += this.text[this.pos++];
    return name;
  }

  private processDollar(): string {
    this.pos++;
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      return this.valueOf(name);
    }
    this.pos++;
    const afterBrace = this.peek();
    if (afterBrace === undefined) throw new ExpansionError("syntax error: missing '}'");
    if (afterBrace === '{' || afterBrace === '}' || afterBrace === ':') throw new ExpansionError('syntax error: bad substitution');
    if (++this.depth > MAX_DEPTH) throw new ExpansionError('substitutions nested too deeply');
    try {
      return this.processBraced();
    } finally {
      this.depth--;
    }
  }

  private processBraced(): string {
    const name = this.processName();
    let ch = this.text[this.pos++];
    if (ch === undefined) throw new ExpansionError("syntax error: missing '}'");
    let modifier = ch;
    if (ch === '}') return this.valueOf(name);
    let nullIsUnset = false;
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.text[this.pos++];
      if (ch === undefined) throw new ExpansionError("syntax error: missing '}'");
      modifier += ch;
    }
    if (ch === '/' && !nullIsUnset) return this.processReplace(name);
    if (!'+-?#%'.includes(ch) && !nullIsUnset) throw new ExpansionError(`unsupported modifier (${modifier}) in substitution`);
    // BuildKit would reject it too, but the text is a Dev Container Template's placeholder, replaced before any build.
    if (name === 'templateOption' && nullIsUnset && /^[A-Za-z]/.test(ch)) throw new ExpansionError(templateOptionProblem(this.text, this.pos - 1));

    const problemsBefore = this.problems.length;
    let word: string;
    try {
      word = this.processStopOn('}', ch === '#' || ch === '%');
    } catch (error) {
      if (this.pos >= this.text.length) throw new ExpansionError("syntax error: missing '}'");
      throw error;
    }
    const state = this.lookup(name);
    const discardWord = () => this.problems.splice(problemsBefore);
    switch (ch) {
      case '-':
        if (!state.set) return word;
        if ('unknown' in state) {
          discardWord();
          this.problems.push(state.unknown);
          return '';
        }
        if (nullIsUnset && state.value === '') return word;
        discardWord();
        return state.value;
      case '+':
        if (!state.set) {
          discardWord();
          return '';
        }
        if ('unknown' in state) {
          if (!nullIsUnset) return word;
          discardWord();
          this.problems.push(state.unknown);
          return '';
        }
        if (nullIsUnset && state.value === '') {
          discardWord();
          return '';
        }
        return word;
      case '?': {
        if (!state.set) throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
        discardWord();
        if ('unknown' in state) {
          this.problems.push(state.unknown);
          return '';
        }
        if (nullIsUnset && state.value === '') throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
        return state.value;
      }
      case '#':
      case '%': {
        const value = this.knownValue(name, state);
        if (value === undefined) return '';
        const greedy = word.startsWith(ch);
        const pattern = greedy ? word.slice(1) : word;
        return ch === '#' ? trimPrefix(pattern, value, greedy) : trimSuffix(pattern, value, greedy);
      }
      default:
        throw new ExpansionError(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  private processReplace(name: string): string {
    const replaceAll = this.peek() === '/';
    if (replaceAll) this.pos++;
    let pattern: string;
    let replacement: string;
    try {
      pattern = this.processStopOn('/', true);
    } catch (error) {
      if (this.pos >= this.text.length) throw new ExpansionError("syntax error: missing '/' in ${}");
      throw error;
    }
    try {
      replacement = this.processStopOn('}', true);
    } catch (error) {
      if (this.pos >= this.text.length) throw new ExpansionError("syntax error: missing '}'");
      throw error;
    }
    const value = this.knownValue(name, this.lookup(name));
    if (value === undefined) return '';
    if (value.length > MAX_PATTERN_SUBJECT) throw new ExpansionError('value too long for pattern replacement');
    // A function replacer: the replacement is literal text, not a `$&` template.
    return replaceMatches(compilePattern(pattern), value, replacement, replaceAll);
  }

  /** The value of a plain `$A`/`${A}`; records why when it cannot be known. */
  private valueOf(name: string): string {
    const value = this.knownValue(name, this.lookup(name));
    return value ?? '';
  }

  private knownValue(name: string, state: VariableState): string | undefined {
    if (!state.set) {
      this.problems.push(state.reason || `variable ${name} is not set`);
      return undefined;
    }
    if ('unknown' in state) {
      this.problems.push(state.unknown);
      return undefined;
    }
    return state.value;
  }
}

/** The pattern, parsed; refused when it or the value is too long to match against the other cheaply. */
function compilePattern(pattern: string): ShellPattern {
  if (pattern.length > MAX_PATTERN_SUBJECT) throw new ExpansionError('pattern too long for pattern matching');
  const parsed = parseShellPattern(pattern);
  if (typeof parsed === 'string') throw new ExpansionError(parsed);
  return parsed;
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  if (value.length > MAX_PATTERN_SUBJECT) throw new ExpansionError('value too long for pattern removal');
  return removePrefix(compilePattern(pattern), value, greedy);
}

/** Suffix removal as BuildKit does it: reverse the pattern and the value, remove a prefix, reverse back. */
function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const reversedValue = Array.from(value).reverse().join('');
  return Array.from(trimPrefix(reversePattern(pattern), reversedValue, greedy)).reverse().join('');
}

/** Reverses a pattern keeping escapes attached to what they escape (`a\*c` -> `c\*a`). */
function reversePattern(pattern: string): string {
  const units: string[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\' && i + 1 < chars.length) {
      units.push(chars[i] + chars[i + 1]);
      i++;
    } else units.push(chars[i]);
  }
  return units.reverse().join('');
}
