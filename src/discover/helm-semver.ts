/**
 * Sprig's `semverCompare` (Masterminds/semver v3 constraints), as charts use it to branch on
 * `.Capabilities.KubeVersion`: `>=1.21-0`, `<1.19-0`, `>= 1.14-0, < 1.19-0`, `^1.2`, `~1.2.3`,
 * `1.20.x`... Comparison operators, `,` (and), `||` (or), `~`/`~>` (same minor), `^` (same major).
 * A constraint or version this reader cannot parse is not known (undefined), never a guess.
 */

interface SemVer {
  parts: [number, number, number];
  /** How many of major.minor.patch were written (a wildcard or absent part is not). */
  written: number;
  prerelease: string[];
}

function parseVersion(text: string): SemVer | undefined {
  let rest = text.trim();
  if (rest.startsWith('v') || rest.startsWith('V')) rest = rest.slice(1);
  const plus = rest.indexOf('+');
  if (plus >= 0) rest = rest.slice(0, plus);
  const dash = rest.indexOf('-');
  const prerelease = dash >= 0 ? rest.slice(dash + 1).split('.') : [];
  const core = (dash >= 0 ? rest.slice(0, dash) : rest).split('.');
  if (core.length === 0 || core.length > 3 || prerelease.some((part) => part === '')) return undefined;
  const parts: [number, number, number] = [0, 0, 0];
  let written = 0;
  for (const [index, part] of core.entries()) {
    if (part === 'x' || part === 'X' || part === '*') break;
    if (part === '' || part.length > 15 || ![...part].every((char) => char >= '0' && char <= '9')) return undefined;
    parts[index] = Number(part);
    written = index + 1;
  }
  return { parts, written, prerelease };
}

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    if (a[index] === undefined) return -1;
    if (b[index] === undefined) return 1;
    const [x, y] = [a[index], b[index]];
    const numeric = (part: string) => [...part].every((char) => char >= '0' && char <= '9');
    if (numeric(x) && numeric(y)) {
      if (Number(x) !== Number(y)) return Number(x) < Number(y) ? -1 : 1;
    } else if (x !== y) return numeric(x) ? -1 : numeric(y) ? 1 : x < y ? -1 : 1;
  }
  return 0;
}

function compare(a: SemVer, b: SemVer): number {
  for (let index = 0; index < 3; index++) if (a.parts[index] !== b.parts[index]) return a.parts[index] < b.parts[index] ? -1 : 1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

const OPERATORS = ['>=', '=>', '<=', '=<', '!=', '~>', '>', '<', '=', '~', '^'];

/** One `op version` term; undefined when it cannot be read. */
function satisfiesTerm(version: SemVer, term: string): boolean | undefined {
  const operator = OPERATORS.find((candidate) => term.startsWith(candidate)) ?? '';
  const bound = parseVersion(term.slice(operator.length));
  if (!bound) return undefined;
  // Masterminds: a version with a prerelease only satisfies constraints that carry one.
  if (version.prerelease.length > 0 && bound.prerelease.length === 0) return false;
  const order = compare(version, bound);
  // A partial version (`1.20`, `1.x`) stands for the range it leaves open.
  const sameWritten = version.parts.slice(0, bound.written).every((part, index) => part === bound.parts[index]);
  const upper = (level: number): SemVer => ({ parts: level === 0 ? [bound.parts[0] + 1, 0, 0] : [bound.parts[0], bound.parts[1] + 1, 0], written: 3, prerelease: ['0'] });
  switch (operator) {
    case '':
    case '=':
      return bound.written < 3 ? sameWritten : order === 0;
    case '!=':
      return bound.written < 3 ? !sameWritten : order !== 0;
    case '>':
      return bound.written < 3 ? !sameWritten && order > 0 : order > 0;
    case '<':
    case '>=':
    case '=>':
      return operator === '<' ? order < 0 : order >= 0;
    case '<=':
    case '=<':
      return bound.written < 3 ? order <= 0 || sameWritten : order <= 0;
    case '~':
    case '~>':
      return order >= 0 && compare(version, upper(bound.written <= 1 ? 0 : 1)) < 0;
    case '^':
      return order >= 0 && compare(version, upper(bound.parts[0] === 0 && bound.written > 1 ? 1 : 0)) < 0;
    default:
      return undefined;
  }
}

/** Whether `version` satisfies `constraint`; undefined when either cannot be read. */
export function semverSatisfies(constraint: string, version: string): boolean | undefined {
  const parsed = parseVersion(version);
  if (!parsed || parsed.written === 0) return undefined;
  let any = false;
  for (const alternative of constraint.split('||')) {
    // Terms are separated by commas, or by spaces between a version and the next operator.
    const terms = alternative.split(',').flatMap((group) => splitTerms(group));
    if (terms.length === 0) return undefined;
    let all = true;
    for (const term of terms) {
      const result = satisfiesTerm(parsed, term);
      if (result === undefined) return undefined;
      all &&= result;
    }
    any ||= all;
  }
  return any;
}

/** `>= 1.14-0 < 1.19-0` as two terms, the space after an operator kept inside its term. */
function splitTerms(group: string): string[] {
  const words = group.trim().split(' ').filter((word) => word !== '');
  const terms: string[] = [];
  for (const word of words) {
    const last = terms.length - 1;
    if (last >= 0 && OPERATORS.includes(terms[last])) terms[last] += word;
    else terms.push(word);
  }
  return terms;
}
