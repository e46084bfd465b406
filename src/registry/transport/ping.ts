/**
 * How a registry authenticates, learned from its challenge: the `GET /v2/` ping once per
 * registry, and any later 401's `WWW-Authenticate`.
 */
import { parseChallenges, type AuthChallenge } from './challenge.js';
import type { TransportResponse } from './send.js';

/**
 * How a registry authenticates. `foreign` marks a challenge answered by a host the registry
 * redirected to (blob storage, a regional mirror): such a host may get an anonymous token
 * request, but never decides where the registry's credential goes.
 */
export type HostAuth =
  | { kind: 'none' }
  | { kind: 'basic'; foreign?: true }
  | { kind: 'bearer'; realm: string; service?: string; foreign?: true };

export function pickChallenge(header: string | null): AuthChallenge | undefined {
  const challenges = parseChallenges(header);
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
}

/** `foreign`: the challenge came from a host the registry redirected to, not from the registry. */
export function hostAuthFrom(challenge: AuthChallenge | undefined, foreign: boolean): HostAuth {
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

/** What a ping's answer says: 401 carries the challenge; 200, or no ping endpoint, means no auth until challenged. */
export function hostAuthFromPing(response: TransportResponse, foreign: boolean): HostAuth {
  if (response.status === 401) return hostAuthFrom(pickChallenge(response.headers.get('www-authenticate')), foreign);
  return { kind: 'none' };
}
