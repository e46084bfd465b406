/**
 * Discovery: every file kind in one list, and the repository-level pass that runs them.
 * A new kind is one module implementing `Discoverer` plus one line in `DISCOVERERS`.
 */
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import type { ContainerConfig, Occurrence, ScanError, UnscannedFile } from '../model.js';
import type { DiscoverContext, Discoverer } from './types.js';
import { listFilesUnderSync, MAX_LISTED_FILES, readFileBytes, readTextFileSync, locateInside, someChunk, walkRepositorySync, type WalkOptions } from './walk.js';
import { decodeText } from './decode.js';
import { withoutTemplateSuffix } from './template-file.js';
import { TextCache } from './text-cache.js';
import { isBuildScript, MAX_SCRIPT_BYTES, ScriptBuilds } from './script-builds.js';
import { composeDiscoverer } from './compose.js';
import { dockerfileDiscoverer } from './dockerfile/index.js';
import { githubActionDiscoverer, githubWorkflowDiscoverer } from './github.js';
import { gitlabCiDiscoverer } from './gitlab-ci.js';
import { devcontainerDiscoverer } from './devcontainer.js';
import { devfileDiscoverer } from './devfile.js';
import { skaffoldDiscoverer } from './skaffold.js';
import { gitpodDiscoverer } from './gitpod.js';
import { circleciDiscoverer } from './circleci.js';
import { bitbucketDiscoverer } from './bitbucket.js';
import { azurePipelinesDiscoverer } from './azure-pipelines.js';
import { droneDiscoverer } from './drone.js';
import { buildkiteDiscoverer } from './buildkite.js';
import { jenkinsfileDiscoverer } from './jenkinsfile.js';
import { cloudbuildDiscoverer } from './cloudbuild.js';
import { concourseDiscoverer } from './concourse.js';
import { semaphoreDiscoverer } from './semaphore.js';
import { travisDiscoverer } from './travis.js';
import { nomadDiscoverer } from './nomad.js';
import { quadletDiscoverer } from './quadlet.js';
import { ansibleDiscoverer } from './ansible.js';
import { moleculeDiscoverer } from './molecule.js';
import { terraformDiscoverer } from './terraform.js';
import { ecsTaskDefinitionDiscoverer } from './ecs-task-definition.js';
import { kubernetesDiscoverer } from './kubernetes.js';
import { kustomizeDiscoverer } from './kustomize.js';
import { helmTemplatesDiscoverer, helmValuesDiscoverer } from './helm.js';

export const DISCOVERERS: Discoverer[] = [dockerfileDiscoverer, composeDiscoverer, githubWorkflowDiscoverer, githubActionDiscoverer, gitlabCiDiscoverer, devcontainerDiscoverer, devfileDiscoverer, skaffoldDiscoverer, gitpodDiscoverer, circleciDiscoverer, bitbucketDiscoverer, azurePipelinesDiscoverer, droneDiscoverer, buildkiteDiscoverer, jenkinsfileDiscoverer, cloudbuildDiscoverer, concourseDiscoverer, semaphoreDiscoverer, travisDiscoverer, nomadDiscoverer, quadletDiscoverer, ansibleDiscoverer, moleculeDiscoverer, terraformDiscoverer, ecsTaskDefinitionDiscoverer, kubernetesDiscoverer, kustomizeDiscoverer, helmValuesDiscoverer, helmTemplatesDiscoverer];

/** Files larger than this are not parsed (a `file-not-scanned` finding says so). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * The bound for YAML and JSON files: an operator's install bundle (CRDs, RBAC and its Deployment in
 * one file) is often 3-6 MiB and names the operator's images, so 2 MiB would leave it unread. Parsing
 * costs about 45 bytes of memory per byte of YAML (an 8 MiB manifest peaks near 450 MB), and files
 * are parsed one at a time, so this stays bounded.
 */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/** The size bound of a file, by its name. */
function maxFileBytes(file: string): number {
  const lower = withoutTemplateSuffix(file).toLowerCase();
  return lower.endsWith('.yaml') || lower.endsWith('.yml') || lower.endsWith('.json') ? MAX_MANIFEST_BYTES : MAX_FILE_BYTES;
}

export interface DiscoverOptions extends Partial<WalkOptions> {
  buildArgs?: Record<string, string>;
  /** Only these files (POSIX, relative to root) are scanned, e.g. the files a pull request changes. */
  onlyFiles?: string[];
  /** UTF-16 code units of file text kept for discoverers that read other files (text-cache.ts); its default bounds memory. */
  maxCachedText?: number;
  /** Images kept from one file (MAX_OCCURRENCES_PER_FILE unless told). */
  maxOccurrencesPerFile?: number;
  discoverers?: Discoverer[];
}

/**
 * Bound on the images kept from one file: the largest real file of the trial repositories names 116,
 * and a reader that multiplies what a file writes (a loop, a matrix, a variable named many times)
 * could otherwise hand the checks and the report millions (1.4 million from a 421 KB playbook ended a
 * scan with "Invalid string length"). Past it the file is not fully scanned, and says so.
 */
const MAX_OCCURRENCES_PER_FILE = 100_000;

export interface Discovery {
  occurrences: Occurrence[];
  /** Problems that are not about one candidate file (kept for reports; they do not hide images). */
  errors: ScanError[];
  /** Candidate files (or directories) that could not be fully read: each becomes a `file-not-scanned` finding. */
  unscanned: UnscannedFile[];
  /** Text of every file that has occurrences, for suppression comments and `pin`. */
  sources: Map<string, string>;
  /** How the containers of Dockerfiles, compose files and Kubernetes manifests are configured (least-privilege rules). */
  containers: ContainerConfig[];
  /** How many files were examined. */
  filesScanned: number;
}

/** Whether a discoverer could read `file`, by its name alone (kinds recognised by content say so with `candidate`). */
export function isCandidatePath(discoverers: readonly Discoverer[], file: string): boolean {
  // A plain loop: this runs for every file of the repository (issue 15).
  for (const discoverer of discoverers) {
    try {
      if (discoverer.candidate ? discoverer.candidate(file) : discoverer.matches(file, '')) return true;
    } catch {
      return true; // a matcher that throws must not hide the file
    }
  }
  return false;
}

export async function discoverRepository(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const absoluteRoot = await realpath(root);
  const discoverers = options.discoverers ?? DISCOVERERS;
  const onlyFiles = options.onlyFiles ? new Set(options.onlyFiles) : undefined;
  // Files listed only as build scripts: the candidate test runs once per path, in the walk (issue 15).
  const scriptsOnly = new Set<string>();
  const walk = walkRepositorySync(absoluteRoot, {
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    maxFiles: options.maxFiles,
    isCandidate: (file) => {
      if ((onlyFiles === undefined || onlyFiles.has(file)) && isCandidatePath(discoverers, file)) return true;
      // Build scripts are listed in any case (a pull request's Dockerfile may run what an unchanged script builds).
      if (!isBuildScript(file)) return false;
      scriptsOnly.add(file);
      return true;
    },
  });
  const errors: ScanError[] = [];
  const unscanned: UnscannedFile[] = [];
  for (const problem of walk.problems) {
    if (problem.unscanned) unscanned.push({ file: problem.file, reason: problem.message });
    else errors.push({ file: problem.file, message: problem.message });
  }
  const fileCache = new TextCache(options.maxCachedText);
  const walked = new Set(walk.files);
  // A listed file's path joins the root by a slash: the walk built it from directory entry names (no `.`, `..` or empty segment).
  const rootPrefix = absoluteRoot.endsWith('/') ? absoluteRoot : `${absoluteRoot}/`;
  const readRepositoryFile = (relativePath: string): Promise<string | undefined> => {
    const key = path.posix.normalize(relativePath);
    if (fileCache.has(key)) return Promise.resolve(fileCache.get(key));
    // A file the walk listed is read where the walk found it (as the loop below reads it); others are resolved inside the root.
    const target = walked.has(key) ? (walk.rawPaths.get(key) ?? rootPrefix + key) : locateInside(absoluteRoot, walk, key);
    const text = target === undefined ? undefined : readTextFileSync(target, maxFileBytes(key)).text;
    fileCache.keep(key, text);
    return Promise.resolve(text);
  };
  const context: DiscoverContext = { buildArgs: options.buildArgs ?? {}, readFile: readRepositoryFile, listFiles: repositoryListing(absoluteRoot, unscanned), candidateFiles: walk.files, candidateFilesComplete: onlyFiles === undefined && walk.problems.length === 0 };

  const occurrences: Occurrence[] = [];
  const containers: ContainerConfig[] = [];
  const sources = new Map<string, string>();
  let filesScanned = 0;
  const scriptBuilds = new ScriptBuilds();
  for (const file of walk.files) {
    if (scriptsOnly.has(file)) {
      // Listed as a build script only: read for what it builds, quietly (script-builds.ts).
      if (scriptBuilds.open) scriptBuilds.record(file, readTextFileSync(walk.rawPaths.get(file) ?? rootPrefix + file, MAX_SCRIPT_BYTES).text ?? '');
      continue;
    }
    // A file a discoverer read already (a chart's templates) is not read again.
    const readBefore = fileCache.get(file);
    const text = readBefore ?? readCandidate(file, walk.rawPaths.get(file) ?? rootPrefix + file, discoverers, unscanned, errors);
    if (text === undefined) continue;
    const matching = matchingDiscoverers(discoverers, file, text);
    if (matching.length === 0) continue;
    filesScanned++;
    // While its discoverers run, a reader that asks for the file itself gets this text (kept if the bound allows).
    const keptNow = readBefore === undefined && fileCache.keep(file, text);
    const readings: Occurrence[][] = [];
    for (const discoverer of matching) {
      try {
        const extraction = await discoverer.extract({ path: file, text }, context);
        readings.push(extraction.occurrences);
        // Whatever a discoverer could not read of the file may hide an image: each problem is a finding.
        for (const message of extraction.errors ?? []) unscanned.push(unscannedPart(file, `${discoverer.kind}: ${message}`));
        for (const message of extraction.readLineByLine ?? []) unscanned.push({ ...unscannedPart(file, `${discoverer.kind}: ${message}`), severity: 'warning' });
        for (const message of extraction.notes ?? []) unscanned.push({ ...unscannedPart(file, `${discoverer.kind}: ${message}`), severity: 'note' });
        // The text also serves suppression comments on a file-not-scanned finding of a readable file.
        if (extraction.occurrences.length > 0 || (extraction.errors ?? []).length > 0 || (extraction.readLineByLine ?? []).length > 0 || (extraction.notes ?? []).length > 0) sources.set(file, text);
        containers.push(...(extraction.containers ?? []));
      } catch (error) {
        unscanned.push({ file, reason: `${discoverer.kind}: could not be parsed: ${oneLine(errorMessage(error))}` });
        sources.set(file, text);
      }
    }
    for (const occurrence of keptOf(file, oncePerPlace(readings), options.maxOccurrencesPerFile ?? MAX_OCCURRENCES_PER_FILE, unscanned)) {
      occurrences.push(occurrence);
      if (occurrence.file !== file && !sources.has(occurrence.file)) {
        const other = await readRepositoryFile(occurrence.file);
        if (other !== undefined) sources.set(occurrence.file, other);
      }
    }
    // Kept while its discoverers run, not for the whole scan: every text kept went to the old generation,
    // copied twice on the way by the young generation's collections (issue 15). A later reader reads it again.
    if (keptNow) fileCache.delete(file);
  }
  const marked = scriptBuilds.mark(occurrences);
  // Code-unit order, as the walk lists files: the same on every machine (localeCompare follows the
  // process's locale) and an order of magnitude cheaper.
  marked.sort((a, b) => byCodeUnits(a.file, b.file) || a.line - b.line || a.column - b.column || byCodeUnits(a.kind, b.kind));
  unscanned.sort((a, b) => byCodeUnits(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  return { occurrences: marked, errors, unscanned, sources, containers, filesScanned };
}

/** Lists a directory's files for discoverers, once per directory; a listing cut short may leave out a file a discoverer needed (a chart's templates): said so. */
function repositoryListing(absoluteRoot: string, unscanned: UnscannedFile[]): (relativeDirectory: string) => Promise<string[]> {
  const listingCache = new Map<string, string[]>();
  return (relativeDirectory) => {
    const key = path.posix.normalize(relativeDirectory === '' ? '.' : relativeDirectory);
    let cached = listingCache.get(key);
    if (!cached) {
      cached = listFilesUnderSync(absoluteRoot, key, MAX_LISTED_FILES, (reason) => {
        if (!unscanned.some((entry) => entry.file === key && entry.reason === reason)) unscanned.push({ file: key, reason });
      });
      listingCache.set(key, cached);
    }
    return Promise.resolve(cached);
  };
}

/** The images of one file up to the bound; past it the file says the others were not checked. */
function keptOf(file: string, found: Occurrence[], bound: number, unscanned: UnscannedFile[]): Occurrence[] {
  if (found.length <= bound) return found;
  unscanned.push({ file, reason: `it names more than ${bound.toLocaleString('en-US')} images: the others were not checked` });
  return found.slice(0, bound);
}

/**
 * One occurrence per written image: what one discoverer of a file reports at the same place, as the
 * same text and reference, as another did is reported once (a chart's `ci/*-values.yaml` holding a
 * `{{ }}` string is read as values and as a chart file), the reading that places it more precisely
 * (the longer context) kept. One discoverer's own occurrences are never merged with each other (a
 * values line may render several images).
 */
function oncePerPlace(readings: readonly Occurrence[][]): Occurrence[] {
  if (readings.length === 1) return readings[0];
  const kept: Occurrence[] = [];
  const byPlace = new Map<string, number>();
  for (const reading of readings) {
    const added = new Map<string, number>();
    for (const occurrence of reading) {
      const key = `${occurrence.file}\u0000${occurrence.line}:${occurrence.column}\u0000${occurrence.raw}\u0000${occurrence.reference ?? ''}`;
      const earlier = byPlace.get(key);
      if (earlier === undefined) {
        added.set(key, kept.length);
        kept.push(occurrence);
      } else if ((occurrence.context ?? '').length > (kept[earlier].context ?? '').length) {
        kept[earlier] = occurrence;
      }
    }
    for (const [key, index] of added) if (!byPlace.has(key)) byPlace.set(key, index);
  }
  return kept;
}

/** The discoverers that read `file`: those that claim it by name (and content), else those that claim it by content alone. */
function matchingDiscoverers(discoverers: readonly Discoverer[], file: string, text: string): Discoverer[] {
  const matching = discoverers.filter((discoverer) => safeMatches(discoverer, file, text));
  // Kinds recognised by content alone only take files no kind claims by name.
  return matching.length > 0 ? matching : discoverers.filter((discoverer) => safeMatches(discoverer, file, text, true));
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The decoded text of a candidate file, or undefined (with an entry in `unscanned` when a
 * discoverer would have read it). A file over the size bound, or not text, counts when a
 * discoverer matches it by name, or by what its content shows.
 */
function readCandidate(file: string, location: string | Buffer, discoverers: readonly Discoverer[], unscanned: UnscannedFile[], errors: ScanError[]): string | undefined {
  // The bytes are decoded (or, when they are not text, shown) before any other file is read.
  const read = readFileBytes(location, maxFileBytes(file), true);
  if (read.bytes === undefined) {
    const counts = !read.tooLarge || someChunk(location, (chunk) => claimed(discoverers, file, chunk));
    if (counts && read.tooLarge && readOnlyAsManifests(discoverers, file, location) && onlyDefinitions(location)) {
      // Large CRD bundles are common and hold schemas, never images: listed, not a finding.
      errors.push({ file, message: `${read.problem}; it holds only CustomResourceDefinitions, which name no images, and was not parsed` });
    } else if (counts) {
      unscanned.push({ file, reason: read.problem ?? 'file could not be read' });
    }
    return undefined;
  }
  const decoded = decodeText(read.bytes);
  if ('problem' in decoded) {
    const seen = read.bytes.toString('utf8');
    if (claimed(discoverers, file, seen)) unscanned.push({ file, reason: decoded.problem });
    return undefined;
  }
  return decoded.text;
}

/**
 * Whether only the manifest readers (Kubernetes, a chart's templates) claim the file, judged on its
 * first chunk: a compose file or Helm values with a `kind: CustomResourceDefinition` line is still
 * read as one (a compose v1 service or a values key may be called `spec`).
 */
function readOnlyAsManifests(discoverers: readonly Discoverer[], file: string, location: string | Buffer): boolean {
  let manifestsOnly = false;
  someChunk(location, (chunk) => {
    const claimants = discoverers.filter((discoverer) => safeMatches(discoverer, file, chunk) || safeMatches(discoverer, file, chunk, true));
    manifestsOnly = claimants.every((discoverer) => discoverer.kind === 'kubernetes' || discoverer === helmTemplatesDiscoverer);
    return true;
  });
  return manifestsOnly;
}

/** The top-level keys of a CustomResourceDefinition; any other (or a quoted, flow or tagged line) may start something else. */
const DEFINITION_KEY = /^(?:apiVersion|kind|metadata|spec|status)[ \t]*:(?:[ \t]|$)/;
const DEFINITION_KIND = /^kind[ \t]*:[ \t]+["']?CustomResourceDefinition["']?[ \t]*(?:#.*)?$/;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)[ \t]*(?:#.*)?$/;

/**
 * Whether the file (read in chunks, line by line) is a stream of CustomResourceDefinitions and
 * nothing else: every document's top-level lines are a definition's keys, with exactly one `kind`
 * line naming CustomResourceDefinition. Anything it cannot vouch for (another key, a `kind` quoted
 * as a key, a flow or JSON document, content after `---`, a directive) makes it false, so the file
 * is reported unscanned, as any other file over the bound is.
 */
function onlyDefinitions(location: string | Buffer): boolean {
  let definitions = 0;
  let kinds = 0;
  let definition = false;
  let keys = 0;
  const endDocument = (): boolean => {
    if (keys === 0) return true;
    if (kinds !== 1 || !definition) return false;
    definitions++;
    [kinds, definition, keys] = [0, false, 0];
    return true;
  };
  const topLevelLine = (line: string): boolean => {
    if (DOCUMENT_MARKER.test(line)) return endDocument();
    if (!DEFINITION_KEY.test(line)) return false;
    keys++;
    if (line.startsWith('kind')) {
      kinds++;
      definition = DEFINITION_KIND.test(line);
    }
    return true;
  };
  let carry = '';
  let first = true;
  let refused = false;
  someChunk(
    location,
    (chunk) => {
      // A UTF-8 byte-order mark is not part of the first line.
      const text = carry + (first && chunk.startsWith('\ufeff') ? chunk.slice(1) : chunk);
      first = false;
      let start = 0;
      for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
        if (!acceptLine(text, start, newline, topLevelLine)) {
          refused = true;
          return true;
        }
        start = newline + 1;
      }
      // An indented or comment line's rest is not needed; a top-level one is kept whole (a key line is short).
      carry = text.slice(start);
      if (carry.length > 64 * 1024 && isTopLevelStart(carry.charCodeAt(0))) {
        refused = true;
        return true;
      }
      if (carry.length > 64 * 1024) carry = carry.slice(0, 1);
      return false;
    },
    1024 * 1024,
    0,
  );
  if (refused) return false;
  if (carry.length > 0 && !acceptLine(carry, 0, carry.length, topLevelLine)) return false;
  return endDocument() && definitions > 0;
}

/** Whether a line starting with this code unit is a top-level line (not blank, indented or a comment). */
function isTopLevelStart(code: number): boolean {
  return code !== 0x20 && code !== 0x09 && code !== 0x0d && code !== 0x0a && code !== 0x23;
}

/** Checks the line text[start, end) with `topLevelLine` when it is a top-level line; other lines pass. */
function acceptLine(text: string, start: number, end: number, topLevelLine: (line: string) => boolean): boolean {
  if (start === end || !isTopLevelStart(text.charCodeAt(start))) return true;
  const line = text.slice(start, text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
  return topLevelLine(line);
}

/** Whether some discoverer reads the file, by name or by content. */
function claimed(discoverers: readonly Discoverer[], file: string, text: string): boolean {
  return discoverers.some((discoverer) => safeMatches(discoverer, file, text) || safeMatches(discoverer, file, text, true));
}

/** A problem a discoverer reported, at its line when the message starts with one ("line 12: …"). */
function unscannedPart(file: string, reason: string): UnscannedFile {
  const match = /^[a-z-]+: line (\d{1,9}):/.exec(reason);
  return match ? { file, reason, line: Number(match[1]) } : { file, reason };
}

function safeMatches(discoverer: Discoverer, file: string, text: string, byContent = false): boolean {
  try {
    if (byContent) return discoverer.matchesContent?.(file, text) ?? false;
    return discoverer.matches(file, text);
  } catch {
    return false;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(message: string): string {
  const first = message.split('\n')[0] ?? '';
  return first.length > 300 ? first.slice(0, 300) + '…' : first;
}
