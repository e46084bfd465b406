import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerfileDiscoverer } from '../../src/discover/dockerfile/index.js';
import { composeBuilds } from '../../src/discover/compose-builds.js';
import { parseDotenv } from '../../src/discover/compose.js';
import { expectRawAtPositions, fixture, fixtureContext } from './discover-helpers.js';

const ROOT = 'compose-builds';

/** The fixture folder as a scan sees it: every file of it listed, as the walk lists candidates. */
function scanContext() {
  const context = fixtureContext('dockerfile');
  const folder = new URL(`../fixtures/discover/dockerfile/${ROOT}/`, import.meta.url);
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).map((path) => `${ROOT}/${path}`).sort();
  return { ...context, candidateFiles: files };
}

async function rows(path: string) {
  const file = fixture('dockerfile', `${ROOT}/${path}`);
  const { occurrences } = await dockerfileDiscoverer.extract(file, scanContext());
  expectRawAtPositions(file, occurrences);
  return occurrences.map((occurrence) => [occurrence.line, occurrence.column, occurrence.reference ?? occurrence.problem?.message, occurrence.note]);
}

describe('dockerfile: the build arguments of the compose services that build it', () => {
  it("takes an argument a compose file included with a project directory and env_file gives (laradock's mariadb: 11.4, not the ARG default latest)", async () => {
    expect(await rows('mariadb/Dockerfile')).toEqual([
      [2, 6, 'docker.io/library/mariadb:11.4', 'build argument MARIADB_VERSION as service mariadb of compose-builds/mariadb/compose.yml sets it'],
    ]);
  });

  it('gives one occurrence per value when several services build the Dockerfile: a value set nowhere in the repository stays unresolved', async () => {
    expect(await rows('php-fpm/Dockerfile')).toEqual([
      // php-fpm-83 (multi-php/compose.yml, included from its own folder): context ../php-fpm.
      [3, 6, 'docker.io/laradock/php-fpm:latest-8.3', 'build argument LARADOCK_PHP_VERSION as service php-fpm-83 of compose-builds/multi-php/compose.yml sets it'],
      // php-fpm (root docker-compose.yml's include): LARADOCK_PHP_VERSION=${PHP_VERSION}, set only in a user's .env.
      [3, 6, 'build argument LARADOCK_PHP_VERSION has no value', 'build argument BASE_IMAGE_TAG_PREFIX as service php-fpm of compose-builds/php-fpm/compose.yml sets it'],
    ]);
  });

  it("leaves out an argument empty only for want of a variable, `${OPENRESTY_VERSION:-}`: the ARG default stands (nginx-datadog's openresty example)", async () => {
    expect(await rows('nginx-datadog/openresty/services/openresty/Dockerfile')).toEqual([
      [7, 6, 'docker.io/openresty/openresty:1.29.2.1-alpine', undefined],
    ]);
  });

  it('reads the compose files beside and above a Dockerfile when the walk listed none', async () => {
    const file = fixture('dockerfile', `${ROOT}/php-fpm/Dockerfile`);
    const { occurrences } = await dockerfileDiscoverer.extract(file, fixtureContext('dockerfile'));
    // compose.yml beside it builds ./php-fpm from its own folder (php-fpm/php-fpm): not this Dockerfile. The root file includes it.
    expect(occurrences.map((occurrence) => occurrence.note)).toEqual(['build argument BASE_IMAGE_TAG_PREFIX as service php-fpm of compose-builds/php-fpm/compose.yml sets it']);
  });
});

describe('composeBuilds', () => {
  const compose = [
    'services:',
    '  app:',
    '    build:',
    '      context: ${APP_DIR:-./app}',
    '      dockerfile: docker/Dockerfile',
    '      args:',
    '        BASE: ${BASE_IMAGE:-python:3.12-slim}',
    '        TAG: ${TAG}',
    '        FROM_ENV:',
    '        NUMBER: 3',
    '        ESCAPED: $$HOME',
    '  list:',
    '    build:',
    '      args: [A=1, FROM_ENV, UNSET_HERE]',
    '  short:',
    '    build: ./short',
    '  remote:',
    '    build: https://github.com/o/r.git',
    '  image-only:',
    '    image: nginx:1.27',
  ].join('\n');

  it('interpolates values and paths from the .env as Compose does, takes a value-less argument from it, and leaves out what is set nowhere', () => {
    const variables = parseDotenv('BASE_IMAGE=python:3.13-alpine\nFROM_ENV=given\n');
    expect(composeBuilds('deploy', compose, variables)).toEqual([
      { dockerfile: 'deploy/app/docker/Dockerfile', service: 'app', args: { BASE: 'python:3.13-alpine', FROM_ENV: 'given', NUMBER: '3', ESCAPED: '$HOME' } },
      { dockerfile: 'deploy/Dockerfile', service: 'list', args: { A: '1', FROM_ENV: 'given' } },
      { dockerfile: 'deploy/short/Dockerfile', service: 'short', args: {} },
    ]);
    expect(composeBuilds('', compose, new Map())[0]).toEqual({ dockerfile: 'app/docker/Dockerfile', service: 'app', args: { BASE: 'python:3.12-slim', NUMBER: '3', ESCAPED: '$HOME' } });
  });
});

describe('composeBuilds: empty values', () => {
  const compose = ['services:', '  app:', '    build:', '      args:', '        UNSET: ${UNSET:-}', '        SET_EMPTY: ${SET_EMPTY:-}', '        WRITTEN_EMPTY: ""'].join('\n');

  it('keeps an empty value the .env or the file gives, and leaves out one empty because its variable is set nowhere', () => {
    expect(composeBuilds('', compose, parseDotenv('SET_EMPTY=\n'))).toEqual([
      { dockerfile: 'Dockerfile', service: 'app', args: { SET_EMPTY: '', WRITTEN_EMPTY: '' } },
    ]);
  });
});

describe('dockerfile: which compose files are read for its builders', () => {
  it('after a whole walk, only the compose files listed; after a partial one, also the usual names beside and above', async () => {
    const file = fixture('dockerfile', `${ROOT}/mariadb/Dockerfile`);
    const whole = { ...scanContext(), candidateFilesComplete: true };
    const wholeRows = (await dockerfileDiscoverer.extract(file, whole)).occurrences.map((occurrence) => occurrence.reference);
    // No compose.yaml is asked for where none is listed (it would be an absent file, asked of the disk).
    expect(whole.reads.filter((path) => path.endsWith('compose.yaml') && !whole.candidateFiles.includes(path))).toEqual([]);
    const partial = { ...scanContext(), candidateFiles: [`${ROOT}/mariadb/Dockerfile`] };
    const partialRows = (await dockerfileDiscoverer.extract(file, partial)).occurrences.map((occurrence) => occurrence.reference);
    expect(partial.reads).toContain(`${ROOT}/mariadb/compose.yaml`);
    expect(partialRows).toEqual(wholeRows);
  });
});
