/**
 * Devfiles (devfile.io: odo, Eclipse Che, OpenShift Dev Spaces) as far as their images go: the
 * components, the top-level `variables` their `{{name}}` references take, and what the devfile
 * builds and deploys. An image component builds `imageName` from a Dockerfile; a Kubernetes or
 * OpenShift component deploys the manifest its `uri` names (relative to the devfile). With a
 * relative image name (no registry or account), odo runs the image it built wherever that manifest
 * or a container component names it, so such a name there is built here (built-images.ts).
 */
import { posix } from 'node:path';
import { isMap, isScalar, type Document } from 'yaml';
import { localTagKey, markBuiltHere } from './built-images.js';
import type { Occurrence } from '../model.js';
import { isNamed } from './file-names.js';
import { dirName, listItems, mergedGet } from './image-site.js';
import { withValue } from './occurrence.js';
import { keptConfigDocuments } from './parse-once.js';
import { oncePerScan } from './per-scan.js';
import type { DiscoverContext } from './types.js';
import { scalarString } from './yaml.js';

/** The names odo and Che look for a devfile under. */
const DEVFILE_NAMES = ['devfile.yaml', 'devfile.yml'];
/** Devfiles read per scan to learn what they build; directories above a manifest searched for one. */
const MAX_DEVFILES = 256;
const MAX_LEVELS = 8;
/** Longest text variable substitution may produce. */
const MAX_SUBSTITUTED = 4096;

/** Whether the path names a devfile (`devfile.yaml`, `.devfile.yaml`, `.yml` too), in any directory. */
export function isDevfilePath(path: string): boolean {
  return isNamed(path, 'devfile.yaml') || isNamed(path, '.devfile.yaml') || isNamed(path, 'devfile.yml') || isNamed(path, '.devfile.yml');
}

/** One component of a devfile, by what it holds (a v1 `dockerimage` component is a container). */
export interface DevfileComponent {
  name: string;
  context: string;
  /** The container image's node (`container.image`, or v1 `image`). */
  containerImage?: unknown;
  /** An image component's `imageName` node. */
  imageName?: unknown;
  /** A Kubernetes or OpenShift component: the manifest it deploys from the repository, or its inlined text. */
  uri?: string;
  inlined?: unknown;
}

export function devfileComponents(document: Document.Parsed): DevfileComponent[] {
  return listItems(document, mergedGet(document, document.contents, 'components')).map((component, index) => {
    const name = scalarString(mergedGet(document, component, 'name')) ?? scalarString(mergedGet(document, component, 'alias')) ?? `#${index + 1}`;
    const read: DevfileComponent = { name, context: `components[${index}]` };
    const container = mergedGet(document, component, 'container');
    const image = mergedGet(document, component, 'image');
    if (isMap(container)) read.containerImage = mergedGet(document, container, 'image');
    else if (isScalar(image) && scalarString(mergedGet(document, component, 'type')) === 'dockerimage') read.containerImage = image;
    if (isMap(image)) read.imageName = mergedGet(document, image, 'imageName');
    const deployed = mergedGet(document, component, 'kubernetes') ?? mergedGet(document, component, 'openshift');
    if (isMap(deployed)) {
      read.uri = scalarString(mergedGet(document, deployed, 'uri'));
      read.inlined = mergedGet(document, deployed, 'inlined');
    }
    return read;
  });
}

/** The top-level `variables` (name -> value). */
export function devfileVariables(document: Document.Parsed): Map<string, string> {
  const variables = new Map<string, string>();
  const map = mergedGet(document, document.contents, 'variables');
  if (!isMap(map)) return variables;
  for (const pair of map.items) {
    const name = scalarString(pair.key);
    const value = scalarString(pair.value);
    if (name !== undefined && value !== undefined) variables.set(name, value);
  }
  return variables;
}

/** The text with each `{{name}}` replaced by the variable's value; the first name without one otherwise. */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string | { missing: string } {
  let out = '';
  let at = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', at)) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    const name = text.slice(open + 2, close).trim();
    const value = variables.get(name);
    if (value === undefined) return { missing: name };
    out += text.slice(at, open) + value;
    if (out.length > MAX_SUBSTITUTED) return { missing: name };
    at = close + 2;
  }
  return out + text.slice(at);
}

/** The tags a devfile's image components build (localTagKey -> who builds it, for people). */
export function devfileBuiltImages(path: string, components: readonly DevfileComponent[], variables: ReadonlyMap<string, string>): Map<string, string> {
  const built = new Map<string, string>();
  for (const component of components) {
    const written = scalarString(component.imageName);
    const name = written === undefined ? undefined : substituteVariables(written, variables);
    const key = typeof name === 'string' ? localTagKey(name) : undefined;
    if (key !== undefined && !built.has(key)) built.set(key, `image component ${component.name} of ${path}`);
  }
  return built;
}

/** The repository path of a component's `uri` relative to its devfile; none for a URL or a path outside the repository. */
function manifestPath(devfile: string, uri: string): string | undefined {
  if (uri.includes('://') || uri.startsWith('/')) return undefined;
  const joined = posix.normalize(posix.join(dirName(devfile), uri));
  return joined === '..' || joined.startsWith('../') ? undefined : joined;
}

/** What a devfile gives a manifest it deploys: the tags it builds, and its variables. */
interface Deployment {
  devfile: string;
  built: Map<string, string>;
  variables: Map<string, string>;
}

interface DevfileIndex {
  /** Devfiles read. */
  files: Set<string>;
  /** Manifest path -> the devfile deploying it (the first one read, when several do). */
  byManifest: Map<string, Deployment>;
}

async function indexDevfile(path: string, context: DiscoverContext, index: DevfileIndex): Promise<void> {
  if (index.files.has(path) || index.files.size >= MAX_DEVFILES) return;
  index.files.add(path);
  const text = await context.readFile(path);
  if (text === undefined) return;
  // The devfile discoverer takes this parse when the walk reaches the file, and reports what it cannot read.
  const documents = keptConfigDocuments(context, path, text);
  if (documents === undefined) return;
  for (const document of documents) {
    const components = devfileComponents(document);
    const variables = devfileVariables(document);
    const built = devfileBuiltImages(path, components, variables);
    if (built.size === 0 && variables.size === 0) continue;
    for (const component of components) {
      const uri = component.uri === undefined ? undefined : substituteVariables(component.uri, variables);
      const manifest = typeof uri === 'string' ? manifestPath(path, uri) : undefined;
      if (manifest !== undefined && !index.byManifest.has(manifest)) index.byManifest.set(manifest, { devfile: path, built, variables });
    }
  }
}

const indexes = new WeakMap<DiscoverContext, Map<string, Promise<DevfileIndex>>>();

/** The devfiles the walk listed, read once per scan. */
function devfileIndex(context: DiscoverContext): Promise<DevfileIndex> {
  return oncePerScan(indexes, context, 'index', async () => {
    const index: DevfileIndex = { files: new Set(), byManifest: new Map() };
    for (const path of context.candidateFiles ?? []) if (isDevfilePath(path)) await indexDevfile(path, context, index);
    return index;
  });
}

/** An image written with `{{name}}` devfile variables, with the values the deploying devfile gives them. */
function withVariables(occurrence: Occurrence, deployment: Deployment): Occurrence {
  if (occurrence.problem?.kind !== 'unresolved' || !occurrence.raw.includes('{{')) return occurrence;
  const value = substituteVariables(occurrence.raw, deployment.variables);
  if (typeof value !== 'string' || value.includes('{{')) return occurrence;
  return withValue(occurrence, value, `with the variables of ${deployment.devfile}, which deploys this manifest`);
}

/**
 * A manifest's occurrences as a devfile deploying it makes them: its `{{variables}}` filled in, and
 * the tags it builds marked as built here. When only some files are scanned, the devfiles beside
 * the manifest and above it are read too.
 */
export async function withDevfileDeployment(manifest: string, occurrences: Occurrence[], context: DiscoverContext): Promise<Occurrence[]> {
  if (occurrences.length === 0) return occurrences;
  const index = await devfileIndex(context);
  if (!context.candidateFilesComplete) {
    for (let directory = dirName(manifest), level = 0; level < MAX_LEVELS; directory = dirName(directory), level++) {
      for (const name of DEVFILE_NAMES) for (const dot of ['', '.']) await indexDevfile(directory ? `${directory}/${dot}${name}` : `${dot}${name}`, context, index);
      if (directory === '') break;
    }
  }
  const deployment = index.byManifest.get(manifest);
  if (deployment === undefined) return occurrences;
  return markBuiltHere(
    occurrences.map((occurrence) => withVariables(occurrence, deployment)),
    deployment.built,
  );
}
