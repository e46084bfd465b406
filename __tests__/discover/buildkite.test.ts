import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildkiteDiscoverer, pluginName } from '../../src/discover/buildkite.js';
import { discoverRepository, isCandidatePath } from '../../src/discover/index.js';
import { extractFixture, fixture, fixtureContext, positionedSummary, summary } from './discover-helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/discover/buildkite/', import.meta.url));

describe('buildkite discoverer', () => {
  it("finds the images a step's command or commands pull with docker run and docker pull", async () => {
    const { occurrences } = await extractFixture(buildkiteDiscoverer, 'buildkite', 'scripts/.buildkite/pipeline.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['3:30', 'node:22', 'docker.io/library/node:22', 'steps[0].command'],
      ['6:21', 'redis:7.4', 'docker.io/library/redis:7.4', 'steps[1].commands[0]'],
      ['7:26', 'postgres:16', 'docker.io/library/postgres:16', 'steps[1].commands[1]'],
    ]);
  });

  it('reads a pipeline rendered from a Go template around its {{ }} actions, an image holding one unresolved', async () => {
    const { occurrences, errors } = await extractFixture(buildkiteDiscoverer, 'buildkite', 'go-template/.buildkite/notify-failures.tpl.yml');
    expect(errors ?? []).toEqual([]);
    const agent = 'docker.elastic.co/ci-agent-images/cloud-k8s-operator/buildkite-agent:latest@sha256:6e8a8db698461f435b03d6b97de58146f4a320d16c9cb1547686f69a5e91544e';
    expect(positionedSummary(occurrences)).toEqual([
      { at: '7:14', raw: agent, reference: agent, context: 'steps[0].agents.image' },
      { at: '16:14', raw: agent, reference: agent, context: 'steps[1].agents.image' },
    ]);
    const text = 'steps:\n{{- range .Suites }}\n  - command: make e2e\n    agents:\n      image: "{{ .AgentImage }}"\n{{- end }}\n';
    const templated = await buildkiteDiscoverer.extract({ path: '.buildkite/e2e.tpl.yml', text }, fixtureContext('buildkite'));
    expect(templated.occurrences.map((o) => [o.raw, o.problem?.message])).toEqual([['{{ .AgentImage }}', 'a {{ }} template action fills it in when the file is rendered']]);
    // What does not parse even around its actions is still unreadable.
    const branches = 'steps:\n{{- if .A }}\n  - command: a\n{{- else }}\n  command: b\n{{- end }}\n';
    await expect(Promise.resolve().then(() => buildkiteDiscoverer.extract({ path: '.buildkite/e2e.tpl.yml', text: branches }, fixtureContext('buildkite')))).rejects.toThrow(/invalid YAML/);
  });

  it('reads pipelines under .buildkite/ and buildkite.yml; other YAML there only with top-level steps', () => {
    for (const path of ['.buildkite/pipeline.yml', '.buildkite/pipeline.release.yaml', 'svc/.buildkite/pipeline.json', 'buildkite.yml', 'ci/buildkite.yaml']) {
      expect(buildkiteDiscoverer.matches(path, ''), path).toBe(true);
    }
    expect(buildkiteDiscoverer.matches('.buildkite/deploy.yml', 'env:\n  A: 1\nsteps:\n  - command: x\n')).toBe(true);
    // A manifest or a compose file kept under .buildkite/ is left to its own kind (which reads it by content).
    const rbac = fixture('buildkite', '.buildkite/rbac.yaml');
    expect(buildkiteDiscoverer.matches(rbac.path, rbac.text)).toBe(false);
    expect(buildkiteDiscoverer.matches('.buildkite/docker-compose.ci.yml', 'services:\n  app:\n    image: x\n')).toBe(false);
    for (const path of ['pipeline.yml', '.buildkite/steps/run.sh', 'docs/buildkite.md', 'buildkite/pipeline.yml']) {
      expect(buildkiteDiscoverer.candidate!(path), path).toBe(false);
    }
    expect(isCandidatePath([buildkiteDiscoverer], '.buildkite/hooks/values.yaml')).toBe(true);
  });

  it('reads the docker plugin in its written forms, official plugins only', async () => {
    const { occurrences, notes } = await extractFixture(buildkiteDiscoverer, 'buildkite', '.buildkite/pipeline.release-stable.yml');
    expect(positionedSummary(occurrences)).toEqual([
      {
        at: '22:19',
        raw: '032379705303.dkr.ecr.us-east-1.amazonaws.com/deploytools:2022.07',
        reference: '032379705303.dkr.ecr.us-east-1.amazonaws.com/deploytools:2022.07',
        context: 'steps[1].plugins.docker#v5.8.0.image',
      },
      {
        at: '40:19',
        raw: 'buildkite/agent:3.55.0-ubuntu',
        reference: 'docker.io/buildkite/agent:3.55.0-ubuntu',
        context: 'steps[2].plugins.https://github.com/buildkite-plugins/docker-buildkite-plugin.git#v5.8.0.image',
      },
    ]);
    // The compose file the plugin runs is read as compose; one the repository lacks is a note.
    expect(notes).toEqual([
      'line 37: steps[2].plugins.docker-compose#v4.14.0 runs the services of .buildkite/docker-compose.missing.yml, which is not in the repository: their images are not checked',
    ]);
  });

  it('reads step images through merge keys once, and the kubernetes plugin containers', async () => {
    const { occurrences } = await extractFixture(buildkiteDiscoverer, 'buildkite', '.buildkite/pipeline.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      { at: '15:12', raw: 'alpine/helm:3.18.3', reference: 'docker.io/alpine/helm:3.18.3', context: 'steps[0].image' },
      {
        at: '6:12',
        raw: 'alpine:3.23.0@sha256:51183f2cfa6320055da30872f211093f9ff1d3cf06f39a0bdb212314c5dc7375',
        reference: 'docker.io/library/alpine:3.23.0@sha256:51183f2cfa6320055da30872f211093f9ff1d3cf06f39a0bdb212314c5dc7375',
        context: 'steps[1].image',
      },
      { at: '32:24', raw: 'bitnami/kubectl:1.33', reference: 'docker.io/bitnami/kubectl:1.33', context: 'steps[3].plugins.kubernetes.podSpec.containers[0].image' },
      { at: '35:22', raw: 'nginx:1.27', reference: 'docker.io/library/nginx:1.27', context: 'steps[3].plugins.kubernetes.sidecars[0].image' },
    ]);
  });

  it('interpolates the top-level env; agents.image is a container image unless a VM provider is named', async () => {
    const { occurrences } = await extractFixture(buildkiteDiscoverer, 'buildkite', '.buildkite/pipeline.elastic.yml');
    expect(summary(occurrences)).toEqual([
      { context: 'steps[0].agents.image', raw: '${LINUX_GOLANG_AGENT_IMAGE}', resolved: 'golang:1.24', reference: 'docker.io/library/golang:1.24' },
      {
        context: 'steps[1].agents.image',
        raw: '${GO_LINUX_IMAGE}',
        reference: null,
        problem: '${GO_VERSION} is a Buildkite variable, known only when the pipeline is uploaded',
      },
      {
        context: 'steps[4].agents.image',
        raw: '$JUNIT:${JUNIT_TAG:-1.0}',
        reference: null,
        problem: '${JUNIT_TAG:-1.0} is a Buildkite variable, known only when the pipeline is uploaded',
      },
      {
        context: 'steps[5].agents.image',
        raw: '${JUNIT}:1.0',
        resolved: 'docker.elastic.co/ci-agent-images/buildkite-junit-annotate:1.0',
        reference: 'docker.elastic.co/ci-agent-images/buildkite-junit-annotate:1.0',
      },
    ]);
  });

  it('expands {{matrix}} values inside group steps, with adjustments', async () => {
    const { occurrences } = await extractFixture(buildkiteDiscoverer, 'buildkite', 'ci/buildkite.yml');
    expect(summary(occurrences).map((row) => [row.context, row.resolved, row.note])).toEqual([
      ['steps[0].steps[0].plugins.docker#v5.12.0.image', 'python:3.12', 'matrix value 1 of 2'],
      ['steps[0].steps[0].plugins.docker#v5.12.0.image', 'python:3.13', 'matrix value 2 of 2'],
      ['steps[0].steps[1].plugins.docker#v5.12.0.image', 'ubuntu:latest', 'matrix value 1 of 2'],
      ['steps[0].steps[1].plugins.docker#v5.12.0.image', 'alpine:latest', 'matrix value 2 of 2'],
    ]);
  });

  // Crafted: each step may name an anchored matrix of 256 values in a few bytes, so 5,000 steps
  // (407 KB) made 1.28 million images; and a dimension of 100,000 values was multiplied out before
  // the 256-combination bound was checked.
  it('reads at most 10,000 matrix values in a file and says so; a product past 256 is not built', async () => {
    const values = `[${Array.from({ length: 256 }, (_, index) => `"v${index}"`).join(',')}]`;
    const steps = Array.from({ length: 40 }, () => '  - {command: echo, plugins: [{docker#v5: {image: "a:{{matrix}}"}}], matrix: *m}\n').join('');
    const { occurrences, errors } = await buildkiteDiscoverer.extract({ path: '.buildkite/pipeline.yml', text: `x: &m ${values}\nsteps:\n${steps}` }, fixtureContext('buildkite'));
    expect(occurrences.filter((o) => o.reference !== null)).toHaveLength(10_000);
    expect(errors).toEqual(["the steps' matrices give more than 10,000 values in this file: the images of the others were not read"]);
    const big = `[${Array.from({ length: 100_000 }, (_, index) => index).join(',')}]`;
    const product = await buildkiteDiscoverer.extract(
      { path: '.buildkite/pipeline.yml', text: `steps:\n  - {command: echo, plugins: [{docker#v5: {image: "a:{{matrix.a}}{{matrix.b}}"}}], matrix: {setup: {a: [x, y], b: ${big}}}}\n` },
      fixtureContext('buildkite'),
    );
    expect(product.occurrences.map((o) => o.problem?.message)).toEqual([expect.stringMatching(/more than 256 combinations/)]);
  });

  it('names plugins from their keys', () => {
    expect(pluginName('docker#v5.8.0')).toEqual({ name: 'docker', official: true });
    expect(pluginName('buildkite-plugins/docker-compose#v4')).toEqual({ name: 'docker-compose', official: true });
    expect(pluginName('ssh://git@github.com/buildkite-plugins/docker-buildkite-plugin.git#v1')).toEqual({ name: 'docker', official: true });
    expect(pluginName('someone/docker#v1')).toEqual({ name: 'docker', official: false });
    expect(pluginName('${BUILDKITE_PULL_REQUEST_REPO:-$BUILDKITE_REPO}#${BUILDKITE_COMMIT}').official).toBe(false);
  });

  it('leaves a manifest kept under .buildkite/ to the Kubernetes reader, in a scan of the repository', async () => {
    const discovery = await discoverRepository(FIXTURES);
    const kinds = new Map<string, Set<string>>();
    for (const occurrence of discovery.occurrences) kinds.set(occurrence.file, (kinds.get(occurrence.file) ?? new Set()).add(occurrence.kind));
    expect(Object.fromEntries([...kinds].map(([file, set]) => [file, [...set]]))).toEqual({
      '.buildkite/pipeline.elastic.yml': ['buildkite'],
      '.buildkite/pipeline.release-stable.yml': ['buildkite'],
      '.buildkite/pipeline.yaml': ['buildkite'],
      '.buildkite/rbac.yaml': ['kubernetes'],
      'ci/buildkite.yml': ['buildkite'],
      'go-template/.buildkite/notify-failures.tpl.yml': ['buildkite'],
      'scripts/.buildkite/pipeline.yml': ['buildkite'],
    });
  });
});
