/**
 * Verifies one Sigstore bundle against an artifact (its bytes, or only its sha256 digest) under a
 * policy: a keyless identity or a public key. @sigstore/verify does the cryptography (certificate
 * chain, SCTs, transparency log inclusion, timestamps, signature); this module adds what it leaves
 * to callers: the artifact is the one signed (message digest, in-toto subject), the log entry names
 * the same signer as the bundle, and the signer is the expected one, compared exactly.
 */
import { createHash, type KeyObject } from 'node:crypto';
import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  bundleFromJSON,
  type Bundle,
  type TransparencyLogEntry,
} from '@sigstore/bundle';
import { RFC3161Timestamp, X509Certificate, crypto as sigstoreCrypto } from '@sigstore/core';
import { HashAlgorithm, type TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, type SignedEntity, type Signer } from '@sigstore/verify';
import type { KeylessIdentity } from '../config/policy.js';
import { SigstoreError, quoted, toSigstoreError } from './errors.js';
import { assertKeylessIdentity, assertSameKey, type SignerIdentity } from './identity.js';
import { verifyPrehashed } from './prehashed.js';
import { buildTrustMaterial, keyFingerprint } from './trust.js';
import { arrayAt, objectAt, parseJson, stringAt, valueAt } from '../json.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const KNOWN_BUNDLE_MEDIA_TYPES = new Set([BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE]);
/** Bundles are a few KiB; in-toto statements with big predicates (SBOMs) can be MiBs. */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
/**
 * Transparency-log entries, and RFC 3161 timestamps, a bundle may carry: cosign and the Sigstore
 * clients write one of each at most. @sigstore/verify compares every timestamp with every other
 * before it checks any log entry, so a registry's bundle of 8,000 made-up entries (5 MB) held the
 * run for 54 s of CPU, and one of 16 MiB for many minutes, per bundle and image.
 */
const MAX_TLOG_ENTRIES = 16;
const MAX_RFC3161_TIMESTAMPS = 16;

/** What was signed: the artifact's bytes, or only its digest ("sha256:<hex>"). */
export type ArtifactInput = { bytes: Buffer } | { digest: string };

export interface BundlePolicy {
  /** Expected keyless signer. Exactly one of `keyless` and `key`. */
  keyless?: KeylessIdentity;
  key?: KeyObject;
  /** 'required' (default): at least one verified transparency-log entry. */
  transparencyLog?: 'required' | 'optional';
}

interface InTotoStatement {
  _type?: string;
  subject: Array<{ name?: string; digest: Record<string, string> }>;
  predicateType?: string;
  predicate?: unknown;
}

export interface VerifiedBundle {
  signer: SignerIdentity;
  /** The key that verified the signature (the certificate's, or the given/logged key). */
  signerKey: KeyObject;
  /** How many transparency-log entries were verified. */
  tlogEntryCount: number;
  /** Earliest verified time (log integration or RFC 3161), ISO 8601; absent when the bundle has none. */
  signedAt?: string;
  content: 'message-signature' | 'dsse';
  /** DSSE payload and type, for the caller's payload checks. */
  payload?: Buffer;
  payloadType?: string;
  /** The in-toto statement, when the DSSE payload is one. */
  statement?: InTotoStatement;
}

/** Parses and validates bundle JSON (text or parsed value). Throws BUNDLE_INVALID. */
export function parseBundle(input: unknown): Bundle {
  let json: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    if (input.length > MAX_BUNDLE_BYTES) throw new SigstoreError('BUNDLE_INVALID', `bundle is larger than ${MAX_BUNDLE_BYTES} bytes`);
    try {
      json = JSON.parse(input.toString());
    } catch (error) {
      throw new SigstoreError('BUNDLE_INVALID', `bundle is not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SigstoreError('BUNDLE_INVALID', 'bundle is not a JSON object');
  }
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !KNOWN_BUNDLE_MEDIA_TYPES.has(mediaType)) {
    throw new SigstoreError('BUNDLE_INVALID', `unsupported bundle media type ${quoted(mediaType)}`);
  }
  try {
    return bundleFromJSON(json);
  } catch (error) {
    const fields = (error as { fields?: string[] }).fields;
    throw new SigstoreError('BUNDLE_INVALID', `${(error as Error).message}${fields ? `: ${fields.join(', ')}` : ''}`);
  }
}

/** "sha256:<64 hex>" → raw digest bytes; throws ARTIFACT_INVALID for anything else. */
function parseSha256Digest(digest: string): Buffer {
  const match = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!match) throw new SigstoreError('ARTIFACT_INVALID', `not a sha256 digest: ${JSON.stringify(digest)}`);
  return Buffer.from(match[1], 'hex');
}

function artifactSha256(artifact: ArtifactInput): Buffer {
  return 'bytes' in artifact ? createHash('sha256').update(artifact.bytes).digest() : parseSha256Digest(artifact.digest);
}

const HASH_NAMES: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED]: 'sha256',
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

/**
 * The entity @sigstore/verify checks. For a message signature known only by digest, the signature
 * content checks the signature over that digest instead of over artifact bytes.
 */
function signedEntityFor(bundle: Bundle, artifact: ArtifactInput): SignedEntity {
  const entity = toSignedEntity(bundle, 'bytes' in artifact ? artifact.bytes : Buffer.alloc(0));
  if (bundle.content.$case !== 'messageSignature') return entity;
  const { messageDigest, signature } = bundle.content.messageSignature;
  const hashName = messageDigest ? HASH_NAMES[messageDigest.algorithm] : undefined;
  if (!messageDigest || !hashName) throw new SigstoreError('BUNDLE_INVALID', 'message signature has no supported digest');
  if ('bytes' in artifact) {
    const actual = createHash(hashName).update(artifact.bytes).digest();
    if (!actual.equals(messageDigest.digest)) {
      throw new SigstoreError('ARTIFACT_DIGEST_MISMATCH', 'the bundle signs a different artifact (message digest differs)');
    }
    return entity;
  }
  const expected = parseSha256Digest(artifact.digest);
  if (hashName !== 'sha256' || !expected.equals(messageDigest.digest)) {
    throw new SigstoreError('ARTIFACT_DIGEST_MISMATCH', `the bundle signs a different artifact than ${artifact.digest}`);
  }
  const content = entity.signature;
  return {
    ...entity,
    signature: {
      signature: content.signature,
      compareSignature: (s) => content.compareSignature(s),
      compareDigest: (d) => content.compareDigest(d),
      compareSignedDigest: (d) => content.compareSignedDigest(d),
      verifySignature: (key) => verifyPrehashed(key, hashName, expected, signature),
    },
  };
}

/** Decodes a DSSE in-toto statement; throws PAYLOAD_MISMATCH when it is not one. */
function parseInTotoStatement(payload: Buffer): InTotoStatement {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new SigstoreError('PAYLOAD_MISMATCH', 'the DSSE payload is not JSON');
  }
  const statement = json as Partial<InTotoStatement> | null;
  if (!statement || typeof statement !== 'object' || !Array.isArray(statement.subject)) {
    throw new SigstoreError('PAYLOAD_MISMATCH', 'the DSSE payload is not an in-toto statement (no subject list)');
  }
  for (const subject of statement.subject) {
    if (!subject || typeof subject !== 'object' || typeof subject.digest !== 'object' || subject.digest === null) {
      throw new SigstoreError('PAYLOAD_MISMATCH', 'an in-toto subject has no digest map');
    }
  }
  return statement as InTotoStatement;
}

/** Throws ARTIFACT_DIGEST_MISMATCH unless one subject of `statement` has sha256 `digest` (raw bytes). */
function assertStatementSubject(statement: InTotoStatement, digest: Buffer): void {
  const hex = digest.toString('hex');
  const found = statement.subject.some((subject) => typeof subject.digest.sha256 === 'string' && subject.digest.sha256.toLowerCase() === hex);
  if (!found) throw new SigstoreError('ARTIFACT_DIGEST_MISMATCH', `no subject of the in-toto statement has digest sha256:${hex}`);
}

/** The verification keys or certificates a Rekor entry body names, base64 PEM or DER as written. */
function tlogEntryVerifiers(entry: TransparencyLogEntry): Array<{ pem?: string; der?: Buffer; isCertificate?: boolean }> {
  let body: unknown;
  try {
    body = parseJson(entry.canonicalizedBody.toString('utf8'));
  } catch {
    throw new SigstoreError('TLOG_BODY_ERROR', 'transparency log entry body is not JSON');
  }
  const spec = objectAt(body, 'spec') ?? {};
  const fromB64Pem = (value: unknown) => (typeof value === 'string' ? [{ pem: Buffer.from(value, 'base64').toString('utf8') }] : []);
  const fromV2 = (verifier: unknown) => {
    const certificate = stringAt(verifier, 'x509Certificate', 'rawBytes');
    if (certificate) return [{ der: Buffer.from(certificate, 'base64'), isCertificate: true }];
    const publicKey = stringAt(verifier, 'publicKey', 'rawBytes');
    if (publicKey) return [{ der: Buffer.from(publicKey, 'base64') }];
    return [];
  };
  switch (`${stringAt(body, 'kind')}/${stringAt(body, 'apiVersion')}`) {
    case 'hashedrekord/0.0.1':
      return fromB64Pem(valueAt(spec, 'signature', 'publicKey', 'content'));
    case 'dsse/0.0.1':
      return arrayAt(spec, 'signatures').flatMap((s) => fromB64Pem(valueAt(s, 'verifier')));
    case 'intoto/0.0.2':
      return arrayAt(spec, 'content', 'envelope', 'signatures').flatMap((s) => fromB64Pem(valueAt(s, 'publicKey')));
    case 'intoto/0.0.1':
      return fromB64Pem(spec.publicKey);
    case 'hashedrekord/0.0.2':
      return fromV2(valueAt(spec, 'hashedRekordV002', 'signature', 'verifier'));
    case 'dsse/0.0.2':
      return arrayAt(spec, 'dsseV002', 'signatures').flatMap((s) => fromV2(valueAt(s, 'verifier')));
    default:
      return [];
  }
}

/** The public key the bundle's first log entry names, when it names one (not a certificate). */
function tlogPublicKey(bundle: Bundle): KeyObject | undefined {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (!entry) return undefined;
  for (const verifier of tlogEntryVerifiers(entry)) {
    if (verifier.isCertificate || verifier.pem?.includes('CERTIFICATE')) continue;
    try {
      return sigstoreCrypto.createPublicKey(verifier.pem ?? verifier.der!, 'spki');
    } catch {
      // Not a key; the body check below reports it.
    }
  }
  return undefined;
}

/** Throws TLOG_SIGNER_MISMATCH unless every log entry names the bundle's certificate or key. */
function assertTlogSigner(bundle: Bundle, signerKey: KeyObject, leaf: X509Certificate | undefined): void {
  const signerSpki = signerKey.export({ type: 'spki', format: 'der' });
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const verifiers = tlogEntryVerifiers(entry);
    if (verifiers.length === 0) {
      throw new SigstoreError('TLOG_SIGNER_MISMATCH', `transparency log entry (${quoted(entry.kindVersion?.kind)}) names no signer`);
    }
    const matches = verifiers.some((verifier) => {
      try {
        if (verifier.pem?.includes('CERTIFICATE') || verifier.isCertificate) {
          const cert = X509Certificate.parse(verifier.pem ?? Buffer.from(verifier.der!));
          return leaf ? cert.equals(leaf) : false;
        }
        const key = sigstoreCrypto.createPublicKey(verifier.pem ?? verifier.der!, 'spki');
        return key.export({ type: 'spki', format: 'der' }).equals(signerSpki);
      } catch {
        return false;
      }
    });
    if (!matches) throw new SigstoreError('TLOG_SIGNER_MISMATCH', 'the transparency log entry was made by a different signer than the bundle names');
  }
}

function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  if (content.$case === 'certificate') return X509Certificate.parse(Buffer.from(content.certificate.rawBytes));
  if (content.$case === 'x509CertificateChain') {
    const first = content.x509CertificateChain.certificates[0];
    return first ? X509Certificate.parse(Buffer.from(first.rawBytes)) : undefined;
  }
  return undefined;
}

/** A bundle's chain must stop below the root: a root there would be trusted from the bundle itself. */
function assertNoRootInChain(bundle: Bundle): void {
  const content = bundle.verificationMaterial.content;
  if (content.$case !== 'x509CertificateChain') return;
  for (const raw of content.x509CertificateChain.certificates) {
    let cert: X509Certificate;
    try {
      cert = X509Certificate.parse(Buffer.from(raw.rawBytes));
    } catch (error) {
      throw new SigstoreError('CERTIFICATE_ERROR', `unreadable certificate in chain: ${(error as Error).message}`);
    }
    if (cert.subject.equals(cert.issuer) && cert.isCA) {
      throw new SigstoreError('CERTIFICATE_ERROR', 'the bundle certificate chain contains a root certificate');
    }
  }
}

/** Throws BUNDLE_INVALID for a bundle with more log entries or timestamps than any signer writes. */
function assertFewWitnesses(bundle: Bundle): void {
  const entries = bundle.verificationMaterial.tlogEntries.length;
  if (entries > MAX_TLOG_ENTRIES) {
    throw new SigstoreError('BUNDLE_INVALID', `the bundle has ${entries} transparency log entries; at most ${MAX_TLOG_ENTRIES} are read`);
  }
  const timestamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  if (timestamps > MAX_RFC3161_TIMESTAMPS) {
    throw new SigstoreError('BUNDLE_INVALID', `the bundle has ${timestamps} RFC 3161 timestamps; at most ${MAX_RFC3161_TIMESTAMPS} are read`);
  }
}

/** Earliest time the bundle proves (log integration or RFC 3161 signing time). */
function earliestTime(bundle: Bundle): Date | undefined {
  const times: Date[] = [];
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const seconds = Number(entry.integratedTime);
    if (Number.isFinite(seconds) && seconds > 0) times.push(new Date(seconds * 1000));
  }
  for (const ts of bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []) {
    try {
      times.push(RFC3161Timestamp.parse(Buffer.from(ts.signedTimestamp)).signingTime);
    } catch {
      // Already verified by @sigstore/verify; an unreadable one cannot reach here.
    }
  }
  // reduce, not Math.min(...): the list comes from a bundle and could be long.
  return times.length ? new Date(times.reduce((min, t) => Math.min(min, t.getTime()), Number.POSITIVE_INFINITY)) : undefined;
}

/** Log entries must not claim a time after now: a future time cannot have been witnessed. */
function assertNoFutureTimes(bundle: Bundle, now: Date): void {
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const seconds = Number(entry.integratedTime);
    if (Number.isFinite(seconds) && seconds * 1000 > now.getTime() + 60_000) {
      throw new SigstoreError('TLOG_ERROR', `transparency log entry integrated in the future (${new Date(seconds * 1000).toISOString()})`);
    }
  }
}

export interface SignatureCheckOptions {
  /**
   * Key for a bundle signed with a key: used when the bundle's log entry names no key (when it
   * does, that key is used, so a signature by another key reads as KEY_MISMATCH, not invalid).
   */
  key?: KeyObject;
  /** 'required' (default): at least one verified transparency-log entry. */
  transparencyLog?: 'required' | 'optional';
  /** The clock for "not in the future" checks; tests pin it. */
  now?: Date;
}

/**
 * The cryptographic half: certificate chain or key, SCTs, log entries, timestamps, signature, the
 * artifact binding and the log entry's signer. Does not judge who signed (see `assertSigner`).
 */
export function verifyBundleSignature(
  bundle: Bundle,
  artifact: ArtifactInput,
  trustedRoot: TrustedRoot,
  options: SignatureCheckOptions = {},
): VerifiedBundle {
  const tlogRequired = (options.transparencyLog ?? 'required') === 'required';
  assertFewWitnesses(bundle);
  let leaf: X509Certificate | undefined;
  try {
    leaf = leafCertificate(bundle);
  } catch (error) {
    throw new SigstoreError('CERTIFICATE_ERROR', `unreadable certificate: ${(error as Error).message}`);
  }
  assertNoRootInChain(bundle);
  if (tlogRequired && bundle.verificationMaterial.tlogEntries.length === 0) {
    throw new SigstoreError('TLOG_ERROR', 'the signature has no transparency log entry, and one is required');
  }
  const verificationKey = leaf ? undefined : (tlogPublicKey(bundle) ?? options.key);
  if (!leaf && !verificationKey) throw new SigstoreError('KEY_MISMATCH', 'the bundle is signed with a key, and no key is given to check it with');

  let signer: Signer;
  try {
    const entity = signedEntityFor(bundle, artifact);
    const verifier = new Verifier(buildTrustMaterial(trustedRoot, verificationKey), {
      tlogThreshold: tlogRequired ? 1 : 0,
      ctlogThreshold: leaf ? 1 : 0,
      // A certificate is only valid at a proven time; a key needs none unless the log is required.
      timestampThreshold: leaf || tlogRequired ? 1 : 0,
    });
    signer = verifier.verify(entity);
  } catch (error) {
    throw toSigstoreError(error, 'SIGNATURE_ERROR');
  }
  assertNoFutureTimes(bundle, options.now ?? new Date());
  assertTlogSigner(bundle, signer.key, leaf);

  const result: VerifiedBundle = {
    signer: {},
    signerKey: signer.key,
    tlogEntryCount: bundle.verificationMaterial.tlogEntries.length,
    content: bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature',
  };
  if (bundle.content.$case === 'dsseEnvelope') {
    const envelope = bundle.content.dsseEnvelope;
    result.payload = Buffer.from(envelope.payload);
    result.payloadType = envelope.payloadType;
    if (envelope.signatures.length !== 1) throw new SigstoreError('SIGNATURE_ERROR', 'a DSSE envelope must carry exactly one signature');
    if (envelope.payloadType === IN_TOTO_PAYLOAD_TYPE) {
      result.statement = parseInTotoStatement(result.payload);
      assertStatementSubject(result.statement, artifactSha256(artifact));
    } else if ('bytes' in artifact ? !artifact.bytes.equals(result.payload) : !artifactSha256(artifact).equals(createHash('sha256').update(result.payload).digest())) {
      throw new SigstoreError('ARTIFACT_DIGEST_MISMATCH', 'the DSSE payload is not the artifact');
    }
  }
  const signedAt = earliestTime(bundle);
  if (signedAt) result.signedAt = signedAt.toISOString();
  if (leaf) {
    const issuer = signer.identity?.extensions?.issuer;
    const subject = signer.identity?.subjectAlternativeName;
    if (issuer !== undefined) result.signer.issuer = issuer;
    if (subject !== undefined) result.signer.subject = subject;
  } else {
    result.signer.keyFingerprint = keyFingerprint(signer.key);
  }
  return result;
}

/** The policy half: throws ISSUER_/SUBJECT_/KEY_MISMATCH or TLOG_ERROR unless `verified` satisfies `policy`. */
export function assertSigner(verified: VerifiedBundle, policy: BundlePolicy): void {
  if (!policy.keyless === !policy.key) throw new SigstoreError('UNTRUSTED_SIGNER_ERROR', 'a policy names exactly one of a keyless identity and a key');
  if ((policy.transparencyLog ?? 'required') === 'required' && verified.tlogEntryCount === 0) {
    throw new SigstoreError('TLOG_ERROR', 'the policy requires a transparency log entry and the signature has none');
  }
  if (policy.keyless) {
    if (verified.signer.keyFingerprint !== undefined && verified.signer.issuer === undefined) {
      throw new SigstoreError('KEY_MISMATCH', 'the signature was made with a key; the policy expects a keyless (certificate) signer');
    }
    assertKeylessIdentity(policy.keyless, verified.signer);
  }
  if (policy.key) assertSameKey(policy.key, verified.signerKey);
}

/**
 * Verifies `bundle` for `artifact` under `policy` with `trustedRoot`: returns who signed and when,
 * throws SigstoreError (the code says why) otherwise. Signer problems are checked last, so a
 * mismatch code always means the signature itself verified.
 */
export function verifyBundle(
  bundle: Bundle,
  artifact: ArtifactInput,
  policy: BundlePolicy,
  trustedRoot: TrustedRoot,
  options: Pick<SignatureCheckOptions, 'now'> = {},
): VerifiedBundle {
  if (!policy.keyless === !policy.key) throw new SigstoreError('UNTRUSTED_SIGNER_ERROR', 'a policy names exactly one of a keyless identity and a key');
  const checkOptions: SignatureCheckOptions = { transparencyLog: policy.transparencyLog ?? 'required' };
  if (policy.key) checkOptions.key = policy.key;
  if (options.now) checkOptions.now = options.now;
  const verified = verifyBundleSignature(bundle, artifact, trustedRoot, checkOptions);
  assertSigner(verified, policy);
  if (policy.key) verified.signer.keyFingerprint = keyFingerprint(verified.signerKey);
  return verified;
}
