/**
 * `file-not-scanned`: a candidate file (or directory) discovery could not fully read. A scanner
 * that skips a file may be skipping the one image that matters, so this fails the check like any
 * other error, and the policy re-grades or suppresses it per path like any other rule.
 */
import type { Check, FindingDraft } from './types.js';

export const fileNotScannedCheck: Check = {
  rule: 'file-not-scanned',
  run(_occurrences, context) {
    return (context.unscanned ?? []).map(
      (unscanned): FindingDraft => ({
        occurrence: { file: unscanned.file, line: unscanned.line ?? 1, column: 1, reference: null, raw: '' },
        message: `${unscanned.file} was not fully scanned, so images in it were not checked: ${unscanned.reason}`,
        ...(unscanned.severity === undefined ? {} : { severity: unscanned.severity }),
      }),
    );
  },
};
