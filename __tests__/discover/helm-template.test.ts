/**
 * The Go text/template reader Helm charts are rendered with: lexer, parser, executor and function
 * table, each row one template and what Helm renders for it (worked out from Go's text/template
 * and Sprig semantics).
 */
import { describe, expect, it } from 'vitest';
import { renderTemplateText } from '../../src/discover/helm-render.js';
import { lexTemplate } from '../../src/discover/helm-template-lex.js';
import { parseTemplate, TemplateSyntaxError } from '../../src/discover/helm-template-parse.js';
import { GoStruct, goFloat } from '../../src/discover/helm-template-values.js';

const chart = new GoStruct('chart.Metadata', { Name: 'demo', Version: '1.2.3', AppVersion: '4.5.6' });
const root = (values: Record<string, unknown>) => ({ Values: values, Chart: chart, Release: new GoStruct('release', { Name: 'release-name', Namespace: 'default' }) });
const render = (template: string, values: Record<string, unknown> = {}, helpers = '') => renderTemplateText(template, root(values), helpers);

describe('lexer', () => {
  it('applies trim markers and skips comments', () => {
    const tokens = lexTemplate('a  {{- .X -}}  b {{/* c */}} d {{- /* e */ -}} f');
    expect(tokens.filter((token) => token.type === 'text').map((token) => token.value)).toEqual(['a', 'b ', ' d', 'f']);
  });

  it.each([
    ['{{ 0x1p4 }}', '16'],
    ['{{ 017 }}', '15'],
    ['{{ 1e3 }}', '1000'],
    ['{{ -2 }}', '-2'],
    ["{{ 'a' }}", '97'],
    ['{{ "\\u0041\\t" }}', 'A\t'],
    ['{{ `raw\\n` }}', 'raw\\n'],
  ])('reads the literal %s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('refuses what Go refuses', () => {
    expect(() => parseTemplate('{{ .A')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('{{ if .A }}x')).toThrow('unexpected EOF in if');
    expect(() => parseTemplate('{{ 1x }}')).toThrow('bad number syntax');
    expect(() => parseTemplate('{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}')).toThrow('multiple definition of template "a"');
    // An empty definition may be replaced.
    expect(() => parseTemplate('{{ define "a" }}{{ end }}{{ define "a" }}2{{ end }}')).not.toThrow();
  });
});

describe('branches: only what Helm renders', () => {
  it.each([
    ['{{ if .Values.digest }}{{ .Values.repo }}@{{ .Values.digest }}{{ else }}{{ .Values.repo }}:{{ .Values.tag }}{{ end }}', { repo: 'nginx', digest: '', tag: '1.25' }, 'nginx:1.25'],
    ['{{ if .Values.digest }}{{ .Values.repo }}@{{ .Values.digest }}{{ else }}{{ .Values.repo }}:{{ .Values.tag }}{{ end }}', { repo: 'nginx', digest: 'sha256:ab', tag: '1.25' }, 'nginx@sha256:ab'],
    ['{{ if .Values.a }}a{{ else if .Values.b }}b{{ else }}c{{ end }}', { a: 0, b: [1] }, 'b'],
    ['{{ if and .Values.a (not .Values.b) }}x{{ else }}y{{ end }}', { a: 'on', b: {} }, 'x'],
    ['{{ if or .Values.a .Values.b }}x{{ else }}y{{ end }}', { a: '', b: false }, 'y'],
    ['{{ if eq .Values.kind "sha" "digest" }}d{{ end }}', { kind: 'digest' }, 'd'],
    ['{{ if ne .Values.kind "tag" }}n{{ end }}', { kind: 'tag' }, ''],
    ['{{ if empty .Values.tag }}empty{{ end }}', { tag: '' }, 'empty'],
    // Go's truth: empty map, empty list, 0, "" and nil are false.
    ['{{ if .Values.m }}m{{ end }}{{ if .Values.l }}l{{ end }}{{ if .Values.z }}z{{ end }}{{ if .Values.none }}n{{ end }}', { m: {}, l: [], z: 0 }, ''],
    // `and`/`or` stop at the first deciding argument: the nil pointer after it is never evaluated.
    ['{{ if and .Values.off .Values.missing.deep }}x{{ else }}short{{ end }}', { off: false }, 'short'],
    ['{{ with .Values.image }}{{ .repository }}{{ else }}none{{ end }}', { image: {} }, 'none'],
    ['{{ range .Values.list }}[{{ . }}]{{ else }}empty{{ end }}', { list: [] }, 'empty'],
  ])('%s', (template, values, expected) => {
    expect(render(template, values)).toBe(expected);
  });

  it('a condition not known offline runs both branches (the caller marks them uncertain)', () => {
    expect(render('{{ if now }}a{{ else }}b{{ end }}')).toBe('ab');
  });
});

describe('scope: dot, $ and variables', () => {
  it.each([
    ['{{ $r := .Values.registry }}{{ $r }}/x', { registry: 'ghcr.io' }, 'ghcr.io/x'],
    ['{{ $t := "a" }}{{ if .Values.on }}{{ $t = "b" }}{{ end }}{{ $t }}', { on: true }, 'b'],
    ['{{ with .Values.image }}{{ .repository }}:{{ $.Chart.AppVersion }}{{ end }}', { image: { repository: 'app' } }, 'app:4.5.6'],
    ['{{ range $i, $c := .Values.cs }}{{ $i }}={{ $c.image }};{{ end }}', { cs: [{ image: 'a:1' }, { image: 'b:2' }] }, '0=a:1;1=b:2;'],
    ['{{ range $k, $v := .Values.m }}{{ $k }}:{{ $v }},{{ end }}', { m: { b: 2, a: 1 } }, 'a:1,b:2,'],
    ['{{ range .Values.cs }}{{ if eq .name "skip" }}{{ continue }}{{ end }}{{ .name }}{{ if eq .name "last" }}{{ break }}{{ end }},{{ end }}', { cs: [{ name: 'a' }, { name: 'skip' }, { name: 'last' }, { name: 'never' }] }, 'a,last'],
    // A variable declared inside a block is gone after its end; the outer one is kept.
    ['{{ $x := "outer" }}{{ if true }}{{ $x := "inner" }}{{ $x }}{{ end }}-{{ $x }}', {}, 'inner-outer'],
    // `(.global).imageRegistry` on a missing map is nil, not an error (Bitnami's guard).
    ['[{{ ((.Values.global).imageRegistry) }}]', {}, '[]'],
  ])('%s', (template, values, expected) => {
    expect(render(template, values)).toBe(expected);
  });

  it('a field of a missing value in one chain stops Helm, and is unknown here', () => {
    expect(render('{{ .Values.missing.image }}')).toBe('<unknown: Helm stops here: nil pointer evaluating .Values.missing.image>');
  });
});

describe('functions', () => {
  it.each([
    ['{{ .Values.tag | default "latest" | quote }}', { tag: '' }, '"latest"'],
    ['{{ .Values.tag | default .Chart.AppVersion }}', { tag: null }, '4.5.6'],
    ['{{ coalesce .Values.a .Values.b "c" }}', { a: '', b: 'b' }, 'b'],
    ['{{ ternary "a" "b" .Values.flag }}', { flag: false }, 'b'],
    ['{{ printf "%s/%s:%v" .Values.r .Values.n .Values.t }}', { r: 'ghcr.io', n: 'app', t: 1.1 }, 'ghcr.io/app:1.1'],
    ['{{ .Values.tag | toString }}', { tag: 20240101 }, '2.0240101e+07'],
    ['{{ trimSuffix "/" .Values.r }}/{{ trimPrefix "v" .Values.t }}', { r: 'ghcr.io/', t: 'v1' }, 'ghcr.io/1'],
    ['{{ replace "_" "." .Values.t }}', { t: '1_25' }, '1.25'],
    ['{{ lower .Values.a }}{{ upper .Values.a }}{{ trim .Values.b }}', { a: 'Ab', b: '  x ' }, 'abABx'],
    ['{{ .Values.a | squote }}', { a: 'v1' }, "'v1'"],
    ['{{ list "a" "b" | join "," }}', {}, 'a,b'],
    ['{{ (dict "k" "v").k }}', {}, 'v'],
    ['{{ index .Values.m "a.b" }}', { m: { 'a.b': 'dotted' } }, 'dotted'],
    ['{{ get .Values.m "x" }}{{ hasKey .Values.m "x" }}', { m: { x: 'y' } }, 'ytrue'],
    // Sprig's dig: the keys' path in the last argument, the default where a key is missing (mastodon/chart's sidekiq image).
    ['{{ dig "image" "tag" "none" .Values.w }}/{{ dig "image" "repo" "none" .Values.w }}/{{ dig "x" "y" "none" .Values.w }}', { w: { image: { tag: '2' } } }, '2/none/none'],
    ['{{ coalesce (dig "image" "tag" false .Values.w) "default" }}', { w: {} }, 'default'],
    ['{{ tpl .Values.t . }}', { t: '{{ .Values.r }}/app', r: 'quay.io' }, 'quay.io/app'],
    ['{{ include "h" . | nindent 2 }}', { r: 'x' }, '\n  x'],
    ['{{ kindIs "string" .Values.a }}{{ kindIs "map" .Values.m }}', { a: 's', m: {} }, 'truetrue'],
    ['{{ (merge (dict "a" "1") (dict "a" "2" "b" "3")).b }}', {}, '3'],
    // `helm template` has no cluster: lookup finds nothing.
    ['{{ if lookup "v1" "Secret" "ns" "name" }}found{{ else }}none{{ end }}', {}, 'none'],
  ])('%s', (template, values, expected) => {
    expect(render(template, values, '{{ define "h" }}{{ .Values.r }}{{ end }}')).toBe(expected);
  });

  it.each([
    ['{{ randAlphaNum 5 }}', 'randAlphaNum is random'],
    ['{{ required "set image.tag" .Values.tag }}', "a required value is not set in the chart's default values (set image.tag)"],
    ['{{ noSuchFunction 1 }}', 'the template function noSuchFunction is not evaluated'],
    ['{{ dig "s" "x" "d" .Values }}', 'Helm stops here: dig: cannot look up "x" in a value that is not a map'],
    ['{{ include "missing" . }}', 'include "missing": no template of that name in the chart or its library charts'],
    ['{{ replace "" "aaaa" (printf "%s%s%s%s%s%s%s%s" .Values.s .Values.s .Values.s .Values.s .Values.s .Values.s .Values.s .Values.s) }}', 'replace renders text longer than 65536 characters'],
  ])('%s is unknown, with the reason', (template, reason) => {
    expect(render(template, { s: 'x'.repeat(4096) })).toBe(`<unknown: ${reason}>`);
  });

  it('toYaml writes a map as Helm does (keys sorted), and fromYaml reads it back', () => {
    expect(render('{{ toYaml .Values.m }}', { m: { b: [1, 'x'], a: { c: true } } })).toBe('a:\n  c: true\nb:\n  - 1\n  - x');
    expect(render('{{ (fromYaml "image:\\n  tag: 2").image.tag }}')).toBe('2');
    expect(render('{{ (fromYaml "- a").Error | empty }}')).toBe('false');
    expect(render('{{ toYaml (dict "a" (include "missing" .)) }}')).toBe('<unknown: toYaml of a value not known offline>');
  });

  it("merges values through a helper's YAML and set on .Values, as SonarQube's DCE chart does", () => {
    // Trimmed from SonarSource/helm-chart-sonarqube (charts/sonarqube-dce, commit b6f9b63f): each
    // template sets `.Values.ApplicationNodes` to `applicationNodes` deep-merged over by it.
    const helpers = [
      '{{ define "deepMerge" }}{{ $result := dict }}{{ range $k, $v := .map1 }}{{ $_ := set $result $k $v }}{{ end }}',
      '{{ range $k, $v := .map2 }}{{ $_ := set $result $k $v }}{{ end }}{{ toYaml $result }}{{ end }}',
      '{{ define "applicationNodes" }}{{ include "deepMerge" (dict "map1" .Values.applicationNodes "map2" .Values.ApplicationNodes) }}{{ end }}',
    ].join('');
    const template = '{{ $nodes := fromYaml (include "applicationNodes" .) }}{{ $_ := set .Values "ApplicationNodes" $nodes }}{{ printf "%s:%s" .Values.ApplicationNodes.image.repository .Values.ApplicationNodes.image.tag }}';
    expect(render(template, { applicationNodes: { image: { repository: 'sonarqube', tag: '2026.4.0-datacenter-app' } } }, helpers)).toBe('sonarqube:2026.4.0-datacenter-app');
  });

  it('set stores a value not known offline: what reads it is unknown, not a nil Helm stops at', () => {
    expect(render('{{ $_ := set .Values "n" (include "missing" .) }}{{ .Values.n.image }}')).toBe('<unknown: include "missing": no template of that name in the chart or its library charts>');
  });

  it('bounds include nesting', () => {
    expect(render('{{ include "loop" . }}', {}, '{{ define "loop" }}{{ include "loop" . }}{{ end }}')).toBe('<unknown: includes nest deeper than 64 named templates>');
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
});
