import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { joinFlowLines } from '../../src/discover/yaml-tolerant.js';
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
