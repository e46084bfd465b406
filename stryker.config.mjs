// Mutation testing (npm run mutate): not run in CI, it takes too long. The README says how to run
// it and records the scores measured. Narrow it with --mutate, e.g.
//   npm run mutate -- --mutate 'src/reference/**/*.ts'
const report = process.env.MUTATE_REPORT ?? 'mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  mutate: [
    'src/checks/**/*.ts',
    'src/sigstore/**/*.ts',
    'src/reference/**/*.ts',
    'src/pin.ts',
  ],
  coverageAnalysis: 'perTest',
  // The machine is shared; one or two test processes at a time.
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignoreStatic: true,
};
