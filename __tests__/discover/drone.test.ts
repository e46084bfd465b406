import { describe, expect, it } from 'vitest';
import { droneDiscoverer, woodpeckerCombinations } from '../../src/discover/drone.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('drone / woodpecker discoverer', () => {
  it("finds the images a step's commands pull with docker run", async () => {
    const { occurrences } = await extractFixture(droneDiscoverer, 'drone', 'scripts/.drone.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([['7:25', 'golang:1.23', 'docker.io/library/golang:1.23', 'pipeline "default" steps[0].commands[0]']]);
  });

  it("reads each branch of a project template's {% if %} ... {% else %} (cookiecutter-django): both steps' images", async () => {
    const { occurrences, errors } = await extractFixture(droneDiscoverer, 'drone', 'cookiecutter-django/.drone.yml');
    expect(errors ?? []).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.raw, o.context])).toEqual([
      [17, 'ghcr.io/astral-sh/uv:python3.14', 'pipeline "default" steps[0].image'],
      [31, 'docker:25.0', 'pipeline "default" steps[1].image'],
      [39, 'ghcr.io/astral-sh/uv:python3.14', 'pipeline "default" steps[1].image'],
    ]);
  });

  it('matches Drone and Woodpecker pipeline files', () => {
    for (const path of ['.drone.yml', 'svc/.drone.yaml', '.woodpecker.yml', '.woodpecker.yaml', '.woodpecker/test.yaml']) {
      expect(droneDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['drone.yml', '.woodpecker/sub/x.yml', '.woodpecker/readme.md']) expect(droneDiscoverer.matches(path, ''), path).toBe(false);
  });

  it('reads every document of a Drone file; a broken document is reported and does not hide the others', async () => {
    const { occurrences, errors } = await extractFixture(droneDiscoverer, 'drone', '.drone.yml');
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatch(/must be sufficiently indented and end with a \] at line 36, column \d+$/);
    expect(summary(occurrences)).toEqual([
      { context: 'pipeline "default" steps[0].image', raw: 'golang:1.22', reference: 'docker.io/library/golang:1.22' },
      { context: 'pipeline "default" steps[1].image', raw: 'plugins/docker:20', reference: 'docker.io/plugins/docker:20' },
      {
        context: 'pipeline "default" steps[2].image',
        raw: 'plugins/slack@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        reference: 'docker.io/plugins/slack@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      },
      { context: 'pipeline "default" services[0].image', raw: 'mysql:8.4', reference: 'docker.io/library/mysql:8.4' },
      {
        context: 'pipeline "arm" steps[0].image',
        raw: '${DRONE_REPO_OWNER}/builder:1',
        reference: null,
        problem: '${DRONE_REPO_OWNER} is a Drone variable, known only when the pipeline runs',
      },
    ]);
    expect(occurrences[4]).toMatchObject({ line: 46, column: 10 });
  });

  it('expands the Woodpecker matrix, keeping values as written', async () => {
    const { occurrences, errors } = await extractFixture(droneDiscoverer, 'drone', '.woodpecker/test.yaml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'clone[0].image', raw: 'woodpeckerci/plugin-git:2.5.1', reference: 'docker.io/woodpeckerci/plugin-git:2.5.1' },
      { context: 'steps[0].image', raw: 'golang:${GO_VERSION}', resolved: 'golang:1.22', reference: 'docker.io/library/golang:1.22', note: 'matrix value 1 of 2' },
      { context: 'steps[0].image', raw: 'golang:${GO_VERSION}', resolved: 'golang:1.20', reference: 'docker.io/library/golang:1.20', note: 'matrix value 2 of 2' },
      { context: 'steps[1].image', raw: 'woodpeckerci/plugin-docker-buildx:4', reference: 'docker.io/woodpeckerci/plugin-docker-buildx:4' },
      {
        context: 'steps[2].image',
        raw: '${CI_REPO_OWNER}/release:$${literal}',
        reference: null,
        problem: '${CI_REPO_OWNER} is a Woodpecker variable, known only when the pipeline runs',
      },
      { context: 'services[0].image', raw: '${DATABASE}', resolved: 'postgres:16', reference: 'docker.io/library/postgres:16', note: 'matrix value 1 of 2' },
      { context: 'services[0].image', raw: '${DATABASE}', resolved: 'postgres:15', reference: 'docker.io/library/postgres:15', note: 'matrix value 2 of 2' },
    ]);
  });

  it('reads the older map form of steps and services', async () => {
    const { occurrences } = await extractFixture(droneDiscoverer, 'drone', 'legacy/.woodpecker.yml');
    expect(summary(occurrences)).toEqual([
      { context: 'pipeline.backend.image', raw: 'golang', reference: 'docker.io/library/golang' },
      { context: 'pipeline.frontend.image', raw: 'node:20', reference: 'docker.io/library/node:20' },
      { context: 'services.redis.image', raw: 'redis:7', reference: 'docker.io/library/redis:7' },
    ]);
  });

  it('reads a Drone pipeline under another name, `.drone-local.yml`, by its `kind: pipeline` (drone-cache)', async () => {
    const root = 'real/drone-cache';
    expect(droneDiscoverer.candidate?.(`${root}/.drone-local.yml`)).toBe(true);
    const { occurrences, errors } = await extractFixture(droneDiscoverer, 'drone', `${root}/.drone-local.yml`);
    expect(errors).toEqual([]);
    expect(occurrences.map((occurrence) => [`${occurrence.line}:${occurrence.column}`, occurrence.reference])).toEqual([
      ['18:12', 'docker.io/minio/mc:RELEASE.2020-10-03T02-54-56Z'],
      ['29:12', 'docker.io/library/golang:1.18.4'],
      ['36:12', 'docker.io/minio/minio:RELEASE.2022-07-15T03-44-22Z'],
      ['46:12', 'docker.io/fsouza/fake-gcs-server:1.38.3'],
    ]);
    // The name alone is not enough: other YAML under a `.drone-*` name is not a pipeline.
    const notes = fixture('drone', `${root}/.drone-notes.yml`);
    expect(droneDiscoverer.matches(notes.path, notes.text)).toBe(false);
    for (const path of ['.drone.yml.bak', '.dronerc.yml', '.drone-.yml']) expect(droneDiscoverer.candidate?.(path), path).toBe(false);
  });

  it('throws when no document can be parsed', () => {
    expect(() => droneDiscoverer.extract(fixture('drone', 'broken/.drone.yml'), fixtureContext('drone'))).toThrow(/invalid YAML/);
  });

  it('uses the include list of a matrix as its combinations', () => {
    expect(woodpeckerCombinations({ include: [{ GO: 1.4, REDIS: '2.8' }, { GO: '1.5' }] })).toEqual([{ GO: '1.4', REDIS: '2.8' }, { GO: '1.5' }]);
    expect(woodpeckerCombinations({ A: 'x' })).toEqual({ unknown: 'matrix.A is not a list' });
  });
});
