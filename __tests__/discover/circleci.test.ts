import { describe, expect, it } from 'vitest';
import { circleciDiscoverer } from '../../src/discover/circleci.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('circleci discoverer', () => {
  it('matches the config file only', () => {
    expect(circleciDiscoverer.matches('.circleci/config.yml', '')).toBe(true);
    expect(circleciDiscoverer.matches('.circleci/config.yaml', '')).toBe(true);
    expect(circleciDiscoverer.matches('.circleci/continue.yml', '')).toBe(false);
    expect(circleciDiscoverer.matches('config.yml', '')).toBe(false);
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
        reference: null,
        problem: 'CircleCI parameter <<pipeline.parameters.go-version>> is set by the pipeline or the caller of the job',
      },
      {
        context: 'jobs.build.docker[1].image',
        raw: '$PRIVATE_REGISTRY/tools:1',
        reference: null,
        problem: '$PRIVATE_REGISTRY is a CircleCI variable, known only when the pipeline runs',
      },
      {
        context: 'executors.go.docker[0].image',
        raw: 'cimg/go:<< parameters.tag >>',
        reference: null,
        problem: 'CircleCI parameter << parameters.tag >> is set by the pipeline or the caller of the job',
      },
      { context: 'orbs.inline-tools.executors.tools.docker[0].image', raw: 'cimg/base:2024.06', reference: 'docker.io/cimg/base:2024.06' },
    ]);
    expect(occurrences.find((occurrence) => occurrence.raw === 'cimg/python:3.12.4')).toMatchObject({ line: 35, column: 16 });
  });

  it('throws for a file that cannot be parsed', () => {
    expect(() => circleciDiscoverer.extract(fixture('circleci', 'broken/.circleci/config.yml'), fixtureContext('circleci'))).toThrow(/invalid YAML/);
  });
});
