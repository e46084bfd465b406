/** The slice of Octokit the GitHub reporting code uses, and how write refusals are recognised. */
import type { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

export interface PullRequestTarget {
  owner: string;
  repo: string;
  pullNumber: number;
}

/**
 * True when GitHub refused a write because the token may not write: fork pull requests and
 * Dependabot runs get read-only tokens (403), and some integrations see 404 for resources they may not touch.
 */
export function isWriteRefusal(error: unknown): boolean {
  const status = (error as { status?: number } | undefined)?.status;
  return status === 403 || status === 404;
}

export function describeError(error: unknown): string {
  const status = (error as { status?: number } | undefined)?.status;
  // A GraphQL error says what went wrong in `errors`, after a generic first line.
  const graphqlErrors = (error as { errors?: Array<{ message?: unknown }> } | undefined)?.errors;
  const graphqlMessage = Array.isArray(graphqlErrors) ? graphqlErrors.map((entry) => (typeof entry?.message === 'string' ? entry.message : '')).filter(Boolean).join('; ') : '';
  const message = graphqlMessage || (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return status ? `HTTP ${status}: ${message}` : message;
}

export interface CommentAuthor {
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
