// The artifact binding of a DSSE bundle: an in-toto statement about the artifact, or the artifact itself.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, verifyBundle } from '../../src/sigstore/verify-bundle.js';
import { MOCK_ISSUER, startMockSigstore, type MockSigstore } from '../helpers/sigstore.js';

const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const POLICY = { keyless: { issuer: MOCK_ISSUER, subject: SUBJECT } };
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let sigstore: MockSigstore;
beforeAll(async () => {
  sigstore = await startMockSigstore();
});
afterAll(async () => sigstore?.stop());

describe('a DSSE bundle whose payload is not an in-toto statement', () => {
  const signed = Buffer.from('release notes of 2.1\n');

  it('counts for the artifact it carries, given as bytes or as a digest', async () => {
    const bundle = await sigstore.signDsse(signed, 'text/plain', { subject: SUBJECT });
    expect(verifyBundle(bundle, { bytes: signed }, POLICY, sigstore.trustedRoot).payloadType).toBe('text/plain');
    expect(() => verifyBundle(bundle, { digest: sha256(signed) }, POLICY, sigstore.trustedRoot)).not.toThrow();
  });

  it('is refused for any other artifact: neither a statement about it nor the artifact', async () => {
    const bundle = await sigstore.signDsse(signed, 'text/plain', { subject: SUBJECT });
    const other = Buffer.from('release notes of 2.2\n');
    const notTheArtifact = expect.objectContaining({ code: 'ARTIFACT_DIGEST_MISMATCH', message: 'the DSSE payload is not the artifact' });
    expect(() => verifyBundle(bundle, { bytes: other }, POLICY, sigstore.trustedRoot)).toThrow(notTheArtifact);
    expect(() => verifyBundle(bundle, { digest: sha256(other) }, POLICY, sigstore.trustedRoot)).toThrow(notTheArtifact);
  });

  it('is refused when it claims the in-toto type but is not a statement', async () => {
    const artifact = Buffer.from('artifact');
    for (const [payload, message] of [
      ['{"subject": ', 'the DSSE payload is not JSON'],
      ['{"_type": "https://in-toto.io/Statement/v1", "predicate": {}}', 'the DSSE payload is not an in-toto statement (no subject list)'],
      ['{"subject": [{"name": "x"}]}', 'an in-toto subject has no digest map'],
    ]) {
      const bundle = await sigstore.signDsse(Buffer.from(payload), IN_TOTO_PAYLOAD_TYPE, { subject: SUBJECT });
      expect(() => verifyBundle(bundle, { bytes: artifact }, POLICY, sigstore.trustedRoot)).toThrow(expect.objectContaining({ code: 'PAYLOAD_MISMATCH', message }));
    }
  });
});
