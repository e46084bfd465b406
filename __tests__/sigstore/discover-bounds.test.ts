/**
 * Attack test for signature discovery: a registry the repository names can list dozens of
 * referrers and legacy layers of the largest allowed size; what is read for one image is bounded,
 * and past the bound the image is not checked (never unsigned, never a crash).
 */
import { describe, expect, it } from 'vitest';
import { RegistryError, type Descriptor, type ManifestResult, type RepositoryRef } from '../../src/registry/index.js';
import { discoverSignatures, SIGSTORE_BUNDLE_ARTIFACT_TYPE, type SignatureRegistry } from '../../src/sigstore/discover.js';
import { retainedBytes } from '../helpers/heap.js';

const IMAGE = `sha256:${'1'.repeat(64)}`;
const repo: RepositoryRef = { domain: 'registry.example', path: 'team/app' };
const digestFor = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/** A registry that lists `count` bundle referrers, each with a blob of `blobBytes`, and answers as the real client does for sizes. */
function floodingRegistry(count: number, blobBytes: number) {
  let served = 0;
  let subject = IMAGE;
  const registry: SignatureRegistry = {
    async listReferrers(_repo: RepositoryRef, digest: string): Promise<Descriptor[]> {
      subject = digest;
      return Array.from({ length: count }, (_, i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestFor(i + 1), size: 500, artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE }));
    },
    async getManifest(_repo: RepositoryRef, reference: string): Promise<ManifestResult> {
      if (!reference.startsWith('sha256:')) throw new RegistryError('NOT_FOUND', `${reference}: not found (404)`, { status: 404 });
      const json = { schemaVersion: 2, subject: { digest: subject }, layers: [{ mediaType: SIGSTORE_BUNDLE_ARTIFACT_TYPE, digest: digestFor(1000 + Number.parseInt(reference.slice(7), 16)), size: blobBytes }] };
      const bytes = new TextEncoder().encode(JSON.stringify(json));
      served += bytes.byteLength;
      return { descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: reference, size: bytes.byteLength }, bytes, json };
    },
    async findManifest(_repo: RepositoryRef, reference: string): Promise<ManifestResult | undefined> {
      return reference.startsWith('sha256:') ? registry.getManifest(_repo, reference) : undefined;
    },
    async getBlob(_repo: RepositoryRef, digest: string, maxBytes: number): Promise<Uint8Array> {
      // As the client: a body over maxBytes is refused, not read.
      if (blobBytes > maxBytes) throw new RegistryError('TOO_LARGE', `blob ${digest}: response exceeds the limit of ${maxBytes} bytes`);
      served += blobBytes;
      return new Uint8Array(blobBytes);
    },
  };
  return { registry, served: () => served };
}

describe('signature discovery bounds', () => {
  it('stops reading one image’s signature data at the bound and reports the image as not checked', async () => {
    const flood = floodingRegistry(64, 4 * 1024 * 1024);
    const error = await discoverSignatures(flood.registry, repo, IMAGE, { maxBytes: 10 * 1024 * 1024 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('TOO_LARGE');
    expect(flood.served()).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it('bounds what all images of one repository read together (an index’s platforms, several tags)', async () => {
    const flood = floodingRegistry(64, 4 * 1024 * 1024);
    const limits = { maxBytes: 10 * 1024 * 1024, maxRepositoryBytes: 15 * 1024 * 1024 };
    const first = await discoverSignatures(flood.registry, repo, IMAGE, limits).catch((error: unknown) => error);
    const second = await discoverSignatures(flood.registry, repo, `sha256:${'2'.repeat(64)}`, limits).catch((error: unknown) => error);
    expect((first as RegistryError).code).toBe('TOO_LARGE');
    expect((second as RegistryError).code).toBe('TOO_LARGE');
    expect(flood.served()).toBeLessThanOrEqual(15 * 1024 * 1024);
  });

  it('reads everything that fits', async () => {
    const small = floodingRegistry(3, 1024);
    const candidates = await discoverSignatures(small.registry, repo, IMAGE, { maxBytes: 1024 * 1024 });
    expect(candidates).toHaveLength(3);
  });
});

describe('what a run keeps per repository', () => {
  it('keeps no budget for repositories whose lookups found nothing (a run naming 100,000 kept one each)', async () => {
    const empty: SignatureRegistry = {
      listReferrers: async () => [],
      getManifest: async (_repo: RepositoryRef, reference: string) => {
        throw new RegistryError('NOT_FOUND', `${reference}: not found (404)`, { status: 404 });
      },
      findManifest: async () => undefined,
      getBlob: async () => new Uint8Array(),
    };
    const images = 20_000;
    const retained = await retainedBytes(async () => {
      for (let i = 0; i < images; i++) {
        expect(await discoverSignatures(empty, { domain: 'registry.example', path: `team/app${i}` }, IMAGE, { attestations: false })).toEqual([]);
      }
      return empty;
    });
    // A budget per repository was about 200 bytes (4 MB here); nothing per repository is kept now.
    expect(retained).toBeLessThan(1024 * 1024);
  });
});
