import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { registryErrorOf } from './registry-error.js';
import { parseChallenges } from '../../src/registry/transport/challenge.js';
import { staticCredentialSource } from '../../src/registry/transport/credentials.js';
import {
  Transport,
  parseRetryAfter,
  realmMayReceiveCredentials,
  registryOrigin,
  type TransportOptions,
} from '../../src/registry/transport/transport.js';

const REG = 'https://reg.example';
const manifestPath = '/v2/team/app/manifests/1.0';
const scope = 'repository:team/app:pull';

function transport(options: TransportOptions = {}) {
  const waits: number[] = [];
  const logs: string[] = [];
  const t = new Transport({
    sleep: async (ms) => {
      waits.push(ms);
    },
    logger: (m) => logs.push(m),
    ...options,
  });
  return { t, waits, logs };
}

const get = (t: Transport, path = manifestPath, extra: Partial<Parameters<Transport['request']>[0]> = {}) =>
  t.request({ registry: 'reg.example', path, scope, maxBytes: 1024 * 1024, what: 'manifest reg.example/team/app:1.0', ...extra });

function bearerPing(realm = `${REG}/token`) {
  return nock(REG)
    .get('/v2/')
    .reply(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', {
      'www-authenticate': `Bearer realm="${realm}",service="reg.example"`,
    });
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('challenges', () => {
  it('parses Bearer parameters, quoted commas and several challenges', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push", Basic realm="x"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull,push' },
      },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });
  it('ignores garbage without throwing', () => {
    expect(parseChallenges('=,,"')).toEqual([]);
    expect(parseChallenges(null)).toEqual([]);
  });
});

describe('endpoint and credential rules', () => {
  it('maps docker.io to registry-1.docker.io and uses http only for insecure registries', () => {
    expect(registryOrigin('docker.io')).toBe('https://registry-1.docker.io');
    expect(registryOrigin('127.0.0.1:5000')).toBe('https://127.0.0.1:5000');
    expect(registryOrigin('127.0.0.1:5000', ['127.0.0.1:5000'])).toBe('http://127.0.0.1:5000');
  });
  it('lets credentials reach only a realm of the registry’s own domain over https', () => {
    const hub = new URL('https://registry-1.docker.io');
    expect(realmMayReceiveCredentials(new URL('https://auth.docker.io/token'), hub, false)).toBe(true);
    expect(realmMayReceiveCredentials(new URL('https://ghcr.io/token'), new URL('https://ghcr.io'), false)).toBe(true);
    expect(realmMayReceiveCredentials(new URL('https://gitlab.com/jwt/auth'), new URL('https://registry.gitlab.com'), false)).toBe(true);
    expect(realmMayReceiveCredentials(new URL('http://auth.docker.io/token'), hub, false)).toBe(false);
    expect(realmMayReceiveCredentials(new URL('https://evil.example/token'), hub, false)).toBe(false);
    expect(realmMayReceiveCredentials(new URL('https://docker.io.evil.example/token'), hub, false)).toBe(false);
    expect(realmMayReceiveCredentials(new URL('http://127.0.0.1:5000/auth'), new URL('http://127.0.0.1:5000'), true)).toBe(true);
    expect(realmMayReceiveCredentials(new URL('http://127.0.0.2:5000/auth'), new URL('http://127.0.0.1:5000'), true)).toBe(false);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('bearer token flow', () => {
  it('pings, fetches an anonymous token for the scope, then sends it', async () => {
    bearerPing();
    nock(REG, { badheaders: ['authorization'] })
      .get('/token')
      .query({ service: 'reg.example', scope })
      .reply(200, { token: 'anon-token', expires_in: 300 });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer anon-token').reply(200, '{}');
    const { t } = transport();
    const response = await get(t);
    expect(response.status).toBe(200);
    expect(t.requests().map((r) => r.purpose)).toEqual(['ping', 'token', 'api']);
    expect(nock.isDone()).toBe(true);
  });

  it('caches the token per scope and asks again for another scope', async () => {
    bearerPing();
    nock(REG).get('/token').query({ service: 'reg.example', scope }).once().reply(200, { token: 't1', expires_in: 300 });
    nock(REG)
      .get('/token')
      .query({ service: 'reg.example', scope: 'repository:team/other:pull' })
      .once()
      .reply(200, { access_token: 't2', expires_in: 300 });
    nock(REG).get(manifestPath).times(2).matchHeader('authorization', 'Bearer t1').reply(200, '{}');
    nock(REG).get('/v2/team/other/manifests/1.0').matchHeader('authorization', 'Bearer t2').reply(200, '{}');
    const { t } = transport();
    await get(t);
    await get(t);
    await get(t, '/v2/team/other/manifests/1.0', { scope: 'repository:team/other:pull' });
    expect(t.requests().filter((r) => r.purpose === 'token')).toHaveLength(2);
    expect(t.requests().filter((r) => r.purpose === 'ping')).toHaveLength(1);
    expect(nock.isDone()).toBe(true);
  });

  it('asks for a new token once the cached one expires', async () => {
    let now = 1_000_000;
    bearerPing();
    nock(REG).get('/token').query(true).reply(200, { token: 'first', expires_in: 60 });
    nock(REG).get('/token').query(true).reply(200, { token: 'second', expires_in: 60 });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer first').reply(200, '{}');
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer second').reply(200, '{}');
    const { t } = transport({ now: () => now });
    await get(t);
    now += 61_000;
    await get(t);
    expect(nock.isDone()).toBe(true);
  });

  it('refreshes a token the registry rejects as invalid, once', async () => {
    bearerPing();
    nock(REG).get('/token').query(true).reply(200, { token: 'stale', expires_in: 300 });
    nock(REG).get('/token').query(true).reply(200, { token: 'fresh', expires_in: 300 });
    nock(REG)
      .get(manifestPath)
      .matchHeader('authorization', 'Bearer stale')
      .reply(401, '', { 'www-authenticate': `Bearer realm="${REG}/token",service="reg.example",scope="${scope}",error="invalid_token"` });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer fresh').reply(200, '{}');
    const { t } = transport();
    expect((await get(t)).status).toBe(200);
    expect(nock.isDone()).toBe(true);
  });

  it('sends Basic credentials to a realm on the registry’s domain', async () => {
    bearerPing('https://auth.reg.example/token');
    nock('https://auth.reg.example')
      .get('/token')
      .query(true)
      .matchHeader('authorization', `Basic ${Buffer.from('alice:s3cret').toString('base64')}`)
      .reply(200, { token: 'user-token' });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer user-token').reply(200, '{}');
    const { t, logs } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'alice', password: 's3cret' } }) });
    await get(t);
    expect(nock.isDone()).toBe(true);
    expect(logs.join('\n')).not.toMatch(/s3cret|user-token|YWxpY2U/);
  });

  it('never sends credentials to a realm on another domain: asks anonymously', async () => {
    bearerPing('https://tokens.elsewhere.example/auth');
    nock('https://tokens.elsewhere.example', { badheaders: ['authorization'] })
      .get('/auth')
      .query(true)
      .reply(200, { token: 'anon' });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer anon').reply(200, '{}');
    const { t, logs } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'alice', password: 's3cret' } }) });
    await get(t);
    expect(nock.isDone()).toBe(true);
    expect(logs.some((l) => l.includes('not sending reg.example credentials'))).toBe(true);
  });

  it('exchanges an identity token with the OAuth2 refresh-token grant', async () => {
    bearerPing();
    nock(REG)
      .post('/token', (body: Record<string, string>) => body.grant_type === 'refresh_token' && body.refresh_token === 'rt' && body.scope === scope)
      .reply(200, { access_token: 'oauth-token', expires_in: 300 });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer oauth-token').reply(200, '{}');
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { identityToken: 'rt' } }) });
    await get(t);
    expect(nock.isDone()).toBe(true);
  });

  it('reports refused credentials as UNAUTHORIZED naming their source, not the secret', async () => {
    bearerPing();
    nock(REG).get('/token').query(true).reply(401, '{"details":"incorrect username or password"}');
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'alice', password: 'wrong' } }) });
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('credentials from static were refused');
    expect(error.message).not.toContain('wrong');
  });

  it('rejects a token response without a token as PROTOCOL', async () => {
    bearerPing();
    nock(REG).get('/token').query(true).reply(200, { nothing: true });
    const { t } = transport();
    expect((await registryErrorOf(get(t))).code).toBe('PROTOCOL');
  });
});

describe('basic auth', () => {
  it('sends Basic credentials to a registry that challenges with Basic', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="registry"' });
    nock(REG)
      .get(manifestPath)
      .matchHeader('authorization', `Basic ${Buffer.from('bob:pw').toString('base64')}`)
      .reply(200, '{}');
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'bob', password: 'pw' } }) });
    expect((await get(t)).status).toBe(200);
  });

  it('is UNAUTHORIZED without credentials', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="registry"' });
    nock(REG).get(manifestPath).twice().reply(401, '', { 'www-authenticate': 'Basic realm="registry"' });
    const { t } = transport();
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.status).toBe(401);
  });
});

describe('status codes map to error codes', () => {
  const open = () => nock(REG).get('/v2/').reply(200, '{}');
  it.each([
    [404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}', 'NOT_FOUND', 'repository'],
    [404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}', 'NOT_FOUND', 'manifest'],
    [404, '{"errors":[{"code":"BLOB_UNKNOWN"}]}', 'NOT_FOUND', 'blob'],
    [403, '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}', 'FORBIDDEN', undefined],
    [400, 'bad request', 'PROTOCOL', undefined],
  ])('%i %s -> %s', async (status, body, code, missing) => {
    open();
    nock(REG).get(manifestPath).reply(status, body);
    const error = await registryErrorOf(get(transport({ retries: 0 }).t));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.missing).toBe(missing);
  });

  it('429 is RATE_LIMITED and 5xx is SERVER once retries are spent', async () => {
    open();
    nock(REG).get(manifestPath).reply(429, '{"errors":[{"code":"TOOMANYREQUESTS"}]}');
    expect((await registryErrorOf(get(transport({ retries: 0 }).t))).code).toBe('RATE_LIMITED');
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).times(3).reply(503, 'unavailable');
    const { t, waits } = transport({ retries: 2, backoffBaseMs: 100 });
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('SERVER');
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThanOrEqual(200); // backoff doubles
    expect(nock.isDone()).toBe(true);
  });
});

describe('retries', () => {
  it('waits as long as Retry-After says, then succeeds', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).reply(429, '', { 'retry-after': '7' });
    nock(REG).get(manifestPath).reply(200, '{}');
    const { t, waits } = transport({ retries: 3 });
    expect((await get(t)).status).toBe(200);
    expect(waits).toEqual([7000]);
  });

  it('gives up at once when Retry-After is longer than the run waits', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).once().reply(429, '', { 'retry-after': '3600' });
    const { t, waits } = transport({ retries: 3, maxRetryAfterMs: 60_000 });
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toContain('Retry-After 3600 s');
    expect(waits).toEqual([]);
  });

  it('records Docker Hub rate-limit headers', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).reply(200, '{}', { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' });
    const { t } = transport();
    await get(t);
    expect(t.rateLimit()).toEqual({ host: 'reg.example', limit: 100, remaining: 76 });
  });
});

describe('redirects', () => {
  it('follows a redirect to blob storage without the Authorization header', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="r"' });
    nock(REG)
      .get('/v2/team/app/blobs/sha256:abc')
      .matchHeader('authorization', /^Basic /)
      .reply(307, '', { location: 'https://storage.example/blob?sig=1' });
    nock('https://storage.example', { badheaders: ['authorization'] }).get('/blob').query({ sig: '1' }).reply(200, 'blob-bytes');
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'u', password: 'p' } }) });
    const response = await get(t, '/v2/team/app/blobs/sha256:abc');
    expect(new TextDecoder().decode(response.body)).toBe('blob-bytes');
    expect(response.url).toBe('https://storage.example/blob?sig=1');
    expect(nock.isDone()).toBe(true);
  });

  it('keeps credentials on a same-origin redirect', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="r"' });
    nock(REG).get('/v2/team/app/blobs/sha256:abc').reply(302, '', { location: '/v2/team/app/blobs/other' });
    nock(REG).get('/v2/team/app/blobs/other').matchHeader('authorization', /^Basic /).reply(200, 'ok');
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'u', password: 'p' } }) });
    expect((await get(t, '/v2/team/app/blobs/sha256:abc')).status).toBe(200);
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a redirect from https to plain http', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).reply(302, '', { location: 'http://storage.example/x' });
    expect((await registryErrorOf(get(transport().t))).code).toBe('PROTOCOL');
  });

  it.each(['https://169.254.169.254/latest/meta-data/', 'https://localhost:8080/x', 'https://10.0.0.7/x', 'https://[::ffff:a9fe:a9fe]/x'])(
    'refuses a redirect from a registry on the internet to an internal address (%s), and asks nothing there',
    async (location) => {
      nock(REG).get('/v2/').reply(200, '{}');
      nock(REG).get(manifestPath).reply(302, '', { location });
      const error = await registryErrorOf(get(transport().t));
      expect(error.code).toBe('PROTOCOL');
      expect(error.message).toContain('refusing redirect to an internal address');
      expect(nock.isDone()).toBe(true);
    },
  );

  it('stops after too many redirects', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).times(10).reply(302, '', { location: manifestPath });
    expect((await registryErrorOf(get(transport().t))).message).toContain('too many redirects');
  });
});

describe('size bounds', () => {
  it('rejects a declared Content-Length over the limit', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG).get(manifestPath).reply(200, 'x'.repeat(2000), { 'content-length': '2000' });
    expect((await registryErrorOf(get(transport().t, manifestPath, { maxBytes: 1000 }))).code).toBe('TOO_LARGE');
  });
  it('stops reading a body that grows past the limit without declaring it', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG)
      .get(manifestPath)
      .reply(200, () => {
        // A streamed body: no Content-Length.
        return Readable.from([Buffer.alloc(600, 1), Buffer.alloc(600, 2)]);
      });
    expect((await registryErrorOf(get(transport().t, manifestPath, { maxBytes: 1000 }))).code).toBe('TOO_LARGE');
  });
});

describe('network failures (real sockets on 127.0.0.1)', () => {
  let server: Server;
  let host = '';
  let mode: 'reset' | 'hang' | 'ok' = 'ok';
  let served = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      served++;
      if (req.url === '/v2/') {
        res.writeHead(200).end('{}');
        return;
      }
      if (mode === 'reset') req.socket.destroy();
      else if (mode === 'ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      // 'hang': never answer
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const ask = (t: Transport) => t.request({ registry: host, path: manifestPath, maxBytes: 1000, what: 'manifest' });

  it('maps a connection reset to NETWORK after retrying', async () => {
    mode = 'reset';
    served = 0;
    const { t, waits } = transport({ insecureRegistries: [host], retries: 2, backoffBaseMs: 1 });
    const error = await registryErrorOf(ask(t));
    expect(error.code).toBe('NETWORK');
    expect(waits).toHaveLength(2);
    // ping + 3 attempts; the first reused the ping's kept connection, so it was asked again once on a new one.
    expect(served).toBe(5);
  });

  it('maps a request that outlives its timeout to TIMEOUT', async () => {
    mode = 'hang';
    const { t } = transport({ insecureRegistries: [host], retries: 0, timeoutMs: 200 });
    expect((await registryErrorOf(ask(t))).code).toBe('TIMEOUT');
  });

  it('stops asking registries once the time budget of the run is spent, and reports it as a timeout', async () => {
    let clock = 1_000_000;
    const { t } = transport({ insecureRegistries: [host], budgetMs: 10_000, now: () => clock });
    mode = 'ok';
    expect((await ask(t)).status).toBe(200);
    clock += 9_000;
    expect((await ask(t)).status).toBe(200);
    clock += 2_000;
    const spent = await registryErrorOf(ask(t));
    expect(spent.code).toBe('TIMEOUT');
    expect(spent.message).toMatch(/the registry time budget of 10 s for this run is spent/);
  });

  it('maps a refused connection to NETWORK', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { t } = transport({ insecureRegistries: [`127.0.0.1:${port}`], retries: 0 });
    const error = await registryErrorOf(t.request({ registry: `127.0.0.1:${port}`, path: manifestPath, maxBytes: 1000, what: 'manifest' }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('uses plain http only for insecure registries', async () => {
    mode = 'ok';
    const { t } = transport({ retries: 0, timeoutMs: 2000 });
    // https to a plain-http server fails the TLS handshake: not silently downgraded.
    const refused = await registryErrorOf(ask(t));
    expect(refused.code).toBe('NETWORK');
    // The message says how to allow plain HTTP, since a local registry is the usual cause.
    expect(refused.message).toContain('--insecure-registry');
    const insecure = transport({ insecureRegistries: [host] }).t;
    expect((await ask(insecure)).status).toBe(200);
  });
});
