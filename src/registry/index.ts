/**
 * Registry operations over the transport layer (like go-containerregistry's pkg/v1/remote over
 * pkg/v1/remote/transport). Import registry things from here.
 */
import { descriptorsOf } from './client.js';
import type { Descriptor, Platform, RepositoryRef } from './types.js';

export { RegistryClient, descriptorsOf, type RegistryClientOptions, type ManifestResult } from './client.js';
export { digestOf, isDigest } from './digest.js';
export { MEDIA_TYPES, MANIFEST_ACCEPT, isIndexMediaType, type Descriptor, type Platform, type RepositoryRef } from './types.js';
export {
  RegistryError,
  isRegistryError,
  type RegistryErrorCode,
  type MissingKind,
} from './transport/errors.js';
export {
  defaultCredentialSource,
  staticCredentialSource,
  parseCredentialMap,
  CREDENTIALS_ENV,
  type Credential,
  type CredentialSource,
  type DefaultCredentialOptions,
} from './transport/credentials.js';
export type { RateLimitInfo, RequestRecord } from './transport/transport.js';

/** "linux/arm64/v8" style platform text. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * Where `digest` sits in an image index: the child descriptor and its platform text, or
 * undefined when the index does not list it. Lets the resolve stage tell a pin to one platform's
 * manifest from a pin to the whole index.
 */
export function findInIndex(indexJson: unknown, digest: string): { descriptor: Descriptor; platform?: string } | undefined {
  const descriptor = descriptorsOf(indexJson).find((d) => d.digest === digest);
  if (!descriptor) return undefined;
  return descriptor.platform ? { descriptor, platform: formatPlatform(descriptor.platform) } : { descriptor };
}

/**
 * Splits a normalized reference ("docker.io/library/nginx:1.25@sha256:…", as in
 * `Occurrence.reference`) into repository, tag and digest. Returns undefined for text that is
 * not in normalized form (no domain part).
 */
export function splitNormalizedReference(reference: string): { repo: RepositoryRef; tag?: string; digest?: string } | undefined {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const domain = rest.slice(0, slash);
  let path = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (!path) return undefined;
  const out: { repo: RepositoryRef; tag?: string; digest?: string } = { repo: { domain, path } };
  if (tag) out.tag = tag;
  if (digest) out.digest = digest;
  return out;
}
