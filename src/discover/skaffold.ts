/**
 * Skaffold (`skaffold.yaml`): the images a config builds (`build.artifacts[].image`, built here, in
 * the top level and each profile) and the images it pulls to build or verify them: a Cloud Native
 * Buildpacks artifact's `builder` and `runImage`, a ko or Jib artifact's `fromImage`, the
 * containers of `verify` tests and `customActions`. A base image that names another artifact of the
 * config (Skaffold's artifact dependencies) is built here too. Which images of the manifests it
 * deploys Skaffold builds is skaffold-builds.ts's.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { dedupeOccurrences, listItems, mergedGet, occurrencesAtScalar, parseConfigDocuments, type ImageResolver } from './image-site.js';
import { LineIndex } from './position.js';
import { takeParse } from './parse-once.js';
import { builtImageNames, hasSkaffoldApiVersion, isSkaffoldDocument, sectionArtifacts, skaffoldSections, type SkaffoldSection } from './skaffold-config.js';
import { skaffoldBuiltKey } from './skaffold-builds.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';

/** Skaffold fills in `{{.NAME}}` templates (environment variables, the built image) in some fields. */
const templateResolver: ImageResolver = (text) =>
  text.includes('{{') ? [{ value: { unresolved: 'a {{ }} template Skaffold fills in when it runs (an environment variable or a built image)' } }] : [{ value: text }];

/** The base images an artifact's builder pulls, by builder and field. */
const BASE_IMAGE_FIELDS: ReadonlyArray<[string, string]> = [
  ['buildpacks', 'builder'],
  ['buildpacks', 'runImage'],
  ['ko', 'fromImage'],
  ['jib', 'fromImage'],
];

interface Site {
  document: Document.Parsed;
  file: SourceFile;
  lines: LineIndex;
  /** localTagKey-like keys of the config's artifacts (skaffoldBuiltKey). */
  built: ReadonlySet<string>;
}

function imageAt(site: Site, node: unknown, context: string, local?: { note: string }): Occurrence[] {
  const occurrences = occurrencesAtScalar({ file: site.file.path, kind: 'skaffold', text: site.file.text, lines: site.lines, node, context, resolve: templateResolver, ...(local ? { local: true, note: local.note } : {}) });
  // A base image naming an artifact of the config is that artifact's build (artifact dependencies).
  return occurrences.map((occurrence) => {
    const key = occurrence.local || occurrence.reference === null ? undefined : skaffoldBuiltKey(occurrence.reference);
    return key !== undefined && site.built.has(key) ? { ...occurrence, local: true, note: 'an artifact this Skaffold config builds' } : occurrence;
  });
}

function sectionOccurrences(site: Site, section: SkaffoldSection): Occurrence[] {
  const { document } = site;
  const occurrences: Occurrence[] = [];
  for (const artifact of sectionArtifacts(document, section)) {
    occurrences.push(...imageAt(site, artifact.image, `${artifact.context}.image`, { note: `built by Skaffold (${artifact.context})` }));
    for (const [builder, field] of BASE_IMAGE_FIELDS) {
      occurrences.push(...imageAt(site, mergedGet(document, mergedGet(document, artifact.node, builder), field), `${artifact.context}.${builder}.${field}`));
    }
  }
  listItems(document, mergedGet(document, section.node, 'verify')).forEach((test, index) => {
    const container = mergedGet(document, test, 'container');
    occurrences.push(...imageAt(site, mergedGet(document, container, 'image'), `${section.prefix}verify[${index}].container.image`));
  });
  listItems(document, mergedGet(document, section.node, 'customActions')).forEach((action, index) => {
    listItems(document, mergedGet(document, action, 'containers')).forEach((container, at) => {
      occurrences.push(...imageAt(site, mergedGet(document, container, 'image'), `${section.prefix}customActions[${index}].containers[${at}].image`));
    });
  });
  return occurrences;
}

function documentOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  if (!isSkaffoldDocument(document)) return [];
  const built = new Set(builtImageNames(document).flatMap((name) => skaffoldBuiltKey(name) ?? []));
  const site: Site = { document, file, lines, built };
  return skaffoldSections(document).flatMap((section) => sectionOccurrences(site, section));
}

export const skaffoldDiscoverer: Discoverer = {
  kind: 'skaffold',
  matches(path: string, text: string): boolean {
    return /\.ya?ml$/i.test(path) && hasSkaffoldApiVersion(text);
  },
  candidate(path: string): boolean {
    return /\.ya?ml$/i.test(path);
  },
  extract(file: SourceFile, context: DiscoverContext): Extraction {
    // Parsed already when a manifest it deploys asked what it builds (skaffold-builds.ts).
    const parsed = parseConfigDocuments(file, 'YAML', takeParse(context, file.path, file.text));
    const lines = new LineIndex(file.text);
    const occurrences = dedupeOccurrences(parsed.documents.flatMap((document) => documentOccurrences(document, file, lines)));
    return { occurrences, ...(parsed.errors.length > 0 ? { errors: parsed.errors } : {}) };
  },
};
