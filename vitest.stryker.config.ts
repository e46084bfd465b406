import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The unit tests that exercise the mutated folders; integration, end-to-end and rendering tests
// start registries and browsers and would make every mutant take minutes. MUTATE_TESTS (a comma
// list of globs) narrows them further for a run over one folder.
const unitTests = [
  '__tests__/checks/**/*.test.ts',
  '__tests__/sigstore/**/*.test.ts',
  '__tests__/reference/**/*.test.ts',
  '__tests__/pin*.test.ts',
  '__tests__/registration.test.ts',
];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',') : unitTests,
    env: { VERIFY_IMAGES_MUTATION: '1' },
    exclude: ['__tests__/integration/**', '__tests__/e2e/**'],
  },
});
