/**
 * Image-glob wildcards (`*` within a segment, `**` across) against a regular-expression oracle on
 * small random inputs, where backtracking costs nothing (issue 12: property tests for globs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchWildcards } from '../../src/config/glob.js';

function oracle(pattern: string, text: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    if (pattern[index] === '*') {
      const spans = pattern[index + 1] === '*';
      while (pattern[index + 1] === '*') index++;
      source += spans ? '[^]*' : '[^/]*';
    } else source += pattern[index].replace(/[.\\^$+?()[\]{}|-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(text);
}

describe('matchWildcards', () => {
  it('agrees with the regular-expression oracle', () => {
    const pattern = fc.array(fc.constantFrom('a', 'b', '/', '.', '*', '**'), { maxLength: 8 }).map((parts) => parts.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', '/', '.'), { maxLength: 10 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(matchWildcards(p, t), `${p} ${t}`).toBe(oracle(p, t));
      }),
      { numRuns: 3000 },
    );
  });
});
