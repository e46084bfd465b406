/**
 * Dockerfile parameter-expansion patterns (issue 12.2): the hand-written matcher gives what the
 * regular expression BuildKit builds gives (the previous implementation, kept here as the oracle),
 * on small random patterns and values, without ever backtracking (growth measured in bench/).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMatch, parseShellPattern, removePrefix, replaceMatches, type ShellPattern } from '../../src/discover/dockerfile/shell-pattern.js';
import { expandWord } from '../../src/discover/dockerfile/expand.js';

/** The regular expression the expander used to build (BuildKit's conversion); fine on small inputs. */
function oracleRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') out += greedy ? '[^]*' : '[^]*?';
    else if (ch === '?') out += '.';
    else if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === '}' || next === '/') continue;
      out += '\\' + next;
      i++;
    } else out += '[]{}.+()|^$'.includes(ch) ? '\\' + ch : ch;
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function parsed(pattern: string): ShellPattern {
  const result = parseShellPattern(pattern);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

const patternArbitrary = fc.array(fc.constantFrom('a', 'b', '*', '?', '\\*', '\\?', '\\\\', '\n', '😀', '.', '('), { maxLength: 6 }).map((parts) => parts.join(''));
const valueArbitrary = fc.array(fc.constantFrom('a', 'b', '\n', '😀', '*', '.', '('), { maxLength: 10 }).map((parts) => parts.join(''));

describe('shell patterns', () => {
  it('prefix removal agrees with the regular expression (greedy and lazy)', () => {
    fc.assert(
      fc.property(patternArbitrary, valueArbitrary, fc.boolean(), (pattern, value, greedy) => {
        const match = oracleRegex(pattern, greedy, true).exec(value);
        expect(removePrefix(parsed(pattern), value, greedy)).toBe(match ? value.slice(match[0].length) : value);
      }),
      { numRuns: 3000 },
    );
  });

  it('replacement agrees with String.prototype.replace (first and every match)', () => {
    fc.assert(
      fc.property(patternArbitrary, valueArbitrary, fc.boolean(), (pattern, value, all) => {
        expect(replaceMatches(parsed(pattern), value, '<>', all)).toBe(value.replace(oracleRegex(pattern, true, false, all), () => '<>'));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the leftmost match, longest when greedy and shortest when lazy', () => {
    const chars = Array.from('xxabab');
    expect(findMatch(parsed('a*b'), chars, 0, true, false)).toEqual([2, 6]);
    expect(findMatch(parsed('a*b'), chars, 0, false, false)).toEqual([2, 4]);
    expect(findMatch(parsed('a*b'), chars, 0, true, true)).toBeUndefined();
  });

  it('refuses invalid escapes as BuildKit does', () => {
    expect(parseShellPattern('a\\x')).toMatch(/invalid escape '\\x'/);
  });

  it('expands the adversarial pattern of issue 12 at once', () => {
    const value = 'a'.repeat(4000);
    const lookup = (name: string) => (name === 'V' ? { set: true as const, value } : { set: false as const, reason: 'unset' });
    expect(expandWord('${V#*a*a*a*a*a*a*a*a*a*c}', lookup, '\\')).toEqual({ ok: true, value });
    expect(expandWord('${V%%*a*a*a*a*a*a*a*a*a*c}', lookup, '\\')).toEqual({ ok: true, value });
    expect(expandWord('${V//*a*a*a*a*a*a*a*a*c/x}', lookup, '\\')).toEqual({ ok: true, value });
    // No timing assertion: a backtracking matcher would run past the test timeout; bench/ measures the growth.
  });
});
