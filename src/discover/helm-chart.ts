/**
 * A Helm chart as the discoverers need it, read once per chart and scan: its root, Chart.yaml, its
 * default values (with where each scalar is written), its template files parsed once, and the named
 * templates of the chart and of its dependency charts (vendored under `charts/`, named by a
 * `file://` repository, or the same-named chart beside it in a chart collection), in the order
 * Helm loads them.
 */
import { findImageSites, markSites, type ImageSite } from './helm-image-sites.js';
import { isEmptyList, parseTemplate, TemplateDepthError, TemplateSyntaxError, type ParsedTemplate } from './helm-template-parse.js';
import type { NamedTemplateBody } from './helm-template-exec.js';
import { keyInParent, overlayParentValues, parentValuesFor, vendoringParent } from './helm-parent-values.js';
import { parseHelmIgnore } from './helm-ignore.js';
import type { Occurrence } from '../model.js';
import { splitReference } from '../reference/index.js';
import { oncePerScan, perScan } from './per-scan.js';
import { maskPlaceholderLines } from './template-mask.js';
import type { DiscoverContext } from './types.js';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq, mapGet, parseYamlDocuments, scalarLocation, scalarString, writtenScalarText, type ParsedYaml, type ScalarLocation } from './yaml.js';

/** Alias expansions allowed when reading values: a "billion laughs" file is unreadable, not huge. */
const MAX_ALIAS_EXPANSIONS = 200;

/** POSIX dirname, '' for a file at the root. */
export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** A chart's values file by its name (`values.yaml`, `values-prod.yml`), wherever it is. */
export function isValuesFileName(path: string): boolean {
  return /^values[^/]*\.ya?ml$/i.test(path.slice(path.lastIndexOf('/') + 1));
}

/** `dir/name`, or `name` at the root. */
export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/**
 * The chart directory of a file under a chart's `templates/` tree (nearest `templates` segment
 * whose parent holds a Chart.yaml), or undefined when the file is not a chart template.
 */
export async function chartRootOfTemplate(path: string, context: DiscoverContext): Promise<string | undefined> {
  const segments = path.split('/');
  for (let index = segments.length - 2; index >= 0; index--) {
    if (segments[index] !== 'templates') continue;
    const root = segments.slice(0, index).join('/');
    if ((await context.readFile(joinPath(root, 'Chart.yaml'))) !== undefined) return root;
  }
  return undefined;
}

/** Whether a path has a `templates` directory segment (a cheap pre-check before reading Chart.yaml). */
export function hasTemplatesSegment(path: string): boolean {
  // A directory segment is followed by a slash: no split of every YAML path of the repository.
  return path.startsWith('templates/') || path.includes('/templates/');
}

/** The nearest directory above `path` (up to `maxUp` levels) that holds a Chart.yaml. */
export async function enclosingChartRoot(path: string, context: DiscoverContext, maxUp = 4): Promise<string | undefined> {
  let dir = parentDir(path);
  for (let level = 0; level < maxUp; level++) {
    if ((await context.readFile(joinPath(dir, 'Chart.yaml'))) !== undefined) return dir;
    if (dir === '') return undefined;
    dir = parentDir(dir);
  }
  return undefined;
}

/** A dependency as Chart.yaml lists it. */
interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
  /** A values path (`postgresql.enabled`); the dependency is left out when it is false. */
  condition?: string;
}

/** The fields of Chart.yaml templates can use (`.Chart.Name`, ...), as written. */
interface ChartMetadata {
  name?: string;
  version?: string;
  appVersion?: string;
  type?: string;
  description?: string;
  dependencies?: ChartDependency[];
  annotations?: Record<string, string>;
}

/** Chart.yaml's fields; numbers keep their written text (`appVersion: 1.10`), as Helm reads them as strings. */
function parseChartMetadata(text: string): ChartMetadata {
  const { documents } = parseYamlDocuments(text);
  const root = documents[0]?.contents;
  const metadata: ChartMetadata = {};
  const dependencies = parseDependencies(root);
  if (dependencies) metadata.dependencies = dependencies;
  for (const key of ['name', 'version', 'appVersion', 'type', 'description'] as const) {
    const node = mapGet(root, key);
    // Plain numbers lose their text when parsed (1.10 -> 1.1); Helm reads these fields as strings.
    const value = writtenScalarText(node, text);
    if (value !== undefined && value !== '') metadata[key] = value;
  }
  const annotations = mapGet(root, 'annotations');
  if (isMap(annotations)) {
    metadata.annotations = {};
    for (const pair of annotations.items) {
      const value = scalarString(pair.value);
      if (isScalar(pair.key) && value !== undefined) metadata.annotations[String(pair.key.value)] = value;
    }
  }
  return metadata;
}

/** The `dependencies` list of Chart.yaml (or of a requirements.yaml), or undefined when the file has none. */
function parseDependencies(root: unknown): ChartDependency[] | undefined {
  const dependencies = mapGet(root, 'dependencies');
  if (isSeq(dependencies)) {
    return dependencies.items.flatMap((item) => {
      const name = scalarString(mapGet(item, 'name'));
      if (!name) return [];
      const dependency: ChartDependency = { name };
      const repository = scalarString(mapGet(item, 'repository'));
      const version = scalarString(mapGet(item, 'version'));
      const alias = scalarString(mapGet(item, 'alias'));
      const condition = scalarString(mapGet(item, 'condition'));
      if (repository) dependency.repository = repository;
      if (version) dependency.version = version;
      if (alias) dependency.alias = alias;
      if (condition) dependency.condition = condition;
      return [dependency];
    });
  }
  return undefined;
}

/**
 * Chart.yaml's fields, with the dependencies of a requirements.yaml beside it: Helm 3's loader
 * still reads that file (Helm 2's, kept by `apiVersion: v1` charts such as DataDog's `datadog`)
 * over the metadata, so its list replaces Chart.yaml's.
 */
async function readChartMetadata(chartRoot: string, context: DiscoverContext): Promise<ChartMetadata | undefined> {
  const text = await context.readFile(joinPath(chartRoot, 'Chart.yaml'));
  if (text === undefined) return undefined;
  const metadata = parseChartMetadata(text);
  const requirements = await context.readFile(joinPath(chartRoot, 'requirements.yaml'));
  const dependencies = requirements === undefined ? undefined : parseDependencies(parseYamlDocuments(requirements).documents[0]?.contents);
  return dependencies ? { ...metadata, dependencies } : metadata;
}

/** Values as plain data, and where each scalar of each map is written in the values file. */
interface ChartValues {
  file: string;
  text: string;
  data: Record<string, unknown> | undefined;
  locations: WeakMap<object, Map<string, ScalarLocation>>;
}

/** How many values files' parses a scan keeps for their next reader (each chart's values are read by its load and by the values discoverer right after). */
const KEPT_VALUES_PARSES = 4;

/** Per scan: the latest values files' parses, most recent last. */
const valuesParses = new WeakMap<DiscoverContext, Map<string, ParsedYaml>>();

/**
 * A values file's parse, shared by the readers that follow one another in a scan: the chart's load,
 * the values discoverer, a parent's or dependant's load. The parse's nodes are only read (the data
 * each reader changes is made from them afresh), so sharing it changes nothing but the time.
 */
export function parseValuesText(text: string, context: DiscoverContext): ParsedYaml {
  const kept = perScan(valuesParses, context);
  let parsed = kept.get(text);
  if (parsed) {
    kept.delete(text);
  } else {
    parsed = parseYamlDocuments(text);
    // A values file a tool fills in first (lines that are only a placeholder): read around them.
    const masked = parsed.errors.length > 0 ? maskPlaceholderLines(text) : undefined;
    const retried = masked === undefined ? undefined : parseYamlDocuments(masked);
    if (retried && retried.errors.length < parsed.errors.length) parsed = retried;
    if (kept.size >= KEPT_VALUES_PARSES) kept.delete(kept.keys().next().value!);
  }
  kept.set(text, parsed);
  return parsed;
}

/** Reads values text into plain data (bounded against alias bombs) and scalar locations. */
function readValues(file: string, text: string, context: DiscoverContext): ChartValues {
  const locations = new WeakMap<object, Map<string, ScalarLocation>>();
  const { documents } = parseValuesText(text, context);
  const document = documents[0];
  const plain = document ? documentData(document) : undefined;
  const data = plain && typeof plain === 'object' && !Array.isArray(plain) ? (plain as Record<string, unknown>) : undefined;
  if (document && data) recordLocations(document.contents, data, text, locations, 0);
  return { file, text, data, locations };
}

/** The document as plain data, aliases expanded within a bound (an alias bomb gives undefined). */
function documentData(document: Document.Parsed): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch {
    return undefined;
  }
}

/** Pairs the YAML nodes with the plain data built from them, recording scalar positions. */
function recordLocations(node: unknown, data: unknown, text: string, locations: WeakMap<object, Map<string, ScalarLocation>>, depth: number): void {
  if (depth > 64 || data === null || typeof data !== 'object') return;
  if (isMap(node) && !Array.isArray(data)) {
    const byKey = new Map<string, ScalarLocation>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const child = (data as Record<string, unknown>)[key];
      if (isScalar(pair.value)) {
        const location = scalarLocation(pair.value, text);
        if (location) byKey.set(key, location);
      } else recordLocations(pair.value, child, text, locations, depth + 1);
    }
    locations.set(data, byKey);
  } else if (isSeq(node) && Array.isArray(data)) {
    const byIndex = new Map<string, ScalarLocation>();
    node.items.forEach((item, index) => {
      if (isScalar(item)) {
        const location = scalarLocation(item, text);
        if (location) byIndex.set(String(index), location);
      } else recordLocations(item, data[index], text, locations, depth + 1);
    });
    locations.set(data, byIndex);
  }
}

/** One file of a chart's templates/ folder, parsed once. */
export interface ChartTemplateFile {
  /** Path in the scanned repository. */
  path: string;
  /** The name Helm gives it (`<chart>/templates/deployment.yaml`, `<chart>/charts/<dep>/templates/...`). */
  helmName: string;
  text: string;
  /** The file's `image:` lines (the chart's own files and its dependencies' helpers), numbered chart-wide from `siteBase`. */
  sites: ImageSite[];
  siteBase: number;
  /** Parses of unmarked template texts this scan has made, by path (set for files read through a scan's context). */
  sharedParses?: Map<string, SharedParse>;
}

/** A parse that failed: `bound` when past a nesting bound of this reader rather than refused by Helm. */
type ParseFailure = { error: string; bound?: true };

/** A template file's parse, for the text it was made from. */
interface SharedParse {
  text: string;
  parsed: ParsedTemplate | ParseFailure;
}

/** Everything read for one chart. */
export interface LoadedChart {
  root: string;
  metadata: ChartMetadata;
  values: ChartValues | undefined;
  /** The chart's own template files (not its dependencies'). */
  files: ChartTemplateFile[];
  /**
   * Its dependencies' helper files (`_*.tpl`) that write image lines, their sites numbered after the
   * chart's own: what they write through `include` renders with this chart's values (Linkerd's
   * `partials` chart writes the proxy container its charts include).
   */
  dependencyHelpers: ChartTemplateFile[];
  /** Named templates of the chart and its dependencies, the later definition in Helm's load order winning. */
  templates: Map<string, NamedTemplateBody>;
  /** Parse errors by template path (of the chart's own files). */
  parseErrors: Map<string, string>;
  /** Dependency charts whose named templates were found, for notes. */
  dependencies: string[];
  /** Values maps missing a dependency's defaults (the chart is not in the repository): what they lack is unknown, not nil. */
  incomplete: WeakMap<object, string>;
  /** Dependencies the default values leave on whose chart is not in the repository: their templates, and images, go unread. */
  unreadDependencies: string[];
  /**
   * Dependencies not in the repository that the default values switch off, described by the key of
   * their section in the values: an image there takes its missing tag from that chart, which this
   * scan does not read (their sections stay as written: Helm does not coalesce a disabled chart's defaults).
   */
  switchedOffDependencies: Map<string, string>;
  /**
   * Dependencies in the repository outside the chart's `charts/` folder (a sibling chart, a `file://`
   * path) that its values leave on, by the key of their section in its values (the alias, else the
   * name): Helm renders them with that section over their defaults, which their own scan does not.
   */
  siblingDependencies: Map<string, string>;
  /** The chart's own template files it did not read, and why (past the file bound, or holding a marker character). */
  unreadFiles: Map<string, string>;
}

/** How many template files of one chart (with its dependencies) are read. */
const MAX_TEMPLATE_FILES = 1_000;
const MAX_DEPENDENCY_DEPTH = 3;

/** Per scan (a context) and chart root: reading a chart once serves all its files. */
const chartCache = new WeakMap<DiscoverContext, Map<string, Promise<LoadedChart | undefined>>>();

/** The chart at `chartRoot`, read and parsed once per scan; undefined when it has no Chart.yaml. */
export function loadChart(chartRoot: string, context: DiscoverContext): Promise<LoadedChart | undefined> {
  return oncePerScan(chartCache, context, chartRoot, () => readChart(chartRoot, context));
}

async function readChart(chartRoot: string, context: DiscoverContext): Promise<LoadedChart | undefined> {
  const metadata = await readChartMetadata(chartRoot, context);
  if (!metadata) return undefined;
  let values = await readChartValues(chartRoot, context);
  const chartName = metadata.name ?? chartRoot.slice(chartRoot.lastIndexOf('/') + 1);
  values = await inheritParentValues(chartRoot, chartName, values, context);
  const unreadFiles = new Map<string, string>();
  const files = await readTemplateFiles(chartRoot, chartName, context, unreadFiles);
  let siteBase = 0;
  for (const file of files) {
    // A NUL in a template would be taken for a marker; such a file is not read for images, and says so.
    if (file.text.includes('\u0000') || file.text.includes('\u0001')) {
      unreadFiles.set(file.path, 'the template holds a NUL or SOH character, which the renderer uses as a marker: it was not read');
      continue;
    }
    file.sites = findImageSites(file.text);
    file.siteBase = siteBase;
    siteBase += file.sites.length;
  }
  const dependencyFiles: ChartTemplateFile[] = [];
  const dependencies: string[] = [];
  const direct = new Map<string, string>();
  await collectDependencies(chartRoot, chartName, metadata, context, dependencyFiles, dependencies, 0, new Set([chartRoot]), direct);
  const incomplete = new WeakMap<object, string>();
  const unreadDependencies = values?.data ? await coalesceDependencyValues(values.data, metadata, direct, context, incomplete) : [];
  const switchedOffDependencies = values?.data ? switchedOffMissing(values.data, metadata, direct) : new Map<string, string>();
  const siblingDependencies = siblingDependenciesOf(chartRoot, metadata, direct, values?.data);
  const dependencyHelpers = markHelperSites(dependencyFiles, siteBase);
  const parseErrors = new Map<string, string>();
  const templates = namedTemplates([...dependencyFiles, ...files], parseErrors);
  for (const file of files) {
    const parsed = parseCached(file);
    if ('error' in parsed && parsed.bound) unreadFiles.set(file.path, unreadTemplate(parsed.error));
  }
  return { root: chartRoot, metadata, values, files, dependencyHelpers, templates, parseErrors, dependencies, incomplete, unreadDependencies, switchedOffDependencies, siblingDependencies, unreadFiles };
}

/** The dependencies not in the repository that `data` switches off, by their section's key (LoadedChart `switchedOffDependencies`). */
function switchedOffMissing(data: Record<string, unknown>, metadata: ChartMetadata, roots: Map<string, string>): Map<string, string> {
  const off = new Map<string, string>();
  for (const dependency of metadata.dependencies ?? []) {
    if (roots.has(dependency.name) || dependency.condition === undefined || conditionValue(data, dependency.condition) !== false) continue;
    off.set(
      dependency.alias ?? dependency.name,
      `the default values of the dependency chart ${dependency.name}, which is not in the repository (${dependency.repository ?? 'no repository'}) and which the default values switch off (${dependency.condition})`,
    );
  }
  return off;
}

/** The direct dependencies found outside the chart's `charts/` folder that `data` leaves on, by their key in it (LoadedChart `siblingDependencies`). */
function siblingDependenciesOf(chartRoot: string, metadata: ChartMetadata, direct: Map<string, string>, data: Record<string, unknown> | undefined): Map<string, string> {
  const siblings = new Map<string, string>();
  for (const dependency of metadata.dependencies ?? []) {
    const root = direct.get(dependency.name);
    if (root === undefined || vendoringParent(root) === chartRoot) continue;
    if (dependency.condition !== undefined && data && conditionValue(data, dependency.condition) === false) continue;
    siblings.set(dependency.alias ?? dependency.name, root);
  }
  return siblings;
}

/** The helper files (`_*.tpl`) among `files` that hold image sites, numbered from `siteBase` on. */
function markHelperSites(files: ChartTemplateFile[], siteBase: number): ChartTemplateFile[] {
  const helpers: ChartTemplateFile[] = [];
  let base = siteBase;
  for (const file of files) {
    if (!file.path.slice(file.path.lastIndexOf('/') + 1).startsWith('_')) continue;
    if (file.text.includes('\u0000') || file.text.includes('\u0001')) continue;
    const sites = findImageSites(file.text);
    if (sites.length === 0) continue;
    file.sites = sites;
    file.siteBase = base;
    base += sites.length;
    helpers.push(file);
  }
  return helpers;
}

/** The chart's default values (values.yaml, else values.yml), or undefined when it has none. */
async function readChartValues(chartRoot: string, context: DiscoverContext): Promise<ChartValues | undefined> {
  for (const name of ['values.yaml', 'values.yml']) {
    const text = await context.readFile(joinPath(chartRoot, name));
    if (text !== undefined) return readValues(joinPath(chartRoot, name), text, context);
  }
  return undefined;
}

/** A subchart vendored under a parent's `charts/` renders with the parent's values on top (helm-parent-values.ts). */
async function inheritParentValues(chartRoot: string, chartName: string, values: ChartValues | undefined, context: DiscoverContext): Promise<ChartValues | undefined> {
  const parentRoot = vendoringParent(chartRoot);
  const parentMetadata = parentRoot === undefined ? undefined : await readChartMetadata(parentRoot, context);
  if (parentRoot === undefined || parentMetadata === undefined) return values;
  const parentData = (await readChartValues(parentRoot, context))?.data;
  const parent = parentValuesFor(parentData, keyInParent(chartName, parentMetadata.dependencies));
  if (!parent.global && !parent.section) return values;
  if (values?.data) {
    overlayParentValues(values.data, parent, values.locations);
    return values;
  }
  const locations = new WeakMap<object, Map<string, ScalarLocation>>();
  return { file: joinPath(chartRoot, 'values.yaml'), text: '', data: overlayParentValues({}, parent, locations), locations };
}

async function readTemplateFiles(chartRoot: string, helmPrefix: string, context: DiscoverContext, unread?: Map<string, string>): Promise<ChartTemplateFile[]> {
  const templatesDir = joinPath(chartRoot, 'templates');
  const listed = context.listFiles ? await context.listFiles(templatesDir) : [joinPath(templatesDir, '_helpers.tpl')];
  // Files the chart's .helmignore leaves out are not part of the chart: Helm never renders them.
  const helmIgnore = parseHelmIgnore(await context.readFile(joinPath(chartRoot, '.helmignore')));
  const paths = listed.filter((path) => !helmIgnore.ignores(path.slice(chartRoot === '' ? 0 : chartRoot.length + 1)));
  const files: ChartTemplateFile[] = [];
  for (const path of paths.slice(MAX_TEMPLATE_FILES)) unread?.set(path, `the chart has more than ${MAX_TEMPLATE_FILES.toLocaleString('en-US')} template files: this one was not read`);
  for (const path of paths.slice(0, MAX_TEMPLATE_FILES)) {
    const text = await context.readFile(path);
    if (text !== undefined) files.push({ path, helmName: `${helmPrefix}/templates/${path.slice(templatesDir.length + 1)}`, text, sites: [], siteBase: 0, sharedParses: sharedParsesOf(context) });
  }
  return files;
}

/**
 * The template files of the chart's dependencies: charts vendored under `charts/` (any chart
 * directory there), `file://` repositories, and otherwise a same-named sibling chart directory
 * (a chart collection such as bitnami/charts keeps `common` beside the charts that use it).
 */
async function collectDependencies(
  chartRoot: string,
  helmPrefix: string,
  metadata: ChartMetadata,
  context: DiscoverContext,
  out: ChartTemplateFile[],
  names: string[],
  depth: number,
  seen: Set<string>,
  direct?: Map<string, string>,
): Promise<void> {
  if (depth >= MAX_DEPENDENCY_DEPTH) return;
  const roots = new Map<string, string>();
  const vendored = context.listFiles ? await context.listFiles(joinPath(chartRoot, 'charts')) : [];
  for (const path of vendored) {
    const relative = path.slice(joinPath(chartRoot, 'charts').length + 1).split('/');
    if (relative.length === 2 && relative[1] === 'Chart.yaml') roots.set(relative[0], joinPath(joinPath(chartRoot, 'charts'), relative[0]));
  }
  for (const dependency of metadata.dependencies ?? []) {
    if ([...roots.keys()].includes(dependency.name)) continue;
    const candidate = dependencyRoot(chartRoot, dependency);
    // A chart named after the chart it wraps (`metaphor/` depending on a remote `metaphor`) is not its own dependency.
    if (candidate === undefined || candidate === chartRoot) continue;
    const candidateMetadata = await readChartMetadata(candidate, context);
    if (candidateMetadata?.name === dependency.name) roots.set(dependency.name, candidate);
  }
  for (const [name, root] of roots) {
    direct?.set(name, root);
    if (seen.has(root) || out.length >= MAX_TEMPLATE_FILES) continue;
    seen.add(root);
    const dependencyMetadata = (await readChartMetadata(root, context)) ?? {};
    const prefix = `${helmPrefix}/charts/${name}`;
    out.push(...(await readTemplateFiles(root, prefix, context)));
    names.push(root);
    await collectDependencies(root, prefix, dependencyMetadata, context, out, names, depth + 1, seen);
  }
}

/**
 * Helm gives a chart its dependencies' default values under their names (`.Values.postgresql.image`
 * is the postgresql chart's own), the chart's values winning, and leaves out a dependency whose
 * `condition` is false. Merged in place, so the chart's own values keep their recorded positions.
 * Returns the dependencies left on that are not in the repository, described for a note.
 */
async function coalesceDependencyValues(
  data: Record<string, unknown>,
  metadata: ChartMetadata,
  roots: Map<string, string>,
  context: DiscoverContext,
  incomplete: WeakMap<object, string>,
): Promise<string[]> {
  const unread: string[] = [];
  const listed = new Map((metadata.dependencies ?? []).map((dependency) => [dependency.name, dependency]));
  for (const dependency of listed.values()) {
    if (roots.has(dependency.name) || (dependency.condition !== undefined && conditionValue(data, dependency.condition) === false)) continue;
    unread.push(`${dependency.name}${dependency.version ? ` ${dependency.version}` : ''} (${dependency.repository ?? 'no repository'})`);
    const key = dependency.alias ?? dependency.name;
    const own = data[key] ?? {};
    if (typeof own !== 'object' || Array.isArray(own)) continue;
    data[key] = own;
    incomplete.set(own, `the default values of the dependency chart ${dependency.name}, which is not in the repository (${dependency.repository ?? 'no repository'})`);
  }
  for (const [name, root] of roots) {
    const dependency = listed.get(name);
    if (dependency?.condition !== undefined && conditionValue(data, dependency.condition) === false) continue;
    const text = (await context.readFile(joinPath(root, 'values.yaml'))) ?? (await context.readFile(joinPath(root, 'values.yml')));
    const defaults = text === undefined ? undefined : readValues(joinPath(root, 'values.yaml'), text, context).data;
    if (!defaults) continue;
    const key = dependency?.alias ?? name;
    const own = data[key];
    if (own !== undefined && own !== null && (typeof own !== 'object' || Array.isArray(own))) continue;
    const target = (own as Record<string, unknown> | null | undefined) ?? {};
    fillMissing(target, defaults, 0);
    data[key] = target;
  }
  return unread;
}

/** A dependency condition's value in the chart's values: true, false, or undefined when not a boolean there. */
function conditionValue(data: Record<string, unknown>, condition: string): boolean | undefined {
  for (const path of condition.split(',')) {
    let current: unknown = data;
    for (const key of path.trim().split('.')) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    if (typeof current === 'boolean') return current;
  }
  return undefined;
}

/** Copies keys of `source` that `target` lacks, into nested maps too (the chart's values win). */
function fillMissing(target: Record<string, unknown>, source: Record<string, unknown>, depth: number): void {
  if (depth > 32) return;
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (!(key in target)) target[key] = value;
    else if (existing && typeof existing === 'object' && !Array.isArray(existing) && value && typeof value === 'object' && !Array.isArray(value)) {
      fillMissing(existing as Record<string, unknown>, value as Record<string, unknown>, depth + 1);
    }
  }
}

/** Where a dependency's chart is in the repository: a `file://` path, or a sibling directory of its name. */
function dependencyRoot(chartRoot: string, dependency: ChartDependency): string | undefined {
  const repository = dependency.repository ?? '';
  const relative = repository.startsWith('file://') ? repository.slice('file://'.length) : `../${dependency.name}`;
  const parts = chartRoot === '' ? [] : chartRoot.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** Parses every file once; named templates in Helm's order (deeper paths first, then reverse path order), later ones win. */
function namedTemplates(files: ChartTemplateFile[], parseErrors: Map<string, string>): Map<string, NamedTemplateBody> {
  const ordered = [...files].sort((a, b) => {
    const depth = b.helmName.split('/').length - a.helmName.split('/').length;
    return depth !== 0 ? depth : a.helmName < b.helmName ? 1 : a.helmName > b.helmName ? -1 : 0;
  });
  const templates = new Map<string, NamedTemplateBody>();
  for (const file of ordered) {
    const parsed = parseCached(file);
    if ('error' in parsed) {
      parseErrors.set(file.path, parsed.error);
      continue;
    }
    templates.set(file.helmName, { nodes: parsed.root });
    for (const [name, nodes] of parsed.defines) {
      // text/template keeps a non-empty definition when an empty one of the same name follows.
      if (isEmptyList(nodes) && templates.has(name)) continue;
      templates.set(name, { nodes });
    }
  }
  return templates;
}

/** Why a template past a nesting bound of this reader was not read. */
function unreadTemplate(bound: string): string {
  return `the template was not read: ${bound}`;
}

const parsedFiles = new WeakMap<ChartTemplateFile, ParsedTemplate | ParseFailure>();

/**
 * Per scan, the parses of template files without site markers: a library chart's helpers (Bitnami's
 * `common`) are read by every chart of a collection that depends on it, and were parsed once per
 * chart. A parse depends on the text alone, and trees are never changed once built.
 */
const sharedParsesByScan = new WeakMap<DiscoverContext, Map<string, SharedParse>>();

function sharedParsesOf(context: DiscoverContext): Map<string, SharedParse> {
  return perScan(sharedParsesByScan, context);
}

/** A template file's parse tree, once (and once per scan for a file without site markers). */
export function parseCached(file: ChartTemplateFile): ParsedTemplate | ParseFailure {
  let parsed = parsedFiles.get(file);
  if (!parsed) {
    const unmarked = file.sites.length === 0;
    const shared = unmarked ? file.sharedParses?.get(file.path) : undefined;
    parsed = shared?.text === file.text ? shared.parsed : parseText(unmarked ? file.text : markSites(file.text, file.sites, file.siteBase));
    if (unmarked && shared?.text !== file.text) file.sharedParses?.set(file.path, { text: file.text, parsed });
    parsedFiles.set(file, parsed);
  }
  return parsed;
}

function parseText(text: string): ParsedTemplate | ParseFailure {
  try {
    return parseTemplate(text);
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    return error instanceof TemplateDepthError ? { error: error.message, bound: true } : { error: error.message };
  }
}

/** The tag chartpress (JupyterHub's chart release tool) writes over when it publishes a chart. */
const CHARTPRESS_TAG = 'set-by-chartpress';

/**
 * Marks an occurrence whose tag a release writes in, so a registry without that tag is expected
 * (`image-not-found` says so as a note): the chart's appVersion when that is `0.0.0` or `v0.0.0`
 * (cert-manager's "set automatically by the release tool"), and chartpress's `set-by-chartpress`
 * (zero-to-jupyterhub, binderhub).
 */
export function markPlaceholderTag(occurrence: Occurrence, chart: LoadedChart): Occurrence {
  if (!occurrence.reference) return occurrence;
  const tag = splitReference(occurrence.reference)?.tag;
  const written = chart.metadata.appVersion?.trim();
  if (tag === CHARTPRESS_TAG) occurrence.placeholderTag = `the tag ${CHARTPRESS_TAG} is a placeholder chartpress replaces when it publishes the chart`;
  else if ((written === '0.0.0' || written === 'v0.0.0') && (tag === '0.0.0' || tag === 'v0.0.0')) occurrence.placeholderTag = `the chart's appVersion ${written} is a placeholder its release replaces`;
  return occurrence;
}
