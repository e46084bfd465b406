/**
 * The Octokit the action uses (with GitHub's retry and throttling plugins), and how a real
 * permission refusal is told from a rate limit or a server error.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

/** Waits longer than this (seconds) are not worth holding a CI step for: the request fails instead. */
const MAX_RATE_LIMIT_WAIT = 60;
const MAX_RATE_LIMIT_RETRIES = 2;

export interface OctokitSettings {
  token: string;
  baseUrl: string;
  fetch?: typeof fetch;
  log?: (message: string) => void;
  /** Overrides of the plugins' options (tests shorten the waits: `{ throttle: {...}, retry: {...} }`). */
  pacing?: { throttle?: Record<string, unknown>; retry?: Record<string, unknown> };
}

/**
 * An Octokit that retries 5xx answers and network failures (plugin-retry) and waits out primary
 * and secondary rate limits (plugin-throttling), spacing writes as GitHub asks integrators to.
 */
export function createOctokit(settings: OctokitSettings): Octokit {
  const log = settings.log ?? (() => undefined);
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
      const retrying = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT;
      log(`GitHub ${kind} rate limit on ${options.method ?? ''} ${options.url ?? ''}: ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}`);
      return retrying;
    };
  return getOctokit(
    settings.token,
    {
      baseUrl: settings.baseUrl,
      ...(settings.fetch ? { request: { fetch: settings.fetch } } : {}),
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary'), ...settings.pacing?.throttle },
      retry: { ...settings.pacing?.retry },
    },
    retry,
    throttling,
  );
}

export interface PullRequestTarget {
  owner: string;
  repo: string;
  pullNumber: number;
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** A 429, or a 403 that is GitHub's primary or secondary rate limit (not a refusal: it passes). */
export function isRateLimit(error: unknown): boolean {
  const { status, message, response } = (error ?? {}) as HttpError;
  if (status === 429) return true;
  if (status !== 403) return false;
  const headers = response?.headers ?? {};
  return /rate limit/i.test(message ?? '') || headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined;
}

/**
 * True when GitHub refused a write because the token may not write: fork pull requests and
 * Dependabot runs get read-only tokens (403), and some integrations see 404 for resources they
 * may not touch. A rate limit or a server error is not a refusal.
 */
export function isWriteRefusal(error: unknown): boolean {
  const status = (error as HttpError | undefined)?.status;
  return (status === 403 && !isRateLimit(error)) || status === 404;
}

export function describeError(error: unknown): string {
  const status = (error as { status?: number } | undefined)?.status;
  // A GraphQL error says what went wrong in `errors`, after a generic first line.
  const graphqlErrors = (error as { errors?: Array<{ message?: unknown }> } | undefined)?.errors;
  const graphqlMessage = Array.isArray(graphqlErrors) ? graphqlErrors.map((entry) => (typeof entry?.message === 'string' ? entry.message : '')).filter(Boolean).join('; ') : '';
  const message = graphqlMessage || (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return status ? `HTTP ${status}: ${message}` : message;
}

interface CommentAuthor {
  login?: string;
  type?: string;
}

/** Decides whether a comment carrying a verify-images marker was written by this action's token. */
export type OwnAuthorCheck = (user: CommentAuthor | null | undefined) => Promise<boolean>;

/** Only bots: GITHUB_TOKEN comments as github-actions[bot], GitHub App tokens as their app's bot. */
export const botAuthor: OwnAuthorCheck = (user) => Promise.resolve(user?.type === 'Bot');

/**
 * A bot, or the owner of the token when it is a personal access token (asked once, and only when
 * a marker comment by a person turns up): otherwise a PAT's sticky comment would never be found
 * again and every run would post another. GITHUB_TOKEN and App tokens cannot read `/user` (403).
 */
export function tokenAuthor(octokit: Octokit): OwnAuthorCheck {
  let login: Promise<string | undefined> | undefined;
  return async (user) => {
    if (!user) return false;
    if (user.type === 'Bot') return true;
    login ??= octokit.rest.users.getAuthenticated().then(
      (response) => response.data.login,
      () => undefined,
    );
    const own = await login;
    return own !== undefined && own === user.login;
  };
}
