/**
 * Docker's normalization of familiar names (Go: normalize.go): "nginx" means
 * "docker.io/library/nginx", "index.docker.io" means "docker.io", and the familiar form drops
 * both again for display.
 *
 * One step further than the Go package: every Docker Hub host name (`registry-1.docker.io`,
 * `registry.hub.docker.com`, any of them with `:443`) becomes `docker.io`, and `:443` is dropped
 * from other hosts. They name the same registry, and a canonical reference that spelled them
 * differently would let an image slip past every rule written for the usual spelling (typosquat
 * targets, trusted globs, signature rules). Case and other ports are kept as written;
 * comparisons go through host.ts.
 */
import { ReferenceError, quoteInput } from './errors.js';
import { IDENTIFIER_PATTERN, PATH_PATTERN } from './grammar.js';
import { canonicalDomain } from './host.js';
import { checkInputBounds, parseAsWritten } from './parse.js';
import type { ImageReference } from './types.js';

/** Docker Hub's canonical domain. */
const DEFAULT_DOMAIN = 'docker.io';
/** Namespace of Docker Hub's official images. */
const OFFICIAL_REPOSITORY_PREFIX = 'library/';
const LOCALHOST = 'localhost';

/**
 * The registry that familiar text names, as written (`ghcr.io`, `localhost:5000`), or undefined
 * when it names none and means Docker Hub: the rule splitDockerDomain applies, for readers that
 * must tell whether a value names its registry without parsing it.
 */
export function writtenRegistry(text: string): string | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const first = text.slice(0, slash);
  return first === LOCALHOST || first.includes('.') || first.includes(':') || first.toLowerCase() !== first ? first : undefined;
}

/**
 * Splits familiar text into domain and the rest (path plus any tag/digest), filling in Docker
 * Hub. The first "/"-component is a domain when it is "localhost", contains "." or ":" (a host
 * name, IP address or port), or has upper case (never valid in a path). A single component is
 * always a Docker Hub official image, even "localhost" or "example.com" (as in Go).
 */
export function splitDockerDomain(text: string): { domain: string; remainder: string } {
  const slash = text.indexOf('/');
  if (slash === -1) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPOSITORY_PREFIX + text };

  const first = writtenRegistry(text);
  let domain: string;
  let remainder: string;
  if (first !== undefined) {
    // Docker Hub's other names and the HTTPS default port are spelled away here, so the
    // canonical reference is one text per registry (see canonicalDomain).
    [domain, remainder] = [canonicalDomain(first), text.slice(slash + 1)];
  } else {
    [domain, remainder] = [DEFAULT_DOMAIN, text];
  }
  // "docker.io/ubuntu" is the official image, but "ghcr.io/ubuntu" is not.
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPOSITORY_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * Parses a reference as Docker does (Go: ParseNormalizedNamed): fills in docker.io and
 * library/, maps Docker Hub's other names to docker.io and drops `:443` (see the header), keeps tag and digest as written (both may be
 * present), adds no default tag. Throws ReferenceError.
 */
export function parseNormalized(text: string): ImageReference {
  checkInputBounds(text);
  if (IDENTIFIER_PATTERN.test(text)) {
    throw new ReferenceError(
      'NAME_IS_IDENTIFIER',
      `invalid repository name ${quoteInput(text)}: a 64-character hexadecimal string is an image ID, not a name`,
    );
  }
  const { domain, remainder } = splitDockerDomain(text);
  const remote = remainder.split(/[:@]/, 1)[0] ?? remainder;
  // Upper case is reported as such only when it is the whole problem; "${IMAGE}" is not a
  // lower-case mistake, and the strict parse below names the component that is wrong.
  if (remote.toLowerCase() !== remote && PATH_PATTERN.test(remote.toLowerCase())) {
    throw new ReferenceError('NAME_CONTAINS_UPPERCASE', `repository name must be lowercase: ${quoteInput(text)}`);
  }
  const reference = parseAsWritten(`${domain}/${remainder}`, text);
  // The Go package reaches the same result through the same split; guard against a grammar
  // change making the strict parser pick a different domain than the one chosen above.
  if (reference.domain !== domain) {
    throw new ReferenceError('INVALID_DOMAIN', `invalid domain ${quoteInput(domain)}`);
  }
  return reference;
}

/**
 * Parses text that must already be in canonical form (Go: ParseNamed): "docker.io/library/nginx"
 * passes, "nginx" and "docker.io/nginx" throw NAME_NOT_CANONICAL.
 */
export function parseCanonical(text: string): ImageReference {
  const reference = parseNormalized(text);
  if (formatReference(reference) !== text) {
    throw new ReferenceError('NAME_NOT_CANONICAL', `repository name must be canonical: ${quoteInput(text)}`);
  }
  return reference;
}

/** Canonical text: `domain/path[:tag][@digest]` (no domain part when the reference has none). */
export function formatReference(reference: ImageReference): string {
  let text = repositoryName(reference);
  if (reference.tag !== undefined) text += `:${reference.tag}`;
  if (reference.digest !== undefined) text += `@${reference.digest}`;
  return text;
}

/** The repository without tag or digest: `domain/path`. */
export function repositoryName(reference: ImageReference): string {
  return reference.domain === '' ? reference.path : `${reference.domain}/${reference.path}`;
}

/**
 * The short name people write: docker.io is dropped, and so is library/ when nothing nests
 * below it ("nginx", "bitnami/redis", "library/a/b", "ghcr.io/x/y").
 */
export function familiarName(reference: ImageReference): string {
  if (reference.domain !== DEFAULT_DOMAIN) return repositoryName(reference);
  const path = reference.path;
  if (path.startsWith(OFFICIAL_REPOSITORY_PREFIX)) {
    const official = path.slice(OFFICIAL_REPOSITORY_PREFIX.length);
    if (!official.includes('/')) return official;
  }
  return path;
}

/** familiarName plus tag and digest as written, e.g. "nginx:1.25" or "ghcr.io/x/y@sha256:…". */
export function familiarString(reference: ImageReference): string {
  let text = familiarName(reference);
  if (reference.tag !== undefined) text += `:${reference.tag}`;
  if (reference.digest !== undefined) text += `@${reference.digest}`;
  return text;
}
