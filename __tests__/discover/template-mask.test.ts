import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubernetesDiscoverer } from '../../src/discover/kubernetes.js';
import { PLACEHOLDER_MARK, TEMPLATE_ACTION_MARK, maskAtPlaceholders, maskPlaceholderLines, maskTemplate, templateTags, type TemplateDialect } from '../../src/discover/template-mask.js';
import { parseYamlDocuments } from '../../src/discover/yaml.js';
import { expectRawAtPositions, fixture, fixtureContext, positionedSummary } from './discover-helpers.js';
const M = TEMPLATE_ACTION_MARK;
const marks = (count: number) => M.repeat(count);

/**
 * The masked text, checked to keep what node ranges rely on: the template's length, its number of
 * lines, every line with content where it was, and no character but marks and spaces changed.
 */
function masked(text: string, dialect: TemplateDialect = 'jinja'): string {
  const result = maskTemplate(text, dialect);
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


/** The `actions` dialect: `{{ }}` templates of other tools. */
const maskActions = (text: string): string | undefined => maskTemplate(text, 'actions');

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

  it('blanks a loop opened right after a block key, whose items follow on the lines below (tutor kustomization.yml, k8s/deployments.yml)', () => {
    const text = [
      '- name: openedx-settings-lms',
      '  files:{% for file in "apps/openedx/settings/lms"|walk_templates %}',
      '  - {{ file }}{% endfor %}',
      'args: {% for value in iter_lms_celery_parameters() %}',
      '- "{{value}}"{% endfor %}',
      'image: nginx:{% if alpine %}',
      'tag: "1.27"{% if x %}',
      '',
    ].join('\n');
    const result = masked(text);
    expect(result.split('\n')).toEqual([
      '- name: openedx-settings-lms',
      `  files:${' '.repeat(60)}`,
      `  - ${marks(22)}`,
      `args: ${' '.repeat(47)}`,
      `- "${marks(9)}"${' '.repeat(12)}`,
      `image: nginx:${marks(15)}`,
      `tag: "1.27"${' '.repeat(10)}`,
      '',
    ]);
    const lines = result.split('\n');
    expect(parse(lines.slice(0, 3).join('\n'))).toEqual([{ name: 'openedx-settings-lms', files: [marks(22)] }]);
    expect(parse(lines.slice(3, 5).join('\n'))).toEqual({ args: [marks(9)] });
  });

  it('empties every line of a tag written over several lines; blank lines after the last line with content stay in place', () => {
    const text = "a: 1\n{% set ports = {\n  'http': 80,\n} %}\nb: {{ x\n  | default(2) }}\n";
    expect(masked(text).split('\n')).toEqual([`a: 1${' '.repeat(33)}`, '', '', '', `b: ${marks(4)}`, ' '.repeat(17), '']);
  });

  it('leaves the text of a {% raw %} block as written, tags and all', () => {
    const text = 'labels:\n  {% raw %}\n  format: "{{ .Name }}"\n  {%- endraw %}\n  name: x\n';
    expect(masked(text).split('\n')).toEqual([`labels:${' '.repeat(11)}`, '', `  format: "{{ .Name }}"${' '.repeat(15)}`, '', '  name: x', '']);
    expect(templateTags(text, 'jinja').map((tag) => text.slice(tag.start, tag.end))).toEqual(['{% raw %}', '{%- endraw %}']);
  });

  it('reads a tag left open as running to its line end, and a string left open as no string', () => {
    expect(masked('a: {{ x\nb: 2\n').split('\n')).toEqual([`a: ${marks(4)}`, 'b: 2', '']);
    const text = "a: {{ 'x }}\nb: {{ y }}\n";
    expect(masked(text).split('\n')).toEqual([`a: ${marks(8)}`, `b: ${marks(7)}`, '']);
  });

  it('returns undefined for a text without Jinja syntax, or with only braces', () => {
    expect(maskTemplate('a: {b: 1}\nc: "%{x}"\n', 'jinja')).toBeUndefined();
  });

  it.each<TemplateDialect>(['jinja', 'actions'])('masks in time linear in the text, whatever it holds (%s)', (dialect) => {
    const inputs = [
      '{{ '.repeat(100_000),
      "{{ '".repeat(100_000),
      '{% raw %}' + '{% endraw x %}'.repeat(50_000),
      '{% raw %}' + '{%endraw'.repeat(100_000),
      'a: {{ x\n'.repeat(100_000),
      '{#'.repeat(100_000),
      // Each opening closed too far on (the one `}}` or `%}` at the end), so each runs to its line end.
      'a: {{ x\n'.repeat(100_000) + '}}\n',
      '{% if\n'.repeat(100_000) + '%}\n',
      `${'{{ x '.repeat(100_000)}\n}}`,
    ];
    // No duration is asserted (a loaded machine is slow): a quadratic pass over these would run for
    // hours, far past the test timeout.
    for (const input of inputs) {
      const result = maskTemplate(input, dialect);
      expect(result?.length ?? input.length).toBe(input.length);
    }
  });
});

describe('template actions masked for reading', () => {
  it('turns action-only lines into blank lines and inline actions into marks, keeping every offset', () => {
    const text = '{{- if .x }}\nimage: {{ .repo }}:1\r\n  {{- end }}\nname: a\n';
    expect(masked(text, 'actions').split('\n').map((line) => line.trimEnd())).toEqual(['', `image: ${marks('{{ .repo }}'.length)}:1`, '', 'name: a', '']);
    expect(maskActions('image: nginx\n')).toBeUndefined();
  });

  it('blanks a line of actions followed by a comment; a `#` right after an action is no comment', () => {
    const text = '  {{ $image := .Image }} # the range below hides the root context\nkey: {{ .a }}#{{ .b }}\n  {{ .c }}#text\n';
    const masked = maskActions(text)!;
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
    const masked = maskActions(text)!;
    expect(masked.length).toBe(text.length);
    expect(masked.split('\n')).toEqual([
      ' '.repeat(9),
      `image: app:${TEMPLATE_ACTION_MARK.repeat('{% if x %}'.length)}1${TEMPLATE_ACTION_MARK.repeat('{% endif %}'.length)}`,
      'format: "{%s}"',
      ' '.repeat(13),
      '',
    ]);
    expect(maskActions('format: "{%s}"\n')).toBeUndefined();
  });

  it('masks an action written over several lines (`{{- if and` with a condition per line) as blank lines', () => {
    const text = 'containers:\n{{- if and\n  (ne .a "false")\n  (.b)\n}}\n- name: proxy\n  image: auto\n{{- end }}\n';
    const result = masked(text, 'actions');
    expect(result.split('\n').map((line) => line.trimEnd())).toEqual(['containers:', '', '', '', '', '- name: proxy', '  image: auto', '', '']);
    expect(parse(result)).toEqual({ containers: [{ name: 'proxy', image: 'auto' }] });
  });

  it('keeps a block scalar whole when action-only lines sit inside it at column 0', () => {
    const text = 'command:\n- |\n  server \\\n{{- range .Ports }}\n    --port={{ .Port }} \\\n{{- end }}\n  --done\nimage: app:1\n';
    const masked = maskActions(text)!;
    const document = parse(masked) as { command: string[]; image: string };
    expect(document.image).toBe('app:1');
    expect(document.command[0]).toContain('--done');
  });

  it('reads an unclosed {{ as running to its line end, and one closed more than 30 lines on the same way', () => {
    const far = `image: {{ .x\n${'a: 1\n'.repeat(31)}}}\n`;
    expect(maskActions(far)!.split('\n')[1]).toBe('a: 1');
    const near = `image: {{ .x\n${'a: 1\n'.repeat(3)}}}\nb: 2\n`;
    expect(masked(near, 'actions').split('\n').slice(1)).toEqual(['', '', '', '', 'b: 2', '']);
    // Many lines opening an action that never closes: each runs to its line end, the rest is read.
    const open = 'x: {{\n'.repeat(50_000) + 'image: nginx\n';
    expect(maskActions(open)!.endsWith('image: nginx\n')).toBe(true);
    expect(maskActions('x: {{\ny: 1\n')).toBe(`x: ${TEMPLATE_ACTION_MARK.repeat(2)}\ny: 1\n`);
  });
});

describe('the two dialects', () => {
  it('reads `{#` as a Jinja comment, and as text in other templates (`${#items[@]}` in a script)', () => {
    const text = 'run: echo ${#items[@]} {{ .x }} #}\n';
    expect(masked(text, 'actions')).toBe(`run: echo \${#items[@]} ${marks(8)} #}\n`);
    expect(masked(text, 'jinja')).toBe(`run: echo $${' '.repeat('{#items[@]} {{ .x }} #}'.length)}\n`);
  });

  it('reads a `{%` not closed on its line as text in other templates; a Jinja statement may run over lines', () => {
    const text = 'format: "%{%s"\nnext: 1 %}\nimage: {{ x }}\n';
    expect(masked(text, 'actions').split('\n')).toEqual(['format: "%{%s"', 'next: 1 %}', `image: ${marks(7)}`, '']);
    const statement = 'a: 1\n{% if x and\n   y %}\nb: 2\n';
    expect(masked(statement, 'jinja').split('\n').map((line) => line.trimEnd())).toEqual(['a: 1', '', '', 'b: 2', '']);
  });

  it('blanks a line of tags followed by a comment in both', () => {
    for (const dialect of ['jinja', 'actions'] as const) {
      expect(masked('a: 1\n{% if x %} # only on x\nb: 2\n', dialect).split('\n').map((line) => line.trimEnd())).toEqual(['a: 1', '', 'b: 2', '']);
    }
  });

  it('masks a Jinja comment of any length; an expression closed more than 30 lines on runs to its line end', () => {
    const comment = `{#\n${'licence text\n'.repeat(40)}#}\nimage: nginx:1.27\n`;
    expect(masked(comment, 'jinja').split('\n').filter((line) => line.trim() !== '')).toEqual(['image: nginx:1.27']);
    const far = `image: {{ x\n${'a: 1\n'.repeat(31)}}}\n`;
    expect(masked(far, 'jinja').split('\n')[1]).toBe('a: 1');
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

describe('lines that are only a placeholder or an ellipsis, masked for reading', () => {
  it('blanks a line that is one placeholder or an ellipsis, keeping every offset and line break', () => {
    const text = 'annotations:\n  <ISSUER_ANNOTATION>\r\n  ${EXTRA}\n  a: "true"\nenv:\n  ...\n  \u2026\n';
    const masked = maskPlaceholderLines(text)!;
    expect(masked.length).toBe(text.length);
    expect(masked.split('\n')).toEqual(['annotations:', `${' '.repeat(21)}\r`, ' '.repeat(10), '  a: "true"', 'env:', ' '.repeat(5), ' '.repeat(3), '']);
  });

  it.each([
    ['a key and a placeholder value', 'image: <IMAGE>\n'],
    ['two placeholders on a line', '<A> <B>\n'],
    ['a flow collection', '  {a}\n  [[b]]\n'],
    ['a comment', '  #{X}\n'],
    ['a document end marker at column 0', 'a: 1\n...\n'],
    ['an item holding a placeholder', '- <X>\n'],
  ])('leaves %s alone', (_name, text) => {
    expect(maskPlaceholderLines(text)).toBeUndefined();
  });

  it('a documentation snippet with `...` lines is read, both images at their places, no parse error', async () => {
    const file = fixture('kubernetes', 'placeholders/ellipsis-snippet.yaml');
    const extraction = await kubernetesDiscoverer.extract(file, fixtureContext('kubernetes'));
    expect(extraction.errors ?? []).toEqual([]);
    expect(extraction.occurrences.map((o) => [`${o.line}:${o.column}`, o.reference])).toEqual([
      ['13:16', 'docker.io/1password/connect-api:1.5.0'],
      ['22:16', 'docker.io/1password/connect-sync:1.5.0'],
    ]);
    expectRawAtPositions(file, extraction.occurrences);
  });
});
