/**
 * Attack tests for the transport: a registry (or a host it redirects to) is untrusted. Secrets
 * must reach only the host they are for, and nothing a registry says may carry a secret or a
 * control character into a message.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { registryErrorOf } from './registry-error.js';
import { staticCredentialSource } from '../../src/registry/transport/credentials.js';
import type { RegistryError } from '../../src/registry/transport/errors.js';
import { Transport, type TransportOptions } from '../../src/registry/transport/transport.js';

const REG = 'https://reg.example';
const manifestPath = '/v2/team/app/manifests/1.0';
const scope = 'repository:team/app:pull';
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

function transport(options: TransportOptions = {}) {
  const logs: string[] = [];
  const t = new Transport({ sleep: async () => {}, logger: (m) => logs.push(m), retries: 0, ...options });
  return { t, logs };
}

const get = (t: Transport) => t.request({ registry: 'reg.example', path: manifestPath, scope, maxBytes: 1024 * 1024, what: 'manifest reg.example/team/app:1.0' });

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

describe('a token endpoint redirecting the refresh-token grant', () => {
  it('never re-posts the identity token to another origin', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': `Bearer realm="${REG}/token",service="reg.example"` });
    nock(REG).post('/token').reply(307, '', { location: 'https://collector.attacker.example/steal' });
    const stolen: string[] = [];
    nock('https://collector.attacker.example')
      .post('/steal', (body: unknown) => {
        stolen.push(JSON.stringify(body));
        return true;
      })
      .reply(200, { token: 'x' });
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { identityToken: 'refresh-SECRET' } }) });
    const error = await registryErrorOf(get(t));
    expect(stolen).toEqual([]);
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).not.toContain('refresh-SECRET');
  });

  it('still follows a same-origin redirect of the grant', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': `Bearer realm="${REG}/token",service="reg.example"` });
    nock(REG).post('/token').reply(307, '', { location: '/oauth/token' });
    nock(REG)
      .post('/oauth/token', (body: Record<string, string>) => body.refresh_token === 'rt')
      .reply(200, { access_token: 'oauth-token' });
    nock(REG).get(manifestPath).matchHeader('authorization', 'Bearer oauth-token').reply(200, '{}');
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { identityToken: 'rt' } }) });
    expect((await get(t)).status).toBe(200);
    expect(nock.isDone()).toBe(true);
  });
});

describe('a registry echoing credentials in its error body', () => {
  it('does not put the Basic header, the password or the token into the error message', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="r"' });
    nock(REG)
      .get(manifestPath)
      .reply(403, {
        errors: [{ code: 'DENIED', message: `denied for Authorization: Basic ${basic('alice', 'pa55word')} (alice/pa55word)` }],
      });
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'alice', password: 'pa55word' } }) });
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('denied for Authorization');
    expect(error.message).not.toContain(basic('alice', 'pa55word'));
    expect(error.message).not.toContain('pa55word');
  });

  it('does not put a bearer token it issued into the error message', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': `Bearer realm="${REG}/token",service="reg.example"` });
    nock(REG).get('/token').query(true).reply(200, { token: 'tok-SECRET-123' });
    nock(REG)
      .get(manifestPath)
      .reply(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'no manifest for request with Bearer tok-SECRET-123' }] });
    const { t } = transport();
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).not.toContain('tok-SECRET-123');
  });

  it('does not leak the start of a secret cut off by the message length bound', async () => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="r"' });
    const password = 'Z'.repeat(20) + 'longpassword';
    nock(REG)
      .get(manifestPath)
      .reply(403, { errors: [{ code: 'DENIED', message: `${'x'.repeat(190)}${password}` }] });
    const { t } = transport({ credentials: staticCredentialSource({ 'reg.example': { username: 'u', password } }) });
    const error = await registryErrorOf(get(t));
    expect(error.message).not.toContain('ZZZZZ');
  });
});

describe('control characters in registry error text', () => {
  it('are removed, so a message cannot start a new log line or a terminal escape', async () => {
    nock(REG).get('/v2/').reply(200, '{}');
    nock(REG)
      .get(manifestPath)
      .reply(404, { errors: [{ code: 'MANIFEST_UNKNOWN\n::error::x', message: 'unknown\n::set-output name=errors::0\r\u001b[2J\u0085\u2028done' }] });
    const { t } = transport();
    const error = await registryErrorOf(get(t));
    expect(error.message).toContain('unknown');
    expect(error.message).toContain('done');
     
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(error.registryCodes ?? []).not.toContain('MANIFEST_UNKNOWN\n::error::x');
  });
});

describe('a challenge from a host the registry redirected to', () => {
  it('gets an anonymous token request: its realm never receives the registry’s credentials', async () => {
    const registry = 'https://cr.shared.example';
    nock(registry).get('/v2/').reply(200, '{}');
    // The registry hands the manifest off to another tenant's host under the same parent domain.
    nock(registry).get(manifestPath).reply(307, '', { location: 'https://tenant.shared.example/blob' });
    nock('https://tenant.shared.example')
      .get('/blob')
      .reply(401, '', { 'www-authenticate': 'Bearer realm="https://tenant.shared.example/token",service="x"' });
    const captured: string[] = [];
    nock('https://tenant.shared.example')
      .get('/token')
      .query(true)
      .matchHeader('authorization', (value: string | null) => {
        if (value !== null) captured.push(value);
        return value !== null;
      })
      .reply(200, { token: 'tenant-token' });
    nock('https://tenant.shared.example').get('/token').query(true).reply(200, { token: 'tenant-token' });
    nock(registry).get(manifestPath).reply(307, '', { location: 'https://tenant.shared.example/blob' });
    nock('https://tenant.shared.example').get('/blob').reply(200, '{}');
    const { t } = transport({ credentials: staticCredentialSource({ 'cr.shared.example': { username: 'alice', password: 'tenant-secret' } }) });
    const result = await t
      .request({ registry: 'cr.shared.example', path: manifestPath, scope, maxBytes: 1024, what: 'manifest' })
      .then(
        (response) => response.status,
        (error: Error) => error.message,
      );
    expect(captured.filter((header) => header !== '')).toEqual([]);
    expect(result).toBe(200);
  });
});

describe('a token realm at an internal address', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['http://2852039166/latest/meta-data/'], // 169.254.169.254 written as one number
    ['http://0xa9.0xfe.0xa9.0xfe/'],
    ['http://[::ffff:169.254.169.254]/'],
    ['http://[fd00:ec2::254]/'],
    ['https://localhost:8443/token'],
    ['https://10.0.0.5/token'],
  ])('%s is never fetched for a registry on the internet', async (realm) => {
    nock(REG).get('/v2/').reply(401, '', { 'www-authenticate': `Bearer realm="${realm}",service="reg.example"` });
    nock(REG).get(manifestPath).reply(401, '', { 'www-authenticate': `Bearer realm="${realm}",service="reg.example"` });
    const { t } = transport();
    const error = await registryErrorOf(get(t));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toMatch(/bearer realm is at an internal address \(.+\) while the registry is not, and was not fetched/);
    // Nothing else was asked: net connections are off but for 127.0.0.1, and no interceptor is left unused.
    expect(nock.pendingMocks().filter((mock) => !mock.includes(manifestPath))).toEqual([]);
  });
});

describe('credentials over plain HTTP', () => {
  const basicPing = (origin: string) => nock(origin).get('/v2/').reply(401, '', { 'www-authenticate': 'Basic realm="r"' });
  const credentials = staticCredentialSource({
    'reg.example': { username: 'alice', password: 'cleartext-secret' },
    '127.0.0.1:5000': { username: 'alice', password: 'local-secret' },
  });
  const request = (t: Transport, registry: string) => t.request({ registry, path: manifestPath, scope, maxBytes: 1024, what: 'manifest' });

  it('are not sent to a registry only the repository’s policy made insecure', async () => {
    basicPing('http://reg.example');
    nock('http://reg.example', { badheaders: ['authorization'] }).get(manifestPath).reply(200, '{}');
    const { t, logs } = transport({ credentials, insecureRegistries: ['reg.example'] });
    expect((await request(t, 'reg.example')).status).toBe(200);
    expect(nock.isDone()).toBe(true);
    expect(logs.some((line) => line.startsWith('not sending reg.example credentials over plain HTTP'))).toBe(true);
  });

  it('are sent to a registry the operator named insecure', async () => {
    basicPing('http://reg.example');
    nock('http://reg.example').get(manifestPath).matchHeader('authorization', `Basic ${basic('alice', 'cleartext-secret')}`).reply(200, '{}');
    const { t } = transport({ credentials, insecureRegistries: ['reg.example'], plainHttpCredentialRegistries: ['reg.example'] });
    expect((await request(t, 'reg.example')).status).toBe(200);
    expect(nock.isDone()).toBe(true);
  });

  it('are sent to a loopback registry, which no network sees', async () => {
    basicPing('http://127.0.0.1:5000');
    nock('http://127.0.0.1:5000').get(manifestPath).matchHeader('authorization', `Basic ${basic('alice', 'local-secret')}`).reply(200, '{}');
    const { t } = transport({ credentials, insecureRegistries: ['127.0.0.1:5000'] });
    expect((await request(t, '127.0.0.1:5000')).status).toBe(200);
    expect(nock.isDone()).toBe(true);
  });
});

describe('a registry that never answers (real sockets on 127.0.0.1)', () => {
  let server: Server;
  let host = '';
  /** Per path: reset the connection, or answer. */
  const resets = new Set<string>();
  let served = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      served++;
      if (resets.has(req.url ?? '')) req.socket.destroy();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    resets.clear();
    served = 0;
  });
  const ask = (t: Transport, path: string) => t.request({ registry: host, path, scope, maxBytes: 1024, what: path });

  it('is not asked again after a few network failures in a row, so it cannot hold the scan', async () => {
    resets.add('/v2/');
    const { t } = transport({ insecureRegistries: [host] });
    const codes: string[] = [];
    let last: RegistryError | undefined;
    for (let n = 0; n < 10; n++) {
      last = await registryErrorOf(ask(t, `/v2/team/app${n}/manifests/1`));
      codes.push(last.code);
    }
    expect(codes).toEqual(Array(10).fill('NETWORK'));
    expect(last!.message).toContain('not asked again: 3 requests in a row failed');
    expect(served).toBe(3);
  });

  it('after many network failures in the run, asks no registry that has not answered yet (many hosts that never answer)', async () => {
    resets.add('/v2/team/app/manifests/bad');
    // Another registry name for the same server: 2130706433 is 127.0.0.1 written as one number.
    const alias = host.replace('127.0.0.1', '2130706433');
    nock('https://never.example').get('/v2/').reply(200, '{}');
    const { t } = transport({ insecureRegistries: [host, alias], maxNetworkFailures: 2 });
    expect((await t.request({ registry: alias, path: '/v2/team/app/manifests/good', scope, maxBytes: 1024, what: 'good' })).status).toBe(200);
    await registryErrorOf(ask(t, '/v2/team/app/manifests/bad'));
    await registryErrorOf(ask(t, '/v2/team/app/manifests/bad'));
    const refused = await registryErrorOf(t.request({ registry: 'never.example', path: manifestPath, scope, maxBytes: 1024, what: 'manifest' }));
    expect(refused.message).toContain('not asked: 2 requests to registries failed on the network in this run');
    expect(t.requestCount('never.example')).toBe(0);
    // A registry that answered before is still asked.
    expect((await t.request({ registry: alias, path: '/v2/team/app/manifests/good', scope, maxBytes: 1024, what: 'good' })).status).toBe(200);
    nock.cleanAll();
  });

  it('counts only failures in a row: an answer in between starts over', async () => {
    resets.add('/v2/team/app/manifests/bad');
    const { t } = transport({ insecureRegistries: [host] });
    await registryErrorOf(ask(t, '/v2/team/app/manifests/bad'));
    await registryErrorOf(ask(t, '/v2/team/app/manifests/bad'));
    expect((await ask(t, '/v2/team/app/manifests/good')).status).toBe(200);
    await registryErrorOf(ask(t, '/v2/team/app/manifests/bad'));
    await registryErrorOf(ask(t, '/v2/team/app/manifests/bad'));
    expect((await ask(t, '/v2/team/app/manifests/good')).status).toBe(200);
  });
});
