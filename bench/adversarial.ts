/**
 * Adversarial inputs for every matcher that runs on repository or policy text (issue 12.2),
 * printed as growth ratios: the time for an input twice as long over the time for the shorter
 * one. Linear matching stays near 2x per doubling; a backtracking regex grows by 2^k or n^k.
 * Never asserted in tests (a loaded CI machine is no clock).
 *
 *   npx tsx bench/adversarial.ts
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { findDirective } from '../src/checks/suppression.js';
import { compilePathGlob } from '../src/config/path-glob.js';
import { matchWildcards } from '../src/config/glob.js';
import { parseShellPattern, matchesParts, removePrefix, replaceMatches, type ShellPattern } from '../src/discover/dockerfile/shell-pattern.js';
import { hasTopLevelSteps } from '../src/discover/cloudbuild.js';
import { trailingLetters } from '../src/discover/kubernetes.js';
import { parseYamlDocuments } from '../src/discover/yaml.js';
import { linearRegExp } from '../src/linear-regexp.js';
import { nextTarget } from '../src/registry/client.js';
import { allSpans, enclosed, firstSpan } from '../src/spans.js';

const require = createRequire(import.meta.url);
const ROUNDS = 5;
const SIZES = [4_000, 8_000, 16_000, 32_000];

function median(run: () => unknown): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

function shell(pattern: string): ShellPattern {
  const parsed = parseShellPattern(pattern);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const cases: Array<{ name: string; run: (n: number) => unknown }> = [
  { name: 'Dockerfile ${V#*a*a*a*a*a*a*c}', run: (n) => removePrefix(shell('*a*a*a*a*a*a*c'), 'a'.repeat(n), true) },
  { name: 'Dockerfile ${V%%*a*a*a*a*a*c} (lazy)', run: (n) => removePrefix(shell('*a*a*a*a*a*c'), 'a'.repeat(n), false) },
  { name: 'Dockerfile ${V//*a*a*a*a*c/x}', run: (n) => replaceMatches(shell('*a*a*a*a*c'), 'a'.repeat(n), 'x', true) },
  { name: 'FROM stage-name pattern (a, a, a, a, c)', run: (n) => matchesParts(['a', 'a', 'a', 'a', 'c'], 'a'.repeat(n)) },
  { name: 'policy path glob **/*a*a*a*a*a*c', run: (n) => compilePathGlob('**/*a*a*a*a*a*c').matches('x/' + 'a'.repeat(n)) },
  { name: 'policy host glob *a*a*a*a*a*c', run: (n) => matchWildcards('*a*a*a*a*a*c', 'a'.repeat(n)) },
  { name: 'identity regexp ^https://x/.*/.*/.*/.*/y$', run: (n) => linearRegExp('^https://x/.*/.*/.*/.*/y$').test('https://x/' + 'a/'.repeat(n / 2)) },
  // Before: the yaml package recursed once per level, past the stack (a V8 abort at 20,000 in the CLI).
  { name: 'placeholder ${${${… (no }, spans.ts)', run: (n) => { const text = '${'.repeat(n / 2); return firstSpan([enclosed(text, '${', '}'), enclosed(text, '{{', '}}', { sameLine: true }), enclosed(text, '$(', ')')]); } },
  { name: 'helm value {{{{… (no }} on the line)', run: (n) => { const text = '{{'.repeat(n / 2) + '\n}}'; return allSpans([enclosed(text, '{{', '}}', { sameLine: true })]); } },
  { name: 'cloudbuild-x.yaml line of blanks, no steps', run: (n) => hasTopLevelSteps(' \t'.repeat(n / 2) + 'x') },
  { name: 'manifest context letters then a space', run: (n) => trailingLetters('Za'.repeat(n / 2) + ' ') },
  { name: 'registry Link header <<<<…> ; rel=prev', run: (n) => nextTarget('<'.repeat(n) + '>; rel=prev') },
  { name: 'suppression line of markers, no match', run: (n) => findDirective(' # verify-images: ignore x   '.repeat(Math.ceil(n / 29)) + 'y\u2028z') },
  { name: 'YAML flow nesting image: {{{…x', run: (n) => parseYamlDocuments('image: ' + '{'.repeat(n) + 'x\n') },
];

console.log(`per call, median of ${ROUNDS} rounds after a warm-up; growth = time(n) / time(n/2): ~2 is linear`);
for (const { name, run } of cases) {
  run(SIZES.at(-1)!); // warm-up: compile and optimise before measuring
  const times = SIZES.map((n) => {
    // The same total work at each size, so small sizes are not lost in timer noise.
    const repetitions = Math.ceil((4 * SIZES.at(-1)!) / n);
    return median(() => {
      for (let index = 0; index < repetitions; index++) run(n);
    }) / repetitions;
  });
  const ratios = times.slice(1).map((time, index) => (time / Math.max(times[index], 1e-6)).toFixed(2));
  console.log(`${name.padEnd(44)} ${times.map((t) => t.toFixed(3)).join(' / ')} ms at n=${SIZES.join(', ')}; growth per 2x: ${ratios.join(', ')}`);
}

// What the replaced code did, in a fresh process (this one now falls back to the linear engine),
// on inputs hundreds of times shorter; each stops at 20 s.
const before = `
const picomatch = require(${JSON.stringify(require.resolve('picomatch'))});
const glob = picomatch('**/*a*a*a*a*a*c', { dot: true });
const time = (run) => { const start = process.hrtime.bigint(); run(); return Number(process.hrtime.bigint() - start) / 1e6; };
for (const n of [25, 50, 100]) console.log('before: picomatch **/*a*a*a*a*a*c, n=' + n + ': ' + time(() => glob('x/' + 'a'.repeat(n))).toFixed(1) + ' ms');
for (const n of [12_500, 25_000, 50_000]) console.log('before: the Kubernetes placeholder regex on "\${" x ' + n + ': ' + time(() => /\\$\\{[^}]*\\}|\\{\\{.*?\\}\\}|\\$\\([^)]*\\)/.exec('\${'.repeat(n))).toFixed(1) + ' ms');
for (const n of [25, 50, 100]) console.log('before: regex of \${V#*a*a*a*a*a*a*c}, n=' + n + ': ' + time(() => /^[^]*a[^]*a[^]*a[^]*a[^]*a[^]*a[^]*c/u.exec('a'.repeat(n))).toFixed(1) + ' ms');
`;
const child = spawnSync(process.execPath, ['-e', before], { encoding: 'utf8', timeout: 20_000 });
process.stdout.write(child.stdout);
if (child.error || child.signal) console.log('before: stopped after 20 s');
