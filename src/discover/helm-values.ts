/**
 * Helm values files (`values*.yaml` beside a Chart.yaml). In the chart's default values file, each
 * image the chart's templates render from a value here is reported once, at that value's line (the
 * line a person edits), as Helm renders it, with the template lines as related locations. An image
 * value no template renders (a part switched off) is reported as the template action that builds
 * it composes it (`helm-compose.ts`). Besides those, and in override files, image-shaped values are
 * read as written: image blocks
 * (`repository` with optional `registry`, `tag`/`version`, `digest`, Bitnami style; or `registry` +
 * `image`, ingress-nginx style; or `image` + `tag`; or `name` + `tag` under a key naming an image)
 * nested anywhere, and strings under keys that name an image
 * (`image`, `kubectlImage`, `inline_image`). A `repository` that is a chart or git URL is not an image.
 */
import { posix } from 'node:path';
import type { Document } from 'yaml';
import type { Occurrence, RelatedLocation } from '../model.js';
import { formatReference, parseReference, ReferenceError, withDigest, withTag } from '../reference/index.js';
import { trimTrailing } from '../text.js';
import { isValuesFileName, joinPath, loadChart, markPlaceholderTag, parentDir, parseValuesText, type LoadedChart } from './helm-chart.js';
import { composedImages, type ComposedImage } from './helm-compose.js';
import { renderChart, SWITCHED_OFF_AS_WRITTEN, type RenderedSite, type SiteRender } from './helm-render.js';
import { goFloat } from './helm-template-values.js';
import { MergedValues } from './helm-values-merge.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { readKustomization } from './kustomization-file.js';
import { withSkaffoldBuilds } from './skaffold-builds.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { aliasResolver, isMap, isScalar, isSeq, keyText, mapGet, scalarLocation, seqItems } from './yaml.js';
import { allSpans, enclosed, replaceSpans } from '../spans.js';

const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

/** Keys whose string value is an image (`image`, `kubectlImage`, `initImage`, `inline_image`...). */
export const IMAGE_STRING_KEY = /^(image|[A-Za-z0-9_]*Image|[A-Za-z0-9_]*_image)$/;
/** Keys under which a map is an image block even without a tag beside the repository. */
const IMAGE_BLOCK_KEY = /image/i;

/** Words that are settings in an image-named key rather than image names. */
export const NOT_AN_IMAGE = /^(true|false|yes|no|on|off|always|never|ifnotpresent|none|null|enabled|disabled)$/i;

export const helmValuesDiscoverer: Discoverer = {
  kind: 'helm',
  matches(path: string): boolean {
    return isValuesFileName(path) || CI_VALUES.test(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    // A chart a Skaffold config installs runs the images it builds in their place (skaffold-builds.ts).
    return withSkaffoldBuilds(file.path, await extractValuesFile(file, context), context);
  },
};

async function extractValuesFile(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
  if (!isValuesFileName(file.path)) return chartTestingValues(file, context);
  const chartRoot = parentDir(file.path);
  // A values*.yaml outside a chart is some other tool's file, unless a kustomization beside it
  // inflates a chart with it.
  if ((await context.readFile(joinPath(chartRoot, 'Chart.yaml'))) === undefined) return kustomizeInflatedValues(file, context);
  const chart = await loadChart(chartRoot, context);
  if (chart?.values?.file !== file.path) return asExtraction(overrideValuesImages(chart, file.path, file.text, context, chart ? OVERRIDE_FILE : UNREAD_CHART));
  const parsed = parseValuesText(file.text, context);
  if (parsed.documents.length === 0 && parsed.errors.length > 0) throw new Error(parsed.errors[0]);
  const lines = new LineIndex(file.text);
  const occurrences = renderedImages(chart, file, lines);
  const covered = new Map<number, Occurrence[]>();
  for (const occurrence of occurrences) {
    const offset = lines.offsetAt(occurrence);
    covered.set(offset, [...(covered.get(offset) ?? []), occurrence]);
  }
  const errors = [...parsed.errors];
  // In the default values of a chart whose image lines all rendered, what no template rendered is switched off.
  const unrenderedNote = allLinesResolved(chart) ? SWITCHED_OFF_AS_WRITTEN : undefined;
  // What no template renders with the default values may still be composed by one (a part switched off).
  const compose = (path: string, written: string): ComposedImage[] => composedImages(chart, path, written);
  const missingDependency = missingDependencyOf(chart);
  const sink = (image: ValueImage): void => void occurrences.push(valueOccurrence(file.path, lines, image));
  // The sections a sibling dependency chart renders with are read as that chart reads them (below).
  const dependencySections = new Set(chart.siblingDependencies.keys());
  for (const document of parsed.documents) {
    const walker = new ValuesWalker(file.text, sink, { covered, unrenderedNote, compose, missingDependency, resolveAlias: aliasResolver(document), skipSections: dependencySections });
    walker.walk(document.contents, '', '', 0);
    if (walker.exhausted) errors.push('too many nodes; the rest of the file was not searched for images');
  }
  const dependencySink = (image: ValueImage): void => {
    // A value the chart's own templates render too, to the same image, is reported once.
    const rendered = covered.get(image.offset)?.filter((occurrence) => occurrence.raw === image.raw);
    for (const occurrence of rendered ?? []) occurrence.context = image.context;
    if (!rendered?.some((occurrence) => (occurrence.resolved ?? occurrence.raw) === image.value)) sink(image);
  };
  if (await dependencySectionImages(chart, parsed.documents[0]?.contents, file.text, context, dependencySink)) errors.push('too many nodes; the rest of the file was not searched for images');
  occurrences.sort((a, b) => a.line - b.line || a.column - b.column);
  // A dependency fetched when the chart is packaged runs images no file here names.
  const notes = chart.unreadDependencies.map((dependency) => `dependency chart ${dependency} is not in the repository: images its templates and default values name were not read (values this chart gives it were)`);
  return { occurrences, ...(errors.length > 0 ? { errors } : {}), ...(notes.length > 0 ? { notes } : {}) };
}

/**
 * A values file that a kustomization in the same directory gives a chart it inflates
 * (`helmCharts[].valuesFile` or `additionalValuesFiles`): its images read as written, since the
 * chart is fetched when kustomize builds. Any other values file outside a chart reports nothing.
 */
async function kustomizeInflatedValues(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
  const directory = parentDir(file.path);
  const kustomization = await readKustomization(context, directory);
  const chart = kustomization === undefined ? undefined : inflatingChart(parseValuesText(kustomization, context).documents[0]?.contents, directory, file.path);
  if (chart === undefined) return { occurrences: [] };
  const reading = { note: `a value for the chart ${chart} that kustomize inflates (helmCharts in the kustomization beside it), read as written`, emptyTag: INFLATED_EMPTY_TAG };
  return asExtraction(overrideValuesImages(undefined, file.path, file.text, context, reading));
}

/** The values files chart-testing (`ct install`) installs a chart with, one install each: `ci/*-values.yaml` beside its Chart.yaml. */
const CI_VALUES = /(?:^|\/)ci\/[^/]*-values\.ya?ml$/;

/**
 * A chart's `ci/*-values.yaml`: the values its CI installs it with (nightly builds, databases for
 * the tests), merged over the chart's own. Such a file outside a chart reports nothing.
 */
async function chartTestingValues(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
  const chartRoot = parentDir(parentDir(file.path));
  if ((await context.readFile(joinPath(chartRoot, 'Chart.yaml'))) === undefined) return { occurrences: [] };
  return asExtraction(
    overrideValuesImages(await loadChart(chartRoot, context), file.path, file.text, context, {
      note: "a value chart-testing installs the chart with (ci/*-values.yaml), over the chart's default values",
      emptyTag: TEMPLATES_CHOOSE_TAG,
    }),
  );
}

function asExtraction({ occurrences, errors }: OverrideImages): Extraction {
  return errors.length > 0 ? { occurrences, errors } : { occurrences };
}

/** Why an image block of an override values file with an empty tag is unresolved. */
export const TEMPLATES_CHOOSE_TAG = "tag is empty; the chart's templates choose the default";

/** How the images of a values file beside a chart's own (`values-production.yaml`) are described. */
const OVERRIDE_FILE: ValuesTreeReading = {
  note: "a value this file gives the chart, over the chart's default values",
  emptyTag: TEMPLATES_CHOOSE_TAG,
};

/** How the images of a values file are described when its chart's Chart.yaml cannot be read. */
const UNREAD_CHART: ValuesTreeReading = {
  note: 'read as written (the Chart.yaml beside it could not be read)',
  emptyTag: TEMPLATES_CHOOSE_TAG,
};

/** Why an image block with an empty tag in values for a chart kustomize inflates is unresolved. */
export const INFLATED_EMPTY_TAG = 'tag is empty; the chart, which kustomize fetches when it builds, chooses the default';

/** The name of the chart a kustomization's `helmCharts` entry inflates with the values file at `path`, if one does. */
function inflatingChart(root: unknown, directory: string, path: string): string | undefined {
  const charts = mapGet(root, 'helmCharts');
  if (!isSeq(charts)) return undefined;
  for (const entry of charts.items) {
    const files = [mapGet(entry, 'valuesFile'), ...seqItems(mapGet(entry, 'additionalValuesFiles'))];
    const named = files.some((node) => isScalar(node) && typeof node.value === 'string' && posix.normalize(joinPath(directory, node.value)) === path);
    if (named) {
      const name = mapGet(entry, 'name');
      return isScalar(name) && typeof name.value === 'string' ? name.value : 'it names';
    }
  }
  return undefined;
}

/**
 * The images the chart's templates render from scalars of this (the default) values file: one
 * occurrence per value line and rendered image, with the template lines that render it.
 */
/** Each image the chart's templates render from a line of its default values, with the template site that renders it. */
function* renderedValueImages(chart: LoadedChart): Generator<{ rendered: RenderedSite; render: SiteRender; origin: NonNullable<SiteRender['origin']>; value: string }> {
  for (const sites of renderChart(chart).sites.values()) {
    for (const rendered of sites) {
      for (const render of rendered.renders) {
        if (render.origin && typeof render.value === 'string') yield { rendered, render, origin: render.origin, value: render.value };
      }
    }
  }
}

function renderedImages(chart: LoadedChart, file: SourceFile, lines: LineIndex): Occurrence[] {
  if (chart.values?.file !== file.path) return [];
  const byOrigin = new Map<string, { offset: number; raw: string; value: string; uncertain: boolean; related: RelatedLocation[] }>();
  // Line starts of each template file, found once, when a render in it needs them.
  const templateLines = new Map<string, LineIndex>();
  for (const { rendered, render, origin, value } of renderedValueImages(chart)) {
    const key = `${origin.offset}\u0000${value}`;
    const entry = byOrigin.get(key) ?? { offset: origin.offset, raw: origin.raw, value, uncertain: render.uncertain, related: [] };
    entry.uncertain &&= render.uncertain;
    let lines = templateLines.get(rendered.file.path);
    if (!lines) templateLines.set(rendered.file.path, (lines = new LineIndex(rendered.file.text)));
    entry.related.push({ file: rendered.file.path, ...lines.positionAt(rendered.site.offset), message: rendered.site.handed === undefined ? `the template line that renders this image (${rendered.site.raw})` : `the template line that hands this image to ${rendered.site.handed.to ?? 'the container'} ${rendered.site.handed.how}` });
    byOrigin.set(key, entry);
  }
  return [...byOrigin.values()].map((entry) => {
    const occurrence = makeOccurrence({
      file: file.path,
      kind: 'helm',
      lines,
      offset: entry.offset,
      raw: entry.raw,
      value: entry.value,
      context: 'image',
      note: entry.uncertain ? "rendered by the chart's templates in a branch whose condition is not known offline" : "rendered by the chart's templates with the default values",
    });
    occurrence.related = entry.related.slice(0, 20);
    return markPlaceholderTag(occurrence, chart);
  });
}

/** The section of the chart's values a dependency chart that is not in the repository reads (`postgresql.image`), described. */
function missingDependencyOf(chart: LoadedChart): (path: string) => string | undefined {
  return (path) => {
    const key = path.split(/[.[]/, 1)[0] ?? '';
    const section = chart.values?.data?.[key];
    if (typeof section !== 'object' || section === null) return undefined;
    return chart.incomplete.get(section) ?? chart.switchedOffDependencies.get(key);
  };
}

/** Whether the chart has templates and each of their image lines rendered to a known value. */
function allLinesResolved(chart: LoadedChart): boolean {
  const sites = [...renderChart(chart).sites.values()].flat();
  return chart.files.length > 0 && sites.every((site) => site.renders.every((render) => typeof render.value === 'string'));
}

/** A scalar field of an image block as Helm renders it, with its written text when that differs. */
interface Field {
  rendered: string;
  written: string;
}

/** One scalar an image is made of, and its place in the values ("api.image.tag"). */
interface ImagePart {
  node: unknown;
  context: string;
  /** Which part: `registry`, `repository`, `image`, `name`, `tag`, `version` or `digest`. */
  field: string;
  /** Its text as Helm renders it. */
  rendered?: string;
}

/** An image value found in a values tree, before it becomes an occurrence. */
export interface ValueImage {
  /** 0-based offset of `raw` in the file. */
  offset: number;
  raw: string;
  value: string | { unresolved: string };
  /** Its place in the values, e.g. "controller.image.repository". */
  context: string;
  note?: string;
  related?: RelatedLocation[];
  /** The scalar node the image is written at (values merged from several files: its node says which). */
  at?: unknown;
  /** The scalar nodes the image is made of, each with its place in the values (an image block's registry, name, tag, digest). */
  parts?: ImagePart[];
}

interface ValuesWalkerOptions {
  /** Value lines already reported as the templates render them, by offset: only their context is set here. */
  covered?: Map<number, Occurrence[]>;
  /** Said of every image read as written: why the templates did not render it. */
  unrenderedNote?: string;
  /** How the chart's template actions compose an image from the values entry at a path, if they do. */
  compose?: (path: string, written: string) => ComposedImage[];
  /** The dependency chart a values path belongs to, when that chart is not in the repository. */
  missingDependency?: (path: string) => string | undefined;
  /** Why an image block with an empty tag is unresolved: who chooses its default. */
  emptyTag?: string;
  /** The node an alias names, for a key written as an alias (`*app :`); such keys are skipped without it. */
  resolveAlias?: (node: unknown) => unknown;
  /** Top-level keys whose sections are read elsewhere (a sibling dependency chart's). */
  skipSections?: ReadonlySet<string>;
}

const EMPTY_TAG = "tag is empty; the chart's templates choose the default, and they do not render this image with the default values";

class ValuesWalker {
  private visited = 0;
  exhausted = false;

  constructor(
    /** The text the values are written in (positions are offsets into it), or each scalar's when they come from several. */
    private readonly written: ValuesText,
    private readonly sink: (image: ValueImage) => void,
    private readonly options: ValuesWalkerOptions = {},
  ) {}

  private textOf(node: unknown): string {
    return typeof this.written === 'string' ? this.written : this.written(node);
  }

  /** Aliases are not followed: what they name is searched where it is written. */
  walk(node: unknown, path: string, key: string, depth: number): void {
    if (depth > MAX_DEPTH || this.exhausted) return;
    if (++this.visited > MAX_NODES) {
      this.exhausted = true;
      return;
    }
    if (isMap(node)) {
      if (this.imageBlock(node, path, key)) return;
      for (const pair of node.items) {
        const childKey = keyText(pair.key, this.options.resolveAlias);
        if (childKey === undefined || (path === '' && this.options.skipSections?.has(childKey))) continue;
        const childPath = path === '' ? childKey : `${path}.${childKey}`;
        if (IMAGE_STRING_KEY.test(childKey) && isScalar(pair.value)) this.imageString(pair.value, childPath);
        else this.walk(pair.value, childPath, childKey, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => this.walk(item, `${path}[${index}]`, key, depth + 1));
    }
  }

  /** `image: nginx:1.25` */
  private imageString(node: unknown, path: string): void {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const location = scalarLocation(node, this.textOf(node));
    const written = location?.value.trim() ?? '';
    // Whitespace outside template actions means prose, not an image.
    if (!location || location.raw === '' || written === '' || /\s/.test(replaceSpans(written, allSpans([enclosed(written, '{{', '}}', { sameLine: true })]), () => ''))) return;
    // `pullImage: "true"`, `image: Always`: settings, not images.
    if (NOT_AN_IMAGE.test(written)) return;
    if (this.isCovered(location.offset, path)) return;
    if (this.emitComposed(location.offset, location.raw, path, path, written)) return;
    const value = written.includes('{{') ? { unresolved: 'the value is a template rendered with tpl at install time' } : written;
    this.emit(node, location, value, path);
  }

  /** Whether the templates already report the value at `offset`; names its place in the values if so. */
  private isCovered(offset: number, context: string): boolean {
    const rendered = this.options.covered?.get(offset);
    if (!rendered) return false;
    for (const occurrence of rendered) occurrence.context = context;
    return true;
  }

  /** A map holding an image's parts; true when it was one (its contents are not searched further). */
  private imageBlock(map: unknown, path: string, key: string): boolean {
    const repositoryNode = mapGet(map, 'repository');
    const nameNode = mapGet(map, 'image');
    const registry = this.field(mapGet(map, 'registry'));
    // `{repository, version}` (an older convention) names the tag `version` where the key names an image.
    const tagNode = this.field(mapGet(map, 'tag')) !== undefined ? mapGet(map, 'tag') : IMAGE_BLOCK_KEY.test(key) || registry !== undefined ? mapGet(map, 'version') : undefined;
    const tag = this.field(tagNode);
    const digest = this.field(mapGet(map, 'digest'));
    const hasImageParts = tag !== undefined || digest !== undefined || registry !== undefined || mapGet(map, 'pullPolicy') !== undefined;

    // An empty `repository:` is an override left unset (DataDog's `{name, tag, repository}`): the
    // image is then named by the block's other fields, as its templates fall back to them.
    const repository = this.field(repositoryNode);
    const unsetRepository = repository?.rendered === '' && (mapGet(map, 'name') !== undefined || nameNode !== undefined);
    let nameField: Field | undefined = unsetRepository ? undefined : repository;
    let positioned = repositoryNode;
    let fieldName = 'repository';
    // With a tag beside them, `{registry, image}` is an image under any key (traefik's `azure.images.hub`).
    // So is `{image, tag}` (traefik's `oci_meta.images.hub`, its registry elsewhere).
    if (nameField === undefined && (tag !== undefined || (registry !== undefined && IMAGE_BLOCK_KEY.test(key)))) {
      // ingress-nginx style: `image: {registry, image, tag, digest}`.
      nameField = this.field(nameNode);
      positioned = nameNode;
      fieldName = 'image';
    }
    // `image: {name, tag}` (zero-to-jupyterhub's and BinderHub's charts): a name beside a tag or
    // digest, under a key that names an image.
    if (nameField === undefined && IMAGE_BLOCK_KEY.test(key) && (tag !== undefined || digest !== undefined)) {
      positioned = mapGet(map, 'name');
      nameField = this.field(positioned);
      fieldName = 'name';
    }
    if (nameField === undefined || !looksLikeRepository(nameField.rendered)) return false;
    if (!IMAGE_BLOCK_KEY.test(key) && !hasImageParts) return false;

    const location = scalarLocation(positioned, this.textOf(positioned));
    if (!location || location.raw === '') return false;
    const context = `${path === '' ? '' : `${path}.`}${fieldName}`;
    if (this.isCovered(location.offset, context)) return true;
    // An action that prints the repository alone (App Mesh's `--sidecar-image-repository=`, its tag in
    // another flag; cloudnative-pg's `{{ .Values.sidecarImage.repository }}` between its registry and
    // tag actions) composes only part of a block that gives a tag, digest or registry: the block says more.
    const pinned = (tag !== undefined && tag.rendered !== '') || (digest !== undefined && digest.rendered !== '');
    const registered = registry !== undefined && registry.rendered !== '';
    const name = nameField.rendered;
    const composesMore = (image: string): boolean => (!pinned || hasTagOrDigest(image)) && (!registered || image !== name);
    if (this.emitComposed(location.offset, location.raw, path, context, name, composesMore)) return true;

    const notes: string[] = [];
    let image = registry && registry.rendered !== '' ? `${trimTrailing(registry.rendered, '/')}/${nameField.rendered}` : nameField.rendered;
    let unresolvedTag: string | undefined;
    if (tag && tag.rendered !== '') {
      image += `:${tag.rendered}`;
      if (tag.rendered !== tag.written) notes.push(`tag written as the number ${tag.written}; Helm renders it as ${tag.rendered}`);
    } else if (!digest || digest.rendered === '') {
      // What an empty tag becomes is the templates' choice (appVersion, "v" + appVersion, ...); they
      // did not render this block with the default values, so it is not known.
      const dependency = this.options.missingDependency?.(path);
      unresolvedTag = dependency ? `tag is empty; its default is in ${dependency}` : (this.options.emptyTag ?? EMPTY_TAG);
    }
    if (digest && digest.rendered !== '') image += `@${digest.rendered}`;
    const templated = [registry, nameField, tag, digest].some((part) => part?.rendered.includes('{{'));
    this.emit(
      positioned,
      location,
      templated
        ? { unresolved: 'part of the image is a template rendered with tpl at install time' }
        : unresolvedTag !== undefined
          ? { unresolved: unresolvedTag }
          : image,
      context,
      notes.join('; ') || undefined,
      this.blockParts(path, [['registry', mapGet(map, 'registry')], [fieldName, positioned], [tagNode === mapGet(map, 'tag') ? 'tag' : 'version', tagNode], ['digest', mapGet(map, 'digest')]]),
    );
    return true;
  }

  /** The written fields of an image block at `path`, as parts. */
  private blockParts(path: string, fields: [string, unknown][]): ImagePart[] {
    return fields.filter(([, node]) => node !== undefined).map(([field, node]) => ({ node, field, rendered: this.field(node)?.rendered, context: path === '' ? field : `${path}.${field}` }));
  }

  /** A scalar's text as Helm renders it (numbers as Go prints float64) and as written. */
  private field(node: unknown): Field | undefined {
    if (!isScalar(node)) return undefined;
    const value = node.value;
    if (value === null || value === undefined) return { rendered: '', written: '' };
    if (typeof value === 'string') return { rendered: value.trim(), written: value.trim() };
    if (typeof value === 'number') {
      const written = scalarLocation(node, this.textOf(node))?.raw ?? String(value);
      return { rendered: goFloat(value), written };
    }
    return undefined;
  }

  /**
   * An entry no template renders with the default values, reported as a template action composes
   * it (with its registry, prefix or tag from elsewhere in the values); false when none does.
   */
  private emitComposed(offset: number, raw: string, path: string, context: string, written: string, keep?: (image: string) => boolean): boolean {
    const images = (this.options.compose?.(path, written) ?? []).filter((image) => keep === undefined || keep(image.value));
    for (const image of images) {
      const template = new LineIndex(image.file.text).positionAt(image.offset);
      this.sink({
        offset,
        raw,
        value: image.value,
        context,
        note: "the chart's templates do not render this image with the default values (a part switched off); as the template that builds it composes it from the values",
        related: [{ file: image.file.path, ...template, message: 'the template action that composes this image' }],
      });
    }
    return images.length > 0;
  }

  private emit(at: unknown, location: { offset: number; raw: string }, value: string | { unresolved: string }, context: string, note?: string, parts: ImagePart[] = [{ node: at, context, field: 'image' }]): void {
    const notes = [note, this.options.unrenderedNote].filter((text) => text !== undefined).join('; ') || undefined;
    this.sink({ offset: location.offset, raw: location.raw, value, context, note: notes, at, parts });
  }
}

/** Whether a reference, as written, names a tag or a digest (read by the one reference model). */
function hasTagOrDigest(reference: string): boolean {
  try {
    const parsed = parseReference(reference);
    return parsed.tag !== undefined || parsed.digest !== undefined;
  } catch (error) {
    if (error instanceof ReferenceError) return false;
    throw error;
  }
}

/** The text a values tree is written in, or the text each of its scalars is (values merged from several files). */
export type ValuesText = string | ((node: unknown) => string);

/** How the images of a values tree for a chart that is not read are described. */
export interface ValuesTreeReading {
  /** Said first of every image: whose values these are. */
  note: string;
  /** Why an image block with an empty tag is unresolved: who chooses its default. */
  emptyTag: string;
  /** The node an alias names in the document the values are written in (for keys written as aliases). */
  resolveAlias?: (node: unknown) => unknown;
}

/**
 * The images of a Helm values tree for a chart that is not read (a Flux HelmRelease's
 * `spec.values`, an Argo CD Application's `helm.valuesObject`, values a kustomization inflates a
 * chart with), read as written by the same rules as a values file. `path` prefixes each context;
 * `key` is the key the tree is under. Returns whether the node bound cut the search short.
 */
export function imagesInValuesTree(node: unknown, text: ValuesText, path: string, key: string, sink: (image: ValueImage) => void, reading: ValuesTreeReading): boolean {
  const described = (image: ValueImage): void => sink({ ...image, note: [reading.note, image.note].filter(Boolean).join('; ') });
  const walker = new ValuesWalker(text, described, { emptyTag: reading.emptyTag, resolveAlias: reading.resolveAlias });
  walker.walk(node, path, key, 0);
  return walker.exhausted;
}

/** A value image as a Helm occurrence of `file`. */
export function valueOccurrence(file: string, lines: LineIndex, image: ValueImage): Occurrence {
  const occurrence = makeOccurrence({ file, kind: 'helm', lines, offset: image.offset, raw: image.raw, value: image.value, context: image.context, note: image.note });
  if (image.related) occurrence.related = image.related;
  return occurrence;
}

/** An image repository, not a chart repository URL, a git remote or a local path. */
function looksLikeRepository(text: string): boolean {
  if (text === '' || /\s/.test(text)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(oci|file|alias):/i.test(text) || text.startsWith('@') || text.startsWith('git@')) return false;
  if (/\.git$/.test(text) || text.startsWith('/') || text.startsWith('.')) return false;
  return true;
}

type Origin = 'defaults' | 'override';

/** What an override file gives: its images, and problems reading it. */
export interface OverrideImages {
  occurrences: Occurrence[];
  errors: string[];
}

/**
 * A values file that overrides the defaults of a chart in this repository (`values-production.yaml`
 * beside its Chart.yaml, chart-testing's `ci/*-values.yaml`, an Argo CD application's
 * `helm.valueFiles`). Helm merges it over the chart's `values.yaml` key by key, so a file that sets
 * only `api.image.tag` makes the chart pull the default repository at that tag. Each image of the
 * merged values that takes any part from the file is reported in it, at the part it writes (the
 * name when it writes one, else the tag or digest), with the value Helm would pull; an image wholly
 * from the defaults is the default values file's to report.
 *
 * Read as written when the chart is not known. Throws when no document of the file parses.
 */
export function overrideValuesImages(chart: LoadedChart | undefined, path: string, text: string, context: DiscoverContext, reading: ValuesTreeReading): OverrideImages {
  const parsed = parseValuesText(text, context);
  if (parsed.documents.length === 0 && parsed.errors.length > 0) throw new Error(parsed.errors[0]);
  const lines = new LineIndex(text);
  const occurrences: Occurrence[] = [];
  const errors = [...parsed.errors];
  const defaults = chart?.values;
  const defaultsDocument = defaults && parseValuesText(defaults.text, context).documents[0];
  parsed.documents.forEach((document, index) => {
    let exhausted: boolean;
    // Helm reads only a values file's first document; what the others name is still read, as written.
    if (index === 0 && chart && defaultsDocument) {
      exhausted = mergedOverImages(chart, defaultsDocument, document.contents, text, reading, (image) => void occurrences.push(valueOccurrence(path, lines, image)));
    } else {
      const sink = (image: ValueImage): void => void occurrences.push(valueOccurrence(path, lines, image));
      exhausted = imagesInValuesTree(document.contents, text, '', '', sink, { ...reading, resolveAlias: aliasResolver(document) });
    }
    if (exhausted) errors.push('too many nodes; the rest of the file was not searched for images');
  });
  return { occurrences, errors };
}

/**
 * The images of the chart's default values with `override` (a node written in `text`) merged over
 * them as Helm merges a values file, each that takes a part from the override, placed there
 * (`writtenHere`). Returns whether the node bound cut the search short.
 */
function mergedOverImages(chart: LoadedChart, defaultsDocument: Document.Parsed, override: unknown, text: string, reading: ValuesTreeReading, sink: (image: ValueImage) => void): boolean {
  const merged = new MergedValues<Origin>();
  merged.merge(defaultsDocument.contents, { text: chart.values?.text ?? '', place: 'defaults' });
  merged.merge(override, { text, place: 'override' });
  return imagesInValuesTree(merged.root, merged.textOf, '', '', (image) => {
    const own = writtenHere(image, merged, text, chart);
    if (own) sink(own);
  }, reading);
}

/**
 * A chart's values for its sibling dependencies (DataDog's `operator:` for the `datadog-operator`
 * chart beside it): Helm renders each with its section over its default values, so an image of that
 * chart the section changes (`operator.image.tag: 1.29.0`) is the one installed, reported at the part
 * the section writes, as an override file's. Returns whether the node bound cut the search short.
 */
async function dependencySectionImages(chart: LoadedChart, root: unknown, text: string, context: DiscoverContext, sink: (image: ValueImage) => void): Promise<boolean> {
  let exhausted = false;
  for (const [key, dependencyRoot] of chart.siblingDependencies) {
    const section = mapGet(root, key);
    if (!isMap(section)) continue;
    const dependency = await loadChart(dependencyRoot, context);
    const defaults = dependency?.values && parseValuesText(dependency.values.text, context).documents[0];
    if (!dependency || !defaults) continue;
    const reading = { note: `a value this chart gives its dependency chart ${dependency.metadata.name ?? key} (${dependencyRoot}), over that chart's default values`, emptyTag: TEMPLATES_CHOOSE_TAG };
    exhausted ||= mergedOverImages(dependency, defaults, section, text, reading, (image) => sink({ ...image, context: `${key}.${image.context}` }));
  }
  return exhausted;
}

/**
 * The image placed at the part the override file writes (its name first), or undefined when the
 * file writes none of it. A file that writes only the tag or digest of a block whose name the
 * defaults write gets the image the templates render from the defaults with that tag or digest.
 */
function writtenHere(image: ValueImage, merged: MergedValues<Origin>, text: string, chart: LoadedChart): ValueImage | undefined {
  const parts = image.parts ?? [{ node: image.at, context: image.context, field: 'image' }];
  const own = parts.filter((part) => merged.placeOf(part.node) === 'override');
  if (own.length === 0) return undefined;
  if (own.some((part) => part.node === image.at)) return image;
  const [part] = own;
  const location = part && scalarLocation(part.node, text);
  if (!part || !location || location.raw === '') return undefined;
  const placed = { ...image, offset: location.offset, raw: location.raw, context: part.context };
  const pinning = own.every((written) => ['tag', 'version', 'digest'].includes(written.field) && written.rendered !== '');
  const defaults = pinning ? defaultImages(chart, image, parts) : [];
  const value = defaults.length === 1 && defaults[0] !== undefined ? repinned(defaults[0], own) : undefined;
  return value === undefined ? placed : { ...placed, value };
}

/**
 * The distinct images the chart's templates make of a block of its default values: as they render
 * it, or, for a part switched off, as the template action that builds it composes it.
 */
function defaultImages(chart: LoadedChart, image: ValueImage, parts: readonly ImagePart[]): string[] {
  const rendered = renderedFromValue(chart).get(image.offset);
  if (rendered) return rendered;
  const name = parts.find((part) => part.node === image.at);
  if (!name?.rendered) return [];
  const blockPath = name.context === name.field ? '' : name.context.slice(0, -(name.field.length + 1));
  return [...new Set(composedImages(chart, blockPath, name.rendered).map((composed) => composed.value))];
}

/** Per chart: the distinct images its templates render from each scalar of its default values, by the scalar's offset. */
const renderedByOrigin = new WeakMap<LoadedChart, Map<number, string[]>>();

function renderedFromValue(chart: LoadedChart): Map<number, string[]> {
  let byOffset = renderedByOrigin.get(chart);
  if (byOffset) return byOffset;
  byOffset = new Map();
  for (const { origin, value } of renderedValueImages(chart)) {
    const values = byOffset.get(origin.offset) ?? [];
    if (!values.includes(value)) values.push(value);
    byOffset.set(origin.offset, values);
  }
  renderedByOrigin.set(chart, byOffset);
  return byOffset;
}

/** A rendered image with the tag and digest an override writes; undefined when either does not fit the grammar. */
function repinned(rendered: string, parts: readonly ImagePart[]): string | undefined {
  try {
    let reference = parseReference(rendered);
    for (const part of parts) {
      if (part.rendered === undefined) continue;
      reference = part.field === 'digest' ? withDigest(reference, part.rendered) : withTag(reference, part.rendered);
    }
    return formatReference(reference);
  } catch (error) {
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
}
