import { describe, expect, it } from 'vitest';
import { circleciDiscoverer } from '../../src/discover/circleci.js';
import type { Extraction } from '../../src/discover/types.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('circleci discoverer', () => {
  it("finds the images a job's run steps pull with docker run and docker pull, its parameters substituted", async () => {
    const { occurrences } = await extractFixture(circleciDiscoverer, 'circleci', 'scripts/.circleci/config.yml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['12:38', 'postgres:<< parameters.pg >>', 'docker.io/library/postgres:15.8', 'jobs.test.steps[1].run'],
      ['16:25', 'hadolint/hadolint:v2.12.0', 'docker.io/hadolint/hadolint:v2.12.0', 'jobs.test.steps[2].run.command'],
      ['20:30', '$CIRCLE_PROJECT_REPONAME:latest', '$CIRCLE_PROJECT_REPONAME is a CircleCI variable, known only when the pipeline runs', 'jobs.test.steps[3].run'],
    ]);
  });

  it('matches the config file only', () => {
    expect(circleciDiscoverer.matches('.circleci/config.yml', '')).toBe(true);
    expect(circleciDiscoverer.matches('.circleci/config.yaml', '')).toBe(true);
    expect(circleciDiscoverer.matches('.circleci/continue.yml', '')).toBe(false);
    expect(circleciDiscoverer.matches('.circleci/continue.yml', 'version: 2.1\njobs: {}\n')).toBe(true);
    expect(circleciDiscoverer.matches('config.yml', '')).toBe(false);
  });

  it('reads the other configs CircleCI runs: a continuation config (sqlmesh) and a custom config path, circle.yml (cypress-docker-images)', async () => {
    const continuation = await extractFixture(circleciDiscoverer, 'circleci', 'real/sqlmesh/.circleci/continue_config.yml');
    // The machine image of engine_tests_docker is a VM image: not read.
    expect(continuation.occurrences.map((o) => [o.context, o.reference, o.note])).toEqual([
      ['jobs.doc_tests.docker[0].image', 'docker.io/cimg/python:3.10', undefined],
      ['jobs.style_and_cicd_tests.docker[0].image', 'docker.io/cimg/python:3.9', 'with the parameters job style_and_cicd_tests runs with, value 1 of 2'],
      ['jobs.style_and_cicd_tests.docker[0].image', 'docker.io/cimg/python:3.13', 'with the parameters job style_and_cicd_tests runs with, value 2 of 2'],
      ['jobs.ui_test.docker[0].image', 'mcr.microsoft.com/playwright:v1.54.1-jammy', undefined],
    ]);
    const custom = await extractFixture(circleciDiscoverer, 'circleci/real/cypress-docker-images', 'circle.yml');
    expect(custom.occurrences.map((o) => [o.context, o.reference])).toEqual([
      ['jobs.push.steps[1].run.command', 'docker.io/tonistiigi/binfmt:latest@sha256:d3b963f787999e6c0219a48dba02978769286ff61a5f4d26245cb6a6e5567ea3'],
    ]);
  });

  it('leaves YAML that is no 2.x config alone: a CircleCI 1.0 circle.yml, a list beside the config', () => {
    for (const path of ['circle.yml', '.circleci/images.yml']) {
      const file = fixture('circleci/real/not-configs', path);
      expect(circleciDiscoverer.candidate?.(file.path), path).toBe(true);
      expect(circleciDiscoverer.matches(file.path, file.text), path).toBe(false);
    }
    expect(circleciDiscoverer.candidate?.('docs/circle.yml')).toBe(false);
  });

  it('finds docker images of jobs, executors and inline orbs, but not machine images', async () => {
    const { occurrences, errors } = await extractFixture(circleciDiscoverer, 'circleci', '.circleci/config.yml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'jobs.test.docker[0].image', raw: 'cimg/python:3.12.4', reference: 'docker.io/cimg/python:3.12.4' },
      { context: 'jobs.test.docker[1].image', raw: 'cimg/postgres:16.3', reference: 'docker.io/cimg/postgres:16.3' },
      {
        context: 'jobs.test.docker[2].image',
        raw: 'redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        reference: 'docker.io/library/redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      },
      {
        context: 'jobs.build.docker[0].image',
        raw: 'cimg/go:<<pipeline.parameters.go-version>>',
        resolved: 'cimg/go:1.22',
        reference: 'docker.io/cimg/go:1.22',
        note: "with the pipeline parameters' defaults",
      },
      {
        context: 'jobs.build.docker[1].image',
        raw: '$PRIVATE_REGISTRY/tools:1',
        reference: null,
        problem: '$PRIVATE_REGISTRY is a CircleCI variable, known only when the pipeline runs',
      },
      // No job uses the executor: its default.
      {
        context: 'executors.go.docker[0].image',
        raw: 'cimg/go:<< parameters.tag >>',
        resolved: 'cimg/go:1.22',
        reference: 'docker.io/cimg/go:1.22',
        note: 'with the parameters executor go runs with',
      },
      { context: 'orbs.inline-tools.executors.tools.docker[0].image', raw: 'cimg/base:2024.06', reference: 'docker.io/cimg/base:2024.06' },
    ]);
    expect(occurrences.find((occurrence) => occurrence.raw === 'cimg/python:3.12.4')).toMatchObject({ line: 35, column: 16 });
  });

  it('gives parameters the values the config sets: pipeline defaults, each workflow invocation, executor arguments', async () => {
    const { occurrences, errors } = await extractFixture(circleciDiscoverer, 'circleci-parameters', '.circleci/config.yml');
    expect(errors).toEqual([]);
    const job = 'with the parameters job t_ext runs with';
    const matrix = 'with the parameters job db_test runs with';
    expect(summary(occurrences)).toEqual([
      {
        context: 'jobs.build.docker[0].image',
        raw: '<< pipeline.parameters.ubuntu-docker-image >>',
        resolved: 'builder/deps@sha256:b3f321fb2d8e7a41ca9328672061c1840e5cd3fb5be503aa158d1c508deacf0a',
        reference: 'docker.io/builder/deps@sha256:b3f321fb2d8e7a41ca9328672061c1840e5cd3fb5be503aa158d1c508deacf0a',
        note: "with the pipeline parameters' defaults",
      },
      {
        context: 'jobs.triggered.docker[0].image',
        raw: '<< pipeline.parameters.triggered-image >>',
        reference: null,
        problem: 'pipeline parameter triggered-image has no default: it is set when the pipeline is triggered',
      },
      // The invocation through an anchored template sets the image; the other leaves the default;
      // the template no workflow uses (cimg/node:16.20) is not an image of this pipeline.
      { context: 'jobs.t_ext.docker[0].image', raw: '<< parameters.image >>', resolved: 'cimg/node:18.16', reference: 'docker.io/cimg/node:18.16', note: `${job}, value 1 of 2` },
      { context: 'jobs.t_ext.docker[0].image', raw: '<< parameters.image >>', resolved: 'cimg/node:current', reference: 'docker.io/cimg/node:current', note: `${job}, value 2 of 2` },
      { context: 'jobs.db_test.docker[0].image', raw: 'cimg/base:2024.06', reference: 'docker.io/cimg/base:2024.06' },
      { context: 'jobs.db_test.docker[1].image', raw: 'cimg/postgres:<< parameters.postgres >>', resolved: 'cimg/postgres:15.4', reference: 'docker.io/cimg/postgres:15.4', note: `${matrix}, value 1 of 2` },
      { context: 'jobs.db_test.docker[1].image', raw: 'cimg/postgres:<< parameters.postgres >>', resolved: 'cimg/postgres:16.3', reference: 'docker.io/cimg/postgres:16.3', note: `${matrix}, value 2 of 2` },
      // go_test passes its own parameter, which its one invocation sets to 1.23.
      { context: 'executors.go.docker[0].image', raw: 'cimg/go:<< parameters.tag >>', resolved: 'cimg/go:1.23', reference: 'docker.io/cimg/go:1.23', note: 'with the parameters executor go runs with' },
    ]);
  });

  it('bounds the parameter sets a matrix multiplies', () => {
    const values = Array.from({ length: 40 }, (_, index) => `"${index}"`).join(', ');
    const text = [
      'version: 2.1',
      'jobs:',
      '  test:',
      '    parameters: { a: { type: string }, b: { type: string }, c: { type: string } }',
      '    docker:',
      '      - image: img:<< parameters.a >>-<< parameters.b >>-<< parameters.c >>',
      'workflows:',
      '  main:',
      '    jobs:',
      `      - test: { matrix: { parameters: { a: [${values}], b: [${values}], c: [${values}] } } }`,
    ].join('\n');
    const { occurrences } = circleciDiscoverer.extract({ path: '.circleci/config.yml', text }, fixtureContext('circleci')) as Extraction;
    // 64,000 combinations written; at most 256 parameter sets are considered.
    expect(occurrences.length).toBe(256);
  });

  it('reads an orb source: the Docker executor of an executor or job of its own file, parameters at their defaults (ricardo-orbs)', async () => {
    const root = 'real/ricardo-orbs/src';
    const defaults = (owner: string) => `with the defaults orb ${owner} declares (a config using the orb may pass others)`;
    const read = async (path: string) => {
      const { occurrences, errors } = await extractFixture(circleciDiscoverer, 'circleci', `${root}/${path}`);
      expect(errors).toEqual([]);
      return summary(occurrences);
    };
    expect(await read('executors/js.yml')).toEqual([
      { context: 'executors.js.docker[0].image', raw: 'cimg/node:<< parameters.node-version >>', resolved: 'cimg/node:lts', reference: 'docker.io/cimg/node:lts', note: defaults('executor js') },
    ]);
    expect(await read('executors/maven_docker.yml')).toEqual([
      {
        context: 'executors.maven_docker.docker[0].image',
        raw: 'cimg/openjdk:<< parameters.tag >>',
        resolved: 'cimg/openjdk:11.0',
        reference: 'docker.io/cimg/openjdk:11.0',
        note: defaults('executor maven_docker'),
      },
    ]);
    // A default naming an environment variable is only known when the pipeline runs.
    const [isopod] = await read('executors/isopod.yml');
    expect(isopod).toMatchObject({ reference: null, problem: expect.stringMatching(/ISOPOD_VERSION/) });
    expect(await read('jobs/no_op.yml')).toEqual([{ context: 'jobs.no_op.docker[0].image', raw: 'cimg/base:2020.01', reference: 'docker.io/cimg/base:2020.01' }]);
    // A job that runs an executor names no image of its own; nor does a file elsewhere with `docker:`.
    const job = fixture('circleci', `${root}/jobs/build_push_image.yml`);
    expect(circleciDiscoverer.candidate?.(job.path)).toBe(true);
    expect(circleciDiscoverer.matches(job.path, job.text)).toBe(false);
    expect(circleciDiscoverer.matches('deploy/docker.yml', 'docker:\n  - image: nginx\n')).toBe(false);
    expect(circleciDiscoverer.candidate?.('src/executors/README.md')).toBe(false);
  });

  it('throws for a file that cannot be parsed', () => {
    expect(() => circleciDiscoverer.extract(fixture('circleci', 'broken/.circleci/config.yml'), fixtureContext('circleci'))).toThrow(/invalid YAML/);
  });
});
