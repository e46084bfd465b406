/**
 * Bearer tokens from a registry's token realm (the distribution token spec): anonymous, with
 * Basic credentials, or the OAuth2 refresh-token grant for identity tokens. A realm that is not
 * an http(s) URL (`data:`, `file:`) is refused before anything is fetched; credentials go only
 * to realms `realmMayReceiveCredentials` allows.
 */
import { RegistryError } from './errors.js';
import type { Credential } from './credentials.js';
import { isInternalAddress } from '../../reference/index.js';
import { realmMayReceiveCredentials } from './origin.js';
import type { TransportResponse } from './send.js';

export const MAX_TOKEN_BYTES = 1024 * 1024;

export interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface TokenRequest {
  registry: string;
  origin: string;
  insecure: boolean;
  realm: string;
  service?: string;
  scope: string | undefined;
  credential: Credential | undefined;
  userAgent: string;
}

/** How the token request is sent: GET with optional Basic auth, or POST of a form. */
export type TokenCall = (url: URL, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; what: string }) => Promise<TransportResponse>;

/**
 * The realm as a URL, refused unless it is http(s), and refused at an internal address (a cloud's
 * instance metadata at 169.254.169.254, a loopback service) unless the registry itself is at one:
 * a registry on the internet names its realm, and must not make this machine call inside its network.
 */
function realmUrl(realm: string, registry: string, origin: string): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegistryError('PROTOCOL', `registry ${registry}: bearer realm is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RegistryError('PROTOCOL', `registry ${registry}: bearer realm uses ${url.protocol.slice(0, 16)} and was not fetched: only http(s) token realms are used`);
  }
  if (isInternalAddress(url.hostname) && !isInternalAddress(new URL(origin).hostname)) {
    throw new RegistryError('PROTOCOL', `registry ${registry}: bearer realm is at an internal address (${url.hostname.slice(0, 64)}) while the registry is not, and was not fetched`);
  }
  return url;
}

export function basicHeader(credential: Credential | undefined): string | undefined {
  if (!credential || credential.username === undefined || credential.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/** Asks the realm for a token; `log` is told when a credential is withheld from it. */
export async function requestToken(req: TokenRequest, call: TokenCall, log: (msg: string) => void): Promise<{ response: TransportResponse; sentCredential: boolean; what: string }> {
  const realm = realmUrl(req.realm, req.registry, req.origin);
  const allowed = req.credential !== undefined && realmMayReceiveCredentials(realm, new URL(req.origin), req.insecure);
  if (req.credential && !allowed) {
    log(`not sending ${req.registry} credentials to token realm ${realm.host}: not the registry's own domain or not https`);
  }
  const what = `token for ${req.registry}${req.scope ? ` (${req.scope})` : ''}`;
  const params = new URLSearchParams();
  if (req.service !== undefined) params.set('service', req.service);
  if (req.scope) params.set('scope', req.scope);
  if (allowed && req.credential?.identityToken) {
    // OAuth2 refresh-token grant, as Docker does with an identity token.
    params.set('grant_type', 'refresh_token');
    params.set('refresh_token', req.credential.identityToken);
    params.set('client_id', req.userAgent);
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    return { response: await call(realm, { method: 'POST', headers, body: params.toString(), what }), sentCredential: true, what };
  }
  const url = new URL(realm);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const basic = allowed ? basicHeader(req.credential) : undefined;
  return { response: await call(url, { method: 'GET', headers: basic ? { authorization: basic } : {}, what }), sentCredential: allowed, what };
}

/** The token and how long to use it, from a token response body. */
export function parseTokenResponse(body: Uint8Array, what: string, now: number): CachedToken {
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(body)) as typeof parsed;
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
  return { token, expiresAt: now + usable * 1000 };
}
