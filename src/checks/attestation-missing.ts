/** `attestation-missing`: the policy requires an attestation of a predicate type for the image and none of that type was found. */
import { imageName, signatureSeverity } from './signature-severity.js';
import type { Check, FindingDraft } from './types.js';

export const attestationMissingCheck: Check = {
  rule: 'attestation-missing',
  run(occurrences, { policy }) {
    const severity = signatureSeverity(policy);
    if (!severity) return [];
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const signature = occurrence.signature;
      // Not checked means unknown, never missing.
      if (!signature || signature.status === 'not-checked' || signature.status === 'not-required') continue;
      for (const predicateType of signature.requiredPredicateTypes ?? []) {
        if (signature.signatures.some((entry) => entry.predicateType === predicateType)) continue;
        drafts.push({ occurrence, severity, message: `${imageName(occurrence)} has no ${predicateType} attestation, which the signature policy requires` });
      }
    }
    return drafts;
  },
};
