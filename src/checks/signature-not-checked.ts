/**
 * `signature-not-checked`: a signature rule covers the image, and its signatures could not be
 * checked (registry failure or timeout, no digest, unusable trusted root). Under
 * `signatures.mode: require` not being able to check is an error, naming the cause: the gate
 * fails closed. Under `warn` it is a note, as before.
 */
import type { Policy } from '../config/policy.js';
import type { Severity } from '../model.js';
import { signatureCheck } from './signature-severity.js';

function notCheckedSeverity(policy: Policy): Severity | undefined {
  if (policy.signatures.mode === 'require') return 'error';
  return policy.signatures.mode === 'warn' ? 'note' : undefined;
}

export const signatureNotCheckedCheck = signatureCheck(
  'signature-not-checked',
  (signature, image) =>
    signature.status === 'not-checked'
      ? [{ message: `${image}: signatures not checked, so the image is not verified: ${signature.message ?? 'unknown cause'}` }]
      : [],
  notCheckedSeverity,
);
