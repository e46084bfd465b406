import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import { buildTrustIndex, compileRegistryPatterns } from '../../src/checks/trust.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('compileRegistryPatterns', () => {
  // Compiled inside each test, so that mutation testing sees the compilation (per-test coverage).
  const patterns = ['docker.io', ' GHCR.io ', '*.gcr.io', 'localhost:5000', '*.dkr.ecr.*.amazonaws.com'];
  it.each([
    ['docker.io', true],
    ['registry-1.docker.io', true],
    ['ghcr.io', true],
    ['eu.gcr.io', true],
    ['gcr.io', false],
    ['evil.io/eu.gcr.io', false],
    ['localhost:5000', true],
    ['localhost:5001', false],
    ['127.0.0.1:5000', true],
    ['[::1]:5000', true],
    ['registry.hub.docker.com:443', true],
    ['ghcr.io:443', true],
    ['ghcr.io:80', false],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', true],
    ['quay.io', false],
  ])('%s => %s', (host, expected) => {
    expect(compileRegistryPatterns(patterns)(host)).toBe(expected);
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
    // Text that is not a normalized reference is trusted by nothing (and does not throw).
    expect(trust.isTrusted('nginx')).toBe(false);
    expect(trust.isAllowedRegistry('quay.io')).toBe(true);
  });

  it('allows only listed registries when the policy has an allowlist', () => {
    const trust = buildTrustIndex({ ...defaultPolicy(), allowedRegistries: ['ghcr.io'] });
    expect(trust.isAllowedRegistry('ghcr.io')).toBe(true);
    expect(trust.isAllowedRegistry('docker.io')).toBe(false);
  });
});
