/** `signature-invalid`: signatures exist for the image but none verifies (bad signature, untrusted chain, log entry, or made for another image). */
import { signatureCheck } from './signature-severity.js';
import { unmetFindings, unmetOf } from './signature-unmet.js';

export const signatureInvalidCheck = signatureCheck('signature-invalid', (signature, image) => {
  const failed = signature.signatures.filter((entry) => !entry.predicateType && !entry.verified).length;
  return unmetFindings(
    unmetOf(signature, 'signature', ['invalid']),
    () => `${image} has ${failed <= 1 ? 'a signature that does' : `${failed} signatures that do`} not verify`,
  );
});
