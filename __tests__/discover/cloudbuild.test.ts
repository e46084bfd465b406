import { describe, expect, it } from 'vitest';
import { cloudbuildDiscoverer } from '../../src/discover/cloudbuild.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('cloudbuild discoverer', () => {
  it('matches Cloud Build config files', () => {
    for (const path of ['cloudbuild.yaml', 'deploy/cloudbuild.yml', 'cloudbuild.json']) expect(cloudbuildDiscoverer.matches(path, ''), path).toBe(true);
    for (const path of ['cloudbuild-dev.yaml', 'build.yaml']) expect(cloudbuildDiscoverer.matches(path, ''), path).toBe(false);
  });

  it('reports builder images, and pushed images as built here, with substitutions resolved', async () => {
    const { occurrences, errors } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', 'cloudbuild.yaml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'steps[0].name', raw: 'gcr.io/cloud-builders/docker', reference: 'gcr.io/cloud-builders/docker' },
      { context: 'steps[1].name', raw: 'node:${_NODE_VERSION}', resolved: 'node:20', reference: 'docker.io/library/node:20' },
      {
        context: 'steps[2].name',
        raw: 'gcr.io/google.com/cloudsdktool/cloud-sdk:488.0.0-slim',
        reference: 'gcr.io/google.com/cloudsdktool/cloud-sdk:488.0.0-slim',
      },
      {
        context: 'steps[3].name',
        raw: '${_SCANNER}',
        reference: null,
        problem: 'substitution _SCANNER is not defined in this file (it may be set by the trigger)',
      },
      {
        context: 'steps[4].name',
        raw: 'us-docker.pkg.dev/$PROJECT_ID/tools/lint:1',
        reference: null,
        problem: '$PROJECT_ID is a built-in Cloud Build substitution, known only when the build runs',
      },
      {
        context: 'images[0]',
        raw: '${_REGION}-docker.pkg.dev/$PROJECT_ID/${_REPOSITORY}/app:$SHORT_SHA',
        reference: null,
        problem: '$PROJECT_ID is a built-in Cloud Build substitution, known only when the build runs',
        local: true,
        note: 'pushed by this build (built here)',
      },
      {
        context: 'images[1]',
        raw: 'us-docker.pkg.dev/example/app/worker:${_NODE_VERSION}',
        resolved: 'us-docker.pkg.dev/example/app/worker:20',
        reference: 'us-docker.pkg.dev/example/app/worker:20',
        local: true,
        note: 'pushed by this build (built here)',
      },
    ]);
    expect(occurrences[0]).toMatchObject({ line: 3, column: 10 });
  });

  it('reads the JSON form with exact positions', async () => {
    const { occurrences } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', 'json/cloudbuild.json');
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.line, occurrence.column, occurrence.local ?? false])).toEqual([
      ['steps[0].name', 4, 16, false],
      ['steps[1].name', 7, 16, false],
      ['images[0]', 9, 15, true],
    ]);
  });

  it('throws for a file that cannot be parsed', () => {
    expect(() => cloudbuildDiscoverer.extract(fixture('cloudbuild', 'broken/cloudbuild.json'), fixtureContext('cloudbuild'))).toThrow(/invalid JSON/);
  });
});
