import { describe, expect, it } from 'vitest';
import { gitpodDiscoverer } from '../../src/discover/gitpod.js';
import { extractFixture } from './discover-helpers.js';

describe('gitpod', () => {
  it('reads the workspace image (prometheus-operator/kube-prometheus)', async () => {
    const { occurrences, errors } = await extractFixture(gitpodDiscoverer, 'gitpod', '.gitpod.yml');
    expect(errors ?? []).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.column, o.raw, o.reference, o.context])).toEqual([[2, 8, 'gitpod/workspace-full', 'docker.io/gitpod/workspace-full', 'image']]);
  });

  it('names no image when the workspace is built from a Dockerfile, which the Dockerfile reader reads (gitpod-io/workspace-images)', async () => {
    const { occurrences } = await extractFixture(gitpodDiscoverer, 'gitpod', 'workspace-images/.gitpod.yml');
    expect(occurrences).toEqual([]);
  });

  it.each([
    ['.gitpod.yml', true],
    ['.gitpod.yaml', true],
    ['examples/app/.gitpod.yml', true],
    ['my.gitpod.yml', false],
    ['gitpod.yml', false],
    ['.gitpod.yml.bak', false],
  ])('claims %s: %s', (path, claimed) => {
    expect(gitpodDiscoverer.matches(path, '')).toBe(claimed);
  });
});
