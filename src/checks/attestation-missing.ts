/** `attestation-missing`: the policy requires an attestation of a predicate type for the image and none of that type was found. */
import { signatureCheck } from './signature-severity.js';

export const attestationMissingCheck = signatureCheck('attestation-missing', (signature, image) => {
  // Not checked means unknown, never missing.
  if (signature.status === 'not-checked' || signature.status === 'not-required') return [];
  return (signature.requiredPredicateTypes ?? [])
    .filter((predicateType) => !signature.signatures.some((entry) => entry.predicateType === predicateType))
    .map((predicateType) => ({ message: `${image} has no ${predicateType} attestation, which the signature policy requires` }));
});
