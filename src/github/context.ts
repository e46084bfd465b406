/**
 * What GitHub tells a step about its run: the event, the repository, the pull request, and where
 * files and commits are linked. Read from the environment and the event payload file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { githubRepository } from '../github-env.js';
import type { PullRequestTarget } from './octokit.js';
import { SetupError } from './inputs.js';
import { trimTrailing } from '../text.js';

export const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

export interface GitHubContext {
  eventName: string;
  payload: Record<string, unknown>;
  owner: string;
  repo: string;
  sha: string;
  serverUrl: string;
  apiUrl: string;
  workspace: string;
}

export async function readContext(env: NodeJS.ProcessEnv): Promise<GitHubContext> {
  let payload: Record<string, unknown> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    try {
      const text = await readFile(eventPath, 'utf8');
      if (text.length <= MAX_EVENT_BYTES) payload = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new SetupError(`cannot read the event payload ${eventPath}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const { owner, repo } = githubRepository(env) ?? { owner: '', repo: '' };
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    serverUrl: trimTrailing(env.GITHUB_SERVER_URL ?? 'https://github.com', '/'),
    apiUrl: trimTrailing(env.GITHUB_API_URL ?? 'https://api.github.com', '/'),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  };
}

export interface PullRequestInfo extends PullRequestTarget {
  headSha: string;
  baseSha: string;
}

export function pullRequestOf(context: GitHubContext): PullRequestInfo | undefined {
  if (!PULL_REQUEST_EVENTS.has(context.eventName)) return undefined;
  const pullRequest = context.payload.pull_request as { number?: unknown; head?: { sha?: unknown }; base?: { sha?: unknown } } | undefined;
  if (!pullRequest || typeof pullRequest.number !== 'number' || typeof pullRequest.head?.sha !== 'string' || typeof pullRequest.base?.sha !== 'string') return undefined;
  return { owner: context.owner, repo: context.repo, pullNumber: pullRequest.number, headSha: pullRequest.head.sha, baseSha: pullRequest.base.sha };
}

/** Directory of the scan root inside the repository ("" or "sub/dir/"), for annotation and review paths. */
export function pathPrefix(workspace: string, root: string): string {
  const relative = path.relative(workspace, root).split(path.sep).join('/');
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return '';
  return trimTrailing(relative, '/') + '/';
}

/**
 * The sticky comment's key: the `comment-key` input when set, else the scanned path, and the shard
 * (`shard-2-of-4`), so several steps and the jobs of a matrix keep separate comments.
 */
export function stickyKeyOf(inputPath: string, commentKey = '', shard?: { index: number; count: number }): string {
  const normalized = trimTrailing(path.posix.normalize(inputPath.split(path.sep).join('/')).replace(/^\.\/?$/, ''), '/');
  const key = commentKey ? `${commentKey}${normalized ? ` ${normalized}` : ''}` : normalized;
  return shard ? `${key}${key ? ' ' : ''}shard-${shard.index}-of-${shard.count}` : key;
}

/** Base URL of the scanned directory's files at a commit ("https://github.com/o/r/blob/<sha>/sub/"). */
export function blobBase(context: GitHubContext, sha: string, prefix: string): string | undefined {
  if (!context.owner || !sha) return undefined;
  return `${context.serverUrl}/${context.owner}/${context.repo}/blob/${sha}/${prefix.split('/').map(encodeURIComponent).join('/')}`;
}

/** A commit's page, for "Resolved in <sha>". */
export function commitUrl(context: GitHubContext): (sha: string) => string {
  return (sha) => `${context.serverUrl}/${context.owner}/${context.repo}/commit/${encodeURIComponent(sha)}`;
}
