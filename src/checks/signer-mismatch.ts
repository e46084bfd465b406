/** `signer-mismatch`: a signature verifies, but its signer is not the identity or key the policy requires. */
import { signatureCheck } from './signature-severity.js';
import { unmetFindings, unmetOf } from './signature-unmet.js';

export const signerMismatchCheck = signatureCheck('signer-mismatch', (signature, image) =>
  unmetFindings(unmetOf(signature, 'signature', ['signer-mismatch']), () => `${image} is signed, but not by the signer the policy requires`),
);
