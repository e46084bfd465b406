// `signatures.platforms`: the platform manifests of an index verified beside it, against a fake
// registry that serves cosign `.sig` tags signed here with P-256 keys (key rule, no log needed).
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTrustIndex } from '../../src/checks/trust.js';
import { unsignedCheck } from '../../src/checks/unsigned.js';
import { signatureInvalidCheck } from '../../src/checks/signature-invalid.js';
import { signerMismatchCheck } from '../../src/checks/signer-mismatch.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy, SignatureRule } from '../../src/config/policy.js';
import type { ResolvedOccurrence } from '../../src/model.js';
import { RegistryError, type Descriptor, type ManifestResult, type RepositoryRef } from '../../src/registry/index.js';
import { verifySignatures } from '../../src/sigstore/check.js';
import type { SignatureRegistry } from '../../src/sigstore/discover.js';
import { COSIGN_ANNOTATIONS, SIMPLESIGNING_MEDIA_TYPE, legacyTag } from '../../src/sigstore/legacy.js';
import { MAX_PLATFORM_MANIFESTS, platformSelects, selectPlatformManifests, worstStatus } from '../../src/sigstore/platforms.js';
import { parseTrustedRoot } from '../../src/sigstore/trust.js';
import { simpleSigningPayload } from '../helpers/cosign-format.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/sigstore/platforms');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const trustedRoot = parseTrustedRoot(readFileSync(join(import.meta.dirname, '../fixtures/sigstore/legacy/trusted_root.json'), 'utf8'), 'fixture');
const REPOSITORY = 'registry.test/acme/app';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
type Keys = { publicKey: KeyObject; privateKey: KeyObject };
const newKey = (): Keys => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A registry in memory: manifests by tag or digest, blobs by digest, and the references asked for. */
class FakeRegistry implements SignatureRegistry {
  readonly manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  readonly blobs = new Map<string, Buffer>();
  readonly asked: string[] = [];
  /** References that answer with a server error. */
  readonly broken = new Set<string>();

  put(reference: string, bytes: Buffer, mediaType: string): string {
    this.manifests.set(reference, { mediaType, bytes });
    this.manifests.set(sha256(bytes), { mediaType, bytes });
    return sha256(bytes);
  }

  async getManifest(_repo: RepositoryRef, reference: string): Promise<ManifestResult> {
    this.asked.push(reference);
    if (this.broken.has(reference)) throw new RegistryError('SERVER', `manifest ${reference}: server error (503)`, { status: 503 });
    const found = this.manifests.get(reference);
    if (!found) throw new RegistryError('NOT_FOUND', `manifest ${reference}: not found (404)`, { status: 404, missing: 'manifest' });
    const descriptor: Descriptor = { mediaType: found.mediaType, digest: sha256(found.bytes), size: found.bytes.length };
    return { descriptor, bytes: found.bytes, json: JSON.parse(found.bytes.toString('utf8')) };
  }

  /** As the client's: a missing tag is no manifest, other failures throw. */
  async findManifest(repo: RepositoryRef, reference: string): Promise<ManifestResult | undefined> {
    return this.getManifest(repo, reference).catch((error: unknown) => {
      if (error instanceof RegistryError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    });
  }

  async getBlob(_repo: RepositoryRef, digest: string): Promise<Uint8Array> {
    const blob = this.blobs.get(digest);
    if (!blob) throw new RegistryError('NOT_FOUND', `blob ${digest}: not found (404)`, { status: 404, missing: 'blob' });
    return blob;
  }

  async listReferrers(): Promise<Descriptor[]> {
    return [];
  }

  /** A cosign `.sig` tag for `digest`, signed with `keys` over the simplesigning payload, as `cosign sign --key` writes it. */
  sign(digest: string, keys: Keys): void {
    const payload = simpleSigningPayload(REPOSITORY, digest);
    this.blobs.set(sha256(payload), payload);
    const config = Buffer.from('{}');
    this.blobs.set(sha256(config), config);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256(config) },
      layers: [
        {
          mediaType: SIMPLESIGNING_MEDIA_TYPE,
          size: payload.length,
          digest: sha256(payload),
          annotations: { [COSIGN_ANNOTATIONS.signature]: sign('sha256', payload, keys.privateKey).toString('base64') },
        },
      ],
    };
    this.put(legacyTag(digest, 'sig'), Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST);
  }
}

/** The platform manifests of a fixture index, by platform text. */
function childrenOf(name: string): Record<string, string> {
  const index = JSON.parse(fixture(name).toString('utf8'));
  const children: Record<string, string> = {};
  for (const entry of index.manifests) {
    const p = entry.platform;
    if (p.os !== 'unknown') children[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = entry.digest;
  }
  return children;
}

describe('choosing the platform manifests of an index', () => {
  const buildx = JSON.parse(fixture('buildx-index.json').toString('utf8'));
  const children = childrenOf('buildx-index.json');

  it('true: every platform image, never the attestation manifests', () => {
    expect(selectPlatformManifests(buildx, true)).toEqual({
      manifests: [
        { platform: 'linux/amd64', digest: children['linux/amd64'] },
        { platform: 'linux/arm64', digest: children['linux/arm64'] },
        { platform: 'linux/arm/v7', digest: children['linux/arm/v7'] },
      ],
      overLimit: 0,
      absent: [],
    });
  });

  it('a list: only those, in index order, and the ones the index lacks', () => {
    const selected = selectPlatformManifests(buildx, ['linux/arm/v7', 'linux/s390x', 'linux/amd64']);
    expect(selected.manifests.map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm/v7']);
    expect(selected.absent).toEqual(['linux/s390x']);
    expect(selectPlatformManifests(buildx, ['unknown/unknown']).manifests).toEqual([]);
  });

  it('a Docker manifest list: images with a platform only (no nested list, artifact or platform-less entry)', () => {
    const list = JSON.parse(fixture('manifest-list.json').toString('utf8'));
    expect(selectPlatformManifests(list, true).manifests.map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm64/v8', 'windows/amd64']);
  });

  it.each([
    ['linux/arm64', 'linux/arm64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm64/v9', 'linux/arm64', false],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/arm/v7', 'linux/arm', false],
    ['linux/amd64', 'windows/amd64', false],
    ['linux/amd', 'linux/amd64', false],
  ])('%s selects %s: %s', (selector, platform, expected) => {
    expect(platformSelects(selector, platform)).toBe(expected);
  });

  it(`examines at most ${MAX_PLATFORM_MANIFESTS} and counts the rest`, () => {
    const wide = JSON.parse(fixture('wide-index.json').toString('utf8'));
    const selected = selectPlatformManifests(wide, true);
    expect(selected.manifests).toHaveLength(MAX_PLATFORM_MANIFESTS);
    expect(selected.overLimit).toBe(40 - MAX_PLATFORM_MANIFESTS);
  });

  it('the worst status: a failure over an unknown over a pass', () => {
    expect(worstStatus(['verified', 'unsigned', 'not-checked'])).toBe('unsigned');
    expect(worstStatus(['unsigned', 'invalid', 'signer-mismatch'])).toBe('invalid');
    expect(worstStatus(['verified', 'not-checked'])).toBe('not-checked');
    expect(worstStatus(['verified'])).toBe('verified');
  });
});

describe('verifySignatures with signatures.platforms', () => {
  const children = childrenOf('buildx-index.json');
  const publisher = newKey();
  const other = newKey();
  let registry: FakeRegistry;
  let indexDigest: string;

  const rule: SignatureRule = {
    images: [REPOSITORY],
    keyPem: publisher.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    transparencyLog: 'optional',
    source: 'test rule',
  };
  const policy = (platforms?: boolean | string[]): Policy => {
    const signatures: Policy['signatures'] = { mode: 'require', rules: [rule] };
    if (platforms !== undefined) signatures.platforms = platforms;
    return { ...defaultPolicy(), signatures };
  };
  const occurrence = (digest: string, mediaType?: string): ResolvedOccurrence => {
    const reference = `${REPOSITORY}@${digest}`;
    return { file: 'deploy/app.yaml', line: 7, column: 16, kind: 'kubernetes', raw: reference, reference, resolution: { status: 'ok', ...(mediaType ? { mediaType } : {}) } };
  };
  const verify = async (platforms: boolean | string[] | undefined, occurrences = [occurrence(indexDigest)]) =>
    verifySignatures(occurrences, policy(platforms), registry, { trustedRoot });
  const findings = (occurrences: ResolvedOccurrence[], platforms: boolean | string[] | undefined, check = unsignedCheck) => {
    const p = policy(platforms);
    return check.run(occurrences, { policy: p, trust: buildTrustIndex(p) });
  };

  beforeEach(() => {
    // The index and amd64 and arm/v7 are signed by the publisher; arm64 is not signed at all.
    registry = new FakeRegistry();
    indexDigest = registry.put('1.0', fixture('buildx-index.json'), 'application/vnd.oci.image.index.v1+json');
    registry.sign(indexDigest, publisher);
    registry.sign(children['linux/amd64']!, publisher);
    registry.sign(children['linux/arm/v7']!, publisher);
  });

  it('by default checks the index digest only, and does not read the index', async () => {
    const [result] = await verify(undefined);
    expect(result!.signature!.status).toBe('verified');
    expect(result!.signature!.platforms).toBeUndefined();
    expect(registry.asked).not.toContain(indexDigest);
    expect(findings([result!], undefined)).toEqual([]);
    const [off] = await verify(false);
    expect(off!.signature!.platforms).toBeUndefined();
  });

  it('true: each platform manifest has its own result; the image is as bad as its worst', async () => {
    const [result] = await verify(true);
    const signature = result!.signature!;
    expect(signature.status).toBe('unsigned');
    expect(signature.indexStatus).toBe('verified');
    expect(signature.signatures).toMatchObject([{ format: 'legacy-cosign', verified: true }]);
    expect(signature.platforms!.map((p) => [p.platform, p.digest, p.status])).toEqual([
      ['linux/amd64', children['linux/amd64'], 'verified'],
      ['linux/arm64', children['linux/arm64'], 'unsigned'],
      ['linux/arm/v7', children['linux/arm/v7'], 'verified'],
    ]);
    expect(signature.message).toContain(`linux/arm64 (${children['linux/arm64']}) unsigned`);
    // Attestation manifests are not platforms: their signatures are never looked for.
    const attestationManifests = JSON.parse(fixture('buildx-index.json').toString('utf8')).manifests.filter((m: any) => m.platform.os === 'unknown');
    expect(attestationManifests).toHaveLength(3);
    for (const m of attestationManifests) expect(registry.asked).not.toContain(legacyTag(m.digest, 'sig'));
    expect(registry.asked).toContain(legacyTag(children['linux/arm/v7']!, 'sig'));

    const drafts = findings([result!], true);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ occurrence: result, severity: 'error' });
    expect(drafts[0]!.message).toBe(
      `${REPOSITORY}@${indexDigest} for linux/arm64 (platform manifest ${children['linux/arm64']}) has no signature (no Sigstore bundle referrer, no cosign .sig), but the signature policy requires one (required by test rule: an inline key)`,
    );
  });

  it('a list that leaves out the unsigned platform: verified', async () => {
    const [result] = await verify(['linux/amd64', 'linux/arm']);
    expect(result!.signature!.status).toBe('verified');
    expect(result!.signature!.platforms!.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm/v7']);
    expect(result!.signature!.message).toContain('2 platform manifests verified');
    expect(findings([result!], ['linux/amd64', 'linux/arm'])).toEqual([]);
  });

  it('a platform signed with another key is a signature-invalid finding for that platform only', async () => {
    registry.sign(children['linux/arm64']!, other);
    const [result] = await verify(true);
    expect(result!.signature!.status).toBe('invalid');
    expect(result!.signature!.platforms!.find((p) => p.platform === 'linux/arm64')).toMatchObject({ status: 'invalid', signatures: [{ verified: false }] });
    const drafts = findings([result!], true, signatureInvalidCheck);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.message).toContain(`${REPOSITORY}@${indexDigest} for linux/arm64 (platform manifest ${children['linux/arm64']}) has a signature that does not verify`);
    expect(drafts[0]!.errorCode).toBeDefined();
    expect(findings([result!], true)).toEqual([]);
    expect(findings([result!], true, signerMismatchCheck)).toEqual([]);
  });

  it('an unsigned index and an unsigned platform are two findings', async () => {
    registry = new FakeRegistry();
    indexDigest = registry.put('1.0', fixture('buildx-index.json'), 'application/vnd.oci.image.index.v1+json');
    registry.sign(children['linux/amd64']!, publisher);
    registry.sign(children['linux/arm/v7']!, publisher);
    const [result] = await verify(true);
    expect(result!.signature!.indexStatus).toBe('unsigned');
    const messages = findings([result!], true).map((d) => d.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(new RegExp(`^${REPOSITORY}@${indexDigest} has no signature`));
    expect(messages[1]).toContain('for linux/arm64 (platform manifest');
  });

  it('a single-manifest image (as the resolve stage saw it) has no platforms and is not fetched', async () => {
    const single = children['linux/amd64']!;
    const [result] = await verify(true, [occurrence(single, OCI_MANIFEST)]);
    expect(result!.signature!.status).toBe('verified');
    expect(result!.signature!.platforms).toBeUndefined();
    expect(registry.asked).not.toContain(single);
  });

  it('an index that cannot be read leaves the image not checked, saying why', async () => {
    registry.broken.add(indexDigest);
    const [result] = await verify(true);
    expect(result!.signature).toMatchObject({ status: 'not-checked', indexStatus: 'verified', platforms: [] });
    expect(result!.signature!.message).toContain('platform manifests could not be listed');
    expect(result!.signature!.message).toContain('(SERVER)');
    expect(findings([result!], true)).toEqual([]);
  });

  it(`beyond ${MAX_PLATFORM_MANIFESTS} platform manifests the rest are not checked, and the status says so`, async () => {
    registry = new FakeRegistry();
    indexDigest = registry.put('wide', fixture('wide-index.json'), 'application/vnd.oci.image.index.v1+json');
    registry.sign(indexDigest, publisher);
    for (const digest of Object.values(childrenOf('wide-index.json'))) registry.sign(digest, publisher);
    const [result] = await verify(true);
    const signature = result!.signature!;
    expect(signature.platforms).toHaveLength(MAX_PLATFORM_MANIFESTS);
    expect(signature.platforms!.every((p) => p.status === 'verified')).toBe(true);
    expect(signature.status).toBe('not-checked');
    expect(signature.message).toContain(`8 more platform manifests were not checked (at most ${MAX_PLATFORM_MANIFESTS} per index)`);
  });

  it('a platform manifest shared by two images, or pinned directly, is checked once', async () => {
    const arm64 = children['linux/arm64']!;
    const results = await verify(true, [occurrence(indexDigest), occurrence(indexDigest), occurrence(arm64, OCI_MANIFEST)]);
    expect(results.map((r) => r.signature!.status)).toEqual(['unsigned', 'unsigned', 'unsigned']);
    expect(registry.asked.filter((reference) => reference === legacyTag(arm64, 'sig'))).toHaveLength(1);
  });
});
