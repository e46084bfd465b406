/** `attestation-invalid`: attestations of a required predicate type exist for the image, but none verifies for it and the required signer. */
import { imageName, signatureSeverity } from './signature-severity.js';
import type { Check, FindingDraft } from './types.js';

export const attestationInvalidCheck: Check = {
  rule: 'attestation-invalid',
  run(occurrences, { policy }) {
    const severity = signatureSeverity(policy);
    if (!severity) return [];
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const signature = occurrence.signature;
      if (!signature || signature.status === 'not-checked' || signature.status === 'not-required') continue;
      for (const predicateType of signature.requiredPredicateTypes ?? []) {
        const entries = signature.signatures.filter((entry) => entry.predicateType === predicateType);
        if (entries.length === 0 || entries.some((entry) => entry.verified)) continue;
        const first = entries.find((entry) => entry.errorCode);
        const draft: FindingDraft = {
          occurrence,
          severity,
          message: `${imageName(occurrence)} has ${entries.length === 1 ? 'a' : entries.length} ${predicateType} attestation${entries.length === 1 ? '' : 's'} but none verifies${first?.message ? `: ${first.message}` : ''}`,
        };
        if (first?.errorCode) draft.errorCode = first.errorCode;
        drafts.push(draft);
      }
    }
    return drafts;
  },
};
