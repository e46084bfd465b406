/**
 * `signatures.platforms` against real parts: a multi-platform image pushed to a real registry
 * (docker-registry, skopeo) whose index and linux/amd64 manifest are signed keyless through the
 * mock Sigstore (OCI 1.1 bundle referrers, found through the referrers tag schema), while its
 * linux/arm64 manifest is not signed. The occurrence goes through the resolve stage, the signature
 * stage and the rules as in a scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/index.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import type { Occurrence } from '../../src/model.js';
import { RegistryClient, staticCredentialSource } from '../../src/registry/index.js';
import { resolveOccurrences } from '../../src/resolve.js';
import { verifySignatures } from '../../src/sigstore/check.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../../src/sigstore/payload.js';
import { pushBundleReferrer } from '../helpers/cosign-format.js';
import { pushImage, registryAvailability, startRegistry, type PushedImage, type TestRegistry } from '../helpers/registry.js';
import { MOCK_ISSUER, startMockSigstore, type MockSigstore } from '../helpers/sigstore.js';

const availability = registryAvailability();
const SUBJECT = 'https://github.com/acme/images/.github/workflows/release.yml@refs/heads/main';
const IN_TOTO = 'application/vnd.in-toto+json';
const SIGNATURE_RULES = new Set(['unsigned', 'signature-invalid', 'signer-mismatch', 'attestation-missing', 'attestation-invalid']);

function statement(digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'image', digest: { sha256: digest.split(':')[1] } }],
      predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      predicate: {},
    }),
  );
}

describe.skipIf(!availability.ok)(`signatures.platforms with a real registry${availability.reason ? ` (skipped: ${availability.reason})` : ''}`, () => {
  let registry: TestRegistry;
  let sigstore: MockSigstore;
  let client: RegistryClient;
  let image: PushedImage;
  let arm64: string;

  beforeAll(async () => {
    registry = await startRegistry();
    sigstore = await startMockSigstore();
    client = new RegistryClient({
      insecureRegistries: [registry.host],
      credentials: staticCredentialSource({ [registry.host]: { username: registry.username, password: registry.password } }),
      retries: 0,
    });
    image = await pushImage(registry, 'multi/app', '1.0', {
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
    });
    const repo = { domain: registry.host, path: 'multi/app' };
    const amd64 = image.manifests.find((m) => m.platform.architecture === 'amd64')!.digest;
    arm64 = image.manifests.find((m) => m.platform.architecture === 'arm64')!.digest;
    // `cosign sign` of the index and of one platform manifest: each a bundle referrer of its own digest.
    for (const digest of [image.digest, amd64]) {
      const { descriptor } = await client.getManifest(repo, digest);
      const bundle = await sigstore.signDsse(statement(digest), IN_TOTO, { subject: SUBJECT });
      await pushBundleReferrer(registry, 'multi/app', { digest, mediaType: descriptor.mediaType, size: descriptor.size }, sigstore.bundleJson(bundle), {
        predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      });
    }
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    await sigstore?.stop();
  });

  async function scanWith(platforms: boolean | string[] | undefined) {
    const reference = `${registry.host}/multi/app:1.0`;
    const occurrence: Occurrence = { file: 'deploy/app.yaml', line: 5, column: 16, kind: 'kubernetes', raw: reference, reference };
    const signatures: Policy['signatures'] = {
      mode: 'require',
      rules: [{ images: [`${registry.host}/multi/**`], keyless: { issuer: MOCK_ISSUER, subject: SUBJECT }, source: 'test rule' }],
    };
    if (platforms !== undefined) signatures.platforms = platforms;
    const policy: Policy = { ...defaultPolicy(), signatures };
    const resolved = await resolveOccurrences([occurrence], client);
    const [checked] = await verifySignatures(resolved, policy, client, { trustedRoot: sigstore.trustedRoot });
    const findings = runChecks([checked!], policy, new Map()).filter((finding) => SIGNATURE_RULES.has(finding.rule));
    return { occurrence: checked!, findings };
  }

  it('resolves the tag to the index', async () => {
    const { occurrence } = await scanWith(undefined);
    expect(occurrence.resolution).toMatchObject({ status: 'ok', tagDigest: image.digest, mediaType: 'application/vnd.oci.image.index.v1+json' });
  });

  it('by default verifies the index digest only: verified, no findings', async () => {
    const { occurrence, findings } = await scanWith(undefined);
    expect(occurrence.signature!.status, occurrence.signature!.message).toBe('verified');
    expect(occurrence.signature!.platforms).toBeUndefined();
    expect(findings).toEqual([]);
  });

  it('platforms: true => one unsigned finding, for linux/arm64 only', async () => {
    const { occurrence, findings } = await scanWith(true);
    const signature = occurrence.signature!;
    expect(signature.status).toBe('unsigned');
    expect(signature.indexStatus).toBe('verified');
    expect(signature.platforms!.map((p) => [p.platform, p.status])).toEqual([
      ['linux/amd64', 'verified'],
      ['linux/arm64', 'unsigned'],
    ]);
    expect(signature.platforms![0]!.signatures).toMatchObject([{ format: 'bundle', verified: true, identity: { issuer: MOCK_ISSUER, subject: SUBJECT } }]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'unsigned', severity: 'error', file: 'deploy/app.yaml', line: 5, column: 16 });
    expect(findings[0]!.message).toContain(`for linux/arm64 (platform manifest ${arm64}) has no signature`);
  });

  it('a list that leaves out linux/arm64 => verified', async () => {
    const { occurrence, findings } = await scanWith(['linux/amd64']);
    expect(occurrence.signature!.status, occurrence.signature!.message).toBe('verified');
    expect(occurrence.signature!.platforms!.map((p) => p.platform)).toEqual(['linux/amd64']);
    expect(findings).toEqual([]);
  });
});
