/**
 * The authenticator's token cache is bounded (a scan of many repositories asks one token per
 * repository scope), and the secrets it scrubs from registry messages follow it: every credential,
 * and each token while it is cached.
 */
import { describe, expect, it } from 'vitest';
import { Authenticator, MAX_CACHED_TOKENS, type AuthCalls } from '../../src/registry/transport/auth.js';
import type { TransportResponse } from '../../src/registry/transport/send.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });
const body = (text: string) => new TextEncoder().encode(text);

/** A registry asking for Bearer tokens whose token endpoint hands out `token-<scope>` (counted). */
function registry(): { calls: AuthCalls; tokenRequests: () => number } {
  let tokens = 0;
  const calls: AuthCalls = {
    ping: (url) =>
      Promise.resolve<TransportResponse>({ status: 401, body: body('{}'), url: url.href, headers: headers({ 'www-authenticate': 'Bearer realm="https://reg.example/token",service="reg.example"' }) }),
    token: (url) => {
      tokens++;
      const scope = url.searchParams.get('scope') ?? '';
      return Promise.resolve({ status: 200, body: body(JSON.stringify({ token: `token-${scope}`, expires_in: 300 })), url: url.href, headers: headers({}) });
    },
  };
  return { calls, tokenRequests: () => tokens };
}

function authenticator(): Authenticator {
  return new Authenticator({ mayUseCredentials: () => true, isInsecure: () => false, userAgent: 'test', log: () => undefined, now: () => 0 });
}

const scopeOf = (index: number) => `repository:team/app${index}:pull`;

describe('Bearer tokens cached per registry and scope, bounded', () => {
  it('keeps the latest tokens only, and scrubs just those (and credentials) from messages', async () => {
    const auth = authenticator();
    const { calls, tokenRequests } = registry();
    const count = MAX_CACHED_TOKENS + 500;
    for (let index = 0; index < count; index++) {
      expect(await auth.authorization('reg.example', 'https://reg.example', scopeOf(index), false, calls)).toBe(`Bearer token-${scopeOf(index)}`);
    }
    expect(tokenRequests()).toBe(count);
    expect(auth.cachedTokens).toBe(MAX_CACHED_TOKENS);
    await Promise.resolve();
    const secrets = auth.secrets;
    expect(secrets.size).toBe(MAX_CACHED_TOKENS);
    expect(secrets.has(`token-${scopeOf(count - 1)}`)).toBe(true);
    expect(secrets.has(`token-${scopeOf(0)}`)).toBe(false);
    // A message repeating a token in use is scrubbed of it.
    const error = auth.errorFor({ status: 403, body: body(JSON.stringify({ errors: [{ code: 'DENIED', message: `token-${scopeOf(count - 1)} denied` }] })), url: 'https://reg.example/v2/', headers: headers({}) }, 'manifest x');
    expect(error.message).not.toContain(`token-${scopeOf(count - 1)}`);
  });

  it('reuses a cached token, keeping the ones in use as the others are evicted', async () => {
    const auth = authenticator();
    const { calls, tokenRequests } = registry();
    await auth.authorization('reg.example', 'https://reg.example', scopeOf(0), false, calls);
    for (let index = 1; index <= MAX_CACHED_TOKENS + 10; index++) {
      await auth.authorization('reg.example', 'https://reg.example', scopeOf(index), false, calls);
      // Scope 0 is used all along (the image whose signatures are being looked up): it stays cached.
      await auth.authorization('reg.example', 'https://reg.example', scopeOf(0), false, calls);
    }
    expect(tokenRequests()).toBe(MAX_CACHED_TOKENS + 11);
    // Scope 1 was evicted: asked again.
    await auth.authorization('reg.example', 'https://reg.example', scopeOf(1), false, calls);
    expect(tokenRequests()).toBe(MAX_CACHED_TOKENS + 12);
  });
});
