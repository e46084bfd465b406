/**
 * Whether a verified signer is the one a rule expects. Done here rather than by @sigstore/verify's
 * policy, which treats a string SAN as an unanchored regular expression (so "a@b.com" would match
 * "evil-a@b.com.attacker"): subjects and issuers compare exactly; the *RegExp forms are used as the
 * user wrote them (anchor with ^…$ to anchor), as cosign and policy-controller do.
 */
import type { KeyObject } from 'node:crypto';
import type { KeylessIdentity } from '../config/policy.js';
import { linearRegExp } from '../linear-regexp.js';
import { SigstoreError } from './errors.js';

/** Who signed: a Fulcio certificate's OIDC issuer and subject (SAN), or a key's fingerprint. */
export interface SignerIdentity {
  issuer?: string;
  subject?: string;
  keyFingerprint?: string;
}

function matchesPattern(pattern: string, value: string, what: string): boolean {
  let regexp: RegExp;
  try {
    regexp = linearRegExp(pattern);
  } catch (error) {
    throw new SigstoreError('UNTRUSTED_SIGNER_ERROR', `${what} regular expression ${JSON.stringify(pattern)} is invalid: ${(error as Error).message}`);
  }
  return regexp.test(value);
}

/** One part of a keyless identity: the rule must name it, the certificate must carry it, and the two must agree. */
interface IdentityPart {
  code: 'ISSUER_MISMATCH' | 'SUBJECT_MISMATCH';
  part: 'issuer' | 'subject';
  /** How the certificate's field is called when it is absent. */
  certificateField: string;
  exact: string | undefined;
  pattern: string | undefined;
  actual: string | undefined;
}

function assertIdentityPart({ code, part, certificateField, exact, pattern, actual }: IdentityPart): void {
  if (exact === undefined && pattern === undefined) throw new SigstoreError(code, `the rule names no certificate ${part} to accept`);
  if (actual === undefined) throw new SigstoreError(code, `the certificate names no ${certificateField}`);
  const ok = exact !== undefined ? actual === exact : matchesPattern(pattern!, actual, part);
  if (!ok) {
    throw new SigstoreError(
      code,
      `certificate ${part} ${JSON.stringify(actual)} is not ${exact !== undefined ? JSON.stringify(exact) : `matched by /${pattern}/`}`,
    );
  }
}

/** Throws ISSUER_MISMATCH / SUBJECT_MISMATCH unless `signer` satisfies `expected`; both parts are required, the issuer is judged first. */
export function assertKeylessIdentity(expected: KeylessIdentity, signer: SignerIdentity): void {
  assertIdentityPart({ code: 'ISSUER_MISMATCH', part: 'issuer', certificateField: 'OIDC issuer', exact: expected.issuer, pattern: expected.issuerRegExp, actual: signer.issuer });
  assertIdentityPart({ code: 'SUBJECT_MISMATCH', part: 'subject', certificateField: 'subject', exact: expected.subject, pattern: expected.subjectRegExp, actual: signer.subject });
}

/** Throws KEY_MISMATCH unless `signerKey` is `expected` (compared as DER SPKI). */
export function assertSameKey(expected: KeyObject, signerKey: KeyObject): void {
  const a = expected.export({ type: 'spki', format: 'der' });
  const b = signerKey.export({ type: 'spki', format: 'der' });
  if (!a.equals(b)) throw new SigstoreError('KEY_MISMATCH', 'the signature was made with a different key');
}
