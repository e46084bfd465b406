// Converting cosign's legacy `.sig` / `.att` storage into bundles, and verifying them (fixtures: mock PKI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSimpleSigningPayload } from '../../src/sigstore/payload.js';
import {
  COSIGN_ANNOTATIONS,
  legacyAttestationToBundle,
  legacySignatureToBundle,
  legacyTag,
  rekorBundleToTlogEntry,
  type LegacyLayer,
} from '../../src/sigstore/legacy.js';
import { parsePublicKey, parseTrustedRoot } from '../../src/sigstore/trust.js';
import { verifyBundle } from '../../src/sigstore/verify-bundle.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/sigstore/legacy');
const read = (path: string) => readFileSync(join(FIXTURES, path));
const trustedRoot = parseTrustedRoot(read('trusted_root.json').toString(), 'fixture');
const imageDigest = read('image-digest.txt').toString().trim();
const ISSUER = 'https://issuer.mock.test';
const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const NOW = new Date('2025-06-02T00:00:00Z');

function layerOf(dir: string, blobFile: string): LegacyLayer {
  const manifest = JSON.parse(read(`${dir}/manifest.json`).toString());
  const layer = manifest.layers[0];
  return { mediaType: layer.mediaType, annotations: layer.annotations, blob: read(`${dir}/${blobFile}`) };
}

describe('legacyTag', () => {
  it('names cosign tags after the digest', () => {
    expect(legacyTag(`sha256:${'a'.repeat(64)}`, 'sig')).toBe(`sha256-${'a'.repeat(64)}.sig`);
    expect(legacyTag(`sha256:${'a'.repeat(64)}`, 'att')).toBe(`sha256-${'a'.repeat(64)}.att`);
  });
});

describe('keyless .sig layer', () => {
  const layer = layerOf('keyless', 'payload.json');

  it('becomes a v0.1 message-signature bundle with the leaf certificate, the SET entry and the timestamp', () => {
    const bundle = legacySignatureToBundle(layer);
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.1');
    expect(bundle.content.$case).toBe('messageSignature');
    expect(bundle.verificationMaterial.content.$case).toBe('x509CertificateChain');
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    expect(bundle.verificationMaterial.tlogEntries[0]!.kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.1' });
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
  });

  it('verifies against the payload, for the expected signer, and the payload names the image', () => {
    const result = verifyBundle(legacySignatureToBundle(layer), { bytes: layer.blob }, { keyless: { issuer: ISSUER, subject: SUBJECT } }, trustedRoot, { now: NOW });
    expect(result.signer).toEqual({ issuer: ISSUER, subject: SUBJECT });
    expect(result.signedAt).toBe('2025-06-01T12:00:00.000Z');
    expect(() => assertSimpleSigningPayload(layer.blob, imageDigest)).not.toThrow();
    expect(() => assertSimpleSigningPayload(layer.blob, `sha256:${'0'.repeat(64)}`)).toThrow(expect.objectContaining({ code: 'PAYLOAD_MISMATCH' }));
  });

  it('fails when the payload was changed', () => {
    const changed = Buffer.from(layer.blob.toString().replace('registry.example.com', 'registry.evil.example'));
    expect(() =>
      verifyBundle(legacySignatureToBundle({ ...layer, blob: changed }), { bytes: changed }, { keyless: { issuer: ISSUER, subject: SUBJECT } }, trustedRoot, { now: NOW }),
    ).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(TLOG_BODY_ERROR|SIGNATURE_ERROR)$/) }));
  });

  it('fails when the log entry was changed (SET no longer verifies)', () => {
    const rekor = JSON.parse(layer.annotations[COSIGN_ANNOTATIONS.bundle]!);
    rekor.Payload.logIndex += 1;
    const annotations = { ...layer.annotations, [COSIGN_ANNOTATIONS.bundle]: JSON.stringify(rekor) };
    expect(() =>
      verifyBundle(legacySignatureToBundle({ ...layer, annotations }), { bytes: layer.blob }, { keyless: { issuer: ISSUER, subject: SUBJECT } }, trustedRoot, { now: NOW }),
    ).toThrow(expect.objectContaining({ code: 'TLOG_INCLUSION_PROMISE_ERROR' }));
  });

  it('rejects malformed annotations with LEGACY_SIGNATURE_INVALID', () => {
    expect(() => legacySignatureToBundle({ ...layer, annotations: {} })).toThrow(expect.objectContaining({ code: 'LEGACY_SIGNATURE_INVALID' }));
    expect(() => legacySignatureToBundle({ ...layer, mediaType: 'application/json' })).toThrow(expect.objectContaining({ code: 'LEGACY_SIGNATURE_INVALID' }));
    expect(() => rekorBundleToTlogEntry('{"Payload":{}}')).toThrow(expect.objectContaining({ code: 'LEGACY_SIGNATURE_INVALID' }));
    expect(() => rekorBundleToTlogEntry('not json')).toThrow(expect.objectContaining({ code: 'LEGACY_SIGNATURE_INVALID' }));
    expect(() =>
      legacySignatureToBundle({ ...layer, annotations: { ...layer.annotations, [COSIGN_ANNOTATIONS.signature]: '%%%' } }),
    ).toThrow(expect.objectContaining({ code: 'LEGACY_SIGNATURE_INVALID' }));
  });
});

describe('key .sig layer', () => {
  const layer = layerOf('key', 'payload.json');
  const key = parsePublicKey(read('key/cosign.pub').toString(), 'cosign.pub');

  it('becomes a public-key bundle that verifies with the key', () => {
    const bundle = legacySignatureToBundle(layer);
    expect(bundle.verificationMaterial.content.$case).toBe('publicKey');
    const result = verifyBundle(bundle, { bytes: layer.blob }, { key }, trustedRoot, { now: NOW });
    expect(result.signer.keyFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reads a signature by another key as KEY_MISMATCH (the log names the real key)', () => {
    const other = parsePublicKey(readFileSync(join(FIXTURES, '../../sigstore-keys/other.pub')).toString(), 'other.pub');
    expect(() => verifyBundle(legacySignatureToBundle(layer), { bytes: layer.blob }, { key: other }, trustedRoot, { now: NOW })).toThrow(
      expect.objectContaining({ code: 'KEY_MISMATCH' }),
    );
  });

  it('needs no log entry when the rule makes the log optional, but does when it is required', () => {
    const annotations = { [COSIGN_ANNOTATIONS.signature]: layer.annotations[COSIGN_ANNOTATIONS.signature]! };
    const bundle = legacySignatureToBundle({ ...layer, annotations });
    expect(() => verifyBundle(bundle, { bytes: layer.blob }, { key, transparencyLog: 'optional' }, trustedRoot, { now: NOW })).not.toThrow();
    expect(() => verifyBundle(bundle, { bytes: layer.blob }, { key }, trustedRoot, { now: NOW })).toThrow(expect.objectContaining({ code: 'TLOG_ERROR' }));
  });
});

describe('.att layer (DSSE envelope)', () => {
  const layer = layerOf('attestation', 'envelope.json');

  it('becomes a DSSE bundle whose in-toto subject is the image', () => {
    const bundle = legacyAttestationToBundle(layer);
    expect(bundle.content.$case).toBe('dsseEnvelope');
    const result = verifyBundle(bundle, { digest: imageDigest }, { keyless: { issuer: ISSUER, subject: SUBJECT } }, trustedRoot, { now: NOW });
    expect(result.statement?.predicateType).toBe('https://slsa.dev/provenance/v1');
  });

  it('does not count for another image', () => {
    expect(() =>
      verifyBundle(legacyAttestationToBundle(layer), { digest: `sha256:${'1'.repeat(64)}` }, { keyless: { issuer: ISSUER, subject: SUBJECT } }, trustedRoot, { now: NOW }),
    ).toThrow(expect.objectContaining({ code: 'ARTIFACT_DIGEST_MISMATCH' }));
  });
});
