import { describe, expect, it } from 'vitest';
import { imageLines, JINJA_EXPRESSION_NOTE, templateByContent, templateFileOf } from '../../src/discover/template-file.js';
import { maskTemplate } from '../../src/discover/template-mask.js';

describe('templates by their content', () => {
  it.each([
    ['a `{% %}` statement line (Mailu setup)', "{% set env='mailu.env' %}\nservices:\n", true, 'jinja'],
    ['an indented, trimmed statement line (tutor)', 'spec:\n      {%- if ENABLE_WEB_PROXY %}\n', true, 'jinja'],
    ['a line that is only an expression (tutor)', 'services:\n\n  {{ patch("jobs")|indent(2) }}\n', true, 'actions'],
    ['a statement after text on its line only', 'args: {% for v in x %}\n', true, undefined],
    ['an expression after a key only', 'image: {{ IMAGE }}\n', true, undefined],
    ['a statement line in a file that parses', '{% raw %}\n', false, undefined],
  ])('%s', (_name, text, failsAsYaml, dialect) => {
    expect(templateByContent('compose.yml', text, failsAsYaml)?.dialect).toBe(dialect);
  });
});

describe('template names', () => {
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
  ])('%s renders %s (Jinja)', (path, rendered) => {
    const template = templateFileOf(path);
    expect(template?.rendered).toBe(rendered);
    if (template) expect([template.dialect, template.noun]).toEqual(['jinja', 'Jinja template']);
  });

  it.each([
    ['deploy/deployment.yaml.tmpl', 'deploy/deployment.yaml'],
    ['docker-compose.yml.template', 'docker-compose.yml'],
    ['k8s/app.yaml.TPL', 'k8s/app.yaml'],
    ['helmfile.d/manifests.yaml.gotmpl', 'helmfile.d/manifests.yaml'],
    ['cluster/addons/dns/coredns.yaml.in', 'cluster/addons/dns/coredns.yaml'],
    ['templates/.tmpl', undefined],
    ['deployment.tmpl.yaml', undefined],
  ])('%s renders %s ({{ }} actions)', (path, rendered) => {
    const template = templateFileOf(path);
    expect(template?.rendered).toBe(rendered);
    if (template) expect([template.dialect, template.noun]).toEqual(['actions', 'template']);
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
    const images = imageLines(text, maskTemplate(text, 'jinja')!, 0, text.length);
    expect(images.map((image) => [image.offset, image.raw, image.value])).toEqual([
      [text.indexOf('{% if'), '{% if dpdk %}{{ dpdk_image }}{% else %}{{ image }}{% endif %}', { unresolved: JINJA_EXPRESSION_NOTE }],
      [text.indexOf('quay.io'), 'quay.io/app/one:1.0', 'quay.io/app/one:1.0'],
      [text.indexOf('busybox'), 'busybox:1.36', 'busybox:1.36'],
    ]);
  });
});
