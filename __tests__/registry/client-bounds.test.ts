/**
 * Attack test for the registry client's cache: a repository can name thousands of images on a
 * registry that answers each with the largest manifest allowed; the cache must not keep them all.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { MEDIA_TYPES, RegistryClient, type RepositoryRef } from '../../src/registry/index.js';

const manifestBytes = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry', 'image-manifest.json'));
const REG = 'https://reg.example';
const repo: RepositoryRef = { domain: 'reg.example', path: 'team/app' };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('manifest cache bound', () => {
  it('keeps manifests up to the bound and returns, without keeping, those past it', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    for (const tag of ['a', 'b', 'c']) {
      nock(REG).get(`/v2/team/app/manifests/${tag}`).reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest });
    }
    const client = new RegistryClient({ retries: 0, maxCachedManifestBytes: manifestBytes.length * 2 });
    for (const tag of ['a', 'b', 'c']) expect((await client.getManifest(repo, tag)).bytes.length).toBe(manifestBytes.length);
    const before = client.requestCount();
    // Kept: answered from the cache.
    await client.getManifest(repo, 'a');
    await client.getManifest(repo, 'b');
    expect(client.requestCount()).toBe(before);
    // Not kept: asked again.
    nock(REG).get('/v2/team/app/manifests/c').reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest });
    await client.getManifest(repo, 'c');
    expect(client.requestCount()).toBe(before + 1);
    expect(nock.isDone()).toBe(true);
  });
});
