// The repository's own ghcr.io namespace (GITHUB_REPOSITORY's owner) is trusted: an organisation's
// mirror of a well-known image there is not a copy posing as its publisher's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import { withOwnGhcrNamespace } from '../../src/config/own-namespace.js';
import { scan } from '../../src/engine.js';

describe('withOwnGhcrNamespace', () => {
  it.each([
    [{ GITHUB_REPOSITORY: 'CoollabsIO/coolify' }, 'ghcr.io/coollabsio/**'],
    [{ GITHUB_REPOSITORY: 'acme-robotics/fleet', GITHUB_SERVER_URL: 'https://github.com/' }, 'ghcr.io/acme-robotics/**'],
  ])('trusts the owner of %o on ghcr.io, in lower case', (env, glob) => {
    const policy = defaultPolicy();
    const trusted = withOwnGhcrNamespace(policy, env).trustedImages;
    expect(trusted).toEqual([...policy.trustedImages, glob]);
    expect(policy.trustedImages).not.toContain(glob);
  });

  it.each([
    ['no repository', {}],
    ['an Enterprise Server, whose registry is another host', { GITHUB_REPOSITORY: 'acme/app', GITHUB_SERVER_URL: 'https://github.example.com' }],
    ['no owner', { GITHUB_REPOSITORY: '/app' }],
    ['no repository name', { GITHUB_REPOSITORY: 'acme/' }],
    ['an owner no GitHub login can be', { GITHUB_REPOSITORY: 'acme/**/x' }],
    ['an owner with a glob', { GITHUB_REPOSITORY: '*/app' }],
    ['an owner ending in a hyphen', { GITHUB_REPOSITORY: 'acme-/app' }],
  ])('leaves the policy as it is with %s', (_name, env) => {
    const policy = defaultPolicy();
    expect(withOwnGhcrNamespace(policy, env)).toBe(policy);
  });
});

describe('a scan in the repository of the namespace', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'own-namespace-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(path.join(root, 'compose.yaml'), 'services:\n  storage:\n    image: ghcr.io/coollabsio/minio:RELEASE.2025-10-15T17-29-55Z\n');
  const rulesFor = async (env: NodeJS.ProcessEnv) => (await scan({ root, policy: defaultPolicy(), offline: true, env })).findings.map((finding) => finding.rule);

  it("does not report the owner's own mirror of MinIO as a copy of MinIO's image", async () => {
    expect(await rulesFor({ GITHUB_REPOSITORY: 'coollabsio/coolify' })).not.toContain('typosquat');
  });

  it('reports it in any other repository', async () => {
    expect(await rulesFor({})).toContain('typosquat');
    expect(await rulesFor({ GITHUB_REPOSITORY: 'someone-else/app' })).toContain('typosquat');
  });
});
