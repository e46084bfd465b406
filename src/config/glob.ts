/**
 * Image globs, as Sigstore policy-controller writes them (`ClusterImagePolicy.spec.images[].glob`):
 * `*` matches within one path segment, `**` matches across segments, everything else is literal.
 *
 * Differences from policy-controller, on purpose:
 * - Globs match the repository name only (`docker.io/library/nginx`), never the tag or digest, so
 *   `ghcr.io/org/app` matches `ghcr.io/org/app:1.0@sha256:…`. A glob may end in `:*` or `:**`
 *   (policy-controller's "any tag"), which is accepted and dropped; any other tag or digest in a
 *   glob is an error, because it could never mean what it says.
 * - A glob without a registry is normalized like an image name instead of being tried against the
 *   unqualified text: `nginx` -> `docker.io/library/nginx`, `*` -> `docker.io/library/*`,
 *   `myuser/*` -> `docker.io/myuser/*`, `*∕*` -> `docker.io/*∕*`. The first segment is a registry
 *   when it contains `.` or `:`, is `localhost`, or contains `**` (which may span the host:
 *   `**`, `ghcr.**`). The host is compared as `policyHost` (reference/host.ts) spells it: Docker
 *   Hub's names are `docker.io`, `:443` is dropped, `127.0.0.1:5000` and `[::1]:5000` are
 *   `localhost:5000`, on both the glob's side and the name's.
 */
import { DOCKER_HUB_HOST, policyHost, policyRepository } from '../reference/index.js';

const DOCKER_HUB = DOCKER_HUB_HOST;

/** Globs come from policy files: bound them so a hostile file cannot build a huge expression. */
const MAX_GLOB_LENGTH = 512;

/** Characters of a host segment (IPv6 brackets included) and of path segments, plus `*`. */
const HOST_CHARACTERS = /^[A-Za-z0-9\-_.:*[\]]+$/;
const PATH_CHARACTERS = /^[a-z0-9\-_.*/]+$/;

export class ImageGlobError extends Error {
  constructor(
    readonly glob: string,
    reason: string,
  ) {
    super(`invalid image glob "${glob}": ${reason}`);
    this.name = 'ImageGlobError';
  }
}

export interface CompiledImageGlob {
  /** The glob as written. */
  glob: string;
  /** The glob after normalization (`nginx` -> `docker.io/library/nginx`). */
  normalized: string;
  matches(normalizedName: string): boolean;
  /** Matches a repository already in policy form (`ReferenceParts.repository`), without splitting it again. */
  matchesRepository(repository: string): boolean;
}

function isHostSegment(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost' || segment.includes('**');
}

/** Normalizes a glob the way an image name is normalized; throws `ImageGlobError` when it cannot match any name. */
export function normalizeImageGlob(glob: string): string {
  if (typeof glob !== 'string' || glob.trim() === '') throw new ImageGlobError(String(glob), 'empty');
  if (glob.length > MAX_GLOB_LENGTH) throw new ImageGlobError(glob.slice(0, 40) + '…', `longer than ${MAX_GLOB_LENGTH} characters`);
  if (glob.includes('@')) throw new ImageGlobError(glob, 'digests are not part of a glob; images are matched by repository name');

  let pattern = glob;
  // policy-controller's "any tag" suffix: harmless here, since the tag is never matched.
  const lastSlash = pattern.lastIndexOf('/');
  const tagColon = pattern.indexOf(':', lastSlash + 1);
  if (lastSlash >= 0 && tagColon >= 0) {
    const tag = pattern.slice(tagColon + 1);
    if (tag !== '*' && tag !== '**') {
      throw new ImageGlobError(glob, 'tags are not part of a glob; images are matched by repository name (use no tag, or ":*")');
    }
    pattern = pattern.slice(0, tagColon);
  } else if (lastSlash < 0 && pattern.includes(':')) {
    // "nginx:1.25" or "*:latest": a single name segment with a tag.
    throw new ImageGlobError(glob, 'tags are not part of a glob; images are matched by repository name');
  }

  const segments = pattern.split('/');
  if (segments.some((segment) => segment === '')) throw new ImageGlobError(glob, 'empty path segment');

  let host: string | undefined;
  let path: string[];
  if (segments.length > 1 && isHostSegment(segments[0])) {
    host = segments[0];
    path = segments.slice(1);
  } else if (segments.length === 1 && segments[0].includes('**')) {
    // "**", "ghcr.**", "inde**": spans the whole name, host included.
    host = undefined;
    path = segments;
  } else {
    host = DOCKER_HUB;
    path = segments.length === 1 ? ['library', segments[0]] : segments;
  }

  if (host !== undefined) {
    if (!HOST_CHARACTERS.test(host)) throw new ImageGlobError(glob, `"${host}" is not a registry host`);
    host = policyHost(host);
  }
  const pathText = path.join('/');
  if (!PATH_CHARACTERS.test(pathText) && !(host === undefined && HOST_CHARACTERS.test(pathText))) {
    throw new ImageGlobError(glob, /[A-Z]/.test(pathText) ? 'repository names are lower-case' : 'only letters, digits, "-", "_", ".", "/" and "*" are allowed');
  }
  if (host === DOCKER_HUB && path.length === 1 && !path[0].includes('**')) {
    // "docker.io/nginx" names the official image, as `docker pull docker.io/nginx` does.
    path = ['library', path[0]];
  }
  return host === undefined ? pathText : `${host}/${path.join('/')}`;
}

/**
 * Whether `text` matches a wildcard pattern: `*` is any run of characters other than `/`, `**` any
 * run at all, everything else literal. Dynamic programming over (pattern, text) positions, so a
 * hostile pattern like `**a**a**a**b` costs pattern length x text length, never backtracking time.
 */
export function matchWildcards(pattern: string, text: string): boolean {
  // reachable[j]: the pattern consumed so far can match the first j characters of text. Two rows
  // reused in turn, not one per pattern character: this runs per image and glob, and a run of
  // 100,000 images made 20 arrays per match.
  let reachable = new Array<boolean>(text.length + 1).fill(false);
  let next = new Array<boolean>(text.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*') {
      const spansSegments = pattern[i + 1] === '*';
      while (pattern[i + 1] === '*') i++;
      next[0] = reachable[0];
      for (let j = 1; j <= text.length; j++) {
        next[j] = reachable[j] || (next[j - 1] && (spansSegments || text[j - 1] !== '/'));
      }
    } else {
      next[0] = false;
      for (let j = 0; j < text.length; j++) next[j + 1] = reachable[j] && text[j] === pattern[i];
    }
    const done = reachable;
    reachable = next;
    next = done;
  }
  return reachable[text.length];
}

/** Compiles one glob; throws `ImageGlobError`. */
export function compileImageGlob(glob: string): CompiledImageGlob {
  const normalized = normalizeImageGlob(glob);
  const matchesRepository = (repository: string) => matchWildcards(normalized, repository);
  return {
    glob,
    normalized,
    matchesRepository,
    matches: (name) => {
      const repository = policyRepository(name);
      return repository !== undefined && matchesRepository(repository);
    },
  };
}

/** A set of globs compiled once, for matching many names. */
export interface ImageGlobSet {
  globs: CompiledImageGlob[];
  /** The first glob that matches the name, or undefined. */
  match(normalizedName: string): CompiledImageGlob | undefined;
  matches(normalizedName: string): boolean;
}

/** Compiles globs; throws `ImageGlobError` for the first invalid one (validate with `normalizeImageGlob` per item for positions). */
export function compileImageGlobs(globs: readonly string[]): ImageGlobSet {
  const compiled = globs.map(compileImageGlob);
  // The name is split once for all the globs, not once per glob (trust lists have dozens).
  const match = (name: string) => {
    if (compiled.length === 0) return undefined;
    const repository = policyRepository(name);
    return repository === undefined ? undefined : compiled.find((glob) => glob.matchesRepository(repository));
  };
  return { globs: compiled, match, matches: (name) => match(name) !== undefined };
}

/** Compiled globs by text, so callers matching in a loop do not re-normalize; bounded, since globs come from files. */
const compiledCache = new Map<string, CompiledImageGlob>();
const MAX_CACHED_GLOBS = 1000;

function compiledGlob(glob: string): CompiledImageGlob {
  let compiled = compiledCache.get(glob);
  if (!compiled) {
    compiled = compileImageGlob(glob);
    if (compiledCache.size >= MAX_CACHED_GLOBS) compiledCache.clear();
    compiledCache.set(glob, compiled);
  }
  return compiled;
}

/** Whether a normalized image name (tag and digest allowed, and ignored) matches a glob; throws `ImageGlobError` for an invalid glob. */
export function matchImageGlob(glob: string, normalizedName: string): boolean {
  return compiledGlob(glob).matches(normalizedName);
}

/** The same for a repository already split from its reference (`ReferenceParts.repository`), so it is not split again. */
export function matchImageGlobRepository(glob: string, repository: string): boolean {
  return compiledGlob(glob).matchesRepository(repository);
}
