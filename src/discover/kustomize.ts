/**
 * Kustomize: the `images:` overrides of a kustomization. Each entry is one occurrence (the image the
 * build will use), and its note says which images of the local resources it replaces, found the way
 * kustomize's image transformer finds them (an `image` under any `containers`/`initContainers` list,
 * matched by name with or without tag and digest).
 */
import { posix } from 'node:path';
import type { Occurrence } from '../model.js';
import { imagesInValuesTree, INFLATED_EMPTY_TAG, valueOccurrence, type ValueImage } from './helm-values.js';
import { collectManifestImages } from './kubernetes.js';
import { isKustomizationFile, readKustomization } from './kustomization-file.js';
import { makeOccurrence } from './occurrence.js';
import { oncePerScan } from './per-scan.js';
import { maskTemplate, TEMPLATE_ACTION_MARK } from './template-mask.js';
import { LineIndex } from './position.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { goScalarType, literalBlockText, mapGet, parseYamlDocuments, scalarLocation, scalarString, seqItems, type GoScalarType } from './yaml.js';

/** Bounds on following `resources:`: nesting depth and files read per kustomization. */
const MAX_RESOURCE_DEPTH = 5;
const MAX_RESOURCE_FILES = 200;
/** How many overridden images a note lists before summarizing. */
const MAX_NOTED = 5;

/** One `images:` entry, with its fields as kustomize reads them (strings; numbers keep their written text). */
interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** An image of a local resource, as written and as earlier (nested) kustomizations left it. */
interface ResourceImage {
  file: string;
  line: number;
  written: string;
  current: string;
}

export const kustomizeDiscoverer: Discoverer = {
  kind: 'kustomize',
  matches(path: string): boolean {
    return isKustomizationFile(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const parsed = parseKustomization(file.text);
    const root = parsed.documents[0]?.contents;
    if (root === undefined) {
      if (parsed.errors.length > 0) throw new Error(parsed.errors[0]);
      return { occurrences: [] };
    }
    const errors = [...parsed.errors];
    const lines = new LineIndex(file.text);
    const inflated = [...inlineValuesImages(file, root, lines, errors), ...inlinePatchImages(file, root, lines, errors)];
    const entries = seqItems(mapGet(root, 'images'));
    if (entries.length === 0) return errors.length > 0 ? { occurrences: inflated, errors } : { occurrences: inflated };

    const directory = posix.dirname(file.path) === '.' ? '' : posix.dirname(file.path);
    const reader = new ResourceReader(context, errors, directory);
    const resources = await reader.imagesOf(directory, root, file.text, 0);
    // Fail closed: an image beyond a bound is neither matched nor told, so what the overrides replace is unknown.
    const bounded = reader.boundsHit();
    if (bounded !== undefined) errors.push(bounded);

    const occurrences: Occurrence[] = [...inflated];
    entries.forEach((entry, index) => {
      const read = readOverride(entry, file.text);
      if (!read) return;
      if (read.unreadable) {
        const occurrence = unreadableOccurrence(file, lines, read.unreadable, index);
        if (occurrence) occurrences.push(occurrence);
        return;
      }
      const override = read.override;
      if (!changesImages(override)) return;
      // Positioned at the written field most specific to the resulting image.
      const location = scalarLocation(mapGet(entry, override.newName !== undefined ? 'newName' : 'name'), file.text);
      if (!location || location.raw.length === 0) return;
      const matched = resources.filter((image) => isImageMatched(image.current, override.name));
      // A field holding a masked template action is only known when the file is rendered.
      const templated = [override.name, override.newName, override.newTag, override.digest].some((field) => field?.includes(TEMPLATE_ACTION_MARK));
      const { value, note } = templated ? { value: { unresolved: TEMPLATED }, note: undefined } : describeOverride(override, matched, bounded === undefined ? reader.read : 0);
      occurrences.push(
        makeOccurrence({ file: file.path, kind: 'kustomize', lines, offset: location.offset, raw: location.raw, value, context: `images[${index}]`, note }),
      );
    });
    return errors.length > 0 ? { occurrences, errors } : { occurrences };
  },
};

/**
 * A kustomization, or the template of one some tool fills in (`name: {{ .app_name }}-values` in a
 * boilerplate) read as the YAML around its `{{ }}` actions when only that parses.
 */
function parseKustomization(text: string): ReturnType<typeof parseYamlDocuments> {
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length === 0) return parsed;
  const masked = maskTemplate(text, 'actions');
  const retried = masked === undefined ? undefined : parseYamlDocuments(masked);
  return retried !== undefined && retried.errors.length < parsed.errors.length ? retried : parsed;
}

const TEMPLATED = 'a {{ }} template action is filled in when this file is rendered';

const OVERRIDE_FIELDS = ['newName', 'newTag', 'digest'] as const;

/** A field kustomize cannot read: a number or boolean (as Go reads YAML) where it wants a string. */
interface UnreadableField {
  key: (typeof OVERRIDE_FIELDS)[number];
  node: unknown;
  type: GoScalarType;
}

/** The string a scalar field holds, trimmed; undefined when absent, null or empty. */
function fieldText(node: unknown): string | undefined {
  const value = scalarString(node);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * An `images:` entry as kustomize reads it. kustomize decodes the kustomization with Go's YAML 1.1
 * rules into string fields, so `newTag: 1.10` (the number 1.1), `newTag: 7` or `newTag: yes` make
 * kustomize reject the whole kustomization ("cannot unmarshal number into Go struct field
 * Image.images.newTag of type string"): such a field is returned as `unreadable`.
 */
function readOverride(entry: unknown, text: string): { override: ImageOverride; unreadable?: UnreadableField } | undefined {
  const name = fieldText(mapGet(entry, 'name'));
  if (name === undefined) return undefined;
  const override: ImageOverride = { name };
  let unreadable: UnreadableField | undefined;
  for (const key of OVERRIDE_FIELDS) {
    const node = mapGet(entry, key);
    const type = goScalarType(node, text);
    if (type === 'number' || type === 'boolean') unreadable ??= { key, node, type };
    const value = type === 'null' ? undefined : fieldText(node);
    if (value !== undefined) override[key] = value;
  }
  return unreadable ? { override, unreadable } : { override };
}

/** Whether an entry changes anything: one with only `name` leaves the images as they are. */
function changesImages(override: ImageOverride): boolean {
  return override.newName !== undefined || override.newTag !== undefined || override.digest !== undefined;
}

/** The occurrence for a field kustomize rejects, at that field: the kustomization does not build. */
function unreadableOccurrence(file: SourceFile, lines: LineIndex, field: UnreadableField, index: number): Occurrence | undefined {
  // Only plain scalars are numbers or booleans to Go, so the written text is the node's whole range.
  const range = (field.node as { range?: [number, number, number] }).range;
  if (!range) return undefined;
  const written = file.text.slice(range[0], range[1]).trim();
  if (written.length === 0) return undefined;
  const location = { offset: range[0] };
  const value = Number((field.node as { value: unknown }).value);
  const read = field.type === 'boolean' ? 'a boolean' : Number.isFinite(value) && String(value) !== written ? `the number ${value}` : 'a number';
  return {
    file: file.path,
    ...lines.positionAt(location.offset),
    kind: 'kustomize',
    raw: written,
    reference: null,
    problem: {
      kind: 'invalid',
      message: `${field.key}: ${written} is ${read} in YAML, and kustomize rejects the kustomization (it wants a string here); quote it: ${field.key}: "${written}"`,
    },
    context: `images[${index}].${field.key}`,
  };
}

/** kustomize's `image.IsImageMatched`: the name, optionally followed by a tag and a sha256 digest. */
export function isImageMatched(image: string, name: string): boolean {
  if (!image.startsWith(name)) return false;
  return /^(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$/.test(image.slice(name.length));
}

/** kustomize's `image.Split`: name, tag and digest of an image string (a registry port is not a tag). */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':', slash < 0 ? 0 : slash);
  if (colon < 0) return { name: rest, tag: '', digest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

/** What kustomize writes over a matched image (`imageTagUpdater.SetImageValue`). */
export function applyOverride(image: string, override: ImageOverride): string {
  let { name, tag, digest } = splitImage(image);
  if (override.newName !== undefined) name = override.newName;
  // Setting either a tag or a digest replaces both the tag and the digest that were written.
  if (override.newTag !== undefined || override.digest !== undefined) {
    tag = override.newTag ?? '';
    digest = override.digest ?? '';
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** The image an entry produces, and the note naming what it overrides. */
function describeOverride(
  override: ImageOverride,
  matched: ResourceImage[],
  resourcesRead: number,
): { value: string; note?: string } {
  let value = `${override.newName ?? override.name}${override.newTag ? `:${override.newTag}` : ''}${override.digest ? `@${override.digest}` : ''}`;
  const notes: string[] = [];
  if (matched.length > 0) {
    const listed = matched.slice(0, MAX_NOTED).map((image) => `${image.file}:${image.line} ${image.written}`);
    const more = matched.length > MAX_NOTED ? ` and ${matched.length - MAX_NOTED} more` : '';
    notes.push(`overrides ${listed.join(', ')}${more}`);
    if (override.newTag === undefined && override.digest === undefined) {
      // The entry changes only the name: the tag and digest written in the resources are kept.
      const results = new Set(matched.map((image) => applyOverride(image.current, override)));
      if (results.size === 1) {
        const [only] = results;
        if (only !== value) {
          value = only;
          notes.push('tag/digest kept from the resource');
        }
      } else {
        notes.push('the resources keep different tags, so the result differs per resource');
      }
    }
  } else if (resourcesRead > 0) {
    notes.push(`no image named ${override.name} in the local resources`);
  }
  return notes.length > 0 ? { value, note: notes.join('; ') } : { value };
}

/** A resource file's images as written, and what could not be read in it. */
interface ManifestRead {
  images: ResourceImage[];
  errors: string[];
}

/** A nested kustomization's text and parsed root. */
interface KustomizationRead {
  text: string;
  root: unknown;
}

/**
 * Per scan and path: what a resource file or a nested kustomization holds before any kustomization
 * transforms it. Every overlay of a base reads the same files (400 overlays over a base of 500 pods
 * parsed each pod 400 times); what an overlay, or the base, changes is applied to the images read,
 * never kept here, so one overlay's overrides never reach another's.
 */
const manifestReads = new WeakMap<DiscoverContext, Map<string, Promise<ManifestRead | undefined>>>();
const kustomizationReads = new WeakMap<DiscoverContext, Map<string, Promise<KustomizationRead | undefined>>>();

async function readManifest(context: DiscoverContext, path: string): Promise<ManifestRead | undefined> {
  const text = await context.readFile(path);
  if (text === undefined) return undefined;
  const scan = collectManifestImages(text);
  const lines = new LineIndex(text);
  const images = scan.images
    .filter((image) => /(^|\.)(containers|initContainers)\[\d+\]\.image$/.test(image.context))
    .map((image) => ({ file: path, line: lines.positionAt(image.offset).line, written: image.text, current: image.text }));
  return { images, errors: scan.errors.map((error) => `resource ${path}: ${error}`) };
}

async function readNestedKustomization(context: DiscoverContext, directory: string): Promise<KustomizationRead | undefined> {
  const text = await readKustomization(context, directory);
  return text === undefined ? undefined : { text, root: parseYamlDocuments(text).documents[0]?.contents };
}

/** Reads a kustomization's local resources (files, and directories with their own kustomization), bounded. */
class ResourceReader {
  read = 0;
  private readonly visited = new Set<string>();
  /** Resources left unread by the bound on files, and kustomizations by the bound on depth. */
  private readonly skipped = new Set<string>();
  private readonly tooDeep = new Set<string>();

  constructor(
    private readonly context: DiscoverContext,
    private readonly errors: string[],
    /** The kustomization's own directory: a resource cycling back to it is not read again. */
    ownDirectory: string,
  ) {
    this.visited.add(ownDirectory);
  }

  /** Images of the resources of the kustomization `root` in `dir`, after that kustomization's own overrides when `applyOwn`. */
  async imagesOf(dir: string, root: unknown, text: string, depth: number, applyOwn = false): Promise<ResourceImage[]> {
    const images: ResourceImage[] = [];
    for (const field of ['resources', 'bases', 'components']) {
      for (const item of seqItems(mapGet(root, field))) {
        const entry = scalarString(item);
        if (entry === undefined || isRemote(entry)) continue;
        const path = posix.normalize(dir === '' ? entry : `${dir}/${entry}`).replace(/\/$/, '');
        if (path.startsWith('..') || path === '.') continue;
        for (const image of await this.resource(path, depth)) images.push(image);
      }
    }
    if (!applyOwn) return images;
    // A kustomization with an unreadable entry does not build; its readable entries are still applied here.
    const overrides = seqItems(mapGet(root, 'images'))
      .map((entry) => readOverride(entry, text))
      .filter((read) => read !== undefined && read.unreadable === undefined)
      .map((read) => read!.override);
    return images.map((image) => {
      let current = image.current;
      for (const override of overrides) if (isImageMatched(current, override.name)) current = applyOverride(current, override);
      return { ...image, current };
    });
  }

  /** Why some of the resources went unread (a bound stopped the reader), or undefined when all were read. */
  boundsHit(): string | undefined {
    const reasons: string[] = [];
    if (this.skipped.size > 0) reasons.push(`its resources reach more than ${MAX_RESOURCE_FILES} files and kustomizations; ${this.skipped.size} more were not read`);
    if (this.tooDeep.size > 0) {
      const [first] = this.tooDeep;
      reasons.push(`kustomizations nest more than ${MAX_RESOURCE_DEPTH} deep; ${first}${this.tooDeep.size > 1 ? ` and ${this.tooDeep.size - 1} more` : ''} not read`);
    }
    return reasons.length === 0 ? undefined : `${reasons.join('; ')}: the images its images: entries replace there were not matched`;
  }

  private async resource(path: string, depth: number): Promise<ResourceImage[]> {
    if (this.visited.has(path)) return [];
    if (this.visited.size >= MAX_RESOURCE_FILES) {
      this.skipped.add(path);
      return [];
    }
    this.visited.add(path);
    if (/\.(ya?ml|json)$/i.test(path)) {
      const manifest = await oncePerScan(manifestReads, this.context, path, () => readManifest(this.context, path));
      if (manifest !== undefined) {
        this.read++;
        this.errors.push(...manifest.errors);
        return manifest.images;
      }
    }
    const kustomization = await oncePerScan(kustomizationReads, this.context, path, () => readNestedKustomization(this.context, path));
    if (kustomization === undefined) return [];
    if (depth >= MAX_RESOURCE_DEPTH) {
      this.tooDeep.add(path);
      return [];
    }
    this.read++;
    return kustomization.root === undefined ? [] : this.imagesOf(path, kustomization.root, kustomization.text, depth + 1, true);
  }
}

/**
 * The images of the Helm values a kustomization gives a chart it inflates (`helmCharts[].valuesInline`),
 * read as written by the values-file rules: the chart is fetched when kustomize builds.
 */
function inlineValuesImages(file: SourceFile, root: unknown, lines: LineIndex, errors: string[]): Occurrence[] {
  const occurrences: Occurrence[] = [];
  seqItems(mapGet(root, 'helmCharts')).forEach((entry, index) => {
    const values = mapGet(entry, 'valuesInline');
    if (values === undefined) return;
    const chart = scalarString(mapGet(entry, 'name')) ?? 'it names';
    const reading = { note: `a value for the chart ${chart} that kustomize inflates (helmCharts[${index}].valuesInline), read as written`, emptyTag: INFLATED_EMPTY_TAG };
    const sink = (image: ValueImage): void => void occurrences.push(valueOccurrence(file.path, lines, image));
    const exhausted = imagesInValuesTree(values, file.text, `helmCharts[${index}].valuesInline`, 'valuesInline', sink, reading);
    if (exhausted) errors.push(`helmCharts[${index}].valuesInline has too many nodes; the rest was not searched for images`);
  });
  return occurrences;
}

/**
 * The images inline patches set: a `patch:` of `patches` and of the older `patchesJson6902`, and an
 * item of `patchesStrategicMerge`, written as a literal block. Each is read as a manifest file is
 * (a strategic-merge patch is a partial object; a JSON patch's operations are read by their paths,
 * json-patch.ts), and its images placed in this file. What does not parse is an error, as kustomize
 * cannot apply it either.
 */
function inlinePatchImages(file: SourceFile, root: unknown, lines: LineIndex, errors: string[]): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const read = (node: unknown, context: string): void => {
    const embedded = literalBlockText(node, file.text);
    if (!embedded || !embedded.text.includes('image')) return;
    const scan = collectManifestImages(embedded.text);
    for (const message of scan.errors) errors.push(`${context}: ${message}`);
    for (const image of scan.images) {
      const offset = embedded.fileOffset(image.offset);
      occurrences.push(makeOccurrence({ file: file.path, kind: 'kustomize', lines, offset, raw: image.raw, value: image.value, context: `${context} ${image.context}`, note: image.note }));
    }
  };
  seqItems(mapGet(root, 'patches')).forEach((entry, index) => read(mapGet(entry, 'patch'), `patches[${index}].patch`));
  // kustomize decodes field names as Go's JSON does, ignoring case: its own documentation writes `patchesJSON6902`.
  for (const field of ['patchesJson6902', 'patchesJSON6902']) seqItems(mapGet(root, field)).forEach((entry, index) => read(mapGet(entry, 'patch'), `${field}[${index}].patch`));
  seqItems(mapGet(root, 'patchesStrategicMerge')).forEach((entry, index) => read(entry, `patchesStrategicMerge[${index}]`));
  return occurrences;
}

/** Remote bases (git URLs, HTTP) are not read. */
function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(entry) || entry.includes('?ref=');
}
