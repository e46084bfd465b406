/**
 * The signature stage against real parts: a real registry (docker-registry, skopeo), signatures
 * made here by @sigstore/sign against @sigstore/mock's Fulcio/Rekor/TSA served on 127.0.0.1 (keyless)
 * or by Node's crypto (cosign key format), stored both as OCI 1.1 bundle referrers and as cosign's
 * legacy `.sig`/`.att` tags, and verified with a trusted root of the mock keys at a pinned clock.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrustIndex } from '../../src/checks/trust.js';
import { signerMismatchCheck } from '../../src/checks/signer-mismatch.js';
import { signatureInvalidCheck } from '../../src/checks/signature-invalid.js';
import { unsignedCheck } from '../../src/checks/unsigned.js';
import { attestationMissingCheck } from '../../src/checks/attestation-missing.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy, SignatureRule } from '../../src/config/policy.js';
import type { ResolvedOccurrence } from '../../src/model.js';
import { RegistryClient, staticCredentialSource } from '../../src/registry/index.js';
import { verifySignatures } from '../../src/sigstore/check.js';
import { COSIGN_ANNOTATIONS, SIMPLESIGNING_MEDIA_TYPE } from '../../src/sigstore/legacy.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../../src/sigstore/payload.js';
import { keyFingerprint } from '../../src/sigstore/trust.js';
import {
  certificatePem,
  keylessAttestationLayer,
  keylessSignatureLayer,
  keySignatureAnnotations,
  OCI_MANIFEST,
  pushBundleReferrer,
  pushLegacySignatures,
  simpleSigningPayload,
} from '../helpers/cosign-format.js';
import { pushImage, registryAvailability, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { MOCK_CLOCK, MOCK_ISSUER, startMockSigstore, type MockSigstore } from '../helpers/sigstore.js';

const availability = registryAvailability();
const SUBJECT = 'https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main';
const OTHER_SUBJECT = 'https://github.com/mallory/images/.github/workflows/release.yml@refs/heads/main';
const SLSA = 'https://slsa.dev/provenance/v1';
const IN_TOTO = 'application/vnd.in-toto+json';

function statement(digest: string, predicateType: string): Buffer {
  return Buffer.from(
    JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { sha256: digest.split(':')[1] } }], predicateType, predicate: {} }),
  );
}

describe.skipIf(!availability.ok)(`signature verification with a real registry${availability.reason ? ` (skipped: ${availability.reason})` : ''}`, () => {
  let registry: TestRegistry;
  let sigstore: MockSigstore;
  let client: RegistryClient;
  let tempDir: string;
  let keyPath: string;
  let otherKeyPath: string;
  let signingKey: { publicKey: KeyObject; privateKey: KeyObject };
  const digests: Record<string, string> = {};

  /** Key-signed cosign signature for `payload`, logged in the mock Rekor; returns the layer annotations. */
  async function keySignature(payload: Buffer, key = signingKey): Promise<Record<string, string>> {
    return keySignatureAnnotations(sigstore.tlog, payload, key);
  }

  beforeAll(async () => {
    registry = await startRegistry();
    sigstore = await startMockSigstore();
    client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: staticCredentialSource({ [registry.host]: { username: registry.username, password: registry.password } }),
      retries: 0,
    });
    tempDir = await mkdtemp(join(tmpdir(), 'verify-images-sig-'));
    signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyPath = join(tempDir, 'cosign.pub');
    await writeFile(keyPath, signingKey.publicKey.export({ type: 'spki', format: 'pem' }));
    otherKeyPath = join(tempDir, 'other.pub');
    await writeFile(otherKeyPath, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const host = registry.host;

    // A: keyless, Sigstore bundle as OCI 1.1 referrer (signature + SLSA attestation).
    const a = await pushImage(registry, 'keyless/bundle', '1.0');
    digests.a = a.digest;
    const subject = { digest: a.digest, mediaType: a.mediaType, size: 0 };
    const aManifest = await client.getManifest({ domain: host, path: 'keyless/bundle' }, a.digest);
    subject.size = aManifest.descriptor.size;
    const aSignature = await sigstore.signDsse(statement(a.digest, COSIGN_SIGN_PREDICATE_TYPE), IN_TOTO, { subject: SUBJECT });
    const first = await pushBundleReferrer(registry, 'keyless/bundle', subject, sigstore.bundleJson(aSignature), { predicateType: COSIGN_SIGN_PREDICATE_TYPE });
    const aAttestation = await sigstore.signDsse(statement(a.digest, SLSA), IN_TOTO, { subject: SUBJECT, tsa: true });
    await pushBundleReferrer(registry, 'keyless/bundle', subject, sigstore.bundleJson(aAttestation), { predicateType: SLSA, existing: [first.descriptor] });

    // B: keyless, cosign legacy `.sig` (certificate, Rekor SET, RFC 3161 timestamp) and `.att`.
    const b = await pushImage(registry, 'keyless/legacy', '1.0');
    digests.b = b.digest;
    const bPayload = simpleSigningPayload(`${host}/keyless/legacy`, b.digest);
    const bBundle = await sigstore.signMessage(bPayload, { subject: SUBJECT, tsa: true });
    await pushLegacySignatures(registry, 'keyless/legacy', b.digest, 'sig', [keylessSignatureLayer(bPayload, bBundle)]);
    const bAttestation = await sigstore.signDsse(statement(b.digest, SLSA), IN_TOTO, { subject: SUBJECT });
    await pushLegacySignatures(registry, 'keyless/legacy', b.digest, 'att', [keylessAttestationLayer(bAttestation, SLSA)]);

    // C: key-based cosign signature with a Rekor entry.
    const c = await pushImage(registry, 'key/signed', '1.0');
    digests.c = c.digest;
    const cPayload = simpleSigningPayload(`${host}/key/signed`, c.digest);
    const cLayer = { mediaType: SIMPLESIGNING_MEDIA_TYPE, blob: cPayload, annotations: await keySignature(cPayload) };
    await pushLegacySignatures(registry, 'key/signed', c.digest, 'sig', [cLayer]);

    // D: C's valid signature copied onto another image.
    const d = await pushImage(registry, 'key/copied', '1.0');
    digests.d = d.digest;
    await pushLegacySignatures(registry, 'key/copied', d.digest, 'sig', [cLayer]);

    // E: payload changed after signing.
    const e = await pushImage(registry, 'key/tampered-payload', '1.0');
    digests.e = e.digest;
    const ePayload = simpleSigningPayload(`${host}/key/tampered-payload`, e.digest);
    const eAnnotations = await keySignature(ePayload);
    const tampered = Buffer.from(ePayload.toString().replace('"optional":null', '"optional":{"note":"x"}'));
    await pushLegacySignatures(registry, 'key/tampered-payload', e.digest, 'sig', [{ mediaType: SIMPLESIGNING_MEDIA_TYPE, blob: tampered, annotations: eAnnotations }]);

    // F: log entry changed after logging (integrated time moved): the SET no longer verifies.
    const f = await pushImage(registry, 'key/tampered-log', '1.0');
    digests.f = f.digest;
    const fPayload = simpleSigningPayload(`${host}/key/tampered-log`, f.digest);
    const fAnnotations = await keySignature(fPayload);
    const rekorBundle = JSON.parse(fAnnotations[COSIGN_ANNOTATIONS.bundle]!);
    rekorBundle.Payload.integratedTime -= 3600;
    fAnnotations[COSIGN_ANNOTATIONS.bundle] = JSON.stringify(rekorBundle);
    await pushLegacySignatures(registry, 'key/tampered-log', f.digest, 'sig', [{ mediaType: SIMPLESIGNING_MEDIA_TYPE, blob: fPayload, annotations: fAnnotations }]);

    // G: keyless certificate (long expired by now) with no log entry and no timestamp.
    const g = await pushImage(registry, 'keyless/expired', '1.0');
    digests.g = g.digest;
    const gPayload = simpleSigningPayload(`${host}/keyless/expired`, g.digest);
    const gBundle = await sigstore.signMessage(gPayload, { subject: SUBJECT, tlog: false });
    const gContent = gBundle.content.$case === 'messageSignature' ? gBundle.content.messageSignature : undefined;
    await pushLegacySignatures(registry, 'keyless/expired', g.digest, 'sig', [
      {
        mediaType: SIMPLESIGNING_MEDIA_TYPE,
        blob: gPayload,
        annotations: { [COSIGN_ANNOTATIONS.signature]: Buffer.from(gContent!.signature).toString('base64'), [COSIGN_ANNOTATIONS.certificate]: certificatePem(gBundle) },
      },
    ]);

    // H: no signature at all.
    const h = await pushImage(registry, 'plain/unsigned', '1.0');
    digests.h = h.digest;
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    await sigstore?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  function occurrence(path: string, digest: string): ResolvedOccurrence {
    const reference = `${registry.host}/${path}@${digest}`;
    return { file: 'deploy.yaml', line: 1, column: 1, kind: 'kubernetes', raw: reference, reference, resolution: { status: 'ok' } };
  }

  function policyWith(rules: SignatureRule[], mode: Policy['signatures']['mode'] = 'require'): Policy {
    return { ...defaultPolicy(), signatures: { mode, rules } };
  }

  function rules(options: { subject?: string; key?: string } = {}): SignatureRule[] {
    const host = registry.host;
    const keyless = { issuer: MOCK_ISSUER, subject: options.subject ?? SUBJECT };
    return [
      { images: [`${host}/keyless/**`, `${host}/plain/**`], keyless, transparencyLog: 'optional', source: 'keyless rule' },
      { images: [`${host}/keyless/bundle`, `${host}/keyless/legacy`], keyless, attestation: { predicateType: SLSA }, source: 'provenance rule' },
      { images: [`${host}/key/**`], key: options.key ?? keyPath, source: 'key rule' },
    ];
  }

  async function statuses(policy: Policy): Promise<Record<string, ResolvedOccurrence>> {
    const names: Array<[string, string, string]> = [
      ['a', 'keyless/bundle', digests.a!],
      ['b', 'keyless/legacy', digests.b!],
      ['c', 'key/signed', digests.c!],
      ['d', 'key/copied', digests.d!],
      ['e', 'key/tampered-payload', digests.e!],
      ['f', 'key/tampered-log', digests.f!],
      ['g', 'keyless/expired', digests.g!],
      ['h', 'plain/unsigned', digests.h!],
    ];
    const results = await verifySignatures(
      names.map(([, path, digest]) => occurrence(path, digest)),
      policy,
      client,
      { trustedRoot: sigstore.trustedRoot },
    );
    return Object.fromEntries(names.map(([name], i) => [name, results[i]!]));
  }

  it('verifies keyless bundles (referrers) and legacy cosign signatures, with signer and time', async () => {
    const result = await statuses(policyWith(rules()));
    const a = result.a!.signature!;
    expect(a.status, a.message).toBe('verified');
    const aSignature = a.signatures.find((s) => !s.predicateType)!;
    expect(aSignature).toMatchObject({ format: 'bundle', verified: true, identity: { issuer: MOCK_ISSUER, subject: SUBJECT }, signedAt: MOCK_CLOCK.toISOString() });
    expect(a.signatures.find((s) => s.predicateType === SLSA)).toMatchObject({ format: 'bundle', verified: true });
    expect(a.requiredPredicateTypes).toEqual([SLSA]);

    const b = result.b!.signature!;
    expect(b.status, b.message).toBe('verified');
    expect(b.signatures.find((s) => s.format === 'legacy-cosign')).toMatchObject({ verified: true, identity: { subject: SUBJECT }, signedAt: MOCK_CLOCK.toISOString() });
    expect(b.signatures.find((s) => s.format === 'legacy-attestation')).toMatchObject({ verified: true, predicateType: SLSA });

    const c = result.c!.signature!;
    expect(c.status, c.message).toBe('verified');
    expect(c.signatures[0]).toMatchObject({ format: 'legacy-cosign', verified: true, identity: { keyFingerprint: keyFingerprint(signingKey.publicKey) }, signedAt: MOCK_CLOCK.toISOString() });
  });

  it('rejects a copied signature, a tampered payload, a tampered log entry and an expired certificate without timestamp', async () => {
    const result = await statuses(policyWith(rules()));
    expect(result.d!.signature).toMatchObject({ status: 'invalid' });
    expect(result.d!.signature!.signatures[0]).toMatchObject({ verified: false, errorCode: 'PAYLOAD_MISMATCH' });
    expect(result.e!.signature).toMatchObject({ status: 'invalid' });
    expect(result.e!.signature!.signatures[0]!.verified).toBe(false);
    expect(['SIGNATURE_ERROR', 'TLOG_BODY_ERROR']).toContain(result.e!.signature!.signatures[0]!.errorCode);
    expect(result.f!.signature).toMatchObject({ status: 'invalid' });
    expect(result.f!.signature!.signatures[0]).toMatchObject({ verified: false, errorCode: 'TLOG_INCLUSION_PROMISE_ERROR' });
    expect(result.g!.signature).toMatchObject({ status: 'invalid' });
    expect(result.g!.signature!.signatures[0]).toMatchObject({ verified: false, errorCode: 'TIMESTAMP_ERROR' });
    expect(result.h!.signature).toMatchObject({ status: 'unsigned', signatures: [] });

    const policy = policyWith(rules());
    const context = { policy, trust: buildTrustIndex(policy) };
    const all = Object.values(result);
    expect(signatureInvalidCheck.run(all, context).map((d) => d.occurrence.reference)).toHaveLength(4);
    expect(unsignedCheck.run(all, context)).toMatchObject([{ severity: 'error', occurrence: { reference: result.h!.reference } }]);
    expect(signerMismatchCheck.run(all, context)).toEqual([]);
    expect(attestationMissingCheck.run(all, context)).toEqual([]);
  });

  it('reports a valid signature by the wrong identity or key as signer-mismatch', async () => {
    const result = await statuses(policyWith(rules({ subject: OTHER_SUBJECT, key: otherKeyPath }), 'warn'));
    for (const name of ['a', 'b', 'c'] as const) {
      expect(result[name]!.signature!.status, `${name}: ${result[name]!.signature!.message}`).toBe('signer-mismatch');
    }
    expect(result.a!.signature!.signatures.find((s) => !s.predicateType)).toMatchObject({ verified: false, errorCode: 'SUBJECT_MISMATCH', identity: { subject: SUBJECT } });
    expect(result.c!.signature!.signatures[0]).toMatchObject({ verified: false, errorCode: 'KEY_MISMATCH' });
    const policy = policyWith(rules({ subject: OTHER_SUBJECT, key: otherKeyPath }), 'warn');
    const drafts = signerMismatchCheck.run(Object.values(result), { policy, trust: buildTrustIndex(policy) });
    // One finding per unmet rule: a and b are covered by the keyless rule and the provenance rule.
    expect(drafts.map((d) => [d.occurrence.reference, d.severity, d.message.match(/required by ([a-z ]+):/)?.[1]])).toEqual([
      [result.a!.reference, 'warning', 'keyless rule'],
      [result.a!.reference, 'warning', 'provenance rule'],
      [result.b!.reference, 'warning', 'keyless rule'],
      [result.b!.reference, 'warning', 'provenance rule'],
      [result.c!.reference, 'warning', 'key rule'],
    ]);
    expect(drafts[0]!.message).toContain(SUBJECT);
  });

  it('leaves images without a matching rule as not required, and checks nothing with mode off', async () => {
    const noRules = await statuses(policyWith([]));
    expect(noRules.a!.signature).toEqual({ status: 'not-required', signatures: [] });
    const off = await statuses(policyWith(rules(), 'off'));
    expect(off.a!.signature).toBeUndefined();
  });

  it('treats an unreachable registry as not checked, never unsigned', async () => {
    const closed = new RegistryClient({ insecureRegistries: ['127.0.0.1:9'], retries: 0, timeoutMs: 2000 });
    const reference = `127.0.0.1:9/keyless/bundle@${digests.a}`;
    const [result] = await verifySignatures(
      [{ file: 'x.yaml', line: 1, column: 1, kind: 'kubernetes', raw: reference, reference, resolution: { status: 'ok' } }],
      policyWith([{ images: ['127.0.0.1:9/**'], keyless: { issuer: MOCK_ISSUER, subject: SUBJECT } }]),
      closed,
      { trustedRoot: sigstore.trustedRoot },
    );
    expect(result!.signature!.status).toBe('not-checked');
  });

  it('stores the referrer with the manifest media type the client expects', () => {
    expect(OCI_MANIFEST).toBe('application/vnd.oci.image.manifest.v1+json');
  });
});
