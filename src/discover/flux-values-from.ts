/**
 * A Flux HelmRelease's `spec.valuesFrom`: the ConfigMaps and Secrets whose keys hold the release's
 * Helm values, found in the repository as Flux sees them once the release's kustomization is
 * applied: a `configMapGenerator`/`secretGenerator` of that kustomization (`files:`), or a
 * ConfigMap/Secret manifest among its resources or in the release's directory. They are merged in
 * order, `spec.values` on top, as Flux merges them, and each image is reported where it is written.
 * A reference the repository does not hold (created in the cluster) is a note, not an error.
 */
import { posix } from 'node:path';
import { Scalar } from 'yaml';
import { joinPath, parentDir } from './helm-chart.js';
import { MergedValues, type ValuesSource } from './helm-values-merge.js';
import { imagesInValuesTree, type ValueImage } from './helm-values.js';
import { readKustomization } from './kustomization-file.js';
import { LineIndex } from './position.js';
import type { DiscoverContext, SourceFile } from './types.js';
import { isMap, literalBlockText, mapGet, parseYamlDocuments, scalarString, seqItems } from './yaml.js';
import { allSpans, enclosed, replaceSpans } from '../spans.js';

/** Bound on the manifests read to find one release's ConfigMaps and Secrets. */
const MAX_MANIFESTS = 50;

/** A HelmRelease whose values come partly from `spec.valuesFrom`, as the manifest reader met it. */
export interface FluxRelease {
  values: unknown;
  valuesFrom: unknown;
  /** Prefix of the object's paths in its file (`items[0].` in a List). */
  prefix: string;
}

/** One `spec.valuesFrom` entry, with Flux's defaults. */
interface ValuesReference {
  kind: string;
  name: string;
  valuesKey: string;
  targetPath?: string;
  optional: boolean;
  /** `spec.valuesFrom[0]`, and the line it starts on. */
  path: string;
  line: number;
}

/** Where a tree of the merged values is written. */
interface Place {
  file: string;
  fileOffset: (offset: number) => number;
  /** Prefix of the context of an image written there (`spec.values.` in the release). */
  context: string;
  note: string;
}

/** Values found for one reference: the node (a map, or the scalar a `targetPath` sets) and where it is written. */
interface Found {
  node: unknown;
  source: ValuesSource<Place>;
}

/** An image of the release's merged values, in the file it is written in. */
export interface ReleaseImage {
  file: string;
  image: ValueImage;
}

const EMPTY_TAG = 'tag is empty; the chart, which is not read here, chooses the default';

/**
 * The images of a release's values merged as Flux merges them (each `valuesFrom` in order, then
 * `spec.values`), and a note for each reference the repository does not hold.
 */
export async function releaseValuesImages(release: FluxRelease, file: SourceFile, context: DiscoverContext): Promise<{ images: ReleaseImage[]; notes: string[]; exhausted: boolean }> {
  const merged = new MergedValues<Place>();
  const notes: string[] = [];
  const finder = new ValuesFinder(parentDir(file.path), context);
  for (const reference of valuesReferences(release, file.text)) {
    if (reference.targetPath !== undefined && !mayBePartOfImage(reference.targetPath)) continue;
    const found = await finder.find(reference);
    if (typeof found === 'string') {
      notes.push(`line ${reference.line}: ${reference.path} (${reference.kind} ${reference.name}, key ${reference.valuesKey}${reference.optional ? ', optional' : ''}) ${found}; images in it were not checked`);
    } else if (reference.targetPath === undefined) {
      merged.merge(found.node, found.source);
    } else if (!merged.set(reference.targetPath, found.node, found.source)) {
      notes.push(`line ${reference.line}: ${reference.path} sets the value at ${reference.targetPath}, a path with list indexes, which is not read`);
    }
  }
  const note = "a value of the HelmRelease's chart (spec.values, merged over spec.valuesFrom), read as written";
  merged.merge(release.values, { text: file.text, place: { file: file.path, fileOffset: (offset) => offset, context: `${release.prefix}spec.values.`, note } });
  const images: ReleaseImage[] = [];
  const exhausted = imagesInValuesTree(merged.root, merged.textOf, '', '', (image) => {
    const place = merged.placeOf(image.at);
    if (place === undefined) return;
    const placed = { ...image, offset: place.fileOffset(image.offset), context: place.context + image.context, note: [place.note, image.note].filter(Boolean).join('; ') };
    images.push({ file: place.file, image: placed });
  }, { note: '', emptyTag: EMPTY_TAG });
  return { images, notes, exhausted };
}

/** A segment of a values path (lowercased) an image or a part of one can be written under (`image`, `global.imageRegistry`, `tag`, Istio's `hub`). */
const IMAGE_PART_SEGMENT = /image|registry|repository|digest|^(?:repo|tag|version|hub|name)$/;

/**
 * Whether the one value a `targetPath` sets can name an image or a part of one. Home-lab releases
 * set credentials and endpoints this way (`loki.structuredConfig.common.storage.s3.access_key_id`
 * from a Secret made in the cluster): no segment of such a path names an image part, so the value
 * is neither looked for nor noted as unread.
 */
function mayBePartOfImage(targetPath: string): boolean {
  return replaceSpans(targetPath, allSpans([enclosed(targetPath, '[', ']')]), () => '').split('.').some((segment) => IMAGE_PART_SEGMENT.test(segment.toLowerCase()));
}

/** The release's `spec.valuesFrom` entries that name a ConfigMap or Secret. */
function valuesReferences(release: FluxRelease, text: string): ValuesReference[] {
  const lines = new LineIndex(text);
  return seqItems(release.valuesFrom).flatMap((entry, index) => {
    const kind = scalarString(mapGet(entry, 'kind'));
    const name = scalarString(mapGet(entry, 'name'));
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || name === undefined) return [];
    const range = isMap(entry) ? entry.range : undefined;
    return [{
      kind,
      name,
      valuesKey: scalarString(mapGet(entry, 'valuesKey')) ?? 'values.yaml',
      targetPath: scalarString(mapGet(entry, 'targetPath')) || undefined,
      optional: scalarString(mapGet(entry, 'optional')) === 'true',
      path: `${release.prefix}spec.valuesFrom[${index}]`,
      line: lines.positionAt(range?.[0] ?? 0).line,
    }];
  });
}

/** Finds the values a reference names in the repository, or says why they are not there. */
class ValuesFinder {
  private kustomization?: Promise<unknown>;

  constructor(
    private readonly directory: string,
    private readonly context: DiscoverContext,
  ) {}

  async find(reference: ValuesReference): Promise<Found | string> {
    const kustomization = await (this.kustomization ??= this.readKustomization());
    const generated = await this.generated(reference, kustomization);
    if (generated !== undefined) return generated;
    for (const path of await this.manifestPaths(kustomization)) {
      const found = await this.inManifest(reference, path);
      if (found !== undefined) return found;
    }
    return 'is not in the repository (Flux reads it from the cluster)';
  }

  private async readKustomization(): Promise<unknown> {
    const text = await readKustomization(this.context, this.directory);
    return text === undefined ? undefined : parseYamlDocuments(text).documents[0]?.contents;
  }

  /** A file of a generator of the kustomization that makes the named ConfigMap or Secret under the key (`files: [key=path]`). */
  private async generated(reference: ValuesReference, kustomization: unknown): Promise<Found | string | undefined> {
    const generators = seqItems(mapGet(kustomization, reference.kind === 'Secret' ? 'secretGenerator' : 'configMapGenerator'));
    for (const generator of generators.filter((entry) => scalarString(mapGet(entry, 'name')) === reference.name)) {
      for (const item of seqItems(mapGet(generator, 'files'))) {
        const written = scalarString(item) ?? '';
        const equals = written.indexOf('=');
        const path = equals < 0 ? written : written.slice(equals + 1);
        if ((equals < 0 ? posix.basename(written) : written.slice(0, equals)) !== reference.valuesKey) continue;
        const file = posix.normalize(joinPath(this.directory, path));
        const text = await this.context.readFile(file);
        if (text === undefined) return `is generated from ${file}, which could not be read`;
        const place = { file, fileOffset: (offset: number) => offset, context: '', note: `a value the HelmRelease's chart takes from ${reference.path} (${reference.kind} ${reference.name} generated from this file), read as written` };
        const node = reference.targetPath === undefined ? parseYamlDocuments(text).documents[0]?.contents : wholeText(text);
        return { node, source: { text, place } };
      }
    }
    return undefined;
  }

  /** The kustomization's resource files and the YAML files beside the release, bounded. */
  private async manifestPaths(kustomization: unknown): Promise<string[]> {
    const resources = seqItems(mapGet(kustomization, 'resources')).map((item) => scalarString(item) ?? '').map((path) => posix.normalize(joinPath(this.directory, path)));
    const beside = (await this.context.listFiles?.(this.directory)) ?? [];
    const paths = [...resources, ...beside.filter((path) => parentDir(path) === this.directory)].filter((path) => /\.ya?ml$/i.test(path));
    return [...new Set(paths)].slice(0, MAX_MANIFESTS);
  }

  /** The named ConfigMap's `data` or Secret's `stringData` key in a manifest file, as a literal block of YAML (or the scalar a `targetPath` sets). */
  private async inManifest(reference: ValuesReference, path: string): Promise<Found | string | undefined> {
    const text = await this.context.readFile(path);
    if (text === undefined || !text.includes(reference.name)) return undefined;
    for (const document of parseYamlDocuments(text).documents) {
      const root = document.contents;
      if (scalarString(mapGet(root, 'kind')) !== reference.kind || scalarString(mapGet(mapGet(root, 'metadata'), 'name')) !== reference.name) continue;
      const value = mapGet(mapGet(root, reference.kind === 'Secret' ? 'stringData' : 'data'), reference.valuesKey);
      if (value === undefined) return reference.kind === 'Secret' ? `is in ${path} without the key in stringData (data is base64, which is not read)` : `is in ${path} without the key`;
      const note = `a value the HelmRelease's chart takes from ${reference.path} (${reference.kind} ${reference.name}), read as written`;
      if (reference.targetPath !== undefined) return { node: value, source: { text, place: { file: path, fileOffset: (offset) => offset, context: '', note } } };
      const embedded = literalBlockText(value, text);
      const parsed = embedded === undefined ? undefined : parseYamlDocuments(embedded.text);
      if (embedded === undefined || parsed === undefined || parsed.errors.length > 0) return `is in ${path}, its key not a literal block (|) of YAML, which is not read`;
      return { node: parsed.documents[0]?.contents, source: { text: embedded.text, place: { file: path, fileOffset: embedded.fileOffset, context: '', note } } };
    }
    return undefined;
  }
}

/** A generated key's whole file as one string value (what a `targetPath` sets), at the file's first character. */
function wholeText(text: string): Scalar {
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  const scalar = new Scalar(text.slice(start, end));
  scalar.range = [start, end, end];
  return scalar;
}
