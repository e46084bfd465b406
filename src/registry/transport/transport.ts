/**
 * HTTP to registries, composed like go-containerregistry's transport from small parts:
 * - `origin.ts`   scheme choice (https; plain http only for insecure registries) and the realm rule;
 * - `ping.ts`     the `/v2/` ping and challenges; `bearer.ts` token requests; `auth.ts` both, cached;
 * - `retry.ts`    retries with backoff honouring `Retry-After` up to a cap (default 10 s);
 * - `send.ts`     one exchange: redirects that never carry credentials to another origin, bounded bodies;
 * - `deadline.ts` one deadline per request over all of that, the body included;
 * - `health.ts`   registries given up after failures in a row, and the run's time budget.
 * This file holds the options, the request flow and request accounting.
 *
 * Credential rule: a registry's credential is sent as Basic auth only to the registry's own
 * origin, and to a bearer realm only when the realm is https (or the same origin of an insecure
 * registry) and its host is the registry host, the registry's parent domain, a sibling under the
 * same parent (registry-1.docker.io -> auth.docker.io), or a subdomain of it. Any other realm
 * gets an anonymous token request, and so does a challenge answered by a host the registry
 * redirected to. Redirects to another origin (blob storage) lose the Authorization header, and a
 * request with a body (the refresh-token grant) is not redirected there at all. Tokens and
 * credentials are never logged, and registry error text is scrubbed of them.
 */
import { withFields } from '../../copy.js';
import type { CredentialSource } from './credentials.js';
import { Authenticator, type AuthCalls } from './auth.js';
import { MAX_TOKEN_BYTES } from './bearer.js';
import { Deadline } from './deadline.js';
import { RegistryHealth } from './health.js';
import { hostnameOf, isLoopback, registryOrigin } from './origin.js';
import { withRetries, type RetryPolicy } from './retry.js';
import type { ResponseHeaders } from './http.js';
import { send, type Exchange, type RequestRecord, type TransportResponse } from './send.js';

export { parseRetryAfter } from './retry.js';
export { realmMayReceiveCredentials, registryOrigin } from './origin.js';
export type { RequestRecord, TransportResponse } from './send.js';

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
  /** Deadline of one registry request: all its attempts, retry waits, redirects and body. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after a retryable failure (429, 5xx, timeout, reset). Default 3. */
  retries?: number;
  /** Longest `Retry-After` waited for; a longer one fails at once as RATE_LIMITED. Default 10 s. */
  maxRetryAfterMs?: number;
  /** First backoff delay when no `Retry-After` is given; doubles per attempt. Default 500 ms. */
  backoffBaseMs?: number;
  userAgent?: string;
  logger?: (msg: string) => void;
  /** Network failures in the run after which registries that never answered are not asked (default 30). */
  maxNetworkFailures?: number;
  /** Failed requests in a row after which a registry is given up for the run (default 3). */
  maxConsecutiveFailures?: number;
  /**
   * Wall-clock budget for all registry requests of the run, counted from the first one: a slow
   * registry cannot hold a scan for hours. Requests after it fail as TIMEOUT, and a request's own
   * deadline never runs past it. Default 15 minutes.
   */
  budgetMs?: number;
  /** Injectable for tests: how to wait, and what time it is (token expiry, budget). */
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

export interface RateLimitInfo {
  host: string;
  limit?: number;
  remaining?: number;
}

const MAX_PING_BYTES = 64 * 1024;
/** Requests kept in the log (counts are kept for all): 100,000 images must not mean 100,000 records. */
const MAX_RECORDS = 10_000;
const DEFAULT_BUDGET_MS = 15 * 60_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 10_000;
const DEFAULT_USER_AGENT = 'verify-images';

function parseRateLimit(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number.parseInt(value.split(';')[0] ?? '', 10);
  return Number.isFinite(n) ? n : undefined;
}

export class Transport {
  private readonly insecure: string[];
  private readonly plainHttpCredentials: string[];
  private readonly plainHttpRefusalsLogged = new Set<string>();
  private readonly timeoutMs: number;
  private readonly log: (msg: string) => void;
  private readonly retry: RetryPolicy;
  private readonly health: RegistryHealth;
  private readonly auth: Authenticator;
  private readonly exchange: Exchange;
  private readonly records: RequestRecord[] = [];
  private readonly counts = new Map<string, number>();
  private total = 0;
  private lastRateLimit: RateLimitInfo | undefined;

  constructor(options: TransportOptions = {}) {
    this.insecure = (options.insecureRegistries ?? []).map((h) => h.toLowerCase());
    this.plainHttpCredentials = (options.plainHttpCredentialRegistries ?? []).map((h) => h.toLowerCase());
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.log = options.logger ?? (() => {});
    const now = options.now ?? Date.now;
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.auth = new Authenticator({
      ...(options.credentials ? { credentials: options.credentials } : {}),
      mayUseCredentials: (registry) => this.mayUseCredentials(registry),
      isInsecure: (registry) => this.isInsecure(registry),
      userAgent,
      log: this.log,
      now,
    });
    this.retry = {
      retries: Math.max(0, Math.min(options.retries ?? 3, 10)),
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now,
      log: this.log,
      errorFor: (response, what) => this.auth.errorFor(response, what),
    };
    this.health = new RegistryHealth({
      budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS,
      now,
      ...(options.maxNetworkFailures !== undefined ? { maxNetworkFailures: options.maxNetworkFailures } : {}),
      ...(options.maxConsecutiveFailures !== undefined ? { maxConsecutiveFailures: options.maxConsecutiveFailures } : {}),
    });
    this.exchange = {
      userAgent,
      log: this.log,
      record: (record) => this.record(record),
      noteHeaders: (host, headers) => this.noteRateLimit(host, headers),
    };
  }

  /** HTTP requests made, all hosts or one (host as in the URL, with port). */
  requestCount(host?: string): number {
    return host === undefined ? this.total : (this.counts.get(host) ?? 0);
  }

  /** Requests made, in order (method, host, path, status, purpose; the first 10,000); no headers, no secrets. */
  requests(): RequestRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** The most recent Docker Hub style `ratelimit-*` headers seen. */
  rateLimit(): RateLimitInfo | undefined {
    return this.lastRateLimit ? { ...this.lastRateLimit } : undefined;
  }

  /** Registries given up in this run (failed requests in a row), with the last failure. */
  unhealthyRegistries(): Array<{ registry: string; failures: number; last: string }> {
    return this.health.unhealthy();
  }

  isInsecure(registry: string): boolean {
    return this.insecure.includes(registry.toLowerCase());
  }

  /**
   * One registry API request with auth, retries, redirects and size bounds, under one deadline.
   * A registry given up in the run is not asked (see health.ts).
   */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const registry = req.registry.toLowerCase();
    this.health.admit(registry, req.what);
    const deadline = new Deadline(Math.max(1, Math.min(this.timeoutMs, this.health.budgetLeft())), req.what, this.health.cancellation(registry));
    try {
      const response = await this.requestOnce(req, deadline);
      this.health.succeeded(registry);
      return response;
    } catch (error) {
      this.health.failed(registry, error);
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  private async requestOnce(req: TransportRequest, deadline: Deadline): Promise<TransportResponse> {
    const origin = registryOrigin(req.registry, this.insecure);
    const calls = this.authCalls(deadline);
    let auth = await this.auth.authorization(req.registry, origin, req.scope, false, calls);
    let reauthorized = false;
    for (;;) {
      const headers = auth ? withFields(req.headers ?? {}, { authorization: auth }) : (req.headers ?? {});
      const init = { method: req.method ?? 'GET', headers, maxBytes: req.maxBytes, what: req.what, purpose: 'api', deadline };
      const response = await withRetries(req.what, () => send(new URL(req.path, origin), init, this.exchange), this.retry, deadline);
      if (response.status === 401 && !reauthorized) {
        const learned = this.auth.relearn(req.registry, response, origin, req.scope);
        if (learned) {
          reauthorized = true;
          auth = await this.auth.authorization(req.registry, origin, learned.scope, true, calls);
          continue;
        }
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (req.acceptStatus?.includes(response.status)) return response;
      throw this.auth.errorFor(response, req.what);
    }
  }

  /** The ping and token requests made on behalf of a request, under its deadline. */
  private authCalls(deadline: Deadline): AuthCalls {
    return {
      ping: (url) => {
        const what = `registry ${url.host}`;
        const init = { method: 'GET', headers: {}, maxBytes: MAX_PING_BYTES, what, purpose: 'ping', deadline };
        return withRetries(what, () => send(url, init, this.exchange), this.retry, deadline);
      },
      token: (url, request) => {
        const init = { ...request, maxBytes: MAX_TOKEN_BYTES, purpose: 'token', deadline };
        return withRetries(request.what, () => send(url, init, this.exchange), this.retry, deadline);
      },
    };
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

  private record(record: RequestRecord): void {
    this.total++;
    this.counts.set(record.host, (this.counts.get(record.host) ?? 0) + 1);
    if (this.records.length < MAX_RECORDS) this.records.push(record);
  }

  private noteRateLimit(host: string, headers: ResponseHeaders): void {
    const limit = parseRateLimit(headers.get('ratelimit-limit'));
    const remaining = parseRateLimit(headers.get('ratelimit-remaining'));
    if (limit === undefined && remaining === undefined) return;
    const info: RateLimitInfo = { host };
    if (limit !== undefined) info.limit = limit;
    if (remaining !== undefined) info.remaining = remaining;
    this.lastRateLimit = info;
  }
}

