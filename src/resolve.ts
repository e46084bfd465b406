/**
 * The resolve stage: asks the registry about every occurrence that names an image (not built
 * locally) and records what it said in `occurrence.resolution`. Each unique reference is asked
 * once; the client further de-duplicates repository+tag and repository+digest requests.
 *
 * - tag only: the tag's current digest (HEAD, or GET and hash when the registry gives no digest);
 * - digest only: the manifest fetched by digest and its bytes hashed (evidence, not a header);
 * - tag and digest: both, and when they differ and the tag points to an index, whether the pinned
 *   digest is one platform's manifest in that index (`pinnedDigestPlatform`).
 * Failures never throw: they become `status: 'error'` with an `errorCode`.
 */
import { withFields } from './copy.js';
import type { Occurrence, ResolvedOccurrence, Resolution } from './model.js';
import { splitReference, type ReferenceParts } from './reference/index.js';
import {
  RegistryError,
  findInIndex,
  isIndexMediaType,
  type RegistryClient,
  type RepositoryRef,
} from './registry/index.js';

export interface ResolveOptions {
  logger?: (msg: string) => void;
  /** Called as each distinct reference is resolved: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
}

/** `RATE_LIMITED` -> `rate-limited`, the form `Resolution.errorCode` and findings carry. */
export function resolutionErrorCode(code: RegistryError['code']): string {
  return code.toLowerCase().replace(/_/g, '-');
}

function failure(error: unknown, subject: string): Resolution {
  if (error instanceof RegistryError) {
    let message = error.message;
    if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN') {
      // Docker Hub and others answer 401 for repositories that do not exist as well as private ones.
      message += ` (${subject} may not exist, or needs credentials)`;
    }
    const resolution: Resolution = { status: 'error', errorCode: resolutionErrorCode(error.code), message };
    if (error.nothingAnswered) resolution.nothingAnswered = true;
    return resolution;
  }
  return { status: 'error', errorCode: 'protocol', message: `${subject}: ${(error as Error)?.message ?? String(error)}` };
}

async function notFound(error: RegistryError, asked: 'tag' | 'digest', repo: RepositoryRef, client: RegistryClient): Promise<Resolution> {
  const subject = `${repo.domain}/${repo.path}`;
  // Registries often say only "manifest unknown" when the whole repository is missing.
  const repositoryMissing = error.missing === 'repository' || (await client.repositoryExists(repo)) === false;
  const message = repositoryMissing
    ? `repository ${subject} does not exist`
    : `${asked === 'tag' ? 'tag' : 'digest'} does not exist in ${subject}`;
  return { status: 'not-found', missing: repositoryMissing ? 'repository' : asked, message };
}

async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

const isNotFound = (error: unknown): error is RegistryError => error instanceof RegistryError && error.code === 'NOT_FOUND';

/** What the registry says about one normalized reference, split (`parts`) or not (undefined). */
async function resolveReference(reference: string, parts: ReferenceParts | undefined, client: RegistryClient): Promise<Resolution> {
  if (!parts) return { status: 'error', errorCode: 'protocol', message: `cannot resolve "${reference}": not a normalized reference` };
  const { digest } = parts;
  const repo: RepositoryRef = { domain: parts.domain, path: parts.path };
  const tag = parts.tag ?? (digest ? undefined : 'latest');
  const subject = `${repo.domain}/${repo.path}`;

  const tagAnswer = tag ? settle(client.headManifest(repo, tag)) : undefined;
  const digestAnswer = digest ? settle(client.getManifest(repo, digest)) : undefined;
  const [tagResult, digestResult] = await Promise.all([tagAnswer, digestAnswer]);

  if (!digest) {
    if (!tagResult) return { status: 'error', errorCode: 'protocol', message: 'nothing to resolve' };
    if ('error' in tagResult) return isNotFound(tagResult.error) ? notFound(tagResult.error, 'tag', repo, client) : failure(tagResult.error, subject);
    return { status: 'ok', tagDigest: tagResult.value.digest, mediaType: tagResult.value.mediaType };
  }

  // A digest is present: its existence is the main fact.
  if (!digestResult) return { status: 'error', errorCode: 'protocol', message: 'nothing to resolve' };
  if ('error' in digestResult) {
    if (isNotFound(digestResult.error)) return { ...(await notFound(digestResult.error, 'digest', repo, client)), pinnedDigestExists: false };
    return failure(digestResult.error, subject);
  }
  const resolution: Resolution = { status: 'ok', pinnedDigestExists: true, mediaType: digestResult.value.descriptor.mediaType };
  if (!tagResult) return resolution;
  if ('error' in tagResult) {
    if (isNotFound(tagResult.error)) {
      resolution.message = `tag ${tag} no longer exists in ${subject}; the pinned digest does`;
      resolution.missing = 'tag';
    } else {
      const tagFailure = failure(tagResult.error, subject);
      resolution.message = `tag ${tag} could not be checked: ${tagFailure.message}`;
      if (tagFailure.errorCode) resolution.errorCode = tagFailure.errorCode;
    }
    return resolution;
  }
  resolution.tagDigest = tagResult.value.digest;
  if (tagResult.value.digest !== digest && isIndexMediaType(tagResult.value.mediaType)) {
    const platform = await platformInIndex(client, repo, tagResult.value.digest, digest);
    if (platform) resolution.pinnedDigestPlatform = platform;
  }
  return resolution;
}

/** The platform of `digest` inside the index `indexDigest`, when it is one of its children. */
async function platformInIndex(client: RegistryClient, repo: RepositoryRef, indexDigest: string, digest: string): Promise<string | undefined> {
  const index = await settle(client.getManifest(repo, indexDigest));
  if ('error' in index) return undefined;
  const found = findInIndex(index.value.json, digest);
  return found ? (found.platform ?? 'unknown platform') : undefined;
}

/**
 * References asked at once, over all registries. The client bounds requests per registry; this
 * bounds the work started (promises, closures), so 100,000 references do not all wait in memory.
 */
const RESOLVE_WORKERS = 256;

/** A distinct reference to resolve, split once. */
interface Question {
  reference: string;
  parts: ReferenceParts | undefined;
}

/**
 * The distinct references of each registry, registries in the order first named (references that
 * do not split go together, answered without a request).
 */
function questionsByRegistry(occurrences: Occurrence[]): Question[][] {
  const seen = new Set<string>();
  const byRegistry = new Map<string, Question[]>();
  for (const { reference, local } of occurrences) {
    if (!reference || local || seen.has(reference)) continue;
    seen.add(reference);
    const parts = splitReference(reference);
    const registry = parts?.domain.toLowerCase() ?? '';
    let questions = byRegistry.get(registry);
    if (!questions) byRegistry.set(registry, (questions = []));
    questions.push({ reference, parts });
  }
  return [...byRegistry.values()];
}

/**
 * Fills `resolution` for each occurrence with a reference that is not built locally. Returns
 * new objects in the same order; occurrences without a reference are returned unchanged.
 *
 * Each registry's references are asked by as many workers as the client lets in flight to it,
 * and registries are asked in parallel up to RESOLVE_WORKERS in all: no reference waits in the
 * client's queue behind hundreds of others (the 256 workers over one registry kept 240 waiting,
 * each long enough for what it held to reach the old generation), and a slow registry holds only
 * its own workers.
 */
export async function resolveOccurrences(
  occurrences: Occurrence[],
  client: RegistryClient,
  options: ResolveOptions = {},
): Promise<ResolvedOccurrence[]> {
  const registries = questionsByRegistry(occurrences);
  const total = registries.reduce((sum, questions) => sum + questions.length, 0);
  const resolutions = new Map<string, Resolution>();
  options.onProgress?.(0, total);
  const resolveAll = async (questions: Question[], workers: number): Promise<void> => {
    const pending = questions.values();
    const worker = async (): Promise<void> => {
      for (let next = pending.next(); !next.done; next = pending.next()) {
        const { reference, parts } = next.value;
        const resolution = await resolveReference(reference, parts, client).catch((error: unknown) => failure(error, reference));
        resolutions.set(reference, resolution);
        options.onProgress?.(resolutions.size, total);
        if (resolution.status !== 'ok') options.logger?.(`${reference}: ${resolution.status}${resolution.message ? ` (${resolution.message})` : ''}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(workers, questions.length) }, worker));
  };
  const perRegistry = Math.min(client.concurrencyPerRegistry, RESOLVE_WORKERS);
  const pendingRegistries = registries.values();
  const lane = async (): Promise<void> => {
    for (let next = pendingRegistries.next(); !next.done; next = pendingRegistries.next()) await resolveAll(next.value, perRegistry);
  };
  await Promise.all(Array.from({ length: Math.min(Math.floor(RESOLVE_WORKERS / perRegistry), registries.length) }, lane));
  return occurrences.map((occurrence) => {
    const resolution = occurrence.reference && !occurrence.local ? resolutions.get(occurrence.reference) : undefined;
    return resolution ? withFields(occurrence, { resolution: { ...resolution } }) : { ...occurrence };
  });
}
