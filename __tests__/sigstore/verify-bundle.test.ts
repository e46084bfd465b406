// The artifact binding of a DSSE bundle: an in-toto statement about the artifact, or the artifact itself.
import { createHash } from 'node:crypto';
import { bundleToJSON, type Bundle, type SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, parseBundle, verifyBundle } from '../../src/sigstore/verify-bundle.js';
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

describe('a bundle with more witnesses than any signer writes', () => {
  const payload = Buffer.from('release notes of 2.1\n');

  /** The bundle as signed (one log entry, one timestamp), its entry or timestamp repeated up to `count`, as a registry could serve it. */
  async function padded(field: 'tlogEntries' | 'rfc3161Timestamps', count: number): Promise<Bundle> {
    const json = bundleToJSON(await sigstore.signDsse(payload, 'text/plain', { subject: SUBJECT, tsa: true })) as unknown as SerializedBundle;
    const material = json.verificationMaterial;
    if (field === 'tlogEntries') {
      const entry = material.tlogEntries[0]!;
      material.tlogEntries = Array.from({ length: count }, (_, i) => (i === 0 ? entry : { ...entry, logIndex: String(1000 + i), integratedTime: String(Number(entry.integratedTime) - i) }));
    } else {
      const timestamps = material.timestampVerificationData!.rfc3161Timestamps;
      material.timestampVerificationData!.rfc3161Timestamps = Array.from({ length: count }, () => ({ ...timestamps[0]! }));
    }
    return parseBundle(JSON.stringify(json));
  }

  // @sigstore/verify compared every timestamp with every other first: 2,000 entries took 3.6 s, 8,000 took 54 s.
  it('is refused before its log entries are compared with one another', async () => {
    const bundle = await padded('tlogEntries', 2000);
    expect(() => verifyBundle(bundle, { bytes: payload }, POLICY, sigstore.trustedRoot)).toThrow(
      expect.objectContaining({ code: 'BUNDLE_INVALID', message: 'the bundle has 2000 transparency log entries; at most 16 are read' }),
    );
  });

  it('is refused before its RFC 3161 timestamps are verified one by one', async () => {
    const bundle = await padded('rfc3161Timestamps', 2000);
    expect(() => verifyBundle(bundle, { bytes: payload }, POLICY, sigstore.trustedRoot)).toThrow(
      expect.objectContaining({ code: 'BUNDLE_INVALID', message: 'the bundle has 2000 RFC 3161 timestamps; at most 16 are read' }),
    );
  });

  it('still verifies as signed, with its one entry and timestamp', async () => {
    const bundle = await padded('tlogEntries', 1);
    expect(verifyBundle(bundle, { bytes: payload }, POLICY, sigstore.trustedRoot).tlogEntryCount).toBe(1);
  });
});

describe('a bundle from a registry, quoted in messages', () => {
  it('is cut to a few dozen characters, however long its media type', () => {
    expect(() => parseBundle(JSON.stringify({ mediaType: 'y'.repeat(1_000_000) }))).toThrow(
      expect.objectContaining({ code: 'BUNDLE_INVALID', message: `unsupported bundle media type "${'y'.repeat(119)}… (1000002 characters)` }),
    );
  });
});
