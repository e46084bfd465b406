/**
 * What signature discovery asks the registry: the `.att` tag and attestation referrers only when
 * a rule asks for attestations (one request per image saved otherwise).
 */
import { describe, expect, it } from 'vitest';
import { RegistryError, type Descriptor, type ManifestResult, type RepositoryRef } from '../../src/registry/index.js';
import { discoverSignatures, SIGSTORE_BUNDLE_ARTIFACT_TYPE, type SignatureRegistry } from '../../src/sigstore/discover.js';

const IMAGE = `sha256:${'1'.repeat(64)}`;
const repo: RepositoryRef = { domain: 'registry.example', path: 'team/app' };
const SIGN = 'https://sigstore.dev/cosign/sign/v1';
const SLSA = 'https://slsa.dev/provenance/v1';

/** Lists one signature and one attestation referrer; every manifest lookup is recorded and answered 404. */
function recordingRegistry() {
  const asked: string[] = [];
  const referrer = (n: number, predicateType: string): Descriptor => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${String(n).repeat(64)}`,
    size: 100,
    artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE,
    annotations: { 'dev.sigstore.bundle.predicateType': predicateType },
  });
  const registry: SignatureRegistry = {
    async listReferrers(): Promise<Descriptor[]> {
      asked.push('referrers');
      return [referrer(2, SIGN), referrer(3, SLSA)];
    },
    async getManifest(_repo: RepositoryRef, reference: string): Promise<ManifestResult> {
      asked.push(reference);
      throw new RegistryError('NOT_FOUND', `${reference}: not found (404)`, { status: 404 });
    },
    async findManifest(_repo: RepositoryRef, reference: string): Promise<ManifestResult | undefined> {
      asked.push(reference);
      return undefined;
    },
    async getBlob(): Promise<Uint8Array> {
      throw new Error('not reached');
    },
  };
  return { registry, asked };
}

describe('signature lookups', () => {
  it('skip the .att tag and attestation referrers when no rule asks for attestations', async () => {
    const { registry, asked } = recordingRegistry();
    await discoverSignatures(registry, repo, IMAGE, { attestations: false });
    expect(asked.sort()).toEqual(['referrers', `sha256-${'1'.repeat(64)}.sig`, `sha256:${'2'.repeat(64)}`].sort());
  });

  it('read them when a rule does (and by default)', async () => {
    const { registry, asked } = recordingRegistry();
    await discoverSignatures(registry, repo, IMAGE);
    expect(asked).toContain(`sha256-${'1'.repeat(64)}.att`);
    expect(asked).toContain(`sha256:${'3'.repeat(64)}`);
  });
});
