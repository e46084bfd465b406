/**
 * Docker Hub's public repository API through the registry transport, against answers shaped as
 * its documentation gives them (`__tests__/fixtures/registry/docker-hub/`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from '../helpers/nock.js';
import { DockerHubApi } from '../../src/registry/index.js';

const HUB = 'https://hub.docker.com';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry', 'docker-hub');
const answer = (name: string) => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as object;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** The transport pings `/v2/` once per host before its first request (no challenge: anonymous). */
function ping(): void {
  nock(HUB).get('/v2/').reply(404, answer('not-found.json'));
}

describe('DockerHubApi', () => {
  it('asks once per namespace and answers every repository in it from that page', async () => {
    ping();
    const page = nock(HUB).get('/v2/namespaces/phpstacks/repositories').query({ page_size: '100' }).once().reply(200, answer('namespace-phpstacks.json'));
    const hub = new DockerHubApi({ retries: 0 });
    const [php, phpNginx, missing] = await Promise.all([hub.repository('phpstacks', 'php'), hub.repository('phpstacks', 'php-nginx'), hub.repository('phpstacks', 'redis')]);
    expect(php).toEqual({ status: 'ok', facts: { pullCount: 53_000_000, starCount: 120 } });
    expect(phpNginx).toEqual({ status: 'ok', facts: { pullCount: 41_000_000, starCount: 200 } });
    expect(missing).toEqual({ status: 'not-found', missing: 'repository' });
    expect(await hub.repository('phpstacks', 'php')).toEqual(php);
    expect(page.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('says the namespace does not exist when Docker Hub answers 404 for it', async () => {
    ping();
    nock(HUB).get('/v2/namespaces/gakeawz/repositories').query({ page_size: '100' }).reply(404, answer('not-found.json'));
    const hub = new DockerHubApi({ retries: 0 });
    expect(await hub.repository('gakeawz', 'nginx')).toEqual({ status: 'not-found', missing: 'namespace' });
  });

  it('asks for the repository itself when the namespace has more than one page', async () => {
    ping();
    nock(HUB).get('/v2/namespaces/bigorg/repositories').query({ page_size: '100' }).reply(200, answer('namespace-bigorg-page1.json'));
    nock(HUB).get('/v2/namespaces/bigorg/repositories/redis').reply(200, answer('repository-bigorg-redis.json'));
    nock(HUB).get('/v2/namespaces/bigorg/repositories/nginx').reply(404, answer('not-found.json'));
    const hub = new DockerHubApi({ retries: 0 });
    expect(await hub.repository('bigorg', 'tools')).toEqual({ status: 'ok', facts: { pullCount: 1200, starCount: 3 } });
    expect(await hub.repository('bigorg', 'redis')).toEqual({ status: 'ok', facts: { pullCount: 2300, starCount: 4 } });
    expect(await hub.repository('bigorg', 'nginx')).toEqual({ status: 'not-found', missing: 'repository' });
  });

  it('never throws: a failing API, a non-JSON answer and a name Docker Hub cannot hold are errors', async () => {
    ping();
    nock(HUB).get('/v2/namespaces/flaky/repositories').query({ page_size: '100' }).reply(500, 'oops');
    nock(HUB).get('/v2/namespaces/htmlish/repositories').query({ page_size: '100' }).reply(200, '<html>', { 'content-type': 'text/html' });
    const hub = new DockerHubApi({ retries: 0 });
    expect(await hub.repository('flaky', 'redis')).toMatchObject({ status: 'error' });
    expect(await hub.repository('htmlish', 'redis')).toMatchObject({ status: 'error', message: expect.stringContaining('not JSON') });
    expect(await hub.repository('../etc', 'passwd')).toMatchObject({ status: 'error' });
  });
});
