/** `signer-mismatch`: a signature verifies, but its signer is not the identity or key the policy requires. */
import type { SignatureStatus } from '../model.js';
import { imageName, signatureSeverity } from './signature-severity.js';
import type { Check, FindingDraft } from './types.js';

function describe(identity: SignatureStatus['signatures'][number]['identity']): string {
  if (!identity) return 'an unknown signer';
  if (identity.subject || identity.issuer) return `${identity.subject ?? '?'} (issuer ${identity.issuer ?? '?'})`;
  return `key ${identity.keyFingerprint ?? '?'}`;
}

export const signerMismatchCheck: Check = {
  rule: 'signer-mismatch',
  run(occurrences, { policy }) {
    const severity = signatureSeverity(policy);
    if (!severity) return [];
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const signature = occurrence.signature;
      if (signature?.status !== 'signer-mismatch') continue;
      const signers = [...new Set(signature.signatures.filter((entry) => !entry.predicateType && entry.identity).map((entry) => describe(entry.identity)))];
      const first = signature.signatures.find((entry) => !entry.predicateType && entry.errorCode);
      const draft: FindingDraft = {
        occurrence,
        severity,
        message: `${imageName(occurrence)} is signed by ${signers.join(', ') || 'another signer'}, not by the signer the policy requires${first?.message ? ` (${first.message})` : ''}`,
      };
      if (first?.errorCode) draft.errorCode = first.errorCode;
      drafts.push(draft);
    }
    return drafts;
  },
};
