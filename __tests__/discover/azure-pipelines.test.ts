import { describe, expect, it } from 'vitest';
import { azurePipelinesDiscoverer } from '../../src/discover/azure-pipelines.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('azure-pipelines discoverer', () => {
  it('matches pipeline files', () => {
    for (const path of ['azure-pipelines.yml', 'ci/azure-pipelines.yaml', '.azure-pipelines/release.yaml']) {
      expect(azurePipelinesDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['pipelines.yml', '.azure-pipelines/templates/steps.yml', 'azure-pipelines.json']) {
      expect(azurePipelinesDiscoverer.matches(path, ''), path).toBe(false);
    }
  });

  it('finds container resources and job containers, not aliases', async () => {
    const { occurrences, errors } = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'azure-pipelines.yml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'resources.containers[0].image', raw: 'ubuntu:22.04', reference: 'docker.io/library/ubuntu:22.04' },
      { context: 'resources.containers[1].image', raw: 'redis:7.2', reference: 'docker.io/library/redis:7.2' },
      { context: 'resources.containers[2].image', raw: 'postgres:16', reference: 'docker.io/library/postgres:16' },
      {
        context: 'resources.containers[3].image',
        raw: '$(registry)/build/tools:1.0',
        resolved: 'myregistry.azurecr.io/build/tools:1.0',
        reference: 'myregistry.azurecr.io/build/tools:1.0',
      },
      { context: 'stages[0].jobs[0].container', raw: 'python:3.12', reference: 'docker.io/library/python:3.12' },
      {
        context: 'stages[0].jobs[1].container',
        raw: "$[ variables['containerImage'] ]",
        reference: null,
        problem: "expression $[ variables['containerImage'] ] is only known when the pipeline runs",
      },
      {
        context: 'stages[0].jobs[2].container.image',
        raw: 'ubuntu:${{ variables.imageTag }}',
        resolved: 'ubuntu:22.04',
        reference: 'docker.io/library/ubuntu:22.04',
      },
      {
        context: 'stages[0].jobs[3].container',
        raw: '${{ parameters.buildImage }}',
        reference: null,
        problem: 'expression ${{ parameters.buildImage }} is only known when the pipeline runs',
      },
    ]);
    expect(occurrences[4]).toMatchObject({ line: 32, column: 16 });
  });

  it('reads list-form variables in .azure-pipelines files', async () => {
    const { occurrences } = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', '.azure-pipelines/release.yaml');
    expect(summary(occurrences)).toEqual([
      { context: 'jobs[0].container', raw: '$(toolsImage)', resolved: 'mcr.microsoft.com/dotnet/sdk:8.0', reference: 'mcr.microsoft.com/dotnet/sdk:8.0' },
      {
        context: 'jobs[1].container',
        raw: '$(signingImage)',
        reference: null,
        problem: 'variable signingImage is not defined in this file (it may be set in the pipeline settings or a variable group)',
      },
    ]);
  });

  it('throws for a file that cannot be parsed', () => {
    expect(() => azurePipelinesDiscoverer.extract(fixture('azure-pipelines', 'broken/azure-pipelines.yml'), fixtureContext('azure-pipelines'))).toThrow(/invalid YAML/);
  });
});
