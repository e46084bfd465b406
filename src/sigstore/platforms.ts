/**
 * Policy `signatures.platforms`: which platform manifests of an image index the signature stage
 * verifies besides the index digest, and how their results fold into the occurrence's status.
 * An index entry is a platform when it is an image manifest that names a platform; attestation
 * manifests (buildx's `unknown/unknown` entries), artifacts and nested indexes are not.
 */
import { stringAt } from '../json.js';
import type { PlatformSignatureStatus, SignatureStatus } from '../model.js';
import { MEDIA_TYPES, descriptorsOf, formatPlatform, isIndexMediaType, type Descriptor, type RepositoryRef } from '../registry/index.js';
import type { SignatureRegistry } from './discover.js';

/** Platform manifests examined per index at most; an index lists a handful in practice. */
export const MAX_PLATFORM_MANIFESTS = 32;
/** Index entries read at most (untrusted input). */
const MAX_INDEX_ENTRIES = 1024;
const ATTESTATION_REFERENCE_TYPE = 'attestation-manifest';

export type PlatformSelection = boolean | string[];

interface PlatformManifest {
  /** "linux/arm64/v8" */
  platform: string;
  digest: string;
}

export interface SelectedPlatforms {
  /** In index order, at most MAX_PLATFORM_MANIFESTS. */
  manifests: PlatformManifest[];
  /** Selected entries left out by the cap. */
  overLimit: number;
  /** Platforms the policy lists that no entry of the index matches. */
  absent: string[];
}

/** Whether the selection asks for any platform manifest at all. */
export function wantsPlatforms(selection: PlatformSelection | undefined): selection is true | string[] {
  return selection === true || (Array.isArray(selection) && selection.length > 0);
}

function isImageManifest(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociManifest || mediaType === MEDIA_TYPES.dockerManifest;
}

/** The entry's platform text when it is a runnable image for a platform, else undefined. */
function platformOf(descriptor: Descriptor): string | undefined {
  const platform = descriptor.platform;
  if (!platform || !isImageManifest(descriptor.mediaType) || descriptor.artifactType) return undefined;
  if (descriptor.annotations?.['vnd.docker.reference.type'] === ATTESTATION_REFERENCE_TYPE) return undefined;
  if (platform.os === 'unknown' && platform.architecture === 'unknown') return undefined;
  return formatPlatform(platform);
}

/**
 * Whether a platform the policy names selects an index entry's platform: equal, or the policy
 * leaves out the variant ("linux/arm" selects "linux/arm/v6" and "linux/arm/v7").
 */
export function platformSelects(selector: string, platform: string): boolean {
  const wanted = selector.toLowerCase().split('/');
  const actual = withDefaultVariant(platform.toLowerCase().split('/'));
  if (wanted.length > actual.length) return false;
  return wanted.every((part, index) => part === actual[index]) && (wanted.length === actual.length || wanted.length === 2);
}

/** arm64 without a variant is v8 (as containerd normalizes it), so "linux/arm64/v8" selects "linux/arm64". */
function withDefaultVariant(parts: string[]): string[] {
  return parts.length === 2 && parts[1] === 'arm64' ? [...parts, 'v8'] : parts;
}

/** The platform manifests of an index (its parsed JSON) that the selection asks for. */
export function selectPlatformManifests(indexJson: unknown, selection: true | string[]): SelectedPlatforms {
  const selected: PlatformManifest[] = [];
  const seen = new Set<string>();
  const matched = new Set<string>();
  for (const descriptor of descriptorsOf(indexJson, MAX_INDEX_ENTRIES)) {
    const platform = platformOf(descriptor);
    if (!platform) continue;
    if (selection !== true) {
      const selectors = selection.filter((selector) => platformSelects(selector, platform));
      if (selectors.length === 0) continue;
      for (const selector of selectors) matched.add(selector);
    }
    const id = `${platform}@${descriptor.digest}`;
    if (seen.has(id)) continue;
    seen.add(id);
    selected.push({ platform, digest: descriptor.digest });
  }
  return {
    manifests: selected.slice(0, MAX_PLATFORM_MANIFESTS),
    overLimit: Math.max(0, selected.length - MAX_PLATFORM_MANIFESTS),
    absent: selection === true ? [] : selection.filter((selector) => !matched.has(selector)),
  };
}

type IndexLookup = { index: false } | { index: true; selected: SelectedPlatforms } | { error: string };

/**
 * Whether `digest` is an image index and, if so, its selected platform manifests. `mediaType` is
 * what the resolve stage saw for this digest; when it names a single manifest nothing is fetched.
 */
async function lookUpPlatforms(
  client: SignatureRegistry,
  repo: RepositoryRef,
  digest: string,
  mediaType: string | undefined,
  selection: true | string[],
): Promise<IndexLookup> {
  if (mediaType !== undefined && !isIndexMediaType(mediaType)) return { index: false };
  try {
    const manifest = await client.getManifest(repo, digest);
    const type = manifest.descriptor.mediaType || stringAt(manifest.json, 'mediaType');
    if (!isIndexMediaType(type)) return { index: false };
    return { index: true, selected: selectPlatformManifests(manifest.json, selection) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { error: `${(error as Error).message}${typeof code === 'string' ? ` (${code})` : ''}` };
  }
}

type Status = SignatureStatus['status'];

/** Higher is worse: a definite failure outweighs an unknown, which outweighs a pass. */
const STATUS_RANK: Record<Status, number> = {
  'not-required': 0,
  verified: 0,
  'not-checked': 1,
  unsigned: 2,
  'signer-mismatch': 3,
  invalid: 4,
};

export function worstStatus(statuses: Status[]): Status {
  return statuses.reduce((worst, status) => (STATUS_RANK[status] > STATUS_RANK[worst] ? status : worst));
}

/** A platform manifest's own result, as recorded on the occurrence. */
function platformStatus(manifest: PlatformManifest, status: SignatureStatus): PlatformSignatureStatus {
  const entry: PlatformSignatureStatus = {
    platform: manifest.platform,
    digest: manifest.digest,
    status: status.status === 'not-required' ? 'verified' : status.status,
    signatures: status.signatures,
  };
  if (status.message) entry.message = status.message;
  if (status.unmet?.length) entry.unmet = status.unmet;
  return entry;
}

/**
 * The index's own status with its platform manifests' results folded in. `lookupError` is set when
 * the index could not be read, so no platform could be checked: that alone is "not checked".
 */
function withPlatforms(
  index: SignatureStatus,
  platforms: PlatformSignatureStatus[],
  selected: Pick<SelectedPlatforms, 'overLimit' | 'absent'>,
  lookupError?: string,
): SignatureStatus {
  const statuses = [index.status, ...platforms.map((platform) => platform.status)];
  // Platforms that were asked for but not examined leave the image unverified, never verified.
  if (lookupError || selected.overLimit > 0) statuses.push('not-checked');
  const notes: string[] = [];
  if (lookupError) notes.push(`platform manifests could not be listed: ${lookupError}`);
  const failing = platforms.filter((platform) => platform.status !== 'verified');
  if (platforms.length > 0) {
    notes.push(
      failing.length === 0
        ? `${platforms.length} platform manifest${platforms.length === 1 ? '' : 's'} verified`
        : `platform manifests: ${failing.map((platform) => `${platform.platform} (${platform.digest}) ${platform.status}`).join(', ')}`,
    );
  }
  if (selected.overLimit > 0) notes.push(`${selected.overLimit} more platform manifest${selected.overLimit === 1 ? ' was' : 's were'} not checked (at most ${MAX_PLATFORM_MANIFESTS} per index)`);
  if (selected.absent.length > 0) notes.push(`not in the index: ${selected.absent.join(', ')}`);
  const status: SignatureStatus = { ...index, status: worstStatus(statuses), indexStatus: index.status, platforms };
  const message = [index.message, ...notes].filter(Boolean).join('; ');
  if (message) status.message = message;
  return status;
}

/**
 * The index digest's result (`check` of it) and, when it is an image index, its selected platform
 * manifests' results, each by `check` (which the caller caches per digest), folded together.
 */
export async function checkWithPlatforms(
  client: SignatureRegistry,
  repo: RepositoryRef,
  digest: string,
  mediaType: string | undefined,
  selection: true | string[],
  check: (digest: string) => Promise<SignatureStatus>,
): Promise<SignatureStatus> {
  const [index, lookup] = await Promise.all([check(digest), lookUpPlatforms(client, repo, digest, mediaType, selection)]);
  if ('error' in lookup) return withPlatforms(index, [], { overLimit: 0, absent: [] }, lookup.error);
  if (!lookup.index) return index;
  const platforms = await Promise.all(lookup.selected.manifests.map(async (manifest) => platformStatus(manifest, await check(manifest.digest))));
  return withPlatforms(index, platforms, lookup.selected);
}
