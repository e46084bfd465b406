/** The JSON report: the stable contract (`schemaVersion: 1`); fields may be added, never renamed. */
import type { ScanResult } from '../model.js';

export function renderJson(result: ScanResult): string {
  const report: ScanResult = {
    schemaVersion: 1,
    occurrences: result.occurrences,
    findings: result.findings,
    errors: result.errors,
  };
  if (result.notes && result.notes.length > 0) report.notes = result.notes;
  return JSON.stringify(report, null, 2) + '\n';
}
