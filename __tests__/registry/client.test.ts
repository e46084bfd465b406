import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { registryErrorOf } from './registry-error.js';
import {
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  RegistryClient,
  findInIndex,
  type RepositoryRef,
} from '../../src/registry/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry');
const fixture = (name: string) => readFileSync(join(fixtures, name));
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const REG = 'https://reg.example';
const repo: RepositoryRef = { domain: 'reg.example', path: 'team/app' };
const manifestBytes = fixture('image-manifest.json');
const manifestDigest = sha256(manifestBytes);
const indexBytes = fixture('image-index.json');
const indexDigest = sha256(indexBytes);

const client = (options: ConstructorParameters<typeof RegistryClient>[0] = {}) =>
  new RegistryClient({ retries: 0, transport: { sleep: async () => {} }, ...options });

const open = () => nock(REG).get('/v2/').reply(200, '{}');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('headManifest', () => {
  it('reads the digest from a HEAD request asking for every manifest type', async () => {
    open();
    nock(REG)
      .head('/v2/team/app/manifests/1.0')
      .matchHeader('accept', MANIFEST_ACCEPT)
      .reply(200, undefined, {
        'docker-content-digest': indexDigest,
        'content-type': MEDIA_TYPES.ociIndex,
        'content-length': String(indexBytes.length),
      });
    const c = client();
    expect(await c.headManifest(repo, '1.0')).toEqual({ mediaType: MEDIA_TYPES.ociIndex, digest: indexDigest, size: indexBytes.length });
    expect(MANIFEST_ACCEPT.split(', ')).toEqual([
      MEDIA_TYPES.ociIndex,
      MEDIA_TYPES.ociManifest,
      MEDIA_TYPES.dockerManifestList,
      MEDIA_TYPES.dockerManifest,
    ]);
  });

  it('fetches and hashes the manifest when the registry sends no digest header', async () => {
    open();
    nock(REG).head('/v2/team/app/manifests/1.0').reply(200, undefined, { 'content-type': MEDIA_TYPES.ociManifest });
    nock(REG).get('/v2/team/app/manifests/1.0').reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest });
    const c = client();
    expect((await c.headManifest(repo, '1.0')).digest).toBe(manifestDigest);
    // The GET was cached: asking for the manifest again costs nothing.
    const before = c.requestCount();
    expect((await c.getManifest(repo, '1.0')).descriptor.digest).toBe(manifestDigest);
    expect(c.requestCount()).toBe(before);
  });

  it('answers a HEAD 404 with one request, leaving repository-or-tag to repositoryExists', async () => {
    open();
    nock(REG).head('/v2/team/app/manifests/9.9').reply(404);
    nock(REG).get('/v2/team/gone/tags/list').query({ n: '1' }).reply(404, '{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const c = client();
    expect(await registryErrorOf(c.headManifest(repo, '9.9'))).toMatchObject({ code: 'NOT_FOUND', missing: 'manifest', status: 404 });
    expect(c.requestLog().filter((record) => record.purpose === 'api').map((record) => `${record.method} ${record.path}`)).toEqual([
      'HEAD /v2/team/app/manifests/9.9',
    ]);
    expect(await c.repositoryExists({ domain: 'reg.example', path: 'team/gone' })).toBe(false);
  });

  it('classifies a GET 404 by its error body: repository or manifest missing', async () => {
    open();
    nock(REG).get('/v2/team/app/manifests/9.9').reply(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    nock(REG).get('/v2/team/gone/manifests/1.0').reply(404, '{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const c = client();
    expect(await registryErrorOf(c.getManifest(repo, '9.9'))).toMatchObject({ code: 'NOT_FOUND', missing: 'manifest' });
    expect(await registryErrorOf(c.getManifest({ domain: 'reg.example', path: 'team/gone' }, '1.0'))).toMatchObject({
      code: 'NOT_FOUND',
      missing: 'repository',
    });
  });

  it('rejects a HEAD by digest answered for another digest', async () => {
    open();
    nock(REG).head(`/v2/team/app/manifests/${manifestDigest}`).reply(200, undefined, {
      'docker-content-digest': indexDigest,
      'content-type': MEDIA_TYPES.ociManifest,
      'content-length': '10',
    });
    expect((await registryErrorOf(client().headManifest(repo, manifestDigest))).code).toBe('DIGEST_MISMATCH');
  });

  it('rejects invalid names before any request', async () => {
    const c = client();
    expect((await registryErrorOf(c.headManifest({ domain: 'reg.example', path: 'Team/App' }, '1.0'))).code).toBe('PROTOCOL');
    expect((await registryErrorOf(c.headManifest(repo, '../../etc'))).code).toBe('PROTOCOL');
    expect(c.requestCount()).toBe(0);
  });
});

describe('getManifest verifies what it returns', () => {
  it('returns bytes and JSON whose hash is the requested digest', async () => {
    open();
    nock(REG)
      .get(`/v2/team/app/manifests/${manifestDigest}`)
      .reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest, 'docker-content-digest': manifestDigest });
    const result = await client().getManifest(repo, manifestDigest);
    expect(result.descriptor).toEqual({ mediaType: MEDIA_TYPES.ociManifest, digest: manifestDigest, size: manifestBytes.length });
    expect(result.json.layers).toHaveLength(1);
  });

  it('catches a lying registry: other bytes under a digest, with a matching header', async () => {
    open();
    nock(REG)
      .get(`/v2/team/app/manifests/${manifestDigest}`)
      .reply(200, indexBytes, { 'content-type': MEDIA_TYPES.ociIndex, 'docker-content-digest': manifestDigest });
    const error = await registryErrorOf(client().getManifest(repo, manifestDigest));
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toContain(indexDigest);
  });

  it('catches a tag answer whose Docker-Content-Digest does not match its bytes', async () => {
    open();
    nock(REG)
      .get('/v2/team/app/manifests/1.0')
      .reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest, 'docker-content-digest': indexDigest });
    expect((await registryErrorOf(client().getManifest(repo, '1.0'))).code).toBe('DIGEST_MISMATCH');
  });

  it('bounds manifest size (4 MiB by default)', async () => {
    open();
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    nock(REG).get('/v2/team/app/manifests/huge').reply(200, big, { 'content-type': MEDIA_TYPES.ociManifest });
    expect((await registryErrorOf(client().getManifest(repo, 'huge'))).code).toBe('TOO_LARGE');
  });

  it('reports non-JSON as PROTOCOL', async () => {
    open();
    nock(REG).get('/v2/team/app/manifests/1.0').reply(200, '<html>', { 'content-type': 'text/html' });
    expect((await registryErrorOf(client().getManifest(repo, '1.0'))).code).toBe('PROTOCOL');
  });
});

describe('findManifest: a tag that may well not exist', () => {
  const sig = `${manifestDigest.replace(':', '-')}.sig`;

  it('is undefined on 404, asked once, and verified as getManifest when found', async () => {
    open();
    nock(REG).get(`/v2/team/app/manifests/${sig}`).once().reply(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    nock(REG).get('/v2/team/app/manifests/1.0').reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest, 'docker-content-digest': manifestDigest });
    const c = client();
    expect(await c.findManifest(repo, sig)).toBeUndefined();
    expect(await c.findManifest(repo, sig)).toBeUndefined();
    expect((await c.findManifest(repo, '1.0'))?.descriptor).toEqual({ mediaType: MEDIA_TYPES.ociManifest, digest: manifestDigest, size: manifestBytes.length });
    expect(c.requestCount('reg.example')).toBe(3);
  });

  it('fails as getManifest does on anything but 404: a lookup that failed is never taken for no signature', async () => {
    open();
    nock(REG).get(`/v2/team/app/manifests/${sig}`).reply(500);
    nock(REG).get('/v2/team/app/manifests/lying').reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest, 'docker-content-digest': indexDigest });
    nock(REG).get('/v2/team/app/manifests/html').reply(200, '<html>', { 'content-type': 'text/html' });
    const c = client();
    expect((await registryErrorOf(c.findManifest(repo, sig))).code).toBe('SERVER');
    expect((await registryErrorOf(c.findManifest(repo, 'lying'))).code).toBe('DIGEST_MISMATCH');
    expect((await registryErrorOf(c.findManifest(repo, 'html'))).code).toBe('PROTOCOL');
  });

  it('answers from a manifest getManifest already fetched, and its 404 as undefined', async () => {
    open();
    nock(REG).get('/v2/team/app/manifests/1.0').once().reply(200, manifestBytes, { 'content-type': MEDIA_TYPES.ociManifest });
    nock(REG).get('/v2/team/app/manifests/gone').once().reply(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    const c = client();
    await c.getManifest(repo, '1.0');
    await registryErrorOf(c.getManifest(repo, 'gone'));
    expect((await c.findManifest(repo, '1.0'))?.bytes).toEqual(new Uint8Array(manifestBytes));
    expect(await c.findManifest(repo, 'gone')).toBeUndefined();
    expect(c.requestCount('reg.example')).toBe(3);
  });
});

describe('getBlob', () => {
  const blob = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const digest = sha256(blob);
  it('returns a blob that hashes to its digest', async () => {
    open();
    nock(REG).get(`/v2/team/app/blobs/${digest}`).reply(200, blob);
    expect(Buffer.from(await client().getBlob(repo, digest, 1000)).toString()).toBe(blob.toString());
  });
  it('rejects altered content and oversized blobs', async () => {
    open();
    nock(REG).get(`/v2/team/app/blobs/${digest}`).reply(200, Buffer.from('{"tampered":true}'));
    nock(REG).get(`/v2/team/app/blobs/${digest}`).reply(200, blob);
    const c = client();
    expect((await registryErrorOf(c.getBlob(repo, digest, 1000))).code).toBe('DIGEST_MISMATCH');
    expect((await registryErrorOf(c.getBlob(repo, digest, 10))).code).toBe('TOO_LARGE');
  });
});

describe('listReferrers', () => {
  const referrers = fixture('referrers-index.json');
  const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json';

  it('uses the referrers API and filters by artifactType when the registry did not', async () => {
    open();
    nock(REG)
      .get(`/v2/team/app/referrers/${manifestDigest}`)
      .query({ artifactType: bundleType })
      .reply(200, referrers, { 'content-type': MEDIA_TYPES.ociIndex });
    const found = await client().listReferrers(repo, manifestDigest, bundleType);
    expect(found.map((d) => d.artifactType)).toEqual([bundleType]);
    expect(found[0]?.annotations?.['dev.sigstore.bundle.predicateType']).toBe('https://sigstore.dev/cosign/sign/v1');
  });

  it('trusts OCI-Filters-Applied', async () => {
    open();
    nock(REG)
      .get(`/v2/team/app/referrers/${manifestDigest}`)
      .query(true)
      .reply(200, referrers, { 'content-type': MEDIA_TYPES.ociIndex, 'oci-filters-applied': 'artifactType' });
    expect(await client().listReferrers(repo, manifestDigest, 'application/spdx+json')).toHaveLength(2);
  });

  it('falls back to the sha256-<hex> tag when the API is missing', async () => {
    open();
    nock(REG).get(`/v2/team/app/referrers/${manifestDigest}`).query(true).reply(404, '{"errors":[{"code":"NOT_FOUND"}]}');
    nock(REG)
      .get(`/v2/team/app/manifests/${manifestDigest.replace(':', '-')}`)
      .reply(200, referrers, { 'content-type': MEDIA_TYPES.ociIndex });
    expect((await client().listReferrers(repo, manifestDigest, 'application/spdx+json')).map((d) => d.digest)).toEqual([
      'sha256:ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
    ]);
  });

  it('is empty when neither the API nor the fallback tag exists', async () => {
    open();
    nock(REG).get(`/v2/team/app/referrers/${manifestDigest}`).reply(404);
    nock(REG).get(`/v2/team/app/manifests/${manifestDigest.replace(':', '-')}`).reply(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    expect(await client().listReferrers(repo, manifestDigest)).toEqual([]);
  });

  it('follows Link pagination on the same registry', async () => {
    open();
    const page = (digests: string[]) =>
      JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: digests.map((d) => ({ mediaType: MEDIA_TYPES.ociManifest, digest: d, size: 1 })) });
    const a = `sha256:${'a'.repeat(64)}`;
    const b = `sha256:${'b'.repeat(64)}`;
    nock(REG)
      .get(`/v2/team/app/referrers/${manifestDigest}`)
      .reply(200, page([a]), { 'content-type': MEDIA_TYPES.ociIndex, link: `</v2/team/app/referrers/${manifestDigest}?n=1&last=x>; rel="next"` });
    nock(REG).get(`/v2/team/app/referrers/${manifestDigest}`).query({ n: '1', last: 'x' }).reply(200, page([b]), { 'content-type': MEDIA_TYPES.ociIndex });
    expect((await client().listReferrers(repo, manifestDigest)).map((d) => d.digest)).toEqual([a, b]);
  });
});

describe('de-duplication', () => {
  it('asks each repository+reference once, even concurrently, failures included', async () => {
    open();
    nock(REG)
      .head('/v2/team/app/manifests/1.0')
      .once()
      .reply(200, undefined, { 'docker-content-digest': manifestDigest, 'content-type': MEDIA_TYPES.ociManifest, 'content-length': '100' });
    nock(REG).head('/v2/team/app/manifests/2.0').once().reply(500);
    const c = client();
    const answers = await Promise.allSettled([
      c.headManifest(repo, '1.0'),
      c.headManifest(repo, '1.0'),
      c.headManifest(repo, '2.0'),
      c.headManifest(repo, '2.0'),
      c.headManifest(repo, '1.0'),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(c.requestCount('reg.example')).toBe(3); // ping + one HEAD per reference
    expect(nock.isDone()).toBe(true);
  });
});

describe('helpers', () => {
  const index = JSON.parse(indexBytes.toString());
  it('findInIndex reports the platform of a child manifest', () => {
    expect(findInIndex(index, 'sha256:533273ad84806804e4930d789b4ac5318156262716d21d2562f9e67a9579d2e5')?.platform).toBe('linux/arm64/v8');
    expect(findInIndex(index, manifestDigest)).toBeUndefined();
    expect(findInIndex({ manifests: 'nope' }, manifestDigest)).toBeUndefined();
  });
});

describe('GITHUB_TOKEN', () => {
  it('is sent to ghcr.io’s token realm when nothing else names ghcr.io', async () => {
    nock('https://ghcr.io').get('/v2/').reply(401, '', { 'www-authenticate': 'Bearer realm="https://ghcr.io/token",service="ghcr.io"' });
    nock('https://ghcr.io')
      .get('/token')
      .query({ service: 'ghcr.io', scope: 'repository:acme/app:pull' })
      .matchHeader('authorization', `Basic ${Buffer.from('x-access-token:ghs_example').toString('base64')}`)
      .reply(200, { token: 'ghcr-bearer' });
    nock('https://ghcr.io')
      .head('/v2/acme/app/manifests/1.0')
      .matchHeader('authorization', 'Bearer ghcr-bearer')
      .reply(200, undefined, { 'docker-content-digest': manifestDigest, 'content-type': MEDIA_TYPES.ociManifest, 'content-length': '10' });
    const c = client({ githubToken: 'ghs_example' });
    expect((await c.headManifest({ domain: 'ghcr.io', path: 'acme/app' }, '1.0')).digest).toBe(manifestDigest);
    expect(nock.isDone()).toBe(true);
  });
});
