import { describe, expect, it } from 'vitest';
import { gitlabCiDiscoverer } from '../../src/discover/gitlab-ci.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('gitlab-ci discoverer', () => {
  it('matches the pipeline file and included *.gitlab-ci.yml files', () => {
    for (const path of ['.gitlab-ci.yml', 'sub/.gitlab-ci.yaml', 'ci/build.gitlab-ci.yml', 'templates/Docker.gitlab-ci.yml']) {
      expect(gitlabCiDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['gitlab-ci.yml.bak', '.gitlab/ci.yml', 'gitlab.yml']) expect(gitlabCiDiscoverer.matches(path, ''), path).toBe(false);
  });

  it('finds pipeline, default, job and hidden-job images with variables expanded', async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', '.gitlab-ci.yml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'image', raw: 'ruby:3.3', reference: 'docker.io/library/ruby:3.3' },
      { context: 'default.image', raw: 'alpine/git:2.45.2', reference: 'docker.io/alpine/git:2.45.2' },
      { context: 'default.services[0]', raw: '$PG_IMAGE', resolved: 'postgres:16.4', reference: 'docker.io/library/postgres:16.4' },
      { context: '.docker-template.image', raw: 'docker:${DOCKER_VERSION}', resolved: 'docker:27.3', reference: 'docker.io/library/docker:27.3' },
      { context: '.docker-template.services[0]', raw: 'docker:${DOCKER_VERSION}-dind', resolved: 'docker:27.3-dind', reference: 'docker.io/library/docker:27.3-dind' },
      // A variable referring to a variable defined later in the same block.
      { context: 'test.image', raw: '$NODE_IMAGE', resolved: 'node:22-alpine', reference: 'docker.io/library/node:22-alpine' },
      { context: 'test.services[0]', raw: 'redis:7.2', reference: 'docker.io/library/redis:7.2' },
      { context: 'test.services[1]', raw: 'mysql:8.4', reference: 'docker.io/library/mysql:8.4' },
      // Variables come through `extends`.
      { context: 'lint.image', raw: 'example/linter:$TOOL_TAG', resolved: 'example/linter:1.8.0', reference: 'docker.io/example/linter:1.8.0' },
      // Job variables override global ones; `!reference` services are reported where written.
      { context: 'release.image', raw: 'docker:${DOCKER_VERSION}', resolved: 'docker:26.1', reference: 'docker.io/library/docker:26.1' },
      {
        context: 'deploy.image',
        raw: '$CI_REGISTRY_IMAGE/deployer:latest',
        reference: null,
        problem: '$CI_REGISTRY_IMAGE is a predefined GitLab CI variable, known only when the pipeline runs',
      },
      // `expand: false` keeps the value as written, which here is not a valid reference.
      { context: 'raw.image', raw: '$RAW_IMAGE', resolved: 'example/$literal:1', reference: null, problem: expect.any(String) },
      {
        context: 'project-var.image',
        raw: '$DEPLOY_IMAGE',
        reference: null,
        problem: 'variable DEPLOY_IMAGE is not defined in this file (it may be a project or group CI/CD variable)',
      },
    ]);
    const template = occurrences.find((occurrence) => occurrence.context === '.docker-template.image')!;
    expect(template).toMatchObject({ line: 34, column: 10 });
  });

  it('reads included files on their own', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'ci/build.gitlab-ci.yml');
    expect(summary(occurrences)).toEqual([{ context: 'build-docs.image', raw: 'python:3.12-slim', reference: 'docker.io/library/python:3.12-slim' }]);
    expect(occurrences[0]).toMatchObject({ line: 3, column: 11 });
  });

  it('reads component files (spec document, then the jobs) and leaves inputs unresolved', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'templates/scan.gitlab-ci.yml');
    expect(summary(occurrences)).toEqual([
      {
        context: 'container-scan.image',
        raw: '$[[ inputs.scanner-image ]]',
        reference: null,
        problem: 'component input $[[ inputs.scanner-image ]] is set by the including pipeline',
      },
    ]);
  });

  it('stays bounded with variables that multiply, refer to themselves or extend in a cycle', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'hostile/.gitlab-ci.yml');
    expect(summary(occurrences)).toEqual([
      { context: 'grow.image', raw: 'example/$V8:1', reference: null, problem: expect.stringMatching(/longer than 8192 characters/) },
      { context: 'loop.image', raw: '$LOOP_A', reference: null, problem: 'variable LOOP_A refers to itself or to variables too deeply' },
      { context: 'self.image', raw: '$SELF', reference: null, problem: 'variable SELF refers to itself or to variables too deeply' },
      { context: 'cycle.image', raw: 'x/$FROM_A-$FROM_B:1', resolved: 'x/a-b:1', reference: 'docker.io/x/a-b:1' },
    ]);
  });

  it('throws for a file that cannot be parsed', () => {
    expect(() => gitlabCiDiscoverer.extract(fixture('gitlab-ci', 'broken/.gitlab-ci.yml'), fixtureContext('gitlab-ci'))).toThrow(/invalid YAML/);
  });
});
