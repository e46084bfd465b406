/**
 * The policy's notion of trust, compiled once per run: which images and registries are trusted,
 * and which registries images may come from at all. Rules (untrusted-registry, typosquat,
 * impersonation) ask this index instead of re-reading the policy.
 */
import { compileImageGlobs, matchWildcards, registryHost, repositoryName, splitTagAndDigest, type ImageGlobSet } from '../config/glob.js';
import type { Policy } from '../config/policy.js';

/** The parts of a normalized reference (as in `Occurrence.reference`, which is already valid). */
export interface ReferenceParts {
  /** Registry host, lower-case, Docker Hub aliases folded to `docker.io`. */
  domain: string;
  /** Repository path, e.g. "library/nginx". */
  path: string;
  /** `domain/path`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits a normalized reference; the domain is always present in normalized form. */
export function referenceParts(reference: string): ReferenceParts {
  const { name, tag, digest } = splitTagAndDigest(reference);
  const repository = repositoryName(name);
  const firstSlash = repository.indexOf('/');
  const domain = firstSlash > 0 ? repository.slice(0, firstSlash) : '';
  const parts: ReferenceParts = { domain, path: repository.slice(firstSlash + 1), repository };
  if (tag !== undefined) parts.tag = tag;
  if (digest !== undefined) parts.digest = digest;
  return parts;
}

/** Host matching for registry lists: case-insensitive, Docker Hub aliases equal, `*` within the host ("*.gcr.io"). */
export function compileRegistryPatterns(patterns: readonly string[]): (domain: string) => boolean {
  const exact = new Set<string>();
  const wildcards: string[] = [];
  for (const pattern of patterns) {
    const host = registryHost(pattern.trim());
    if (host.includes('*')) wildcards.push(host);
    else exact.add(host);
  }
  return (domain) => {
    const host = registryHost(domain);
    return exact.has(host) || wildcards.some((pattern) => matchWildcards(pattern, host));
  };
}

export interface TrustIndex {
  /** The policy's trusted image globs (embedded defaults plus the file's `trusted.images`). */
  trustedImages: ImageGlobSet;
  /** Whether the image's repository matches a trusted glob. */
  isTrustedImage(reference: string): boolean;
  /** Whether the registry is one of `trusted.registries`. */
  isTrustedRegistry(domain: string): boolean;
  /** Trusted by name or by registry. */
  isTrusted(reference: string): boolean;
  /** Whether images may come from this registry: always true without a `registries.allow` list. */
  isAllowedRegistry(domain: string): boolean;
}

/** Compiles the policy's trust lists. The loader has already validated every glob. */
export function buildTrustIndex(policy: Policy): TrustIndex {
  const trustedImages = compileImageGlobs(policy.trustedImages);
  const isTrustedRegistry = compileRegistryPatterns(policy.trustedRegistries);
  const allowed = policy.allowedRegistries ? compileRegistryPatterns(policy.allowedRegistries) : undefined;
  const isTrustedImage = (reference: string) => trustedImages.matches(reference);
  return {
    trustedImages,
    isTrustedImage,
    isTrustedRegistry,
    isTrusted: (reference) => isTrustedImage(reference) || isTrustedRegistry(referenceParts(reference).domain),
    isAllowedRegistry: (domain) => (allowed ? allowed(domain) : true),
  };
}
