/**
 * `npm run eval:typosquat`: precision and recall of the typosquat and impersonation rules on the
 * labelled table, for its tuning half and its evaluation half (split once by a fixed seed, see
 * `halfOf`). Disagreements are listed for the tuning half only: the evaluation half is scored,
 * not read, so that its figures say how the detector does on names it was not tuned on.
 * `--show-evaluation` lists the evaluation half's disagreements too (for a final audit only).
 * The held-out set (`heldout.tsv`, written without seeing the detector or the table) is scored
 * with its disagreements listed: it was scored once and is reported, never tuned on.
 */
import { evaluateBlindSet, evaluateHeldout, evaluateRealWorld, evaluateTable, type EvalReport, type Score } from './typosquat-eval-lib.js';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const line = (label: string, s: Score) =>
  `${label.padEnd(16)} precision ${percent(s.precision).padStart(6)}  recall ${percent(s.recall).padStart(6)}  (TP ${s.truePositives}, FP ${s.falsePositives}, FN ${s.falseNegatives})`;

function printReport(title: string, report: EvalReport, listDisagreements: boolean): void {
  const positives = report.outcomes.filter((outcome) => outcome.expected !== 'clean').length;
  console.log(`\n== ${title}: ${report.cases} cases (${positives} squat or impersonation, ${report.cases - positives} clean)\n`);
  console.log(line('overall', report.overall));
  console.log(line('typosquat', report.byRule.squat));
  console.log(line('impersonation', report.byRule.impersonation));
  const cleanFlaggedAsSquat = report.outcomes.filter((outcome) => outcome.expected === 'clean' && outcome.predicted === 'squat').length;
  console.log(`clean images reported as typosquat: ${cleanFlaggedAsSquat}`);
  const flagged = report.outcomes.filter((outcome) => outcome.expected !== 'clean' && outcome.predicted !== 'clean').length;
  console.log(`squat or impersonation cases flagged under either rule: ${flagged}/${positives}`);
  console.log('\nRecall by technique:');
  for (const [technique, entry] of Object.entries(report.recallByTechnique).sort()) {
    console.log(`  ${technique.padEnd(22)} ${String(entry.detected).padStart(3)}/${String(entry.cases).padEnd(3)} ${percent(entry.recall)}`);
  }
  console.log('\nFalse alarms by kind of clean image:');
  const kinds = Object.entries(report.falsePositivesByKind);
  if (kinds.length === 0) console.log('  none');
  for (const [kind, count] of kinds) console.log(`  ${kind.padEnd(22)} ${count}`);
  if (!listDisagreements) return;
  const wrong = report.outcomes.filter((outcome) => outcome.predicted !== outcome.expected || outcome.invalid);
  if (wrong.length === 0) return;
  console.log('\nDisagreements:');
  for (const outcome of wrong) {
    const detail = outcome.invalid ? `invalid: ${outcome.invalid}` : outcome.match ? `${outcome.match.technique} -> ${outcome.match.genuine}` : 'not detected';
    console.log(`  ${outcome.image.padEnd(44)} expected ${outcome.expected.padEnd(13)} got ${outcome.predicted.padEnd(13)} ${detail}`);
  }
}

const showEvaluation = process.argv.includes('--show-evaluation');
printReport('tuning half', await evaluateTable('tuning'), true);
printReport('evaluation half', await evaluateTable('evaluation'), showEvaluation);
const fresh = await evaluateTable('evaluation', true);
console.log(`\n== evaluation half, rows added after the split only (${fresh.cases} cases)\n`);
console.log(line('overall', fresh.overall));
console.log(line('typosquat', fresh.byRule.squat));
console.log(line('impersonation', fresh.byRule.impersonation));

printReport('held-out set (heldout.tsv, written blind, scored once)', await evaluateHeldout(), true);
const heldoutOnly = await evaluateHeldout(true);
console.log(`\n== held-out set, rows whose image is not also in eval.tsv (${heldoutOnly.cases} cases)\n`);
console.log(line('overall', heldoutOnly.overall));
console.log(line('typosquat', heldoutOnly.byRule.squat));
console.log(line('impersonation', heldoutOnly.byRule.impersonation));

printReport('second blind set (blind2.tsv, written blind, scored once, then used for tuning)', await evaluateBlindSet('blind2'), true);
printReport('third blind set (blind3.tsv, written blind, scored once, then used for tuning)', await evaluateBlindSet('blind3'), true);
printReport('fourth blind set (blind4.tsv, written blind, scored once at 96.0% typosquat recall, then used for tuning)', await evaluateBlindSet('blind4'), true);
printReport('fifth blind set (blind5.tsv, written blind, scored once after the last detector change)', await evaluateBlindSet('blind5'), true);

const realWorld = await evaluateRealWorld();
console.log(`\n== real-world corpus (__tests__/fixtures/real-world/): ${realWorld.images} distinct images`);
for (const rule of ['typosquat', 'impersonation'] as const) {
  const found = realWorld.findings.filter((finding) => finding.rule === rule);
  console.log(`${rule.padEnd(16)} ${found.length}${found.length > 0 ? `: ${found.map((finding) => finding.reference).join(', ')}` : ''}`);
}
