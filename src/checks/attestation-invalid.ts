/** `attestation-invalid`: attestations of a required predicate type exist for the image, but none verifies for it and the required signer. */
import { signatureCheck, type SignatureFinding } from './signature-severity.js';

export const attestationInvalidCheck = signatureCheck('attestation-invalid', (signature, image) => {
  if (signature.status === 'not-checked' || signature.status === 'not-required') return [];
  const findings: SignatureFinding[] = [];
  for (const predicateType of signature.requiredPredicateTypes ?? []) {
    const entries = signature.signatures.filter((entry) => entry.predicateType === predicateType);
    if (entries.length === 0 || entries.some((entry) => entry.verified)) continue;
    const first = entries.find((entry) => entry.errorCode);
    findings.push({
      message: `${image} has ${entries.length === 1 ? 'a' : entries.length} ${predicateType} attestation${entries.length === 1 ? '' : 's'} but none verifies${first?.message ? `: ${first.message}` : ''}`,
      errorCode: first?.errorCode,
    });
  }
  return findings;
});
