/**
 * Whether a verified signer is the one a rule expects. Done here rather than by @sigstore/verify's
 * policy, which treats a string SAN as an unanchored regular expression (so "a@b.com" would match
 * "evil-a@b.com.attacker"): subjects and issuers compare exactly; the *RegExp forms are used as the
 * user wrote them (anchor with ^…$ to anchor), as cosign and policy-controller do.
 */
import type { KeyObject } from 'node:crypto';
import type { KeylessIdentity } from '../config/policy.js';
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
    regexp = new RegExp(pattern);
  } catch (error) {
    throw new SigstoreError('UNTRUSTED_SIGNER_ERROR', `${what} regular expression ${JSON.stringify(pattern)} is invalid: ${(error as Error).message}`);
  }
  return regexp.test(value);
}

/** Throws ISSUER_MISMATCH / SUBJECT_MISMATCH unless `signer` satisfies `expected`; both parts are required. */
export function assertKeylessIdentity(expected: KeylessIdentity, signer: SignerIdentity): void {
  const issuer = signer.issuer;
  if (expected.issuer === undefined && expected.issuerRegExp === undefined) {
    throw new SigstoreError('ISSUER_MISMATCH', 'the rule names no certificate issuer to accept');
  }
  if (issuer === undefined) throw new SigstoreError('ISSUER_MISMATCH', 'the certificate names no OIDC issuer');
  const issuerOk =
    expected.issuer !== undefined ? issuer === expected.issuer : matchesPattern(expected.issuerRegExp!, issuer, 'issuer');
  if (!issuerOk) {
    throw new SigstoreError(
      'ISSUER_MISMATCH',
      `certificate issuer ${JSON.stringify(issuer)} is not ${expected.issuer !== undefined ? JSON.stringify(expected.issuer) : `matched by /${expected.issuerRegExp}/`}`,
    );
  }
  const subject = signer.subject;
  if (expected.subject === undefined && expected.subjectRegExp === undefined) {
    throw new SigstoreError('SUBJECT_MISMATCH', 'the rule names no certificate subject to accept');
  }
  if (subject === undefined) throw new SigstoreError('SUBJECT_MISMATCH', 'the certificate names no subject');
  const subjectOk =
    expected.subject !== undefined ? subject === expected.subject : matchesPattern(expected.subjectRegExp!, subject, 'subject');
  if (!subjectOk) {
    throw new SigstoreError(
      'SUBJECT_MISMATCH',
      `certificate subject ${JSON.stringify(subject)} is not ${expected.subject !== undefined ? JSON.stringify(expected.subject) : `matched by /${expected.subjectRegExp}/`}`,
    );
  }
}

/** Throws KEY_MISMATCH unless `signerKey` is `expected` (compared as DER SPKI). */
export function assertSameKey(expected: KeyObject, signerKey: KeyObject): void {
  const a = expected.export({ type: 'spki', format: 'der' });
  const b = signerKey.export({ type: 'spki', format: 'der' });
  if (!a.equals(b)) throw new SigstoreError('KEY_MISMATCH', 'the signature was made with a different key');
}
