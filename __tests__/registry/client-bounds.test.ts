/**
 * Attack test for the registry client's cache: a repository can name thousands of images on a
 * registry that answers each with the largest manifest allowed; the cache must not keep them all,
 * by bytes or by count.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { MEDIA_TYPES, RegistryClient, type RepositoryRef } from '../../src/registry/index.js';
import { nextTarget } from '../../src/registry/client.js';

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

describe('answer cache bound', () => {
  it('keeps the latest answers and failures, and asks again for one forgotten past the bound', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    const head = (tag: string) =>
      nock(REG).head(`/v2/team/app/manifests/${tag}`).reply(200, undefined, { 'docker-content-digest': `sha256:${'a'.repeat(64)}`, 'content-type': MEDIA_TYPES.ociManifest, 'content-length': '10' });
    head('a');
    nock(REG).head('/v2/team/app/manifests/b').reply(404);
    head('c');
    const client = new RegistryClient({ retries: 0, maxCachedAnswers: 2 });
    await client.headManifest(repo, 'a');
    await expect(client.headManifest(repo, 'b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.headManifest(repo, 'c');
    const before = client.requestCount();
    // The latest two, a failure among them, are kept.
    await expect(client.headManifest(repo, 'b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.headManifest(repo, 'c');
    expect(client.requestCount()).toBe(before);
    // The oldest was forgotten: asked again.
    head('a');
    await client.headManifest(repo, 'a');
    expect(client.requestCount()).toBe(before + 1);
    expect(nock.isDone()).toBe(true);
  });

  it('uncounts a forgotten manifest from the byte bound, so later ones are kept again', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    for (const tag of ['a', 'b', 'c']) {
      nock(REG).get(`/v2/team/app/manifests/${tag}`).reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest });
    }
    // Room for two manifests by bytes, and two answers by count.
    const client = new RegistryClient({ retries: 0, maxCachedManifestBytes: manifestBytes.length * 2, maxCachedAnswers: 2 });
    for (const tag of ['a', 'b', 'c']) await client.getManifest(repo, tag);
    const before = client.requestCount();
    // c was kept: forgetting a freed its bytes.
    await client.getManifest(repo, 'c');
    expect(client.requestCount()).toBe(before);
    expect(nock.isDone()).toBe(true);
  });
});

describe('Link header of a referrers page', () => {
  it('names the next page where the replaced pattern did', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', ' ', ';', 'rel=', '"', 'next', '/v2/x', ','), maxLength: 16 }), (link) => {
        expect(nextTarget(link)).toBe(/<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1]);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a header of 1,000,000 `<` and blanks once (the pattern read from every `<` to the next `>`: 380 ms for 16,000)', () => {
    expect(nextTarget(`${'<'.repeat(1_000_000)}>${' '.repeat(1_000_000)}; rel=prev`)).toBeUndefined();
    // As the pattern reads it: from the first `<` (a target may hold `<`).
    expect(nextTarget(`${'<'.repeat(1_000_000)}/v2/x?n=2>; rel="next"`)).toBe(`${'<'.repeat(999_999)}/v2/x?n=2`);
  });
});
