/**
 * Attack tests for the transport: a registry (or a host it redirects to) is untrusted. Secrets
 * must reach only the host they are for, and nothing a registry says may carry a secret or a
 * control character into a message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { registryErrorOf } from './registry-error.js';
import { staticCredentialSource } from '../../src/registry/transport/credentials.js';
import { Transport, type TransportOptions } from '../../src/registry/transport/transport.js';

const REG = 'https://reg.example';
const manifestPath = '/v2/team/app/manifests/1.0';
const scope = 'repository:team/app:pull';

function transport(options: TransportOptions = {}) {
  const logs: string[] = [];
  const t = new Transport({ sleep: async () => {}, logger: (m) => logs.push(m), retries: 0, ...options });
  return { t, logs };
}

const get = (t: Transport) => t.request({ registry: 'reg.example', path: manifestPath, scope, maxBytes: 1024 * 1024, what: 'manifest reg.example/team/app:1.0' });

beforeAll(() => {
  nock.disableNetConnect();
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
