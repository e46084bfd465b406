import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { valueFilePath } from '../../src/discover/argo-value-files.js';
import { collectManifestImages, kubernetesDiscoverer, trailingLetters } from '../../src/discover/kubernetes.js';
import { jsonStreamValues, parseJsonStream } from '../../src/discover/yaml.js';
import type { Occurrence } from '../../src/model.js';
import { expectRawAtPositions, fixture, fixtureContext, positionedSummary } from './discover-helpers.js';
import { templateFileOf } from '../../src/discover/template-file.js';
import { celImageLiterals, imageListEntries } from '../../src/discover/handed-images.js';
import { processParameters, templateParameters } from '../../src/discover/openshift-template.js';

async function extract(path: string) {
  const file = fixture('kubernetes', path);
  expect(kubernetesDiscoverer.matches(path, file.text)).toBe(true);
  const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
  expectRawAtPositions(file, extraction.occurrences);
  // Helm values written in a HelmRelease or an Argo CD application are Helm values (pinned apart).
  for (const occurrence of extraction.occurrences) expect(occurrence.kind).toBe(/\.values(Object|Content)?\.|\.helm\.parameters\[/.test(occurrence.context ?? '') ? 'helm' : 'kubernetes');
  return extraction;
}

describe('kubernetes matches', () => {
  it.each([
    ['deploy/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\n', true],
    ['deploy/app.YML', '# comment\napiVersion: v1\nkind: Pod\n', true],
    ['deploy/app.json', 'apiVersion: v1\nkind: Pod\n', false],
    ['deploy/app.json', '{"kind": "Pod", "apiVersion": "v1"}', true],
    ['deploy/flow.yaml', '{\n  apiVersion: "v1",\n  kind: "Pod",\n}\n', true],
    ['deploy/quoted.yaml', '"apiVersion": v1\n\'kind\': Pod\n', true],
    ['deploy/app.txt', 'apiVersion: v1\nkind: Pod\n', false],
    ['deploy/other.yaml', 'apiVersions: [v1]\nkinds: [Pod]\n', false],
    ['.github/workflows/ci.yml', 'on: push\njobs: {}\n', false],
    ['charts/x/Chart.yaml', 'apiVersion: v2\nname: x\n', false],
    ['overlays/prod/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n', false],
  ])('%s', (path, text, expected) => {
    expect(kubernetesDiscoverer.matches(path, text)).toBe(expected);
  });
});

describe('kubernetes: flow-style YAML and JSON manifests', () => {
  it('reads a flow-style manifest with indented and quoted keys, positioned inside the quotes', async () => {
    const { occurrences, errors } = await extract('flow-style-pod.yaml');
    expect(errors).toBeUndefined();
    expect(positionedSummary(occurrences)).toEqual([
      { at: '8:41', raw: 'nginx:1.25', reference: 'docker.io/library/nginx:1.25', context: 'spec.containers[0].image' },
      { at: '11:15', raw: 'busybox:1.36', reference: 'docker.io/library/busybox:1.36', context: 'spec.initContainers[0].image' },
    ]);
  });

  it('reads a JSON manifest (tab-indented, escaped slashes)', async () => {
    const { occurrences, errors } = await extract('deployment.json');
    expect(errors).toBeUndefined();
    expect(positionedSummary(occurrences)).toEqual([
      { at: '9:32', raw: 'ghcr.io\\/example\\/api:2.1.0', reference: 'ghcr.io/example/api:2.1.0', context: 'spec.template.spec.containers[0].image' },
    ]);
  });

  it('reads the items of a JSON List', async () => {
    const { occurrences } = await extract('list.json');
    expect(occurrences.map((o) => [o.context, o.reference])).toEqual([['items[0].spec.template.spec.containers[0].image', 'registry.example.com/tools/migrate:1.4']]);
  });

  it.each(['package.json', '.devcontainer/devcontainer.json', 'tsconfig.json', 'cloudbuild.json', 'renovate.json'])(
    'does not claim other JSON: %s',
    async (name) => {
      const file = fixture('kubernetes', `json-others/${name}`);
      expect(kubernetesDiscoverer.matches(file.path, file.text)).toBe(false);
      // Even if asked, nothing comes out of it.
      expect(await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'))).toEqual({ occurrences: [] });
    },
  );

  it('finds nothing in JSON that names the keys without being a manifest (a schema)', async () => {
    const file = fixture('kubernetes', 'json-others/pod-schema.json');
    expect(kubernetesDiscoverer.matches(file.path, file.text)).toBe(true);
    expect(await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'))).toEqual({ occurrences: [] });
  });

  it('finds nothing, and reports nothing, in YAML that only nests the keys', async () => {
    for (const name of ['tool-config.yaml', 'tool-config-broken.yaml']) {
      const file = fixture('kubernetes', name);
      expect(kubernetesDiscoverer.matches(file.path, file.text), name).toBe(true);
      expect(await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes')), name).toEqual({ occurrences: [] });
    }
  });

  it('still reports a parse error in a JSON manifest that may name an image', async () => {
    const file = { path: 'deploy/broken.json', text: '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "spec": {"containers": [{"image": "nginx:1.27"\n}\n' };
    expect(kubernetesDiscoverer.matches(file.path, file.text)).toBe(true);
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(extraction.occurrences).toEqual([]);
    expect(extraction.errors).toHaveLength(1);
  });

  it('reports no parse error in JSON without an image word (spinnaker/spinnaker 8f1801d: a test List whose items are %s)', async () => {
    const file = fixture('kubernetes', 'json-others/list-manifest-format.json');
    expect(kubernetesDiscoverer.matches(file.path, file.text)).toBe(true);
    expect(await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'))).toEqual({ occurrences: [] });
    // The same file with an image word in it still reports what it could not read.
    const named = { path: file.path, text: file.text.replace('"name": "list-test"', '"name": "list-test", "annotations": {"image": "x"}') };
    expect((await kubernetesDiscoverer.extract(named, fixtureContext('kubernetes'))).errors).toHaveLength(1);
  });
});

describe('kubernetes extract', () => {
  it('finds the deployments of the guestbook, skipping services and comments', async () => {
    const { occurrences, errors } = await extract('guestbook-all-in-one.yaml');
    expect(errors).toBeUndefined();
    expect(positionedSummary(occurrences)).toEqual([
      { at: '34:16', raw: 'registry.k8s.io/redis:e2e', reference: 'registry.k8s.io/redis:e2e', context: 'spec.template.spec.containers[0].image' },
      { at: '60:17', raw: 'gcr.io/google-samples/gb-frontend:v4', reference: 'gcr.io/google-samples/gb-frontend:v4', context: 'spec.template.spec.containers[0].image' },
    ]);
  });

  it('reads List items: pods with init and ephemeral containers, a CronJob, a PodTemplate', async () => {
    const { occurrences } = await extract('workloads-list.yaml');
    expect(occurrences.map((o) => [o.context, o.reference])).toEqual([
      ['items[0].spec.initContainers[0].image', 'docker.io/library/busybox:1.36'],
      ['items[0].spec.containers[0].image', 'ghcr.io/example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
      ['items[0].spec.ephemeralContainers[0].image', 'docker.io/nicolaka/netshoot'],
      ['items[1].spec.jobTemplate.spec.template.spec.containers[0].image', 'docker.io/library/python:3.12-slim'],
      // A container without a name still counts in a known pod template.
      ['items[2].template.spec.containers[0].image', 'quay.io/prometheus/busybox:latest'],
    ]);
  });

  it('reports placeholders as unresolved, grammar errors as invalid, and skips empty images', async () => {
    const { occurrences } = await extract('statefulset-envsubst.yaml');
    expect(occurrences).toHaveLength(4);
    const [postgres, exporter, collector, migrate] = occurrences;
    expect(postgres).toMatchObject({ raw: 'postgres:${POSTGRES_VERSION}', reference: null, problem: { kind: 'unresolved' } });
    expect(postgres.problem?.message).toContain('${POSTGRES_VERSION}');
    // A folded block scalar: the position is the first line of its text.
    expect(exporter).toMatchObject({ line: 14, column: 11, reference: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0' });
    expect(collector).toMatchObject({ context: 'spec.template.spec.containers[1].image', reference: 'docker.io/otel/opentelemetry-collector-contrib:0.98.0' });
    expect(migrate).toMatchObject({ raw: 'Example/Migrate:1.0', reference: null, problem: { kind: 'invalid' } });
  });

  it('reads Tekton steps, sidecars and stepTemplate, resolving parameters from their defaults', async () => {
    const { occurrences } = await extract('tekton-git-clone.yaml');
    expect(occurrences.map((o) => [o.context, o.raw, o.reference])).toEqual([
      ['spec.stepTemplate.image', 'docker.io/library/alpine:3.19', 'docker.io/library/alpine:3.19'],
      ['spec.steps[0].image', '$(params.gitInitImage)', 'gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2'],
      ['spec.sidecars[0].image', 'docker:24-dind', 'docker.io/library/docker:24-dind'],
      ['spec.tasks[1].taskSpec.steps[0].image', '$(params.goImage)', 'docker.io/library/golang:1.22'],
      ['spec.tasks[1].taskSpec.steps[1].image', '$(params.builderImage)', null],
      ['spec.finally[0].taskSpec.steps[0].image', 'curlimages/curl:8.7.1', 'docker.io/curlimages/curl:8.7.1'],
      ['spec.taskSpec.steps[0].image', 'ubuntu', 'docker.io/library/ubuntu'],
      ['spec.taskSpec.steps[1].image', 'registry.example.com/tools/$(context.taskRun.namespace):1.0', null],
    ]);
    const clone = occurrences[1];
    expect(clone.resolved).toBe('gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2');
    expect(clone.note).toContain('gitInitImage');
    expect(occurrences[4].problem).toEqual({ kind: 'unresolved', message: expect.stringContaining('builderImage') });
    expect(occurrences[7].problem?.kind).toBe('unresolved');
  });

  it('reads Argo Workflows templates: container, script, containerSet, initContainers, sidecars, CronWorkflow', async () => {
    const { occurrences } = await extract('argo-workflows.yaml');
    expect(occurrences.map((o) => [o.context, o.reference])).toEqual([
      ['spec.templates[1].container.image', 'docker.io/library/alpine:latest'],
      ['spec.templates[1].initContainers[0].image', 'docker.io/library/alpine:3.19'],
      ['spec.templates[1].sidecars[0].image', 'docker.io/library/nginx:1.25'],
      ['spec.templates[2].script.image', 'docker.io/library/python:3.12'],
      ['spec.templates[3].container.image', 'docker.io/library/debian:bookworm'],
      ['spec.templates[4].container.image', null],
      ['spec.templates[0].containerSet.containers[0].image', 'docker.io/argoproj/argosay:v2'],
      ['spec.templates[0].containerSet.containers[1].image', 'docker.io/argoproj/argosay:v2'],
      ['spec.workflowSpec.templates[0].container.image', 'docker.io/library/busybox'],
    ]);
    expect(occurrences[3]).toMatchObject({ raw: '{{workflow.parameters.python-image}}', resolved: 'python:3.12' });
    expect(occurrences[5].problem).toMatchObject({ kind: 'unresolved', message: expect.stringContaining('{{inputs.parameters.image}}') });
  });

  it('applies the generic rule to other custom resources without inventing images', async () => {
    const { occurrences } = await extract('custom-resources.yaml');
    expect(occurrences.map((o) => o.raw)).toEqual([
      'argoproj/rollouts-demo:blue',
      'ghcr.io/knative/helloworld-go:latest',
      // Prometheus' own `spec.image` is no container, but the operator runs it (operator-images.ts); its extra containers too.
      'quay.io/prometheus/prometheus:v2.51.0',
      'quay.io/prometheus-operator/prometheus-config-reloader:v0.72.0',
      // `kind: TodoList` without `items` is an object like any other.
      'ghcr.io/example/todo-runner:0.3.1',
    ]);
  });

  it("reads a kind cluster configuration's node images", async () => {
    const { occurrences } = await extract('kind-cluster.yaml');
    const node = 'kindest/node:v1.31.0@sha256:53df588e04085fd41ae12de0c3fe4c72f7013bba32a20e7325357a1ac94ba865';
    expect(positionedSummary(occurrences)).toEqual([
      { at: '7:10', raw: node, reference: `docker.io/${node}`, context: 'nodes[0].image' },
      { at: '9:10', raw: node, reference: `docker.io/${node}`, context: 'nodes[1].image' },
    ]);
    expect(occurrences[0].note).toBe('the image kind runs this cluster node from');
  });

  it("reads the kind configuration a ctlptl cluster hands to kind", async () => {
    const { occurrences } = await extract('ctlptl-kind-cluster.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      { at: '10:14', raw: 'kindest/node:v1.27.11', reference: 'docker.io/kindest/node:v1.27.11', context: 'kindV1Alpha4Cluster.nodes[0].image' },
    ]);
    expect(occurrences[0].note).toBe('the image kind runs this cluster node from');
  });

  it("reads a k3d cluster configuration's node image", async () => {
    const { occurrences } = await extract('k3d-cluster.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      { at: '9:8', raw: 'docker.io/rancher/k3s:v1.31.4-k3s1', reference: 'docker.io/rancher/k3s:v1.31.4-k3s1', context: 'image' },
    ]);
    expect(occurrences[0].note).toBe("the image k3d runs the cluster's nodes from");
  });

  it("leaves a Kyverno policy's validate patterns alone and reads the resources its generate rules create", async () => {
    const { occurrences } = await extract('kyverno-policy-patterns.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      { at: '40:20', raw: 'public.ecr.aws/docker/library/nginx:1.27', reference: 'public.ecr.aws/docker/library/nginx:1.27', context: 'spec.rules[1].generate.data.spec.containers[0].image' },
    ]);
  });

  it('keeps the documents that parse when one does not', async () => {
    const { occurrences, errors } = await extract('malformed.yaml');
    expect(occurrences.map((o) => o.raw)).toEqual(['nginx:1.25', 'memcached:1.6']);
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatch(/line 1[89]/);
  });

  it('drops the parse error of a document that names no image, its only image words keys such as imagePullPolicy', async () => {
    const without = await extract('unparsed/compare-without-images.yml');
    expect(without.occurrences).toEqual([]);
    expect(without.errors).toBeUndefined();
    // The same document with an image in it: the error stays, that image may be hidden.
    const withImage = await extract('unparsed/compare-with-image.yml');
    expect(withImage.errors).toHaveLength(1);
  });

  it('survives an alias bomb and reports an aliased container once, where it is written', async () => {
    const { occurrences } = await extract('alias-bomb.yaml');
    expect(positionedSummary(occurrences)).toEqual([{ at: '18:12', raw: 'nginx:1.25', reference: 'docker.io/library/nginx:1.25', context: 'spec.containers[0].image' }]);
  });

  it('gives an anchored container the context where it is written', async () => {
    const { occurrences } = await extract('anchors.yaml');
    expect(occurrences.map((o) => o.context)).toEqual(['spec.template.spec.initContainers[0].image', 'spec.template.spec.containers[0].image']);
  });

  it('stops at its node bound on a huge document and says so', () => {
    const count = 17_000;
    const containers = Array.from({ length: count }, (_, index) => `  - name: c${index}\n    image: busybox:${index}\n`).join('');
    const scan = collectManifestImages(`apiVersion: example.com/v1\nkind: Huge\nspec:\n  containers:\n${containers}`);
    expect(scan.errors.some((error) => error.includes('too many nodes'))).toBe(true);
    expect(scan.images.length).toBeGreaterThan(10_000);
    expect(scan.images.length).toBeLessThan(count);
  });

  it('leaves Helm chart templates to the Helm discoverer', async () => {
    const file = fixture('helm', 'mychart/templates/tests/test-connection.yaml');
    expect(kubernetesDiscoverer.matches(file.path, file.text)).toBe(true);
    expect((await kubernetesDiscoverer.extract(file, fixtureContext('helm'))).occurrences).toEqual([]);
    // Without a Chart.yaml above it, a templates/ folder is just a folder of manifests.
    const plain = { path: 'templates/pod.yaml', text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx:1.25\n' };
    expect((await kubernetesDiscoverer.extract(plain, fixtureContext('kubernetes'))).occurrences).toHaveLength(1);
  });
});

describe('kubernetes: Tekton bundles, TriggerTemplates and image volumes', () => {
  const bundleNote = 'a Tekton bundle: the OCI image the task or pipeline is read from';

  it('reads every bundle of a Konflux PipelineRun (bundles resolver)', async () => {
    const { occurrences, errors } = await extract('tekton/konflux-ui-push.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences).toHaveLength(19);
    expect(occurrences.every((occurrence) => occurrence.note === bundleNote && occurrence.reference?.startsWith('quay.io/konflux-ci/tekton-catalog/task-'))).toBe(true);
    expect(positionedSummary(occurrences.slice(0, 1))).toEqual([
      {
        at: '51:18',
        raw: 'quay.io/konflux-ci/tekton-catalog/task-show-sbom:0.1@sha256:8fe70a95c28b1ac92abd67a7477ad960218f3f570a9f8a12ad082dff7e9c9579',
        reference: 'quay.io/konflux-ci/tekton-catalog/task-show-sbom:0.1@sha256:8fe70a95c28b1ac92abd67a7477ad960218f3f570a9f8a12ad082dff7e9c9579',
        context: 'spec.pipelineSpec.finally[0].taskRef.params[1].value',
      },
    ]);
  });

  it('reads the bundle of a TaskRun through the bundles resolver', async () => {
    const { occurrences } = await extract('tekton/bundles-resolver.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      {
        at: '16:16',
        raw: 'ghcr.io/tektoncd/catalog/upstream/tasks/git-clone@sha256:65e61544c5870c8828233406689d812391735fd4100cb444bbd81531cb958bb3',
        reference: 'ghcr.io/tektoncd/catalog/upstream/tasks/git-clone@sha256:65e61544c5870c8828233406689d812391735fd4100cb444bbd81531cb958bb3',
        context: 'spec.taskRef.params[0].value',
      },
    ]);
  });

  it('reads v1beta1 bundle: fields, resolver parameters from the pipeline defaults, and step refs', async () => {
    const { occurrences } = await extract('tekton/v1beta1-bundles.yaml');
    expect(occurrences.map((o) => [o.line, o.column, o.context, o.resolved ?? o.raw, o.reference])).toEqual([
      [15, 17, 'spec.tasks[0].taskRef.bundle', 'gcr.io/tekton-releases/catalog/upstream/git-clone:0.9', 'gcr.io/tekton-releases/catalog/upstream/git-clone:0.9'],
      [21, 20, 'spec.tasks[1].taskRef.params[0].value', 'quay.io/example/tasks/trivy-scan:0.3', 'quay.io/example/tasks/trivy-scan:0.3'],
      [35, 26, 'spec.finally[0].taskSpec.steps[0].ref.params[0].value', 'ghcr.io/example/stepactions/slack-post:1.2', 'ghcr.io/example/stepactions/slack-post:1.2'],
      [
        48,
        13,
        'spec.pipelineRef.bundle',
        'registry.example.com/pipelines/nightly@sha256:3c4a2b1f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3',
        'registry.example.com/pipelines/nightly@sha256:3c4a2b1f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3',
      ],
    ]);
    expect(occurrences[1].note).toBe(`${bundleNote}; default of Tekton parameter scanner-bundle`);
  });

  it('reads the runs a TriggerTemplate creates', async () => {
    const { occurrences } = await extract('tekton/bitbucket-server-triggertemplate.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      { at: '18:22', raw: 'ubuntu', reference: 'docker.io/library/ubuntu', context: 'spec.resourcetemplates[0].spec.taskSpec.steps[0].image' },
    ]);
  });

  it('reads image volumes, flow and block style', async () => {
    const { occurrences } = await extract('image-volumes/pods.yaml');
    expect(positionedSummary(occurrences)).toEqual([
      { at: '15:15', raw: 'debian', reference: 'docker.io/library/debian', context: 'spec.containers[0].image' },
      { at: '24:21', raw: 'quay.io/crio/artifact:v2', reference: 'quay.io/crio/artifact:v2', context: 'spec.volumes[0].image.reference' },
      { at: '45:16', raw: 'ghcr.io/example/model-server:1.4', reference: 'ghcr.io/example/model-server:1.4', context: 'spec.template.spec.containers[0].image' },
      { at: '52:22', raw: 'ghcr.io/example/model-weights:llama-3-8b', reference: 'ghcr.io/example/model-weights:llama-3-8b', context: 'spec.template.spec.volumes[0].image.reference' },
    ]);
    expect(occurrences[1].note).toBe('an image volume: mounted read-only into the pod');
  });
});

describe('kubernetes: Tekton parameters a run gives its embedded specs', () => {
  it('a PipelineRun sets the parameter its embedded task step names, which Tekton propagates (build-definitions)', async () => {
    const { occurrences } = await extract('real/build-definitions/pull-request.yaml');
    const steps = occurrences.filter((o) => o.raw === '$(params.image-target)');
    expect(steps.map((o) => [`${o.line}:${o.column}`, o.reference, o.note])).toEqual([
      ['40:22', 'quay.io/konflux-ci/task-runner:1.8.1@sha256:b9ef0479b57a494368a12a02886c650314c9ac7391c6228f21065865aab71c9e', 'Tekton parameter image-target as its run or pipeline task sets it'],
    ]);
  });

  it('a TaskRun value and a pipeline task value win over the embedded task default', async () => {
    const { occurrences } = await extract('tekton-run-params.yaml');
    expect(occurrences.map((o) => [o.reference, o.note])).toEqual([
      ['quay.io/buildah/stable:v1.37', 'Tekton parameter builder as its run or pipeline task sets it'],
      ['registry.access.redhat.com/ubi9/ubi-minimal:9.4', 'Tekton parameter image as its run or pipeline task sets it'],
    ]);
  });
});

describe('kubernetes: images a build tool fills in', () => {
  it('a ko:// Go package is unresolved (ko builds it), not an invalid reference', async () => {
    const { occurrences } = await extract('ko/webhook.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.problem])).toEqual([
      [
        '79:16',
        'ko://github.com/tektoncd/pipeline/cmd/webhook',
        null,
        { kind: 'unresolved', message: 'ko builds this image from the Go package github.com/tektoncd/pipeline/cmd/webhook when it resolves the file' },
      ],
    ]);
  });
});

describe('kubernetes: images handed to a container in its environment', () => {
  it('reads a variable named as an image whose value is one reference, and nothing else there', async () => {
    const { occurrences, containers } = await extract('operator-env-images.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context, o.note])).toEqual([
      ['12:18', 'quay.io/example/operator:1.2.0', 'spec.template.spec.containers[0].image', undefined],
      ['15:22', 'quay.io/example/broker:1.2.0-kafka-4.0.0', 'spec.template.spec.containers[0].env[0].value', 'handed to the container in EXAMPLE_DEFAULT_BROKER_IMAGE'],
      ['17:23', 'ghcr.io/example/exporter@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'spec.template.spec.containers[0].env[1].value', 'handed to the container in RELATED_IMAGE_EXPORTER'],
      ['19:22', 'registry.example.com/tools/shell:2', 'spec.template.spec.containers[0].env[2].value', 'handed to the container in IMAGE'],
      ['28:23', 'quay.io/example/broker:1.2.0-kafka-4.0.0', 'spec.template.spec.containers[0].env[6].value', 'handed to the container in EXAMPLE_BROKER_IMAGES, for 4.0.0'],
    ]);
    // The environment adds images, not containers.
    expect(containers).toHaveLength(1);
  });

  it('reads each image of a list a container is handed in a *_IMAGES variable, one version=image a line (strimzi-kafka-operator)', async () => {
    const { occurrences } = await extract('operator-env-image-lists.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.context, o.note])).toEqual([
      ['13:18', 'quay.io/strimzi/operator:1.2.0', 'spec.template.spec.containers[0].image', undefined],
      ['16:22', 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1', 'spec.template.spec.containers[0].env[0].value', 'handed to the container in STRIMZI_DEFAULT_CRUISE_CONTROL_IMAGE'],
      ['19:23', 'quay.io/strimzi/kafka:1.2.0-kafka-4.2.0', 'spec.template.spec.containers[0].env[1].value', 'handed to the container in STRIMZI_KAFKA_IMAGES, for 4.2.0'],
      ['20:23', 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1', 'spec.template.spec.containers[0].env[1].value', 'handed to the container in STRIMZI_KAFKA_IMAGES, for 4.3.1'],
      ['23:23', 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1', 'spec.template.spec.containers[0].env[2].value', 'handed to the container in STRIMZI_KAFKA_CONNECT_IMAGES, for 4.3.1'],
    ]);
  });

  it.each([
    ['one image a line, with or without a key', '4.2.0=quay.io/a/kafka:1\nghcr.io/b/c:2\n', [[6, 'quay.io/a/kafka:1'], [24, 'ghcr.io/b/c:2']]],
    ['a line that is no reference', '4.2.0=quay.io/a/kafka:1\nenabled=true\n', []],
    ['words', 'kafka\n', []],
  ] as const)('imageListEntries: %s', (_name, text, expected) => {
    expect(imageListEntries(text).map((entry) => [entry.offset, entry.image])).toEqual(expected);
  });
});

describe('kubernetes: images handed to a container as a flag', () => {
  it('reads --<name>image=<reference> arguments, and a --<name>image argument followed by a reference, at the reference, and nothing else there', async () => {
    const { occurrences } = await extract('operator-flag-images.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.context, o.note])).toEqual([
      ['13:18', 'quay.io/example/controller:v1.2.3', 'quay.io/example/controller:v1.2.3', 'spec.template.spec.containers[0].image', undefined],
      ['16:42', 'quay.io/example/acmesolver:v1.2.3', 'quay.io/example/acmesolver:v1.2.3', 'spec.template.spec.containers[0].args[1]', 'handed to the container as --acme-http01-solver-image'],
      ['17:40', 'ghcr.io/example/reloader:1.0', 'ghcr.io/example/reloader:1.0', 'spec.template.spec.containers[0].args[2]', 'handed to the container as --config-reloader-image'],
      // The flag alone, the image the next item; `latest` after `--backing-image` is no reference by its shape.
      ['22:15', 'docker.io/example/engine:v1.4.0', 'docker.io/example/engine:v1.4.0', 'spec.template.spec.containers[0].args[7]', 'handed to the container as --engine-image'],
    ]);
  });
});

describe('kubernetes: Helm values written in a Flux HelmRelease or an Argo CD application', () => {
  const rows = (occurrences: Occurrence[]) =>
    occurrences.map((o) => [`${o.line}:${o.column}`, o.kind, o.raw, o.reference ?? o.problem?.message, o.context]);

  it('reads image blocks and image strings of spec.values by the rules of a values file, each as a Helm value', async () => {
    const { occurrences, errors } = await extract('flux-helmreleases.yaml');
    expect(errors).toBeUndefined();
    expect(rows(occurrences)).toEqual([
      ['22:27', 'helm', 'ghcr.io/atuinsh/atuin', 'ghcr.io/atuinsh/atuin:18.19.0@sha256:4d0ccca1d151f860b3f469c60df78bf1ab798f15e88dc1912d31d6741653eb99', 'spec.values.controllers.atuin.containers.app.image.repository'],
      // No tag: the chart, kept elsewhere, chooses it.
      ['42:19', 'helm', 'mirror.gcr.io/coredns/coredns', 'tag is empty; the chart, which is not read here, chooses the default', 'spec.values.image.repository'],
      // A block under a key naming no image, and a string under a key ending in Image; a chart URL is no image.
      ['58:19', 'helm', 'quay.io/example/server', 'quay.io/example/server:2.1', 'spec.values.server.repository'],
      ['60:19', 'helm', 'registry.k8s.io/kubectl:v1.31.0', 'registry.k8s.io/kubectl:v1.31.0', 'spec.values.kubectlImage'],
    ]);
    expect(occurrences[0]?.note).toBe("a value of the HelmRelease's chart (spec.values), read as written");
  });

  it("reads an Argo CD Application's and an ApplicationSet template's helm.valuesObject, in `source` and in `sources`", async () => {
    const { occurrences, errors } = await extract('argocd-values-object.yaml');
    expect(errors).toBeUndefined();
    expect(rows(occurrences)).toEqual([
      ['20:20', 'helm', 'ingress-nginx/controller', 'registry.k8s.io/ingress-nginx/controller:v1.11.3', 'spec.source.helm.valuesObject.controller.image.image'],
      ['50:29', 'helm', 'docker.io/grafana/grafana', 'docker.io/grafana/grafana:11.3.0', 'spec.template.spec.sources[1].helm.valuesObject.image.repository'],
      ['54:31', 'helm', 'quay.io/kiwigrid/k8s-sidecar', 'tag is empty; the chart, which is not read here, chooses the default', 'spec.template.spec.sources[1].helm.valuesObject.sidecar.image.repository'],
    ]);
  });
});

describe("kubernetes: the values files an Argo CD application's helm.valueFiles names", () => {
  it('reads `$values/` files of the repository as written, files for a chart of it over its defaults, once each, where they are written', async () => {
    const root = fileURLToPath(new URL('../fixtures/discover/kubernetes/argocd-value-files/', import.meta.url));
    const discovery = await discoverRepository(root, {});
    expect(discovery.occurrences.map((o) => [`${o.file}:${o.line}:${o.column}`, o.kind, o.reference, o.context])).toEqual([
      // The application's chart is charts/app: a tag alone set here pulls its default repository at that tag.
      ['charts/app/env/prod.yaml:2:9', 'helm', 'docker.io/example/app:1.1', 'image.tag'],
      ['charts/app/env/prod.yaml:4:10', 'helm', 'docker.io/example/sidecar:2.0', 'sidecar.image'],
      // The chart's own values are read with the chart, not again for the application.
      ['charts/app/values.yaml:2:15', 'helm', 'docker.io/example/app:1.0', 'image.repository'],
      // Named by two applications: one occurrence.
      ['k8s/infra/traefik/values.yaml:4:15', 'helm', 'docker.io/library/traefik:v3.6.11', 'image.repository'],
      ['k8s/infra/velero/values.yaml:5:12', 'helm', 'docker.io/velero/velero-plugin-for-aws:v1.11.1', 'initContainers[0].image'],
    ]);
    expect(discovery.occurrences[0]?.note).toBe("a value an Argo CD application gives its chart (helm.valueFiles env/prod.yaml), over the chart's default values");
    expect(discovery.occurrences[3]?.note).toBe('a value an Argo CD application gives its chart (helm.valueFiles $values/k8s/infra/traefik/values.yaml), read as written');
    // What it cannot read is a note on the application: the images those files set went unchecked.
    expect(discovery.unscanned.map((unscanned) => [unscanned.file, unscanned.severity, unscanned.reason])).toEqual([
      ['argocd/apps/traefik-staging.yaml', 'note', 'kubernetes: helm.valueFiles ../../../outside.yaml is not a file of this repository: the images it sets were not read'],
      ['argocd/apps/velero.yaml', 'note', 'kubernetes: helm.valueFiles $other/k8s/infra/traefik/values.yaml is not a file of this repository: the images it sets were not read'],
      ['argocd/apps/velero.yaml', 'note', 'kubernetes: helm.valueFiles $values/k8s/infra/velero/values-not-here.yaml (k8s/infra/velero/values-not-here.yaml) is not in this repository: the images it sets were not read'],
    ]);
  });

  it('says so when a values file it names does not parse: its images went unread (before, nothing was said)', async () => {
    const root = fileURLToPath(new URL('../fixtures/discover/kubernetes/argocd-value-files-broken/', import.meta.url));
    const discovery = await discoverRepository(root, {});
    expect(discovery.occurrences).toEqual([]);
    expect(discovery.unscanned).toEqual([{ file: 'apps/redis.yaml', reason: 'kubernetes: values/redis.yaml: Missing closing "quote at line 5, column 1' }]);
  });

  it('reads a manifest whose apiVersion key is spelled with an escape or written as a complex key', async () => {
    const root = fileURLToPath(new URL('../fixtures/discover/kubernetes/hidden-keys/', import.meta.url));
    const discovery = await discoverRepository(root, {});
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.occurrences.map((o) => [o.file, o.line, o.reference])).toEqual([
      ['complex.yaml', 10, 'docker.io/evil/complexkey:1'],
      ['escaped.yaml', 8, 'docker.io/evil/escapedapi:1'],
    ]);
  });

  it("notes each values file it cannot read (another repository's, a URL, an undeclared ref), not a file of a fetched chart", async () => {
    const root = fileURLToPath(new URL('../fixtures/discover/kubernetes/argocd-value-files-outside/', import.meta.url));
    const discovery = await discoverRepository(root, {});
    expect(discovery.occurrences).toEqual([]);
    expect(discovery.unscanned.map((unscanned) => [unscanned.file, unscanned.severity, unscanned.reason])).toEqual([
      ['argocd/loki.yaml', 'note', 'kubernetes: helm.valueFiles $values/clusters/prod/loki.yaml (clusters/prod/loki.yaml) is not in this repository: the images it sets were not read'],
      ['argocd/loki.yaml', 'note', 'kubernetes: helm.valueFiles https://example.com/loki/values.yaml is not a file of this repository: the images it sets were not read'],
      ['argocd/loki.yaml', 'note', 'kubernetes: helm.valueFiles $secrets/loki.yaml is not a file of this repository: the images it sets were not read'],
    ]);
  });

  it.each([
    ['$values/k8s/infra/loki/values.yaml', undefined, 'k8s/infra/loki/values.yaml'],
    ['$values/./a/../b.yaml', undefined, 'b.yaml'],
    ['$other/a.yaml', undefined, undefined],
    ['$values/../a.yaml', undefined, undefined],
    ['values-prod.yaml', './charts/app/', 'charts/app/values-prod.yaml'],
    ['../common/values.yaml', 'charts/app', 'charts/common/values.yaml'],
    ['../../../a.yaml', 'charts/app', undefined],
    ['values-prod.yaml', undefined, undefined],
    ['https://example.com/values.yaml', 'charts/app', undefined],
    ['secrets://secrets.yaml', 'charts/app', undefined],
    ['values-prod.yaml', '.charts/app', '.charts/app/values-prod.yaml'],
    ['values-prod.yaml', './', 'values-prod.yaml'],
    ['values-prod.yaml', '/', undefined],
  ])('%s (source path %s) is %s', (written, sourcePath, expected) => {
    expect(valueFilePath(written, new Set(['values']), sourcePath)).toBe(expected);
  });

  it('normalizes a source path of many slashes in one pass', () => {
    expect(valueFilePath('values-prod.yaml', new Set(['values']), `charts${'/'.repeat(50_000)}app//`)).toBe('charts/app/values-prod.yaml');
  });
});

describe("kubernetes: a Flux HelmRelease's spec.valuesFrom, found in the repository", () => {
  const rows = (occurrences: Occurrence[]) => occurrences.map((o) => [o.file, `${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context]);

  it('reads the values file a configMapGenerator makes the ConfigMap from, with spec.values merged on top; a Secret not in the repository is a note', async () => {
    const file = fixture('kubernetes', 'flux-values-from/generator/helm.yaml');
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(rows(extraction.occurrences)).toEqual([
      // The list in spec.values replaces the values file's (velero-plugin-for-aws); its container is a Helm value, once.
      ['flux-values-from/generator/helm.yaml', '32:16', 'velero/velero-plugin-for-gcp:v1.10.0', 'docker.io/velero/velero-plugin-for-gcp:v1.10.0', 'spec.values.initContainers[0].image'],
      // The tag written in spec.values wins over the values file's, as Flux merges them.
      ['flux-values-from/generator/values.yaml', '15:17', 'docker.io/bitnamilegacy/kubectl', 'docker.io/bitnamilegacy/kubectl:1.34.1', 'kubectl.image.repository'],
    ]);
    expect(extraction.occurrences.every((o) => o.kind === 'helm')).toBe(true);
    expect(extraction.occurrences[1]?.note).toBe("a value the HelmRelease's chart takes from spec.valuesFrom[0] (ConfigMap velero-helm-values generated from this file), read as written");
    expect(extraction.errors).toBeUndefined();
    expect(extraction.notes).toEqual([
      'line 23: spec.valuesFrom[1] (Secret velero-credentials, key values.yaml, optional) is not in the repository (Flux reads it from the cluster); images in it were not checked',
    ]);
    for (const path of new Set(extraction.occurrences.map((o) => o.file))) expectRawAtPositions(fixture('kubernetes', path), extraction.occurrences.filter((o) => o.file === path));
  });

  it('reads a ConfigMap manifest beside the release: its values.yaml literal block at its place in the file', async () => {
    const file = fixture('kubernetes', 'flux-values-from/manifest/release.yaml');
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(rows(extraction.occurrences)).toEqual([
      ['flux-values-from/manifest/configmap.yaml', '10:19', 'registry.k8s.io/external-dns/external-dns', 'registry.k8s.io/external-dns/external-dns:v0.14.2', 'image.repository'],
      ['flux-values-from/manifest/configmap.yaml', '14:16', 'quay.io/brancz/kube-rbac-proxy:v0.18.0', 'quay.io/brancz/kube-rbac-proxy:v0.18.0', 'sidecars[0].image'],
    ]);
    expect(extraction.notes).toBeUndefined();
    expectRawAtPositions(fixture('kubernetes', 'flux-values-from/manifest/configmap.yaml'), extraction.occurrences);
  });

  it('reports a reference the repository does not hold as a file-not-scanned note at its line, and each image once, in the file it is written in', async () => {
    const root = fileURLToPath(new URL('../fixtures/discover/kubernetes/flux-values-from/', import.meta.url));
    const discovery = await discoverRepository(root, {});
    expect(discovery.unscanned).toEqual([expect.objectContaining({ file: 'generator/helm.yaml', line: 23, severity: 'note' })]);
    expect(discovery.occurrences.map((o) => `${o.file}:${o.line}`)).toEqual([
      'generator/helm.yaml:32',
      'generator/values.yaml:15',
      // Two releases read the same ConfigMap: once each.
      'manifest/configmap.yaml:10',
      'manifest/configmap.yaml:10',
      'manifest/configmap.yaml:14',
      'manifest/configmap.yaml:14',
    ]);
    expect(discovery.sources.has('generator/values.yaml')).toBe(true);
  });

  it('sets the value a targetPath names, after the values before it', async () => {
    const file = fixture('kubernetes', 'flux-values-from/manifest/release-tag.yaml');
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(rows(extraction.occurrences)[0]).toEqual(['flux-values-from/manifest/configmap.yaml', '10:19', 'registry.k8s.io/external-dns/external-dns', 'registry.k8s.io/external-dns/external-dns:v0.15.1', 'image.repository']);
  });
});

describe("kubernetes: a Flux HelmRelease's valuesFrom targetPath", () => {
  it('notes an unread value only where its targetPath can name a part of an image', async () => {
    const file = fixture('kubernetes', 'flux-values-from-target-paths/helm-release.yaml');
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(extraction.occurrences).toEqual([]);
    // The four S3 settings are not noted: no image is made of a bucket name or a key.
    expect(extraction.notes).toEqual(['line 41: spec.valuesFrom[4] (Secret loki-image, key TAG) is not in the repository (Flux reads it from the cluster); images in it were not checked']);
  });
});

describe('kubernetes: Argo CD helm.parameters, set on top of the values', () => {
  it('reads each image as Helm gets it, the values with the parameters set over them, at the line each part is written', async () => {
    const { occurrences, errors } = await extract('argocd-helm-parameters.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.kind, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['20:23', 'helm', 'bitnami/nginx', 'docker.io/bitnami/nginx:1.27.2', 'spec.source.helm.valuesObject.image.repository'],
      ['28:16', 'helm', 'docker.io/bitnami/nginx-exporter:1.3.0', 'docker.io/bitnami/nginx-exporter:1.3.0', 'spec.source.helm.parameters[2].value (metrics.image)'],
      ['47:23', 'helm', 'bitnami/nginx', 'docker.io/bitnami/nginx:1.26.0', 'spec.sources[0].helm.values.image.repository'],
    ]);
    expect(occurrences[1]?.note).toBe('a value the Argo CD application sets for its chart (helm.parameters metrics.image), read as written');
  });
});

describe('kubernetes: keys written as aliases', () => {
  it('reads what sits under a key written as an alias to a scalar (`*app :`), named by the anchored value', async () => {
    const { occurrences, errors } = await extract('flux-helmrelease-alias-key.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.kind, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['22:27', 'helm', 'ghcr.io/autobrr/autobrr:v1.79.0@sha256:5b8c29a86598907496af01ec75ef21f9c0e4e28ce9d6ae6496ef91c71543ec20', 'spec.values.controllers.autobrr.containers.app.image.repository'],
      // An alias to a collection names no key: what is under it is not read.
      ['37:16', 'kubernetes', 'ghcr.io/example/worker:1.4.2', 'spec.batch.containers[0].image'],
    ]);
  });
});

describe('kubernetes: one container written as a map under `container`', () => {
  it("reads an EnvoyProxy's envoyDeployment.container image, and judges no settings of a container outside a pod spec", async () => {
    const { occurrences, errors, containers } = await extract('envoy-proxy-container.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['19:18', 'mirror.gcr.io/envoyproxy/envoy:v1.39.0', 'spec.provider.kubernetes.envoyDeployment.container.image'],
      // `container: stdout` is no map, and the `image` beside it is no container's.
      ['32:14', 'ghcr.io/example/debug-shell:2.0', 'spec.runtime.container.image'],
    ]);
    // Privileged and root are judged only in pod specs, whose shape Kubernetes defines.
    expect(containers).toBeUndefined();
  });

  it('takes the filler of API round-trip test data (`image: imageValue`) for no image: unresolved, not invalid', async () => {
    const { occurrences } = await extract('roundtrip-filler.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.kind, o.context])).toEqual([
      ['12:18', 'unresolved', 'spec.domain.firmware.kernelBoot.container.image'],
      ['17:14', 'unresolved', 'spec.volumes[0].containerDisk.image'],
    ]);
    expect(occurrences[0]?.problem?.message).toBe('"imageValue" is the filler API round-trip test data writes in every string field (its name and "Value"), no image');
  });

  it("reads the registry images OpenShift imports into ImageStream tags and pulls for a BuildConfig (from of kind DockerImage), not image stream tags", async () => {
    const { occurrences } = await extract('openshift-template/jenkins-imagestreams.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['15:15', 'registry.redhat.io/ocp-tools-4/jenkins-agent-base-rhel8:v4.13.0-1686680363', 'spec.tags[0].from.name'],
      ['50:15', 'registry.access.redhat.com/redhat-openjdk-18/openjdk18-openshift:latest', 'objects[1].spec.tags[0].from.name'],
      ['62:15', 'quay.io/example/assets:1.0', 'spec.source.images[0].from.name'],
      ['70:15', 'registry.access.redhat.com/ubi9/ubi:9.4', 'spec.strategy.dockerStrategy.from.name'],
    ]);
    expect(occurrences[0]?.note).toBe('the image OpenShift imports into this ImageStream tag');
    expect(occurrences[3]?.note).toBe('the image OpenShift runs this build from');
  });

  it("reads the image a MutatingAdmissionPolicy's CEL JSON patch gives the init container it adds (xunholy/k8s-gitops)", async () => {
    const { occurrences } = await extract('mutating-admission-policy.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context, o.note])).toEqual([
      [
        '42:25',
        'ghcr.io/home-operations/busybox:1.37.0@sha256:026ed7273270ec08f6902b4ae8334c23b473e5394bec3bbbdbfe580c710d50bc',
        'spec.mutations[0].jsonPatch.expression',
        "set by this MutatingAdmissionPolicy's jsonPatch expression",
      ],
    ]);
  });

  it.each([
    ['a field set to a literal', 'Object{image: "quay.io/a/b:1"}', ['quay.io/a/b:1']],
    ['a selection, a longer name and a word', 'object.spec.image == "quay.io/a/b:1" && x{imagePullPolicy: "Always", image: "busybox"}', []],
    ['a literal with an escape', 'x{image: "quay.io/a/\\b:1"}', []],
  ] as const)('celImageLiterals: %s', (_name, text, expected) => {
    expect(celImageLiterals(text).map((entry) => entry.image)).toEqual(expected);
  });

  it("reads a Template's images written with its parameters at their defaults, as oc process fills them in (redhat-cop/openshift-templates)", async () => {
    const { occurrences } = await extract('openshift-template/prometheus-template.yml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.resolved])).toEqual([
      ['110:18', '${IMAGE_PROXY}', 'docker.io/openshift/oauth-proxy:v1.0.0', 'openshift/oauth-proxy:v1.0.0'],
      ['148:18', '${IMAGE_PROMETHEUS}', 'docker.io/openshift/prometheus:v2.3.2', 'openshift/prometheus:v2.3.2'],
      ['159:18', '${IMAGE_PROXY}', 'docker.io/openshift/oauth-proxy:v1.0.0', 'openshift/oauth-proxy:v1.0.0'],
      ['192:18', '${IMAGE_ALERTMANAGER}', 'docker.io/openshift/prometheus-alertmanager:v0.15.1', 'openshift/prometheus-alertmanager:v0.15.1'],
    ]);
    expect(occurrences[0]?.note).toBe("with the Template's parameter defaults, as oc process fills them in");
    // A parameter without a default is set when the template is processed: unresolved, naming it.
    const { occurrences: app } = await extract('openshift-template/js-app-deploy.yml');
    expect(app.map((o) => [`${o.line}:${o.column}`, o.reference, o.problem?.message])).toEqual([
      ['46:19', null, "the Template's parameter NAMESPACE has no default; it is set when the template is processed"],
    ]);
  });

  it.each([
    ['a string parameter', 'registry.example.com/${APP}:${TAG}', { value: 'registry.example.com/web:1.2' }],
    ['a non-string parameter', '${{APP}}:1', { value: 'web:1' }],
    ['a generated parameter', '${APP}:${SECRET}', { unresolved: "the Template's parameter SECRET is generated when the template is processed" }],
    ['a parameter that is none of the template', '${OTHER}:1', undefined],
    ['no parameter', 'nginx:1.27', undefined],
  ] as const)('processParameters: %s', (_name, text, expected) => {
    const parameters = templateParameters([{ name: 'APP', value: 'web' }, { name: 'TAG', value: '1.2' }, { name: 'SECRET', generate: 'expression' }, { name: 'bad name', value: 'x' }]);
    expect(processParameters(text, parameters)).toEqual(expected);
  });

  it('processParameters reads a long run of unclosed or unknown openers in linear time', () => {
    const parameters = templateParameters([{ name: 'A', value: 'a' }]);
    for (const text of ['${'.repeat(200_000), '${x'.repeat(100_000) + '}', '${{'.repeat(100_000) + '}'.repeat(3)]) {
      const started = performance.now();
      processParameters(text, parameters);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  // Crafted: 10,000 references to a parameter of 100,000 characters threw "Invalid string length" (1,000 built 100 MB).
  it('processParameters bounds the text parameters fill in', () => {
    const parameters = templateParameters([{ name: 'P', value: 'x'.repeat(100_000) }]);
    expect(processParameters(`registry.example.com/${'${P}'.repeat(10_000)}`, parameters)).toEqual({ unresolved: "the Template's parameters fill in more than 4,096 characters here, which is no image" });
  });

  it("leaves unresolved a DeploymentConfig container's image an OpenShift ImageChange trigger sets, in a template's objects", async () => {
    const { occurrences } = await extract('openshift-template/huginn-postgresql.json');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.kind, o.context])).toEqual([
      ['44:43', 'unresolved', 'objects[0].spec.template.spec.containers[0].image'],
      ['88:43', 'unresolved', 'objects[1].spec.template.spec.containers[0].image'],
    ]);
    expect(occurrences[1]?.problem?.message).toBe("OpenShift's ImageChange trigger sets this container's image from the ImageStreamTag postgresql:9.6 when it deploys");
  });

  it('reads the image a disabled ImageChange trigger or no trigger leaves in place', () => {
    const text = [
      'apiVersion: apps.openshift.io/v1',
      'kind: DeploymentConfig',
      'metadata: {name: db}',
      'spec:',
      '  triggers:',
      '    - type: ImageChange',
      '      imageChangeParams: {automatic: false, containerNames: [db], from: {kind: ImageStreamTag, name: "postgresql:9.6"}}',
      '    - type: ImageChange',
      '      imageChangeParams: {containerNames: [web], from: {kind: ImageStreamTag, name: "web:latest"}}',
      '  template:',
      '    spec:',
      '      containers:',
      '        - {name: db, image: "postgres:16"}',
      '        - {name: web, image: web}',
      '        - {name: proxy, image: "nginx:1.27"}',
      '',
    ].join('\n');
    const { images } = collectManifestImages(text);
    expect(images.map((image) => [image.raw, image.value])).toEqual([
      ['postgres:16', 'postgres:16'],
      ['web', { unresolved: "OpenShift's ImageChange trigger sets this container's image from the ImageStreamTag web:latest when it deploys" }],
      ['nginx:1.27', 'nginx:1.27'],
    ]);
  });

  it("reads a KubeVirt VM's container disk volume and its kernel boot container", async () => {
    const { occurrences, errors, containers } = await extract('kubevirt-disks.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['33:18', 'registry:5000/kubevirt/cirros-container-disk-demo:devel', 'spec.template.spec.volumes[0].containerDisk.image'],
      ['54:18', 'registry:5000/kubevirt/alpine-ext-kernel-boot-demo:devel', 'spec.domain.firmware.kernelBoot.container.image'],
    ]);
    expect(occurrences[0]?.note).toBe("a KubeVirt container disk: pulled as a container image to hold the virtual machine's disk");
    expect(containers).toBeUndefined();
  });
});

describe("kubernetes: images an operator's custom resources name in fields of their own", () => {
  const summary = (occurrences: Occurrence[]) => occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context]);

  it("reads a Prometheus's and an Alertmanager's spec.image (kube-prometheus)", async () => {
    const { occurrences } = await extract('operator-images/prometheus-operator.yaml');
    expect(summary(occurrences)).toEqual([
      ['11:10', 'quay.io/prometheus/prometheus:v3.13.2', 'spec.image'],
      ['24:10', 'quay.io/prometheus/alertmanager:v0.33.1', 'spec.image'],
    ]);
    expect(occurrences[0]?.note).toBe('the image the Prometheus Operator runs for this Prometheus (spec.image)');
  });

  it("reads a Zalando postgresql's spec.dockerImage and its sidecars beside its initContainers", async () => {
    const { occurrences } = await extract('operator-images/zalando-postgresql.yaml');
    expect(summary(occurrences)).toEqual([
      ['10:16', 'ghcr.io/zalando/spilo-18:4.1-p2', 'spec.dockerImage'],
      ['17:15', 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0', 'spec.sidecars[0].image'],
      ['24:12', 'docker.io/library/busybox', 'spec.initContainers[0].image'],
    ]);
  });

  it("reads the images Zalando's operator configuration names, as an OperatorConfiguration and as ConfigMap settings named as images", async () => {
    const { occurrences } = await extract('operator-images/zalando-configuration.yaml');
    expect(summary(occurrences)).toEqual([
      ['10:17', 'ghcr.io/zalando/spilo-18:4.1-p2', 'configuration.docker_image'],
      ['14:35', 'ghcr.io/zalando/postgres-operator/logical-backup:v2.0.1', 'configuration.logical_backup.logical_backup_docker_image'],
      ['18:31', 'ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1', 'configuration.connection_pooler.connection_pooler_image'],
      ['27:29', 'ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1', 'data.connection_pooler_image'],
      ['29:17', 'ghcr.io/zalando/spilo-18:4.1-p2', 'data.docker_image'],
      ['31:33', 'ghcr.io/zalando/postgres-operator/logical-backup:v2.0.1', 'data.logical_backup_docker_image'],
      ['34:18', 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0', 'data.SIDECAR_IMAGE'],
    ]);
    expect(occurrences[4]?.note).toBe('a ConfigMap setting named as an image (docker_image)');
  });

  it("reads an OLM CatalogSource's index image (redhat-cop/gitops-catalog)", async () => {
    const { occurrences } = await extract('operator-images/olm-catalogsource.yaml');
    expect(summary(occurrences)).toEqual([['11:11', 'quay.io/gatekeeper/gatekeeper-operator-bundle-index:latest', 'spec.image']]);
    expect(occurrences[0]?.note).toBe('the image the Operator Lifecycle Manager (OLM) runs for this CatalogSource (spec.image)');
  });

  it("reads an ECK Agent's spec.image", async () => {
    const { occurrences } = await extract('operator-images/eck-agent.yaml');
    expect(summary(occurrences)).toEqual([['9:10', 'docker.elastic.co/elastic-agent/elastic-agent-complete:9.5.1', 'spec.image']]);
  });

  it("reads a RedisFailover's Redis and exporter images and its extraContainers", async () => {
    const { occurrences } = await extract('operator-images/redis-failover.yaml');
    expect(summary(occurrences)).toEqual([
      ['12:14', 'docker.io/leominov/redis_sentinel_exporter:1.3.0', 'spec.sentinel.exporter.image'],
      ['15:14', 'docker.io/library/busybox', 'spec.sentinel.extraContainers[0].image'],
      ['22:12', 'docker.io/library/redis:4.0-alpine', 'spec.redis.image'],
      ['25:14', 'docker.io/oliver006/redis_exporter:v1.3.5-alpine', 'spec.redis.exporter.image'],
    ]);
  });

  it("reads the image Kubeflow's Spark operator runs a SparkApplication's driver and executors from", async () => {
    const { occurrences } = await extract('operator-images/spark-application.yaml');
    expect(summary(occurrences)).toEqual([['13:10', 'docker.io/library/spark:4.0.0', 'spec.image']]);
    expect(occurrences[0]?.note).toBe("the image Kubeflow's Spark operator runs for this SparkApplication (spec.image)");
  });

  it("reads the packages Crossplane pulls for a Provider, a Function and a Configuration (spec.package)", async () => {
    const { occurrences } = await extract('operator-images/crossplane-packages.yaml');
    expect(summary(occurrences)).toEqual([
      ['11:12', 'xpkg.crossplane.io/crossplane-contrib/function-dummy:v0.4.1', 'spec.package'],
      ['21:12', 'xpkg.upbound.io/crossplane-contrib/function-auto-ready:v0.3.0', 'spec.package'],
      ['28:12', 'xpkg.upbound.io/crossplane-contrib/provider-nop:v0.3.0', 'spec.package'],
      ['36:12', 'xpkg.upbound.io/crossplane/e2e-configuration-signed-with-key:v0.2.0', 'spec.package'],
    ]);
    expect(occurrences[2]?.note).toBe('the image Crossplane pulls for this Provider (spec.package)');
  });

  it("reads the Ceph image Rook runs a CephCluster's daemons from (spec.cephVersion.image)", async () => {
    const { occurrences } = await extract('operator-images/rook-ceph-cluster.yaml');
    expect(summary(occurrences)).toEqual([['11:12', 'quay.io/ceph/ceph:v20', 'spec.cephVersion.image']]);
    expect(occurrences[0]?.note).toBe('the image Rook runs for this CephCluster (spec.cephVersion.image)');
  });

  it("reads the metrics collector, suggestion and early stopping images of Katib's configuration", async () => {
    const { occurrences } = await extract('operator-images/katib-config.yaml');
    expect(summary(occurrences)).toEqual([
      ['20:14', 'ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0', 'runtime.metricsCollectors[0].image'],
      ['22:14', 'ghcr.io/kubeflow/katib/tfevent-metrics-collector:v0.19.0', 'runtime.metricsCollectors[1].image'],
      ['28:14', 'ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0', 'runtime.suggestions[0].image'],
      ['30:14', 'ghcr.io/kubeflow/katib/suggestion-enas:v0.19.0', 'runtime.suggestions[1].image'],
      ['36:14', 'ghcr.io/kubeflow/katib/earlystopping-medianstop:v0.19.0', 'runtime.earlyStoppings[0].image'],
    ]);
    expect(occurrences[2]?.note).toBe('the image Katib runs for this KatibConfig (runtime.suggestions[].image)');
  });

  it("reads the images the Percona Operator for MongoDB runs for a PerconaServerMongoDB and a ClusterSync", async () => {
    const { occurrences } = await extract('operator-images/percona-psmdb.yaml');
    expect(summary(occurrences)).toEqual([
      ['11:10', 'docker.io/perconalab/percona-server-mongodb-operator:main-mongod8.0', 'spec.image'],
      ['15:12', 'docker.io/perconalab/pmm-client:3-dev-latest', 'spec.pmm.image'],
      ['19:12', 'docker.io/perconalab/percona-server-mongodb-operator:main-backup', 'spec.backup.image'],
      ['22:12', 'docker.io/perconalab/fluentbit:main-logcollector', 'spec.logcollector.image'],
      ['25:12', 'docker.io/mongodb/mongodb-community-search:latest', 'spec.search.image'],
      ['34:10', 'docker.io/percona/percona-clustersync-mongodb:0.9.0', 'spec.image'],
    ]);
    expect(occurrences[3]?.note).toBe('the image the Percona Operator for MongoDB runs for this PerconaServerMongoDB (spec.logcollector.image)');
  });

  it("leaves a field the e2e scripts fill in unresolved: a tail such as -pmm, and an empty spec.image", async () => {
    const { occurrences } = await extract('operator-images/percona-psmdb-e2e-tails.yaml');
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0]).toMatchObject({ line: 13, raw: '-pmm', reference: null, problem: { kind: 'unresolved' } });
    expect(occurrences[0]?.problem?.message).toContain('the tail of a reference');
  });

  it("reads the image Strimzi runs a KafkaConnect from (spec.image), not the image its build pushes", async () => {
    const { occurrences } = await extract('operator-images/strimzi-kafka-connect.yaml');
    expect(summary(occurrences)).toEqual([['12:10', 'docker.io/strimzi/kafka-connect:strimzi_0.17.0_kafka_2.3.1-2', 'spec.image']]);
    expect(occurrences[0]?.note).toBe('the image the Strimzi operator runs for this KafkaConnect (spec.image)');
  });

  it("reads the KES image the MinIO Operator runs beside a Tenant (spec.kes.image)", async () => {
    const { occurrences } = await extract('operator-images/minio-tenant-kes.yaml');
    expect(summary(occurrences)).toEqual([['14:12', 'docker.io/minio/kes:2025-03-12T09-35-18Z', 'spec.kes.image']]);
  });

  it('reads the image an OpenFaaS Function is deployed from (spec.image), a Docker Hub short name too', async () => {
    const { occurrences } = await extract('operator-images/openfaas-function.yaml');
    expect(summary(occurrences)).toEqual([['10:10', 'docker.io/functions/nodeinfo:latest', 'spec.image']]);
  });

  it("reads the spec.image of a custom resource no operator row describes, when it names a registry and a version", async () => {
    const { occurrences } = await extract('operator-images/custom-resource-spec-image.yaml');
    expect(summary(occurrences)).toEqual([
      ['10:10', 'ghcr.io/dragonflydb/dragonfly:v1.40.1', 'spec.image'],
      ['20:10', 'ghcr.io/berriai/litellm:v1.97.0@sha256:468c25f35f3e5ec4e414974f00deab93337b1b4d9953cabcfd3722e59415f834', 'spec.image'],
    ]);
    expect(occurrences[0]?.note).toBe('the image an operator runs for this Dragonfly, by the convention of its spec.image');
    // A VM image's name, a bare repository, or a core kind is not read as one.
    for (const [apiVersion, image] of [
      ['infrastructure.cluster.x-k8s.io/v1alpha4', 'ubuntu-2204-kube-v1.31'],
      ['dragonflydb.io/v1alpha1', 'ghcr.io/dragonflydb/dragonfly'],
      ['dragonflydb.io/v1alpha1', 'dragonflydb/dragonfly:v1.40.1'],
      ['v1', 'ghcr.io/example/app:1.0'],
    ]) {
      const text = `apiVersion: ${apiVersion}\nkind: Example\nmetadata: {name: a}\nspec:\n  image: ${image}\n`;
      const extraction = await kubernetesDiscoverer.extract({ path: 'example.yaml', text }, fixtureContext('kubernetes'));
      expect(extraction.occurrences).toEqual([]);
    }
  });

  it("reads the auto-instrumentation images an OpenTelemetry Instrumentation injects, and a collector's own and its target allocator's", async () => {
    const { occurrences } = await extract('operator-images/otel-instrumentation.yaml');
    expect(summary(occurrences)).toEqual([
      ['12:12', 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.62.1', 'spec.nodejs.image'],
      ['14:12', 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.18.1', 'spec.java.image'],
      ['16:14', 'ghcr.io/example/otel-java-extension:1.0.0', 'spec.java.extensions[0].image'],
      ['19:12', 'ghcr.io/open-telemetry/opentelemetry-go-instrumentation/autoinstrumentation-go:v0.22.1', 'spec.go.image'],
      ['27:10', 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.131.0', 'spec.image'],
      ['30:12', 'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.131.0', 'spec.targetAllocator.image'],
    ]);
    expect(occurrences[0]?.note).toBe('the image the OpenTelemetry Operator runs for this Instrumentation (spec.nodejs.image)');
  });

  it("reads the pod a ConfigMap holds as a manifest file (local-path-provisioner's helperPod.yaml), at its place in the file", async () => {
    const file = fixture('kubernetes', 'configmap-manifests/local-path-config.yaml');
    const { occurrences, errors } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(errors ?? []).toEqual([]);
    expect(summary(occurrences)).toEqual([['68:16', 'docker.io/library/busybox', 'data.helperPod.yaml.spec.containers[0].image']]);
    expectRawAtPositions(file, occurrences);
  });

  it("reads the jobs a ConfigMap holds under names with and without a .yaml suffix (Katib's trial templates)", async () => {
    const file = fixture('kubernetes', 'configmap-manifests/katib-trial-templates.yaml');
    const { occurrences, errors } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(errors ?? []).toEqual([]);
    expect(summary(occurrences)).toEqual([
      ['20:22', 'ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0', 'data.defaultTrialTemplate.yaml.spec.template.spec.containers[0].image'],
      ['35:22', 'ghcr.io/kubeflow/katib/enas-cnn-cifar10-cpu:v0.19.0', 'data.enasCPUTemplate.spec.template.spec.containers[0].image'],
    ]);
    expectRawAtPositions(file, occurrences);
  });

  it('leaves alone a ConfigMap file entry that is configuration, not an object, and one that is not a literal block', async () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: config}',
      'data:',
      '  datasources.yaml: |',
      '    apiVersion: 1',
      '    datasources:',
      '    - name: kind',
      '      containers: [{name: a, image: not-an-object:1}]',
      '  pod.yaml: "apiVersion: v1\\nkind: Pod\\nspec: {containers: [{name: a, image: busybox}]}"',
      '',
    ].join('\n');
    const { occurrences } = await kubernetesDiscoverer.extract({ path: 'config.yaml', text }, fixtureContext('kubernetes'));
    expect(occurrences).toEqual([]);
  });

  it("reads an EDB Postgres for Kubernetes Cluster's spec.imageName, CloudNativePG's field under EDB's group (mischavandenburg/homelab)", async () => {
    const { occurrences } = await extract('operator-images/edb-cluster.yaml');
    expect(summary(occurrences)).toEqual([['8:14', 'quay.io/enterprisedb/postgresql:16.1', 'spec.imageName']]);
    expect(occurrences[0]?.note).toBe('the image EDB Postgres for Kubernetes runs for this Cluster (spec.imageName)');
  });

  it("reads an OLM ClusterServiceVersion's relatedImages (NVIDIA/gpu-operator)", async () => {
    const { occurrences } = await extract('operator-images/olm-csv-related-images.yaml');
    expect(summary(occurrences).map(([at, , context]) => [at, context])).toEqual([23, 25, 27, 29, 31, 33, 35, 37].map((line, index) => [`${line}:14`, `spec.relatedImages[${index}].image`]));
    expect(occurrences[0]?.reference).toBe('nvcr.io/nvidia/gpu-operator@sha256:98878888117a2e3d53924c39f300e4263ce3a25ed7fb12125ed0eaf5d16ec03a');
    expect(occurrences[0]?.note).toBe('the image the operator OLM installs runs for this ClusterServiceVersion (spec.relatedImages[].image)');
  });

  it('reads the bundle images and relatedImages of an OLM file-based catalog (see olm-catalog/SOURCES.md)', async () => {
    // No apiVersion nor kind: each entry is a `schema:` document, and these files were not read at all.
    const { occurrences } = await extract('olm-catalog/index.yaml');
    expect(summary(occurrences)).toEqual([
      ['37:8', 'test.registry/foo-operator/foo-bundle:v0.1.0', 'image'],
      ['64:12', 'test.registry/foo-operator/foo:v0.1.0', 'relatedImages[0].image'],
      ['66:12', 'test.registry/foo-operator/foo-bundle:v0.1.0', 'relatedImages[1].image'],
      ['71:8', 'test.registry/foo-operator/foo-bundle:v0.2.0', 'image'],
      ['98:12', 'test.registry/foo-operator/foo:v0.2.0', 'relatedImages[0].image'],
      ['100:12', 'test.registry/foo-operator/foo-bundle:v0.2.0', 'relatedImages[1].image'],
    ]);
    expect(occurrences[0]?.note).toBe('the bundle image OLM unpacks to install the operator of this catalog entry');
    expect(occurrences[1]?.note).toBe("an image this catalog entry's bundle needs (its relatedImages, what a disconnected install mirrors)");
    expect(summary((await extract('olm-catalog/fbc_initial.yaml')).occurrences)).toEqual([['15:8', 'quay.io/olmtest/busybox-bundle:1.0.0', 'image']]);
    // A catalog written as a JSON stream, as `opm render` prints it.
    expect(summary((await extract('olm-catalog/fbc_catalog.json')).occurrences)).toEqual([['20:13', 'docker.io/library/test-package:v1.0.0', 'image']]);
  });

  it("reads the test images of an operator-sdk scorecard configuration (argoproj-labs/argocd-operator)", async () => {
    const { occurrences } = await extract('operator-images/scorecard-config.yaml');
    expect(summary(occurrences)).toEqual([12, 22, 32, 42, 52, 62].map((line, index) => [`${line}:12`, 'quay.io/operator-framework/scorecard-test:v1.10.0', `stages[0].tests[${index}].image`]));
  });

  it("reads the imgpkg bundle a Carvel Package fetches (bitnami-labs/sealed-secrets)", async () => {
    const { occurrences } = await extract('operator-images/carvel-package.yaml');
    expect(summary(occurrences)).toEqual([
      ['14:20', 'ghcr.io/bitnami-labs/sealed-secrets-carvel@sha256:9dd602e7653ef7979a67eeab60bd58fe1059de8cc208d40d5293279bd80f6478', 'spec.template.spec.fetch[0].imgpkgBundle.image'],
    ]);
    expect(occurrences[0]?.note).toBe('the image kapp-controller fetches for this Package (spec.template.spec.fetch[].imgpkgBundle.image)');
  });

  it("reads a CloudNativePG Cluster's spec.imageName and every image of an ImageCatalog", async () => {
    const { occurrences } = await extract('operator-images/cloudnative-pg.yaml');
    expect(summary(occurrences)).toEqual([
      ['9:14', 'ghcr.io/cloudnative-pg/postgresql:17.5', 'spec.imageName'],
      ['20:14', 'ghcr.io/cloudnative-pg/postgresql:16.9', 'spec.images[0].image'],
      ['22:14', 'ghcr.io/cloudnative-pg/postgresql:17.5', 'spec.images[1].image'],
    ]);
  });
});

describe('kubernetes: names a kustomization replaces', () => {
  it('an image that is a name the kustomization beside it replaces is unresolved, not invalid (tektoncd/dashboard)', async () => {
    const { occurrences } = await extract('kustomize-image-name/300-deployment.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.problem])).toEqual([
      ['74:18', 'dashboardImage', null, { kind: 'unresolved', message: 'a name the images: of the kustomization in kustomize-image-name/ replaces (name: dashboardImage), not an image itself' }],
    ]);
  });

  it('an invalid image the kustomization does not name stays invalid', async () => {
    const text = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  containers:', '    - name: app', '      image: OtherImage', '    - name: tagged', '      image: dashboardImageX:1', ''].join('\n');
    const { occurrences } = await kubernetesDiscoverer.extract({ path: 'kustomize-image-name/pod.yaml', text }, fixtureContext('kubernetes'));
    expect(occurrences.map((o) => [o.raw, o.problem?.kind])).toEqual([['OtherImage', 'invalid'], ['dashboardImageX:1', 'invalid']]);
  });
});

describe('kubernetes: KRM functions', () => {
  it('reads the container image of a KRM function from its config.kubernetes.io/function annotation, at its place in the file (kustomize)', async () => {
    const note = 'the image of the KRM function this resource configures (kustomize or kpt runs it)';
    const validator = await extract('krm-function/validator-example-use.yaml');
    expect(validator.occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context, o.note])).toEqual([
      ['10:16', 'gcr.io/kustomize-functions/example-validator:v0.1.0', 'metadata.annotations.config.kubernetes.io/function.container.image', note],
      ['29:16', 'docker.io/library/nginx', 'spec.template.spec.containers[0].image', undefined],
    ]);
    const configMap = await extract('krm-function/containerfn.yaml');
    expect(configMap.occurrences.map((o) => [`${o.line}:${o.column}`, o.reference])).toEqual([
      ['8:16', 'gcr.io/kpt-functions/label-namespace@sha256:4f030738d6d25a207641ca517916431517578bd0eb8d98a8bde04e3bb9315dcd'],
    ]);
    expect(configMap.errors).toBeUndefined();
  });

  it('says so when the annotation naming a function image is not YAML', async () => {
    const text = ['apiVersion: example.com/v1', 'kind: Transformer', 'metadata:', '  name: t', '  annotations:', '    config.kubernetes.io/function: |', '      container:', '        image: [gcr.io/x/fn:v1', ''].join('\n');
    const { occurrences, errors } = await kubernetesDiscoverer.extract({ path: 'fn.yaml', text }, fixtureContext('kubernetes'));
    expect(occurrences).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatch(/^metadata\.annotations\.config\.kubernetes\.io\/function is not YAML, so the function image in it was not read: /);
  });

  // Crafted: kustomize reads the annotation as YAML in any style; a quoted one was passed over without a word.
  it('says so when the annotation naming a function image is not a literal block', async () => {
    const text = ['apiVersion: example.com/v1', 'kind: Transformer', 'metadata:', '  name: t', '  annotations:', '    config.kubernetes.io/function: "container:\\n  image: gcr.io/x/fn:v1\\n"', ''].join('\n');
    const { occurrences, errors } = await kubernetesDiscoverer.extract({ path: 'fn.yaml', text }, fixtureContext('kubernetes'));
    expect({ occurrences, errors }).toEqual({ occurrences: [], errors: ['metadata.annotations.config.kubernetes.io/function is not written as a literal block (|), so the function image in it was not read'] });
  });
});

describe('kubernetes: Helm values written as a YAML string', () => {
  it("reads an Argo CD application's helm.values and a k3s HelmChart's valuesContent at their places in the file; values that are not YAML are not read, and said so", async () => {
    const { occurrences, errors } = await extract('helm-values-strings.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.kind, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['19:23', 'helm', 'bitnami/redis', 'docker.io/bitnami/redis:7.4.1-debian-12-r0', 'spec.source.helm.values.image.repository'],
      ['22:34', 'helm', 'bitnami/redis-sentinel', 'docker.io/bitnami/redis-sentinel:7.4.1', 'spec.source.helm.values.sentinel.image.repository'],
      // An ApplicationSet's generator parameter is filled in per application.
      ['44:27', 'helm', 'ghcr.io/stefanprodan/podinfo', 'a {{ }} template action is filled in when this file is rendered', 'spec.template.spec.source.helm.values.image.repository'],
      ['57:19', 'helm', 'grafana/grafana', 'docker.io/grafana/grafana:11.2.0', 'spec.valuesContent.image.repository'],
    ]);
    expect(occurrences[0]?.note).toBe('a value the Argo CD application gives its chart (helm.values), read as written');
    expect(errors).toHaveLength(1);
    expect(errors?.[0]).toMatch(/^spec\.source\.helm\.values \(line 69\) is not YAML, so its images were not read: /);
  });
});

describe('kubernetes: Go flags with one dash', () => {
  it("reads Tekton's controller arguments: a flag then its image, and a flag with its image after `=`", async () => {
    const { occurrences } = await extract('tekton-controller-flags.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.context, o.note])).toEqual([
      ['15:16', 'ko://github.com/tektoncd/pipeline/cmd/controller', 'spec.template.spec.containers[0].image', undefined],
      ['25:28', 'cgr.dev/chainguard/busybox@sha256:19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791', 'spec.template.spec.containers[0].args[5]', 'handed to the container as -shell-image'],
      ['28:27', 'cgr.dev/chainguard/busybox:latest', 'spec.template.spec.containers[0].args[8]', 'handed to the container as -sidecar-image'],
    ]);
  });
});

describe('kubernetes: a JSON stream', () => {
  it('reads a .json manifest holding objects one after another (as kubectl does), each at its place', async () => {
    const { occurrences, errors } = await extract('json-stream.json');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['2:150', 'docker.io/library/nginx:1.27', 'spec.template.spec.containers[0].image'],
      ['5:120', 'docker.io/library/busybox:1.37', 'spec.containers[0].image'],
    ]);
  });
});

describe('JSON streams', () => {
  it.each([
    ['two objects, a bracket and an escaped quote inside a string', '{"a": "} ]"}\n{"b": "\\"{"}', [[0, 12], [13, 25]]],
    ['an object and an array, no space between', '{"a":1}[2]', [[0, 7], [7, 10]]],
  ])('finds the values: %s', (_name, text, values) => {
    expect(jsonStreamValues(text)).toEqual(values);
  });

  it.each([
    ['one value', '{"a": 1}\n'],
    ['text between values', '{"a": 1}\nx\n{"b": 2}'],
    ['a value left open', '{"a": 1}\n{"b": [2}'],
    ['a scalar at the top level', '{"a": 1}\n2\n'],
    ['YAML', 'a: 1\n---\nb: 2\n'],
  ])('is no stream: %s', (_name, text) => {
    expect(jsonStreamValues(text)).toBeUndefined();
  });

  it('stops at 10,000 values: a longer stream stays unread', () => {
    expect(jsonStreamValues('{}\n'.repeat(10_000))).toHaveLength(10_000);
    expect(jsonStreamValues('{}\n'.repeat(10_001))).toBeUndefined();
  });

  it('parses each value with its nodes at their offsets in the whole text; none when a value does not parse', () => {
    const text = '{"a": 1}\n  {"image": "x:1"}';
    const parsed = parseJsonStream(text)!;
    expect(parsed.documents.map((document) => document.toJS())).toEqual([{ a: 1 }, { image: 'x:1' }]);
    const image = (parsed.documents[1]!.contents as { items: Array<{ value: { range: number[] } }> }).items[0]!.value;
    expect(text.slice(image.range[0], image.range[1])).toBe('"x:1"');
    expect(parseJsonStream('{"a": 1}\n{"a" 2}')).toBeUndefined();
  });
});

describe('kubernetes: containers an admission webhook fills in', () => {
  it("reads Istio's `image: auto` of an istio-proxy container as unresolved, and judges no settings of it", async () => {
    const { occurrences, containers } = await extract('istio-gateway-injection.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message])).toEqual([
      ['21:16', "Istio's injector replaces `image: auto` of its istio-proxy container with the mesh's proxy image when the pod is created"],
      // Only the istio-proxy container is the injector's: any other `auto` is an image of that name.
      ['23:16', 'docker.io/library/auto'],
    ]);
    expect(containers?.map((container) => container.name)).toEqual(['Deployment/ingressgateway container auto-app']);
  });
});

describe('kubernetes: manifest templates for other tools', () => {
  it('reads a Go-templated manifest as the YAML around its actions', async () => {
    const { occurrences, errors } = await extract('templated/sidecar.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['18:16', 'busybox:1.36', 'docker.io/library/busybox:1.36'],
      ['21:16', '{{ .Values.agent.repository }}:{{ .Values.agent.tag }}', 'a {{ }} template action is filled in when this file is rendered'],
      ['23:17', 'quay.io/prometheus/node-exporter:v1.8.1', 'quay.io/prometheus/node-exporter:v1.8.1'],
    ]);
  });

  it('reads an action over several lines and action-only lines inside a block scalar, naming containers as written', async () => {
    const { occurrences, errors, containers } = await extract('templated/test-framework.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['16:16', 'registry.example.com/mesh/proxy:1.24.0', 'registry.example.com/mesh/proxy:1.24.0'],
      ['19:16', '{{ $.Hub }}/app:{{ $.Tag }}', 'a {{ }} template action is filled in when this file is rendered'],
    ]);
    expect(containers?.map((container) => [container.name, container.raw, container.runAsNonRoot?.value])).toEqual([
      ['Deployment/{{ $.Service }}-{{ $version.Name }} container proxy', 'registry.example.com/mesh/proxy:1.24.0', undefined],
      ['Deployment/{{ $.Service }}-{{ $version.Name }} container app', '{{ $.Hub }}/app:{{ $.Tag }}', true],
    ]);
  });

  it('reads a line holding an action and a comment after it as the blank line it renders to', async () => {
    const { occurrences, errors } = await extract('templated/go-template-comment.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message])).toEqual([
      ['19:19', '{{ $NginxImage }}', 'a {{ }} template action is filled in when this file is rendered'],
      ['22:18', 'busybox:1.37', 'docker.io/library/busybox:1.37'],
    ]);
  });

  it('a templated CRD header is not reported as unparseable', async () => {
    const { occurrences, errors } = await extract('templated/crd.template.header.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences).toEqual([]);
  });
});

describe('kubernetes: Jinja templates of manifests', () => {
  it.each([
    ['roles/x/templates/deployment.yml.j2', 'apiVersion: apps/v1\nkind: Deployment\n', true],
    ['roles/x/templates/deployment.yaml.jinja', 'apiVersion: apps/v1\nkind: Deployment\n', true],
    ['roles/x/templates/pod.json.jinja2', '{"apiVersion": "v1", "kind": "Pod"}', true],
    ['roles/x/templates/kubeadm.conf.j2', 'apiVersion: v1\nkind: Pod\n', false],
    ['roles/x/templates/kustomization.yaml.j2', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n', false],
  ])('%s', (path, text, expected) => {
    expect(kubernetesDiscoverer.candidate!(path)).toBe(expected);
    expect(kubernetesDiscoverer.matches(path, text)).toBe(expected);
  });

  it('reads a template as the YAML around its tags: `{% if %}` inside a flow sequence, images that are expressions (kubespray)', async () => {
    const { occurrences, errors, readLineByLine, containers } = await extract('jinja/cni-flannel.yml.j2');
    expect(errors).toBeUndefined();
    expect(readLineByLine).toBeUndefined();
    const note = 'a Jinja expression fills it in when the template is rendered';
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['80:16', '{{ flannel_image_repo }}:{{ flannel_image_tag }}', note, 'spec.template.spec.containers[0].image'],
      ['127:16', '{{ flannel_init_image_repo }}:{{ flannel_init_image_tag }}', note, 'spec.template.spec.initContainers[0].image'],
      ['138:16', '{{ flannel_image_repo }}:{{ flannel_image_tag }}', note, 'spec.template.spec.initContainers[1].image'],
    ]);
    expect(containers?.map((container) => container.name)).toEqual([
      'DaemonSet/kube-flannel-ds-{{ arch }} container kube-flannel',
      'DaemonSet/kube-flannel-ds-{{ arch }} init container install-cni-plugin',
      'DaemonSet/kube-flannel-ds-{{ arch }} init container install-cni',
    ]);
  });

  it('names a workload whose quoted name holds a tag as written inside its quotes (awx-operator task.yaml.j2)', async () => {
    const text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: '{{ ansible_operator_meta.name }}-task'\nspec:\n  template:\n    spec:\n      containers:\n        - name: 'redis'\n          image: '{{ _redis_image }}'\n";
    const file = { path: 'roles/installer/templates/deployments/task.yaml.j2', text };
    const { occurrences, containers } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expectRawAtPositions(file, occurrences);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw])).toEqual([['10:19', '{{ _redis_image }}']]);
    expect(containers?.map((container) => [container.name, container.raw])).toEqual([['Deployment/{{ ansible_operator_meta.name }}-task container redis', '{{ _redis_image }}']]);
  });

  it('a template whose block scalar is led by statement lines parses, every document searched (kubespray coredns-config)', () => {
    const { errors, objects } = collectManifestImages(fixture('kubernetes', 'jinja/coredns-config.yml.j2').text, { template: templateFileOf('coredns-config.yml.j2'), prefilter: false });
    expect(errors).toEqual([]);
    expect(objects).toBe(1);
  });

  it('reads a Go template of a manifest (`.yaml.tmpl`): its {{ if }} blocks masked, its literal images found (cloud-platform-infrastructure)', async () => {
    const { occurrences, errors } = await extract('template/dynamic-deploy.yaml.tmpl');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['29:14', 'docker.io/nginxinc/nginx-unprivileged:latest', 'spec.containers[0].image'],
      ['78:14', 'docker.io/nginxinc/nginx-unprivileged:latest', 'spec.initContainers[0].image'],
      ['107:14', 'docker.io/nginxinc/nginx-unprivileged:latest', 'spec.ephemeralContainers[0].image'],
    ]);
  });

  it('reads a sed template (`.yaml.in`): an @NAME@ image is a placeholder, and a document that is not YAML is read line by line', async () => {
    const { occurrences, errors, readLineByLine } = await extract('template/broken-sed.yaml.in');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.note])).toEqual([
      ['8:14', '@APP_IMAGE@', '@APP_IMAGE@ holds a placeholder filled in by a tool before the file is applied', undefined],
      ['10:14', 'envoyproxy/envoy:v1.31.2', 'docker.io/envoyproxy/envoy:v1.31.2', undefined],
      ['19:14', 'busybox:1.36', 'docker.io/library/busybox:1.36', 'read from its line: this part of the template is YAML only once rendered'],
    ]);
    expect(readLineByLine).toHaveLength(1);
    expect(readLineByLine![0]).toMatch(/^line 11: this document of the template is not YAML until the template is rendered \(.*\); its one `image:` line was read line by line, nothing else in it$/);
  });

  it('reads line by line the whole of a template document the parser gave up on part way, not only up to where it stopped (gpu-operator)', async () => {
    const { occurrences, errors, readLineByLine } = await extract('template/state-driver-daemonset.yaml');
    expect(errors).toBeUndefined();
    const note = 'a {{ }} template action fills it in when the template is rendered';
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.problem?.message])).toEqual([
      ['137:18', '{{ .Driver.ManagerImagePath }}', note],
      ['200:16', '{{ .Driver.ImagePath }}', note],
    ]);
    expect(readLineByLine).toHaveLength(1);
    expect(readLineByLine![0]).toMatch(/^line 1: this document of the template is not YAML until the template is rendered \(.*\); its 2 `image:` lines were read line by line, nothing else in it$/);
  });

  it('reads a manifest holding `{% %}` statement lines though its name does not say it is a template, a loop opened after `args:` included (tutor)', async () => {
    const { occurrences, errors, readLineByLine } = await extract('jinja/tutor-deployments.yml');
    expect(errors).toBeUndefined();
    expect(readLineByLine).toBeUndefined();
    const note = 'a {{ }} template action is filled in when this file is rendered';
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.problem?.message, o.context])).toEqual([
      ['35:18', '{{ DOCKER_IMAGE_CADDY }}', note, 'spec.template.spec.containers[0].image'],
      ['81:18', '{{ DOCKER_IMAGE_OPENEDX }}', note, 'spec.template.spec.containers[0].image'],
    ]);
  });

  it('reads the `image:` lines of a manifest that its statement lines make a Jinja template and that is not YAML until rendered', async () => {
    // The shape of tutor's templates (`{% if RUN_MONGODB %}- item{% endif %}`), in a manifest named plainly.
    const text = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: permissions', 'spec:', '  containers:', '    - name: permissions', '      image: {{ DOCKER_IMAGE_PERMISSIONS }}', '      volumeMounts:', '        - name: lms', '          mountPath: /mounts/lms', '        {% if RUN_MONGODB %}- name: mongodb{% endif %}', ''].join('\n');
    const file = { path: 'k8s/permissions.yml', text };
    const { occurrences, errors, readLineByLine } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expectRawAtPositions(file, occurrences);
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.problem?.message, o.note])).toEqual([
      ['8:14', '{{ DOCKER_IMAGE_PERMISSIONS }}', 'a Jinja expression fills it in when the template is rendered', 'read from its line: this part of the Jinja template is YAML only once rendered'],
    ]);
    expect(readLineByLine).toHaveLength(1);
    expect(readLineByLine![0]).toMatch(/^line 1: this document of the Jinja template is not YAML until the template is rendered/);
  });

  it('reads a Jinja template that holds no tag but is not YAML line by line, not silently', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.27\n      args: [ "a",\n';
    const file = { path: 'roles/app/templates/pod.yml.j2', text };
    const { occurrences, readLineByLine } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference])).toEqual([['5:14', 'docker.io/library/nginx:1.27']]);
    expect(readLineByLine).toHaveLength(1);
  });

  it('reads the image lines of a document that is YAML only once rendered, and says the rest was not read (kube-ovn ovs-ovn)', async () => {
    const { occurrences, errors, readLineByLine } = await extract('jinja/cni-ovn-ovs.yml.j2');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw.slice(0, 30), o.problem?.message, o.note])).toEqual([
      ['39:18', '{% if kube_ovn_dpdk_enabled %}', 'a Jinja expression fills it in when the template is rendered', 'read from its line: this part of the Jinja template is YAML only once rendered'],
    ]);
    expect(readLineByLine).toEqual([
      'line 1: this document of the Jinja template is not YAML until the template is rendered (Missing , or : between flow sequence items at line 42, column 90); its one `image:` line was read line by line, nothing else in it',
    ]);
  });
});

describe('kubernetes: hostile image text', () => {
  it('an image of 500,000 `${` without a `}` is refused as too long, read once (each `${` was retried to the end: 16 s for 100,000)', async () => {
    const image = '${'.repeat(500_000);
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: "${image}"\n`;
    const { occurrences } = await kubernetesDiscoverer.extract({ path: 'pod.yaml', text }, fixtureContext('kubernetes'));
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.reference, occurrence.problem?.kind])).toEqual([['spec.containers[0].image', null, 'invalid']]);
  });
});

describe('kubernetes: the field name ending a context', () => {
  it('is the letters the replaced pattern found', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '.', '[', '0', ']', ' ', '\n'), maxLength: 16 }), (context) => {
        expect(trailingLetters(context)).toBe(/([A-Za-z]+)$/.exec(context)?.[1]);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a run of 1,000,000 letters not ending the context once (the pattern retried each letter to the end)', () => {
    expect(trailingLetters(`${'Za'.repeat(500_000)} `)).toBeUndefined();
    expect(trailingLetters(`${'Za'.repeat(500_000)}.image`)).toBe('image');
  });
});

describe('JSON patches (kustomize patches written as operations)', () => {
  const summary = (occurrences: Occurrence[]) => occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context]);

  it('reads the image a patch file adds with a container (redhat-cop/gitops-catalog)', async () => {
    const { occurrences, errors } = await extract('json-patch/patch-broker.yaml');
    expect(summary(occurrences)).toEqual([
      ['29:13', 'image-registry.openshift-image-registry.svc:5000/openshift/java-runtime:latest', '/spec/resourceTemplates/0/patch/spec/template/spec/initContainers/-.image'],
    ]);
    expect(errors ?? []).toEqual([]);
  });

  it('reads each operation that sets an image by its path: an image, a container, a list of containers, part of a pod', async () => {
    const { occurrences } = await extract('json-patch/set-images.yaml');
    expect(summary(occurrences)).toEqual([
      ['8:10', 'ghcr.io/acme/api:2.0.0', '/spec/template/spec/containers/0/image'],
      ['13:12', 'quay.io/oauth2-proxy/oauth2-proxy:v7.6.0', '/spec/template/spec/containers/-.image'],
      ['18:14', 'ghcr.io/acme/migrate:2.0.0', '/spec/template/spec/initContainers[0].image'],
      ['24:16', 'docker.io/library/postgres:16.4', '/spec/jobTemplate/spec/template/spec.containers[0].image'],
    ]);
    expect(occurrences[0]?.note).toBe('set by a JSON patch (replace /spec/template/spec/containers/0/image)');
  });

  it('reads the test images an operator-sdk scorecard patch adds (cloudnative-pg/cloudnative-pg a95a534dbe0854495b863bbc1b7651f74d310916)', async () => {
    // `add /stages/0/tests/-` with a test `{entrypoint, image, labels}`: no container, and the images were not read.
    const { occurrences } = await extract('json-patch/scorecard/olm.config.yaml');
    expect(summary(occurrences)).toEqual([7, 17, 27, 37, 47].map((line) => [`${line}:12`, 'quay.io/operator-framework/scorecard-test:v1.42.3', '/stages/0/tests/-/image']));
    expect(occurrences[0]?.note).toBe('the image an operator-sdk scorecard test runs as a pod, added by a JSON patch (add /stages/0/tests/-)');
  });

  it('leaves a list alone that is not all JSON patch operations', async () => {
    const { occurrences, errors } = await extract('json-patch/not-a-patch.yaml');
    expect(occurrences).toEqual([]);
    expect(errors ?? []).toEqual([]);
  });

  it('does not take a file for a patch without an operation and the word image', () => {
    expect(kubernetesDiscoverer.matches('patch.yaml', '- op: replace\n  path: /spec/replicas\n  value: 3\n')).toBe(false);
    expect(kubernetesDiscoverer.matches('patch.yaml', '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:1.27\n')).toBe(true);
    expect(kubernetesDiscoverer.matches('patch.yaml', '- "op": "add"\n  "path": "/spec/template/spec/containers/-"\n  "value": {"name": "a", "image": "nginx:1.27"}\n')).toBe(true);
    expect(kubernetesDiscoverer.matches('patch.json', '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.27"}]')).toBe(true);
  });
});
