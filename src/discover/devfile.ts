/**
 * Devfiles (`devfile.yaml`, `.devfile.yaml`: odo, Eclipse Che, OpenShift Dev Spaces): the image of
 * each container component (schema 2.x `container.image`, 1.0 `dockerimage` components) with the
 * devfile's `{{variables}}` filled in; the `imageName` an image component builds (built here); and the
 * images of Kubernetes and OpenShift components' manifests written inline as a literal block. A
 * container image named by an image component's relative name is the one the devfile builds. The
 * manifests components name by `uri` are read as manifests; devfile-builds.ts tells that reader
 * which of their images the devfile builds. A parent devfile's components are not read.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { markBuiltHere } from './built-images.js';
import { devfileBuiltImages, devfileComponents, devfileVariables, isDevfilePath, substituteVariables, type DevfileComponent } from './devfile-builds.js';
import { dedupeOccurrences, mergedGet, occurrencesAtScalar, parseConfigDocuments, type ImageResolver } from './image-site.js';
import { collectManifestImages } from './kubernetes.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { takeParse } from './parse-once.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { literalBlockText } from './yaml.js';

function variableResolver(variables: ReadonlyMap<string, string>): ImageResolver {
  return (text) => {
    const substituted = substituteVariables(text, variables);
    if (typeof substituted === 'string') return [{ value: substituted, ...(substituted === text ? {} : { note: 'with the devfile variables' }) }];
    return [{ value: { unresolved: `the devfile variable ${substituted.missing} is not set in variables (the tool using the devfile may be given it)` } }];
  };
}

/** The images of a component's inline manifest, each at its place in the devfile; a note when it is not a literal block. */
function inlinedImages(component: DevfileComponent, file: SourceFile, lines: LineIndex, notes: string[]): Occurrence[] {
  const embedded = literalBlockText(component.inlined, file.text);
  if (embedded === undefined) {
    if (component.inlined !== undefined) notes.push(`the inline manifest of component ${component.name} is not a literal block (|), so it was not read`);
    return [];
  }
  const scan = collectManifestImages(embedded.text);
  for (const error of scan.errors) notes.push(`the inline manifest of component ${component.name}: ${error}`);
  return scan.images.map((image) =>
    makeOccurrence({ file: file.path, kind: 'devfile', lines, offset: embedded.fileOffset(image.offset), raw: image.raw, value: image.value, context: `${component.context}.inlined.${image.context}`, note: image.note }),
  );
}

function documentOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, notes: string[]): Occurrence[] {
  if (mergedGet(document, document.contents, 'parent') !== undefined) notes.push('the parent devfile it names is not read: its components are not checked');
  const components = devfileComponents(document);
  const variables = devfileVariables(document);
  const resolve = variableResolver(variables);
  const site = { file: file.path, kind: 'devfile' as const, text: file.text, lines, resolve };
  const occurrences: Occurrence[] = [];
  for (const component of components) {
    occurrences.push(...occurrencesAtScalar({ ...site, node: component.containerImage, context: `${component.context}.container.image` }));
    occurrences.push(...inlinedImages(component, file, lines, notes));
    const built = { local: true, note: `built by image component ${component.name}` };
    occurrences.push(...occurrencesAtScalar({ ...site, node: component.imageName, context: `${component.context}.image.imageName`, ...built }));
  }
  return markBuiltHere(occurrences, devfileBuiltImages(file.path, components, variables));
}

export const devfileDiscoverer: Discoverer = {
  kind: 'devfile',
  matches(path) {
    return isDevfilePath(path);
  },
  extract(file: SourceFile, context: DiscoverContext): Extraction {
    // Parsed already when a manifest it deploys asked what it builds (devfile-builds.ts).
    const parsed = parseConfigDocuments(file, 'YAML', takeParse(context, file.path, file.text));
    const lines = new LineIndex(file.text);
    const notes: string[] = [];
    const occurrences = dedupeOccurrences(parsed.documents.flatMap((document) => documentOccurrences(document, file, lines, notes)));
    return { occurrences, ...(parsed.errors.length > 0 ? { errors: parsed.errors } : {}), ...(notes.length > 0 ? { notes } : {}) };
  },
};
