/**
 * Shared by the rules that report unmet signature requirements: each reads the requirements of
 * its kind and reason from `signature.unmet` and says which policy entry asked, and whom it accepts.
 */
import type { SignatureStatus, UnmetRequirement } from '../model.js';
import type { SignatureFinding } from './signature-severity.js';

/** The unmet requirements a rule reports. */
export function unmetOf(signature: SignatureStatus, kind: UnmetRequirement['kind'], reasons: ReadonlyArray<UnmetRequirement['reason']>): UnmetRequirement[] {
  return (signature.unmet ?? []).filter((unmet) => unmet.kind === kind && reasons.includes(unmet.reason));
}

/** One finding per unmet requirement, worded by `describe`. */
export function unmetFindings(unmet: UnmetRequirement[], describe: (unmet: UnmetRequirement) => string): SignatureFinding[] {
  return unmet.map((entry) => {
    const finding: SignatureFinding = { message: `${describe(entry)} (required by ${entry.source}: ${entry.expected})${entry.detail ? `; ${entry.detail}` : ''}` };
    if (entry.errorCode) finding.errorCode = entry.errorCode;
    return finding;
  });
}
