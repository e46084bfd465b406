/**
 * The integration tests' skip rule: missing tools skip them with a reason, except when
 * VERIFY_IMAGES_REQUIRE_INTEGRATION=1 (CI), where they must fail instead of passing silently.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

// As on a machine without docker-registry or skopeo.
vi.mock('node:fs', async (original) => ({ ...(await original<typeof import('node:fs')>()), existsSync: () => false }));
const { REQUIRE_INTEGRATION_ENV, registryAvailability } = await import('../helpers/registry.js');

describe('registryAvailability without the tools', () => {
  const saved = process.env[REQUIRE_INTEGRATION_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[REQUIRE_INTEGRATION_ENV];
    else process.env[REQUIRE_INTEGRATION_ENV] = saved;
  });

  it('says why, so the tests can skip with the reason', () => {
    delete process.env[REQUIRE_INTEGRATION_ENV];
    expect(registryAvailability()).toEqual({ ok: false, reason: '/usr/bin/docker-registry not installed (apt-get install docker-registry)' });
  });

  it('throws when integration tests are required', () => {
    process.env[REQUIRE_INTEGRATION_ENV] = '1';
    expect(() => registryAvailability()).toThrow(`${REQUIRE_INTEGRATION_ENV}=1 but the integration tests cannot run: /usr/bin/docker-registry not installed`);
  });
});
