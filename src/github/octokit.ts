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
  const graphqlMessage = Array.isArray(graphqlErrors) ? graphqlErrors.map((entry) => String(entry?.message ?? '')).filter(Boolean).join('; ') : '';
  const message = graphqlMessage || (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return status ? `HTTP ${status}: ${message}` : message;
}
