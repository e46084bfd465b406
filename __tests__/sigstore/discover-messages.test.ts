/**
 * Attack test: what a registry writes reaches messages only cut short. A referrer manifest is up
 * to 4 MiB of the registry's text, and a message is repeated in the finding, the annotation, the
 * pull request comment and the job summary (which GitHub refuses past 1 MiB).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/index.js';
import { discoverSignatures, SIGSTORE_BUNDLE_ARTIFACT_TYPE } from '../../src/sigstore/discover.js';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../helpers/misbehaving-registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

let registry: MisbehavingRegistry;
beforeAll(async () => {
  registry = await startMisbehavingRegistry();
});
afterAll(async () => registry?.close());

describe('signature discovery messages', () => {
  it('quote a referrer subject of a megabyte in a few dozen characters', async () => {
    const image = sha256('the image');
    const referrer = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE, subject: { mediaType: OCI_MANIFEST, digest: 'x'.repeat(1_000_000), size: 1 }, layers: [] });
    const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: sha256(referrer), size: referrer.length, artifactType: SIGSTORE_BUNDLE_ARTIFACT_TYPE }] });
    registry.on(`/v2/team/app/referrers/${image}`, (_request, response) => void response.writeHead(200, { 'content-type': OCI_INDEX }).end(index));
    registry.on(`/v2/team/app/manifests/${sha256(referrer)}`, (_request, response) => void response.writeHead(200, { 'content-type': OCI_MANIFEST }).end(referrer));
    const client = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
    const candidates = await discoverSignatures(client, { domain: registry.host, path: 'team/app' }, image);
    expect(candidates).toHaveLength(1);
    const message = candidates[0]!.error!.message;
    expect(message).toMatch(/^the referrer's subject is "x{119}… \(1000002 characters\), not sha256:/);
    expect(message.length).toBeLessThan(300);
  });
});
