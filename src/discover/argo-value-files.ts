/**
 * Values files an Argo CD application gives its chart by `helm.valueFiles`, read from the
 * repository: `$values/<path>` names a file of the source whose `ref` is `values` (a GitOps
 * repository holding the values of charts fetched from elsewhere), a plain path one beside the
 * chart the source's `path` names. Each file is read once per scan, as written (the chart is
 * fetched at sync), and reported where it is written. A file the repository does not hold (another
 * repository's, or a URL) is a note on the application: the images it sets were not read.
 */
import { posix } from 'node:path';
import type { Occurrence } from '../model.js';
import { isValuesFileName, joinPath, loadChart, parentDir } from './helm-chart.js';
import { overrideValuesImages, TEMPLATES_CHOOSE_TAG } from './helm-values.js';
import { perScan } from './per-scan.js';
import type { DiscoverContext } from './types.js';

/** A values file an application names, by its path in the repository. */
export interface ArgoValueFile {
  /** The path in the repository, normalized; undefined for a file that is not one of this repository (a URL, a ref no source declares). */
  path?: string;
  /** As written in `helm.valueFiles`. */
  written: string;
  /** The directory of the chart it is given to, when the application's source is a path of a repository. */
  chartRoot?: string;
}

/** Files already read in a scan: several applications may name one values file. */
const readInScan = new WeakMap<DiscoverContext, Map<string, true>>();

const EMPTY_TAG = 'tag is empty; the chart, which is not read here, chooses the default';

/**
 * The repository path of a `helm.valueFiles` entry: `$<ref>/<path>` when `<ref>` is the `ref` of one
 * of the application's sources, else the entry relative to the source's `path`; undefined for a
 * URL, an absolute path, one leaving the repository, or a ref no source declares.
 */
export function valueFilePath(written: string, refs: ReadonlySet<string>, sourcePath: string | undefined): string | undefined {
  let path: string;
  const ref = /^\$([A-Za-z0-9_-]+)\/(.+)$/.exec(written);
  if (ref) {
    if (!refs.has(ref[1] ?? '')) return undefined;
    path = ref[2] ?? '';
  } else {
    if (sourcePath === undefined || written.startsWith('$') || written.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(written)) return undefined;
    const chartRoot = chartRootOf(sourcePath);
    if (chartRoot === undefined) return undefined;
    path = joinPath(chartRoot, written);
  }
  const normalized = posix.normalize(path);
  return normalized === '..' || normalized.startsWith('../') || normalized.startsWith('/') || normalized === '.' ? undefined : normalized;
}

/** The images of the values files not yet read in this scan, each as a Helm occurrence of its file. */
export async function argoValueFilesImages(files: readonly ArgoValueFile[], context: DiscoverContext): Promise<{ occurrences: Occurrence[]; errors: string[]; notes: string[] }> {
  const occurrences: Occurrence[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  const read = perScan(readInScan, context);
  for (const file of files) {
    const unread = `helm.valueFiles ${file.written}`.slice(0, 300);
    const { path } = file;
    if (path === undefined) {
      notes.push(`${unread} is not a file of this repository: the images it sets were not read`);
      continue;
    }
    // Claimed before any await: applications in other files are read concurrently.
    if (read.has(path)) continue;
    read.set(path, true);
    if (await readByValuesDiscoverer(path, context)) continue;
    const text = await context.readFile(path);
    if (text === undefined) {
      notes.push(`${unread} (${path}) is not in this repository: the images it sets were not read`);
      continue;
    }
    // A chart of this repository takes the file over its default values; one fetched at sync is not read.
    const chart = file.chartRoot === undefined ? undefined : await loadChart(file.chartRoot, context);
    const given = `a value an Argo CD application gives its chart (helm.valueFiles ${file.written})`;
    const reading = chart ? { note: `${given}, over the chart's default values`, emptyTag: TEMPLATES_CHOOSE_TAG } : { note: `${given}, read as written`, emptyTag: EMPTY_TAG };
    try {
      const found = overrideValuesImages(chart, path, text, context, reading);
      occurrences.push(...found.occurrences);
      errors.push(...found.errors.map((error) => `${path}: ${error}`));
    } catch (error) {
      errors.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { occurrences, errors, notes };
}

/** The chart directory a source's `path` names, normalized ('' for the repository's root); undefined when it leaves the repository. */
export function chartRootOf(sourcePath: string): string | undefined {
  // normalize collapses repeated slashes, so at most one trails; no regex runs on the written path.
  const normalized = posix.normalize(sourcePath === '' ? '.' : sourcePath);
  if (normalized === '..' || normalized.startsWith('../') || normalized.startsWith('/')) return undefined;
  const trimmed = normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
  return trimmed === '.' ? '' : trimmed;
}

/** A `values*.yaml` beside a Chart.yaml is read by the Helm values discoverer, with its chart. */
async function readByValuesDiscoverer(path: string, context: DiscoverContext): Promise<boolean> {
  if (!isValuesFileName(path)) return false;
  return (await context.readFile(joinPath(parentDir(path), 'Chart.yaml'))) !== undefined;
}
