/** Shared by the signature rules: their severity follows `signatures.mode` (require => error, warn => warning, off => none). */
import type { Policy } from '../config/policy.js';
import type { ResolvedOccurrence, Severity } from '../model.js';

export function signatureSeverity(policy: Policy): Severity | undefined {
  switch (policy.signatures.mode) {
    case 'require':
      return 'error';
    case 'warn':
      return 'warning';
    default:
      return undefined;
  }
}

/** The image name and digest for messages: the reference as normalized, else the raw text. */
export function imageName(occurrence: ResolvedOccurrence): string {
  return occurrence.reference ?? occurrence.raw;
}
