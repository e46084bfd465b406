/** `signer-mismatch`: a signature verifies, but its signer is not the identity or key the policy requires. */
import type { SignatureStatus } from '../model.js';
import { signatureCheck } from './signature-severity.js';

function describe(identity: SignatureStatus['signatures'][number]['identity']): string {
  if (!identity) return 'an unknown signer';
  if (identity.subject || identity.issuer) return `${identity.subject ?? '?'} (issuer ${identity.issuer ?? '?'})`;
  return `key ${identity.keyFingerprint ?? '?'}`;
}

export const signerMismatchCheck = signatureCheck('signer-mismatch', (signature, image) => {
  if (signature.status !== 'signer-mismatch') return [];
  const signers = [...new Set(signature.signatures.filter((entry) => !entry.predicateType && entry.identity).map((entry) => describe(entry.identity)))];
  const first = signature.signatures.find((entry) => !entry.predicateType && entry.errorCode);
  return [
    {
      message: `${image} is signed by ${signers.join(', ') || 'another signer'}, not by the signer the policy requires${first?.message ? ` (${first.message})` : ''}`,
      errorCode: first?.errorCode,
    },
  ];
});
