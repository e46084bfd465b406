/**
 * The JSON report: the stable contract (`schemaVersion: 1`); fields may be added, never renamed.
 * A suppressed finding carries `"suppressed": true` and, beside it, how and why in `suppression`.
 */
import type { Finding, ScanResult } from '../model.js';

type JsonFinding = Omit<Finding, 'suppressed'> & { suppressed?: true; suppression?: Finding['suppressed'] };

function jsonFinding(finding: Finding): JsonFinding {
  const { suppressed, ...rest } = finding;
  return suppressed ? { ...rest, suppressed: true, suppression: suppressed } : rest;
}

export function renderJson(result: ScanResult): string {
  const report = {
    schemaVersion: 1 as const,
    occurrences: result.occurrences,
    findings: result.findings.map(jsonFinding),
    errors: result.errors,
    ...(result.notes && result.notes.length > 0 ? { notes: result.notes } : {}),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
