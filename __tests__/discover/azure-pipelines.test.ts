import { describe, expect, it } from 'vitest';
import { azurePipelinesDiscoverer } from '../../src/discover/azure-pipelines.js';
import { expectRawAtPositions, extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('azure-pipelines discoverer', () => {
  it("reads a script step where it runs in bash: a Linux or macOS image, or a container job; not a Windows image or a named pool", async () => {
    const { occurrences } = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'scripts-pool/azure-pipelines.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['6:33', 'docker.io/library/postgres:16.4', 'jobs[0].steps[0].script'],
      ['12:27', 'docker.io/library/alpine:3.20', 'jobs[1].steps[1].bash'],
      ['21:33', 'docker.io/library/redis:7.4', 'jobs[3].steps[0].script'],
    ]);
  });

  it("reads a script step on a named pool whose demands ask for a Linux or macOS agent (Agent.OS, a 1ES pool's ImageOverride); not one of Windows or of any agent", async () => {
    const { occurrences } = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'scripts-demands/azure-pipelines.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['20:23', 'mcr.microsoft.com/mssql/server:2022-latest', 'jobs[1].steps[0].script'],
      ['21:93', 'mcr.microsoft.com/mssql/server:2022-latest', 'jobs[1].steps[0].script'],
      ['28:29', 'docker.io/library/redis:7.4', 'jobs[2].steps[0].script'],
    ]);
  });

  it("finds the image a bash step pulls with docker run, its $(macro) substituted; a script step (cmd on Windows agents) is not read", async () => {
    const { occurrences } = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'scripts/azure-pipelines.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([['4:27', '$(img)', 'mcr.microsoft.com/dotnet/sdk:8.0', 'steps[0].bash']]);
  });

  it('matches pipeline files', () => {
    const named = ['azure-pipelines-pr.yml', 'eng/azure-pipelines.ci.yaml', 'azure-pipelines_release.yml'];
    for (const path of ['azure-pipelines.yml', 'ci/azure-pipelines.yaml', '.azure-pipelines/release.yaml', '.azure-pipelines/templates/steps.yml', 'src/.azure-pipelines/jobs/test.yaml', ...named]) {
      expect(azurePipelinesDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['pipelines.yml', 'azure-pipelines.json', '.azure-pipelines/commands/entry-point.sh', 'azure-pipelines.yml.bak', 'azure-pipelinesrc.yml', 'my-azure-pipelines.yml']) {
      expect(azurePipelinesDiscoverer.matches(path, ''), path).toBe(false);
    }
  });

  it("reads PowerShell's .vsts-ci folder: a job container, and one named by a runtime expression, unresolved", async () => {
    expect(azurePipelinesDiscoverer.matches('.vsts-ci.yml', '')).toBe(true);
    const pipeline = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'real/powershell/.vsts-ci/sshremoting-tests.yml');
    expect(pipeline.occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([['48:14', 'mcr.microsoft.com/powershell/test-deps:ubuntu-18.04', 'jobs[0].container']]);
    const template = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'real/powershell/.vsts-ci/templates/test/nix-container-test.yml');
    expect(template.occurrences.map((o) => [`${o.line}:${o.column}`, o.problem])).toEqual([
      ['18:14', { kind: 'unresolved', message: "variable getContainerJob is set to $[ dependencies.getContainerJob.outputs['getContainerTask.containerName'] ], only known when the pipeline runs" }],
    ]);
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
      // One per leg of the job's matrix, as Microsoft's container-job documentation writes it.
      { context: 'stages[0].jobs[1].container', raw: "$[ variables['containerImage'] ]", resolved: 'ubuntu:22.04', reference: 'docker.io/library/ubuntu:22.04', note: 'matrix value 1 of 2' },
      { context: 'stages[0].jobs[1].container', raw: "$[ variables['containerImage'] ]", resolved: 'ubuntu:24.04', reference: 'docker.io/library/ubuntu:24.04', note: 'matrix value 2 of 2' },
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
      // A job's own variables, over the file's.
      { context: 'stages[0].jobs[4].container.image', raw: '$(ContainerName)', resolved: 'ghcr.io/acme/ci-tools:2.1', reference: 'ghcr.io/acme/ci-tools:2.1' },
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

  it('reads a matrix whose legs name container resources as those aliases, not as images or notes (rdma-core)', async () => {
    const { occurrences, errors } = await extractFixture(azurePipelinesDiscoverer, 'azure-pipelines', 'real/rdma-core/buildlib/azure-pipelines.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((occurrence) => occurrence.context)).toEqual(Array.from({ length: 10 }, (_, index) => `resources.containers[${index}].image`));
    expect(occurrences.every((occurrence) => occurrence.reference !== null)).toBe(true);
  });

  it('reads templates under .azure-pipelines/ with the variables of the pipelines that include them (ansible)', async () => {
    const context = fixtureContext('azure-pipelines');
    const root = 'real/ansible/.azure-pipelines';
    context.candidateFiles = await context.listFiles!(root);
    const image = 'quay.io/ansible/azure-pipelines-test-container:6.0.0';
    // Through templates/matrix.yml to templates/test.yml, and directly to templates/coverage.yml.
    for (const template of ['test.yml', 'coverage.yml']) {
      const { occurrences } = await azurePipelinesDiscoverer.extract(fixture('azure-pipelines', `${root}/templates/${template}`), context);
      expect(occurrences.map((occurrence) => [occurrence.raw, occurrence.resolved]), template).toEqual([['$[ variables.defaultContainer ]', image]]);
    }
    // Without the pipeline that includes it, the variable is unknown, as before.
    const alone = await azurePipelinesDiscoverer.extract(fixture('azure-pipelines', `${root}/templates/coverage.yml`), fixtureContext('azure-pipelines'));
    expect(alone.occurrences[0].problem?.message).toMatch(/variable defaultContainer is not defined in this file/);
  });

  it('reads the templates a pipeline includes from anywhere, through the first pipeline that reaches them (arcade)', async () => {
    // Template paths starting with `/` are from the repository root: the fixture is one.
    const root = 'azure-pipelines/real/arcade';
    const context = fixtureContext(root);
    context.candidateFiles = await context.listFiles!('');
    const { occurrences, errors } = await azurePipelinesDiscoverer.extract(fixture(root, 'azure-pipelines-pr.yml'), context);
    expect(errors).toEqual([]);
    expect(occurrences.map((occurrence) => [occurrence.file, occurrence.line, occurrence.column, occurrence.raw, occurrence.reference])).toEqual([
      ['azure-pipelines-pr.yml', 8, 12, 'mcr.microsoft.com/dotnet-buildtools/prereqs:azurelinux-3.0-net10.0-fpm-amd64', 'mcr.microsoft.com/dotnet-buildtools/prereqs:azurelinux-3.0-net10.0-fpm-amd64'],
      ['eng/common/core-templates/jobs/source-build.yml', 7, 17, 'mcr.microsoft.com/dotnet-buildtools/prereqs:centos-stream-10-amd64', 'mcr.microsoft.com/dotnet-buildtools/prereqs:centos-stream-10-amd64'],
      ['eng/common/core-templates/job/source-build.yml', 12, 16, '${{ parameters.platform.container }}', null],
    ]);
    for (const path of new Set(occurrences.map((occurrence) => occurrence.file))) {
      expectRawAtPositions(fixture(root, path), occurrences.filter((occurrence) => occurrence.file === path));
    }
    // A template is reported once, by the pipeline that reaches it first, not again on its own.
    expect(azurePipelinesDiscoverer.matches('eng/common/core-templates/jobs/source-build.yml', '')).toBe(false);
  });

  it('does not read the parameters a template is given as job settings: `container: internal` names a storage container (arcade)', async () => {
    const path = 'real/arcade/eng/common/core-templates/steps/enable-internal-runtimes.yml';
    const { occurrences } = await azurePipelinesDiscoverer.extract(fixture('azure-pipelines', path), fixtureContext('azure-pipelines'));
    expect(occurrences).toEqual([]);
  });

  it('throws for a file that cannot be parsed', async () => {
    await expect(azurePipelinesDiscoverer.extract(fixture('azure-pipelines', 'broken/azure-pipelines.yml'), fixtureContext('azure-pipelines'))).rejects.toThrow(/invalid YAML/);
  });

  // Crafted by the offline audit (no real repository has these; the first is 200 one-line
  // pipelines beside one template): the include graph's bounds left a template unread, and
  // the scan passed with its images unchecked.
  it('says which templates the include graph bounds left unread', async () => {
    const extractAll = async (files: Record<string, string>) => {
      const context = { buildArgs: {}, readFile: async (path: string) => files[path], candidateFiles: Object.keys(files) };
      const results = [];
      for (const path of Object.keys(files).filter((name) => azurePipelinesDiscoverer.matches(name, files[name]))) results.push(await azurePipelinesDiscoverer.extract({ path, text: files[path] }, context));
      return { images: results.flatMap((r) => r.occurrences.map((o) => o.raw)), errors: results.flatMap((r) => r.errors ?? []) };
    };

    // 200 pipelines fill the graph before the template they all name is read.
    const pipelines: Record<string, string> = { 'templates/big.yml': 'steps:\n  - bash: docker run evil/shared:1\n' };
    for (let i = 0; i < 200; i++) pipelines[`.azure-pipelines/p${i}.yml`] = 'pool:\n  vmImage: ubuntu-latest\nsteps:\n  - template: ../templates/big.yml\n';
    const many = await extractAll(pipelines);
    expect(many.images).toEqual([]);
    expect(many.errors).toHaveLength(200);
    expect(many.errors[0]).toBe('template templates/big.yml not read: the include graph reads at most 200 pipeline files and templates');

    // One pipeline naming 201 templates, the last with the image.
    const one: Record<string, string> = { 'azure-pipelines.yml': 'pool:\n  vmImage: ubuntu-latest\nsteps:\n' + Array.from({ length: 201 }, (_, i) => `  - template: t/t${i}.yml\n`).join('') };
    for (let i = 0; i < 201; i++) one[`t/t${i}.yml`] = i === 200 ? 'steps:\n  - bash: docker run evil/last:1\n' : 'steps:\n  - bash: echo\n';
    const wide = await extractAll(one);
    expect(wide.images).toEqual([]);
    expect(wide.errors).toEqual([
      'it names more than 200 templates: the others were not read',
      'template t/t199.yml not read: the include graph reads at most 200 pipeline files and templates',
    ]);
  });

  // Crafted: each job with variables of its own copied every variable in scope, and each resolution
  // copied them again per matrix leg, so 10,000 jobs under 30,000 variables (918 KB) took 4.5 minutes.
  // No duration is asserted: copied, these 6,000 jobs under 20,000 variables run past the test timeout.
  it('looks variables up through the scopes that set them, never copying them per job', async () => {
    const variables = Array.from({ length: 20_000 }, (_, index) => `  v${index}: x\n`).join('');
    const jobs = Array.from({ length: 6_000 }, (_, index) => `- {job: j${index}, variables: {T: "${index}"}, container: "alpine:$(T)-$(v0)", steps: [{bash: echo}]}\n`).join('');
    const { occurrences } = await azurePipelinesDiscoverer.extract({ path: 'azure-pipelines.yml', text: `variables:\n${variables}jobs:\n${jobs}` }, fixtureContext('azure-pipelines'));
    expect(occurrences).toHaveLength(6_000);
    expect(occurrences.at(-1)?.reference).toBe('docker.io/library/alpine:5999-x');
  });
});
