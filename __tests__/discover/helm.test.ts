import { describe, expect, it } from 'vitest';
import { collectDefinitions, goFloat, renderTemplate, scopeTracker, Unresolvable } from '../../src/discover/helm-template-eval.js';
import { helmDiscoverers, helmTemplatesDiscoverer, helmValuesDiscoverer } from '../../src/discover/helm.js';
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

const NOT_IN_CHART = (name: string) =>
  `include "${name}" renders a named template this chart does not define (a library chart's, or a missing one), which is not evaluated`;

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
  ])('%s', (path, values, templates) => {
    expect(helmValuesDiscoverer.matches(path, '')).toBe(values);
    expect(helmTemplatesDiscoverer.matches(path, '')).toBe(templates);
  });
});

describe('helm values', () => {
  it('helm create: an empty tag takes Chart.yaml appVersion, and says so', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'mychart/values.yaml');
    expect(rows(occurrences)).toEqual([['8:15', 'nginx', 'docker.io/library/nginx:1.16.0', 'image.repository']]);
    expect(occurrences[0].resolved).toBe('nginx:1.16.0');
    expect(occurrences[0].note).toContain('appVersion 1.16.0');
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

  it('reads ingress-nginx style blocks and number tags as Helm renders them, and skips URLs and git remotes', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'platform/values.yaml');
    expect(rows(occurrences)).toEqual([
      ['6:17', 'platform/api', 'docker.io/platform/api:1.1', 'api.image.repository'],
      ['11:11', 'platform/worker:2.0.1', 'docker.io/platform/worker:2.0.1', 'worker.image'],
      ['16:17', 'example/migrations', 'ghcr.io/example/migrations@sha256:2f0b2e3bb3a33e0d1a7c4d4b0c9e0c1f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d', 'migrations.image.repository'],
      ['23:12', 'ingress-nginx/controller', 'registry.k8s.io/ingress-nginx/controller:v1.10.0', 'proxy.image.image'],
      ['27:15', 'busybox', 'docker.io/library/busybox:1.36.1', 'busybox.repository'],
      ['33:17', 'bitnami/redis', 'docker.io/bitnami/redis:3.2.0', 'redis.image.repository'],
      ['46:12', 'fluent/fluent-bit:3.0', 'docker.io/fluent/fluent-bit:3.0', 'extraContainers[0].image'],
      ['48:12', '{{ .Values.global.registry }}/platform/tpl:1', null, 'tplImage'],
    ]);
    expect(occurrences[0].note).toBe('tag written as the number 1.10; Helm renders it as 1.1');
    expect(occurrences[7].problem?.kind).toBe('unresolved');
  });

  it("an empty tag renders as the chart's templates default it: v + appVersion through the chart's helper", async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'named-templates/values.yaml');
    expect(rows(occurrences)).toEqual([
      ['2:15', 'registry.k8s.io/metrics-server/metrics-server', 'registry.k8s.io/metrics-server/metrics-server:v0.6.1', 'image.repository'],
      ['8:17', 'registry.k8s.io/autoscaling/addon-resizer', 'registry.k8s.io/autoscaling/addon-resizer:1.8.19', 'sidecar.image.repository'],
      ['15:15', 'example/nested', 'docker.io/example/nested:2.0', 'nested.repository'],
    ]);
    expect(occurrences[0].note).toBe("tag is empty; the chart's templates default it to v0.6.1 from Chart.yaml appVersion 0.6.1");
  });

  it('an empty tag: each block by the default its templates apply, unresolved where they apply none', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'tag-defaults/values.yaml');
    expect(occurrences.map((o) => [o.context, o.reference ?? o.problem?.message])).toEqual([
      // `.Values.app.image.tag | default .Chart.AppVersion`
      ['app.image.repository', 'docker.io/example/app:2.4.0'],
      // Used as is: Helm would render "example/worker:".
      ['worker.image.repository', "tag is empty, and the chart's templates use .Values.worker.image.tag without a default this reader can read"],
      // Handed to a helper in a dict: `.image.tag | default (printf "v%s" .context.Chart.AppVersion)`.
      ['agent.image.repository', 'docker.io/example/agent:v2.4.0'],
      // `default "latest" .Values.migrations.image.tag`
      ['migrations.image.repository', 'docker.io/example/migrations:latest'],
    ]);
    expect(occurrences[3].note).toBe("tag is empty; the chart's templates default it to latest");
  });

  it('an empty tag is unresolved when the templates disagree or are absent', async () => {
    const conflict = await extract(helmValuesDiscoverer, 'tag-conflict/values.yaml');
    expect(conflict.occurrences.map((o) => o.problem?.message)).toEqual(["tag is empty; the chart's templates choose the default, in different ways (1.2.0, v1.2.0)"]);
    const absent = await extract(helmValuesDiscoverer, 'no-templates/values.yaml');
    expect(absent.occurrences.map((o) => [o.reference, o.problem?.message])).toEqual([[null, "tag is empty; the chart's templates choose the default"]]);
  });

  it('reads override files beside the chart; a block without a repository is not an image', async () => {
    const { occurrences } = await extract(helmValuesDiscoverer, 'platform/values-production.yaml');
    expect(occurrences.map((o) => o.context)).toEqual(['worker.image']);
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
  it('helm create: evaluates repository and `tag | default .Chart.AppVersion`', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'mychart/templates/deployment.yaml');
    expect(rows(occurrences)).toEqual([
      ['32:19', '{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}', 'docker.io/library/nginx:1.16.0', 'image'],
    ]);
    expect(occurrences[0].resolved).toBe('nginx:1.16.0');
  });

  it('helm create: a literal image in a test hook is an occurrence as written', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'mychart/templates/tests/test-connection.yaml');
    expect(rows(occurrences)).toEqual([['12:14', 'busybox', 'docker.io/library/busybox', 'image']]);
    expect(occurrences[0].resolved).toBeUndefined();
  });

  it('Bitnami: named templates (common.images.image) are unresolved, never guessed', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'nginx/templates/deployment.yaml');
    expect(occurrences.map((o) => [o.line, o.reference, o.problem?.message])).toEqual([
      // The chart's own helpers are read; what they include comes from the absent `common` library chart.
      [18, null, `include "nginx.cloneStaticSiteFromGit.image": ${NOT_IN_CHART('common.images.image')}`],
      [23, null, `include "nginx.image": ${NOT_IN_CHART('common.images.image')}`],
      [30, null, NOT_IN_CHART('common.images.image')],
    ]);
    expect(occurrences.every((o) => o.problem?.kind === 'unresolved')).toBe(true);
    expect((await extract(helmTemplatesDiscoverer, 'nginx/templates/_helpers.tpl')).occurrences).toEqual([]);
  });

  it("evaluates include of the chart's own named templates with the chart root, nested and bounded", async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'named-templates/templates/deployment.yaml');
    expect(occurrences.map((o) => [o.line, o.resolved ?? o.raw, o.reference ?? o.problem?.message])).toEqual([
      [10, 'registry.k8s.io/metrics-server/metrics-server:v0.6.1', 'registry.k8s.io/metrics-server/metrics-server:v0.6.1'],
      // `$` is the chart root too; `| quote` in an unquoted value is read as the string inside.
      [12, 'registry.k8s.io/autoscaling/addon-resizer:1.8.19', 'registry.k8s.io/autoscaling/addon-resizer:1.8.19'],
      // A define in a subfolder of templates/, included from another define.
      [14, 'docker.io/example/nested:2.0', 'docker.io/example/nested:2.0'],
      [16, '{{ include "named.loop.a" . }}', 'include "named.loop.a": include "named.loop.b": include "named.loop.a" includes itself (named.loop.a -> named.loop.b -> named.loop.a)'],
      [18, '{{ include "named.byRelease.image" . }}', 'include "named.byRelease.image": .Release.Name depends on the release Helm installs'],
      [20, '{{ include "named.fromDict.image" (dict "image" .Values.image) }}', 'include "named.fromDict.image" is given data other than the chart root, which is not evaluated'],
      [22, '{{ include "named.scoped.image" . }}', 'include "named.scoped.image": {{ with .Values.sidecar.image }} changes the scope inside the image'],
      [24, '{{ include "named.twice" . }}', 'the named template "named.twice" is defined more than once in the chart, differently'],
      [26, '{{ include "common.images.image" . }}', NOT_IN_CHART('common.images.image')],
      [29, '{{ include "named.image" . }}', 'include "named.image" passes "." inside a with/range block, where "." is not the chart root'],
      [31, 'registry.k8s.io/metrics-server/metrics-server:v0.6.1', 'registry.k8s.io/metrics-server/metrics-server:v0.6.1'],
    ]);
  });

  it('evaluates the common forms and explains what it cannot', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'platform/templates/deployment.yaml');
    expect(occurrences.map((o) => [o.line, o.resolved ?? o.raw, o.reference ?? o.problem?.message])).toEqual([
      [11, 'ghcr.io/example/migrations@sha256:2f0b2e3bb3a33e0d1a7c4d4b0c9e0c1f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d', 'ghcr.io/example/migrations@sha256:2f0b2e3bb3a33e0d1a7c4d4b0c9e0c1f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d'],
      [14, 'registry.example.com/platform/api:1.1', 'registry.example.com/platform/api:1.1'],
      [16, 'platform/worker:2.0.1', 'docker.io/platform/worker:2.0.1'],
      [18, 'registry.k8s.io/ingress-nginx/controller:v1.10.0', 'registry.k8s.io/ingress-nginx/controller:v1.10.0'],
      [20, 'busybox:1.36.1', 'docker.io/library/busybox:1.36.1'],
      [22, 'busybox:1.36', 'docker.io/library/busybox:1.36'],
      [24, '{{ .Values.global.registry }}/{{ .Release.Name }}:{{ .Chart.Version }}', '.Release.Name depends on the release Helm installs'],
      [26, '{{ $registry }}/platform/var:1', 'template variable $registry is only known when Helm renders'],
      [28, 'registry.example.com/platform/cond:3.2.0', 'registry.example.com/platform/cond:3.2.0'],
      [30, '{{ .Values.missing.image.repository }}', ".Values.missing is not set in the chart's values.yaml"],
      [32, 'library/nginx:1.25', 'docker.io/library/nginx:1.25'],
      [34, '{{ tpl .Values.tplImage . }}', 'tpl renders a value as a template at install time'],
      [38, '{{ .image.repository }}:{{ .image.tag | default $.Chart.AppVersion }}', '.image.repository is inside a with/range block, where "." is not the chart root'],
      [40, 'bitnami/redis:7.2', 'docker.io/bitnami/redis:7.2'],
      [45, '{{ .image }}', '.image is inside a with/range block, where "." is not the chart root'],
      // The commented-out container (lines 48-49) is skipped; after the blocks close, "." is the root again.
      [52, 'platform/worker:2.0.1', 'docker.io/platform/worker:2.0.1'],
    ]);
    // Quoted values: the raw is the text inside the quotes; a trailing YAML comment is not part of it.
    expect(occurrences[3]).toMatchObject({ column: 19, raw: '{{ .Values.proxy.image.registry }}/{{ .Values.proxy.image.image }}:{{ .Values.proxy.image.tag }}' });
    expect(occurrences[15].raw).toBe('{{ .Values.worker.image | quote }}');
    expect(occurrences[0].note).toBe("rendered with the chart's default values");
  });

  it('reports images inside named templates as unresolved', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'platform/templates/_sidecar.tpl');
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0].problem?.message).toContain('inside a named template');
  });

  it('an alias bomb in values.yaml makes template values unresolved instead of exhausting memory', async () => {
    const { occurrences } = await extract(helmTemplatesDiscoverer, 'bomb/templates/pod.yaml');
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0].problem?.message).toContain("needs the chart's values.yaml");
  });

  it('leaves a templates/ folder outside any chart to the Kubernetes discoverer', async () => {
    expect((await extract(helmTemplatesDiscoverer, 'no-chart/templates/pod.yaml')).occurrences).toEqual([]);
  });
});

describe('helm template evaluation', () => {
  const input = (values: Record<string, unknown>) => ({
    values,
    chart: { name: 'demo', version: '1.2.3', appVersion: '4.5.6' },
    scope: { dotChanged: false, inDefine: false },
  });

  it.each([
    ['{{ .Chart.Name }}:{{ .Chart.Version }}', {}, 'demo:1.2.3'],
    ['{{- .Values.a -}} : {{- .Values.b }}', { a: 'x', b: 'y' }, 'x:y'],
    ['{{ .Values.tag | default "latest" | quote }}', { tag: '' }, '"latest"'],
    ['{{ .Values.tag | squote }}', { tag: 'v1' }, "'v1'"],
    ['{{ printf "%s:%v" .Values.repo .Values.tag }}', { repo: 'nginx', tag: 1.25 }, 'nginx:1.25'],
    ['{{ printf "%s:%d" .Values.repo .Values.tag }}', { repo: 'nginx', tag: 7 }, 'nginx:7'],
    ['{{ trimSuffix "-" (printf "%s-" .Values.repo) }}', { repo: 'nginx' }, 'nginx'],
    ['{{ .Values.tag | toString }}', { tag: 20240101 }, '2.0240101e+07'],
    ['{{ if .Values.registry }}{{ .Values.registry }}/{{ else }}docker.io/{{ end }}x', { registry: '' }, 'docker.io/x'],
    ['{{ coalesce .Values.a .Values.b "c" }}', { a: '', b: 'b' }, 'b'],
    ['{{ ternary "a" "b" .Values.flag }}', { flag: false }, 'b'],
    ['{{/* a comment */}}nginx', {}, 'nginx'],
  ])('%s', (template, values, expected) => {
    expect(renderTemplate(template, input(values))).toBe(expected);
  });

  it.each([
    ['{{ .Values.image }}', { image: { repository: 'nginx' } }, 'a map'],
    ['{{ toYaml .Values.image }}', { image: 'x' }, 'toYaml is not evaluated'],
    ['{{ required "set image" .Values.image }}', {}, 'required value'],
    ['{{ .Values.a', { a: 'x' }, 'not closed'],
    ['{{ with .Values.a }}{{ . }}{{ end }}', { a: 'x' }, 'changes the scope'],
    ['{{ .Capabilities.KubeVersion.Version }}', {}, 'depends on the release'],
    ['{{ .Values.tag | printf }}', {}, 'printf without a format'],
  ])('%s is unresolved', (template, values, reason) => {
    expect(() => renderTemplate(template, input(values))).toThrow(Unresolvable);
    expect(() => renderTemplate(template, input(values))).toThrow(reason);
  });

  it('collects define bodies with their trim markers applied, nested blocks kept', () => {
    const text = [
      '{{/* a comment */}}',
      '{{- define "a" -}}',
      '  {{ if .Values.x }}x{{ end }}-{{ .Chart.Name }}  ',
      '{{- end }}',
      '{{ define "b" }} spaced {{ end }}',
      '{{- define "unclosed" }}never ends',
    ].join('\n');
    expect([...collectDefinitions(text)]).toEqual([
      ['a', '{{ if .Values.x }}x{{ end }}-{{ .Chart.Name }}'],
      ['b', ' spaced '],
    ]);
  });

  it('without named templates, include stays unresolved by name', () => {
    expect(() => renderTemplate('{{ include "x.image" . }}', input({}))).toThrow('include "x.image" renders a named template, which is not evaluated');
  });

  it('bounds include nesting and the number of includes', () => {
    const chain = new Map(Array.from({ length: 12 }, (_, index) => [`t${index}`, { body: `{{ include "t${index + 1}" . }}` }]));
    expect(() => renderTemplate('{{ include "t0" . }}', { ...input({}), namedTemplates: chain })).toThrow('includes nest deeper than 8 named templates');
    // Each level includes the next four times: 4^5 renders without the overall bound.
    const fanOut = new Map(Array.from({ length: 6 }, (_, index) => [`f${index}`, { body: index === 5 ? 'x' : `{{ include "f${index + 1}" . }}`.repeat(4) }]));
    expect(() => renderTemplate('{{ include "f0" . }}', { ...input({}), namedTemplates: fanOut })).toThrow('more than 200 named templates');
    const small = new Map([['g', { body: '{{ .Chart.Name }}-{{ .Values.tag }}' }]]);
    expect(renderTemplate('{{ include "g" . }}/{{ include "g" $ }}', { ...input({ tag: '1' }), namedTemplates: small })).toBe('demo-1/demo-1');
  });

  it.each([
    [1.1, '1.1'],
    [8, '8'],
    [123456, '123456'],
    [1000000, '1e+06'],
    [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'],
  ])('Go prints the float64 %s as %s', (value, expected) => {
    expect(goFloat(value)).toBe(expected);
  });

  it('tracks which blocks enclose an offset', () => {
    const text = '{{ with .Values.x }}A{{ end }}B{{ define "t" }}C{{ end }}{{ if .Values.y }}D{{ end }}';
    const scopeAt = scopeTracker(text);
    expect(scopeAt(text.indexOf('A'))).toEqual({ dotChanged: true, inDefine: false });
    expect(scopeAt(text.indexOf('B'))).toEqual({ dotChanged: false, inDefine: false });
    expect(scopeAt(text.indexOf('C'))).toEqual({ dotChanged: false, inDefine: true });
    expect(scopeAt(text.indexOf('D'))).toEqual({ dotChanged: false, inDefine: false });
  });
});
