/**
 * Registry operations over the transport layer (like go-containerregistry's pkg/v1/remote over
 * pkg/v1/remote/transport). Import registry things from here.
 */
import { descriptorsOf } from './client.js';
import type { Descriptor, Platform } from './types.js';

export { RegistryClient, descriptorsOf, type ManifestResult } from './client.js';
export { MEDIA_TYPES, MANIFEST_ACCEPT, isIndexMediaType, type Descriptor, type Platform, type RepositoryRef } from './types.js';
export { RegistryError } from './transport/errors.js';
export { defaultCredentialSource, staticCredentialSource } from './transport/credentials.js';

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
export { DockerHubApi, type HubRepositoryAnswer } from './docker-hub.js';
