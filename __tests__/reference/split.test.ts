/** The one splitter of normalized references, and that parsing then splitting agree for every host spelling. */
import { describe, expect, it } from 'vitest';
import { formatReference, normalizeForOccurrence, parseNormalized, policyRepository, rememberingSplitter, splitReference, type ReferenceParts } from '../../src/reference/index.js';

const D = `sha256:${'c'.repeat(64)}`;

describe('splitReference', () => {
  it.each<[string, ReferenceParts | undefined]>([
    ['docker.io/library/nginx', { domain: 'docker.io', host: 'docker.io', path: 'library/nginx', repository: 'docker.io/library/nginx' }],
    ['docker.io/library/nginx:1.25', { domain: 'docker.io', host: 'docker.io', path: 'library/nginx', repository: 'docker.io/library/nginx', tag: '1.25' }],
    [
      `localhost:5000/team/app:dev@${D}`,
      { domain: 'localhost:5000', host: 'localhost:5000', path: 'team/app', repository: 'localhost:5000/team/app', tag: 'dev', digest: D },
    ],
    [`ghcr.io/org/app@${D}`, { domain: 'ghcr.io', host: 'ghcr.io', path: 'org/app', repository: 'ghcr.io/org/app', digest: D }],
    // Requests go to the host written; policies see the loopback host folded.
    [
      `127.0.0.1:5000/a/b@${D}`,
      { domain: '127.0.0.1:5000', host: 'localhost:5000', path: 'a/b', repository: 'localhost:5000/a/b', digest: D },
    ],
    ['[::1]:5000/app:v1', { domain: '[::1]:5000', host: 'localhost:5000', path: 'app', repository: 'localhost:5000/app', tag: 'v1' }],
    // Text not in canonical form is still folded, so a caller cannot get a second spelling through.
    ['index.docker.io/library/redis', { domain: 'docker.io', host: 'docker.io', path: 'library/redis', repository: 'docker.io/library/redis' }],
    ['REGISTRY.example.com/app', { domain: 'registry.example.com', host: 'registry.example.com', path: 'app', repository: 'registry.example.com/app' }],
    ['ghcr.io:443/org/app', { domain: 'ghcr.io', host: 'ghcr.io', path: 'org/app', repository: 'ghcr.io/org/app' }],
    // A colon before the first "/" is a port, never a tag.
    ['registry:5000/app', { domain: 'registry:5000', host: 'registry:5000', path: 'app', repository: 'registry:5000/app' }],
    // Not normalized, or not a reference: nothing to match.
    ['nginx', undefined],
    ['nginx:1.25', undefined],
    ['localhost:5000', undefined],
    ['', undefined],
    ['ghcr.io/Org/app', undefined],
    ['ghcr.io/org/app@sha256:short', undefined],
    ['x'.repeat(2000), undefined],
  ])('%s', (reference, parts) => expect(splitReference(reference)).toStrictEqual(parts));

  it('gives the policy repository', () => {
    expect(policyRepository(`127.0.0.1:5000/org/app:1@${D}`)).toBe('localhost:5000/org/app');
    expect(policyRepository('nginx')).toBeUndefined();
  });
});

// Every spelling of one registry normalizes to one canonical reference, and splits to one repository.
describe('host spellings through parseNormalized and splitReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['docker.io:443/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/nginx:1', 'docker.io/library/nginx:1'],
    ['index.docker.io:443/library/nginx', 'docker.io/library/nginx'],
    ['registry-1.docker.io/library/nginx', 'docker.io/library/nginx'],
    ['registry-1.docker.io/bitnami/redis', 'docker.io/bitnami/redis'],
    ['registry.hub.docker.com/library/nginx', 'docker.io/library/nginx'],
    ['Registry-1.Docker.io/library/nginx', 'docker.io/library/nginx'],
    ['ghcr.io:443/org/app:v1', 'ghcr.io/org/app:v1'],
    ['localhost:443/app', 'localhost/app'],
    // Kept: another port, and a single label that would otherwise read as a Docker Hub namespace.
    ['ghcr.io:80/org/app', 'ghcr.io:80/org/app'],
    ['registry:443/app', 'registry:443/app'],
    ['docker.io:5000/app', 'docker.io:5000/app'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app'],
  ])('%s -> %s', (written, canonical) => {
    const normalized = normalizeForOccurrence(written);
    expect(normalized.ok && normalized.reference).toBe(canonical);
    expect(formatReference(parseNormalized(canonical))).toBe(canonical);
    expect(splitReference(canonical)).toBeDefined();
  });

  it('parseCanonical refuses the other spellings', async () => {
    const { parseCanonical } = await import('../../src/reference/index.js');
    expect(() => parseCanonical('registry-1.docker.io/library/nginx')).toThrow(/canonical/);
    expect(() => parseCanonical('ghcr.io:443/org/app')).toThrow(/canonical/);
  });
});

describe('rememberingSplitter', () => {
  it('splits as splitReference does, once per distinct reference', () => {
    const split = rememberingSplitter();
    const parts = split(`ghcr.io/org/app:1@${D}`);
    expect(parts).toEqual(splitReference(`ghcr.io/org/app:1@${D}`));
    expect(split(`ghcr.io/org/app:1@${D}`)).toBe(parts);
    expect(split('ghcr.io/org/other:1')).toEqual(splitReference('ghcr.io/org/other:1'));
    expect(split('nginx')).toBeUndefined();
    expect(split('nginx')).toBeUndefined();
    // Another splitter remembers on its own.
    expect(rememberingSplitter()(`ghcr.io/org/app:1@${D}`)).not.toBe(parts);
  });
});
