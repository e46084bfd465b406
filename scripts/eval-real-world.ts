/**
 * `npm run eval:real-world`: scans every repository of the real-world corpus offline, as a new user
 * would, and prints per repository and in total: files, occurrences, the share resolved to a
 * reference, error findings (real problems / false), files not read; then findings per rule, Helm
 * lines resolved as `helm template` renders them, and every false error and unread file.
 */
import { evaluateCorpus, type RepositoryFigures } from './real-world-eval-lib.js';

const evaluation = await evaluateCorpus();
const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)}%`);
const row = (figures: RepositoryFigures) =>
  `| ${figures.folder} | ${figures.files} | ${figures.occurrences} | ${percent(figures.resolved, figures.occurrences)} | ${figures.realErrors} / ${figures.falseErrors} | ${figures.filesNotRead} |`;

console.log('| repository | files | occurrences | resolved | error findings (real / false) | files not read |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const figures of evaluation.repositories) console.log(row(figures));
console.log(row({ ...evaluation.total, folder: `**total (${evaluation.repositories.length} repositories)**` }));

console.log('\nFindings per rule (unsuppressed):\n');
console.log('| rule | findings |');
console.log('| --- | ---: |');
for (const [rule, count] of Object.entries(evaluation.total.byRule).sort()) console.log(`| \`${rule}\` | ${count} |`);

// The least-privilege rules per repository, so their weight beside the supply-chain rules shows.
const LEAST_PRIVILEGE = ['runs-as-root', 'privileged', 'no-resource-limits', 'writable-root-filesystem'];
console.log('\nLeast-privilege findings per repository (unsuppressed; repositories with none are left out):\n');
console.log(`| repository | ${LEAST_PRIVILEGE.map((rule) => `\`${rule}\``).join(' | ')} |`);
console.log(`| --- |${LEAST_PRIVILEGE.map(() => ' ---: |').join('')}`);
for (const figures of evaluation.repositories) {
  const counts = LEAST_PRIVILEGE.map((rule) => figures.byRule[rule] ?? 0);
  if (counts.some((count) => count > 0)) console.log(`| ${figures.folder} | ${counts.join(' | ')} |`);
}

const helmOk = evaluation.helm.filter((outcome) => outcome.ok).length;
console.log(`\nHelm template lines resolved as \`helm template\` renders them: ${helmOk} of ${evaluation.helm.length} (${percent(helmOk, evaluation.helm.length)})`);
for (const outcome of evaluation.helm.filter((entry) => !entry.ok)) {
  const { file, line, rendered, pending } = outcome.expectation;
  console.log(`  ${file}:${line} renders ${rendered}; found ${outcome.found.map((reference) => reference ?? 'unresolved').join(', ') || 'nothing'}${pending ? ` (pending: ${pending})` : ''}`);
}
if (evaluation.falseErrors.length > 0) {
  console.log('\nFalse error findings:');
  for (const finding of evaluation.falseErrors) console.log(`  ${finding.file}:${finding.line} ${finding.rule}: ${finding.message}`);
}
if (evaluation.missedProblems.length > 0) {
  console.log('\nRecorded real problems not raised:');
  for (const problem of evaluation.missedProblems) console.log(`  ${problem.file}:${problem.line} ${problem.rule}: ${problem.why}`);
}
if (evaluation.errors.length > 0) {
  console.log('\nFiles not read:');
  for (const error of evaluation.errors) console.log(`  ${error.file}: ${error.message.slice(0, 200)}`);
}
