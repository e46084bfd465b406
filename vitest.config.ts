import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests start real registries; keep files isolated but not too many at once on 2 cores.
    maxWorkers: 2,
    onUnhandledError(error) {
      // nock 15 intercepts fetch through @mswjs/interceptors. When a test's client cancels a mocked
      // response body (the size-bound tests), the mock TLS socket can still emit after undici has
      // released the request, and undici reads `null.statusCode`. That race lives in the mock, not
      // in verify-images (production fetches never pass through it). Only that exact signature is
      // ignored; every other unhandled error still fails the run.
      const stack = error.stack ?? '';
      const isMockSocketRace =
        error.name === 'TypeError' &&
        /Cannot read properties of null \(reading 'statusCode'\)/.test(error.message) &&
        stack.includes('@mswjs/interceptors') &&
        stack.includes('undici');
      if (isMockSocketRace) return false;
    },
  },
});
