/**
 * `attestation-invalid`: attestations of a required predicate type exist for the image, but none
 * verifies for it and a signer the requirement accepts. Judged per requirement: an attestation
 * by key A does not meet a rule asking for key B.
 */
import { signatureCheck } from './signature-severity.js';
import { unmetFindings, unmetOf } from './signature-unmet.js';

export const attestationInvalidCheck = signatureCheck('attestation-invalid', (signature, image) =>
  unmetFindings(
    unmetOf(signature, 'attestation', ['invalid', 'signer-mismatch']),
    (unmet) =>
      unmet.reason === 'invalid'
        ? `${image} has a ${unmet.predicateType ?? ''} attestation but none verifies`
        : `${image} has a ${unmet.predicateType ?? ''} attestation, but not from the signer the policy requires`,
  ),
);
