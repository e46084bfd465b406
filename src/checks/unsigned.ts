/** `unsigned`: a signature rule covers the image and no signature of any format was found. */
import { signatureCheck } from './signature-severity.js';

export const unsignedCheck = signatureCheck('unsigned', (signature, image) =>
  signature.status === 'unsigned'
    ? [{ message: `${image} has no signature (no Sigstore bundle referrer, no cosign .sig), but the signature policy requires one` }]
    : [],
);
