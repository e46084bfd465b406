import { describe, expect, it } from 'vitest';
import { travisDiscoverer } from '../../src/discover/travis.js';
import { extractFixture } from './discover-helpers.js';

describe('travis discoverer', () => {
  it('reads the images the phases pull, with env global, each env matrix entry and an include job env', async () => {
    const { occurrences, errors } = await extractFixture(travisDiscoverer, 'travis', 'matrix/.travis.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['16:17', '$NIM_IMAGE', 'docker.io/yglukhov/devel', 'before_install[0]'],
      // One per job of the matrix; the include job has no TEST_TARGET, so the shell expands it.
      ['17:17', 'nginxproxy/nginx-proxy:$TEST_TARGET', 'docker.io/nginxproxy/nginx-proxy:test-debian', 'before_install[1]'],
      ['17:17', 'nginxproxy/nginx-proxy:$TEST_TARGET', 'docker.io/nginxproxy/nginx-proxy:test-alpine', 'before_install[1]'],
      ['17:17', 'nginxproxy/nginx-proxy:$TEST_TARGET', 'the shell expands nginxproxy/nginx-proxy:$TEST_TARGET when the job runs (a Travis variable, or one set outside this file)', 'before_install[1]'],
      ['20:49', 'yglukhov/devel', 'docker.io/yglukhov/devel', 'script[0]'],
      ['28:28', '$DOCKER', 'docker.io/pyca/cryptography-runner-fedora', 'matrix.include[0].script[0]'],
      ['29:27', '$RUNNER_IMAGE', 'the shell expands $RUNNER_IMAGE when the job runs (a Travis variable, or one set outside this file)', 'matrix.include[0].script[1]'],
    ]);
  });

  it('matches .travis.yml only', () => {
    expect(travisDiscoverer.matches('.travis.yml', '')).toBe(true);
    expect(travisDiscoverer.matches('sub/.travis.yml', '')).toBe(true);
    expect(travisDiscoverer.matches('travis.yml', '')).toBe(false);
  });
});
