/**
 * Online grading of `impersonation` by Docker Hub's public API: the resolve stage asks (nock, with
 * answers shaped as the API documents them), the rules read what it recorded. Offline nothing
 * changes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hiddenClassesOf } from './helpers/hidden-class.js';
import nock from './helpers/nock.js';
import { runChecks } from '../src/checks/index.js';
import { imageNotFoundCheck } from '../src/checks/image-not-found.js';
import { dockerHubQuestionFor, impersonationCheck, typosquatCheck } from '../src/checks/typosquat.js';
import { defaultPolicy } from '../src/config/load.js';
import { makeOccurrence } from '../src/discover/occurrence.js';
import { LineIndex } from '../src/discover/position.js';
import type { ResolvedOccurrence } from '../src/model.js';
import { DockerHubApi } from '../src/registry/index.js';
import { resolveDockerHub } from '../src/resolve-docker-hub.js';

const HUB = 'https://hub.docker.com';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'registry', 'docker-hub');
const answer = (name: string) => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as object;

/** One occurrence per line, as a compose file lists them; the registry stage's answer as given. */
function occurrences(images: Array<[string, ResolvedOccurrence['resolution']]>): ResolvedOccurrence[] {
  const text = images.map(([image]) => `image: ${image}`).join('\n');
  const lines = new LineIndex(text);
  let offset = 0;
  return images.map(([image, resolution]) => {
    const occurrence: ResolvedOccurrence = makeOccurrence({ file: 'compose.yaml', kind: 'compose', lines, offset: offset + 'image: '.length, raw: image, value: image });
    offset += `image: ${image}\n`.length;
    if (resolution) occurrence.resolution = resolution;
    return occurrence;
  });
}

// What Docker Hub's registry says for a repository that does not exist, or is private: 401.
const unauthorized = { status: 'error' as const, errorCode: 'unauthorized', message: 'authentication required' };
const ok = { status: 'ok' as const, tagDigest: `sha256:${'a'.repeat(64)}` };

const IMAGES: Array<[string, ResolvedOccurrence['resolution']]> = [
  ['gakeaws/nginx:latest', ok],
  ['phpstacks/php:8.2', ok],
  ['gakeawz/nginx:latest', unauthorized],
  ['guestbook', unauthorized],
  ['golang-alpine', unauthorized],
  ['nginx:1.27', ok],
  ['bitnami/redis:7.2', ok],
];

const rules = (found: ReturnType<typeof runChecks>) => found.map((finding) => [finding.raw, finding.rule]);
const check = (list: ResolvedOccurrence[]) => runChecks(list, defaultPolicy(), new Map(), { checks: [typosquatCheck, impersonationCheck, imageNotFoundCheck] });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Docker Hub grades impersonation online', () => {
  it('asks only about the images it grades, once per namespace', () => {
    const question = dockerHubQuestionFor(defaultPolicy());
    const asked = occurrences(IMAGES).map((occurrence) => question(occurrence.reference!));
    expect(asked).toEqual([
      { namespace: 'gakeaws', repository: 'nginx' },
      { namespace: 'phpstacks', repository: 'php' },
      { namespace: 'gakeawz', repository: 'nginx' },
      { namespace: 'library', repository: 'guestbook' },
      { namespace: 'library', repository: 'golang-alpine' },
      undefined,
      undefined,
    ]);
  });

  it('keeps the warning on a little-pulled image, drops it on a widely pulled one, and reports what does not exist as image-not-found', async () => {
    nock(HUB).get('/v2/').reply(404, answer('not-found.json'));
    nock(HUB).get('/v2/namespaces/gakeaws/repositories').query({ page_size: '100' }).reply(200, answer('namespace-gakeaws.json'));
    nock(HUB).get('/v2/namespaces/phpstacks/repositories').query({ page_size: '100' }).reply(200, answer('namespace-phpstacks.json'));
    nock(HUB).get('/v2/namespaces/gakeawz/repositories').query({ page_size: '100' }).reply(404, answer('not-found.json'));
    nock(HUB).get('/v2/namespaces/library/repositories').query({ page_size: '100' }).reply(200, answer('namespace-library-page1.json'));
    nock(HUB).get('/v2/namespaces/library/repositories/guestbook').reply(404, answer('not-found.json'));
    nock(HUB).get('/v2/namespaces/library/repositories/golang-alpine').reply(404, answer('not-found.json'));

    const resolved = await resolveDockerHub(occurrences(IMAGES), new DockerHubApi({ retries: 0 }), dockerHubQuestionFor(defaultPolicy()));
    expect(nock.pendingMocks()).toEqual([]);
    expect(resolved[0].resolution).toMatchObject({ status: 'ok', dockerHub: { namespaceExists: true, repositoryExists: true, pullCount: 10432 } });
    expect(resolved[2].resolution).toMatchObject({ status: 'not-found', missing: 'repository', message: 'Docker Hub has no namespace gakeawz' });

    const findings = check(resolved);
    expect(rules(findings)).toEqual([
      ['gakeaws/nginx:latest', 'impersonation'],
      ['gakeawz/nginx:latest', 'image-not-found'],
      ['guestbook', 'image-not-found'],
      ['golang-alpine', 'image-not-found'],
      ['golang-alpine', 'typosquat'],
    ]);
    expect(findings[0].message).toContain('Docker Hub counts 10,432 pulls of it.');
  });

  it('gives the graded copies of same-shaped occurrences one hidden class', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `app${i}`);
    const listing = { count: names.length, next: null, previous: null, results: names.map((name) => ({ name, namespace: 'team', pull_count: 5, star_count: 0 })) };
    nock(HUB).get('/v2/').reply(404, answer('not-found.json'));
    nock(HUB).get('/v2/namespaces/team/repositories').query({ page_size: '100' }).reply(200, listing);
    const list = occurrences(names.map((name) => [`team/${name}:1.0`, ok]));
    const resolved = await resolveDockerHub(list, new DockerHubApi({ retries: 0 }), (reference) => ({ namespace: 'team', repository: reference.split('/')[2]!.split(':')[0]! }));
    expect(resolved.every((o) => o.resolution?.dockerHub?.pullCount === 5)).toBe(true);
    expect(hiddenClassesOf(resolved)).toBe(1);
    expect(hiddenClassesOf(resolved.map((o) => o.resolution!))).toBe(1);
  });

  it('changes nothing offline, or when Docker Hub cannot be asked', async () => {
    const offline = rules(check(occurrences(IMAGES.map(([image]) => [image, undefined]))));
    expect(offline).toEqual([
      ['gakeaws/nginx:latest', 'impersonation'],
      ['phpstacks/php:8.2', 'impersonation'],
      ['gakeawz/nginx:latest', 'impersonation'],
      ['golang-alpine', 'typosquat'],
    ]);
    nock(HUB).get('/v2/').reply(404, answer('not-found.json'));
    nock(HUB).get(/.*/).times(10).reply(503, 'unavailable');
    const logged: string[] = [];
    const resolved = await resolveDockerHub(occurrences(IMAGES), new DockerHubApi({ retries: 0 }), dockerHubQuestionFor(defaultPolicy()), { logger: (msg) => logged.push(msg) });
    expect(rules(check(resolved)).filter(([, rule]) => rule !== 'image-not-found')).toEqual(offline);
    expect(logged.some((line) => line.startsWith('Docker Hub: gakeaws/nginx'))).toBe(true);
  });

  it("grades a plain copy of a well-known image the same way: a widely pulled fork is not reported, a little-pulled copy stays a typosquat", async () => {
    const copies: Array<[string, ResolvedOccurrence['resolution']]> = [
      ['forkkeeper/watchtower:latest', ok],
      ['forkkeeper/cadvisor:v0.49.1', ok],
    ];
    const question = dockerHubQuestionFor(defaultPolicy());
    expect(occurrences(copies).map((occurrence) => question(occurrence.reference!))).toEqual([
      { namespace: 'forkkeeper', repository: 'watchtower' },
      { namespace: 'forkkeeper', repository: 'cadvisor' },
    ]);
    expect(rules(check(occurrences(copies.map(([image]) => [image, undefined]))))).toEqual([
      ['forkkeeper/watchtower:latest', 'typosquat'],
      ['forkkeeper/cadvisor:v0.49.1', 'typosquat'],
    ]);
    nock(HUB).get('/v2/').reply(404, answer('not-found.json'));
    nock(HUB).get('/v2/namespaces/forkkeeper/repositories').query({ page_size: '100' }).reply(200, answer('namespace-forkkeeper.json'));
    const findings = check(await resolveDockerHub(occurrences(copies), new DockerHubApi({ retries: 0 }), question));
    expect(nock.pendingMocks()).toEqual([]);
    expect(rules(findings)).toEqual([['forkkeeper/cadvisor:v0.49.1', 'typosquat']]);
    expect(findings[0].message).toContain('Docker Hub counts 212 pulls of it.');
  });

  it('does not ask about a copy whose namespace is glued from the project (it claims to be the project)', () => {
    expect(dockerHubQuestionFor(defaultPolicy())('docker.io/cadvisorofficial/cadvisor:v0.49.1')).toBeUndefined();
    expect(rules(check(occurrences([['cadvisorofficial/cadvisor:v0.49.1', undefined]])))).toEqual([['cadvisorofficial/cadvisor:v0.49.1', 'typosquat']]);
    // Nor about a vendor's whole path copied to Docker Hub: its namespace is the vendor's project's.
    expect(dockerHubQuestionFor(defaultPolicy())('docker.io/mssql/server:2022-latest')).toBeUndefined();
    const [copy] = check(occurrences([['mssql/server:2022-latest', undefined]]));
    expect([copy.rule, copy.message]).toEqual([
      'typosquat',
      '`mssql/server` is a copy of Microsoft\u2019s `server` image (`mcr.microsoft.com/mssql/server`): the Docker Hub namespace `mssql` is made from the project\u2019s name `mssql`, which only its publisher can use honestly. Use `mcr.microsoft.com/mssql/server`.',
    ]);
  });

  it('asks about at most the configured number of repositories', async () => {
    nock(HUB).get('/v2/').reply(404, answer('not-found.json'));
    nock(HUB).get('/v2/namespaces/gakeaws/repositories').query({ page_size: '100' }).reply(200, answer('namespace-gakeaws.json'));
    const logged: string[] = [];
    const resolved = await resolveDockerHub(occurrences(IMAGES), new DockerHubApi({ retries: 0 }), dockerHubQuestionFor(defaultPolicy()), { maxRepositories: 1, logger: (msg) => logged.push(msg) });
    expect(resolved.filter((occurrence) => occurrence.resolution?.dockerHub)).toHaveLength(1);
    expect(logged[0]).toContain('more than 1 repositories to grade');
  });
});
