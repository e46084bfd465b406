import { describe, expect, it } from 'vitest';
import { bitbucketDiscoverer } from '../../src/discover/bitbucket.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('bitbucket discoverer', () => {
  it("finds the images a step's script and after-script pull with docker run and docker pull", async () => {
    const { occurrences } = await extractFixture(bitbucketDiscoverer, 'bitbucket', 'scripts/bitbucket-pipelines.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['8:58', 'koalaman/shellcheck:v0.10.0', 'docker.io/koalaman/shellcheck:v0.10.0', 'pipelines.default[0].step.script[0]'],
      ['9:25', '$BITBUCKET_REPO_SLUG:latest', '$BITBUCKET_REPO_SLUG is a Bitbucket variable, known only when the pipeline runs', 'pipelines.default[0].step.script[1]'],
      ['11:24', 'alpine:3.20', 'docker.io/library/alpine:3.20', 'pipelines.default[0].step.after-script[0]'],
    ]);
  });

  it('matches bitbucket-pipelines.yml only', () => {
    expect(bitbucketDiscoverer.matches('bitbucket-pipelines.yml', '')).toBe(true);
    expect(bitbucketDiscoverer.matches('bitbucket-pipelines.yaml', '')).toBe(false);
  });

  it('finds the default, service and step images, each written step once', async () => {
    const { occurrences, errors } = await extractFixture(bitbucketDiscoverer, 'bitbucket', 'bitbucket-pipelines.yml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'image', raw: 'atlassian/default-image:4', reference: 'docker.io/atlassian/default-image:4' },
      { context: 'definitions.services.postgres.image', raw: 'postgres:16', reference: 'docker.io/library/postgres:16' },
      { context: 'definitions.services.redis.image', raw: 'redis:7.2', reference: 'docker.io/library/redis:7.2' },
      { context: 'pipelines.default[1].parallel[0].step.image', raw: 'node:20-alpine', reference: 'docker.io/library/node:20-alpine' },
      {
        context: 'pipelines.branches.main[0].stage.steps[0].step.image',
        raw: '$AWS_ACCOUNT.dkr.ecr.eu-west-1.amazonaws.com/deployer:1',
        reference: null,
        problem: '$AWS_ACCOUNT is a Bitbucket variable, known only when the pipeline runs',
      },
      { context: 'definitions.steps[0].step.image', raw: 'node:20', reference: 'docker.io/library/node:20' },
    ]);
    expect(occurrences[2]).toMatchObject({ line: 13, column: 15 });
  });

  it('reads pipes run from an image (pipe: docker://), once where an anchored step is written', async () => {
    const { occurrences, errors } = await extractFixture(bitbucketDiscoverer, 'bitbucket', 'pipes/bitbucket-pipelines.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.context, o.reference ?? o.problem?.message])).toEqual([
      ['3:8', 'image', 'docker.io/library/node:20'],
      ['36:28', 'pipelines.default[1].step.script[0].pipe', 'docker.io/ccideas/cyclonedx-npm-pipe:prod-1.0.37'],
      ['53:31', 'pipelines.branches.main[1].step.after-script[0].pipe', '$PIPE_REGISTRY is a Bitbucket variable, known only when the pipeline runs'],
      ['15:28', 'definitions.steps[0].step.script[1].pipe', 'docker.io/soldevelo/infrascan:latest'],
    ]);
  });

  it('throws for a file that cannot be parsed', () => {
    expect(() => bitbucketDiscoverer.extract(fixture('bitbucket', 'broken/bitbucket-pipelines.yml'), fixtureContext('bitbucket'))).toThrow(/invalid YAML/);
  });
});
