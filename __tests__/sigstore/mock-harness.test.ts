// The mock Sigstore harness produces bundles the verifier accepts, and only with its trusted root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTrustedRoot } from '../../src/sigstore/trust.js';
import { verifyBundle } from '../../src/sigstore/verify-bundle.js';
import { MOCK_CLOCK, MOCK_ISSUER, startMockSigstore, type MockSigstore } from '../helpers/sigstore.js';

const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
let sigstore: MockSigstore;
beforeAll(async () => {
  sigstore = await startMockSigstore();
});
afterAll(async () => sigstore?.stop());

describe('mock Sigstore harness', () => {
  it('signs with log entry and timestamp, verified at the pinned clock', async () => {
    const data = Buffer.from('artifact');
    const bundle = await sigstore.signMessage(data, { subject: SUBJECT, tsa: true });
    const result = verifyBundle(bundle, { bytes: data }, { keyless: { issuer: MOCK_ISSUER, subject: SUBJECT } }, sigstore.trustedRoot);
    expect(result.signer).toEqual({ issuer: MOCK_ISSUER, subject: SUBJECT });
    expect(result.signedAt).toBe(MOCK_CLOCK.toISOString());
  });
  it('is not trusted by the public-good root', async () => {
    const data = Buffer.from('artifact');
    const bundle = await sigstore.signMessage(data, { subject: SUBJECT });
    expect(() => verifyBundle(bundle, { bytes: data }, { keyless: { issuer: MOCK_ISSUER, subject: SUBJECT } }, embeddedTrustedRoot())).toThrow();
  });
  it('rejects a subject that is only a prefix or a regex-like match', async () => {
    const data = Buffer.from('artifact');
    const bundle = await sigstore.signMessage(data, { subject: SUBJECT });
    for (const subject of ['https://github.com/acme/app', 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/mai.', SUBJECT + 'x']) {
      expect(() => verifyBundle(bundle, { bytes: data }, { keyless: { issuer: MOCK_ISSUER, subject } }, sigstore.trustedRoot)).toThrow(
        expect.objectContaining({ code: 'SUBJECT_MISMATCH' }),
      );
    }
    expect(() => verifyBundle(bundle, { bytes: data }, { keyless: { issuer: MOCK_ISSUER, subjectRegExp: '^https://github\\.com/acme/' } }, sigstore.trustedRoot)).not.toThrow();
    expect(() => verifyBundle(bundle, { bytes: data }, { keyless: { issuer: 'https://issuer.mock.tes', subject: SUBJECT } }, sigstore.trustedRoot)).toThrow(
      expect.objectContaining({ code: 'ISSUER_MISMATCH' }),
    );
  });
});

describe('mock Sigstore harness, DSSE', () => {
  it('signs an in-toto statement the verifier accepts for its subject', async () => {
    const digest = 'ab'.repeat(32);
    const payload = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: digest } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} }));
    const bundle = await sigstore.signDsse(payload, 'application/vnd.in-toto+json', { subject: SUBJECT });
    const result = verifyBundle(bundle, { digest: `sha256:${digest}` }, { keyless: { issuer: MOCK_ISSUER, subject: SUBJECT } }, sigstore.trustedRoot);
    expect(result.statement?.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(() => verifyBundle(bundle, { digest: `sha256:${'cd'.repeat(32)}` }, { keyless: { issuer: MOCK_ISSUER, subject: SUBJECT } }, sigstore.trustedRoot)).toThrow(
      expect.objectContaining({ code: 'ARTIFACT_DIGEST_MISMATCH' }),
    );
  });
});
