/**
 * The manifests a Skaffold config deploys, and which of their images it builds. Skaffold builds each
 * `build.artifacts[].image` and, in every manifest it deploys (its kubectl or rawYaml globs, and what
 * its kustomizations reach), writes the image it built over each `image:` naming that artifact, with
 * any tag (not one pinned by digest, which it leaves alone). Such an image is built here: no registry
 * is asked for the name as written (cloud-code-samples' `image: go-guestbook-backend`). The name
 * must be the artifact's, in a manifest that config deploys: the same name elsewhere is a registry
 * image to check.
 */
import { posix } from 'node:path';
import type { Document } from 'yaml';
import { compilePathGlob, type CompiledPathGlob } from '../config/path-glob.js';
import type { Occurrence } from '../model.js';
import { normalizeForOccurrence } from '../reference/index.js';
import { dirName } from './image-site.js';
import { readKustomization } from './kustomization-file.js';
import { keptConfigDocuments } from './parse-once.js';
import { oncePerScan } from './per-scan.js';
import { builtImageNames, deployedPaths, isSkaffoldDocument, isSkaffoldName } from './skaffold-config.js';
import type { DiscoverContext, Extraction } from './types.js';
import { mapGet, parseYamlDocuments, scalarString, seqItems } from './yaml.js';

/** Skaffold configs read per scan; files and nesting followed from one config's kustomizations. */
const MAX_CONFIGS = 256;
const MAX_KUSTOMIZE_FILES = 500;
const MAX_KUSTOMIZE_DEPTH = 8;

/**
 * The key Skaffold matches a manifest's image to an artifact by: its repository, tag left out; none
 * for an image pinned by digest (Skaffold does not replace it) or one that is no reference.
 */
export function skaffoldBuiltKey(image: string): string | undefined {
  const normalized = normalizeForOccurrence(image);
  if (!normalized.ok || normalized.parsed.digest !== undefined) return undefined;
  return `${normalized.parsed.domain}/${normalized.parsed.path}`;
}

/** One config's deployment: what it builds (key -> the artifact as written) and the files it deploys. */
interface Deployment {
  config: string;
  built: Map<string, string>;
  globs: CompiledPathGlob[];
  files: Set<string>;
  /** The local charts its Helm releases install (their templates and values files). */
  charts: string[];
}

interface SkaffoldIndex {
  configs: Set<string>;
  deployments: Deployment[];
}

/** A path relative to the config's directory as a repository path; none when it leaves the repository or is a URL. */
function repositoryPath(directory: string, relative: string): string | undefined {
  if (relative.includes('://') || relative.startsWith('/')) return undefined;
  const joined = posix.normalize(directory === '' ? relative : `${directory}/${relative}`).replace(/\/$/, '');
  return joined === '..' || joined.startsWith('../') || joined === '.' ? undefined : joined;
}

/** The files a kustomization directory reaches (its resources, components, bases and patch files), bounded. */
async function kustomizationFiles(context: DiscoverContext, directory: string, files: Set<string>, depth: number, seen: Set<string>): Promise<void> {
  if (seen.has(directory) || depth > MAX_KUSTOMIZE_DEPTH || files.size >= MAX_KUSTOMIZE_FILES) return;
  seen.add(directory);
  const text = await readKustomization(context, directory);
  const root = text === undefined ? undefined : parseYamlDocuments(text).documents[0]?.contents;
  if (root === undefined) return;
  const entries: string[] = [];
  for (const field of ['resources', 'bases', 'components', 'patchesStrategicMerge']) entries.push(...seqItems(mapGet(root, field)).flatMap((item) => scalarString(item) ?? []));
  entries.push(...seqItems(mapGet(root, 'patches')).flatMap((patch) => scalarString(mapGet(patch, 'path')) ?? []));
  for (const entry of entries) {
    const path = repositoryPath(directory, entry.trim());
    if (path === undefined || files.size >= MAX_KUSTOMIZE_FILES) continue;
    if (/\.(ya?ml|json)$/i.test(path)) files.add(path);
    else await kustomizationFiles(context, path, files, depth + 1, seen);
  }
}

async function documentDeployment(path: string, document: Document.Parsed, context: DiscoverContext): Promise<Deployment | undefined> {
  const built = new Map<string, string>();
  for (const name of builtImageNames(document)) {
    const key = skaffoldBuiltKey(name);
    if (key !== undefined && !built.has(key)) built.set(key, name);
  }
  if (built.size === 0) return undefined;
  const directory = dirName(path);
  const deploys = deployedPaths(document);
  const globs: CompiledPathGlob[] = [];
  for (const glob of deploys.manifestGlobs) {
    const pattern = repositoryPath(directory, glob);
    try {
      if (pattern !== undefined) globs.push(compilePathGlob(pattern));
    } catch {
      // A glob the matcher refuses deploys nothing it can tell: its images stay registry images.
    }
  }
  const files = new Set<string>();
  const seen = new Set<string>();
  for (const kustomization of deploys.kustomizeDirectories) {
    const at = repositoryPath(directory, kustomization);
    if (at !== undefined) await kustomizationFiles(context, at, files, 0, seen);
  }
  const charts = deploys.chartDirectories.flatMap((chart) => repositoryPath(directory, chart) ?? []);
  return { config: path, built, globs, files, charts };
}

async function indexConfig(path: string, context: DiscoverContext, index: SkaffoldIndex): Promise<void> {
  if (index.configs.has(path) || index.configs.size >= MAX_CONFIGS) return;
  index.configs.add(path);
  const text = await context.readFile(path);
  if (text === undefined || !text.includes('skaffold/')) return;
  // The Skaffold reader takes this parse when the walk reaches the file, and reports what it cannot read.
  const documents = keptConfigDocuments(context, path, text);
  if (documents === undefined) return;
  for (const document of documents) {
    if (!isSkaffoldDocument(document)) continue;
    const deployment = await documentDeployment(path, document, context);
    if (deployment !== undefined) index.deployments.push(deployment);
  }
}

const indexes = new WeakMap<DiscoverContext, Map<string, Promise<SkaffoldIndex>>>();

/** The Skaffold configs the walk listed (by their usual names), read once per scan. */
function skaffoldIndex(context: DiscoverContext): Promise<SkaffoldIndex> {
  return oncePerScan(indexes, context, 'index', async () => {
    const index: SkaffoldIndex = { configs: new Set(), deployments: [] };
    for (const path of context.candidateFiles ?? []) if (isSkaffoldName(path)) await indexConfig(path, context, index);
    return index;
  });
}

/** Where Skaffold looks for its config: the directories above a manifest. */
const MAX_LEVELS = 8;

/**
 * A manifest's occurrences with the images a Skaffold config deploying it builds marked as built
 * here. When only some files are scanned, the `skaffold.yaml` files beside the manifest and above it are read too.
 */
async function withSkaffoldDeployment(manifest: string, occurrences: Occurrence[], context: DiscoverContext): Promise<Occurrence[]> {
  if (!occurrences.some((occurrence) => occurrence.reference !== null && !occurrence.local)) return occurrences;
  const index = await skaffoldIndex(context);
  if (!context.candidateFilesComplete) {
    for (let directory = dirName(manifest), level = 0; level < MAX_LEVELS; directory = dirName(directory), level++) {
      for (const name of ['skaffold.yaml', 'skaffold.yml']) await indexConfig(directory ? `${directory}/${name}` : name, context, index);
      if (directory === '') break;
    }
  }
  const deploying = index.deployments.filter(
    (deployment) => deployment.files.has(manifest) || deployment.globs.some((glob) => glob.matches(manifest)) || deployment.charts.some((chart) => manifest.startsWith(`${chart}/`)),
  );
  if (deploying.length === 0) return occurrences;
  return occurrences.map((occurrence) => {
    const key = occurrence.reference === null || occurrence.local ? undefined : skaffoldBuiltKey(occurrence.reference);
    const deployment = key === undefined ? undefined : deploying.find((candidate) => candidate.built.has(key));
    if (deployment === undefined || key === undefined) return occurrence;
    const note = `Skaffold builds this image (artifact ${deployment.built.get(key)} of ${deployment.config}) and deploys its build here`;
    return { ...occurrence, local: true, note: occurrence.note ? `${occurrence.note}; ${note}` : note };
  });
}

/** An extraction with the images a Skaffold config deploying its file builds marked so (withSkaffoldDeployment). */
export async function withSkaffoldBuilds(path: string, extraction: Extraction, context: DiscoverContext): Promise<Extraction> {
  const occurrences = await withSkaffoldDeployment(path, extraction.occurrences, context);
  return occurrences === extraction.occurrences ? extraction : { ...extraction, occurrences };
}
