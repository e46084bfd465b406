/**
 * Shell wildcard patterns of Dockerfile parameter expansion (`${V#p}`, `${V%%p}`, `${V/p/r}`),
 * matched by hand in time proportional to (pattern length x value length). The pattern comes from
 * the repository: a regular expression built from it (`${V#*a*a*a*c}`) backtracks for minutes.
 *
 * Semantics are BuildKit's, which turns the pattern into a regular expression: `*` any run (greedy,
 * or lazy for the one-character `#`/`%` forms), `?` one character other than a line break, `\`
 * escapes `*`, `?` and `\`; a match starts at the leftmost place it can, and there a greedy match
 * is the longest and a lazy one the shortest (with only `*` as a repetition, that is what a
 * backtracking engine settles on). Characters are code points.
 */

type Token = { type: 'literal'; char: string } | { type: 'one' } | { type: 'star' };

export interface ShellPattern {
  tokens: Token[];
}

const LINE_BREAKS = new Set(['\n', '\r', '\u2028', '\u2029']);

/** Parses a pattern; a string is the reason it is invalid (as BuildKit words it). */
export function parseShellPattern(pattern: string): ShellPattern | string {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index];
    if (char === '*') {
      if (tokens.at(-1)?.type !== 'star') tokens.push({ type: 'star' });
    } else if (char === '?') {
      tokens.push({ type: 'one' });
    } else if (char === '\\') {
      const next = chars[index + 1];
      // `\}` and `\/` are escapes of the ${} syntax, not of the pattern: the next character is read as usual.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') return `invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`;
      tokens.push({ type: 'literal', char: next });
      index++;
    } else {
      tokens.push({ type: 'literal', char });
    }
  }
  return { tokens };
}

/** Adds `state` and the states after any stars it starts (a star may match nothing). */
function addState(tokens: Token[], starts: Int32Array, state: number, start: number): void {
  for (let at = state; at <= tokens.length; at++) {
    if (starts[at] !== -1 && starts[at] <= start) return;
    starts[at] = start;
    if (tokens[at]?.type !== 'star') return;
  }
}

/** One character step: `next` gets, for each state, the leftmost start of a thread reaching it. */
function step(tokens: Token[], current: Int32Array, next: Int32Array, char: string): boolean {
  next.fill(-1);
  let alive = false;
  for (let state = 0; state < tokens.length; state++) {
    const start = current[state];
    if (start === -1) continue;
    const token = tokens[state];
    if (token.type === 'star') addState(tokens, next, state, start);
    else if (token.type === 'one' ? !LINE_BREAKS.has(char) : token.char === char) addState(tokens, next, state + 1, start);
    else continue;
    alive = true;
  }
  return alive;
}

/**
 * The leftmost match at or after `from` (anchored: only at `from`), longest there when `greedy`,
 * shortest otherwise: [start, end) in code points, or undefined.
 */
export function findMatch(pattern: ShellPattern, chars: readonly string[], from: number, greedy: boolean, anchored: boolean): [number, number] | undefined {
  const { tokens } = pattern;
  const accept = tokens.length;
  let current = new Int32Array(tokens.length + 1).fill(-1);
  let next = new Int32Array(tokens.length + 1);
  let best: [number, number] | undefined;
  for (let position = from; position <= chars.length; position++) {
    // A new thread starts here until some match is found (a later start is never leftmost).
    if (best === undefined && (!anchored || position === from)) addState(tokens, current, 0, position);
    const accepted = current[accept];
    if (accepted !== -1 && (best === undefined || accepted < best[0])) best = [accepted, position];
    else if (accepted !== -1 && accepted === best![0] && greedy) best![1] = position;
    if (best !== undefined && !prune(current, best[0], greedy)) break;
    if (position === chars.length) break;
    const alive = step(tokens, current, next, chars[position]);
    [current, next] = [next, current];
    if (!alive && (best !== undefined || anchored)) break;
  }
  return best;
}

/**
 * Drops threads that can no longer win once a match starting at `bestStart` is known: later
 * starts, and for a lazy match the best start's own (they could only be longer). True when any is left.
 */
function prune(states: Int32Array, bestStart: number, greedy: boolean): boolean {
  let alive = false;
  for (let state = 0; state < states.length; state++) {
    const start = states[state];
    if (start === -1) continue;
    if (start > bestStart || (!greedy && start === bestStart)) states[state] = -1;
    else alive = true;
  }
  return alive;
}

/** `${V#p}` / `${V##p}`: the value without its shortest (longest when greedy) prefix matching. */
export function removePrefix(pattern: ShellPattern, value: string, greedy: boolean): string {
  const chars = Array.from(value);
  const match = findMatch(pattern, chars, 0, greedy, true);
  return match ? chars.slice(match[1]).join('') : value;
}

/** `${V/p/r}` and `${V//p/r}`: the leftmost (every, left to right) longest match replaced by `replacement`, literally. */
export function replaceMatches(pattern: ShellPattern, value: string, replacement: string, all: boolean): string {
  const chars = Array.from(value);
  let out = '';
  let position = 0;
  while (position <= chars.length) {
    const match = findMatch(pattern, chars, position, true, false);
    if (!match) break;
    const [start, end] = match;
    out += chars.slice(position, start).join('') + replacement;
    if (end === start) {
      // An empty match: keep the next character and search after it, as String.prototype.replace does.
      out += chars[start] ?? '';
      position = start + 1;
    } else {
      position = end;
    }
    if (!all) break;
  }
  return out + chars.slice(position).join('');
}

/** Whether all of `text` matches: literal `parts` in order with anything between them (a stage-name test). */
export function matchesParts(parts: readonly string[], text: string): boolean {
  const pattern = parseShellPattern(parts.map((part) => part.replace(/[*?\\]/g, '\\$&')).join('*'));
  if (typeof pattern === 'string') return false;
  const chars = Array.from(text);
  return findMatch(pattern, chars, 0, true, true)?.[1] === chars.length;
}
