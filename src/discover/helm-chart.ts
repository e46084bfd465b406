/**
 * What the Helm discoverers (and the Kubernetes one, to stay out of their way) need to know about a
 * chart: where its root is, its Chart.yaml metadata and its default values.
 */
import { collectDefinitions, type NamedTemplate } from './helm-template-eval.js';
import type { DiscoverContext } from './types.js';
import { mapGet, parseYamlDocuments, scalarLocation, scalarString, toPlain } from './yaml.js';

/** POSIX dirname, '' for a file at the root. */
export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
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
  return path.split('/').slice(0, -1).includes('templates');
}

/** The fields of Chart.yaml templates can use (`.Chart.Name`, ...), as written. */
export interface ChartMetadata {
  name?: string;
  version?: string;
  appVersion?: string;
}

/** Chart.yaml's name, version and appVersion; numbers keep their written text (`appVersion: 1.10`). */
export function parseChartMetadata(text: string): ChartMetadata {
  const { documents } = parseYamlDocuments(text);
  const root = documents[0]?.contents;
  const metadata: ChartMetadata = {};
  for (const key of ['name', 'version', 'appVersion'] as const) {
    const node = mapGet(root, key);
    const written = scalarLocation(node, text);
    // Plain numbers lose their text when parsed (1.10 -> 1.1); Helm reads these fields as strings.
    const value = written && (node as { type?: string }).type === 'PLAIN' ? written.raw : scalarString(node);
    if (value !== undefined && value !== '') metadata[key] = value;
  }
  return metadata;
}

export async function readChartMetadata(chartRoot: string, context: DiscoverContext): Promise<ChartMetadata | undefined> {
  const text = await context.readFile(joinPath(chartRoot, 'Chart.yaml'));
  return text === undefined ? undefined : parseChartMetadata(text);
}

/** The chart's default values (values.yaml) as plain data, bounded against alias bombs; undefined when absent or broken. */
export async function readChartValues(chartRoot: string, context: DiscoverContext): Promise<Record<string, unknown> | undefined> {
  for (const name of ['values.yaml', 'values.yml']) {
    const text = await context.readFile(joinPath(chartRoot, name));
    if (text === undefined) continue;
    const { documents } = parseYamlDocuments(text);
    const document = documents[0];
    if (!document) return undefined;
    const plain = toPlain(document, document.contents);
    return plain && typeof plain === 'object' && !Array.isArray(plain) ? (plain as Record<string, unknown>) : undefined;
  }
  return undefined;
}

/** One file of a chart's templates/ folder. */
export interface ChartTemplateFile {
  path: string;
  text: string;
}

/** What the chart's templates define and say, read once per chart and scan. */
export interface ChartTemplates {
  files: ChartTemplateFile[];
  /** Named templates defined in the chart's own templates (not its subcharts'). */
  namedTemplates: ReadonlyMap<string, NamedTemplate>;
}

/** How many template files of one chart are read for named templates and tag defaults. */
const MAX_TEMPLATE_FILES = 500;

/** Per scan (a context) and chart root: reading a chart's templates once serves all its files. */
const chartTemplatesCache = new WeakMap<DiscoverContext, Map<string, Promise<ChartTemplates>>>();

/**
 * The files under the chart's `templates/` (every file there is a template to Helm) and the named
 * templates they define. Without a directory listing in the context, only `templates/_helpers.tpl`
 * is read. A name defined twice with different bodies is unresolved (which one wins depends on the
 * order Helm loads files in).
 */
export function readChartTemplates(chartRoot: string, context: DiscoverContext): Promise<ChartTemplates> {
  let perChart = chartTemplatesCache.get(context);
  if (!perChart) {
    perChart = new Map();
    chartTemplatesCache.set(context, perChart);
  }
  let cached = perChart.get(chartRoot);
  if (!cached) {
    cached = loadChartTemplates(chartRoot, context);
    perChart.set(chartRoot, cached);
  }
  return cached;
}

async function loadChartTemplates(chartRoot: string, context: DiscoverContext): Promise<ChartTemplates> {
  const templatesDir = joinPath(chartRoot, 'templates');
  const paths = context.listFiles ? await context.listFiles(templatesDir) : [joinPath(templatesDir, '_helpers.tpl')];
  const files: ChartTemplateFile[] = [];
  for (const path of paths.slice(0, MAX_TEMPLATE_FILES)) {
    const text = await context.readFile(path);
    if (text !== undefined) files.push({ path, text });
  }
  const namedTemplates = new Map<string, NamedTemplate>();
  for (const file of files) {
    if (!file.text.includes('define')) continue;
    for (const [name, body] of collectDefinitions(file.text)) {
      const existing = namedTemplates.get(name);
      if (existing === undefined) namedTemplates.set(name, { body });
      else if (!('body' in existing) || existing.body !== body) {
        namedTemplates.set(name, { unresolved: `the named template ${JSON.stringify(name)} is defined more than once in the chart, differently` });
      }
    }
  }
  return { files, namedTemplates };
}
