/**
 * Renders a chart as `helm template` does with its default values, once per chart and scan, and
 * reads off what each `image:` line rendered: every template file that is not a partial (`_*`)
 * is executed with the root context (`.Values`, `.Chart`, `.Release` with `helm template`'s
 * defaults, ...), and the site markers in the output say which line produced which text. A line
 * in a branch Helm does not take never appears; a line rendered several times (a `range`, a helper
 * included twice) gives each value. For each value, the values-file scalar it came from (the line
 * a person edits) is traced from the values read while the line rendered. A literal image line
 * left unrendered is looked for once more, in a render that runs every branch the values switch:
 * reached there, it is marked `switchedOff` (what a user who turns the part on pulls).
 */
import { parseCached, type ChartTemplateFile, type LoadedChart } from './helm-chart.js';
import { isOneReference } from './handed-images.js';
import { findImageSites, type ImageSite } from './helm-image-sites.js';
import { execute, type NamedTemplateBody, type RenderEnv, type SiteHit } from './helm-template-exec.js';
import { copySourceOf, TEMPLATE_FUNCTIONS } from './helm-template-funcs.js';
import { parseTemplate, TemplateDepthError, TemplateSyntaxError, type TemplateNode } from './helm-template-parse.js';
import { GoStruct, isMapValue, LimitError, Unknown } from './helm-template-values.js';
import type { ScalarLocation } from './yaml.js';
import { normalizeForOccurrence } from '../reference/index.js';

/**
 * Said of an image the default values do not render (a part switched off), read as written: a
 * values entry no template renders, or a literal image line in a branch the values switch.
 */
export const SWITCHED_OFF_AS_WRITTEN = "the chart's templates do not render this image with the default values (a part switched off); read as written";

/** One rendering of an image line. */
export interface SiteRender {
  value: string | { unresolved: string };
  /** Rendered in a branch whose condition is not known offline. */
  uncertain: boolean;
  /** The values-file scalar the image comes from, when traced. */
  origin?: ScalarLocation;
}

export interface RenderedSite {
  file: ChartTemplateFile;
  site: ImageSite;
  /** Distinct renderings; empty when Helm does not render the line with the default values. */
  renders: SiteRender[];
  /**
   * Set on a literal image (no template action in it) that the default values do not render but a
   * branch they switch does (`{{- if .Values.tests.enabled }}`): what a user who turns the part on pulls.
   */
  switchedOff?: true;
}

export interface ChartRender {
  chart: LoadedChart;
  /** Sites by template path. */
  sites: Map<string, RenderedSite[]>;
  /** Templates a bound stopped (or the spent chart budget left unevaluated), by path, with why: their images went unread. */
  notRendered: Map<string, string>;
}

/** Steps allowed per rendered template file. */
const STEPS_PER_FILE = 400_000;
/**
 * Steps allowed per chart, over every render of it (its templates in both passes, its files rendered
 * as `tpl` renders them, the actions helm-compose.ts evaluates): without it, each of a chart's 1,000
 * templates could take its own 400,000. The real charts tried take at most 51,772 (bitnami/dremio,
 * 30 templates; one template at most 12,043), so a real chart stays far below.
 */
const STEPS_PER_CHART = 1_000_000;
/** Distinct renderings kept per line. */
const MAX_RENDERS_PER_SITE = 50;

const renderCache = new WeakMap<LoadedChart, ChartRender>();
const chartBudgets = new WeakMap<LoadedChart, { steps: number }>();

/** Why a template was not evaluated, or stopped, when the chart's budget ran out. */
const CHART_BUDGET_SPENT = `the chart's templates need more than ${STEPS_PER_CHART.toLocaleString('en-US')} evaluation steps in all`;

/** The steps the chart has left (STEPS_PER_CHART at first). */
function chartBudget(chart: LoadedChart): { steps: number } {
  let budget = chartBudgets.get(chart);
  if (!budget) chartBudgets.set(chart, (budget = { steps: STEPS_PER_CHART }));
  return budget;
}

/** Steps the chart's renders have spent so far, for tests and measurement. */
export function chartStepsSpent(chart: LoadedChart): number {
  return STEPS_PER_CHART - chartBudget(chart).steps;
}

/**
 * Runs one render of the chart with a budget of at most `most` steps, no more than the chart has left,
 * and charges the chart what it spent (also when a bound stops it). Undefined when the chart has no
 * step left; `chartBound` says the chart's budget, not `most`, bounded the render.
 */
export function withChartSteps<T>(chart: LoadedChart, most: number, render: (budget: { steps: number }) => T): { result: T; chartBound: boolean } | undefined {
  const left = chartBudget(chart);
  if (left.steps <= 0) return undefined;
  const granted = Math.min(most, left.steps);
  const budget = { steps: granted };
  try {
    return { result: render(budget), chartBound: granted < most };
  } finally {
    left.steps -= granted - Math.max(0, budget.steps);
  }
}

/** The chart rendered once; later calls for the same loaded chart return the same result. */
export function renderChart(chart: LoadedChart): ChartRender {
  let cached = renderCache.get(chart);
  if (!cached) {
    cached = renderUncached(chart);
    renderCache.set(chart, cached);
  }
  return cached;
}

function renderUncached(chart: LoadedChart): ChartRender {
  const siteList: RenderedSite[] = [];
  for (const file of [...chart.files, ...chart.dependencyHelpers]) for (const site of file.sites) siteList.push({ file, site, renders: [] });
  const notRendered = renderTemplates(chart, filesReaching(chart, chart.files, chart.dependencyHelpers), (file, root) => renderFile(chart, file, siteList, root));
  const failures = [...notRendered.values()];
  // Literal lines of the chart's own templates that did not render, when the whole chart did.
  const own = new Set(chart.files);
  const literals = failures.length === 0 ? siteList.filter((rendered) => own.has(rendered.file) && isUnrenderedLiteral(chart, rendered)) : [];
  if (literals.length > 0) {
    const seeds = [...new Set(literals.map((rendered) => rendered.file))];
    const reached = new Set<number>();
    const data = copyValues(chart).data;
    // A template this pass could not finish may hold a switched-off literal it did not reach.
    for (const [path, failure] of renderTemplates(chart, filesReaching(chart, seeds, []), (file, root) => renderFile(chart, file, reached, root), data)) notRendered.set(path, failure);
    markSwitchedOff(literals, reached);
  }
  const sites = new Map<string, RenderedSite[]>();
  for (const rendered of siteList) {
    explainUnrendered(chart, rendered, failures);
    const list = sites.get(rendered.file.path) ?? [];
    list.push(rendered);
    sites.set(rendered.file.path, list);
  }
  return { chart, sites, notRendered };
}

/**
 * Renders the chart's templates among `reaching` (and those that change the root context) in Helm's
 * order with one root context, as Helm does; returns why any stopped early, by path.
 */
function renderTemplates(chart: LoadedChart, reaching: Set<ChartTemplateFile>, render: (file: ChartTemplateFile, root?: Record<string, unknown>) => string | undefined, data = chart.values?.data): Map<string, string> {
  const failures = new Map<string, string>();
  // Helm renders every template of a chart with one root context, so a template that replaces
  // `.Values` (`set $ "Values" ...`, Istio's zzz_profile.yaml) changes what the later ones read.
  const root = chart.files.length > 0 ? rootContext(chart, chart.files[0], data) : undefined;
  for (const file of [...chart.files].sort(helmRenderOrder)) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (name.startsWith('_') || /^NOTES\.txt$/i.test(name) || !(reaching.has(file) || CHANGES_ROOT.test(file.text))) continue;
    const failure = render(file, root);
    if (failure) failures.set(file.path, failure);
  }
  return failures;
}

/**
 * A line that did not render with the default values, written as a literal image (no template
 * action; for a flag or variable, one reference by its shape) in a template that parses.
 */
function isUnrenderedLiteral(chart: LoadedChart, rendered: RenderedSite): boolean {
  const { site } = rendered;
  if (rendered.renders.length > 0 || site.inAction || site.raw === '' || site.raw.includes('{{')) return false;
  if (site.handed !== undefined && !isOneReference(site.raw)) return false;
  return !('error' in parseCached(rendered.file)) && !chart.parseErrors.has(rendered.file.path);
}

/** Marks the unrendered literal lines whose sites (by chart-wide number) were `reached` where the values switch branches on. */
function markSwitchedOff(literals: RenderedSite[], reached: Set<number>): void {
  for (const rendered of literals) if (reached.has(rendered.file.siteBase + rendered.file.sites.indexOf(rendered.site))) rendered.switchedOff = true;
}

/** A template that replaces or edits the root context's `.Values` for the templates rendered after it. */
const CHANGES_ROOT = /\b(?:set|unset)\s+\$(?:\s+"Values"|\.Values\b)/;

/**
 * The order Helm renders a chart's templates in (engine.go `sortTemplates`): more path segments
 * first, then by name in reverse, so `templates/zzz_profile.yaml` renders before `templates/deployment.yaml`.
 */
function helmRenderOrder(a: ChartTemplateFile, b: ChartTemplateFile): number {
  const depth = (file: ChartTemplateFile): number => file.helmName.split('/').length;
  return depth(b) - depth(a) || (a.helmName < b.helmName ? 1 : a.helmName > b.helmName ? -1 : 0);
}

/**
 * The files whose rendering can write an image line of `seeds` or `helpers`: those holding one, and those naming a named
 * template that can (itself holding one, or naming one that does, to a fixpoint; a file that names
 * templates through an expression counts when any can). Rendering only these is what keeps a chart
 * with hundreds of templates cheap; the rest render no image.
 */
function filesReaching(chart: LoadedChart, seeds: ChartTemplateFile[], helpers: ChartTemplateFile[]): Set<ChartTemplateFile> {
  const reaching = new Set(seeds.filter((file) => file.sites.length > 0));
  const names = new Set<string>();
  const addDefines = (file: ChartTemplateFile): void => {
    const parsed = parseCached(file);
    if (!('error' in parsed)) for (const name of parsed.defines.keys()) names.add(name);
  };
  reaching.forEach(addDefines);
  helpers.forEach(addDefines);
  for (let changed = names.size > 0; changed; ) {
    changed = false;
    for (const file of chart.files) {
      if (reaching.has(file)) continue;
      const dynamic = /\b(?:include|template)\s+[($.]|\btpl\s/.test(file.text);
      if (dynamic || [...names].some((name) => file.text.includes(JSON.stringify(name)))) {
        reaching.add(file);
        addDefines(file);
        changed = true;
      }
    }
  }
  return reaching;
}

/**
 * A YAML file of the chart outside `templates/` that holds template actions (a `conf/` or `crds/`
 * file the chart renders with `.Files.Get | tpl`), rendered as `tpl` renders it with the chart root.
 */
export function renderChartFile(chart: LoadedChart, path: string, text: string): { sites: RenderedSite[]; notRendered?: string } {
  const relative = path.slice(chart.root === '' ? 0 : chart.root.length + 1);
  const file: ChartTemplateFile = { path, helmName: `${chart.metadata.name ?? 'chart'}/${relative}`, text, sites: findImageSites(text), siteBase: 0 };
  // A NUL would be taken for a marker: the file is not read, and says so (its images went unread without a word).
  if (text.includes('\u0000') || text.includes('\u0001')) return { sites: [], notRendered: 'the file holds a NUL or SOH character, which the renderer uses as a marker: it was not read' };
  const siteList: RenderedSite[] = file.sites.map((site) => ({ file, site, renders: [] }));
  const parsed = parseCached(file);
  if ('error' in parsed && parsed.bound) return { sites: [], notRendered: parsed.error };
  const failure = renderFile(chart, file, siteList);
  const literals = failure === undefined ? siteList.filter((rendered) => isUnrenderedLiteral(chart, rendered)) : [];
  let notRendered = failure;
  if (literals.length > 0) {
    const reached = new Set<number>();
    notRendered = renderFile(chart, file, reached, rootContext(chart, file, copyValues(chart).data));
    markSwitchedOff(literals, reached);
  }
  for (const rendered of siteList) explainUnrendered(chart, rendered, failure ? [failure] : [], parseCached(file));
  return notRendered === undefined ? { sites: siteList } : { sites: siteList, notRendered };
}

/** Lines that cannot render for a reason of this reader (not Helm's choice) are unresolved with it. */
function explainUnrendered(chart: LoadedChart, rendered: RenderedSite, failures: string[], parsed = parseCached(rendered.file)): void {
  if (rendered.renders.length > 0) return;
  const parseError = 'error' in parsed ? parsed.error : chart.parseErrors.get(rendered.file.path);
  let reason: string | undefined;
  if (parseError !== undefined) reason = `the template does not parse (${parseError}), so Helm cannot render it`;
  else if (rendered.site.inAction) reason = 'the image is written inside a template action';
  else if (failures.length > 0) reason = `the chart was not rendered in full: ${failures[0]}`;
  if (reason !== undefined) rendered.renders.push({ value: { unresolved: reason }, uncertain: false });
}

/**
 * Renders one template file and records its sites' outputs; returns why it stopped early, or was not
 * evaluated, if so. Given a set (`reached`) instead of the sites, it follows the branches the values
 * switch (RenderEnv `followSwitches`) and adds the number of each site it reaches.
 */
function renderFile(chart: LoadedChart, file: ChartTemplateFile, siteList: RenderedSite[] | Set<number>, root?: Record<string, unknown>): string | undefined {
  const parsed = parseCached(file);
  if ('error' in parsed) return undefined;
  const rendered = withChartSteps(chart, STEPS_PER_FILE, (budget) => renderParsed(chart, file, parsed.root, siteList, budget, root));
  if (rendered === undefined) return `${CHART_BUDGET_SPENT}: this one was not evaluated`;
  const { result: failure, chartBound } = rendered;
  if (failure !== OUT_OF_STEPS) return failure;
  return chartBound ? CHART_BUDGET_SPENT : `the template needs more than ${STEPS_PER_FILE.toLocaleString('en-US')} evaluation steps`;
}

/** What renderParsed returns when its step budget ran out (renderFile says whose). */
const OUT_OF_STEPS = 'out of steps';

function renderParsed(chart: LoadedChart, file: ChartTemplateFile, nodes: TemplateNode[], siteList: RenderedSite[] | Set<number>, budget: { steps: number }, root?: Record<string, unknown>): string | undefined {
  const env: RenderEnv = {
    templates: chart.templates,
    functions: TEMPLATE_FUNCTIONS,
    parseText: parseForTpl,
    budget,
    unknowns: [],
    reads: [],
    siteHits: [],
    missing: [],
    missingAtSite: new Map(),
    incomplete: chart.incomplete,
    ...(siteList instanceof Set ? { followSwitches: true } : {}),
  };
  let failure: string | undefined;
  try {
    if (root) root.Template = templateOf(file);
    execute(nodes, root ?? rootContext(chart, file), env);
  } catch (error) {
    if (!(error instanceof LimitError)) throw error;
    failure = budget.steps < 0 ? OUT_OF_STEPS : error.message;
  }
  // Lines rendered before a bound was reached are known all the same.
  if (siteList instanceof Set) for (const hit of env.siteHits) siteList.add(hit.site);
  else collectSites(env, chart, siteList);
  return failure;
}

export function parseForTpl(text: string): ReturnType<RenderEnv['parseText']> {
  try {
    const parsed = parseTemplate(text);
    return { nodes: parsed.root, defines: parsed.defines };
  } catch (error) {
    if (error instanceof TemplateDepthError) return { error: error.message, bound: true };
    if (error instanceof TemplateSyntaxError) return { error: error.message };
    throw error;
  }
}

/**
 * `.Values`, `.Chart`, `.Release` (as `helm template` sets it), `.Capabilities`, `.Template`, `.Files`;
 * `data` in place of the chart's values (a copy that a template's `merge` may change).
 */
export function rootContext(chart: LoadedChart, file: ChartTemplateFile, data = chart.values?.data): Record<string, unknown> {
  const metadata = chart.metadata;
  const files = new Unknown('.Files reads chart files, which is not evaluated here');
  const values = chart.values === undefined ? {} : (data ?? new Unknown(`${chart.values.file} does not parse, or expands too far through aliases`));
  return {
    Values: values,
    Chart: new GoStruct('chart.Metadata', {
      Name: metadata.name ?? '',
      Version: metadata.version ?? '',
      AppVersion: metadata.appVersion ?? '',
      Description: metadata.description ?? '',
      Type: metadata.type ?? '',
      APIVersion: 'v2',
      Annotations: { ...(metadata.annotations ?? {}) },
      Keywords: [],
      Home: '',
      Icon: '',
      Deprecated: false,
    }),
    Release: new GoStruct('release', { Name: 'release-name', Namespace: 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 }),
    Capabilities: TEMPLATE_CAPABILITIES,
    Template: templateOf(file),
    Files: new GoStruct('files', { Get: () => files, GetBytes: () => files, Glob: () => files, Lines: () => files, AsConfig: () => files, AsSecrets: () => files }),
    Subcharts: {},
  };
}

/** Nesting of values maps copied. */
const MAX_COPY_DEPTH = 200;

/**
 * A copy of the chart's default values, for a render that must leave them as they are (`merge`
 * changes its first map, as in Helm); maps missing a dependency's defaults stay marked in the copy.
 */
export function copyValues(chart: LoadedChart): { data: Record<string, unknown> | undefined; incomplete: WeakMap<object, string> } {
  const incomplete = new WeakMap<object, string>();
  const clone = (value: unknown, depth: number): unknown => {
    if (depth > MAX_COPY_DEPTH) return undefined;
    if (Array.isArray(value)) return value.map((item) => clone(item, depth + 1));
    if (!isMapValue(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = clone(item, depth + 1);
    const reason = chart.incomplete.get(value);
    if (reason !== undefined) incomplete.set(out, reason);
    return out;
  };
  const data = chart.values?.data;
  return { data: data === undefined ? undefined : (clone(data, 0) as Record<string, unknown>), incomplete };
}

/** `.Template` while `file` renders. */
function templateOf(file: ChartTemplateFile): GoStruct {
  return new GoStruct('Template', { Name: file.helmName, BasePath: file.helmName.slice(0, file.helmName.indexOf('/templates/') + '/templates'.length) });
}

/**
 * What `helm template` sets `.Capabilities` to without `--kube-version`/`--api-versions`: Helm's
 * chartutil.DefaultCapabilities. Its Kubernetes version is the one of the client-go libraries a
 * Helm release is built with (set at build time; Helm 3.19 is built with 1.34, and chartutil's own
 * fallback is v1.20.0); its API versions are every group version of the built-in scheme (client-go's
 * and apiextensions'), never a `group/version/Kind` and never a custom resource's group.
 */
const KUBE_VERSION = { major: '1', minor: '34' };
const BUILT_IN_API_VERSIONS: ReadonlySet<string> = new Set([
  'v1',
  ...['admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1alpha1', 'admissionregistration.k8s.io/v1beta1', 'internal.apiserver.k8s.io/v1alpha1'],
  ...['apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'authentication.k8s.io/v1', 'authentication.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1'],
  ...['authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1', 'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2'],
  ...['batch/v1', 'batch/v1beta1', 'certificates.k8s.io/v1', 'certificates.k8s.io/v1alpha1', 'certificates.k8s.io/v1beta1'],
  ...['coordination.k8s.io/v1', 'coordination.k8s.io/v1alpha2', 'coordination.k8s.io/v1beta1', 'discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'],
  ...['events.k8s.io/v1', 'events.k8s.io/v1beta1', 'extensions/v1beta1', 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta1'],
  ...['flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3', 'networking.k8s.io/v1', 'networking.k8s.io/v1alpha1', 'networking.k8s.io/v1beta1'],
  ...['node.k8s.io/v1', 'node.k8s.io/v1alpha1', 'node.k8s.io/v1beta1', 'policy/v1', 'policy/v1beta1', 'rbac.authorization.k8s.io/v1'],
  ...['rbac.authorization.k8s.io/v1alpha1', 'rbac.authorization.k8s.io/v1beta1', 'resource.k8s.io/v1', 'resource.k8s.io/v1alpha3', 'resource.k8s.io/v1beta1', 'resource.k8s.io/v1beta2'],
  ...['scheduling.k8s.io/v1', 'scheduling.k8s.io/v1alpha1', 'scheduling.k8s.io/v1beta1', 'storage.k8s.io/v1', 'storage.k8s.io/v1alpha1', 'storage.k8s.io/v1beta1'],
  ...['storagemigration.k8s.io/v1alpha1', 'apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'],
]);
const TEMPLATE_CAPABILITIES = new GoStruct('chartutil.Capabilities', {
  KubeVersion: new GoStruct('chartutil.KubeVersion', {
    Version: `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.0`,
    Major: KUBE_VERSION.major,
    Minor: KUBE_VERSION.minor,
    // Deprecated methods charts still call.
    GitVersion: () => `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.0`,
    String: () => `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.0`,
  }),
  APIVersions: new GoStruct('chartutil.VersionSet', {
    Has: (args: unknown[]) => (args[0] instanceof Unknown ? args[0] : typeof args[0] === 'string' && BUILT_IN_API_VERSIONS.has(args[0])),
  }),
  HelmVersion: new GoStruct('version.BuildInfo', { Version: 'v3.19.0', GitCommit: '', GitTreeState: 'clean', GoVersion: '' }),
});

/** A stamped site marker, as the executor writes it. */
export const MARKER = new RegExp(String.raw`\u0000[SEse]\d+\.\d+\u0000`, 'g');

/** Records each site rendering the executor saw, with its value and where in the values it came from. */
function collectSites(env: RenderEnv, chart: LoadedChart, siteList: RenderedSite[]): void {
  for (const hit of env.siteHits) {
    const rendered = siteList[hit.site];
    if (!rendered) continue;
    const value = unsetValue(siteValue(hit.text.replace(MARKER, ''), rendered.site, env), hit);
    // A flag or variable named as an image hands over an image only when its value is one reference by its shape.
    if (rendered.site.handed !== undefined && typeof value === 'string' && !isOneReference(value)) continue;
    const origin = typeof value === 'string' ? traceOrigin(value, env, chart, hit, rendered.site.raw.includes('$')) : undefined;
    addRender(rendered, { value, uncertain: hit.uncertain, ...(origin ? { origin } : {}) });
  }
}

function addRender(rendered: RenderedSite, render: SiteRender): void {
  const key = JSON.stringify([render.value, render.origin?.offset]);
  if (rendered.renders.some((existing) => JSON.stringify([existing.value, existing.origin?.offset]) === key)) return;
  if (rendered.renders.length < MAX_RENDERS_PER_SITE) rendered.renders.push(render);
}

/** The text a site rendered, as YAML reads it, or why it is not known. */
function siteValue(text: string, site: ImageSite, env: RenderEnv): string | { unresolved: string } {
  const unknown = text.indexOf('\u0001');
  if (unknown >= 0) {
    const index = Number(text.slice(unknown + 1, text.indexOf('\u0001', unknown + 1)));
    return { unresolved: env.unknowns[index] ?? 'a value is not known offline' };
  }
  const trimmed = text.trim();
  if (/[\r\n]/.test(trimmed)) return { unresolved: 'the image line renders more than one line' };
  return site.quoted ? trimmed : unquoteYamlScalar(trimmed);
}

/**
 * A render that is not an image because a value it prints has no default (`{{ .Values.image.repository }}:`
 * with no `image.repository` in values.yaml): the chart expects it at install, so the line is
 * unresolved rather than invalid. A render that is an image anyway is kept.
 */
function unsetValue(value: string | { unresolved: string }, hit: SiteHit): string | { unresolved: string } {
  if (typeof value !== 'string' || !hit.missing || normalizeForOccurrence(value).ok) return value;
  const names = [...new Set(hit.missing)].slice(0, 3).map((path) => `.${path}`);
  return { unresolved: `${names.join(', ')} ${names.length > 1 ? 'have' : 'has'} no default in the chart's values, so Helm renders ${JSON.stringify(value)}: it is meant to be set at install` };
}

/** A rendered value that is itself a quoted YAML scalar (`{{ x | quote }}`) is read as the string inside. */
function unquoteYamlScalar(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

/** Keys whose value names the image itself rather than a part beside it (registry, tag). */
const NAME_KEYS = new Set(['repository', 'image', 'repo']);

/** A key that holds an image's name: `repository`, `image`, `repo`, or one ending in image (`kubectlImage`, `inline_image`). */
function namesImage(key: string): boolean {
  return NAME_KEYS.has(key) || key.toLowerCase().endsWith('image');
}

/** Reads before a line that its origin is looked for in (a variable set from a value shortly before). */
const MAX_EARLIER_READS = 1_024;

/**
 * The values-file scalar an image comes from (the line a person edits to change it): among the
 * values read while the line rendered (else the ones read before it, into variables), the one equal
 * to the whole image, else the image's name (`repository`, `image`, ...) found in it, else a value
 * under an image key that `tpl` rendered into it. A line built only from other parts (a registry,
 * Chart.yaml, the release) has no such scalar and is reported at the template line.
 */
function traceOrigin(value: string, env: RenderEnv, chart: LoadedChart, hit: SiteHit, usesVariables: boolean): ScalarLocation | undefined {
  const locations = chart.values?.locations;
  if (!locations || value === '') return undefined;
  const during = () => env.reads.slice(hit.readsAtStart, hit.readsAtEnd);
  // Values read earlier matter only to a line that prints variables set from them; only the last
  // reads are searched, and only when needed: all of them, for every line a range renders, was
  // quadratic in its iterations (80 x 80 renderings of one line took a minute).
  const before = () => (usesVariables ? env.reads.slice(Math.max(0, hit.readsAtStart - MAX_EARLIER_READS), hit.readsAtStart).reverse() : []);
  for (const readsOf of [during, before]) {
    const reads = readsOf();
    let named: ScalarLocation | undefined;
    let templated: ScalarLocation | undefined;
    let nameKey: ScalarLocation | undefined;
    for (const read of reads) {
      const scalar = (read.container as Record<string, unknown>)[read.key];
      const location = locationOf(locations, read.container, read.key, scalar);
      if (!location || typeof scalar !== 'string' || scalar.trim() === '') continue;
      if (scalar.trim() === value) return location;
      // cert-manager style `image: {name: cert-manager-controller}`: a `name` only when nothing better.
      if (read.key === 'name' && value.includes(scalar.trim())) nameKey ??= location;
      if (!namesImage(read.key)) continue;
      if (value.includes(scalar.trim())) named ??= location;
      else if (scalar.includes('{{')) templated ??= location;
    }
    const chosen = named ?? templated ?? nameKey;
    if (chosen) return chosen;
  }
  return undefined;
}

/** Where a values scalar is written: in its own map, or in the map a `deepCopy` copied while the copy still holds the same value. */
function locationOf(locations: WeakMap<object, Map<string, ScalarLocation>>, container: object, key: string, scalar: unknown): ScalarLocation | undefined {
  const own = locations.get(container)?.get(key);
  if (own) return own;
  const source = copySourceOf(container);
  return source !== undefined && (source as Record<string, unknown>)[key] === scalar ? locations.get(source)?.get(key) : undefined;
}

/**
 * Renders template text with `dot` as `.` and `$`, the named templates of `helpers` (template
 * text) available: what this reader makes of one template, for tests and tools. Unknown parts
 * print as `<unknown: reason>`. Throws TemplateSyntaxError for text Helm would refuse.
 */
export function renderTemplateText(text: string, dot: unknown, helpers = ''): string {
  const templates = new Map<string, NamedTemplateBody>();
  for (const [name, nodes] of parseTemplate(helpers).defines) templates.set(name, { nodes });
  const parsed = parseTemplate(text);
  for (const [name, nodes] of parsed.defines) templates.set(name, { nodes });
  const env: RenderEnv = { templates, functions: TEMPLATE_FUNCTIONS, parseText: parseForTpl, budget: { steps: STEPS_PER_FILE }, unknowns: [], reads: [], siteHits: [] };
  const output = execute(parsed.root, dot, env);
  return output.replace(new RegExp(String.raw`\u0001(\d+)\u0001`, 'g'), (_, index: string) => `<unknown: ${env.unknowns[Number(index)]}>`);
}
