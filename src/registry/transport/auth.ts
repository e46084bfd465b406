/**
 * Authorization for registry requests: the scheme learned once per registry (ping.ts), Bearer
 * tokens cached per registry and scope until they expire (bearer.ts), the latest MAX_CACHED_TOKENS
 * of them, Basic auth, and the secrets in use (credentials, cached tokens), so no registry message
 * can repeat one.
 */
import { RegistryError, errorForStatus } from './errors.js';
import type { Credential, CredentialSource } from './credentials.js';
import { answeredByRegistry } from './origin.js';
import { basicHeader, parseTokenResponse, requestToken, type CachedToken, type TokenCall } from './bearer.js';
import { hostAuthFrom, hostAuthFromPing, pickChallenge, type HostAuth } from './ping.js';
import type { TransportResponse } from './send.js';

export interface AuthOptions {
  credentials?: CredentialSource;
  /** Whether the registry's credential may be used at all (plain HTTP rule). */
  mayUseCredentials: (registry: string) => boolean;
  isInsecure: (registry: string) => boolean;
  userAgent: string;
  log: (msg: string) => void;
  now: () => number;
}

/** How the authenticator makes its own requests (the ping, the token), under the asking request's deadline. */
export interface AuthCalls {
  ping: (url: URL) => Promise<TransportResponse>;
  token: TokenCall;
}

/**
 * Tokens kept: one per registry and repository scope, so a scan of 100,000 repositories would keep
 * 100,000. The latest few thousand cover every request in flight (a few dozen at a time) and the
 * signature lookups that follow an image's own; an older one is asked for again if needed.
 */
export const MAX_CACHED_TOKENS = 2_048;

export class Authenticator {
  /** Secrets of the credentials used: kept for the whole run. */
  private readonly credentialSecrets = new Set<string>();
  /** The cached tokens' texts, counted (two scopes may be given the same token). */
  private readonly tokenSecrets = new Map<string, number>();
  private readonly hostAuth = new Map<string, Promise<HostAuth>>();
  /** Least recently used first. */
  private readonly tokens = new Map<string, Promise<CachedToken>>();

  constructor(private readonly options: AuthOptions) {}

  /** Every secret a registry message could repeat: the credentials used and the tokens in use. */
  get secrets(): Set<string> {
    return new Set([...this.credentialSecrets, ...this.tokenSecrets.keys()]);
  }

  /** How many tokens are cached (for tests of the bound). */
  get cachedTokens(): number {
    return this.tokens.size;
  }

  errorFor(response: TransportResponse, what: string): RegistryError {
    return errorForStatus(response.status, what, response.body, this.secrets);
  }

  /** The Authorization header for a request to `registry` with `scope`, or none. `fresh` skips the cached token. */
  async authorization(registry: string, origin: string, scope: string | undefined, fresh: boolean, calls: AuthCalls): Promise<string | undefined> {
    const hostAuth = await this.ping(registry, origin, calls);
    if (hostAuth.kind === 'none') return undefined;
    const credential = hostAuth.foreign || !this.options.mayUseCredentials(registry) ? undefined : await this.options.credentials?.get(registry);
    this.rememberSecrets(credential);
    if (hostAuth.kind === 'basic') return basicHeader(credential);
    const key = `${registry}|${scope ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached && !fresh) {
      try {
        const token = await cached;
        if (token.expiresAt > this.options.now()) {
          this.touch(key, cached);
          return `Bearer ${token.token}`;
        }
      } catch {
        // fall through and ask again
      }
    }
    const pending = this.fetchToken(registry, origin, hostAuth, scope, credential, calls);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    this.forget(key);
    this.tokens.set(key, pending);
    this.evictOldest();
    return `Bearer ${(await pending).token}`;
  }

  /** Marks a cached token as the most recently used. */
  private touch(key: string, token: Promise<CachedToken>): void {
    if (this.tokens.get(key) !== token) return;
    this.tokens.delete(key);
    this.tokens.set(key, token);
  }

  private evictOldest(): void {
    while (this.tokens.size > MAX_CACHED_TOKENS) this.forget(this.tokens.keys().next().value!);
  }

  /** Drops a cached token, and its text from the secrets once no scope holds it. */
  private forget(key: string): void {
    const token = this.tokens.get(key);
    if (!token) return;
    this.tokens.delete(key);
    token.then(
      ({ token: text }) => {
        const count = (this.tokenSecrets.get(text) ?? 1) - 1;
        if (count > 0) this.tokenSecrets.set(text, count);
        else this.tokenSecrets.delete(text);
      },
      () => undefined,
    );
  }

  /**
   * Learns from a 401 answer's challenge (the token expired early, lacked scope, or the ping
   * asked for no auth). False when there is no challenge to learn from.
   */
  relearn(registry: string, response: TransportResponse, origin: string, scope: string | undefined): { scope: string | undefined } | undefined {
    const challenge = pickChallenge(response.headers.get('www-authenticate'));
    if (!challenge) return undefined;
    this.hostAuth.set(registry, Promise.resolve(hostAuthFrom(challenge, !answeredByRegistry(response.url, origin))));
    const next = scope ?? challenge.params.scope;
    if (next) this.forget(`${registry}|${next}`);
    return { scope: next };
  }

  /** The registry's auth scheme, learned once per registry from `GET /v2/`; a failed ping is asked again later. */
  private ping(registry: string, origin: string, calls: AuthCalls): Promise<HostAuth> {
    let pending = this.hostAuth.get(registry);
    if (!pending) {
      pending = calls.ping(new URL('/v2/', origin)).then((response) => hostAuthFromPing(response, !answeredByRegistry(response.url, origin)));
      pending.catch(() => this.hostAuth.delete(registry));
      this.hostAuth.set(registry, pending);
    }
    return pending;
  }

  private async fetchToken(
    registry: string,
    origin: string,
    auth: { realm: string; service?: string },
    scope: string | undefined,
    credential: Credential | undefined,
    calls: AuthCalls,
  ): Promise<CachedToken> {
    const request = { registry, origin, insecure: this.options.isInsecure(registry), realm: auth.realm, scope, credential, userAgent: this.options.userAgent };
    const { response, sentCredential, what } = await requestToken(auth.service !== undefined ? { ...request, service: auth.service } : request, calls.token, this.options.log);
    if (response.status < 200 || response.status >= 300) {
      const error = this.errorFor(response, what);
      if (error.code === 'UNAUTHORIZED' && sentCredential) {
        throw new RegistryError('UNAUTHORIZED', `${what}: credentials from ${credential?.source} were refused`, { status: response.status });
      }
      throw error;
    }
    const token = parseTokenResponse(response.body, what, this.options.now());
    this.tokenSecrets.set(token.token, (this.tokenSecrets.get(token.token) ?? 0) + 1);
    return token;
  }

  /** Notes the secret parts of a credential, so no registry message can repeat them. */
  private rememberSecrets(credential: Credential | undefined): void {
    if (!credential) return;
    if (credential.password) this.credentialSecrets.add(credential.password);
    if (credential.identityToken) this.credentialSecrets.add(credential.identityToken);
    const basic = basicHeader(credential);
    if (basic) this.credentialSecrets.add(basic.slice('Basic '.length));
  }
}
