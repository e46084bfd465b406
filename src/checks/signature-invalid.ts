/** `signature-invalid`: signatures exist for the image but none verifies (bad signature, untrusted chain, log entry, or made for another image). */
import { imageName, signatureSeverity } from './signature-severity.js';
import type { Check, FindingDraft } from './types.js';

export const signatureInvalidCheck: Check = {
  rule: 'signature-invalid',
  run(occurrences, { policy }) {
    const severity = signatureSeverity(policy);
    if (!severity) return [];
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const signature = occurrence.signature;
      if (signature?.status !== 'invalid') continue;
      const failed = signature.signatures.filter((entry) => !entry.predicateType && !entry.verified);
      const first = failed[0];
      const draft: FindingDraft = {
        occurrence,
        severity,
        message: `${imageName(occurrence)} has ${failed.length === 1 ? 'a signature that does' : `${failed.length} signatures that do`} not verify${first?.message ? `: ${first.message}` : ''}`,
      };
      if (first?.errorCode) draft.errorCode = first.errorCode;
      drafts.push(draft);
    }
    return drafts;
  },
};
