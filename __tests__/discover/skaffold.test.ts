// Skaffold: fixtures from GoogleCloudPlatform/cloud-code-samples at 384f11f, kubernetes-sigs/metrics-server
// at 5ed5d3a and 23doors/todo-app-skaffold at d30695a (see fixtures/discover/skaffold/README.md).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { skaffoldBuiltKey } from '../../src/discover/skaffold-builds.js';
import { skaffoldDiscoverer } from '../../src/discover/skaffold.js';
import { extractFixture } from './discover-helpers.js';

const ROOT = fileURLToPath(new URL('../fixtures/discover/skaffold/', import.meta.url));

describe('skaffold', () => {
  it('reads the artifacts a config builds as built here, in each profile, and the buildpacks builder it pulls (cloud-code-samples dotnet-guestbook)', async () => {
    const { occurrences, errors } = await extractFixture(skaffoldDiscoverer, 'skaffold', 'dotnet-guestbook/src/backend/skaffold.yaml');
    expect(errors ?? []).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.raw, o.reference, o.context, o.local ?? false])).toEqual([
      [10, 'dotnet-guestbook-backend', 'docker.io/library/dotnet-guestbook-backend', 'build.artifacts[0].image', true],
      [25, 'dotnet-guestbook-backend', 'docker.io/library/dotnet-guestbook-backend', 'profiles[1].build.artifacts[0].image', true],
      [28, 'gcr.io/buildpacks/builder:v1', 'gcr.io/buildpacks/builder:v1', 'profiles[1].build.artifacts[0].buildpacks.builder', false],
    ]);
  });

  it('reads base images, verify and custom action containers; a base image naming an artifact is built here; a template is unresolved', async () => {
    const text = [
      'apiVersion: skaffold/v4beta11',
      'kind: Config',
      'build:',
      '  artifacts:',
      '  - image: ghcr.io/acme/base',
      '  - image: ghcr.io/acme/app',
      '    ko:',
      '      fromImage: ghcr.io/acme/base',
      '  - image: ghcr.io/acme/tool',
      '    jib:',
      '      fromImage: "{{.BASE}}"',
      '  - image: ghcr.io/acme/web',
      '    buildpacks:',
      '      builder: paketobuildpacks/builder-jammy-base:0.4',
      '      runImage: paketobuildpacks/run-jammy-base:0.1',
      'verify:',
      '- name: smoke',
      '  container:',
      '    name: smoke',
      '    image: curlimages/curl:8.6.0',
      'customActions:',
      '- name: migrate',
      '  containers:',
      '  - name: migrate',
      '    image: ghcr.io/acme/app',
      '',
    ].join('\n');
    const extraction = await skaffoldDiscoverer.extract({ path: 'skaffold.yaml', text }, { buildArgs: {}, readFile: async () => undefined });
    expect(extraction.occurrences.map((o) => [o.context, o.reference ?? o.problem?.kind, o.local ?? false])).toEqual([
      ['build.artifacts[0].image', 'ghcr.io/acme/base', true],
      ['build.artifacts[1].image', 'ghcr.io/acme/app', true],
      ['build.artifacts[1].ko.fromImage', 'ghcr.io/acme/base', true],
      ['build.artifacts[2].image', 'ghcr.io/acme/tool', true],
      ['build.artifacts[2].jib.fromImage', 'unresolved', false],
      ['build.artifacts[3].image', 'ghcr.io/acme/web', true],
      ['build.artifacts[3].buildpacks.builder', 'docker.io/paketobuildpacks/builder-jammy-base:0.4', false],
      ['build.artifacts[3].buildpacks.runImage', 'docker.io/paketobuildpacks/run-jammy-base:0.1', false],
      ['verify[0].container.image', 'docker.io/curlimages/curl:8.6.0', false],
      ['customActions[0].containers[0].image', 'ghcr.io/acme/app', true],
    ]);
  });

  it.each([
    ['skaffold.yaml', 'apiVersion: skaffold/v2beta18\nkind: Config\n', true],
    ['deploy/skaffold-dev.yml', 'apiVersion: "skaffold/v4beta1"\nkind: Config\n', true],
    ['skaffold.yaml', 'apiVersion: apps/v1\nkind: Deployment\n', false],
    ['skaffold.json', 'apiVersion: skaffold/v2beta18\n', false],
  ])('claims %s holding %j: %s', (path, text, claimed) => {
    expect(skaffoldDiscoverer.matches(path, text)).toBe(claimed);
  });

  it.each([
    ['go-guestbook-backend', 'docker.io/library/go-guestbook-backend'],
    ['go-guestbook-backend:v2', 'docker.io/library/go-guestbook-backend'],
    ['gcr.io/k8s-staging-metrics-server/metrics-server:master', 'gcr.io/k8s-staging-metrics-server/metrics-server'],
    ['app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', undefined],
    ['{{.IMAGE}}', undefined],
  ])('matches %s by %s', (image, key) => {
    expect(skaffoldBuiltKey(image)).toBe(key);
  });
});

describe('manifests a Skaffold config deploys', () => {
  it('are built here where they name an artifact it builds (18 unpinned warnings in cloud-code-samples before), also when only the manifest is scanned', async () => {
    const manifest = 'go-guestbook/src/backend/kubernetes-manifests/guestbook-backend.deployment.yaml';
    for (const onlyFiles of [undefined, [manifest]]) {
      const { occurrences } = await discoverRepository(ROOT, { onlyFiles });
      const deployed = occurrences.filter((o) => o.file === manifest);
      expect(deployed.map((o) => [o.line, o.raw, o.local ?? false, o.note]), String(onlyFiles)).toEqual([
        [22, 'mongo:4', false, undefined],
        [29, 'go-guestbook-backend', true, 'Skaffold builds this image (artifact go-guestbook-backend of go-guestbook/src/backend/skaffold.yaml) and deploys its build here'],
      ]);
    }
  });

  it('leave the name in a manifest no config deploys, and one pinned by digest, registry images to check', async () => {
    const { occurrences } = await discoverRepository(ROOT);
    const elsewhere = occurrences.filter((o) => o.file === 'go-guestbook/not-deployed/deploy.yaml' || o.file.endsWith('pinned.deployment.yaml'));
    expect(elsewhere.map((o) => [o.file, o.local ?? false])).toEqual([
      ['go-guestbook/not-deployed/deploy.yaml', false],
      ['go-guestbook/src/backend/kubernetes-manifests/pinned.deployment.yaml', false],
    ]);
  });

  it('follow a kustomization a profile deploys to the base it reaches (metrics-server test profile)', async () => {
    const { occurrences } = await discoverRepository(ROOT);
    const base = occurrences.find((o) => o.file === 'metrics-server/manifests/base/deployment.yaml');
    expect(base).toMatchObject({
      raw: 'gcr.io/k8s-staging-metrics-server/metrics-server:master',
      local: true,
      note: 'Skaffold builds this image (artifact gcr.io/k8s-staging-metrics-server/metrics-server of metrics-server/skaffold.yaml) and deploys its build here',
    });
  });

  it('include the templates of a chart its Helm release installs, which Skaffold post-renders (todo-app-skaffold: 2 unpinned warnings before)', async () => {
    const { occurrences } = await discoverRepository(ROOT);
    const chart = occurrences.filter((o) => o.file.startsWith('todo-app/ops/charts/'));
    expect(chart.map((o) => [o.file, o.raw, o.kind, o.local ?? false])).toEqual([
      ['todo-app/ops/charts/api/templates/todo-schema.yaml', 'todo/migration', 'helm', true],
      ['todo-app/ops/charts/api/templates/todo.yaml', 'todo/api', 'helm', true],
    ]);
  });

  it('include the resources and patch files of a kustomization it deploys, and no other image', async () => {
    const { occurrences } = await discoverRepository(ROOT);
    const patched = occurrences.filter((o) => o.file.startsWith('patched/k8s/'));
    expect(patched.map((o) => [o.file, o.raw, o.local ?? false])).toEqual([
      ['patched/k8s/deployment.yaml', 'ghcr.io/acme/worker:1.0', true],
      ['patched/k8s/deployment.yaml', 'ghcr.io/acme/proxy:1.0', false],
      ['patched/k8s/worker-image.yaml', 'ghcr.io/acme/worker:dev', true],
    ]);
  });
});
