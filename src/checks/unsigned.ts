/** `unsigned`: a signature rule covers the image and no signature of any format was found. */
import { imageName, signatureSeverity } from './signature-severity.js';
import type { Check, FindingDraft } from './types.js';

export const unsignedCheck: Check = {
  rule: 'unsigned',
  run(occurrences, { policy }) {
    const severity = signatureSeverity(policy);
    if (!severity) return [];
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.signature?.status !== 'unsigned') continue;
      drafts.push({
        occurrence,
        severity,
        message: `${imageName(occurrence)} has no signature (no Sigstore bundle referrer, no cosign .sig), but the signature policy requires one`,
      });
    }
    return drafts;
  },
};
