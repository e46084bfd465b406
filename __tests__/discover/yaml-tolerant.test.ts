import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parse } from 'yaml';
import { PLACEHOLDER_MARK, TEMPLATE_ACTION_MARK, joinFlowLines, maskAtPlaceholders, maskTemplateActions } from '../../src/discover/yaml-tolerant.js';
import { parseYamlDocuments } from '../../src/discover/yaml.js';
import { kubernetesDiscoverer } from '../../src/discover/kubernetes.js';
import { expectRawAtPositions, fixture, fixtureContext, positionedSummary } from './discover-helpers.js';

/** Each row: YAML that go-yaml and PyYAML read, and what they read it as. */
const GO_YAML_READS: Array<[string, string, unknown]> = [
  ['a quoted scalar in a flow sequence, continued at column 1', 'spec:\n  args: ["sh", "-c", "echo hi\n&& echo there"]\n', { spec: { args: ['sh', '-c', 'echo hi && echo there'] } }],
  ['a quoted scalar continued less indented than its key', 'a:\n  b: ["x", "y\n z"]\n', { a: { b: ['x', 'y z'] } }],
  ['a single-quoted scalar with an escaped quote', "a:\n  b: ['it''s\nok']\n", { a: { b: ["it's ok"] } }],
  ['a quoted scalar in block context, continued at column 1', 'spec:\n  cmd: "echo\nhi"\n', { spec: { cmd: 'echo hi' } }],
  ['a flow sequence closed at column 1', 'spec:\n  args: [\n    "a",\n    "b"\n]\n', { spec: { args: ['a', 'b'] } }],
  ['a flow sequence continued at its key\'s indentation', 'spec:\n  args: [a,\n  b]\n', { spec: { args: ['a', 'b'] } }],
  ['a comment inside a multi-line flow sequence', 'spec:\n  args: [ a, # first\n  b ]\nnext: 1\n', { spec: { args: ['a', 'b'] }, next: 1 }],
  ['a flow map in a sequence entry', '- name: a\n  env: {A: "1",\n  B: "2"}\n', [{ name: 'a', env: { A: '1', B: '2' } }]],
  ['a comment written against a closing bracket', 'spec:\n  containers: [{name: a, image: nginx}]# the web server\n', { spec: { containers: [{ name: 'a', image: 'nginx' }] } }],
  ['a comment written against a closing quote', 'image: "nginx:1.27"# pinned later\n', { image: 'nginx:1.27' }],
  ['CRLF line ends', 'a:\r\n  b: ["x\r\ny"]\r\n', { a: { b: ['x y'] } }],
];

describe('YAML as Go reads it', () => {
  it.each(GO_YAML_READS)('%s', (_name, text, expected) => {
    expect(parseAllDocuments(text)[0].errors.length, 'the yaml package alone rejects it').toBeGreaterThan(0);
    const parsed = parseYamlDocuments(text);
    expect(parsed.errors).toEqual([]);
    const value = parsed.documents[0].toJS() as unknown;
    // Folded whitespace may differ from Go's (the rewrite keeps every offset); compare normalized.
    expect(JSON.parse(JSON.stringify(value).replace(/ {2,}/g, ' '))).toEqual(expected);
  });

  it.each([
    ['tabs as indentation (go-yaml: "found character that cannot start any token")', 'a:\n\tb: 1\n'],
    ['an unclosed quote', 'a: "b\nc: d\n'],
    ['an unclosed flow sequence', 'a: [b, c\n'],
  ])('still rejects %s', (_name, text) => {
    expect(parseYamlDocuments(text).errors.length).toBe(1);
  });

  it('keeps block scalars as written: their quotes and brackets are not syntax', () => {
    const text = 'steps:\n  - name: a\n    script: |\n      echo "unbalanced [\n    args: ["x",\n  "y"]\n';
    const joined = joinFlowLines(text);
    expect(joined).toBeDefined();
    expect(joined!.length).toBe(text.length);
    expect(joined!.split('\n')[3]).toBe('      echo "unbalanced [');
    expect(parseYamlDocuments(text).documents[0].toJS()).toEqual({ steps: [{ name: 'a', script: 'echo "unbalanced [\n', args: ['x', 'y'] }] });
  });

  it('changes nothing in YAML without flow collections or quotes across lines', () => {
    expect(joinFlowLines('a: 1\nb:\n  - "c"\n  - [d, e]\n')).toBeUndefined();
  });

  it('reads only the documents that failed again; the others are kept as parsed', () => {
    const text = 'a: "x\ny"\n---\nb: [1,\n2]\n---\nc: 3\n';
    const parsed = parseYamlDocuments(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents.map((document) => document.toJS())).toEqual([{ a: 'x y' }, { b: [1, 2] }, { c: 3 }]);
  });

  it('a key written twice takes its last value, as kubectl reads it', async () => {
    const file = fixture('kubernetes', 'go-yaml/duplicate-keys.yaml');
    const { occurrences, errors } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(errors).toBeUndefined();
    expectRawAtPositions(file, occurrences);
    expect(positionedSummary(occurrences)).toEqual([
      { at: '16:20', raw: 'postgres:16.3', reference: 'docker.io/library/postgres:16.3', context: 'spec.jobTemplate.spec.template.spec.containers[0].image' },
    ]);
  });
});

describe('kubernetes: manifests kubectl reads are read, at exact positions', () => {
  it('multi-line quoted scalars and flow sequences in containers', async () => {
    const file = fixture('kubernetes', 'go-yaml/multiline-flow-args.yaml');
    const { occurrences, errors } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(errors).toBeUndefined();
    expectRawAtPositions(file, occurrences);
    expect(positionedSummary(occurrences)).toEqual([
      { at: '20:16', raw: 'busybox:1.36', reference: 'docker.io/library/busybox:1.36', context: 'spec.template.spec.initContainers[0].image' },
      { at: '26:17', raw: 'fluent/fluent-bit:3.0.4', reference: 'docker.io/fluent/fluent-bit:3.0.4', context: 'spec.template.spec.containers[0].image' },
      { at: '32:17', raw: 'alpine:3.20', reference: 'docker.io/library/alpine:3.20', context: 'spec.template.spec.containers[1].image' },
      { at: '43:12', raw: 'nginx:1.27', reference: 'docker.io/library/nginx:1.27', context: 'spec.containers[0].image' },
    ]);
  });

  it('a tab-indented manifest is reported, as kubectl rejects it', async () => {
    const file = fixture('kubernetes', 'go-yaml/tab-indented.yaml');
    const { errors } = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(errors?.[0]).toMatch(/Tabs are not allowed as indentation at line 4/);
  });
});

describe('parse errors as reported', () => {
  it('shows the first three messages of a document and how many more there were', () => {
    const { errors } = parseYamlDocuments('a: [\n{{ x }}\n{{ y }}\n{{ z }}\nb: {\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.split('; ')).toHaveLength(4);
    expect(errors[0]).toMatch(/; and \d+ more$/);
    expect(parseYamlDocuments('a: [\n').errors[0]).not.toContain('more');
  });
});

describe('template actions masked for reading', () => {
  it('turns action-only lines into blank lines and inline actions into marks, keeping every offset', () => {
    const text = '{{- if .x }}\nimage: {{ .repo }}:1\r\n  {{- end }}\nname: a\n';
    const masked = maskTemplateActions(text)!;
    expect(masked.length).toBe(text.length);
    expect(masked.split('\n').map((line) => line.replace(/\r$/, ''))).toEqual([
      ' '.repeat(12),
      `image: ${TEMPLATE_ACTION_MARK.repeat('{{ .repo }}'.length)}:1`,
      ' '.repeat(12),
      'name: a',
      '',
    ]);
    expect(maskTemplateActions('image: nginx\n')).toBeUndefined();
  });

  it('blanks a line of actions followed by a comment; a `#` right after an action is no comment', () => {
    const text = '  {{ $image := .Image }} # the range below hides the root context\nkey: {{ .a }}#{{ .b }}\n  {{ .c }}#text\n';
    const masked = maskTemplateActions(text)!;
    const lines = text.split('\n');
    expect(masked.split('\n')).toEqual([
      ' '.repeat(lines[0]!.length),
      `key: ${TEMPLATE_ACTION_MARK.repeat(8)}#${TEMPLATE_ACTION_MARK.repeat(8)}`,
      `  ${TEMPLATE_ACTION_MARK.repeat(8)}#text`,
      '',
    ]);
  });

  it('masks Jinja and Liquid statements closed on their line ({% raw %} around a docs snippet), not a lone {%', () => {
    const text = '{% raw %}\nimage: app:{% if x %}1{% endif %}\nformat: "{%s}"\n{%- endraw %}\n';
    const masked = maskTemplateActions(text)!;
    expect(masked.length).toBe(text.length);
    expect(masked.split('\n')).toEqual([
      ' '.repeat(9),
      `image: app:${TEMPLATE_ACTION_MARK.repeat('{% if x %}'.length)}1${TEMPLATE_ACTION_MARK.repeat('{% endif %}'.length)}`,
      'format: "{%s}"',
      ' '.repeat(13),
      '',
    ]);
    expect(maskTemplateActions('format: "{%s}"\n')).toBeUndefined();
  });

  it('masks an action written over several lines (`{{- if and` with a condition per line) as blank lines', () => {
    const text = 'containers:\n{{- if and\n  (ne .a "false")\n  (.b)\n}}\n- name: proxy\n  image: auto\n{{- end }}\n';
    const masked = maskTemplateActions(text)!;
    expect(masked.length).toBe(text.length);
    const blank = (line: string): string => ' '.repeat(line.length);
    const lines = text.split('\n');
    expect(masked.split('\n')).toEqual([lines[0], ...lines.slice(1, 5).map(blank), lines[5], lines[6], blank(lines[7]!), '']);
    expect(parse(masked)).toEqual({ containers: [{ name: 'proxy', image: 'auto' }] });
  });

  it('keeps a block scalar whole when action-only lines sit inside it at column 0', () => {
    const text = 'command:\n- |\n  server \\\n{{- range .Ports }}\n    --port={{ .Port }} \\\n{{- end }}\n  --done\nimage: app:1\n';
    const masked = maskTemplateActions(text)!;
    const document = parse(masked) as { command: string[]; image: string };
    expect(document.image).toBe('app:1');
    expect(document.command[0]).toContain('--done');
  });

  it('reads an unclosed {{ as running to its line end, and one closed more than 30 lines on the same way', () => {
    const far = `image: {{ .x\n${'a: 1\n'.repeat(31)}}}\n`;
    const masked = maskTemplateActions(far)!;
    expect(masked.split('\n')[1]).toBe('a: 1');
    const near = `image: {{ .x\n${'a: 1\n'.repeat(3)}}}\nb: 2\n`;
    expect(maskTemplateActions(near)!.split('\n').slice(1)).toEqual(['    ', '    ', '    ', '  ', 'b: 2', '']);
    // Many lines opening an action that never closes: each runs to its line end, the rest is read.
    const open = 'x: {{\n'.repeat(50_000) + 'image: nginx\n';
    expect(maskTemplateActions(open)!.endsWith('image: nginx\n')).toBe(true);
    expect(maskTemplateActions('x: {{\ny: 1\n')).toBe(`x: ${TEMPLATE_ACTION_MARK.repeat(2)}\ny: 1\n`);
  });
});

describe('@NAME@ placeholders masked for reading', () => {
  it('marks the opening @ of a value that is an @NAME@ placeholder, keeping every offset', () => {
    const text = 'image: @IMAGE_NAME@\nitems:\n  - @REGISTRY@/app:1 # filled in by sed\nmail: me@example.com\n';
    const masked = maskAtPlaceholders(text)!;
    expect(masked.length).toBe(text.length);
    expect(masked.split('\n')).toEqual([`image: ${PLACEHOLDER_MARK}IMAGE_NAME@`, 'items:', `  - ${PLACEHOLDER_MARK}REGISTRY@/app:1 # filled in by sed`, 'mail: me@example.com', '']);
  });

  it.each([
    ['an @ inside a value', 'mail: me@example.com\n'],
    ['an unclosed placeholder', 'image: @IMAGE\n'],
    ['an empty placeholder', 'image: @@\n'],
    ['text after the value', 'image: @IMAGE@ and more\n'],
    ['a value that is not after a key or item', 'foo @IMAGE@\n'],
    ['an item marker after other text', 'a - @IMAGE@\n'],
  ])('leaves %s alone', (_name, text) => {
    expect(maskAtPlaceholders(text)).toBeUndefined();
  });

  it('a real manifest with an @IMAGE_NAME@ image is read, the image unresolved at its place, no parse error', async () => {
    const file = fixture('kubernetes', 'placeholders/at-placeholder.yaml');
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(extraction.errors ?? []).toEqual([]);
    expect(positionedSummary(extraction.occurrences)).toEqual([expect.objectContaining({ at: '21:16', context: 'spec.template.spec.containers[0].image' })]);
    expect(extraction.occurrences[0].raw).toBe('@IMAGE_NAME@');
    expect(extraction.occurrences[0].problem).toEqual({ kind: 'unresolved', message: expect.stringContaining('@IMAGE_NAME@ holds a placeholder filled in by a tool before the file is applied') });
    expectRawAtPositions(file, extraction.occurrences);
  });
});
