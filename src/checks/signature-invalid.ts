/** `signature-invalid`: signatures exist for the image but none verifies (bad signature, untrusted chain, log entry, or made for another image). */
import { signatureCheck } from './signature-severity.js';

export const signatureInvalidCheck = signatureCheck('signature-invalid', (signature, image) => {
  if (signature.status !== 'invalid') return [];
  const failed = signature.signatures.filter((entry) => !entry.predicateType && !entry.verified);
  const first = failed[0];
  return [
    {
      message: `${image} has ${failed.length === 1 ? 'a signature that does' : `${failed.length} signatures that do`} not verify${first?.message ? `: ${first.message}` : ''}`,
      errorCode: first?.errorCode,
    },
  ];
});
