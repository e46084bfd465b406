/**
 * `npm run eval:typosquat`: prints precision and recall of the typosquat and impersonation rules
 * on the labelled table, overall, per rule and per technique, and lists every miss.
 */
import { evaluateTable, type Score } from './typosquat-eval-lib.js';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const line = (label: string, s: Score) =>
  `${label.padEnd(16)} precision ${percent(s.precision).padStart(6)}  recall ${percent(s.recall).padStart(6)}  (TP ${s.truePositives}, FP ${s.falsePositives}, FN ${s.falseNegatives})`;

const report = await evaluateTable();
const positives = report.outcomes.filter((outcome) => outcome.expected !== 'clean').length;
console.log(`Cases: ${report.cases} (${positives} squat or impersonation, ${report.cases - positives} clean)\n`);
console.log(line('overall', report.overall));
console.log(line('typosquat', report.byRule.squat));
console.log(line('impersonation', report.byRule.impersonation));
console.log('\nRecall by technique:');
for (const [technique, entry] of Object.entries(report.recallByTechnique).sort()) {
  console.log(`  ${technique.padEnd(22)} ${String(entry.detected).padStart(3)}/${String(entry.cases).padEnd(3)} ${percent(entry.recall)}`);
}
console.log('\nFalse positives by kind of clean image:');
const kinds = Object.entries(report.falsePositivesByKind);
if (kinds.length === 0) console.log('  none');
for (const [kind, count] of kinds) console.log(`  ${kind.padEnd(22)} ${count}`);

const wrong = report.outcomes.filter((outcome) => outcome.predicted !== outcome.expected || outcome.invalid);
if (wrong.length > 0) {
  console.log('\nDisagreements:');
  for (const outcome of wrong) {
    const detail = outcome.invalid ? `invalid: ${outcome.invalid}` : outcome.match ? `${outcome.match.technique} -> ${outcome.match.genuine}` : 'not detected';
    console.log(`  ${outcome.image.padEnd(44)} expected ${outcome.expected.padEnd(13)} got ${outcome.predicted.padEnd(13)} ${detail}`);
  }
}
