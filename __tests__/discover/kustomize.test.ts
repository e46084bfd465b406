import { describe, expect, it } from 'vitest';
import { helmValuesDiscoverer } from '../../src/discover/helm-values.js';
import { applyOverride, isImageMatched, kustomizeDiscoverer, splitImage } from '../../src/discover/kustomize.js';
import type { Occurrence } from '../../src/model.js';
import { expectRawAtPositions, fixture, fixtureContext } from './discover-helpers.js';

async function extract(path: string) {
  const file = fixture('kustomize', path);
  expect(kustomizeDiscoverer.matches(path, file.text)).toBe(true);
  const context = fixtureContext('kustomize');
  const extraction = await kustomizeDiscoverer.extract(file, context);
  expectRawAtPositions(file, extraction.occurrences);
  // Helm values given to a chart kustomize inflates are Helm values (pinned apart).
  for (const occurrence of extraction.occurrences) expect(occurrence.kind).toBe(occurrence.context?.startsWith('helmCharts[') ? 'helm' : 'kustomize');
  return { ...extraction, reads: context.reads };
}

describe('kustomize matches', () => {
  it.each([
    ['kustomization.yaml', true],
    ['overlays/prod/kustomization.yml', true],
    ['overlays/staging/Kustomization', true],
    ['overlays/prod/deployment.yaml', false],
    ['kustomization.yaml.bak', false],
  ])('%s', (path, expected) => {
    expect(kustomizeDiscoverer.matches(path, '')).toBe(expected);
  });
});

describe('kustomize name matching and overriding, as kustomize does', () => {
  it.each([
    ['nginx', 'nginx', true],
    ['nginx:1.19', 'nginx', true],
    ['nginx@sha256:abc', 'nginx', true],
    ['nginx:1.19@sha256:abc', 'nginx', true],
    ['nginx-extras:1.0', 'nginx', false],
    ['docker.io/nginx:1.19', 'nginx', false],
    ['my.registry:5000/app:1', 'my.registry:5000/app', true],
    ['nginx:1.19', 'nginx:1.19', true],
  ])('%s matches %s: %s', (image, name, expected) => {
    expect(isImageMatched(image, name)).toBe(expected);
  });

  it('splits a registry port from a tag', () => {
    expect(splitImage('localhost:5000/app:1.2@sha256:abc')).toEqual({ name: 'localhost:5000/app', tag: '1.2', digest: 'sha256:abc' });
    expect(splitImage('localhost:5000/app')).toEqual({ name: 'localhost:5000/app', tag: '', digest: '' });
  });

  it.each([
    ['postgres:8', { name: 'postgres', newName: 'my-registry/my-postgres', newTag: 'v1' }, 'my-registry/my-postgres:v1'],
    ['nginx:1.7.9@sha256:abc', { name: 'nginx', newTag: '1.8.0' }, 'nginx:1.8.0'],
    ['alpine:3.7', { name: 'alpine', digest: 'sha256:def' }, 'alpine@sha256:def'],
    ['my-demo-app:latest', { name: 'my-demo-app', newName: 'my-app' }, 'my-app:latest'],
    ['app:1', { name: 'app', newTag: '2', digest: 'sha256:def' }, 'app:2@sha256:def'],
  ])('%s with %j gives %s', (image, override, expected) => {
    expect(applyOverride(image, override)).toBe(expected);
  });
});

describe('kustomize extract', () => {
  it('emits one occurrence per images entry, noting what it overrides in the local resources', async () => {
    const { occurrences, errors, reads } = await extract('overlays/prod/kustomization.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [o.line, o.column, o.raw, o.reference, o.context])).toEqual([
      [10, 12, 'my-registry/my-postgres', 'docker.io/my-registry/my-postgres:v1', 'images[0]'],
      [12, 9, 'nginx', 'docker.io/library/nginx:1.8.0', 'images[1]'],
      [15, 13, 'ghcr.io/example/demo-app', 'ghcr.io/example/demo-app:latest', 'images[2]'],
      [16, 9, 'alpine', 'docker.io/library/alpine@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3', 'images[3]'],
      [18, 9, 'redis', 'docker.io/library/redis:7.2.4', 'images[4]'],
      // A plain number: kustomize rejects the kustomization; reported at the field to quote.
      [21, 11, '1.10', null, 'images[5].newTag'],
    ]);
    expect(occurrences[5].problem).toEqual({
      kind: 'invalid',
      message: 'newTag: 1.10 is the number 1.1 in YAML, and kustomize rejects the kustomization (it wants a string here); quote it: newTag: "1.10"',
    });
    expect(occurrences[0].note).toBe('overrides base/deployment.yaml:11 postgres:8');
    // nginx-extras shares a prefix but is another image; a digest-pinned nginx is still nginx.
    expect(occurrences[1].note).toBe(
      'overrides base/deployment.yaml:14 nginx:1.7.9, overlays/prod/jobs/cronjob.yaml:13 nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    );
    // The base kustomization renamed my-demo-app first; a name-only override keeps the written tag.
    expect(occurrences[2]).toMatchObject({ resolved: 'ghcr.io/example/demo-app:latest' });
    expect(occurrences[2].note).toBe('overrides base/deployment.yaml:16 my-demo-app:latest; tag/digest kept from the resource');
    expect(occurrences[3].note).toBe('overrides base/deployment.yaml:18 alpine:3.7');
    expect(occurrences[4].note).toBe('no image named redis in the local resources');
    // Remote bases are never fetched.
    expect(reads.some((path) => path.includes('github.com'))).toBe(false);
  });

  it('applies nested kustomizations before matching names (a renamed image no longer matches its old name)', async () => {
    const { occurrences } = await extract('overlays/staging/Kustomization');
    expect(occurrences.map((o) => [o.raw, o.resolved ?? o.raw, o.note])).toEqual([
      ['ghcr.io/example/demo-app', 'ghcr.io/example/demo-app:latest', 'overrides base/deployment.yaml:16 my-demo-app:latest; tag/digest kept from the resource'],
      ['my-demo-app', 'my-demo-app:2.0', 'no image named my-demo-app in the local resources'],
    ]);
  });

  it('reads and parses a base once per scan for all its overlays, each overlay applying only its own overrides', async () => {
    // 400 overlays over a base of 500 pods read and parsed every pod 400 times (40 s under load).
    const alone = await Promise.all(['overlays/prod/kustomization.yaml', 'overlays/staging/Kustomization'].map(async (path) => (await extract(path)).occurrences));
    const context = fixtureContext('kustomize');
    const together: Occurrence[][] = [];
    for (const path of ['overlays/prod/kustomization.yaml', 'overlays/staging/Kustomization', 'overlays/prod/kustomization.yaml']) {
      together.push((await kustomizeDiscoverer.extract(fixture('kustomize', path), context)).occurrences);
    }
    expect(together).toEqual([alone[0], alone[1], alone[0]]);
    const count = (path: string) => context.reads.filter((read) => read === path).length;
    expect([count('base/kustomization.yaml'), count('base/deployment.yaml'), count('base/service.yaml')]).toEqual([1, 1, 1]);
  });

  it('reads the base kustomization itself', async () => {
    const { occurrences } = await extract('base/kustomization.yaml');
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0]).toMatchObject({ raw: 'registry.example.com/team/demo-app', reference: 'registry.example.com/team/demo-app:latest' });
  });

  it('gives a plain value when the resources cannot be read', async () => {
    const file = { path: 'kustomization.yaml', text: 'images:\n- name: nginx\n  newName: docker.io/library/nginx\n' };
    const { occurrences } = await kustomizeDiscoverer.extract(file, { buildArgs: {}, readFile: async () => undefined });
    expect(occurrences).toEqual([
      expect.objectContaining({ line: 3, column: 12, raw: 'docker.io/library/nginx', reference: 'docker.io/library/nginx', context: 'images[0]' }),
    ]);
    expect(occurrences[0].note).toBeUndefined();
  });

  it('skips entries that change nothing and reports fields kustomize cannot read', async () => {
    const { occurrences } = await extract('fields/kustomization.yaml');
    expect(occurrences.map((o) => [o.line, o.column, o.context, o.reference ?? o.problem?.message])).toEqual([
      [10, 11, 'images[1].newTag', 'newTag: 1.10 is the number 1.1 in YAML, and kustomize rejects the kustomization (it wants a string here); quote it: newTag: "1.10"'],
      [12, 9, 'images[2]', 'docker.io/library/nginx:1.10'],
    ]);
  });

  it.each([
    ['7', 'a number'],
    ['yes', 'a boolean'],
    ['on', 'a boolean'],
    ['1_000', 'a number'],
    ['0o17', 'the number 15'],
    ['true', 'a boolean'],
  ])('newTag: %s is %s to kustomize', async (tag, read) => {
    const file = { path: 'kustomization.yaml', text: `images:\n- name: nginx\n  newTag: ${tag}\n` };
    const { occurrences } = await kustomizeDiscoverer.extract(file, { buildArgs: {}, readFile: async () => undefined });
    expect(occurrences[0].problem?.message).toContain(`is ${read} in YAML`);
  });

  it.each(['"1.10"', '1.10.0', '2024-01-01', 'v1'])('newTag: %s is a string to kustomize', async (tag) => {
    const file = { path: 'kustomization.yaml', text: `images:\n- name: nginx\n  newTag: ${tag}\n` };
    const { occurrences } = await kustomizeDiscoverer.extract(file, { buildArgs: {}, readFile: async () => undefined });
    expect(occurrences[0].problem).toBeUndefined();
    expect(occurrences[0].reference).toBe(`docker.io/library/nginx:${tag.replace(/"/g, '')}`);
  });

  it('ends on resources that refer to each other', async () => {
    const { occurrences } = await extract('cycle/a/kustomization.yaml');
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0]).toMatchObject({ reference: 'docker.io/library/nginx:1.27.0', note: 'overrides cycle/a/pod.yaml:8 nginx:1.25' });
  });

  it('reads the template of a kustomization as the YAML around its {{ }} actions; a field holding one is unresolved', async () => {
    const { occurrences, errors } = await extract('template/kustomization.yaml');
    expect(errors).toBeUndefined();
    expect(occurrences.map((o) => [o.line, o.raw, o.reference ?? o.problem?.message])).toEqual([
      [18, 'ghcr.io/example/{{ .app_name }}', 'a {{ }} template action is filled in when this file is rendered'],
      [20, 'busybox', 'docker.io/library/busybox:1.37'],
    ]);
  });

  it('reads a Jinja template of a kustomization whose loops open right after a key (`files:{% for %}`, tutor)', async () => {
    const { occurrences, errors } = await extract('jinja-tutor/kustomization.yml');
    expect(errors).toBeUndefined();
    expect(occurrences).toEqual([]);
  });

  it('throws for a kustomization that does not parse', async () => {
    const file = fixture('kustomize', 'broken/kustomization.yaml');
    await expect(kustomizeDiscoverer.extract(file, fixtureContext('kustomize'))).rejects.toThrow(/line 6/);
  });
});

describe('kustomize: Helm charts it inflates (helmCharts)', () => {
  it('reads the images of valuesInline by the values-file rules, as Helm values', async () => {
    const { occurrences } = await extract('helm-inflate/kustomization.yaml');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.kind, o.raw, o.reference, o.context])).toEqual([
      ['12:21', 'helm', 'itzg/minecraft-server', 'docker.io/itzg/minecraft-server:java21', 'helmCharts[0].valuesInline.image.repository'],
    ]);
    expect(occurrences[0]?.note).toBe('a value for the chart minecraft that kustomize inflates (helmCharts[0].valuesInline), read as written');
  });

  it('reads the values file a kustomization beside it names (valuesFile), and no other values file outside a chart', async () => {
    const values = fixture('kustomize', 'helm-inflate/values.yaml');
    const { occurrences } = await helmValuesDiscoverer.extract(values, fixtureContext('kustomize'));
    expectRawAtPositions(values, occurrences);
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.kind, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['4:17', 'helm', 'itzg/rcon', 'tag is empty; the chart, which kustomize fetches when it builds, chooses the default', 'rcon.image.repository'],
      ['6:10', 'helm', 'docker.io/library/busybox:1.37', 'docker.io/library/busybox:1.37', 'sidecar.image'],
    ]);
    expect(occurrences[1]?.note).toBe('a value for the chart minecraft that kustomize inflates (helmCharts in the kustomization beside it), read as written');
    const other = await helmValuesDiscoverer.extract(fixture('kustomize', 'helm-inflate/values-other.yaml'), fixtureContext('kustomize'));
    expect(other.occurrences).toEqual([]);
  });
});

describe('kustomize inline patches', () => {
  const summary = (occurrences: Occurrence[]) => occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context]);

  it('reads the images inline patches set, in each form kustomize reads, at their place in the kustomization', async () => {
    const { occurrences, errors } = await extract('patches/overlay/kustomization.yaml');
    expect(summary(occurrences)).toEqual([
      ['16:16', 'ghcr.io/acme/api:2.0.0', 'patches[0].patch /spec/template/spec/containers/0/image'],
      ['27:24', 'ghcr.io/acme/worker:2.0.0', 'patches[1].patch spec.template.spec.containers[0].image'],
      ['37:38', 'quay.io/oauth2-proxy/oauth2-proxy:v7.6.0', 'patchesJson6902[0].patch /spec/template/spec/containers/-.image'],
      ['51:26', 'docker.io/library/postgres:16.4', 'patchesStrategicMerge[0] spec.jobTemplate.spec.template.spec.containers[0].image'],
    ]);
    expect(errors ?? []).toEqual([]);
  });

  it('reads patchesJSON6902 as kustomize does (field names ignoring case), with quoted keys', async () => {
    const { occurrences } = await extract('patches/json6902-spelling/kustomization.yaml');
    expect(summary(occurrences)).toEqual([['9:19', 'ghcr.io/acme/api:3.0.0', 'patchesJSON6902[0].patch /spec/template/spec/containers/0/image']]);
  });

  it('reads the image of a container a component adds by a JSON patch (redhat-cop/gitops-catalog)', async () => {
    const { occurrences } = await extract('patches/download-driver/kustomization.yaml');
    expect(summary(occurrences)).toEqual([['39:19', 'docker.io/curlimages/curl:8.6.0', 'patches[0].patch /spec/resourceTemplates/0/patch/spec/template/spec/initContainers/-.image']]);
  });

  // The bounds on following resources stopped silently: an image past them was neither matched nor
  // told, and an override changing only the name then took the tag `latest` for the resource's own.
  it('fails closed when its resources reach more files than it reads: the unread ones are an error, not a silent miss', async () => {
    const files = new Map<string, string>();
    const resources: string[] = [];
    for (let index = 0; index < 250; index++) {
      files.set(`pods/pod-${index}.yaml`, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${index}\nspec:\n  containers:\n  - name: c\n    image: ${index === 240 ? 'app:1.2.3' : 'nginx:1.27'}\n`);
      resources.push(`- pods/pod-${index}.yaml`);
    }
    const file = { path: 'kustomization.yaml', text: `resources:\n${resources.join('\n')}\nimages:\n- name: app\n  newName: ghcr.io/acme/app\n` };
    const { occurrences, errors } = await kustomizeDiscoverer.extract(file, { buildArgs: {}, readFile: async (path) => files.get(path) });
    // Not "no image named app in the local resources": the one it replaces is past the bound.
    expect(occurrences.map((o) => [o.reference, o.note])).toEqual([['ghcr.io/acme/app', undefined]]);
    expect(errors).toEqual(['its resources reach more than 200 files and kustomizations; 51 more were not read: the images its images: entries replace there were not matched']);
  });

  it('fails closed when its kustomizations nest deeper than it follows', async () => {
    const files = new Map<string, string>([['k6/pod.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: app:1.2.3\n']]);
    for (let level = 0; level < 6; level++) files.set(`k${level}/kustomization.yaml`, `resources:\n- ../k${level + 1}\n`);
    files.set('k6/kustomization.yaml', 'resources:\n- pod.yaml\n');
    const file = { path: 'kustomization.yaml', text: 'resources:\n- k0\nimages:\n- name: app\n  newName: ghcr.io/acme/app\n' };
    const { errors } = await kustomizeDiscoverer.extract(file, { buildArgs: {}, readFile: async (path) => files.get(path) });
    expect(errors).toEqual(['kustomizations nest more than 5 deep; k5 not read: the images its images: entries replace there were not matched']);
  });

  it('reads a kustomization within the bounds without an error', async () => {
    const { errors } = await extract('overlays/prod/kustomization.yaml');
    expect(errors ?? []).toEqual([]);
  });
});
