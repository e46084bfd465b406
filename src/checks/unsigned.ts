/** `unsigned`: a signature rule covers the image and no signature of any format was found. */
import { signatureCheck } from './signature-severity.js';
import { unmetFindings, unmetOf } from './signature-unmet.js';

export const unsignedCheck = signatureCheck('unsigned', (signature, image) =>
  unmetFindings(unmetOf(signature, 'signature', ['missing']), () => `${image} has no signature (no Sigstore bundle referrer, no cosign .sig), but the signature policy requires one`),
);
