/**
 * Helm chart templates: every `image:` line of the files under a chart's `templates/`, as
 * `helm template` renders it with the chart's default values (see `helm-render.ts`). A line in a
 * branch Helm does not take is not reported, except a literal image (no template action) in a branch
 * the values switch (`{{- if .Values.tests.enabled }}`), read as written as a switched-off values
 * image is: what a user who turns the part on pulls. A line rendered from a values-file scalar is reported
 * once, at that values line, by the values discoverer (with this line as its related location);
 * the rest (literal images, values from Chart.yaml, unresolved lines) are reported here.
 */
import type { Occurrence } from '../model.js';
import { chartRootOfTemplate, enclosingChartRoot, hasTemplatesSegment, isValuesFileName, loadChart, markPlaceholderTag, parentDir } from './helm-chart.js';
import { renderChart, renderChartFile, SWITCHED_OFF_AS_WRITTEN, type RenderedSite, type SiteRender } from './helm-render.js';
import { makeOccurrence } from './occurrence.js';
import { ISTIO_INJECTED_NOTE, isIstioInjectedProxy } from './pod-spec.js';
import { LineIndex } from './position.js';
import { withSkaffoldBuilds } from './skaffold-builds.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';

/** Files beside values.yaml at a chart's root that Helm reads as data. */
const CHART_DATA_FILES = new Set(['Chart.yaml', 'Chart.yml', 'requirements.yaml', 'requirements.yml']);

/** Template files with more image lines than this are generated, not written; the rest are skipped. */
const MAX_IMAGE_LINES = 2_000;

export const helmTemplatesDiscoverer: Discoverer = {
  kind: 'helm',
  matches(path: string): boolean {
    return /\.(ya?ml|tpl)$/i.test(path) && hasTemplatesSegment(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    // A chart a Skaffold config installs runs the images it builds in their place (skaffold-builds.ts).
    return withSkaffoldBuilds(file.path, await extractTemplate(file, context), context);
  },
};

async function extractTemplate(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
  const chartRoot = await chartRootOfTemplate(file.path, context);
  if (chartRoot === undefined) return { occurrences: [] };
  const chart = await loadChart(chartRoot, context);
  const unread = chart?.unreadFiles.get(file.path);
  if (unread !== undefined) return { occurrences: [], errors: [unread] };
  const render = chart ? renderChart(chart) : undefined;
  const sites = render?.sites.get(file.path);
  // A template a bound stopped may have had images still to write: they went unread.
  const notRendered = render?.notRendered.get(file.path);
  if (!chart || sites === undefined) return notRendered === undefined ? { occurrences: [] } : { occurrences: [], errors: [notRenderedError(notRendered)] };
  const lines = new LineIndex(file.text);
  const occurrences: Occurrence[] = [];
  for (const rendered of sites.slice(0, MAX_IMAGE_LINES)) {
    if (rendered.switchedOff) occurrences.push(markPlaceholderTag(switchedOffOccurrence(file.path, lines, rendered, file.text), chart));
    for (const render of rendered.renders) {
      // Reported at the values line it comes from (helm-values.ts).
      if (render.origin && chart.values) continue;
      occurrences.push(markPlaceholderTag(templateOccurrence(file.path, lines, rendered, injectedProxy(file.text, rendered, render)), chart));
    }
  }
  const errors = [...(sites.length > MAX_IMAGE_LINES ? [`only the first ${MAX_IMAGE_LINES} image lines were read`] : []), ...(notRendered === undefined ? [] : [notRenderedError(notRendered)])];
  return errors.length > 0 ? { occurrences, errors } : { occurrences };
}

function notRenderedError(reason: string): string {
  return `the template was not rendered in full, so images it writes may be unread: ${reason}`;
}

/**
 * A YAML file inside a chart but outside `templates/` that holds template actions (`{{ }}`): a file
 * the chart renders through `.Files.Get | tpl` (`conf/`, `crds/`, `files/`), so a template, not
 * YAML. Its image lines are rendered as `tpl` renders them with the chart root; undefined when the
 * file is not such a file (the caller reads it as YAML).
 */
export async function extractChartFileTemplate(file: SourceFile, context: DiscoverContext): Promise<Extraction | undefined> {
  if (!file.text.includes('{{')) return undefined;
  const chartRoot = await enclosingChartRoot(file.path, context);
  const chart = chartRoot === undefined ? undefined : await loadChart(chartRoot, context);
  if (!chart) return undefined;
  // Values files are data: Helm renders only the strings a template hands to `tpl`, never the file.
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  if (parentDir(file.path) === chart.root && (isValuesFileName(name) || CHART_DATA_FILES.has(name))) return undefined;
  const lines = new LineIndex(file.text);
  const occurrences: Occurrence[] = [];
  const { sites, notRendered } = renderChartFile(chart, file.path, file.text);
  for (const rendered of sites.slice(0, MAX_IMAGE_LINES)) {
    if (rendered.switchedOff) occurrences.push(markPlaceholderTag(switchedOffOccurrence(file.path, lines, rendered, file.text), chart));
    for (const render of rendered.renders) occurrences.push(markPlaceholderTag(templateOccurrence(file.path, lines, rendered, render), chart));
  }
  return notRendered === undefined ? { occurrences } : { occurrences, errors: [notRenderedError(notRendered)] };
}

/** A literal `image: auto` of an `istio-proxy` container (pod-spec.ts `isIstioInjectedProxy`) names no image. */
function injectedProxy(text: string, rendered: RenderedSite, render: SiteRender): SiteRender {
  if (render.value !== 'auto' || rendered.site.raw !== 'auto' || !isIstioInjectedProxy(containerNameAbove(text, rendered.site.offset), 'auto')) return render;
  return { ...render, value: { unresolved: ISTIO_INJECTED_NOTE } };
}

/** Lines looked at above an `image:` line for its container's `name:` (comments and actions between). */
const NAME_LOOKBACK_LINES = 20;

/**
 * The `name:` of the sequence item an `image:` key at `offset` belongs to, read from the template's
 * lines above it (`- name: x` at the item's dash, or `name: x` beside the key), or undefined.
 */
function containerNameAbove(text: string, offset: number): string | undefined {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const keyColumn = text.slice(lineStart, offset).search(/\S/);
  for (let looked = 0; looked < NAME_LOOKBACK_LINES && lineStart > 0; looked++) {
    const end = lineStart - 1;
    lineStart = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(lineStart, end);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('{{')) continue;
    const column = line.length - line.trimStart().length;
    const item = trimmed.startsWith('- ') && column === keyColumn - 2;
    const field = item ? trimmed.slice(2).trimStart() : trimmed;
    if (column === keyColumn || item) {
      if (field.startsWith('name:')) return field.slice(5).trim().replace(/^["']|["']$/g, '');
      if (item) return undefined;
      continue;
    }
    return undefined; // left the item
  }
  return undefined;
}

/** A literal image line in a branch the default values switch off, read as written, as a switched-off values image is. */
function switchedOffOccurrence(path: string, lines: LineIndex, rendered: RenderedSite, text: string): Occurrence {
  const { site } = rendered;
  const { value } = injectedProxy(text, rendered, { value: site.raw, uncertain: false });
  const notes = [site.handed === undefined ? undefined : `handed to ${site.handed.to ?? 'the container'} ${site.handed.how}`, SWITCHED_OFF_AS_WRITTEN].filter((note) => note !== undefined);
  return makeOccurrence({ file: path, kind: 'helm', lines, offset: site.offset, raw: site.raw, value, context: site.handed?.name ?? 'image', note: notes.join('; ') });
}

function templateOccurrence(path: string, lines: LineIndex, rendered: RenderedSite, render: SiteRender): Occurrence {
  const { site } = rendered;
  const templated = site.raw.includes('{{');
  const notes: string[] = [];
  if (site.handed !== undefined) notes.push(`handed to ${site.handed.to ?? 'the container'} ${site.handed.how}`);
  if (render.uncertain) notes.push("rendered in a branch whose condition is not known offline (it depends on the cluster or the release)");
  else if (templated && typeof render.value === 'string') notes.push("rendered with the chart's default values");
  const note = notes.length > 0 ? notes.join('; ') : undefined;
  return makeOccurrence({ file: path, kind: 'helm', lines, offset: site.offset, raw: site.raw, value: render.value, context: site.handed?.name ?? 'image', note });
}
