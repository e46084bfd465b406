/**
 * Real charts (copied byte for byte, see fixtures/discover/helm-real/SOURCES.md), scanned as a user
 * would: every image is reported once, at the values line it comes from when there is one, with the
 * value `helm template` renders with the chart's default values. Each expected value below was
 * worked out by hand from the chart's values.yaml, Chart.yaml and helpers.
 */
import { describe, expect, it } from 'vitest';
import { helmTemplatesDiscoverer, helmValuesDiscoverer } from '../../src/discover/helm.js';
import type { Discoverer } from '../../src/discover/types.js';
import { expectRawAtPositions, fixture, fixtureContext } from './discover-helpers.js';

const context = fixtureContext('helm-real');

async function scan(discoverer: Discoverer, path: string) {
  const file = fixture('helm-real', path);
  expect(discoverer.matches(path, file.text)).toBe(true);
  const { occurrences, errors } = await discoverer.extract(file, context);
  expectRawAtPositions(file, occurrences);
  expect(errors).toBeUndefined();
  return occurrences.map((o) => ({
    at: `${o.line}:${o.column}`,
    image: o.reference ?? o.problem?.message,
    ...(o.related ? { from: o.related.map((r) => `${r.file.slice(r.file.indexOf('templates/'))}:${r.line}`) } : {}),
  }));
}

describe('bitnami/nginx, with the common library chart vendored under charts/', () => {
  it('common.images.image renders registry/repository:tag, reported at image.repository', async () => {
    expect(await scan(helmValuesDiscoverer, 'bitnami/nginx/values.yaml')).toEqual([
      // (global.imageRegistry "" -> image.registry docker.io)/bitnami/nginx:1.29.1-debian-12-r0 (digest ""),
      // by the preserve-logs-symlinks init container (enableDefaultInitContainers and
      // readOnlyRootFilesystem are true) and the nginx container.
      { at: '88:15', image: 'docker.io/bitnami/nginx:1.29.1-debian-12-r0', from: ['templates/deployment.yaml:107', 'templates/deployment.yaml:241'] },
      // cloneStaticSiteFromGit.enabled and metrics.enabled are false: no template renders these
      // blocks; each is read as the helper that builds it (common.images.image, evaluated alone)
      // composes it: registry docker.io / repository : tag.
      { at: '518:17', image: 'docker.io/bitnami/git:2.51.0-debian-12-r0', from: ['templates/_helpers.tpl:18'] },
      { at: '991:17', image: 'docker.io/bitnami/nginx-exporter:1.4.2-debian-12-r9', from: ['templates/_helpers.tpl:25'] },
    ]);
  });

  it('says why a values image is read as its template composes it: no template renders it with the default values', async () => {
    const { occurrences } = await helmValuesDiscoverer.extract(fixture('helm-real', 'bitnami/nginx/values.yaml'), context);
    expect(occurrences.map((o) => o.note)).toEqual([
      "rendered by the chart's templates with the default values",
      "the chart's templates do not render this image with the default values (a part switched off); as the template that builds it composes it from the values",
      "the chart's templates do not render this image with the default values (a part switched off); as the template that builds it composes it from the values",
    ]);
  });

  it('the template reports nothing twice, and nothing from the disabled branches (lines 134, 190, 389)', async () => {
    expect(await scan(helmTemplatesDiscoverer, 'bitnami/nginx/templates/deployment.yaml')).toEqual([]);
  });
});

describe('ingress-nginx', () => {
  it('merge with global.image, `with` scope, helpers for the image and the digest', async () => {
    expect(await scan(helmValuesDiscoverer, 'ingress-nginx/values.yaml')).toEqual([
      // `with (merge .Values.controller.image .Values.global.image)`: no repository, so
      // registry (from global.image) / "ingress-nginx.image" (chroot false: .image) : tag, then
      // "ingress-nginx.imageDigest" (chroot false, digest set): @digest.
      {
        at: '29:12',
        image: 'registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1',
        from: ['templates/controller-deployment.yaml:88'],
      },
      // The admission patch jobs (admissionWebhooks.enabled and patch.enabled are true).
      {
        at: '852:16',
        image: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd',
        from: ['templates/admission-webhooks/job-patch/job-createSecret.yaml:49', 'templates/admission-webhooks/job-patch/job-patchWebhook.yaml:49'],
      },
      // defaultBackend.enabled is false: read as its image line composes it, in its
      // `with (merge .Values.defaultBackend.image .Values.global.image)` (no repository, so
      // registry from global.image / image : tag; no digest).
      { at: '1031:12', image: 'registry.k8s.io/defaultbackend-amd64:1.5', from: ['templates/default-backend-deployment.yaml:57'] },
    ]);
    // controller-daemonset (kind Deployment) and default-backend (disabled) render no image.
    for (const path of ['controller-deployment.yaml', 'controller-daemonset.yaml', 'default-backend-deployment.yaml', '_helpers.tpl']) {
      expect(await scan(helmTemplatesDiscoverer, `ingress-nginx/templates/${path}`)).toEqual([]);
    }
  });
});

describe('traefik', () => {
  it('registry, repository and tag all default in helpers: reported at the template line', async () => {
    // hub.enabled is null, hub.token "" -> "traefik.hub.enabled" is "false"; image.registry null ->
    // docker.io; image.repository null -> traefik; image.tag null -> "traefik.defaultTag" ->
    // Chart.yaml appVersion v3.7.11; hub.hardened false -> no suffix.
    expect(await scan(helmTemplatesDiscoverer, 'traefik/templates/_podtemplate.tpl')).toEqual([{ at: '71:16', image: 'docker.io/library/traefik:v3.7.11' }]);
  });
});

describe('cert-manager', () => {
  it('a tuple handed to a helper: imageRegistry/imageNamespace/name:appVersion, at each image.name line, the ACME solver handed as a flag too', async () => {
    // quay.io (imageRegistry) / jetstack (imageNamespace) / <component>.image.name, no tag or digest:
    // the default reference ":" + Chart.yaml appVersion (v0.0.0 in the source repository).
    expect(await scan(helmValuesDiscoverer, 'cert-manager/values.yaml')).toEqual([
      { at: '206:9', image: 'quay.io/jetstack/cert-manager-controller:v0.0.0', from: ['templates/deployment.yaml:89'] },
      { at: '1049:11', image: 'quay.io/jetstack/cert-manager-webhook:v0.0.0', from: ['templates/webhook-deployment.yaml:84'] },
      { at: '1435:11', image: 'quay.io/jetstack/cert-manager-cainjector:v0.0.0', from: ['templates/cainjector-deployment.yaml:79'] },
      // Handed to the controller as --acme-http01-solver-image through the same helper.
      { at: '1506:11', image: 'quay.io/jetstack/cert-manager-acmesolver:v0.0.0', from: ['templates/deployment.yaml:117'] },
      { at: '1676:11', image: 'quay.io/jetstack/cert-manager-startupapicheck:v0.0.0', from: ['templates/startupapicheck-job.yaml:60'] },
    ]);
  });

  it("marks the tag rendered from the chart's appVersion v0.0.0 as the release's placeholder; a real appVersion is not", async () => {
    const file = fixture('helm-real', 'cert-manager/values.yaml');
    const { occurrences } = await helmValuesDiscoverer.extract(file, context);
    expect(occurrences.map((occurrence) => occurrence.placeholderTag)).toEqual(Array(5).fill("the chart's appVersion v0.0.0 is a placeholder its release replaces"));
    const traefik = await helmTemplatesDiscoverer.extract(fixture('helm-real', 'traefik/templates/_podtemplate.tpl'), context);
    expect(traefik.occurrences.map((occurrence) => occurrence.placeholderTag)).toEqual([undefined]);
  });

  it("marks chartpress's set-by-chartpress tag as the release's placeholder (binderhub)", async () => {
    const { occurrences } = await helmValuesDiscoverer.extract(fixture('helm-real', 'binderhub/values.yaml'), context);
    expect(occurrences.map((occurrence) => [occurrence.line, occurrence.reference, occurrence.placeholderTag])).toEqual([
      [2, 'quay.io/jupyterhub/k8s-binderhub:set-by-chartpress', 'the tag set-by-chartpress is a placeholder chartpress replaces when it publishes the chart'],
    ]);
  });

  it('reads each chart once per scan, however many files ask (issue 15)', () => {
    for (const chart of ['bitnami/nginx', 'ingress-nginx', 'cert-manager']) {
      expect(context.reads.filter((path) => path === `${chart}/values.yaml`), chart).toHaveLength(1);
      expect(context.reads.filter((path) => path === `${chart}/templates/_helpers.tpl`), chart).toHaveLength(1);
    }
  });
});
