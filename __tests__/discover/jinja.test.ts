import { describe, expect, it } from 'vitest';
import { imageLines, JINJA_EXPRESSION_NOTE, jinjaTags, maskJinja, renderedPath } from '../../src/discover/jinja.js';
import { parseYamlDocuments } from '../../src/discover/yaml.js';
import { TEMPLATE_ACTION_MARK } from '../../src/discover/yaml-tolerant.js';
import { fixture } from './discover-helpers.js';

const M = TEMPLATE_ACTION_MARK;
const marks = (count: number) => M.repeat(count);

/**
 * The masked text, checked to keep what node ranges rely on: the template's length, its number of
 * lines, every line with content where it was, and no character but marks and spaces changed.
 */
function masked(text: string): string {
  const result = maskJinja(text);
  expect(result).toBeDefined();
  expect(result!.length).toBe(text.length);
  const lines = result!.split('\n');
  expect(lines.length).toBe(text.split('\n').length);
  let start = 0;
  for (const line of lines) {
    if (line.trim() !== '') expect(text.lastIndexOf('\n', start - 1), `line at ${start}`).toBe(start - 1);
    start += line.length + 1;
  }
  for (let index = 0; index < text.length; index++) {
    const char = result![index];
    if (char !== text[index]) expect([' ', '\n', '\r', M], `at ${index}`).toContain(char);
  }
  return result!;
}

describe('Jinja template names', () => {
  it.each([
    ['roles/x/templates/deployment.yml.j2', 'roles/x/templates/deployment.yml'],
    ['docker-compose.yml.jinja', 'docker-compose.yml'],
    ['k8s/app.YAML.Jinja2', 'k8s/app.YAML'],
    ['templates/config.json.j2', 'templates/config.json'],
    ['templates/exports.j2', 'templates/exports'],
    ['templates/.j2', undefined],
    ['.j2', undefined],
    ['deployment.yml', undefined],
    ['notes.j2.md', undefined],
  ])('%s renders %s', (path, rendered) => {
    expect(renderedPath(path)).toBe(rendered);
  });
});

describe('Jinja masked for reading as YAML', () => {
  it('empties lines holding only statements and comments, their spaces moved to the end of the line above', () => {
    const text = 'services:\n{% if proxy %}\n  proxy:\n    image: nginx:1.27\n{%- endif %}\n{# the database #}\n  db:\n';
    expect(masked(text).split('\n')).toEqual([`services:${' '.repeat(14)}`, '', '  proxy:', `    image: nginx:1.27${' '.repeat(30)}`, '', '', '  db:', '']);
  });

  it('keeps a block scalar led by statement lines at column 0 parseable (kubespray coredns-config.yml.j2)', () => {
    const file = fixture('kubernetes', 'jinja/coredns-config.yml.j2');
    const result = masked(file.text);
    expect(parseYamlDocuments(result).errors).toEqual([]);
    // Statement lines blanked to spaces in place would lead the scalar more indented than its content.
    const inPlace = file.text.split('\n').map((line) => (/^\{%.*%\}$/.test(line) ? ' '.repeat(line.length) : line));
    expect(parseYamlDocuments(inPlace.join('\n')).errors.join()).toContain('more-indented leading empty lines');
  });

  it('turns an expression inside a line into marks, strings in it included', () => {
    const text = "image: \"{{ registry | default('docker.io') }}/app:{{ tag | default('}}') }}\"\n";
    const line = masked(text).split('\n')[0];
    expect(line).toBe(`image: "${marks("{{ registry | default('docker.io') }}".length)}/app:${marks("{{ tag | default('}}') }}".length)}"`);
  });

  it('turns statements choosing part of a value into marks, and statements between flow items into spaces', () => {
    const text = [
      'image: nginx:{% if alpine %}1.27-alpine{% else %}1.27{% endif %}',
      'command: [ "/bin/flanneld"{% if iface is defined %}, "--iface={{ iface }}"{% endif %} ]',
      'tag: 1.27 {# pinned #}',
      'name: app{# glued #}x',
      '',
    ].join('\n');
    expect(masked(text).split('\n')).toEqual([
      `image: nginx:${marks(15)}1.27-alpine${marks(10)}1.27${marks(11)}`,
      `command: [ "/bin/flanneld"${' '.repeat(25)}, "--iface=${marks(11)}"${' '.repeat(11)} ]`,
      `tag: 1.27${' '.repeat(13)}`,
      `name: app${marks(11)}x`,
      '',
    ]);
  });

  it('empties every line of a tag written over several lines; blank lines after the last line with content stay in place', () => {
    const text = "a: 1\n{% set ports = {\n  'http': 80,\n} %}\nb: {{ x\n  | default(2) }}\n";
    expect(masked(text).split('\n')).toEqual([`a: 1${' '.repeat(33)}`, '', '', '', `b: ${marks(4)}`, ' '.repeat(17), '']);
  });

  it('leaves the text of a {% raw %} block as written, tags and all', () => {
    const text = 'labels:\n  {% raw %}\n  format: "{{ .Name }}"\n  {%- endraw %}\n  name: x\n';
    expect(masked(text).split('\n')).toEqual([`labels:${' '.repeat(11)}`, '', `  format: "{{ .Name }}"${' '.repeat(15)}`, '', '  name: x', '']);
    expect(jinjaTags(text).map((tag) => text.slice(tag.start, tag.end))).toEqual(['{% raw %}', '{%- endraw %}']);
  });

  it('reads a tag left open as running to its line end, and a string left open as no string', () => {
    expect(masked('a: {{ x\nb: 2\n').split('\n')).toEqual([`a: ${marks(4)}`, 'b: 2', '']);
    const text = "a: {{ 'x }}\nb: {{ y }}\n";
    expect(masked(text).split('\n')).toEqual([`a: ${marks(8)}`, `b: ${marks(7)}`, '']);
  });

  it('returns undefined for a text without Jinja syntax, or with only braces', () => {
    expect(maskJinja('a: {b: 1}\nc: "%{x}"\n')).toBeUndefined();
  });

  it('masks in time linear in the text, whatever it holds', () => {
    const inputs = [
      '{{ '.repeat(100_000),
      "{{ '".repeat(100_000),
      '{% raw %}' + '{% endraw x %}'.repeat(50_000),
      '{% raw %}' + '{%endraw'.repeat(100_000),
      'a: {{ x\n'.repeat(100_000),
      '{#'.repeat(100_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      const result = maskJinja(input);
      expect(result?.length ?? input.length).toBe(input.length);
      // A quadratic pass over these would take minutes.
      expect(performance.now() - started).toBeLessThan(3000);
    }
  });
});

describe('image lines of a part that does not parse', () => {
  it('reads each `image:` scalar on its line, unresolved when it holds a tag', () => {
    const text = [
      '- name: a',
      '  image: {% if dpdk %}{{ dpdk_image }}{% else %}{{ image }}{% endif %}',
      '- image: "quay.io/app/one:1.0" # pinned',
      '  image: busybox:1.36',
      '  image:',
      '  image: {a: 1}',
      '  images: x',
      '',
    ].join('\n');
    const images = imageLines(text, masked(text), 0, text.length);
    expect(images.map((image) => [image.offset, image.raw, image.value])).toEqual([
      [text.indexOf('{% if'), '{% if dpdk %}{{ dpdk_image }}{% else %}{{ image }}{% endif %}', { unresolved: JINJA_EXPRESSION_NOTE }],
      [text.indexOf('quay.io'), 'quay.io/app/one:1.0', 'quay.io/app/one:1.0'],
      [text.indexOf('busybox'), 'busybox:1.36', 'busybox:1.36'],
    ]);
  });
});
