/**
 * Registry operations (OCI distribution spec): manifest HEAD/GET by tag or digest, verified blob
 * GET, and the referrers API with its tag-schema fallback. Every answer used as evidence is
 * checked against its digest. Bounded concurrency, and each unique repository+reference is
 * asked once per client (in-flight requests are shared, results cached, failures too), up to
 * `maxCachedAnswers` kept answers per kind: past it the oldest are asked again if needed.
 */
import pLimit from 'p-limit';
import { RegistryError, errorForStatus } from './transport/errors.js';
import type { CredentialSource } from './transport/credentials.js';
import { Transport, type RateLimitInfo, type RequestRecord, type TransportOptions, type TransportRequest, type TransportResponse } from './transport/transport.js';
import { digestOf, isDigest } from './digest.js';
import { isJsonObject, parseJson, stringAt, type JsonObject } from '../json.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES, type Descriptor, type RepositoryRef } from './types.js';
import { enclosed } from '../spans.js';

export interface RegistryClientOptions {
  /** Registry hosts (host[:port]) reached over plain HTTP (policy `insecure-registries`, CLI `--insecure-registry`). */
  insecureRegistries?: string[];
  /** Of those, the ones the operator named: they may receive credentials over plain HTTP (see TransportOptions). */
  plainHttpCredentialRegistries?: string[];
  credentials?: CredentialSource;
  /** Operations in flight at once, per registry (registries are asked in parallel). Default 16. */
  concurrency?: number;
  /** Deadline of one request: its retries, waits and body together. Default 30 s. */
  timeoutMs?: number;
  /** Longest `Retry-After` waited for; longer fails at once as rate limited. Default 10 s. */
  maxRetryAfterMs?: number;
  /** Wall-clock budget for all requests of the run (see TransportOptions.budgetMs). */
  budgetMs?: number;
  /** Extra attempts after a retryable failure. Default 3. */
  retries?: number;
  /** Largest manifest accepted. Default 4 MiB (the limit registries themselves apply). */
  maxManifestBytes?: number;
  /**
   * Manifest bytes kept in the cache over the client's life. Past it, answers are still returned
   * but not kept (a repository naming thousands of images on a registry that answers each with a
   * 4 MiB manifest must not fill memory). Default 256 MiB.
   */
  maxCachedManifestBytes?: number;
  /**
   * Answers (and failures) kept per kind: manifest HEADs, manifests, referrers, repositories. Past
   * it the oldest are forgotten and asked again if needed. Default 4,096.
   */
  maxCachedAnswers?: number;
  userAgent?: string;
  /** Token for ghcr.io when `credentials` has none for it (`defaultCredentialSource` takes it too). */
  githubToken?: string;
  logger?: (msg: string) => void;
  /** Transport knobs for tests (sleep, clock, Retry-After bound, backoff). */
  transport?: Pick<TransportOptions, 'sleep' | 'now' | 'maxRetryAfterMs' | 'backoffBaseMs' | 'maxConsecutiveFailures'>;
}

export interface ManifestResult {
  descriptor: Descriptor;
  bytes: Uint8Array;
  /** The manifest as parsed: a JSON object whose fields are not yet checked. */
  json: JsonObject;
}

const DEFAULT_MAX_MANIFEST = 4 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 16;
const MAX_CONCURRENCY = 64;
const DEFAULT_MAX_CACHED_MANIFESTS = 256 * 1024 * 1024;
const DEFAULT_MAX_CACHED_ANSWERS = 4096;
const MAX_REFERRER_PAGES = 10;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function checkRepository(repo: RepositoryRef): void {
  if (!repo.domain || /[\s/?#@]/.test(repo.domain))
    throw new RegistryError('PROTOCOL', `invalid registry host "${repo.domain}"`);
  const parts = repo.path.split('/');
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p)))
    throw new RegistryError('PROTOCOL', `invalid repository path "${repo.path}"`);
}

function checkReference(reference: string): void {
  if (!TAG.test(reference) && !isDigest(reference))
    throw new RegistryError('PROTOCOL', `invalid tag or digest "${reference}"`);
}

function name(repo: RepositoryRef, reference?: string): string {
  const base = `${repo.domain}/${repo.path}`;
  if (!reference) return base;
  return isDigest(reference) ? `${base}@${reference}` : `${base}:${reference}`;
}

/** Where a tag's or digest's manifest is cached: HEAD and GET share the key, so a fetched manifest answers a later HEAD. */
function manifestKey(repo: RepositoryRef, reference: string): string {
  return `${name(repo)}|${reference}`;
}

/** Where a manifest looked up with `findManifest` is cached (its own key: a miss answers no GET). */
function findKey(repo: RepositoryRef, reference: string): string {
  return `?${name(repo)}|${reference}`;
}

/** A manifest GET's answer when asked as `findManifest`: a 404 is no manifest, not a failure. */
function orNoneIfNotFound(error: unknown): undefined {
  if (error instanceof RegistryError && error.code === 'NOT_FOUND') return undefined;
  throw error;
}

/**
 * The promise under `key`, started by `start` only when absent: in-flight work is shared, and the
 * latest `max` answers and failures are kept. Past that the oldest is forgotten (`onForget`), and
 * asked again if it is needed again: a run naming 100,000 images does not keep 100,000 answers.
 */
function cached<T>(cache: Map<string, Promise<T>>, key: string, start: () => Promise<T>, max: number, onForget?: (key: string) => void): Promise<T> {
  let pending = cache.get(key);
  if (!pending) {
    pending = start();
    cache.set(key, pending);
    if (cache.size > max) {
      const oldest = cache.keys().next().value!;
      cache.delete(oldest);
      onForget?.(oldest);
    }
  }
  return pending;
}

function scopeOf(repo: RepositoryRef): string {
  return `repository:${repo.path}:pull`;
}

/** The usual media types, so that 100,000 answers share four strings rather than hold one each. */
const KNOWN_MEDIA_TYPES = new Map<string, string>(Object.values(MEDIA_TYPES).map((type) => [type, type]));

function mediaTypeOf(header: string | null, json?: { mediaType?: unknown }): string | undefined {
  if (json && typeof json.mediaType === 'string' && json.mediaType) return KNOWN_MEDIA_TYPES.get(json.mediaType) ?? json.mediaType;
  const type = header?.split(';')[0]?.trim();
  return type ? (KNOWN_MEDIA_TYPES.get(type) ?? type) : undefined;
}

/**
 * Whether a Content-Type can be a manifest: JSON (the manifest and index types are all
 * `+json`), Docker's signed schema 1, or none said. An HTML page (a login portal, a proxy's error
 * page answering 200) is not a manifest, whatever its bytes hash to.
 */
function mayBeManifest(header: string | null): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (!type) return true;
  return type === 'application/json' || type.endsWith('+json') || type === 'application/vnd.docker.distribution.manifest.v1+prettyjws';
}

function notAManifest(what: string, header: string | null): RegistryError {
  const type = (header?.split(';')[0]?.trim() ?? '').slice(0, 64).replace(/[^\x21-\x7e]/g, '?');
  return new RegistryError('PROTOCOL', `${what}: the registry answered with ${type}, which is not a manifest`);
}

export class RegistryClient {
  private readonly transport: Transport;
  /** Operations in flight at once per registry: callers that start no more than this never wait in its queue. */
  readonly concurrencyPerRegistry: number;
  /** Operations in flight, per registry: one slow registry does not hold the others' slots. */
  private readonly limits = new Map<string, ReturnType<typeof pLimit>>();
  /** Registries that answered the referrers API as not supported: not probed again (tag schema instead). */
  private readonly noReferrersApi = new Set<string>();
  private readonly maxManifestBytes: number;
  private readonly maxCachedManifestBytes: number;
  private cachedManifestBytes = 0;
  /** Sizes of the manifests counted in `cachedManifestBytes`, so a forgotten one is uncounted. */
  private readonly cachedManifestSizes = new Map<string, number>();
  private readonly maxCachedAnswers: number;
  private readonly heads = new Map<string, Promise<Descriptor>>();
  private readonly gets = new Map<string, Promise<ManifestResult>>();
  /** Manifests that may not exist (`findManifest`): a miss is kept as undefined, not as an error with its stack. */
  private readonly finds = new Map<string, Promise<ManifestResult | undefined>>();
  private readonly referrers = new Map<string, Promise<Descriptor[]>>();
  private readonly repositories = new Map<string, Promise<boolean | undefined>>();

  constructor(options: RegistryClientOptions = {}) {
    let credentials = options.credentials;
    if (options.githubToken) {
      // GITHUB_TOKEN is the last resort for ghcr.io, after any configured credential.
      const token = options.githubToken;
      const configured = options.credentials;
      credentials = {
        get: async (host) =>
          (await configured?.get(host)) ??
          (host === 'ghcr.io' ? { username: 'x-access-token', password: token, source: 'GITHUB_TOKEN' } : undefined),
      };
    }
    const transportOptions: TransportOptions = { ...(options.transport ?? {}) };
    if (options.insecureRegistries) transportOptions.insecureRegistries = options.insecureRegistries;
    if (options.plainHttpCredentialRegistries) transportOptions.plainHttpCredentialRegistries = options.plainHttpCredentialRegistries;
    if (credentials) transportOptions.credentials = credentials;
    if (options.timeoutMs !== undefined) transportOptions.timeoutMs = options.timeoutMs;
    if (options.maxRetryAfterMs !== undefined) transportOptions.maxRetryAfterMs = options.maxRetryAfterMs;
    if (options.budgetMs !== undefined) transportOptions.budgetMs = options.budgetMs;
    if (options.retries !== undefined) transportOptions.retries = options.retries;
    if (options.userAgent !== undefined) transportOptions.userAgent = options.userAgent;
    if (options.logger) transportOptions.logger = options.logger;
    this.transport = new Transport(transportOptions);
    this.concurrencyPerRegistry = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, MAX_CONCURRENCY));
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST;
    this.maxCachedManifestBytes = options.maxCachedManifestBytes ?? DEFAULT_MAX_CACHED_MANIFESTS;
    this.maxCachedAnswers = Math.max(1, options.maxCachedAnswers ?? DEFAULT_MAX_CACHED_ANSWERS);
  }

  /**
   * The descriptor of a tag or digest (digest, media type, size) from a HEAD request. When the
   * registry sends no `Docker-Content-Digest` (allowed for tags), the manifest is fetched and hashed.
   */
  headManifest(repo: RepositoryRef, reference: string): Promise<Descriptor> {
    const key = manifestKey(repo, reference);
    const fetched = this.gets.get(key);
    if (fetched) return fetched.then((r) => r.descriptor);
    return this.once(this.heads, key, repo, () => this.doHeadManifest(repo, reference));
  }

  /**
   * The manifest bytes and JSON. By digest, the bytes must hash to it (else DIGEST_MISMATCH); by
   * tag, the descriptor's digest is computed from the bytes and must equal any digest the
   * registry claims in `Docker-Content-Digest`.
   */
  getManifest(repo: RepositoryRef, reference: string): Promise<ManifestResult> {
    return this.once(this.gets, manifestKey(repo, reference), repo, () => this.doGetManifest(repo, reference), (key) => this.uncountManifest(key));
  }

  /**
   * The manifest of a tag that may well not exist, such as cosign's `.sig` tag or the referrers
   * tag schema's index of an unsigned image, or undefined when the registry answers 404. A miss
   * makes no error: a run over 100,000 unsigned images misses twice per image, and each error
   * (message, stack, parsed error body), kept in the answer cache, lived long enough to be
   * promoted to the old generation. Verified as `getManifest`; other failures throw as its do.
   */
  findManifest(repo: RepositoryRef, reference: string): Promise<ManifestResult | undefined> {
    return this.findManifestWithin(repo, reference, (run) => this.limitFor(repo)(run));
  }

  /** A blob, up to `maxBytes`, verified against its digest. Not cached (callers keep what they need). */
  getBlob(repo: RepositoryRef, digest: string, maxBytes: number): Promise<Uint8Array> {
    return this.limitFor(repo)(async () => {
      checkRepository(repo);
      if (!isDigest(digest)) throw new RegistryError('PROTOCOL', `invalid blob digest "${digest}"`);
      const what = `blob ${name(repo, digest)}`;
      const response = await this.transport.request({
        registry: repo.domain,
        path: `/v2/${repo.path}/blobs/${digest}`,
        scope: scopeOf(repo),
        maxBytes,
        what,
      });
      const actual = digestOf(response.body, digest);
      if (actual !== digest) throw new RegistryError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}`);
      return response.body;
    });
  }

  /**
   * Manifests whose `subject` is `digest`: the referrers API when the registry has it, else the
   * `sha256-<hex>` tag schema. Filtered by `artifactType` when given.
   */
  listReferrers(repo: RepositoryRef, digest: string, artifactType?: string): Promise<Descriptor[]> {
    const key = `${name(repo)}|${digest}|${artifactType ?? ''}`;
    return this.once(this.referrers, key, repo, () =>
      this.noReferrersApi.has(repo.domain.toLowerCase()) ? this.referrersFromTagSchema(repo, digest, artifactType) : this.doListReferrers(repo, digest, artifactType),
    );
  }

  /**
   * Whether the repository exists, from `GET /v2/<name>/tags/list?n=1`: a manifest 404 says only
   * MANIFEST_UNKNOWN on some registries (distribution answers so for unknown repositories too).
   * Undefined when the registry does not say (e.g. 401 for unknown names on Docker Hub).
   */
  repositoryExists(repo: RepositoryRef): Promise<boolean | undefined> {
    return this.once(this.repositories, name(repo), repo, async () => {
      checkRepository(repo);
      try {
        const response = await this.transport.request({
          registry: repo.domain,
          path: `/v2/${repo.path}/tags/list?n=1`,
          scope: scopeOf(repo),
          maxBytes: 1024 * 1024,
          what: `tags of ${name(repo)}`,
          acceptStatus: [404],
        });
        if (response.status === 200) return true;
        return errorForStatus(404, '', response.body).missing === 'repository' ? false : undefined;
      } catch {
        return undefined;
      }
    });
  }

  /** Docker Hub's `ratelimit-*` headers, as last seen. */
  rateLimit(): RateLimitInfo | undefined {
    return this.transport.rateLimit();
  }

  /** HTTP requests made (ping, token, API, redirects), all hosts or one ("127.0.0.1:5000"). */
  requestCount(host?: string): number {
    return this.transport.requestCount(host);
  }

  /** Registries given up in this run after failed requests in a row, with the last failure. */
  unhealthyRegistries(): Array<{ registry: string; failures: number; last: string }> {
    return this.transport.unhealthyRegistries();
  }

  /** Every request made, for tests and debugging; carries no headers or secrets. */
  requestLog(): RequestRecord[] {
    return this.transport.requests();
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, repo: RepositoryRef, run: () => Promise<T>, onForget?: (key: string) => void): Promise<T> {
    return cached(cache, key, () => this.limitFor(repo)(run), this.maxCachedAnswers, onForget);
  }

  private limitFor(repo: RepositoryRef): ReturnType<typeof pLimit> {
    const registry = repo.domain.toLowerCase();
    let limit = this.limits.get(registry);
    if (!limit) this.limits.set(registry, (limit = pLimit(this.concurrencyPerRegistry)));
    return limit;
  }

  /** A manifest HEAD or GET of a tag or digest, once both are known to be well-formed. */
  private requestManifest(repo: RepositoryRef, reference: string, what: string, request: Pick<TransportRequest, 'method' | 'maxBytes' | 'acceptStatus'>) {
    checkRepository(repo);
    checkReference(reference);
    return this.transport.request({
      registry: repo.domain,
      path: `/v2/${repo.path}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scope: scopeOf(repo),
      what,
      ...request,
    });
  }

  private async doHeadManifest(repo: RepositoryRef, reference: string): Promise<Descriptor> {
    const what = `manifest ${name(repo, reference)}`;
    const response = await this.requestManifest(repo, reference, what, { method: 'HEAD', maxBytes: 0, acceptStatus: [404] });
    if (response.status === 404) {
      // A HEAD answer has no error body, so it cannot say whether the repository or the manifest is
      // missing; callers that need to know ask `repositoryExists` (one tags/list per repository)
      // instead of paying a GET here for every missing tag, such as every unsigned image's `.sig` tag.
      throw new RegistryError('NOT_FOUND', `${what}: not found (404)`, { status: 404, missing: 'manifest' });
    }
    if (!mayBeManifest(response.headers.get('content-type'))) throw notAManifest(what, response.headers.get('content-type'));
    const digest = response.headers.get('docker-content-digest')?.trim();
    const mediaType = mediaTypeOf(response.headers.get('content-type'));
    const size = Number.parseInt(response.headers.get('content-length') ?? '', 10);
    if (digest && isDigest(digest) && mediaType && Number.isFinite(size)) {
      if (isDigest(reference) && digest !== reference)
        throw new RegistryError('DIGEST_MISMATCH', `${what}: registry answered for ${digest}`);
      if (size > this.maxManifestBytes)
        throw new RegistryError('TOO_LARGE', `${what}: manifest of ${size} bytes exceeds the limit of ${this.maxManifestBytes}`);
      return { mediaType, digest, size };
    }
    // No usable digest header: fetch and hash (the GET result is cached for later use).
    const result = await this.getManifestUnlimited(repo, reference);
    return result.descriptor;
  }

  private getManifestUnlimited(repo: RepositoryRef, reference: string): Promise<ManifestResult> {
    return cached(this.gets, manifestKey(repo, reference), () => this.doGetManifest(repo, reference), this.maxCachedAnswers, (key) => this.uncountManifest(key));
  }

  /** `findManifest`, its request run by `within` (the registry's limit, or none when already inside it). */
  private findManifestWithin(
    repo: RepositoryRef,
    reference: string,
    within: (run: () => Promise<ManifestResult | undefined>) => Promise<ManifestResult | undefined>,
  ): Promise<ManifestResult | undefined> {
    const fetched = this.gets.get(manifestKey(repo, reference));
    if (fetched) return fetched.catch(orNoneIfNotFound);
    const key = findKey(repo, reference);
    return cached(this.finds, key, () => within(() => this.doFindManifest(repo, reference, key)), this.maxCachedAnswers, (forgotten) => this.uncountManifest(forgotten));
  }

  private async doGetManifest(repo: RepositoryRef, reference: string): Promise<ManifestResult> {
    const what = `manifest ${name(repo, reference)}`;
    const response = await this.requestManifest(repo, reference, what, { maxBytes: this.maxManifestBytes });
    return this.verifiedManifest(reference, what, response, this.gets, manifestKey(repo, reference));
  }

  private async doFindManifest(repo: RepositoryRef, reference: string, key: string): Promise<ManifestResult | undefined> {
    const what = `manifest ${name(repo, reference)}`;
    const response = await this.requestManifest(repo, reference, what, { maxBytes: this.maxManifestBytes, acceptStatus: [404] });
    if (response.status === 404) return undefined;
    return this.verifiedManifest(reference, what, response, this.finds, key);
  }

  /** A manifest answer checked against the digest asked or claimed, parsed, and counted against the cache bound in `cache`. */
  private verifiedManifest(
    reference: string,
    what: string,
    response: TransportResponse,
    cache: Map<string, Promise<unknown>>,
    key: string,
  ): ManifestResult {
    if (!mayBeManifest(response.headers.get('content-type'))) throw notAManifest(what, response.headers.get('content-type'));
    const bytes = response.body;
    const claimed = response.headers.get('docker-content-digest')?.trim();
    const actual = digestOf(bytes, isDigest(reference) ? reference : claimed && isDigest(claimed) ? claimed : 'sha256:');
    if (isDigest(reference) && actual !== reference)
      throw new RegistryError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, not the requested digest`);
    if (claimed && isDigest(claimed) && claimed !== actual)
      throw new RegistryError('DIGEST_MISMATCH', `${what}: registry claims ${claimed} but the content hashes to ${actual}`);
    let json: unknown;
    try {
      json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new RegistryError('PROTOCOL', `${what}: manifest is not JSON`);
    }
    if (!isJsonObject(json)) throw new RegistryError('PROTOCOL', `${what}: manifest is not a JSON object`);
    const mediaType = mediaTypeOf(response.headers.get('content-type'), json);
    if (!mediaType) throw new RegistryError('PROTOCOL', `${what}: manifest has no media type`);
    const descriptor: Descriptor = { mediaType, digest: actual, size: bytes.byteLength };
    const artifactType = stringAt(json, 'artifactType');
    if (artifactType !== undefined) descriptor.artifactType = artifactType;
    this.keepWithinCacheBound(cache, key, bytes.byteLength);
    return { descriptor, bytes, json };
  }

  /** Counts a fetched manifest against the cache bound; one over it is not kept (asked again if needed). */
  private keepWithinCacheBound(cache: Map<string, Promise<unknown>>, key: string, bytes: number): void {
    if (!cache.has(key)) return;
    if (this.cachedManifestBytes + bytes <= this.maxCachedManifestBytes) {
      this.cachedManifestBytes += bytes;
      this.cachedManifestSizes.set(key, bytes);
    } else cache.delete(key);
  }

  private uncountManifest(key: string): void {
    this.cachedManifestBytes -= this.cachedManifestSizes.get(key) ?? 0;
    this.cachedManifestSizes.delete(key);
  }

  private async doListReferrers(repo: RepositoryRef, digest: string, artifactType?: string): Promise<Descriptor[]> {
    checkRepository(repo);
    if (!isDigest(digest)) throw new RegistryError('PROTOCOL', `invalid subject digest "${digest}"`);
    const what = `referrers of ${name(repo, digest)}`;
    const found: Descriptor[] = [];
    let path: string | undefined = `/v2/${repo.path}/referrers/${digest}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`;
    for (let page = 0; path && page < MAX_REFERRER_PAGES; page++) {
      const response = await this.transport.request({
        registry: repo.domain,
        path,
        headers: { accept: MEDIA_TYPES.ociIndex },
        scope: scopeOf(repo),
        maxBytes: this.maxManifestBytes,
        what,
        acceptStatus: [400, 404, 405, 406],
      });
      const type = mediaTypeOf(response.headers.get('content-type'));
      // Registries without the API answer 404 (or 400/405/406), or something that is not an index.
      if (response.status !== 200 || type !== MEDIA_TYPES.ociIndex) {
        if (page > 0) break;
        // A registry with the API never answers 404 (the spec), so this one has none: remember it.
        if (response.status !== 400) this.noReferrersApi.add(repo.domain.toLowerCase());
        return this.referrersFromTagSchema(repo, digest, artifactType);
      }
      let json: unknown;
      try {
        json = parseJson(new TextDecoder().decode(response.body));
      } catch {
        throw new RegistryError('PROTOCOL', `${what}: response is not JSON`);
      }
      const filtered = (response.headers.get('oci-filters-applied') ?? '').split(',').map((s) => s.trim()).includes('artifactType');
      for (const d of descriptorsOf(json)) if (!artifactType || filtered || d.artifactType === artifactType) found.push(d);
      path = nextPage(response.headers.get('link'));
    }
    return found;
  }

  private async referrersFromTagSchema(repo: RepositoryRef, digest: string, artifactType?: string): Promise<Descriptor[]> {
    const tag = digest.replace(':', '-');
    // Already inside the registry's limit: asked without it.
    const index = await this.findManifestWithin(repo, tag, (run) => run());
    if (!index) return [];
    return descriptorsOf(index.json).filter((d) => !artifactType || d.artifactType === artifactType);
  }
}

/** Whether `link` continues at `index` with `; rel=next` (blanks around `;`, `next` quoted or not, as `\s*;\s*rel="?next"?`). */
function relNextAt(link: string, index: number): boolean {
  const blanks = (at: number) => {
    while (at < link.length && /\s/.test(link[at])) at++;
    return at;
  };
  let at = blanks(index);
  if (link[at] !== ';') return false;
  at = blanks(at + 1);
  if (!link.startsWith('rel=', at)) return false;
  at += 4;
  if (link[at] === '"') at++;
  return link.startsWith('next', at);
}

/**
 * The target of the first `<target>; rel="next"` of a Link header, as `/<([^>]+)>\s*;\s*rel="?next"?/`
 * finds it. A loop: the pattern read from every `<` to the next `>` (380 ms for 16,000 `<` in one
 * header, every page); here each `>` is found once and what follows it checked once.
 */
export function nextTarget(link: string): string | undefined {
  const targets = enclosed(link, '<', '>');
  let checked = -1;
  let next = false;
  for (let span = targets(0); span; span = targets(span.start + 1)) {
    if (span.innerEnd === span.innerStart) continue;
    if (span.end !== checked) [checked, next] = [span.end, relNextAt(link, span.end)];
    if (next) return link.slice(span.innerStart, span.innerEnd);
  }
  return undefined;
}

/** Same-origin path of a `Link: <...>; rel="next"` header, if any. */
function nextPage(link: string | null): string | undefined {
  if (!link) return undefined;
  const target = nextTarget(link);
  if (target === undefined) return undefined;
  try {
    const url = new URL(target, 'http://same-origin.invalid');
    if (url.host !== 'same-origin.invalid' || !url.pathname.startsWith('/v2/')) return undefined;
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

/** The well-formed descriptors of an index's `manifests`, bounded (untrusted input). */
export function descriptorsOf(indexJson: unknown, max = 10_000): Descriptor[] {
  const manifests = (indexJson as { manifests?: unknown })?.manifests;
  if (!Array.isArray(manifests)) return [];
  const out: Descriptor[] = [];
  for (const entry of manifests.slice(0, max)) {
    const d = entry as Record<string, unknown>;
    if (typeof d?.mediaType !== 'string' || typeof d.digest !== 'string' || !isDigest(d.digest)) continue;
    if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) continue;
    const descriptor: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
    if (typeof d.artifactType === 'string') descriptor.artifactType = d.artifactType;
    if (d.annotations && typeof d.annotations === 'object' && !Array.isArray(d.annotations)) {
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.annotations)) if (typeof v === 'string') annotations[k] = v;
      descriptor.annotations = annotations;
    }
    const p = d.platform as Record<string, unknown> | undefined;
    if (p && typeof p.architecture === 'string' && typeof p.os === 'string') {
      descriptor.platform = { architecture: p.architecture, os: p.os };
      if (typeof p.variant === 'string') descriptor.platform.variant = p.variant;
      if (typeof p['os.version'] === 'string') descriptor.platform['os.version'] = p['os.version'];
    }
    out.push(descriptor);
  }
  return out;
}
