import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { helmDiscoverers, helmTemplatesDiscoverer, helmValuesDiscoverer } from '../../src/discover/helm.js';
import { SWITCHED_OFF_AS_WRITTEN as SWITCHED_OFF } from '../../src/discover/helm-render.js';
import { kubernetesDiscoverer } from '../../src/discover/kubernetes.js';
import type { Discoverer } from '../../src/discover/types.js';
import { expectRawAtPositions, fixture, fixtureContext } from './discover-helpers.js';

async function extract(discoverer: Discoverer, path: string) {
  const file = fixture('helm', path);
  expect(discoverer.matches(path, file.text)).toBe(true);
  // Exactly one Helm discoverer claims a chart file.
  expect(helmDiscoverers.filter((candidate) => candidate.matches(path, file.text))).toEqual([discoverer]);
  const extraction = await discoverer.extract(file, fixtureContext('helm'));
  expectRawAtPositions(file, extraction.occurrences);
  for (const occurrence of extraction.occurrences) expect(occurrence.kind).toBe('helm');
  return extraction;
}

const rows = (occurrences: Array<{ line: number; column: number; raw: string; reference: string | null; context?: string }>) =>
  occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.context]);

describe('helm matches', () => {
  it.each([
    ['charts/app/values.yaml', true, false],
    ['charts/app/values-production.yml', true, false],
    ['charts/app/values.schema.json', false, false],
    ['charts/app/templates/deployment.yaml', false, true],
    ['charts/app/templates/_helpers.tpl', false, true],
    ['charts/app/templates/NOTES.txt', false, false],
    ['charts/app/Chart.yaml', false, false],
    ['charts/app/ci/test1-values.yaml', true, false],
    ['charts/app/ci/enterprise-postgres.yaml', false, false],
  ])('%s', (path, values, templates) => {
    expect(helmValuesDiscoverer.matches(path, '')).toBe(values);
    expect(helmTemplatesDiscoverer.matches(path, '')).toBe(templates);
  });
});

describe('helm: images handed to a container as a flag or in a variable', () => {
  it('reads --<name>image= items and image variables: from values at the values line, literal ones at the template, none whose value is no reference', async () => {
    const values = await extract(helmValuesDiscoverer, 'flag-images/values.yaml');
    expect(rows(values.occurrences)).toEqual([
      ['4:15', 'quay.io/example/controller', 'quay.io/example/controller:v1.4.2', 'image.repository'],
      ['7:17', 'quay.io/example/acmesolver', 'quay.io/example/acmesolver:v1.4.2', 'solver.image.repository'],
      ['12:17', 'docker.io/example/sidecar', 'docker.io/example/sidecar:3.1', 'sidecar.image.repository'],
    ]);
    expect(values.occurrences.slice(1).map((occurrence) => occurrence.related)).toEqual([
      [{ file: 'flag-images/templates/deployment.yaml', line: 13, column: 42, message: 'the template line that hands this image to the container as --acme-http01-solver-image' }],
      [{ file: 'flag-images/templates/deployment.yaml', line: 24, column: 22, message: 'the template line that hands this image to the container in EXAMPLE_DEFAULT_SIDECAR_IMAGE' }],
    ]);
    const templates = await extract(helmTemplatesDiscoverer, 'flag-images/templates/deployment.yaml');
    // `--enable-image=IfNotPresent` and PULL_POLICY_IMAGE are named as images but render no reference;
    // LOG_LEVEL is no image variable.
    expect(rows(templates.occurrences)).toEqual([
      ['14:40', 'ghcr.io/example/reloader:1.0', 'ghcr.io/example/reloader:1.0', '--config-reloader-image'],
      // A Go flag may have one dash.
      ['15:28', 'docker.io/example/shell:1.36', 'docker.io/example/shell:1.36', '-shell-image'],
      // `{{- if .Values.debug }}` (unset) is not taken: the literal image is read as written.
      ['19:29', 'docker.io/example/debug:1', 'docker.io/example/debug:1', '--debug-image'],
      ['26:23', 'docker.io/example/agent:2.0', 'docker.io/example/agent:2.0', 'RELATED_IMAGE_AGENT'],
    ]);
    expect(templates.occurrences.map((occurrence) => occurrence.note)).toEqual([
      'handed to the container as --config-reloader-image',
      'handed to the container as -shell-image',
      `handed to the container as --debug-image; ${SWITCHED_OFF}`,
      'handed to the container in RELATED_IMAGE_AGENT',
    ]);
  });
});

describe('helm: images handed as a flag on a line of a shell script', () => {
  it('consul-k8s (hashicorp/consul-k8s a507b1d1e3061996dbed00cde73bba2bf068379f): `-consul-dataplane-image="{{ ... }}" \\` hands the injector its sidecar image, reported at its values line', async () => {
    const values = await extract(helmValuesDiscoverer, 'script-flag-images/values.yaml');
    const dataplane = 'docker.mirror.hashicorp.services/hashicorppreview/consul-dataplane:2.1.0-dev';
    // The dataplane image was reported nowhere: no `image:` line renders it with the default values.
    expect(rows(values.occurrences).at(-1)).toEqual(['14:25', dataplane, dataplane, 'image']);
    expect(values.occurrences.map((occurrence) => occurrence.note)).toEqual(Array(3).fill("rendered by the chart's templates with the default values"));
    expect(values.occurrences.map((occurrence) => occurrence.related?.map((related) => `${related.line}:${related.column} ${related.message}`))).toEqual([
      ['24:32 the template line that hands this image to the container as -consul-image'],
      ['12:19 the template line that renders this image ({{ default .Values.global.imageK8S .Values.connectInject.image }})', '26:36 the template line that hands this image to the container as -consul-k8s-image'],
      ['25:42 the template line that hands this image to the container as -consul-dataplane-image'],
    ]);
    // `-pull-image=IfNotPresent` is named as an image but renders no reference; `-log-level=` is no image flag.
    expect((await extract(helmTemplatesDiscoverer, 'script-flag-images/templates/connect-inject-deployment.yaml')).occurrences).toEqual([]);
  });
});

describe('helm: images handed as a flag item followed by the image as the next item', () => {
  it('Longhorn: `- --engine-image` then the image: the values lines as Helm renders them (with their tags), a literal one at the template', async () => {
    const values = await extract(helmValuesDiscoverer, 'flag-item-images/values.yaml');
    expect(rows(values.occurrences)).toEqual([
      ['9:17', 'longhornio/longhorn-engine', 'docker.io/longhornio/longhorn-engine:master-head', 'image.engine.repository'],
      ['13:17', 'longhornio/longhorn-manager', 'docker.io/longhornio/longhorn-manager:master-head', 'image.manager.repository'],
      ['17:17', 'longhornio/support-bundle-kit', 'docker.io/longhornio/support-bundle-kit:v0.0.84', 'image.supportBundleKit.repository'],
    ]);
    for (const occurrence of values.occurrences) expect(occurrence.note).toBe("rendered by the chart's templates with the default values");
    expect(values.occurrences[0].related).toEqual([
      { file: 'flag-item-images/templates/daemonset.yaml', line: 15, column: 12, message: 'the template line that hands this image to the container as --engine-image' },
    ]);
    const templates = await extract(helmTemplatesDiscoverer, 'flag-item-images/templates/daemonset.yaml');
    // `--pull-image` renders no reference; `--backing-image` is followed by a template action, not an item.
    expect(rows(templates.occurrences)).toEqual([
      ['19:12', 'docker.io/longhornio/longhorn-instance-manager:v1.9.0', 'docker.io/longhornio/longhorn-instance-manager:v1.9.0', '--instance-manager-image'],
    ]);
    expect(templates.occurrences[0].note).toBe('handed to the container as --instance-manager-image');
  });
});

describe('helm: an image variable whose value is chosen by template branches', () => {
  it("Dapr: SIDECAR_IMAGE's value after `{{- if }}` lines is the branch Helm renders, reported at the values line", async () => {
    const values = await extract(helmValuesDiscoverer, 'branch-variable-images/values.yaml');
    expect(rows(values.occurrences)).toEqual([
      ['9:10', 'daprd', 'ghcr.io/dapr/daprd:edge', 'image'],
      ['11:10', 'injector', 'ghcr.io/dapr/injector:edge', 'image'],
    ]);
    expect(values.occurrences[0].related).toEqual([
      { file: 'branch-variable-images/templates/deployment.yaml', line: 20, column: 19, message: 'the template line that hands this image to the container in SIDECAR_IMAGE' },
    ]);
    // The pull policy is no reference, HELPER_IMAGE has no value, TOOLS_IMAGE's branch is not taken.
    expect((await extract(helmTemplatesDiscoverer, 'branch-variable-images/templates/deployment.yaml')).occurrences).toEqual([]);
  });
});

describe("helm: image lines a dependency's helper writes", () => {
  it("Linkerd: the proxy container of the `partials` chart, included with a deep copy of the root, renders with the including chart's values", async () => {
    const values = await extract(helmValuesDiscoverer, 'library-helper-images/control-plane/values.yaml');
    expect(rows(values.occurrences)).toEqual([
      ['6:18', 'cr.l5d.io/linkerd/controller', 'cr.l5d.io/linkerd/controller:stable-2.14.10', 'controllerImage'],
      ['10:11', 'cr.l5d.io/linkerd/proxy', 'cr.l5d.io/linkerd/proxy:stable-2.14.10', 'proxy.image.name'],
    ]);
    expect(values.occurrences[1].related).toEqual([
      { file: 'library-helper-images/partials/templates/_proxy.tpl', line: 5, column: 8, message: expect.stringContaining('the template line that renders this image') },
    ]);
    // The helper renders nothing on its own: the partials chart reports nothing.
    expect((await extract(helmTemplatesDiscoverer, 'library-helper-images/partials/templates/_proxy.tpl')).occurrences).toEqual([]);
  });
});

describe('helm: a switched-off values image is composed only by an action that holds it whole', () => {
  it("Gatekeeper's skeleton: `image.repository` is not read as the `image.crdRepository` whose name begins with it", async () => {
    const values = await extract(helmValuesDiscoverer, 'prefix-repository/values.yaml');
    expect(rows(values.occurrences)).toEqual([['6:15', 'openpolicyagent/gatekeeper', null, 'image.repository']]);
    expect(values.occurrences[0].problem).toMatchObject({ kind: 'unresolved', message: expect.stringContaining('do not render this image with the default values') });
  });
});

describe('helm: a switched-off image block whose repository an action prints alone', () => {
  it("App Mesh: the sidecar's repository and tag handed in two flags is read as the block gives it, with its tag", async () => {
    const values = await extract(helmValuesDiscoverer, 'split-flag-images/values.yaml');
    const ecr = '840364872350.dkr.ecr.us-west-2.amazonaws.com';
    expect(rows(values.occurrences)).toEqual([
      ['5:15', `${ecr}/amazon/appmesh-controller`, `${ecr}/amazon/appmesh-controller:v1.13.3`, 'image.repository'],
      ['9:17', `${ecr}/aws-appmesh-envoy`, `${ecr}/aws-appmesh-envoy:v1.29.12.3-prod`, 'sidecar.image.repository'],
    ]);
  });

  it("cloudnative-pg: a repository printed alone between its registry's and its tag's actions is read as the block gives it, not as a Docker Hub name", async () => {
    // SIDECAR_IMAGE in a ConfigMap (no image line) is "{{ registry }}/{{ repository }}:{{ tag | default appVersion }}";
    // `{{ .Values.sidecarImage.repository }}` alone was taken for docker.io/cloudnative-pg/… (a false typosquat).
    const { occurrences } = await extract(helmValuesDiscoverer, 'registry-beside/values.yaml');
    expect(occurrences.map((o) => [...rows([o])[0], o.problem?.message])).toEqual([
      ['3:15', 'cloudnative-pg/plugin-barman-cloud', 'ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.13.0', 'image.repository', undefined],
      // The ConfigMap's SIDECAR_IMAGE setting renders it, with the chart's appVersion for its empty tag.
      ['10:15', 'cloudnative-pg/plugin-barman-cloud-sidecar', 'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.13.0', 'sidecarImage.repository', undefined],
    ]);
    expect(occurrences[1]?.related).toEqual([
      { file: 'registry-beside/templates/configmap.yaml', line: 3, column: 19, message: 'the template line that hands this image to the container in SIDECAR_IMAGE' },
    ]);
  });
});

describe("helm: a custom resource's imageName", () => {
  it("cloudnative-pg: the PostgreSQL image of the Cluster the chart renders (spec.imageName, composed by a helper from the type and version)", async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'operator-image-name/templates/_helpers.tpl');
    expect(rows(occurrences)).toEqual([['28:12', '{{ include "cluster.imageName" . }}', 'ghcr.io/cloudnative-pg/postgresql:16', 'imageName']]);
    expect(occurrences[0]?.note).toContain('handed to its operator in imageName');
    // No values line names the image (the helper composes it): nothing is reported there.
    expect((await extract(helmValuesDiscoverer, 'operator-image-name/values.yaml')).occurrences).toEqual([]);
  });
});

describe('helm values', () => {
  it('helm create: reported once, at the values line, as the template renders it (empty tag -> appVersion)', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'mychart/values.yaml');
    expect(rows(occurrences)).toEqual([['8:15', 'nginx', 'docker.io/library/nginx:1.16.0', 'image.repository']]);
    expect(occurrences[0].resolved).toBe('nginx:1.16.0');
    expect(occurrences[0].note).toBe("rendered by the chart's templates with the default values");
    // The template line that renders it is the related location; the template itself reports nothing.
    expect(occurrences[0].related).toEqual([{ file: 'mychart/templates/deployment.yaml', line: 32, column: 19, message: expect.stringContaining('template line') }]);
    expect((await extract(helmTemplatesDiscoverer, 'mychart/templates/deployment.yaml')).occurrences).toEqual([]);
  });

  it('Bitnami: registry/repository:tag@digest blocks nested anywhere, sidecars as plain strings', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'nginx/values.yaml');
    expect(rows(occurrences)).toEqual([
      ['24:15', 'bitnami/nginx', 'docker.io/bitnami/nginx:1.29.1-debian-12-r0', 'image.repository'],
      ['40:12', 'docker.io/fluent/fluent-bit:3.0.4', 'docker.io/fluent/fluent-bit:3.0.4', 'sidecars[0].image'],
      // `cloneStaticSiteFromGit.repository` (a git remote, empty here) is not an image.
      ['54:17', 'bitnami/git', 'docker.io/bitnami/git:2.51.0-debian-12-r0', 'cloneStaticSiteFromGit.image.repository'],
      [
        '79:17',
        'bitnami/nginx-exporter',
        'docker.io/bitnami/nginx-exporter:1.4.2-debian-12-r6@sha256:3a17b6ba0c4bf2ef6b8c3a6b3f8c1bbdd6d8e5e4f7a2c9d0e1f2a3b4c5d6e7f8',
        'metrics.image.repository',
      ],
    ]);
    // An empty digest is ignored rather than producing "nginx:tag@".
    expect(occurrences[0].note).toBeUndefined();
  });

  it('reports what the templates render from each values line, with number tags as Helm prints them', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'platform/values.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.context, o.related?.map((r) => r.line)])).toEqual([
      // global.registry + repository + `tag: 1.10 | toString` (a float64 to Helm: "1.1").
      ['6:17', 'platform/api', 'registry.example.com/platform/api:1.1', 'api.image.repository', [14]],
      // One value, two template lines: one occurrence with both as related locations.
      ['11:11', 'platform/worker:2.0.1', 'docker.io/platform/worker:2.0.1', 'worker.image', [16, 52]],
      ['16:17', 'example/migrations', 'ghcr.io/example/migrations@sha256:2f0b2e3bb3a33e0d1a7c4d4b0c9e0c1f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d', 'migrations.image.repository', [11]],
      ['23:12', 'ingress-nginx/controller', 'registry.k8s.io/ingress-nginx/controller:v1.10.0', 'proxy.image.image', [18]],
      ['27:15', 'busybox', 'docker.io/library/busybox:1.36.1', 'busybox.repository', [20]],
      // `with .Values.redis` / `if .enabled`: `.image.tag | default $.Chart.AppVersion`, and a fixed tag.
      ['33:17', 'bitnami/redis', 'docker.io/bitnami/redis:3.2.0', 'redis.image.repository', [38]],
      ['33:17', 'bitnami/redis', 'docker.io/bitnami/redis:7.2', 'redis.image.repository', [40]],
      // `range .Values.extraContainers`: `.image` of each item.
      ['46:12', 'fluent/fluent-bit:3.0', 'docker.io/fluent/fluent-bit:3.0', 'extraContainers[0].image', [45]],
      // `tpl .Values.tplImage .`
      ['48:12', '{{ .Values.global.registry }}/platform/tpl:1', 'registry.example.com/platform/tpl:1', 'tplImage', [34]],
    ]);
  });

  it("an empty tag renders as the chart's templates default it: v + appVersion through the chart's helper", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'named-templates/values.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.resolved ?? o.raw, o.problem?.kind, o.related?.map((r) => r.line)])).toEqual([
      // include "named.image" . and include "named.image" $ (inside a with block).
      ['2:15', 'registry.k8s.io/metrics-server/metrics-server:v0.6.1', undefined, [10, 31]],
      // named.byRelease.image: `helm template` names the release "release-name".
      ['2:15', 'registry.k8s.io/metrics-server/metrics-server:release-name', undefined, [18]],
      // named.fromDict.image with an empty tag: Helm renders "...:", which is not an image.
      ['2:15', 'registry.k8s.io/metrics-server/metrics-server:', 'invalid', [20]],
      ['8:17', 'registry.k8s.io/autoscaling/addon-resizer:1.8.19', undefined, [12]],
      // named.scoped.image: `with .Values.sidecar.image` then `.repository` only.
      ['8:17', 'registry.k8s.io/autoscaling/addon-resizer', undefined, [22]],
      // named.nested.image: the registry from helpers/_registry.tpl (`"" | default "docker.io"`).
      ['15:15', 'docker.io/example/nested:2.0', undefined, [14]],
    ]);
  });

  it('an empty tag: each block as its template line renders it', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'tag-defaults/values.yaml');
    expect(occurrences.map((o) => [o.context, o.reference ?? o.problem?.message])).toEqual([
      // `.Values.app.image.tag | default .Chart.AppVersion`
      ['app.image.repository', 'docker.io/example/app:2.4.0'],
      // Used as is: Helm renders "example/worker:", which is not an image.
      [
        'worker.image.repository',
        'invalid tag format: "" must be 1 to 128 of letters, digits, "_", "." or "-", not starting with "." or "-"; the tag after ":" is empty: write a tag, or "example/worker" for the default',
      ],
      // Handed to a helper in a dict: `.image.tag | default (printf "v%s" .context.Chart.AppVersion)`.
      ['agent.image.repository', 'docker.io/example/agent:v2.4.0'],
      // `default "latest" .Values.migrations.image.tag`
      ['migrations.image.repository', 'docker.io/example/migrations:latest'],
    ]);
  });

  it('one value rendered two ways gives both images; without templates an empty tag is unresolved', async () => {
    const conflict = await extract(helmValuesDiscoverer, 'tag-conflict/values.yaml');
    expect(conflict.occurrences.map((o) => o.reference)).toEqual(['docker.io/example/app:1.2.0', 'docker.io/example/app:v1.2.0']);
    const absent = await extract(helmValuesDiscoverer, 'no-templates/values.yaml');
    expect(absent.occurrences.map((o) => [o.reference, o.problem?.message])).toEqual([
      [null, "tag is empty; the chart's templates choose the default, and they do not render this image with the default values"],
    ]);
  });

  it('a section under a key written as an alias (`*worker :`) is read, named by the anchored value', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'alias-keys/values.yaml');
    expect(rows(occurrences)).toEqual([['6:17', 'ghcr.io/example/worker', 'ghcr.io/example/worker:1.2.0', 'worker.image.repository']]);
  });

  it('a part switched off whose helper joins its parts through variables is read as written, tag included', async () => {
    // `{{ $repositoryName := .Values.init.image.repository }}` alone prints only the written
    // repository: not a composition (it was once taken for one, and the image read as `:latest`).
    const { occurrences } = await extract(helmValuesDiscoverer, 'switched-off-variables/values.yaml');
    expect(rows(occurrences)).toEqual([['6:17', 'busybox', 'docker.io/library/busybox:1.35', 'init.image.repository']]);
    expect(occurrences[0].note?.split('; ').at(-1)).toBe('read as written');
  });

  it('a part switched off is read as the template action that builds it composes it, not as written', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'switched-off/values.yaml');
    expect(occurrences.map((o) => [...rows([o])[0], o.related?.map((r) => `${r.file.slice(r.file.indexOf('templates/'))}:${r.line}`)])).toEqual([
      ['3:15', 'example/proxy', 'docker.io/example/proxy:3.1.0', 'image.repository', ['templates/deployment.yaml:12']],
      // oci.enabled is false: `printf "%s/%s:%s" .Values.oci.repo .Values.oci.images.<x>.image …` in the
      // helper, each evaluated alone; read as written they would name docker.io/library/proxy-hub.
      ['11:14', 'proxy', 'docker.io/example/proxy:3.0', 'oci.images.proxy.image', ['templates/_helpers.tpl:6']],
      ['14:14', 'proxy-hub', 'docker.io/example/proxy-hub:latest', 'oci.images.hub.image', ['templates/_helpers.tpl:4']],
      // The image line in `with .Values.metrics.image`, evaluated whole with that dot (the `quote`d
      // hub tag label names oci.images.hub too, but prints no image).
      ['20:17', 'example/exporter', 'quay.io/example/exporter:v1', 'metrics.image.repository', ['templates/deployment.yaml:16']],
      // Printed in a range, beside the item's `.name`: not evaluable alone, so `{image, tag}` as written.
      ['26:10', 'worker', 'docker.io/library/worker:2', 'workerImage.image', undefined],
    ]);
    expect(occurrences.map((o) => o.note?.split('; ').at(-1))).toEqual([
      "rendered by the chart's templates with the default values",
      'as the template that builds it composes it from the values',
      'as the template that builds it composes it from the values',
      'as the template that builds it composes it from the values',
      'read as written',
    ]);
  });

  it('an image block written `{name, tag}` under a key naming an image is read, in a part switched off too, and through a merged copy of the root', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'name-tag-blocks/values.yaml');
    expect(occurrences.map((o) => [...rows([o])[0], o.note?.split('; ').at(-1)])).toEqual([
      ['3:11', 'quay.io/jupyterhub/k8s-hub', 'quay.io/jupyterhub/k8s-hub:4.2.0', 'hub.image.name', "rendered by the chart's templates with the default values"],
      // proxy.https.enabled is false: autohttps.yaml does not render; its image lines compose these.
      ['10:13', 'traefik', 'docker.io/library/traefik:v3.4.1', 'proxy.traefik.image.name', 'as the template that builds it composes it from the values'],
      ['16:13', 'quay.io/jupyterhub/k8s-secret-sync', 'quay.io/jupyterhub/k8s-secret-sync:4.2.0', 'proxy.secretSync.image.name', 'as the template that builds it composes it from the values'],
      // Read through the copy `merge (dict "hook" true) .` makes of the root: still this values line.
      ['29:13', 'registry.k8s.io/pause', 'registry.k8s.io/pause:3.10', 'prePuller.pause.image.name', "rendered by the chart's templates with the default values"],
    ]);
  });

  it('an image block `{name, tag}` beside an empty `repository:` override is read by its name, in a part switched off too', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'empty-repository-name-tag/values.yaml');
    expect(occurrences.map((o) => [...rows([o])[0], o.note?.split('; ').at(-1)])).toEqual([
      ['9:11', 'cluster-agent', 'registry.datadoghq.com/cluster-agent:7.81.1', 'clusterAgent.image.name', "rendered by the chart's templates with the default values"],
      // The DaemonSet renders only once an API key is set; its image line composes this block.
      ['19:11', 'agent', 'registry.datadoghq.com/agent:7.81.1', 'agents.image.name', 'as the template that builds it composes it from the values'],
    ]);
  });

  it("reads the values files chart-testing installs a chart with (ci/*-values.yaml) over the chart's own; not one outside a chart", async () => {
    const ci = async (name: string) => (await extract(helmValuesDiscoverer, `chart-testing/ci/${name}`)).occurrences;
    expect(rows(await ci('test5-values.yaml'))).toEqual([['10:18', 'bitnamilegacy/postgresql', 'docker.io/bitnamilegacy/postgresql:13.11.0-debian-11-r20', 'postgresql.image.repository']]);
    expect(rows(await ci('custom-entities-rbac-3.2-values.yaml'))).toEqual([
      ['5:17', 'kong/nightly-ingress-controller', 'docker.io/kong/nightly-ingress-controller:2024-06-09', 'ingressController.image.repository'],
    ]);
    const [bash] = await ci('test1-values.yaml');
    expect(bash).toMatchObject({ line: 4, reference: 'docker.io/library/bash:latest', context: 'deployment.initContainers[0].image' });
    expect(bash?.note).toBe("a value chart-testing installs the chart with (ci/*-values.yaml), over the chart's default values");
    const outside = await helmValuesDiscoverer.extract({ path: 'ci/test1-values.yaml', text: 'image: bash:latest\n' }, fixtureContext('helm'));
    expect(outside.occurrences).toEqual([]);
  });

  it(".Capabilities as helm template sets it: Kubernetes v1.34.0, built-in API versions only", async () => {
    const values = await extract(helmValuesDiscoverer, 'capabilities/values.yaml');
    expect(values.occurrences.map((o) => [...rows([o])[0], o.note?.split('; ').at(-1), o.related?.map((r) => r.line)])).toEqual([
      // `semverCompare ">=1.21-0" .Capabilities.KubeVersion.GitVersion` is true: this branch renders.
      ['2:15', 'example/app', 'docker.io/example/app:2.0', 'image.repository', "rendered by the chart's templates with the default values", [11]],
      // The else branch and the `Has "monitoring.coreos.com/v1"` branch (a custom resource's group,
      // not built in) do not render; their images are read as their lines compose them.
      ['5:15', 'example/app-legacy', 'docker.io/example/app-legacy:1.0', 'legacyImage.repository', 'as the template that builds it composes it from the values', [13]],
      ['8:10', 'example/exporter:1', 'docker.io/example/exporter:1', 'exporter.image', 'as the template that builds it composes it from the values', [17]],
    ]);
    const template = await extract(helmTemplatesDiscoverer, 'capabilities/templates/deployment.yaml');
    expect(template.occurrences.map((o) => [o.line, o.reference, o.problem])).toEqual([[20, 'registry.k8s.io/kubectl:v1.34.0', undefined]]);
  });

  it('reads an override file beside the chart over its default values, as helm install -f merges it', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'platform/values-production.yaml');
    expect(rows(occurrences)).toEqual([
      // Only the tag is written here: the chart pulls its default image, as its templates render it
      // (with the global registry), at this tag. Reported at the tag, the line this file changes.
      ['4:11', '1.11.0', 'registry.example.com/platform/api:1.11.0', 'api.image.tag'],
      ['6:10', 'platform/worker:2.1.0@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'docker.io/platform/worker:2.1.0@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'worker.image'],
    ]);
    expect(occurrences[0]?.note).toBe("a value this file gives the chart, over the chart's default values");
    // A value the file writes is not pinned by appending a digest to it: it is one part of the image.
    expect(occurrences[0]?.resolved).toBe('registry.example.com/platform/api:1.11.0');
  });

  it('an override writing only digests pins the images the templates make of the default values, rendered or composed', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'empty-repository-name-tag/ci/image-digest-values.yaml');
    expect(rows(occurrences)).toEqual([
      ['5:13', 'sha256:28a5e138123e273643527341c3e38721cec2d89a472958df8e956ae681c10d75', 'registry.datadoghq.com/cluster-agent:7.81.1@sha256:28a5e138123e273643527341c3e38721cec2d89a472958df8e956ae681c10d75', 'clusterAgent.image.digest'],
      // The DaemonSet does not render with the default values: its image line composes the block.
      ['8:13', 'sha256:9b4be18f644bd35dad2387f37d9859674080889642b970c0e924d027c4182f6d', 'registry.datadoghq.com/agent:7.81.1@sha256:9b4be18f644bd35dad2387f37d9859674080889642b970c0e924d027c4182f6d', 'agents.image.digest'],
    ]);
  });

  it('keys that name an image (`inline_image`, `*Image`) and `{repository, version}` blocks', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'image-keys/values.yaml');
    expect(rows(occurrences)).toEqual([
      ['1:15', 'nginx:1.18', 'docker.io/library/nginx:1.18', 'inline_image'],
      ['2:16', 'quay.io/prometheus/node-exporter:v1.8.2', 'quay.io/prometheus/node-exporter:v1.8.2', 'sidecarImage'],
      ['5:17', 'example/legacy', 'docker.io/example/legacy:2.3.4', 'legacy.image.repository'],
      ['9:15', 'example/exporter', 'ghcr.io/example/exporter:0.9', 'exporter.repository'],
    ]);
  });

  it('ignores values files outside a chart', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'no-chart/values.yaml');
    expect(occurrences).toEqual([]);
  });

  it('does not expand aliases, so an alias bomb beside an image block is harmless', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'bomb/values.yaml');
    expect(rows(occurrences)).toEqual([['11:15', 'nginx', 'docker.io/library/nginx:1.25', 'image.repository']]);
  });

  it('throws for a values file that does not parse', async () => {
    const file = fixture('helm', 'broken/values.yaml');
    await expect(helmValuesDiscoverer.extract(file, fixtureContext('helm'))).rejects.toThrow(/line 4/);
  });
});

describe('helm templates', () => {
  it('helm create: a literal image in a test hook is an occurrence as written', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'mychart/templates/tests/test-connection.yaml');
    expect(rows(occurrences)).toEqual([['12:14', 'busybox', 'docker.io/library/busybox', 'image']]);
    expect(occurrences[0].resolved).toBeUndefined();
  });

  it('Bitnami without its common library chart: the rendered line is unresolved, lines in disabled branches are not reported', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'nginx/templates/deployment.yaml');
    // Lines 18 (cloneStaticSiteFromGit.enabled: false) and 30 (metrics.enabled: false) do not render.
    expect(occurrences.map((o) => [o.line, o.reference, o.problem?.message])).toEqual([
      [23, null, 'include "common.images.image": no template of that name in the chart or its library charts'],
    ]);
    expect((await extract(helmTemplatesDiscoverer, 'nginx/templates/_helpers.tpl')).occurrences).toEqual([]);
  });

  it("named templates: what stays at the template line (no values line to point at, or unresolved)", async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'named-templates/templates/deployment.yaml');
    expect(occurrences.map((o) => [o.line, o.resolved ?? o.raw, o.reference ?? o.problem?.message])).toEqual([
      [16, '{{ include "named.loop.a" . }}', 'includes nest deeper than 64 named templates'],
      // Defined in two files: Helm loads deeper paths first, so _helpers.tpl's "first" wins.
      [24, 'first', 'docker.io/library/first'],
      [26, '{{ include "common.images.image" . }}', 'include "common.images.image": no template of that name in the chart or its library charts'],
      // Inside `with .Values.sidecar`, "." is the sidecar map: `.Values.image` of it stops Helm.
      [29, '{{ include "named.image" . }}', 'Helm stops here: nil pointer evaluating .Values.image'],
    ]);
  });

  it('evaluates the common forms and explains what it cannot', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'platform/templates/deployment.yaml');
    expect(occurrences.map((o) => [o.line, o.resolved ?? o.raw, o.reference ?? o.problem?.message])).toEqual([
      [22, 'busybox:1.36', 'docker.io/library/busybox:1.36'],
      // Built from a registry, the release (`helm template` names it "release-name") and Chart.yaml: no image value to point at.
      [24, 'registry.example.com/release-name:2.3.1', 'registry.example.com/release-name:2.3.1'],
      // `$registry := .Values.global.registry` at the top of the file.
      [26, 'registry.example.com/platform/var:1', 'registry.example.com/platform/var:1'],
      [28, 'registry.example.com/platform/cond:3.2.0', 'registry.example.com/platform/cond:3.2.0'],
      [30, '{{ .Values.missing.image.repository }}', 'Helm stops here: nil pointer evaluating .Values.missing.image'],
      [32, 'library/nginx:1.25', 'docker.io/library/nginx:1.25'],
    ]);
    expect(occurrences[1].note).toBe("rendered with the chart's default values");
  });

  it('a line that is not an image because a value has no default is unresolved, not invalid', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'unset-repository/templates/deployment.yaml');
    expect(occurrences.map((o) => [o.line, o.reference, o.problem?.kind, o.problem?.message])).toEqual([
      [10, null, 'unresolved', '.Values.image.repository has no default in the chart\'s values, so Helm renders ":1.16.0": it is meant to be set at install'],
      [13, 'docker.io/library/busybox:1.36', undefined, undefined],
    ]);
  });

  it('a value written as null in values.yaml is unset too: a custom resource printing it is unresolved, not invalid', async () => {
    // percona/percona-helm-charts (3df2bb55), gcp-marketplace pxc-operator: every image value is null
    // until the Marketplace deployer sets it; the chart renders files/custom-resource/cr.yaml through tpl.
    const file = fixture('helm', 'null-defaults/files/custom-resource/cr.yaml');
    const { occurrences, errors } = await kubernetesDiscoverer.extract(file, fixtureContext('helm'));
    expect(errors).toBeUndefined();
    expect(occurrences.filter((o) => [28, 92, 97].includes(o.line)).map((o) => [o.line, o.reference, o.problem?.kind, o.problem?.message])).toEqual([
      [28, null, 'unresolved', `.Values.pxc.version has no default in the chart's values, so Helm renders "": it is meant to be set at install`],
      [92, null, 'unresolved', `.Values.operator.image.registry, .Values.operator.image.repository, .Values.operator.image.tag have no default in the chart's values, so Helm renders "/:-pmm": it is meant to be set at install`],
      [97, null, 'unresolved', `.Values.pxc.version has no default in the chart's values, so Helm renders "": it is meant to be set at install`],
    ]);
    expect(occurrences.every((o) => o.problem?.kind === 'unresolved')).toBe(true);
  });

  it('a literal image in a branch the default values switch off is read as written, where it is written; branches no value switches are not', async () => {
    const literals = async (path: string) => (await extract(helmTemplatesDiscoverer, `switched-off-literals/templates/${path}`)).occurrences;
    const switchedOff = (occurrences: Awaited<ReturnType<typeof literals>>) => occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.kind, o.note]);
    // pascaliske/helm-charts: `{{- if and .Values.backups.cronJob.enabled .Values.backups.cronJob.schedule -}}`.
    expect(switchedOff(await literals('cronjob-backup.yaml'))).toEqual([['15:22', 'ghcr.io/pascaliske/alpine-kubectl:latest', 'ghcr.io/pascaliske/alpine-kubectl:latest', SWITCHED_OFF]]);
    // cloudnative-pg/charts: `{{- if .Values.cluster.console.enabled }}`.
    expect(switchedOff(await literals('console-statefulset.yaml'))).toEqual([['12:18', 'ubuntu:latest', 'docker.io/library/ubuntu:latest', SWITCHED_OFF]]);
    // A test hook's container, written by a named template that only the switched-off test includes:
    // at the helper's line. The helper no template includes is not read.
    expect(switchedOff(await literals('_helpers.tpl'))).toEqual([['3:10', 'busybox:1.36', 'docker.io/library/busybox:1.36', SWITCHED_OFF]]);
    expect(await literals('tests/test-connection.yaml')).toEqual([]);
    expect(switchedOff(await literals('deployment.yaml'))).toEqual([
      // The rendered branch, as before.
      ['13:18', 'example/proxy:2.0', 'docker.io/example/proxy:2.0', undefined],
      // The else of a condition true by default; a range over an empty list; a with of an absent
      // map; a condition on a variable set from the values.
      ['16:18', 'example/proxy-external:2.0', 'docker.io/example/proxy-external:2.0', SWITCHED_OFF],
      ['20:18', 'alpine:3.20', 'docker.io/library/alpine:3.20', SWITCHED_OFF],
      ['24:18', 'example/sidecar:1', 'docker.io/example/sidecar:1', SWITCHED_OFF],
      ['29:18', 'example/debug:1', 'docker.io/example/debug:1', SWITCHED_OFF],
      // Line 31 builds its image from the values (reported at the values line); a placeholder stays unresolved.
      ['33:18', '<your-debug-image>', 'unresolved', SWITCHED_OFF],
      ['38:18', 'example/metrics:1', 'docker.io/example/metrics:1', SWITCHED_OFF],
      // Not `if false`, a constant comparison, a comment, `.Capabilities` or `.Release.IsUpgrade` alone.
    ]);
  });

  it('a named template never included renders nothing', async () => {
    expect((await extract(helmTemplatesDiscoverer, 'platform/templates/_sidecar.tpl')).occurrences).toEqual([]);
  });

  it('an alias bomb in values.yaml makes template values unresolved instead of exhausting memory', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'bomb/templates/pod.yaml');
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0].problem?.message).toBe('bomb/values.yaml does not parse, or expands too far through aliases');
  });

  it("a chart's YAML outside templates/ with template actions is read as a template, not as broken YAML", async () => {
    const context = fixtureContext('helm');
    const job = fixture('helm', 'platform/files/hook-job.yaml');
    expect(kubernetesDiscoverer.matches(job.path, job.text)).toBe(true);
    const rendered = await kubernetesDiscoverer.extract(job, context);
    // The `if .Values.migrations.enabled` branch (unset: false) does not render: its literal image is read as written.
    expect(rendered.occurrences.map((o) => [o.line, o.kind, o.reference, o.note])).toEqual([
      [12, 'helm', 'docker.io/platform/worker:2.0.1', "rendered with the chart's default values"],
      [15, 'helm', 'docker.io/example/disabled:1.0', SWITCHED_OFF],
    ]);
    expect(rendered.errors).toBeUndefined();
    const crd = fixture('helm', 'platform/crds/widget.yaml');
    expect(await kubernetesDiscoverer.extract(crd, context)).toEqual({ occurrences: [] });
  });

  it("the chart's values file is data, not a template, even with apiVersion, kind and tpl strings in it", async () => {
    // `name: "{{ template \"switched-off.name\" . }}"` is a YAML string (traefik's values have such);
    // read as template text its `\"` would not lex, and every image line would be reported unresolved.
    const values = fixture('helm', 'switched-off/values.yaml');
    expect(kubernetesDiscoverer.matches(values.path, values.text)).toBe(true);
    expect(await kubernetesDiscoverer.extract(values, fixtureContext('helm'))).toEqual({ occurrences: [] });
  });

  it('leaves a templates/ folder outside any chart to the Kubernetes discoverer', async () => {
    expect((await extract(helmTemplatesDiscoverer, 'no-chart/templates/pod.yaml')).occurrences).toEqual([]);
  });
});


describe('helm templates of containers an admission webhook fills in', () => {
  it("reads Istio's `image: auto` of an istio-proxy container as unresolved, another container's as an image", async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'istio-gateway/templates/deployment.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message])).toEqual([
      ['14:18', "Istio's injector replaces `image: auto` of its istio-proxy container with the mesh's proxy image when the pod is created"],
      ['18:18', 'docker.io/library/auto'],
    ]);
  });
});

describe('helm templates rendered in the order Helm renders them, with one root context', () => {
  it("reads Istio's defaults, which zzz_profile.yaml (rendered first) merges into .Values with mustMergeOverwrite and set $", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'istio-profile/values.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message, o.context, o.related?.map((r) => `${r.file}:${r.line}`)])).toEqual([
      ['8:10', 'registry.istio.io/testing/pilot:latest', '_internal_defaults_do_not_set.image', ['istio-profile/templates/deployment.yaml:13']],
    ]);
  });
});

describe('helm dependency charts that are not in the repository', () => {
  it("says an image block's empty tag is the dependency's default, which is not here", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'missing-dependency/values.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message])).toEqual([
      ['2:15', 'ghcr.io/example/app:2.4.0'],
      ['6:17', 'tag is empty; its default is in the default values of the dependency chart postgresql, which is not in the repository (oci://registry.example.com/charts)'],
    ]);
  });
});

describe('helm dependency charts that are not in the repository and that the values switch off', () => {
  it("says an image block's empty tag is that chart's default, and that the values switch it off (netdata's otel-collector)", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'switched-off-dependency/values.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.message])).toEqual([
      ['2:15', 'docker.io/netdata/netdata:v2.11.0'],
      [
        '7:17',
        'tag is empty; its default is in the default values of the dependency chart opentelemetry-collector, which is not in the repository (https://open-telemetry.github.io/opentelemetry-helm-charts) and which the default values switch off (otel-collector.enabled)',
      ],
    ]);
  });
});

describe('helm subcharts vendored under a parent chart', () => {
  it("renders with the parent's global values (a nil global would stop Helm)", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'umbrella/charts/operator/values.yaml');
    expect(rows(occurrences)).toEqual([['2:9', 'operator', 'ghcr.io/example/operator:1.4.2', 'image']]);
  });

  it("takes the parent's section under the subchart's alias over its defaults", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'umbrella/charts/worker/values.yaml');
    expect(rows(occurrences)).toEqual([['2:15', 'ghcr.io/example/worker', 'ghcr.io/example/worker:2.0.1', 'image.repository']]);
  });

  it('gives a vendored chart without values of its own the global values too', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'umbrella/charts/plain/templates/job.yaml');
    expect(rows(occurrences)).toEqual([['10:19', '{{ .Values.global.registry }}/plain:{{ .Values.global.tag }}', 'ghcr.io/example/plain:1.4.2', 'image']]);
  });
});

describe('helm values: dependency charts not in the repository', () => {
  it('notes each dependency the default values leave on whose chart is fetched at packaging, not one switched off or vendored', async () => {
    const values = await extract(helmValuesDiscoverer, 'remote-dependencies/values.yaml');
    expect(rows(values.occurrences)).toEqual([['2:15', 'ghcr.io/acme/shop', 'ghcr.io/acme/shop:1.2.0', 'image.repository']]);
    expect(values.notes).toEqual([
      'dependency chart postgresql 16.7.4 (oci://registry-1.docker.io/bitnamicharts) is not in the repository: images its templates and default values name were not read (values this chart gives it were)',
      'dependency chart redis 21.1.3 (https://charts.bitnami.com/bitnami) is not in the repository: images its templates and default values name were not read (values this chart gives it were)',
    ]);
  });
});

describe('helm: the dependencies of a requirements.yaml', () => {
  it('newrelic/helm-charts nri-bundle-legacy (587cc94b7868ab92abdb117d568e9b87b47f5046), an apiVersion v1 chart: the dependencies its values leave on are not in the repository', async () => {
    // Helm 3 still reads requirements.yaml over Chart.yaml; the dependencies were not seen at all.
    const values = await extract(helmValuesDiscoverer, 'requirements-dependencies/values.yaml');
    expect(values.occurrences).toEqual([]);
    expect(values.notes).toEqual([
      'dependency chart newrelic-infrastructure 2.10.3 (https://newrelic.github.io/nri-kubernetes) is not in the repository: images its templates and default values name were not read (values this chart gives it were)',
      'dependency chart nri-metadata-injection 2.2.1 (https://newrelic.github.io/helm-charts) is not in the repository: images its templates and default values name were not read (values this chart gives it were)',
    ]);
  });
});

describe('helm: a dependency chart beside the chart, rendered with its section of the values', () => {
  it('DataDog/helm-charts (79f7c74fd2525288125d943f48b810431dbc8857): `operator.image.tag` makes the datadog chart install datadog-operator at 1.29.0, reported at that line', async () => {
    const values = await extract(helmValuesDiscoverer, 'sibling-dependency/datadog/values.yaml');
    // The tag was read nowhere: the operator chart beside it renders its own default (1.30.0-rc.1) on its own.
    expect(rows(values.occurrences)).toEqual([
      ['11:10', '1.29.0', 'registry.datadoghq.com/operator:1.29.0', 'operator.image.tag'],
      // kube-state-metrics is switched off (datadog.kubeStateMetricsEnabled) and not in the repository: read as written.
      ['20:17', 'registry.k8s.io/kube-state-metrics/kube-state-metrics', null, 'kube-state-metrics.image.repository'],
    ]);
    expect(values.occurrences[0]?.note).toBe("a value this chart gives its dependency chart datadog-operator (sibling-dependency/datadog-operator), over that chart's default values");
    const operator = await extract(helmValuesDiscoverer, 'sibling-dependency/datadog-operator/values.yaml');
    expect(rows(operator.occurrences)).toEqual([['4:15', 'registry.datadoghq.com/operator', 'registry.datadoghq.com/operator:1.30.0-rc.1', 'image.repository']]);
  });
});

describe('helm values a tool fills in before they are YAML', () => {
  it('reads a values file around its lines that are only a placeholder (kubefirst annotations), not a parse error', async () => {
    const values = await extract(helmValuesDiscoverer, 'placeholder-lines/metaphor/values.yaml');
    expect(values.errors).toBeUndefined();
    expect(rows(values.occurrences)).toEqual([['7:17', '<CONTAINER_REGISTRY_URL>/metaphor', null, 'metaphor.image.repository']]);
  });
});

describe('helm: a chart named after the chart it wraps', () => {
  it('is not its own dependency: the wrapped chart is not in the repository, and its empty tag says so', async () => {
    const values = await extract(helmValuesDiscoverer, 'placeholder-lines/metaphor/values.yaml');
    expect(values.occurrences.map((o) => o.problem?.message)).toEqual([
      'tag is empty; its default is in the default values of the dependency chart metaphor, which is not in the repository (http://chartmuseum.chartmuseum.svc.cluster.local:8080)',
    ]);
    expect(values.notes).toEqual([
      'dependency chart metaphor 0.0.1-rc.awaiting-ci (http://chartmuseum.chartmuseum.svc.cluster.local:8080) is not in the repository: images its templates and default values name were not read (values this chart gives it were)',
    ]);
  });
});

describe('helm: a map a helper hands back as YAML text', () => {
  it('traces an image built from `fromYaml` of a `toYaml` to its values line (VictoriaMetrics vm.image), reported once there', async () => {
    const values = await extract(helmValuesDiscoverer, 'yaml-round-trip/values.yaml');
    expect(rows(values.occurrences)).toEqual([['4:17', 'victoriametrics/victoria-metrics', 'docker.io/victoriametrics/victoria-metrics:v1.150.0', 'server.image.repository']]);
    const template = await extract(helmTemplatesDiscoverer, 'yaml-round-trip/templates/server.yaml');
    expect(template.occurrences).toEqual([]);
  });
});

describe('helm: a chart-testing values file holding a template string', () => {
  it('reports each image once, placed by the values reading, and still the image of a pod template written as a string', async () => {
    const root = fileURLToPath(new URL('../fixtures/discover/helm/chart-testing-templated/', import.meta.url));
    const { occurrences } = await discoverRepository(root, {});
    expect(occurrences.map((o) => [o.file, `${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['ci/ct-values.yaml', '6:16', 'docker.io/library/ubuntu:bionic', 'CronJobs[0].containers[0].image'],
      ['ci/ct-values.yaml', '15:18', 'docker.io/library/python:3', 'image'],
    ]);
  });
});
