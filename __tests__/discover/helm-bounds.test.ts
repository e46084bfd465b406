/**
 * Attack test for the Helm evaluator: a small chart must not make it build huge strings (a few
 * such lines held gigabytes before the bound); each such image is unresolved with the reason.
 */
import { describe, expect, it } from 'vitest';
import { helmTemplatesDiscoverer } from '../../src/discover/helm.js';
import { kubernetesDiscoverer } from '../../src/discover/kubernetes.js';
import { loadChart } from '../../src/discover/helm-chart.js';
import { chartStepsSpent, renderTemplateText } from '../../src/discover/helm-render.js';
import { parseTemplate, TemplateDepthError } from '../../src/discover/helm-template-parse.js';
import { LimitError } from '../../src/discover/helm-template-values.js';
import { fixture, fixtureContext } from './discover-helpers.js';

describe('helm template evaluation bounds', () => {
  it('leaves expressions that grow past the bound unresolved, and evaluates the rest', async () => {
    const file = fixture('helm', 'growth/templates/deployment.yaml');
    const extraction = await helmTemplatesDiscoverer.extract(file, fixtureContext('helm'));
    const byName = extraction.occurrences.map((occurrence) => [occurrence.reference, occurrence.problem?.message ?? occurrence.problem?.kind]);
    expect(byName).toHaveLength(7);
    for (const [reference, problem] of byName.slice(0, 6)) {
      expect(reference).toBeNull();
      expect(problem).toMatch(/longer than 65536 characters/);
    }
    expect(byName[6]).toEqual(['docker.io/library/nginx:1.25', undefined]);
    // Nothing kept the would-be strings alive.
    for (const occurrence of extraction.occurrences) expect(JSON.stringify(occurrence).length).toBeLessThan(10_000);
  });

  it('reads an image line a range renders 62,500 times in time linear in the output', async () => {
    // No duration is asserted: at each rendering the executor searched and sliced the whole output
    // so far (70 x 70 renderings took 30 s), so these would run far past the test timeout.
    const file = fixture('helm', 'range-lines/templates/pods.yaml');
    const extraction = await helmTemplatesDiscoverer.extract(file, fixtureContext('helm'));
    // The renderings pass the template's steps part way: what the rest would write went unread, and
    // is reported (it was not: the lines rendered before the bound hid it).
    expect(extraction.errors ?? []).toEqual(['the template was not rendered in full, so images it writes may be unread: the template needs more than 400,000 evaluation steps']);
    expect(extraction.occurrences.map((occurrence) => [occurrence.file, occurrence.line, occurrence.reference])).toEqual([
      ['range-lines/templates/pods.yaml', 10, 'registry.example.com/team/range-lines:1.0'],
    ]);
  });

  // Crafted by the offline audit (no real chart has either): the 1,001st template of a chart, and
  // a template holding a SOH character, were left unread without a word, and the scan passed.
  it('says which template files of a chart it did not read', async () => {
    const pod = (image: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${extra}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;
    const files: Record<string, string> = { 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'chart/values.yaml': 'x: 1\n' };
    for (let i = 0; i < 1_001; i++) files[`chart/templates/p${String(i).padStart(4, '0')}.yaml`] = pod(i === 1_000 ? 'evil/last:1' : `reg.example/a${i}:1`);
    files['chart/templates/p0001.yaml'] = pod('evil/soh:1', '\n  annotations:\n    a: "\u0001"');
    const paths = Object.keys(files).sort();
    const context = {
      buildArgs: {},
      readFile: async (path: string) => files[path],
      listFiles: async (dir: string) => paths.filter((path) => path.startsWith(`${dir}/`)),
    };
    const read = async (path: string) => {
      const { occurrences, errors } = await helmTemplatesDiscoverer.extract({ path, text: files[path] }, context);
      return { images: occurrences.map((o) => o.raw), errors: errors ?? [] };
    };
    expect(await read('chart/templates/p0000.yaml')).toEqual({ images: ['reg.example/a0:1'], errors: [] });
    expect(await read('chart/templates/p1000.yaml')).toEqual({ images: [], errors: ['the chart has more than 1,000 template files: this one was not read'] });
    expect(await read('chart/templates/p0001.yaml')).toEqual({ images: [], errors: ['the template holds a NUL or SOH character, which the renderer uses as a marker: it was not read'] });
  });

  // Crafted (no real chart has it; the real charts tried take at most 51,772 steps in all): each
  // template could take 400,000 steps, so a chart of 1,000 such templates took minutes. The chart's
  // renders share one budget; the templates it stops, or leaves unevaluated, say their images went unread.
  it('bounds the steps of a whole chart and says which templates it did not render in full', async () => {
    const context = fixtureContext('helm');
    const read = async (name: string) => {
      const { occurrences, errors } = await helmTemplatesDiscoverer.extract(fixture('helm', `step-budget/templates/${name}`), context);
      return { images: occurrences.map((o) => o.reference ?? o.problem?.kind), errors: errors ?? [] };
    };
    const stopped = (reason: string) => ({ images: ['unresolved'], errors: [`the template was not rendered in full, so images it writes may be unread: ${reason}`] });
    const spent = "the chart's templates need more than 1,000,000 evaluation steps in all";
    // Helm's order: spin-5 first, pod.yaml last.
    expect(await read('spin-5.yaml')).toEqual(stopped('the template needs more than 400,000 evaluation steps'));
    expect(await read('spin-4.yaml')).toEqual(stopped('the template needs more than 400,000 evaluation steps'));
    expect(await read('spin-3.yaml')).toEqual(stopped(spent));
    for (const name of ['spin-2.yaml', 'spin-1.yaml', 'pod.yaml']) expect(await read(name)).toEqual(stopped(`${spent}: this one was not evaluated`));
    const chart = await loadChart('step-budget', context);
    expect(chart && chartStepsSpent(chart)).toBe(1_000_000);
  });

  it('counts each iteration of a range as a step, also of an empty body', () => {
    // 100,000,000 iterations of nothing spent no step and ran for over a minute.
    expect(() => renderTemplateText('{{ range 10000 }}{{ range 10000 }}{{ end }}{{ end }}', {})).toThrow(LimitError);
  });

  // Crafted: 2,000 nested parentheses overflowed the parser's stack, and the error only happened to
  // reach the scan as a file that could not be parsed, the values file beside it too.
  it('bounds the nesting of parenthesized pipelines, and says the template went unread', async () => {
    const tooDeep = () => parseTemplate(`{{ ${'('.repeat(101)}1${')'.repeat(101)} }}`);
    expect(tooDeep).toThrow(TemplateDepthError);
    expect(tooDeep).toThrow('parenthesized pipelines nest deeper than 100');
    expect(() => parseTemplate(`{{ ${'('.repeat(100)}1${')'.repeat(100)} }}`)).not.toThrow();
    const context = fixtureContext('helm');
    const { occurrences, errors } = await helmTemplatesDiscoverer.extract(fixture('helm', 'paren-depth/templates/pod.yaml'), context);
    expect({ occurrences, errors }).toEqual({ occurrences: [], errors: ['the template was not read: parenthesized pipelines nest deeper than 100'] });
  });

  it('bounds how deep blocks, parentheses and includes nest together as a template runs', () => {
    // Each alone is bounded, but 64 includes of a helper 190 blocks deep overflowed the stack.
    const helper = `{{- define "deep" }}${'{{ if true }}'.repeat(190)}{{ include "deep" . }}${'{{ end }}'.repeat(190)}{{- end }}`;
    expect(() => renderTemplateText('{{ include "deep" . }}', {}, helper)).toThrow(new LimitError('blocks, parenthesized pipelines and includes nest deeper than 400 as the template runs'));
  });

  // Crafted, as the SOH template above: a file the chart renders through tpl (conf/) holding one had
  // its image left unread without a word.
  it('says a file the chart renders through tpl was not read when it holds a marker character', async () => {
    const { occurrences, errors } = await kubernetesDiscoverer.extract(fixture('helm', 'marker-file/conf/pod.yaml'), fixtureContext('helm'));
    expect({ occurrences, errors }).toEqual({
      occurrences: [],
      errors: ['the template was not rendered in full, so images it writes may be unread: the file holds a NUL or SOH character, which the renderer uses as a marker: it was not read'],
    });
  });
});
