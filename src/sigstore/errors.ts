/**
 * The one error type of the sigstore stage, with a closed set of codes so callers, findings and
 * tests match on codes, never on message text. Codes from @sigstore/verify pass through unchanged.
 */
import { PolicyError, VerificationError } from '@sigstore/verify';

export type SigstoreErrorCode =
  // Input could not be read or has the wrong shape.
  | 'BUNDLE_INVALID'
  | 'TRUSTED_ROOT_INVALID'
  | 'KEY_INVALID'
  | 'LEGACY_SIGNATURE_INVALID'
  | 'ARTIFACT_INVALID'
  // Cryptographic verification (names as in @sigstore/verify).
  | 'TLOG_ERROR'
  | 'TLOG_INCLUSION_PROOF_ERROR'
  | 'TLOG_INCLUSION_PROMISE_ERROR'
  | 'TLOG_MISSING_INCLUSION_ERROR'
  | 'TLOG_BODY_ERROR'
  | 'CERTIFICATE_ERROR'
  | 'PUBLIC_KEY_ERROR'
  | 'SIGNATURE_ERROR'
  | 'TIMESTAMP_ERROR'
  | 'NOT_IMPLEMENTED_ERROR'
  // Checks this module adds on top of @sigstore/verify.
  | 'TLOG_SIGNER_MISMATCH'
  | 'ARTIFACT_DIGEST_MISMATCH'
  | 'PAYLOAD_MISMATCH'
  // Policy: the signature is valid but not by the expected signer.
  | 'UNTRUSTED_SIGNER_ERROR'
  | 'ISSUER_MISMATCH'
  | 'SUBJECT_MISMATCH'
  | 'KEY_MISMATCH';

/** Codes meaning "valid signature, wrong signer" (the `signer-mismatch` rule), as opposed to "invalid". */
export const SIGNER_MISMATCH_CODES: ReadonlySet<SigstoreErrorCode> = new Set<SigstoreErrorCode>([
  'UNTRUSTED_SIGNER_ERROR',
  'ISSUER_MISMATCH',
  'SUBJECT_MISMATCH',
  'KEY_MISMATCH',
]);

export class SigstoreError extends Error {
  readonly code: SigstoreErrorCode;
  constructor(code: SigstoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SigstoreError';
    this.code = code;
  }
}

/** Any thrown value as a SigstoreError, keeping the verifier's code when it has one. */
export function toSigstoreError(error: unknown, fallback: SigstoreErrorCode): SigstoreError {
  if (error instanceof SigstoreError) return error;
  if (error instanceof VerificationError || error instanceof PolicyError) {
    return new SigstoreError(error.code, error.message, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SigstoreError(fallback, message, { cause: error });
}

/** Longest text a registry or signature supplies that a message quotes. */
const MAX_QUOTED = 120;

/**
 * A value from a registry or a signature as a message quotes it: JSON, cut to a few dozen
 * characters. A manifest or bundle is megabytes of anyone's text, and a message is repeated in
 * findings, annotations, the pull request comment and the job summary.
 */
export function quoted(value: unknown): string {
  // JSON.stringify gives undefined for undefined (and functions, which JSON never holds).
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)` : text;
}
