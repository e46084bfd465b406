/**
 * Path globs of the policy (`paths.include`, `paths.exclude`, `ignore[].paths`), matched by hand in
 * time proportional to (glob length x path length): globs come from a policy a pull request can
 * edit, and a backtracking regular expression (`**∕*a*a*a*a*a*c`) would hold the scan for minutes.
 *
 * Syntax, as picomatch with `dot: true` reads it: `*` any run within one path segment, `?` one
 * character other than `/`, `**` as a whole segment any number of segments (`a/**` also matches
 * `a`), `[abc]`, `[a-z]`, `[!a]`/`[^a]` one character, `{a,b}` alternatives, `\` escapes the next
 * character. Extended globs (`@(a|b)`, `!(x)`) and leading `!` negation are refused.
 */

class PathGlobError extends Error {
  constructor(
    readonly glob: string,
    reason: string,
  ) {
    super(`invalid path glob "${glob.length > 80 ? glob.slice(0, 80) + '…' : glob}": ${reason}`);
    this.name = 'PathGlobError';
  }
}

/** Brace alternatives one glob may expand to; past it the glob is refused. */
export const MAX_BRACE_EXPANSIONS = 256;

type Node =
  | { type: 'literal'; char: string }
  | { type: 'one'; test: (char: string) => boolean }
  | { type: 'star' } // any run of characters other than '/'
  | { type: 'anyRun' } // any run of characters
  | { type: 'directories' } // at a segment start: empty (skipping the following directoriesMid), or whole segments each ending in '/'
  | { type: 'directoriesMid' } // inside one of those segments
  | { type: 'optionalSlash' }; // empty (skipping the following anyRun too), or '/' then the anyRun

export interface CompiledPathGlob {
  glob: string;
  matches(path: string): boolean;
}

/** Compiles one glob; throws `PathGlobError`. */
export function compilePathGlob(glob: string): CompiledPathGlob {
  const automata = expandBraces(glob).map((alternative) => compileAlternative(glob, alternative));
  return { glob, matches: (path) => automata.some((nodes) => run(nodes, path)) };
}

/** Globs compiled once; `matches` when any matches. */
export function compilePathGlobs(globs: readonly string[]): { globs: CompiledPathGlob[]; matches(path: string): boolean } {
  const compiled = globs.map(compilePathGlob);
  return { globs: compiled, matches: (path) => compiled.some((glob) => glob.matches(path)) };
}

/** The reason a glob is refused, or undefined when it compiles. */
export function pathGlobProblem(glob: string): string | undefined {
  try {
    compilePathGlob(glob);
    return undefined;
  } catch (error) {
    if (error instanceof PathGlobError) return error.message;
    throw error;
  }
}

/** Runs the automaton over `path` keeping the set of live nodes: each character costs at most one visit per node. */
function run(nodes: Node[], path: string): boolean {
  const size = nodes.length + 1;
  let current = new Uint8Array(size);
  let next = new Uint8Array(size);
  addWithClosure(nodes, current, 0);
  for (let index = 0; index < path.length; index++) {
    const char = path[index];
    next.fill(0);
    let any = false;
    for (let state = 0; state < nodes.length; state++) {
      if (!current[state]) continue;
      const node = nodes[state];
      switch (node.type) {
        case 'literal':
          if (node.char === char) any = addWithClosure(nodes, next, state + 1) || any;
          break;
        case 'one':
          if (char !== '/' && node.test(char)) any = addWithClosure(nodes, next, state + 1) || any;
          break;
        case 'star':
          if (char !== '/') any = addWithClosure(nodes, next, state) || any;
          break;
        case 'anyRun':
          any = addWithClosure(nodes, next, state) || any;
          break;
        case 'directories':
          any = addWithClosure(nodes, next, char === '/' ? state : state + 1) || any;
          break;
        case 'directoriesMid':
          any = addWithClosure(nodes, next, char === '/' ? state - 1 : state) || any;
          break;
        case 'optionalSlash':
          if (char === '/') any = addWithClosure(nodes, next, state + 1) || any;
          break;
      }
    }
    if (!any) return false;
    [current, next] = [next, current];
  }
  return current[nodes.length] === 1;
}

/** Marks `state` and everything reachable from it without reading a character; true when something is live. */
function addWithClosure(nodes: Node[], set: Uint8Array, state: number): boolean {
  while (state <= nodes.length && !set[state]) {
    set[state] = 1;
    const node = nodes[state];
    if (node === undefined) return true;
    if (node.type === 'optionalSlash' || node.type === 'directories') {
      state += 2;
    } else if (node.type === 'star' || node.type === 'anyRun') {
      state += 1;
    } else {
      return true;
    }
  }
  return true;
}

function compileAlternative(glob: string, pattern: string): Node[] {
  let text = pattern;
  while (text.startsWith('./')) text = text.slice(2);
  if (text.startsWith('!')) throw new PathGlobError(glob, 'negation ("!") is not supported; list the paths under paths.exclude instead');
  // "**/**" is "**".
  const segments = text.split('/').filter((segment, index, all) => !(segment === '**' && all[index - 1] === '**'));
  const nodes: Node[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      if (segments.length === 1) nodes.push({ type: 'anyRun' });
      else if (last && !endsWithStar(segments[index - 1])) {
        nodes.pop(); // the '/' before it: "a/**" matches "a" too (as in picomatch, unless that segment ends with `*`)
        nodes.push({ type: 'optionalSlash' }, { type: 'anyRun' });
      } else if (last) nodes.push({ type: 'anyRun' });
      else nodes.push({ type: 'directories' }, { type: 'directoriesMid' });
      return;
    }
    nodes.push(...segmentNodes(glob, segment));
    if (!last) nodes.push({ type: 'literal', char: '/' });
  });
  return nodes;
}

/** Whether a segment ends with an unescaped `*`. */
function endsWithStar(segment: string): boolean {
  let escaping = false; // the previous character is a backslash that escapes this one
  for (let index = 0; index < segment.length - 1; index++) escaping = segment[index] === '\\' && !escaping;
  return segment.endsWith('*') && !escaping;
}

const EXTGLOB_OPENERS = new Set(['@', '!', '+', '*', '?']);

function segmentNodes(glob: string, segment: string): Node[] {
  const nodes: Node[] = [];
  const chars = Array.from(segment);
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index];
    if (chars[index + 1] === '(' && EXTGLOB_OPENERS.has(char)) {
      throw new PathGlobError(glob, `extended globs ("${char}(…)") are not supported`);
    }
    if (char === '\\') {
      const escaped = chars[index + 1];
      if (escaped === undefined) throw new PathGlobError(glob, 'ends with a lone "\\"');
      nodes.push(...Array.from(escaped, (unit) => ({ type: 'literal' as const, char: unit })));
      index++;
    } else if (char === '*') {
      while (chars[index + 1] === '*') index++;
      nodes.push({ type: 'star' });
    } else if (char === '?') {
      nodes.push({ type: 'one', test: () => true });
    } else if (char === '[') {
      const parsed = parseClass(chars, index);
      if (parsed === undefined) nodes.push({ type: 'literal', char });
      else {
        nodes.push({ type: 'one', test: parsed.test });
        index = parsed.end;
      }
    } else {
      // A character outside the BMP is two code units in the path; match them one by one.
      for (const unit of char.length === 1 ? [char] : [char[0], char[1]]) nodes.push({ type: 'literal', char: unit });
    }
  }
  return nodes;
}

/** A bracket expression starting at `start`; undefined when it is not closed (then `[` is literal). */
function parseClass(chars: string[], start: number): { test: (char: string) => boolean; end: number } | undefined {
  let index = start + 1;
  const negated = chars[index] === '!' || chars[index] === '^';
  if (negated) index++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  for (; index < chars.length; index++) {
    let char = chars[index];
    if (char === ']' && !first) {
      const test = (candidate: string) => ranges.some(([low, high]) => candidate >= low && candidate <= high) !== negated;
      return { test, end: index };
    }
    first = false;
    if (char === '\\' && index + 1 < chars.length) char = chars[++index];
    if (chars[index + 1] === '-' && index + 2 < chars.length && chars[index + 2] !== ']') {
      let high = chars[index + 2];
      index += 2;
      if (high === '\\' && index + 1 < chars.length) high = chars[++index];
      ranges.push([char, high]);
    } else {
      ranges.push([char, char]);
    }
  }
  return undefined;
}

/** `{a,b}` alternatives (nested allowed), bounded; a brace without a top-level comma is literal. */
export function expandBraces(glob: string): string[] {
  const results: string[] = [];
  const pending = [glob];
  while (pending.length > 0) {
    const pattern = pending.pop()!;
    const group = firstBraceGroup(pattern);
    if (group === undefined) {
      results.push(pattern);
    } else {
      const prefix = pattern.slice(0, group.open);
      const suffix = pattern.slice(group.close + 1);
      for (const option of group.options.reverse()) pending.push(prefix + option + suffix);
    }
    if (results.length + pending.length > MAX_BRACE_EXPANSIONS) {
      throw new PathGlobError(glob, `expands to more than ${MAX_BRACE_EXPANSIONS} alternatives`);
    }
  }
  return results;
}

/** The first `{…}` holding a top-level comma, with its options; escapes are skipped. */
function firstBraceGroup(pattern: string): { open: number; close: number; options: string[] } | undefined {
  for (let open = 0; open < pattern.length; open++) {
    if (pattern[open] === '\\') {
      open++;
      continue;
    }
    if (pattern[open] !== '{') continue;
    let depth = 0;
    let optionStart = open + 1;
    const options: string[] = [];
    for (let index = open; index < pattern.length; index++) {
      const char = pattern[index];
      if (char === '\\') {
        index++;
      } else if (char === '{') {
        depth++;
      } else if (char === '}') {
        depth--;
        if (depth === 0) {
          if (options.length === 0) break; // "{x}": literal braces
          options.push(pattern.slice(optionStart, index));
          return { open, close: index, options };
        }
      } else if (char === ',' && depth === 1) {
        options.push(pattern.slice(optionStart, index));
        optionStart = index + 1;
      }
    }
  }
  return undefined;
}
