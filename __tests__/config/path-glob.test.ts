/**
 * Path globs (issue 12.2): picomatch's behaviour on ordinary globs, checked against picomatch
 * itself on small random inputs, and no backtracking (the adversarial growth is in bench/).
 */
import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compilePathGlob, expandBraces, MAX_BRACE_EXPANSIONS, pathGlobProblem } from '../../src/config/path-glob.js';

const table: Array<[glob: string, path: string, matches: boolean]> = [
  ['**', '.git/config', true],
  ['*.*', 'a.', true],
  ['deploy/**', 'deploy', true],
  ['deploy/**', 'deploy/a/b.yaml', true],
  ['deploy/**', 'deployment/a.yaml', false],
  ['**/test/**', 'a/test', true],
  ['**/test/**', 'a/b/test/c.yaml', true],
  ['**/*.yml', 'ci.yml', true],
  ['*.yml', 'a/ci.yml', false],
  ['a/**/b', 'a/b', true],
  ['a/**/b', 'a/x/y/b', true],
  ['a**b', 'ax/yb', false],
  ['{deploy,charts}/**/*.yaml', 'charts/x/values.yaml', true],
  ['{deploy,charts}/**/*.yaml', 'docs/x.yaml', false],
  ['[a-c]x', 'bx', true],
  ['[!a]x', 'ax', false],
  ['[^a]x', 'bx', true],
  ['?x', '/x', false],
  ['./legacy/**', 'legacy/Dockerfile', true],
  ['file\\*', 'file*', true],
  ['file\\*', 'files', false],
  ['evil\ndir/**', 'evil\ndir/Dockerfile', true],
];

describe('compilePathGlob', () => {
  it.each(table)('%j against %j is %s', (glob, path, matches) => {
    expect(compilePathGlob(glob).matches(path)).toBe(matches);
  });

  it('refuses what it does not implement, instead of matching something else', () => {
    expect(pathGlobProblem('!vendor/**')).toMatch(/negation/);
    expect(pathGlobProblem('@(a|b)/**')).toMatch(/extended globs/);
    expect(pathGlobProblem('a\\')).toMatch(/lone/);
    expect(pathGlobProblem('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}')).toMatch(new RegExp(`more than ${MAX_BRACE_EXPANSIONS}`));
    expect(pathGlobProblem('deploy/**')).toBeUndefined();
  });

  it('expands nested braces and keeps braces without a comma literal', () => {
    expect(expandBraces('{a,{b,c}}/x')).toEqual(['a/x', 'b/x', 'c/x']);
    expect(expandBraces('{a}/x')).toEqual(['{a}/x']);
  });

  // Left out: `[!a]`, which picomatch reads as "! or a" and this matcher (like bash) as "not a";
  // `**` touching other characters in a segment (`**a`, `{a,b}**`), where picomatch's reading
  // varies with what follows and this matcher reads `*`; and `*.*`, which picomatch does not match
  // against `a.` (a `*` after the dot matching nothing), where this matcher, like bash, does.
  it('agrees with picomatch ({ dot: true }) on small random globs and paths', () => {
    const segment = fc.array(fc.constantFrom('a', 'b', '.', '*', '?', '[ab]', '[^a]', '{a,b}'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    const globSegment = fc.oneof({ weight: 4, arbitrary: segment }, { weight: 1, arbitrary: fc.constant('**') });
    const glob = fc.array(globSegment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    const name = fc.array(fc.constantFrom('a', 'b', '.'), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')).filter((part) => part !== '.' && part !== '..');
    const filePath = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    fc.assert(
      fc.property(glob, filePath, (pattern, file) => {
        fc.pre(!/\*\*[^/]|[^/]\*\*/.test(pattern) && !pattern.includes('*.*'));
        expect(compilePathGlob(pattern).matches(file), `${pattern} ${file}`).toBe(picomatch(pattern, { dot: true })(file));
      }),
      { numRuns: 2000 },
    );
  });
});
