/**
 * What the GitHub Actions environment says about where a run is: the server and the repository.
 * Read here once for the policy (the repository's own ghcr.io namespace), the registry client (whether
 * GITHUB_TOKEN belongs to ghcr.io) and the GitHub reporters (the repository the API calls name).
 */

/**
 * Whether the run is on github.com, whose container registry is ghcr.io. Unset outside Actions, so a
 * CLI run counts as github.com; GitHub Enterprise Server and GHE.com are other hosts.
 */
export function isGitHubDotCom(env: NodeJS.ProcessEnv): boolean {
  const serverUrl = env.GITHUB_SERVER_URL;
  if (serverUrl === undefined || serverUrl === '') return true;
  try {
    return new URL(serverUrl).hostname.toLowerCase() === 'github.com';
  } catch {
    return false;
  }
}

/** A repository as GitHub names it. */
export interface GitHubRepository {
  owner: string;
  repo: string;
}

/** The repository GITHUB_REPOSITORY names (`owner/name`, as Actions sets it), or undefined for anything else. */
export function githubRepository(env: NodeJS.ProcessEnv): GitHubRepository | undefined {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const slash = repository.indexOf('/');
  if (slash <= 0 || slash === repository.length - 1 || repository.includes('/', slash + 1)) return undefined;
  return { owner: repository.slice(0, slash), repo: repository.slice(slash + 1) };
}
