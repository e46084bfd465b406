import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests start real registries; keep files isolated but not too many at once on 2 cores.
    maxWorkers: 2,
  },
});
