/**
 * The `$` variable scan compose, Cloud Build and GitLab CI share (dollar-variables.ts): each dialect
 * keeps its own meaning of a name and a `${…}`, and every one is bounded while it builds its text.
 */
import { describe, expect, it } from 'vitest';
import { expandSubstitutions } from '../../src/discover/cloudbuild-substitutions.js';
import { interpolateCompose, parseDotenv } from '../../src/discover/compose.js';
import { substituteVariables } from '../../src/discover/image-site.js';

const values = new Map([
  ['A', 'alpine'],
  ['_A', 'alpine'],
  ['EMPTY', ''],
]);
const compose = (text: string) => {
  const result = interpolateCompose(text, (name) => values.get(name));
  return result.ok ? result.value : { unresolved: result.message };
};
const cloudBuild = (text: string) => expandSubstitutions(text, values).value;
const gitlab = (text: string) => substituteVariables(text, (name) => values.get(name) ?? { unresolved: `${name} is not set` });

describe('one $ scan, three dialects', () => {
  it.each([
    // text, compose, Cloud Build, GitLab
    ['$$A:$A', '$A:alpine', { unresolved: expect.stringMatching(/^\$A is not a built-in/) }, '$A:alpine'],
    ['${A}:1$', 'alpine:1$', { unresolved: expect.stringMatching(/^\$A is not a built-in/) }, 'alpine:1$'],
    ['${_A}:$1', 'alpine:$1', 'alpine:$1', 'alpine:$1'],
    ['$_U', { unresolved: 'variable _U is not set' }, { unresolved: expect.stringMatching(/^substitution _U is not defined/) }, { unresolved: '_U is not set' }],
    ['${EMPTY:-x}', 'x', { unresolved: expect.stringMatching(/^\$EMPTY is not a built-in/) }, { unresolved: 'expression ${EMPTY:-x} cannot be resolved from this file' }],
    ['${_U:-${_A}}', 'alpine', 'alpine', { unresolved: 'expression ${_U:-${_A}} cannot be resolved from this file' }],
    ['${A?gone}', 'alpine', { unresolved: '${A?gone} is not a substitution Cloud Build expands' }, { unresolved: 'expression ${A?gone} cannot be resolved from this file' }],
    ['${_A/alp/x}', { unresolved: 'invalid interpolation format: "${_A/alp/x}"' }, 'xine', { unresolved: 'expression ${_A/alp/x} cannot be resolved from this file' }],
    ['x${A', { unresolved: 'invalid interpolation format in "x${A": unclosed "${"' }, { unresolved: '${A has no closing "}"' }, { unresolved: 'expression ${A cannot be resolved from this file' }],
  ])('%s', (text, composeValue, cloudBuildValue, gitlabValue) => {
    expect([compose(text), cloudBuild(text), gitlab(text)]).toEqual([composeValue, cloudBuildValue, gitlabValue]);
  });

  // Crafted: compose checked its bound only once the whole text was built, so a 220 KB .env whose
  // second line names the first (100,000 characters) 30,000 times ended the compose file's reading
  // with "Invalid string length" (its other images unread); each dialect now stops at the first
  // expansion past the bound.
  it('stops at the first expansion past the bound, in each dialect', () => {
    const long = 'a'.repeat(5_000);
    const variables = parseDotenv(`A=${'a'.repeat(100_000)}\nB=${'${A}'.repeat(30_000)}\n`);
    expect(variables.get('B')).toEqual({ unresolved: 'interpolation makes the text longer than 8192 characters (needed by B in .env)' });
    const looked: string[] = [];
    const lookup = (name: string) => {
      looked.push(name);
      return long;
    };
    const text = '$L'.repeat(1_000);
    expect(interpolateCompose(text, lookup)).toEqual({ ok: false, message: 'interpolation makes the text longer than 8192 characters' });
    expect(substituteVariables(text, lookup)).toEqual({ unresolved: 'substituting variables makes the text longer than 8192 characters' });
    expect(looked).toHaveLength(4);
    expect(expandSubstitutions('$_L'.repeat(1_000), new Map([['_L', long]])).value).toEqual({ unresolved: 'the substituted text is longer than 8192 characters' });
  });
});
