import { describe, expect, it } from 'vitest';
import { concourseDiscoverer } from '../../src/discover/concourse.js';
import { extractFixture, fixture, fixtureContext } from './discover-helpers.js';

const site = (o: { line: number; column: number; raw: string; reference: string | null; problem?: { message: string }; context?: string; local?: boolean }) => [
  `${o.line}:${o.column}`,
  o.raw,
  o.reference ?? o.problem?.message,
  o.context,
  o.local === true,
];

describe('concourse discoverer', () => {
  it('reads the images of resource types, resources and inline task configs, with their tags and digest pins', async () => {
    const { occurrences, errors } = await extractFixture(concourseDiscoverer, 'concourse', 'ci/pipeline.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map(site)).toEqual([
      ['7:27', 'linkyard/helm-chart-resource', 'docker.io/linkyard/helm-chart-resource:2.17.0', 'resource_types.helm-chart.source.repository', false],
      ['11:27', 'frodenas/gcs-resource', 'docker.io/frodenas/gcs-resource', 'resource_types.gcs.source.repository', false],
      ['25:19', 'chainguard/wolfi-base', 'docker.io/chainguard/wolfi-base:latest', 'resources.wolfi.source.repository', false],
      // Only put: the image this pipeline publishes.
      ['34:19', 'concourse/bash', 'docker.io/concourse/bash:latest', 'resources.bash.source.repository', true],
      ['43:19', 'concourse/oci-build-task', 'docker.io/concourse/oci-build-task', 'resources.oci-build-task.source.repository', false],
      ['49:19', 'concourse/dev', '((number)) is a Concourse var, filled in when the pipeline is set or from its credential manager', 'resources.pr-image.source.repository', true],
      // A docker-image resource fetched under another step name (`get: unit`, `resource: unit-image`).
      ['54:27', 'concourse/unit', 'docker.io/concourse/unit', 'resources.unit-image.source.repository', false],
      [
        '95:27',
        'cgr.dev/chainguard/bash',
        'cgr.dev/chainguard/bash:latest@sha256:0b9a4ba1b0f0fd3e3ef1fbbfd6a6f3e9ab2f16d4b2a4d4f4c8d0f09c8e0f0a1b',
        'jobs[0].plan[4].config.image_resource.source.repository',
        false,
      ],
    ]);
    expect(occurrences[0]?.resolved).toBe('linkyard/helm-chart-resource:2.17.0');
  });

  it("leaves out an inline config's image_resource that the task step's image: replaces", async () => {
    // concourse/concourse's topgun/pipelines/image-artifact.yml (Apache-2.0, commit
    // 95872ce1a3af6fc0c4ab7f23658ec81f3e778d7c): `image: a-docker-resource-with-bash` overrides the
    // config's `image_resource` ({repository: ignored}), which Concourse never fetches.
    const { occurrences, errors } = await extractFixture(concourseDiscoverer, 'concourse', 'topgun/image-artifact.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map(site)).toEqual([['6:19', 'ubuntu', 'docker.io/library/ubuntu', 'resources.a-docker-resource-with-bash.source.repository', false]]);
  });

  it('reads a task file, its tag as written and its source a flow map', async () => {
    const ytt = await extractFixture(concourseDiscoverer, 'concourse', 'ci/tasks/render-ytt.yml');
    expect(ytt.occurrences.map(site)).toEqual([
      ['6:17', 'k14s/image', 'docker.io/k14s/image:kbld-rand-1592942790507001000-1148625018150', 'image_resource.source.repository', false],
    ]);
    const yarn = await extractFixture(concourseDiscoverer, 'concourse', 'ci/tasks/yarn-test.yml');
    expect(yarn.occurrences.map(site)).toEqual([['7:25', 'concourse/unit', 'docker.io/concourse/unit', 'image_resource.source.repository', false]]);
    const numeric = concourseDiscoverer.extract({ path: 't.yml', text: 'image_resource:\n  type: registry-image\n  source: {repository: golang, tag: 1.20}\n' }, fixtureContext('concourse'));
    expect((await numeric).occurrences.map((o) => o.reference)).toEqual(['docker.io/library/golang:1.20']);
  });

  it('is recognised by content: a task file, or a pipeline with an image resource; not other YAML with jobs and resources', () => {
    const pipeline = fixture('concourse', 'ci/pipeline.yml');
    expect(concourseDiscoverer.matches(pipeline.path, pipeline.text)).toBe(true);
    expect(concourseDiscoverer.candidate?.('ci/anything.yaml')).toBe(true);
    expect(concourseDiscoverer.matches('ci/tasks/t.yaml', 'platform: linux\nimage_resource:\n  type: registry-image\n')).toBe(true);
    // microsoft/azure-pipelines-yaml (templates/docker-container-to-acr.yml): jobs and resources, no image type.
    const azure = 'resources:\n- repo: self\nstages:\n- stage: Build\n  jobs:\n  - job: Build\n    steps:\n    - task: Docker@2\njobs:\n- job: x\n';
    expect(concourseDiscoverer.matches('templates/acr.yml', azure)).toBe(false);
    // A workflow: jobs only.
    expect(concourseDiscoverer.matches('.github/workflows/ci.yml', 'on: push\njobs:\n  build:\n    container: docker-image\n')).toBe(false);
    expect(concourseDiscoverer.matches('ci/pipeline.json', pipeline.text)).toBe(false);
  });

  it('reads nothing from a map that is not of an image type', async () => {
    const text = 'resources:\n- name: repo\n  type: git\n  source: {repository: not/an-image}\njobs:\n- name: a\n  plan:\n  - get: repo\n';
    const extraction = await concourseDiscoverer.extract({ path: 'p.yml', text }, fixtureContext('concourse'));
    expect(extraction.occurrences).toEqual([]);
  });

  it('says an image_resource nested past its bound was not read (it was passed over without a word)', async () => {
    const { occurrences, errors } = await concourseDiscoverer.extract(fixture('concourse', 'hostile/deep-pipeline.yml'), fixtureContext('concourse'));
    expect(occurrences).toEqual([]);
    expect(errors).toEqual([expect.stringMatching(/^steps nest deeper than 64 levels: the image_resource there was not read \(jobs\[0\]\.plan\[0\]\.do\[0\]/)]);
  });
});
