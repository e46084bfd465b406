/**
 * End to end, as a user runs it: `verify-images scan` (the CLI) over a fixture repository whose
 * policy requires signatures, against a REAL registry holding images signed keyless through the
 * mock Sigstore (OCI 1.1 bundle referrers and cosign's legacy `.sig`/`.att`) and with a cosign key,
 * plus the ways signing goes wrong: no signature, another signer, a signature copied from another
 * image, no attestation, an attestation made for another image.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadPolicy } from '../../src/config/load.js';
import { createRegistryClient, scan } from '../../src/engine.js';
import type { Finding, ResolvedOccurrence, ScanResult } from '../../src/model.js';
import { SIMPLESIGNING_MEDIA_TYPE } from '../../src/sigstore/legacy.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../../src/sigstore/payload.js';
import { keyFingerprint } from '../../src/sigstore/trust.js';
import { keylessAttestationLayer, keylessSignatureLayer, keySignatureAnnotations, pushBundleReferrer, pushLegacySignatures, simpleSigningPayload } from '../helpers/cosign-format.js';
import { copyFixtureRepository } from '../helpers/fixture-copy.js';
import { freePort, pushImage, registryAvailability, startRegistry, type PushedImage, type TestRegistry } from '../helpers/registry.js';
import { MOCK_CLOCK, MOCK_ISSUER, startMockSigstore, type MockSigstore } from '../helpers/sigstore.js';

const availability = registryAvailability();
const FIXTURE = fileURLToPath(new URL('../fixtures/scan-signatures/repo', import.meta.url));
const FIXTURE_HOST = '127.0.0.1:5000';
const FIXTURE_UNREACHABLE = '127.0.0.1:5009';
const FIXTURE_PIN = `sha256:${'c'.repeat(64)}`;
const CREDENTIALS_ENV = 'VERIFY_IMAGES_REGISTRY_CREDENTIALS';
/** The identity the fixture policy trusts, and another one. */
const SUBJECT = 'https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main';
const OTHER_SUBJECT = 'https://github.com/mallory/images/.github/workflows/release.yml@refs/heads/main';
const SLSA = 'https://slsa.dev/provenance/v1';
const IN_TOTO = 'application/vnd.in-toto+json';
const SIGNATURE_RULES = new Set(['unsigned', 'signature-invalid', 'signer-mismatch', 'attestation-missing', 'attestation-invalid', 'signature-not-checked']);


function statement(digest: string, predicateType: string): Buffer {
  return Buffer.from(
    JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { sha256: digest.split(':')[1] } }], predicateType, predicate: {} }),
  );
}

/** The text a Markdown table cell shows once GitHub has rendered it. */
function renderedText(markdown: string): string {
  return markdown
    .replace(/<\/?code>/g, '')
    .replace(/&#8203;/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

describe.skipIf(!availability.ok)(`scan with a signature policy against a real registry${availability.ok ? '' : ` — skipped: ${availability.reason}`}`, () => {
  let registry: TestRegistry;
  let sigstore: MockSigstore;
  let root: string;
  let unreachable: string;
  let signingKey: { publicKey: KeyObject; privateKey: KeyObject };
  let savedCredentials: string | undefined;
  const images: Record<string, PushedImage> = {};

  /** A key-signed cosign signature of `payload`, logged in the mock Rekor: the layer annotations. */
  async function keySignature(payload: Buffer): Promise<Record<string, string>> {
    return keySignatureAnnotations(sigstore.tlog, payload, signingKey);
  }

  /** Pushes `repository:1.0` and signs it keyless as `subject` with a Sigstore bundle referrer. */
  async function pushSignedWithBundle(repository: string, subject = SUBJECT): Promise<{ image: PushedImage; descriptor: object; subjectRef: { digest: string; mediaType: string; size: number } }> {
    const image = await pushImage(registry, repository, '1.0');
    images[repository] = image;
    const size = (await fetch(`${registry.url}/v2/${repository}/manifests/${image.digest}`, {
      headers: { authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`, accept: image.mediaType },
    }).then((r) => r.arrayBuffer())).byteLength;
    const subjectRef = { digest: image.digest, mediaType: image.mediaType, size };
    const bundle = await sigstore.signDsse(statement(image.digest, COSIGN_SIGN_PREDICATE_TYPE), IN_TOTO, { subject });
    const pushed = await pushBundleReferrer(registry, repository, subjectRef, sigstore.bundleJson(bundle), { predicateType: COSIGN_SIGN_PREDICATE_TYPE });
    return { image, descriptor: pushed.descriptor, subjectRef };
  }

  beforeAll(async () => {
    registry = await startRegistry();
    sigstore = await startMockSigstore();
    signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const host = registry.host;

    // Keyless, Sigstore bundle as an OCI 1.1 referrer.
    await pushSignedWithBundle('keyless/bundle');

    // Keyless, cosign's legacy `.sig` with certificate, Rekor SET and RFC 3161 timestamp.
    const legacy = await pushImage(registry, 'keyless/legacy', '1.0');
    images['keyless/legacy'] = legacy;
    const legacyPayload = simpleSigningPayload(`${host}/keyless/legacy`, legacy.digest);
    const legacyBundle = await sigstore.signMessage(legacyPayload, { subject: SUBJECT, tsa: true });
    await pushLegacySignatures(registry, 'keyless/legacy', legacy.digest, 'sig', [keylessSignatureLayer(legacyPayload, legacyBundle)]);

    // Key-signed (cosign key format), and the same signature copied onto another image.
    const keySigned = await pushImage(registry, 'key/signed', '1.0');
    images['key/signed'] = keySigned;
    const keyPayload = simpleSigningPayload(`${host}/key/signed`, keySigned.digest);
    const keyLayer = { mediaType: SIMPLESIGNING_MEDIA_TYPE, blob: keyPayload, annotations: await keySignature(keyPayload) };
    await pushLegacySignatures(registry, 'key/signed', keySigned.digest, 'sig', [keyLayer]);
    const copied = await pushImage(registry, 'key/copied', '1.0', { content: 'another image' });
    images['key/copied'] = copied;
    await pushLegacySignatures(registry, 'key/copied', copied.digest, 'sig', [keyLayer]);

    // Signed with SLSA provenance as a legacy `.att` (DSSE envelope).
    const good = await pushSignedWithBundle('provenance/good');
    const provenance = await sigstore.signDsse(statement(good.image.digest, SLSA), IN_TOTO, { subject: SUBJECT });
    await pushLegacySignatures(registry, 'provenance/good', good.image.digest, 'att', [keylessAttestationLayer(provenance, SLSA)]);

    // Signed, no attestation.
    await pushSignedWithBundle('provenance/no-attestation');

    // Signed, with an SLSA attestation (bundle referrer) whose statement is about provenance/good.
    const bad = await pushSignedWithBundle('provenance/bad-attestation');
    const foreign = await sigstore.signDsse(statement(good.image.digest, SLSA), IN_TOTO, { subject: SUBJECT });
    await pushBundleReferrer(registry, 'provenance/bad-attestation', bad.subjectRef, sigstore.bundleJson(foreign), { predicateType: SLSA, existing: [bad.descriptor] });

    // Signed by an identity the policy does not trust.
    await pushSignedWithBundle('keyless/wrong-identity', OTHER_SUBJECT);

    // Not signed at all.
    images['plain/unsigned'] = await pushImage(registry, 'plain/unsigned', '1.0');

    unreachable = `127.0.0.1:${await freePort()}`;
    root = await copyFixtureRepository(
      FIXTURE,
      { [FIXTURE_HOST]: host, [FIXTURE_UNREACHABLE]: unreachable, [FIXTURE_PIN]: images['keyless/bundle']!.digest },
      'verify-images-sig-repo-',
    );
    await mkdir(join(root, 'sigstore'));
    await writeFile(join(root, 'sigstore/trusted_root.json'), JSON.stringify(TrustedRoot.toJSON(sigstore.trustedRoot), null, 2));
    await mkdir(join(root, 'keys'));
    await writeFile(join(root, 'keys/cosign.pub'), signingKey.publicKey.export({ type: 'spki', format: 'pem' }));

    savedCredentials = process.env[CREDENTIALS_ENV];
    process.env[CREDENTIALS_ENV] = JSON.stringify({ [host]: { username: registry.username, password: registry.password } });
  }, 180_000);

  afterAll(async () => {
    if (savedCredentials === undefined) delete process.env[CREDENTIALS_ENV];
    else process.env[CREDENTIALS_ENV] = savedCredentials;
    await registry?.stop();
    await sigstore?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reports exactly the expected signature findings, and who signed each verified image and when', async () => {
    const { code, stdout, stderr } = await cli(['scan', root, '--format', 'json'], root);
    const report = JSON.parse(stdout) as ScanResult;
    expect(report.errors).toEqual([]);
    // A registry that does not answer: its image is "not checked", never "unsigned", and the report says so.
    expect(report.notes).toEqual([
      `Not verified (registry could not be asked): 1 image: ${unreachable}/keyless/elsewhere:1.0.`,
      expect.stringMatching(new RegExp(`^Signatures not checked for 1 image: ${unreachable.replace(/[.]/g, '\\.')}/keyless/elsewhere:1\\.0 \\(.+\\)\\.$`)),
    ]);
    const key = (f: Finding) => `${f.rule} ${f.file}:${f.line}`;
    // Pinning is off in the fixture policy: signature findings, and the unreachable registry.
    expect(report.findings.map(key).sort()).toEqual(
      [
        'unsigned docker-compose.yml:4',
        'signer-mismatch docker-compose.yml:6',
        'signature-invalid docker-compose.yml:8',
        'attestation-missing docker-compose.yml:10',
        'attestation-invalid docker-compose.yml:12',
        'registry-unreachable docker-compose.yml:14',
        // mode: require fails closed: an image whose signatures could not be checked is an error, naming the cause.
        'signature-not-checked docker-compose.yml:14',
      ].sort(),
    );
    expect(report.findings.filter((f) => f.rule !== 'registry-unreachable').every((f) => SIGNATURE_RULES.has(f.rule) && f.severity === 'error')).toBe(true);
    expect(code, stderr).toBe(1);
    const finding = (rule: string) => report.findings.find((f) => f.rule === rule)!;
    expect(finding('unsigned').message).toContain(`${registry.host}/plain/unsigned:1.0 has no signature`);
    expect(finding('signer-mismatch')).toMatchObject({ errorCode: 'SUBJECT_MISMATCH' });
    expect(finding('signer-mismatch').message).toContain(`signed by ${OTHER_SUBJECT} (issuer ${MOCK_ISSUER})`);
    // The copied signature is valid, but for key/signed's digest, not key/copied's.
    expect(finding('signature-invalid')).toMatchObject({ errorCode: 'PAYLOAD_MISMATCH' });
    expect(finding('signature-invalid').message).toContain(images['key/signed']!.digest);
    expect(finding('signature-invalid').message).toContain(images['key/copied']!.digest);
    expect(finding('attestation-missing').message).toContain(SLSA);
    expect(finding('attestation-invalid').message).toContain(SLSA);
    expect(finding('attestation-invalid').errorCode).toBe('ARTIFACT_DIGEST_MISMATCH');
    expect(finding('signature-not-checked').message).toMatch(/keyless\/elsewhere:1\.0: signatures not checked, so the image is not verified: image not resolved: /);

    const occurrence = (file: string, line: number) => report.occurrences.find((o) => o.file === file && o.line === line) as ResolvedOccurrence;
    const signedAt = MOCK_CLOCK.toISOString();
    const keyless = { issuer: MOCK_ISSUER, subject: SUBJECT };
    const verified: Array<[string, number, string, object]> = [
      ['deploy/signed.yaml', 9, 'bundle', keyless],
      ['deploy/signed.yaml', 11, 'legacy-cosign', keyless],
      // Pinned by digest: the pinned digest's signatures are the ones checked.
      ['Dockerfile', 3, 'bundle', keyless],
      ['Dockerfile', 4, 'legacy-cosign', keyless],
      ['deploy/signed.yaml', 13, 'legacy-cosign', { keyFingerprint: keyFingerprint(signingKey.publicKey) }],
      ['deploy/signed.yaml', 15, 'bundle', keyless],
    ];
    for (const [file, line, format, identity] of verified) {
      const signature = occurrence(file, line).signature!;
      expect(signature.status, `${file}:${line} ${signature.message}`).toBe('verified');
      expect(signature.signatures).toContainEqual(expect.objectContaining({ format, verified: true, identity: expect.objectContaining(identity), signedAt }));
    }
    // The provenance image's attestation verified too, in cosign's legacy `.att` form.
    expect(occurrence('deploy/signed.yaml', 15).signature!.signatures).toContainEqual(
      expect.objectContaining({ format: 'legacy-attestation', verified: true, predicateType: SLSA, identity: expect.objectContaining(keyless) }),
    );
    expect(occurrence('docker-compose.yml', 4).signature!.status).toBe('unsigned');
    expect(occurrence('docker-compose.yml', 6).signature).toMatchObject({ status: 'signer-mismatch', signatures: [{ verified: false, identity: { subject: OTHER_SUBJECT } }] });
    expect(occurrence('docker-compose.yml', 8).signature!.status).toBe('invalid');
    expect(occurrence('docker-compose.yml', 14).signature!.status).toBe('not-checked');
  }, 120_000);

  it('looks up each image\'s signatures once, however many files name it', async () => {
    const policy = await loadPolicy(root);
    const client = createRegistryClient({ policy, env: process.env });
    const result = await scan({ root, policy, offline: false, registryClient: client });
    // keyless/legacy:1.0 is named in two files.
    expect(result.occurrences.filter((o) => o.reference === `${registry.host}/keyless/legacy:1.0`)).toHaveLength(2);
    const requests = client.requestLog().filter((r) => r.host === registry.host && r.purpose === 'api').map((r) => `${r.method} ${r.path}`);
    const repeated = requests.filter((request, index) => requests.indexOf(request) !== index);
    expect(repeated).toEqual([]);
    const legacy = images['keyless/legacy']!.digest.replace(':', '-');
    expect(requests).toContain(`GET /v2/keyless/legacy/manifests/${legacy}.sig`);
  }, 60_000);

  it('shows the signer and signing time in the Markdown image table', async () => {
    const { stdout } = await cli(['scan', root, '--format', 'markdown'], root);
    const rows = stdout.split('\n').filter((line) => line.startsWith('| <code>'));
    const row = (repository: string) => {
      const found = rows.find((line) => renderedText(line).startsWith(`| ${registry.host}/${repository}:1.0 |`));
      expect(found, repository).toBeDefined();
      return renderedText(found!);
    };
    const signedAt = MOCK_CLOCK.toISOString();
    expect(row('keyless/bundle')).toContain(`✅ yes<br>${SUBJECT} (${MOCK_ISSUER}), ${signedAt}`);
    expect(row('key/signed')).toContain(`✅ yes<br>key ${keyFingerprint(signingKey.publicKey)}, ${signedAt}`);
    expect(row('plain/unsigned')).toContain('❌ no');
    expect(row('key/copied')).toContain('❌ no');
  }, 120_000);
});
