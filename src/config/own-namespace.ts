/**
 * The repository's own namespace on ghcr.io. There an account's images live under its GitHub login,
 * under which no one else can publish: an organisation's copy of `minio` or `postgres` at
 * `ghcr.io/<its login>/` is its own mirror, not a copy posing as the publisher's image (coollabsio's
 * `ghcr.io/coollabsio/minio` in coollabsio/coolify was a typosquat error), and a look-alike of that
 * login is worth flagging. On Docker Hub or Quay an account of the same name may be anyone's, so
 * only ghcr.io counts, and only for github.com (GitHub Enterprise Server's registry is another host).
 */
import { githubRepository, isGitHubDotCom } from '../github-env.js';
import type { Policy } from './policy.js';

/** A GitHub login: letters, digits and single hyphens inside, at most 39 characters. */
function isGitHubLogin(name: string): boolean {
  if (name.length === 0 || name.length > 39 || name.startsWith('-') || name.endsWith('-') || name.includes('--')) return false;
  for (const ch of name) if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '-')) return false;
  return true;
}

/**
 * The policy with `ghcr.io/<owner>/**` trusted, the owner read from GITHUB_REPOSITORY (set in every
 * Actions job; a CLI user can set it too); the policy itself when there is no such owner.
 */
export function withOwnGhcrNamespace(policy: Policy, env: NodeJS.ProcessEnv): Policy {
  const repository = githubRepository(env);
  if (!isGitHubDotCom(env) || !repository) return policy;
  // ghcr.io namespaces are the login in lower case.
  const owner = repository.owner.toLowerCase();
  if (!isGitHubLogin(owner)) return policy;
  const glob = `ghcr.io/${owner}/**`;
  return policy.trustedImages.includes(glob) ? policy : { ...policy, trustedImages: [...policy.trustedImages, glob] };
}
