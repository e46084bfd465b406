import { describe, expect, it } from 'vitest';
import { expandExpressions, githubActionDiscoverer, githubWorkflowDiscoverer, matrixCombinations } from '../../src/discover/github.js';
import { expectRawAtPositions, extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('github workflow discoverer', () => {
  it('matches workflow files only', () => {
    expect(githubWorkflowDiscoverer.matches('.github/workflows/ci.yml', '')).toBe(true);
    expect(githubWorkflowDiscoverer.matches('.github/workflows/release.yaml', '')).toBe(true);
    expect(githubWorkflowDiscoverer.matches('.github/workflows/sub/ci.yml', '')).toBe(false);
    expect(githubWorkflowDiscoverer.matches('.github/dependabot.yml', '')).toBe(false);
    expect(githubWorkflowDiscoverer.matches('docs/.github/workflows/ci.yml', '')).toBe(false);
    for (const path of ['.gitea/workflows/build.yaml', '.forgejo/workflows/ci.yml', 'workflow-templates/container-ci.yml']) {
      expect(githubWorkflowDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['.forgejo/workflows/composite/setup-env/action.yaml', 'workflow-templates/container-ci.properties.json', 'docs/workflow-templates/ci.yml']) {
      expect(githubWorkflowDiscoverer.matches(path, ''), path).toBe(false);
    }
  });

  it.each([
    ['.forgejo/workflows/testing-psql.yml', [['jobs.test-pgsql.container', 'codeberg.org/forgejo/test_env:main', '14:14'], ['jobs.test-pgsql.services.pgsql', 'docker.io/library/postgres:15', '17:16']]],
    ['.gitea/workflows/build.yaml', [['jobs.build.container', 'docker.gitea.com/runner-images:ubuntu-latest', '10:14'], ['jobs.build.steps[1].uses', 'docker.io/hadolint/hadolint:v2.12.0-alpine', '14:24']]],
    ['workflow-templates/container-ci.yml', [['jobs.test.container', 'docker.io/library/python:3.12-slim', '14:16'], ['jobs.test.services.redis', 'docker.io/library/redis:7.4-alpine', '17:16']]],
  ])('reads Forgejo and Gitea workflows and workflow templates: %s', async (path, expected) => {
    const { occurrences, errors } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', path);
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.context, o.reference, `${o.line}:${o.column}`])).toEqual(expected);
  });

  it("finds the images a step's bash script pulls with docker run and docker pull, at their place, and nothing else", async () => {
    const { occurrences, errors } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/docker-run.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context, o.note])).toEqual([
      ['10:69', 'postgres:${{ matrix.pg }}', 'docker.io/library/postgres:15', 'jobs.test.steps[0].run', 'pulled by `docker run` in the script; matrix value 1 of 2'],
      ['10:69', 'postgres:${{ matrix.pg }}', 'docker.io/library/postgres:16', 'jobs.test.steps[0].run', 'pulled by `docker run` in the script; matrix value 2 of 2'],
      ['15:28', 'ghcr.io/owner/tool:1.2', 'ghcr.io/owner/tool:1.2', 'jobs.test.steps[1].run', 'pulled by `docker pull` in the script'],
      ['19:14', 'hadolint/hadolint:v2.12.0', 'docker.io/hadolint/hadolint:v2.12.0', 'jobs.test.steps[1].run', 'pulled by `docker run` in the script'],
      ['23:27', '$IMAGE', 'the shell expands $IMAGE when the step runs', 'jobs.test.steps[1].run', 'pulled by `docker run` in the script'],
      ['27:26', 'ngnix:latest', 'docker.io/library/ngnix:latest', 'jobs.test.steps[1].run', 'pulled by `docker run` in the script'],
    ]);
  });

  it('reports an image the job built or tagged in an earlier command or step as local, not pulled', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/built-then-run.yml');
    expect(occurrences.map((o) => [o.line, o.raw, o.local ?? false])).toEqual([
      // Before the build, and in another job (another machine): the image of that name, pulled.
      [12, 'app:ci', false],
      [16, 'app:ci', true],
      [20, 'registry.example.com/team/app:ci', true],
      [22, '$TEST_TAG', true],
      [24, 'tools:latest', true],
      [25, 'postgres:16', false],
      [29, 'app:ci', false],
    ]);
    expect(occurrences[1].note).toBe('run by `docker run` in the script, built by `docker build`, `docker tag` or `docker commit` before it');
  });

  it('reports an image docker/build-push-action built in an earlier step of the job as local (Docker guide: test before push)', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/test-before-push.yml');
    expect(occurrences.map((o) => [o.line, o.raw, o.reference, o.local ?? false])).toEqual([
      [36, '${{ env.TEST_TAG }}', 'docker.io/user/app:test', true],
      // Another job runs on another machine: there the tag is pulled.
      [48, 'user/app:test', 'docker.io/user/app:test', false],
    ]);
    expect(occurrences[0].note).toBe('run by `docker run` in the script, built by `docker/build-push-action` or `docker/bake-action` before it; with the env the step runs with');
  });

  it('reports an image a docker/bake-action step tagged with a `*.tags=` override as local to the later steps (bake-action README)', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/bake-then-run.yml');
    expect(occurrences.map((o) => [o.line, o.raw, o.local ?? false])).toEqual([[25, 'user/app:latest', true]]);
  });

  it("reports sqlfluff's test image as local: the step before built it with build-push-action, tagged as the step's env names it", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/sqlfluff-publish-docker.yml');
    expect(occurrences.map((o) => [o.line, o.raw, o.local ?? false])).toEqual([[106, '$TEST_TAG', true]]);
  });

  it("reports numpy's the_container as local: an earlier step saved it with docker commit", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/numpy-armhf.yml');
    expect(occurrences.map((o) => [o.line, o.raw, o.local ?? false])).toEqual([
      [20, 'arm32v7/ubuntu:24.04', false],
      [29, 'the_container', true],
      [46, 'the_container', true],
    ]);
  });

  it("resolves a script's image variables from env: and from the script's own assignments", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/docker-run-env.yml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['17:27', '$LINT', 'docker.io/hadolint/hadolint:v2.12.0'],
      ['18:28', '${PG_IMAGE}', 'docker.io/library/postgres:15'],
      ['18:28', '${PG_IMAGE}', 'docker.io/library/postgres:16'],
      ['19:27', '$REGISTRY/app:ci', 'ghcr.io/acme/app:ci'],
      ['21:27', '${BUILDER}', 'docker.io/library/golang:1.23'],
      ['23:27', '$NODE_IMAGE', '$NODE_IMAGE is set in the script to a value known only when it runs'],
      ['25:22', '$OUT', '$OUT is set in the script to a value known only when it runs'],
      ['26:22', '$TOOL_IMAGE', 'expression ${{ env.REGISTRY }} is only known when the workflow runs'],
    ]);
  });

  it('reads the images a release job pulls by a matrix value and the commit (hadolint)', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/hadolint-release.yml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.problem?.message])).toEqual([
      ['41:46', 'expression ${{ github.sha }} is only known when the workflow runs'],
      ['42:46', 'expression ${{ github.sha }} is only known when the workflow runs'],
    ]);
  });

  it('reads a composite action step only when its shell is bash or sh', async () => {
    const text = 'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: docker run --rm alpine:3.20 true\n    - shell: pwsh\n      run: docker run mcr.microsoft.com/powershell:7.4\n';
    const { occurrences } = await githubActionDiscoverer.extract({ path: 'action.yml', text }, fixtureContext('github-workflow'));
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([['5:28', 'docker.io/library/alpine:3.20', 'runs.steps[0].run']]);
  });

  it('finds job containers, service containers and docker:// steps', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/ci.yml');
    expect(summary(occurrences.filter((occurrence) => occurrence.context!.startsWith('jobs.integration.')))).toEqual([
      { context: 'jobs.integration.container', raw: 'node:20-bookworm-slim', reference: 'docker.io/library/node:20-bookworm-slim' },
      { context: 'jobs.integration.services.postgres', raw: 'postgres:16', reference: 'docker.io/library/postgres:16' },
      {
        context: 'jobs.integration.services.redis',
        raw: 'redis:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        reference: 'docker.io/library/redis:7@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      },
      { context: 'jobs.integration.steps[1].uses', raw: 'hadolint/hadolint:v2.12.0', reference: 'docker.io/hadolint/hadolint:v2.12.0' },
    ]);
    const uses = occurrences.find((occurrence) => occurrence.context === 'jobs.integration.steps[1].uses')!;
    expect(uses).toMatchObject({ line: 30, column: 24 });
  });

  it('reads job and service container images written with docker://, after the prefix, as the runner does', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/docker-prefix.yml');
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.line, occurrence.column, occurrence.raw, occurrence.reference])).toEqual([
      ['jobs.rust.container', 7, 23, 'rust:1.90.0', 'docker.io/library/rust:1.90.0'],
      ['jobs.rust.services.cache', 10, 23, 'redis:7.4', 'docker.io/library/redis:7.4'],
    ]);
  });

  it("reads the image docker/setup-qemu-action is given, which it pulls and runs (frappe_docker's bench build)", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/core-build-bench.yml');
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.line, occurrence.column, occurrence.reference])).toEqual([
      ['jobs.build.steps[1].with.image', 28, 18, 'docker.io/tonistiigi/binfmt:latest'],
    ]);
  });

  it('reads the node image a kind action runs its cluster from (trivy-operator), and no other action\u2019s inputs', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/kind-clusters.yml');
    const pinned = '@sha256:53df588e04085fd41ae12de0c3fe4c72f7013bba32a20e7325357a1ac94ba865';
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.line, occurrence.column, occurrence.reference])).toEqual([
      // `with:` sees the env context: the workflow's KIND_IMAGE.
      ['jobs.itests.steps[0].with.image', 17, 18, 'docker.io/kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a'],
      ['jobs.itests.steps[1].with.image', 21, 18, `docker.io/kindest/node:v1.31.0${pinned}`],
      ['jobs.itests.steps[2].with.node_image', 26, 23, 'docker.io/kindest/node:v1.33.1'],
      ['jobs.itests.steps[3].with.node_image', 29, 23, 'docker.io/kindest/node:v1.32.2'],
    ]);
  });

  it('expands a literal matrix with exclude and include, one occurrence per value at the same position', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/ci.yml');
    const container = occurrences.filter((occurrence) => occurrence.context === 'jobs.matrix.container');
    expect(container.map((occurrence) => [occurrence.resolved, occurrence.note])).toEqual([
      ['node:18-bookworm', 'matrix value 1 of 5'],
      ['node:20-bookworm', 'matrix value 2 of 5'],
      ['node:20-alpine', 'matrix value 3 of 5'],
      ['node:22-bookworm', 'matrix value 4 of 5'],
      ['node:22-alpine', 'matrix value 5 of 5'],
    ]);
    for (const occurrence of container) {
      expect(occurrence).toMatchObject({ line: 51, column: 15, raw: 'node:${{ matrix.node }}-${{ matrix.os }}' });
    }
    // Only the combination that include extended has matrix.registry.
    expect(summary(occurrences.filter((occurrence) => occurrence.context === 'jobs.matrix.services.cache'))).toEqual([
      {
        context: 'jobs.matrix.services.cache',
        raw: '${{ matrix.registry }}/cache:1',
        resolved: 'ghcr.io/example/cache:1',
        reference: 'ghcr.io/example/cache:1',
        note: 'matrix value 1 of 1',
      },
    ]);
    expect(occurrences.filter((occurrence) => occurrence.context === 'jobs.platforms.container').map((occurrence) => occurrence.reference)).toEqual([
      'docker.io/library/debian:12',
      'docker.io/library/alpine:3.19',
    ]);
  });

  it('reports other expressions as unresolved, never guessed', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/ci.yml');
    expect(summary(occurrences.filter((occurrence) => occurrence.context!.startsWith('jobs.dynamic.')))).toEqual([
      {
        context: 'jobs.dynamic.container',
        raw: '${{ matrix.image }}',
        reference: null,
        problem: '${{ matrix.image }} cannot be expanded: strategy.matrix.image is not a literal list',
      },
      {
        context: 'jobs.dynamic.services.db',
        raw: '${{ inputs.database-image }}',
        reference: null,
        problem: 'expression ${{ inputs.database-image }} is only known when the workflow runs',
      },
      {
        context: 'jobs.dynamic.steps[0].uses',
        raw: '${{ vars.TOOL_IMAGE }}',
        reference: null,
        problem: 'expression ${{ vars.TOOL_IMAGE }} is only known when the workflow runs',
      },
    ]);
  });

  it('skips matrix combinations where the image is empty', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/ci.yml');
    expect(summary(occurrences.filter((occurrence) => occurrence.context === 'jobs.optional-db.services.db'))).toEqual([
      { context: 'jobs.optional-db.services.db', raw: '${{ matrix.db }}', resolved: 'postgres:16', reference: 'docker.io/library/postgres:16', note: 'matrix value 1 of 1' },
    ]);
  });

  it("expands `matrix.x || 'fallback'`: the fallback where the value is absent or empty, one occurrence per distinct value", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/fallbacks.yml');
    expect(occurrences.map((o) => [o.context, o.raw, o.resolved ?? null, o.reference ?? o.problem?.message])).toEqual([
      // Combinations: python 3.11 (no redis), 3.12 (redis 6.2), 3.13 (redis "").
      ['jobs.test.services.redis', "redis:${{ matrix.redis || '7' }}", 'redis:7', 'docker.io/library/redis:7'],
      ['jobs.test.services.redis', "redis:${{ matrix.redis || '7' }}", 'redis:6.2', 'docker.io/library/redis:6.2'],
      ['jobs.test.services.cache', "${{ matrix.cache || matrix.redis || 'memcached:1.6' }}", 'memcached:1.6', 'docker.io/library/memcached:1.6'],
      ['jobs.test.services.cache', "${{ matrix.cache || matrix.redis || 'memcached:1.6' }}", '6.2', 'docker.io/library/6.2'],
      // No matrix at all: the job runs once with an empty matrix context.
      ['jobs.single.container', "${{ matrix.image || 'node:20-bookworm' }}", 'node:20-bookworm', 'docker.io/library/node:20-bookworm'],
      // '' in a literal is one quote (here making an invalid name, reported as such).
      ['jobs.single.services.quoted', "${{ matrix.missing || 'it''s:1' }}", "it's:1", expect.stringContaining('invalid repository name component "it\'s"')],
      ['jobs.single.services.other', '${{ matrix.tag || github.ref_name }}', null, 'expression ${{ matrix.tag || github.ref_name }} is only known when the workflow runs'],
    ]);
    expect(occurrences[0].note).toBe('matrix value 1 of 2');
  });

  it("expands a service run in some combinations only: `(matrix.name == 'Tests') && 'postgres:17.5' || ''`", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/conditional-services.yml');
    expect(occurrences.map((o) => [o.context, o.resolved ?? null, o.reference ?? o.problem?.message, o.note])).toEqual([
      ['jobs.test.container', null, 'expression ${{ needs.build.outputs.buildId }} is only known when the workflow runs', undefined],
      ['jobs.test.services.postgres', 'postgres:17.5', 'docker.io/library/postgres:17.5', 'matrix value 1 of 1'],
      ['jobs.test.services.redis', 'redis:7.0', 'docker.io/library/redis:7.0', 'matrix value 1 of 1'],
      ['jobs.test.services.stripe', 'stripe/stripe-mock:v0.162.0', 'docker.io/stripe/stripe-mock:v0.162.0', 'matrix value 1 of 1'],
    ]);
  });

  it("substitutes `${{ env.NAME }}` in a step's script with the literal env value the step sees (elastic/go-elasticsearch)", async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/env-expressions.yml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message, o.note])).toEqual([
      ['30:31', 'docker.elastic.co/elasticsearch/elasticsearch:9.4.0-SNAPSHOT', 'pulled by `docker pull` in the script; with the env the step runs with'],
      ['31:31', 'docker.io/appropriate/curl', 'pulled by `docker pull` in the script'],
      ['37:23', 'expression ${{ env.TAGGED }} is only known when the workflow runs', 'pulled by `docker pull` in the script'],
      ['38:23', "expression ${{ env.KIBANA_VERSION || '9.1.0' }} is only known when the workflow runs", 'pulled by `docker pull` in the script'],
    ]);
  });

  it('expands a matrix whose include entries alias a value an earlier entry anchors (brianc/node-postgres)', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/matrix-anchors.yml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message, o.note])).toEqual(
      ['18', '13', '14', '15', '16', '17'].map((version, index) => ['28:16', `ghcr.io/railwayapp-templates/postgres-ssl:${version}`, `matrix value ${index + 1} of 6`]),
    );
  });

  it('expands an image named by a comparison of a matrix value: `matrix.oracle-version < 23 && ...` (doctrine/dbal)', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/compared-versions.yml');
    expect(occurrences.map((o) => [o.resolved ?? null, o.reference ?? o.problem?.message, o.note])).toEqual([
      ['gvenzl/oracle-xe:18', 'docker.io/gvenzl/oracle-xe:18', 'matrix value 1 of 3'],
      ['gvenzl/oracle-xe:21', 'docker.io/gvenzl/oracle-xe:21', 'matrix value 2 of 3'],
      ['gvenzl/oracle-free:23', 'docker.io/gvenzl/oracle-free:23', 'matrix value 3 of 3'],
    ]);
  });

  it('expands a service image chosen by a function: `startsWith(matrix.database, ...) && matrix.database || ...` (PrefectHQ/prefect)', async () => {
    const { occurrences } = await extractFixture(githubWorkflowDiscoverer, 'github-workflow', '.github/workflows/prefixed-service.yml');
    expect(occurrences.map((o) => [o.context, o.resolved ?? null, o.reference ?? o.problem?.message, o.note])).toEqual([
      ['jobs.run-tests.services.redis', null, 'docker.io/library/redis:latest', undefined],
      // sqlite combinations leave the service out; every postgres one runs the same image.
      ['jobs.run-tests.services.postgres', 'postgres:14', 'docker.io/library/postgres:14', 'matrix value 1 of 1'],
    ]);
  });

  it('throws for a workflow that cannot be parsed', () => {
    expect(() => githubWorkflowDiscoverer.extract(fixture('github-workflow', '.github/workflows/broken.yaml'), fixtureContext('github-workflow'))).toThrow(/invalid YAML/);
  });
});

describe('matrix expansion', () => {
  it('adds include entries that match no combination as new combinations, which later entries do not extend', () => {
    expect(matrixCombinations({ os: ['a'], include: [{ os: 'b', extra: 1 }, { extra2: 2 }, { os: 'b', extra: 3 }] })).toEqual({
      combinations: [
        { os: 'a', extra2: 2 },
        { os: 'b', extra: 1 },
        { os: 'b', extra: 3 },
      ],
    });
  });
  it('follows the include example of the GitHub documentation', () => {
    const matrix = {
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    };
    expect(matrixCombinations(matrix)).toEqual({
      combinations: [
        { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
        { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
        { fruit: 'pear', animal: 'cat', color: 'pink' },
        { fruit: 'pear', animal: 'dog', color: 'green' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
  });
  it('works with include only', () => {
    expect(expandExpressions('${{matrix.img}}', matrixCombinations({ include: [{ img: 'a:1' }, { img: 'b:2' }] }))).toEqual([
      { value: 'a:1', note: 'matrix value 1 of 2' },
      { value: 'b:2', note: 'matrix value 2 of 2' },
    ]);
  });
  it('does not expand when one expression is not a matrix path', () => {
    expect(expandExpressions('${{ matrix.a }}:${{ env.TAG }}', matrixCombinations({ a: ['x'] }))).toEqual([
      { value: { unresolved: 'expression ${{ env.TAG }} is only known when the workflow runs' } },
    ]);
  });
  it('refuses matrices larger than GitHub allows', () => {
    const values = Array.from({ length: 20 }, (_, index) => index);
    expect(matrixCombinations({ a: values, b: values })).toEqual({ unknown: 'strategy.matrix has more than 256 combinations' });
  });
});

describe('github action discoverer', () => {
  it('reports a docker:// runs.image, after the prefix', async () => {
    const { occurrences } = await extractFixture(githubActionDiscoverer, 'github-action', 'docker-action/action.yml');
    expect(summary(occurrences)).toEqual([{ context: 'runs.image', raw: 'ghcr.io/example/scanner:2.1.0', reference: 'ghcr.io/example/scanner:2.1.0' }]);
    expect(occurrences[0]).toMatchObject({ line: 9, column: 20 });
  });

  it('skips an action built from its Dockerfile', async () => {
    const { occurrences } = await extractFixture(githubActionDiscoverer, 'github-action', 'dockerfile-action/action.yaml');
    expect(occurrences).toEqual([]);
  });

  it('reports docker:// steps of composite actions; inputs are unresolved', async () => {
    const { occurrences } = await extractFixture(githubActionDiscoverer, 'github-action', 'composite/action.yml');
    expect(summary(occurrences)).toEqual([
      { context: 'runs.steps[0].uses', raw: 'koalaman/shellcheck:stable', reference: 'docker.io/koalaman/shellcheck:stable' },
      {
        context: 'runs.steps[1].uses',
        raw: 'koalaman/shellcheck:${{ inputs.version }}',
        reference: null,
        problem: 'expression ${{ inputs.version }} is only known when the workflow runs',
      },
    ]);
  });

  it('reads the image a composite action gives docker/setup-qemu-action, and no other action\'s inputs', async () => {
    const { occurrences } = await extractFixture(githubActionDiscoverer, 'github-action', 'qemu/action.yml');
    expect(summary(occurrences)).toEqual([
      {
        context: 'runs.steps[0].with.image',
        raw: 'tonistiigi/binfmt:qemu-v9.2.2@sha256:1b804311fe87047a4c96d38b4b3ef6f62fca8cd125265917a9e3dc3c996c39e6',
        reference: 'docker.io/tonistiigi/binfmt:qemu-v9.2.2@sha256:1b804311fe87047a4c96d38b4b3ef6f62fca8cd125265917a9e3dc3c996c39e6',
      },
      { context: 'runs.steps[1].with.image', raw: '${{ inputs.binfmt }}', reference: null, problem: 'expression ${{ inputs.binfmt }} is only known when the workflow runs' },
    ]);
  });
});

describe('github workflow: images `docker compose build` built earlier in the job', () => {
  const ROOT = 'docker-elk';
  /** The fixture folder listed as a whole walk lists it: the compose file is among the candidates. */
  function walkedContext() {
    const files = ['.github/workflows/ci.yml', '.github/workflows/not-built.yml', 'docker-compose.yml'].map((path) => `${ROOT}/${path}`);
    return { ...fixtureContext('github-workflow'), candidateFiles: files, candidateFilesComplete: true };
  }

  async function rows(path: string) {
    const file = fixture('github-workflow', `${ROOT}/${path}`);
    const { occurrences } = await githubWorkflowDiscoverer.extract(file, walkedContext());
    expectRawAtPositions(file, occurrences);
    return occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.local === true]);
  }

  it("marks docker-elk's docker-elk-kibana as built: a folded step ran `docker compose build` before", async () => {
    const file = fixture('github-workflow', `${ROOT}/.github/workflows/ci.yml`);
    const { occurrences } = await githubWorkflowDiscoverer.extract(file, walkedContext());
    expect(summary(occurrences)).toEqual([
      {
        context: 'jobs.test.steps[3].run',
        raw: 'docker-elk-kibana',
        reference: 'docker.io/library/docker-elk-kibana',
        local: true,
        note: 'run by `docker container run` in the script, built by `docker compose build` before it',
      },
    ]);
  });

  it('leaves pulled what compose did not build: a run before the build, a tag, an account, another name', async () => {
    expect(await rows('.github/workflows/not-built.yml')).toEqual([
      [8, 'docker-elk-kibana', false],
      [14, 'hello-world', false],
      [15, 'docker-elk-kibana:9.5.1', false],
      [16, 'acme/docker-elk-kibana', false],
      [17, 'docker-elk-filebeat', false],
      [18, 'docker-elk-kibana', true],
      [23, 'elk-logstash', true],
      [28, 'elk_setup', true],
    ]);
  });
});
