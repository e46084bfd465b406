import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import { buildTrustIndex, compileRegistryPatterns, referenceParts } from '../../src/checks/trust.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('referenceParts', () => {
  it.each([
    ['docker.io/library/nginx', { domain: 'docker.io', path: 'library/nginx', repository: 'docker.io/library/nginx' }],
    ['docker.io/library/nginx:1.25', { domain: 'docker.io', path: 'library/nginx', repository: 'docker.io/library/nginx', tag: '1.25' }],
    [`localhost:5000/team/app:dev@${DIGEST}`, { domain: 'localhost:5000', path: 'team/app', repository: 'localhost:5000/team/app', tag: 'dev', digest: DIGEST }],
    [`ghcr.io/org/app@${DIGEST}`, { domain: 'ghcr.io', path: 'org/app', repository: 'ghcr.io/org/app', digest: DIGEST }],
    ['index.docker.io/library/redis', { domain: 'docker.io', path: 'library/redis', repository: 'docker.io/library/redis' }],
  ])('%s', (reference, parts) => {
    expect(referenceParts(reference)).toEqual(parts);
  });
});

describe('compileRegistryPatterns', () => {
  const allowed = compileRegistryPatterns(['docker.io', 'GHCR.io', '*.gcr.io', 'localhost:5000', '*.dkr.ecr.*.amazonaws.com']);
  it.each([
    ['docker.io', true],
    ['registry-1.docker.io', true],
    ['ghcr.io', true],
    ['eu.gcr.io', true],
    ['gcr.io', false],
    ['evil.io/eu.gcr.io', false],
    ['localhost:5000', true],
    ['localhost:5001', false],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', true],
    ['quay.io', false],
  ])('%s => %s', (host, expected) => {
    expect(allowed(host)).toBe(expected);
  });
});

describe('buildTrustIndex', () => {
  it('trusts by image glob or by registry, and allows every registry without an allowlist', () => {
    const trust = buildTrustIndex({ ...defaultPolicy(), trustedImages: ['docker.io/library/*', 'ghcr.io/my-org/**'], trustedRegistries: ['registry.example.com'] });
    expect(trust.isTrustedImage('docker.io/library/nginx:1.25')).toBe(true);
    expect(trust.isTrustedImage('docker.io/someone/nginx')).toBe(false);
    expect(trust.isTrusted('ghcr.io/my-org/team/app@' + DIGEST)).toBe(true);
    expect(trust.isTrusted('registry.example.com/anything/here:1')).toBe(true);
    expect(trust.isTrusted('ghcr.io/other/app')).toBe(false);
    expect(trust.isAllowedRegistry('quay.io')).toBe(true);
  });

  it('allows only listed registries when the policy has an allowlist', () => {
    const trust = buildTrustIndex({ ...defaultPolicy(), allowedRegistries: ['ghcr.io'] });
    expect(trust.isAllowedRegistry('ghcr.io')).toBe(true);
    expect(trust.isAllowedRegistry('docker.io')).toBe(false);
  });
});
