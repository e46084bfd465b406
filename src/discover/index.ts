/**
 * Discovery: every file kind in one list, and the repository-level pass that runs them.
 * A new kind is one module implementing `Discoverer` plus one line in `DISCOVERERS`.
 */
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import type { Occurrence, ScanError } from '../model.js';
import type { DiscoverContext, Discoverer } from './types.js';
import { listFilesUnder, readTextFile, resolveInside, walkRepository, type WalkOptions } from './walk.js';
import { composeDiscoverer } from './compose.js';
import { dockerfileDiscoverer } from './dockerfile/index.js';
import { githubActionDiscoverer, githubWorkflowDiscoverer } from './github.js';
import { gitlabCiDiscoverer } from './gitlab-ci.js';
import { devcontainerDiscoverer } from './devcontainer.js';
import { circleciDiscoverer } from './circleci.js';
import { bitbucketDiscoverer } from './bitbucket.js';
import { azurePipelinesDiscoverer } from './azure-pipelines.js';
import { droneDiscoverer } from './drone.js';
import { cloudbuildDiscoverer } from './cloudbuild.js';
import { quadletDiscoverer } from './quadlet.js';
import { kubernetesDiscoverer } from './kubernetes.js';
import { kustomizeDiscoverer } from './kustomize.js';
import { helmTemplatesDiscoverer, helmValuesDiscoverer } from './helm.js';

export const DISCOVERERS: Discoverer[] = [dockerfileDiscoverer, composeDiscoverer, githubWorkflowDiscoverer, githubActionDiscoverer, gitlabCiDiscoverer, devcontainerDiscoverer, circleciDiscoverer, bitbucketDiscoverer, azurePipelinesDiscoverer, droneDiscoverer, cloudbuildDiscoverer, quadletDiscoverer, kubernetesDiscoverer, kustomizeDiscoverer, helmValuesDiscoverer, helmTemplatesDiscoverer];

/** Files larger than this are not parsed (a report says so). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface DiscoverOptions extends Partial<WalkOptions> {
  buildArgs?: Record<string, string>;
  /** Only these files (POSIX, relative to root) are scanned, e.g. the files a pull request changes. */
  onlyFiles?: string[];
  discoverers?: Discoverer[];
}

export interface Discovery {
  occurrences: Occurrence[];
  errors: ScanError[];
  /** Text of every file that has occurrences, for suppression comments and `pin`. */
  sources: Map<string, string>;
  /** How many files were examined. */
  filesScanned: number;
}

export async function discoverRepository(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const absoluteRoot = await realpath(root);
  const discoverers = options.discoverers ?? DISCOVERERS;
  const walk = await walkRepository(absoluteRoot, {
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    maxFiles: options.maxFiles ?? 50_000,
  });
  const errors: ScanError[] = walk.problems.map((problem) => ({ ...problem }));
  const onlyFiles = options.onlyFiles ? new Set(options.onlyFiles) : undefined;
  const fileCache = new Map<string, Promise<string | undefined>>();
  const readRepositoryFile = (relativePath: string): Promise<string | undefined> => {
    const key = path.posix.normalize(relativePath);
    let cached = fileCache.get(key);
    if (!cached) {
      cached = (async () => {
        const target = await resolveInside(absoluteRoot, key);
        if (!target) return undefined;
        return (await readTextFile(target, MAX_FILE_BYTES)).text;
      })();
      fileCache.set(key, cached);
    }
    return cached;
  };
  const listingCache = new Map<string, Promise<string[]>>();
  const listRepositoryFiles = (relativeDirectory: string): Promise<string[]> => {
    const key = path.posix.normalize(relativeDirectory === '' ? '.' : relativeDirectory);
    let cached = listingCache.get(key);
    if (!cached) {
      cached = listFilesUnder(absoluteRoot, key);
      listingCache.set(key, cached);
    }
    return cached;
  };
  const context: DiscoverContext = { buildArgs: options.buildArgs ?? {}, readFile: readRepositoryFile, listFiles: listRepositoryFiles };

  const occurrences: Occurrence[] = [];
  const sources = new Map<string, string>();
  let filesScanned = 0;
  for (const file of walk.files) {
    if (onlyFiles && !onlyFiles.has(file)) continue;
    const read = await readTextFile(path.join(absoluteRoot, file), MAX_FILE_BYTES);
    if (read.text === undefined) {
      // Only worth reporting when the file would have been examined.
      if (read.problem !== 'binary file' && discoverers.some((discoverer) => safeMatches(discoverer, file, ''))) {
        errors.push({ file, message: read.problem ?? 'file could not be read' });
      }
      continue;
    }
    const text = read.text;
    fileCache.set(file, Promise.resolve(text));
    let matching = discoverers.filter((discoverer) => safeMatches(discoverer, file, text));
    // Kinds recognised by content alone only take files no kind claims by name.
    if (matching.length === 0) matching = discoverers.filter((discoverer) => safeMatches(discoverer, file, text, true));
    if (matching.length === 0) continue;
    filesScanned++;
    for (const discoverer of matching) {
      try {
        const extraction = await discoverer.extract({ path: file, text }, context);
        for (const occurrence of extraction.occurrences) {
          occurrences.push(occurrence);
          if (occurrence.file !== file && !sources.has(occurrence.file)) {
            const other = await readRepositoryFile(occurrence.file);
            if (other !== undefined) sources.set(occurrence.file, other);
          }
        }
        for (const message of extraction.errors ?? []) errors.push({ file, message: `${discoverer.kind}: ${message}` });
        if (extraction.occurrences.length > 0) sources.set(file, text);
      } catch (error) {
        errors.push({ file, message: `${discoverer.kind}: could not be parsed: ${oneLine((error as Error).message)}` });
      }
    }
  }
  occurrences.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind));
  return { occurrences, errors, sources, filesScanned };
}

function safeMatches(discoverer: Discoverer, file: string, text: string, byContent = false): boolean {
  try {
    if (byContent) return discoverer.matchesContent?.(file, text) ?? false;
    return discoverer.matches(file, text);
  } catch {
    return false;
  }
}

function oneLine(message: string): string {
  const first = message.split('\n')[0] ?? '';
  return first.length > 300 ? first.slice(0, 300) + '…' : first;
}
