/**
 * HTTP to registries, and everything that is not a registry operation: scheme choice
 * (https, plain http only for insecure registries), the `/v2/` ping, Bearer token and Basic auth,
 * retries with backoff honouring `Retry-After`, per-request timeouts, bounded response sizes,
 * redirects that never carry credentials to another origin, and request accounting.
 *
 * Credential rule: a registry's credential is sent as Basic auth only to the registry's own
 * origin, and to a bearer realm only when the realm is https (or the same origin of an insecure
 * registry) and its host is the registry host, the registry's parent domain, a sibling under the
 * same parent (registry-1.docker.io -> auth.docker.io), or a subdomain of it. Any other realm
 * gets an anonymous token request, and so does a challenge answered by a host the registry
 * redirected to. Redirects to another origin (blob storage) lose the Authorization header, and a
 * request with a body (the refresh-token grant) is not redirected there at all. Tokens and
 * credentials are never logged, and registry error text is scrubbed of them.
 *
 * Uses the global `fetch` (undici), which nock intercepts in tests.
 */
import { DOCKER_HUB_API_HOST, isDockerHub } from '../../reference/index.js';
import { RegistryError, errorForStatus } from './errors.js';
import { parseChallenges, type AuthChallenge } from './challenge.js';
import type { Credential, CredentialSource } from './credentials.js';

export interface TransportOptions {
  /** Hosts (with port when not default) reached over plain HTTP. */
  insecureRegistries?: string[];
  /**
   * Insecure registries whose credentials may still be sent over plain HTTP: those the person
   * running the scan named (`--insecure-registry`, the action input), not the repository's policy,
   * which must not be able to make a credential travel in clear text. Loopback hosts always may.
   */
  plainHttpCredentialRegistries?: string[];
  credentials?: CredentialSource;
  /** Per HTTP request, headers and body together. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after a retryable failure (429, 5xx, timeout, reset). Default 3. */
  retries?: number;
  /** Longest `Retry-After` waited for; a longer one fails at once as RATE_LIMITED. Default 60 s. */
  maxRetryAfterMs?: number;
  /** First backoff delay when no `Retry-After` is given; doubles per attempt. Default 500 ms. */
  backoffBaseMs?: number;
  userAgent?: string;
  logger?: (msg: string) => void;
  /** Network failures in the run after which registries that never answered are not asked (default 30). */
  maxNetworkFailures?: number;
  /**
   * Wall-clock budget for all registry requests of the run, counted from the first one: a slow
   * registry cannot hold a scan for hours. Requests after it fail as TIMEOUT, and a request's own
   * timeout never runs past it. Default 15 minutes.
   */
  budgetMs?: number;
  /** Injectable for tests: how to wait, and what time it is (token expiry). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface TransportRequest {
  /** Registry host as written in references ("docker.io", "ghcr.io", "127.0.0.1:5000"). */
  registry: string;
  /** Path under the registry origin, starting with "/v2/". */
  path: string;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Token scope, e.g. "repository:library/nginx:pull". */
  scope?: string;
  /** Largest body accepted; a larger one is TOO_LARGE. */
  maxBytes: number;
  /** What is being asked, for messages ("manifest docker.io/library/nginx:1.25"). */
  what: string;
  /** Statuses returned to the caller instead of thrown (e.g. 404 when probing the referrers API). */
  acceptStatus?: number[];
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Final URL after redirects. */
  url: string;
}

export interface RequestRecord {
  host: string;
  method: string;
  /** URL path without query (no secrets are ever in our paths). */
  path: string;
  status?: number;
  /** 'ping' | 'token' | 'api' | 'redirect' */
  purpose: string;
}

export interface RateLimitInfo {
  host: string;
  limit?: number;
  remaining?: number;
}

/**
 * How a registry authenticates, from its challenge. `foreign` marks a challenge answered by a host
 * the registry redirected to (blob storage, a regional mirror): such a host may get an anonymous
 * token request, but never decides where the registry's credential goes.
 */
type HostAuth =
  | { kind: 'none' }
  | { kind: 'basic'; foreign?: true }
  | { kind: 'bearer'; realm: string; service?: string; foreign?: true };

interface CachedToken {
  token: string;
  expiresAt: number;
}

const MAX_TOKEN_BYTES = 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_REDIRECTS = 5;
/**
 * Requests to one registry that may fail in a row on the network (timeouts, resets, each after its
 * retries) before the registry counts as unreachable for the rest of the run: a repository naming
 * thousands of images on a host that never answers must not hold the scan for hours.
 */
const MAX_CONSECUTIVE_NETWORK_FAILURES = 3;
/**
 * Network failures in a run, all registries together, after which a registry that has not answered
 * yet is not asked at all: many hosts that never answer (a wildcard domain) are bounded too.
 */
const DEFAULT_MAX_NETWORK_FAILURES = 30;
const DEFAULT_BUDGET_MS = 15 * 60_000;
const DEFAULT_USER_AGENT = 'verify-images';

/** The origin a reference's registry host is reached at: Docker Hub's API lives on registry-1.docker.io. */
export function registryOrigin(registry: string, insecureRegistries: readonly string[] = []): string {
  const host = isDockerHub(registry) ? DOCKER_HUB_API_HOST : registry;
  const insecure = insecureRegistries.some((entry) => entry.toLowerCase() === registry.toLowerCase());
  return `${insecure ? 'http' : 'https'}://${host}`;
}

function hostnameOf(host: string): string {
  // Strip a port; keep IPv6 brackets out.
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.replace(/:\d+$/, '');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parentDomain(hostname: string): string | undefined {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':')) return undefined; // IP address
  const dot = hostname.indexOf('.');
  if (dot < 0) return undefined;
  const parent = hostname.slice(dot + 1);
  return parent.includes('.') ? parent : undefined;
}

/** Whether a registry's credential may be sent to this bearer realm (see module header). */
export function realmMayReceiveCredentials(realm: URL, registryOriginUrl: URL, registryInsecure: boolean): boolean {
  if (realm.protocol === 'http:') {
    if (!(registryInsecure && realm.host === registryOriginUrl.host)) return false;
  } else if (realm.protocol !== 'https:') return false;
  const realmHost = realm.hostname.toLowerCase();
  const registryHost = registryOriginUrl.hostname.toLowerCase();
  if (realmHost === registryHost) return true;
  const realmParent = parentDomain(realmHost);
  const registryParent = parentDomain(registryHost);
  if (registryParent && (realmHost === registryParent || realmParent === registryParent)) return true;
  if (realmParent === registryHost) return true;
  return false;
}

function parseRateLimit(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number.parseInt(value.split(';')[0] ?? '', 10);
  return Number.isFinite(n) ? n : undefined;
}

/** `Retry-After` in milliseconds (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function networkError(error: unknown, what: string): RegistryError {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') {
    return new RegistryError('TIMEOUT', `${what}: timed out`, { cause: error });
  }
  const code = err?.cause?.code ?? (error as { code?: string })?.code;
  const detail = code ?? err?.cause?.message ?? err?.message ?? 'connection failed';
  // A TLS handshake answered in plain HTTP: the usual cause is a local registry not listed as insecure.
  const hint =
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && /wrong version number/i.test(err?.cause?.message ?? ''))
      ? '; the registry may speak plain HTTP: list it with --insecure-registry or the policy key insecure-registries'
      : '';
  return new RegistryError('NETWORK', `${what}: network error (${detail})${hint}`, { cause: error });
}

export class Transport {
  private readonly insecure: string[];
  private readonly plainHttpCredentials: string[];
  private readonly plainHttpRefusalsLogged = new Set<string>();
  private readonly credentials?: CredentialSource;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxRetryAfterMs: number;
  private readonly backoffBaseMs: number;
  private readonly userAgent: string;
  private readonly log: (msg: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly hostAuth = new Map<string, Promise<HostAuth>>();
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private readonly records: RequestRecord[] = [];
  /** Every credential secret and token this transport has used: registry error text is scrubbed of them. */
  private readonly secrets = new Set<string>();
  private lastRateLimit: RateLimitInfo | undefined;
  private readonly networkFailures = new Map<string, { count: number; last: RegistryError }>();
  private readonly maxNetworkFailures: number;
  private totalNetworkFailures = 0;
  private readonly budgetMs: number;
  /** When the first request of the run started (the budget counts from it). */
  private budgetStart: number | undefined;
  /** Registries that answered at least once in this run. */
  private readonly answered = new Set<string>();

  constructor(options: TransportOptions = {}) {
    this.insecure = (options.insecureRegistries ?? []).map((h) => h.toLowerCase());
    this.plainHttpCredentials = (options.plainHttpCredentialRegistries ?? []).map((h) => h.toLowerCase());
    if (options.credentials) this.credentials = options.credentials;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = Math.max(0, Math.min(options.retries ?? 3, 10));
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.log = options.logger ?? (() => {});
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.maxNetworkFailures = options.maxNetworkFailures ?? DEFAULT_MAX_NETWORK_FAILURES;
    this.budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  }

  /** Milliseconds left of the run's budget (starting it on first use). */
  private budgetLeft(): number {
    this.budgetStart ??= this.now();
    return this.budgetMs - (this.now() - this.budgetStart);
  }

  /** HTTP requests made, all hosts or one (host as in the URL, with port). */
  requestCount(host?: string): number {
    return host === undefined ? this.records.length : this.records.filter((r) => r.host === host).length;
  }

  /** Every request made, in order (method, host, path, status, purpose); no headers, no secrets. */
  requests(): RequestRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** The most recent Docker Hub style `ratelimit-*` headers seen. */
  rateLimit(): RateLimitInfo | undefined {
    return this.lastRateLimit ? { ...this.lastRateLimit } : undefined;
  }

  isInsecure(registry: string): boolean {
    return this.insecure.includes(registry.toLowerCase());
  }

  /** Credentials go over https, or over plain HTTP to loopback or to registries the operator named. */
  private mayUseCredentials(registry: string): boolean {
    const name = registry.toLowerCase();
    if (!this.isInsecure(name) || isLoopback(hostnameOf(name)) || this.plainHttpCredentials.includes(name)) return true;
    if (!this.plainHttpRefusalsLogged.has(name)) {
      this.plainHttpRefusalsLogged.add(name);
      this.log(
        `not sending ${registry} credentials over plain HTTP: only the policy names it insecure; name it with --insecure-registry (or the action's insecure-registries input) to allow that`,
      );
    }
    return false;
  }

  /**
   * One registry API request with auth, retries, redirects and size bounds. After
   * MAX_CONSECUTIVE_NETWORK_FAILURES such failures in a row, a registry is not asked again.
   */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const registry = req.registry.toLowerCase();
    if (this.budgetLeft() <= 0) {
      throw new RegistryError('TIMEOUT', `${req.what}: not asked: the registry time budget of ${Math.round(this.budgetMs / 1000)} s for this run is spent`);
    }
    const failures = this.networkFailures.get(registry);
    if (failures && failures.count >= MAX_CONSECUTIVE_NETWORK_FAILURES) {
      throw new RegistryError(failures.last.code, `${req.what}: registry ${req.registry} not asked again: ${failures.count} requests in a row failed (last: ${failures.last.message})`);
    }
    if (this.totalNetworkFailures >= this.maxNetworkFailures && !this.answered.has(registry)) {
      throw new RegistryError('NETWORK', `${req.what}: registry ${req.registry} not asked: ${this.totalNetworkFailures} requests to registries failed on the network in this run`);
    }
    try {
      const response = await this.requestOnce(req);
      this.networkFailures.delete(registry);
      this.answered.add(registry);
      return response;
    } catch (error) {
      if (error instanceof RegistryError && (error.code === 'TIMEOUT' || error.code === 'NETWORK')) {
        const entry = this.networkFailures.get(registry) ?? { count: 0, last: error };
        entry.count++;
        entry.last = error;
        this.networkFailures.set(registry, entry);
        this.totalNetworkFailures++;
      } else if (error instanceof RegistryError && error.status !== undefined) {
        // An HTTP answer, even an error, shows the registry is there.
        this.answered.add(registry);
      }
      throw error;
    }
  }

  private async requestOnce(req: TransportRequest): Promise<TransportResponse> {
    const origin = registryOrigin(req.registry, this.insecure);
    let auth = await this.authorization(req.registry, origin, req.scope, false);
    let reauthorized = false;
    for (;;) {
      const response = await this.withRetries(req.what, () =>
        this.send(new URL(req.path, origin), {
          method: req.method ?? 'GET',
          headers: { ...(req.headers ?? {}), ...(auth ? { authorization: auth } : {}) },
          maxBytes: req.maxBytes,
          what: req.what,
          purpose: 'api',
          acceptStatus: req.acceptStatus,
        }),
      );
      if (response.status === 401 && !reauthorized) {
        // The token may have expired early or lacked scope, or the ping did not ask for auth:
        // learn from this challenge and try once more with fresh authorization.
        const challenge = this.pickChallenge(response.headers.get('www-authenticate'));
        if (challenge) {
          reauthorized = true;
          this.hostAuth.set(req.registry, Promise.resolve(this.hostAuthFrom(challenge, !answeredByRegistry(response, origin))));
          const scope = req.scope ?? challenge.params.scope;
          if (scope) this.tokens.delete(`${req.registry}|${scope}`);
          auth = await this.authorization(req.registry, origin, scope, true);
          continue;
        }
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (req.acceptStatus?.includes(response.status)) return response;
      throw this.errorFor(response, req.what);
    }
  }

  private errorFor(response: TransportResponse, what: string): RegistryError {
    return errorForStatus(response.status, what, response.body, this.secrets);
  }

  /** Notes the secret parts of a credential, so no registry message can repeat them. */
  private rememberSecrets(credential: Credential | undefined): void {
    if (!credential) return;
    if (credential.password) this.secrets.add(credential.password);
    if (credential.identityToken) this.secrets.add(credential.identityToken);
    const basic = basicHeader(credential);
    if (basic) this.secrets.add(basic.slice('Basic '.length));
  }

  private pickChallenge(header: string | null): AuthChallenge | undefined {
    const challenges = parseChallenges(header);
    return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
  }

  /** `foreign`: the challenge came from a host the registry redirected to, not from the registry. */
  private hostAuthFrom(challenge: AuthChallenge | undefined, foreign: boolean): HostAuth {
    if (!challenge) return { kind: 'none' };
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      const auth: HostAuth = { kind: 'bearer', realm: challenge.params.realm };
      if (challenge.params.service !== undefined) auth.service = challenge.params.service;
      if (foreign) auth.foreign = true;
      return auth;
    }
    if (challenge.scheme === 'basic') return foreign ? { kind: 'basic', foreign: true } : { kind: 'basic' };
    return { kind: 'none' };
  }

  /** The registry's auth scheme, learned once per registry from `GET /v2/`. */
  private ping(registry: string, origin: string): Promise<HostAuth> {
    let pending = this.hostAuth.get(registry);
    if (!pending) {
      const what = `registry ${registry}`;
      pending = this.withRetries(what, () =>
        this.send(new URL('/v2/', origin), {
          method: 'GET',
          headers: {},
          maxBytes: MAX_ERROR_BODY,
          what,
          purpose: 'ping',
          acceptStatus: [401, 404],
        }),
      ).then((response) => {
        if (response.status === 401)
          return this.hostAuthFrom(this.pickChallenge(response.headers.get('www-authenticate')), !answeredByRegistry(response, origin));
        // 200, or a registry without the ping endpoint: proceed without auth until challenged.
        return { kind: 'none' };
      });
      // A failed ping is not cached, so a later request can try again.
      pending.catch(() => this.hostAuth.delete(registry));
      this.hostAuth.set(registry, pending);
    }
    return pending;
  }

  private async authorization(registry: string, origin: string, scope: string | undefined, fresh: boolean): Promise<string | undefined> {
    const hostAuth = await this.ping(registry, origin);
    if (hostAuth.kind === 'none') return undefined;
    const credential = hostAuth.foreign || !this.mayUseCredentials(registry) ? undefined : await this.credentials?.get(registry);
    this.rememberSecrets(credential);
    if (hostAuth.kind === 'basic') return basicHeader(credential);
    const key = `${registry}|${scope ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached && !fresh) {
      try {
        const token = await cached;
        if (token.expiresAt > this.now()) return `Bearer ${token.token}`;
      } catch {
        // fall through and ask again
      }
    }
    const pending = this.fetchToken(registry, origin, hostAuth, scope, credential);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    this.tokens.set(key, pending);
    return `Bearer ${(await pending).token}`;
  }

  private async fetchToken(
    registry: string,
    origin: string,
    auth: { realm: string; service?: string },
    scope: string | undefined,
    credential: Credential | undefined,
  ): Promise<CachedToken> {
    let realm: URL;
    try {
      realm = new URL(auth.realm);
    } catch {
      throw new RegistryError('PROTOCOL', `registry ${registry}: bearer realm is not a URL`);
    }
    const allowed = credential !== undefined && realmMayReceiveCredentials(realm, new URL(origin), this.isInsecure(registry));
    if (credential && !allowed) {
      this.log(`not sending ${registry} credentials to token realm ${realm.host}: not the registry's own domain or not https`);
    }
    const what = `token for ${registry}${scope ? ` (${scope})` : ''}`;
    const params = new URLSearchParams();
    if (auth.service !== undefined) params.set('service', auth.service);
    if (scope) params.set('scope', scope);
    let response: TransportResponse;
    if (allowed && credential?.identityToken) {
      // OAuth2 refresh-token grant, as Docker does with an identity token.
      params.set('grant_type', 'refresh_token');
      params.set('refresh_token', credential.identityToken);
      params.set('client_id', this.userAgent);
      response = await this.withRetries(what, () =>
        this.send(realm, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params.toString(),
          maxBytes: MAX_TOKEN_BYTES,
          what,
          purpose: 'token',
          acceptStatus: [],
        }),
      );
    } else {
      const url = new URL(realm);
      for (const [k, v] of params) url.searchParams.append(k, v);
      const basic = allowed ? basicHeader(credential) : undefined;
      response = await this.withRetries(what, () =>
        this.send(url, {
          method: 'GET',
          headers: basic ? { authorization: basic } : {},
          maxBytes: MAX_TOKEN_BYTES,
          what,
          purpose: 'token',
          acceptStatus: [],
        }),
      );
    }
    if (response.status < 200 || response.status >= 300) {
      const error = this.errorFor(response, what);
      if (error.code === 'UNAUTHORIZED' && allowed) {
        throw new RegistryError('UNAUTHORIZED', `${what}: credentials from ${credential?.source} were refused`, {
          status: response.status,
        });
      }
      throw error;
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(new TextDecoder().decode(response.body)) as typeof parsed;
    } catch {
      throw new RegistryError('PROTOCOL', `${what}: token response is not JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || !token || /[\r\n]/.test(token)) {
      throw new RegistryError('PROTOCOL', `${what}: token response has no token`);
    }
    // The spec's default lifetime is 60 s; keep a margin so a token is not used as it expires.
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    const usable = Math.max(lifetime - 10, lifetime / 2);
    this.secrets.add(token);
    return { token, expiresAt: this.now() + usable * 1000 };
  }

  private async withRetries(what: string, attempt: () => Promise<TransportResponse>): Promise<TransportResponse> {
    for (let n = 0; ; n++) {
      let failure: RegistryError;
      let retryAfter: number | undefined;
      try {
        const response = await attempt();
        if (response.status !== 429 && response.status < 500) return response;
        failure = this.errorFor(response, what);
        retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.now());
      } catch (error) {
        if (!(error instanceof RegistryError) || !error.retryable) throw error;
        failure = error;
      }
      if (n >= this.retries) throw failure;
      if (retryAfter !== undefined && retryAfter > this.maxRetryAfterMs) {
        throw new RegistryError(failure.code, `${failure.message}; Retry-After ${Math.ceil(retryAfter / 1000)} s is longer than this run waits`, {
          ...(failure.status !== undefined ? { status: failure.status } : {}),
        });
      }
      const backoff = Math.min(this.backoffBaseMs * 2 ** n, 10_000);
      const delay = retryAfter ?? backoff + Math.floor(Math.random() * (backoff / 4));
      this.log(`${what}: ${failure.code}, retrying in ${delay} ms (attempt ${n + 2} of ${this.retries + 1})`);
      await this.sleep(delay);
    }
  }

  /** One request and its redirects; returns any status (the caller decides), throws on transport failures. */
  private async send(
    url: URL,
    init: {
      method: string;
      headers: Record<string, string>;
      body?: string;
      maxBytes: number;
      what: string;
      purpose: string;
      acceptStatus: number[] | undefined;
    },
  ): Promise<TransportResponse> {
    let current = url;
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...init.headers };
    const startOrigin = url.origin;
    for (let hop = 0; ; hop++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.max(1, Math.min(this.timeoutMs, this.budgetLeft())));
      const record: RequestRecord = {
        host: current.host,
        method: init.method,
        path: current.pathname,
        purpose: hop === 0 ? init.purpose : 'redirect',
      };
      this.records.push(record);
      try {
        let response: Response;
        try {
          response = await fetch(current, {
            method: init.method,
            headers,
            ...(init.body !== undefined ? { body: init.body } : {}),
            redirect: 'manual',
            signal: controller.signal,
          });
        } catch (error) {
          throw networkError(error, init.what);
        }
        record.status = response.status;
        this.noteRateLimit(current.host, response.headers);
        this.log(`${init.method} ${current.origin}${current.pathname} -> ${response.status}`);
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location && response.status !== 304) {
          // Drain (bounded) rather than cancel, so the connection stays reusable.
          await readBounded(response, MAX_ERROR_BODY, init.what, false).catch(() => undefined);
          if (hop >= MAX_REDIRECTS) throw new RegistryError('PROTOCOL', `${init.what}: too many redirects`);
          let next: URL;
          try {
            next = new URL(location, current);
          } catch {
            throw new RegistryError('PROTOCOL', `${init.what}: redirect to an invalid URL`);
          }
          if (next.protocol !== 'https:' && next.protocol !== 'http:')
            throw new RegistryError('PROTOCOL', `${init.what}: redirect to unsupported scheme ${next.protocol}`);
          if (current.protocol === 'https:' && next.protocol === 'http:')
            throw new RegistryError('PROTOCOL', `${init.what}: refusing redirect from https to plain http`);
          // A request body is the refresh-token grant: it holds a secret, so it never goes to another origin.
          if (init.body !== undefined && next.origin !== startOrigin)
            throw new RegistryError('PROTOCOL', `${init.what}: refusing to send the request body on a redirect to another origin (${next.host})`);
          // Credentials belong to the registry's origin; storage backends get pre-signed URLs.
          if (next.origin !== startOrigin) delete headers.authorization;
          current = next;
          continue;
        }
        const ok = response.status >= 200 && response.status < 300;
        const limit = ok ? init.maxBytes : MAX_ERROR_BODY;
        const body = init.method === 'HEAD' ? new Uint8Array() : await readBounded(response, limit, init.what, ok);
        return { status: response.status, headers: response.headers, body, url: current.toString() };
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        throw networkError(error, init.what);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private noteRateLimit(host: string, headers: Headers): void {
    const limit = parseRateLimit(headers.get('ratelimit-limit'));
    const remaining = parseRateLimit(headers.get('ratelimit-remaining'));
    if (limit === undefined && remaining === undefined) return;
    const info: RateLimitInfo = { host };
    if (limit !== undefined) info.limit = limit;
    if (remaining !== undefined) info.remaining = remaining;
    this.lastRateLimit = info;
  }
}

/** Whether a response came from the registry's own host (a redirect from http to https on it included). */
function answeredByRegistry(response: TransportResponse, origin: string): boolean {
  try {
    return new URL(response.url).hostname === new URL(origin).hostname;
  } catch {
    return false;
  }
}

function basicHeader(credential: Credential | undefined): string | undefined {
  if (!credential || credential.username === undefined || credential.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/**
 * Reads a body up to `limit` bytes. For success bodies a larger one is TOO_LARGE; error bodies
 * are just truncated (they only feed messages).
 */
async function readBounded(response: Response, limit: number, what: string, strict: boolean): Promise<Uint8Array> {
  const declared = Number.parseInt(response.headers.get('content-length') ?? '', 10);
  if (strict && Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new RegistryError('TOO_LARGE', `${what}: response of ${declared} bytes exceeds the limit of ${limit}`);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limit) {
      await reader.cancel().catch(() => {});
      if (strict) throw new RegistryError('TOO_LARGE', `${what}: response exceeds the limit of ${limit} bytes`);
      chunks.push(value.subarray(0, limit - total));
      total = limit;
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
