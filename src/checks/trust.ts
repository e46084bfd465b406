/**
 * The policy's notion of trust, compiled once per run: which images and registries are trusted,
 * and which registries images may come from at all. Rules (untrusted-registry, typosquat,
 * impersonation) ask this index instead of re-reading the policy.
 */
import { compileImageGlobs, matchWildcards, type ImageGlobSet } from '../config/glob.js';
import type { Policy } from '../config/policy.js';
import { policyHost, splitReference } from '../reference/index.js';

/** Host matching for registry lists: hosts compared as `policyHost` spells them (case, Docker Hub's names, `:443`, loopback), `*` within the host ("*.gcr.io"). */
export function compileRegistryPatterns(patterns: readonly string[]): (domain: string) => boolean {
  const exact = new Set<string>();
  const wildcards: string[] = [];
  for (const pattern of patterns) {
    const host = policyHost(pattern.trim());
    if (host.includes('*')) wildcards.push(host);
    else exact.add(host);
  }
  return (domain) => {
    const host = policyHost(domain);
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
    isTrusted: (reference) => {
      if (isTrustedImage(reference)) return true;
      const parts = splitReference(reference);
      return parts !== undefined && isTrustedRegistry(parts.domain);
    },
    isAllowedRegistry: (domain) => (allowed ? allowed(domain) : true),
  };
}
