/** `attestation-missing`: the policy requires an attestation of a predicate type from a signer, and none of that type was found. */
import { signatureCheck } from './signature-severity.js';
import { unmetFindings, unmetOf } from './signature-unmet.js';

export const attestationMissingCheck = signatureCheck('attestation-missing', (signature, image) =>
  unmetFindings(
    unmetOf(signature, 'attestation', ['missing']),
    (unmet) => `${image} has no ${unmet.predicateType ?? ''} attestation, which the signature policy requires`,
  ),
);
