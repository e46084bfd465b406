import { describe, expect, it } from 'vitest';
import { hasTemplatesSegment, loadChart, parseValuesText } from '../../src/discover/helm-chart.js';
import type { NamedTemplateBody } from '../../src/discover/helm-template-exec.js';
import type { DiscoverContext } from '../../src/discover/types.js';

/** The parsed nodes of a named template (undefined for one that is missing or unresolved). */
const nodesOf = (body: NamedTemplateBody | undefined) => (body && 'nodes' in body ? body.nodes : undefined);

/** A scan's context over files in memory. */
function memoryContext(files: Record<string, string>): DiscoverContext {
  return {
    buildArgs: {},
    readFile: async (path) => files[path],
    listFiles: async (directory) => Object.keys(files).filter((path) => path.startsWith(`${directory}/`)).sort(),
  };
}

const COMMON = {
  'common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 2.0.0\ntype: library\n',
  'common/templates/_images.tpl': '{{- define "common.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{- end -}}\n',
};

function app(name: string): Record<string, string> {
  return {
    [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ndependencies:\n  - name: common\n    repository: file://../common\n`,
    [`${name}/values.yaml`]: `image:\n  repository: acme/${name}\n  tag: "1.0"\n`,
    [`${name}/templates/deployment.yaml`]: 'spec:\n  containers:\n    - image: {{ include "common.image" . }}\n',
  };
}

describe('loadChart', () => {
  it("parses a library chart's helpers once per scan for every chart of a collection that depends on it", async () => {
    const context = memoryContext({ ...COMMON, ...app('one'), ...app('two') });
    const one = await loadChart('one', context);
    const two = await loadChart('two', context);
    const helper = nodesOf(one?.templates.get('common.image'));
    expect(helper).toBeDefined();
    expect(nodesOf(two?.templates.get('common.image'))).toBe(helper);
    // The chart's own template, with its image line marked, is its own parse.
    expect(nodesOf(two?.templates.get('two/templates/deployment.yaml'))).not.toBe(nodesOf(one?.templates.get('one/templates/deployment.yaml')));
  });

  it('parses again in another scan, and a changed text is parsed as it now is', async () => {
    const first = await loadChart('one', memoryContext({ ...COMMON, ...app('one') }));
    const changed = { ...COMMON, 'common/templates/_images.tpl': '{{- define "common.image" -}}{{ .Values.image.repository }}{{- end -}}\n' };
    const second = await loadChart('one', memoryContext({ ...changed, ...app('one') }));
    expect(nodesOf(second?.templates.get('common.image'))).not.toBe(nodesOf(first?.templates.get('common.image')));
    expect(JSON.stringify(nodesOf(second?.templates.get('common.image')))).not.toContain('tag');
    expect(JSON.stringify(nodesOf(first?.templates.get('common.image')))).toContain('tag');
  });
});

describe('hasTemplatesSegment', () => {
  it('is true only for a path below a directory named templates', () => {
    const below = ['templates/a.yaml', 'chart/templates/a.yaml', 'a/templates/b/c.tpl', 'templates/templates'];
    const not = ['templates', 'chart/templates', 'chart/my-templates/a.yaml', 'chart/templates.yaml', 'templatesx/a.yaml', 'a/xtemplates/b.yaml'];
    expect(below.map(hasTemplatesSegment)).toEqual(below.map(() => true));
    expect(not.map(hasTemplatesSegment)).toEqual(not.map(() => false));
  });
});

describe('values files parsed once for the readers that follow one another', () => {
  const context = (): DiscoverContext => ({ buildArgs: {}, readFile: () => Promise.resolve(undefined) });

  it('shares a parse within a scan, keeps only the latest few, and never across scans', () => {
    const scan = context();
    const first = parseValuesText('image: nginx:1.27\n', scan);
    expect(parseValuesText('image: nginx:1.27\n', scan)).toBe(first);
    expect(parseValuesText('image: nginx:1.27\n', context())).not.toBe(first);
    for (let index = 0; index < 4; index++) parseValuesText(`other: ${index}\n`, scan);
    const again = parseValuesText('image: nginx:1.27\n', scan);
    expect(again).not.toBe(first);
    expect(again.documents[0]?.toJSON()).toEqual({ image: 'nginx:1.27' });
  });
});
