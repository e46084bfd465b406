/**
 * The Docker Hub part of the resolve stage: for the images the impersonation rule would grade
 * (an official or well-known image's name under an unknown Docker Hub namespace) and for names
 * under `library/` that are no official image, asks Docker Hub's public API whether the namespace
 * and repository exist and how widely the repository is pulled, and records the answer in
 * `resolution.dockerHub`. Rules read it; they do no I/O.
 *
 * Docker Hub's registry answers 401 for a repository that does not exist, so the registry stage
 * can only say "could not check". When Docker Hub's API says the namespace or repository does
 * not exist, the resolution becomes `not-found` (reported as `image-not-found`).
 */
import { withFields } from './copy.js';
import type { ResolvedOccurrence, Resolution } from './model.js';
import type { DockerHubApi, HubRepositoryAnswer } from './registry/index.js';

/** Which Docker Hub repository, if any, grades this normalized reference. */
export type DockerHubQuestion = (reference: string) => { namespace: string; repository: string } | undefined;

export interface DockerHubResolveOptions {
  logger?: (msg: string) => void;
  /** At most this many repositories are asked about in a run (Docker Hub's API is rate-limited). */
  maxRepositories?: number;
}

const DEFAULT_MAX_REPOSITORIES = 200;

export async function resolveDockerHub(
  occurrences: ResolvedOccurrence[],
  hub: DockerHubApi,
  question: DockerHubQuestion,
  options: DockerHubResolveOptions = {},
): Promise<ResolvedOccurrence[]> {
  const limit = options.maxRepositories ?? DEFAULT_MAX_REPOSITORIES;
  const asked = new Map<string, Promise<HubRepositoryAnswer>>();
  const keyOf = new Map<string, string>();
  for (const occurrence of occurrences) {
    const reference = occurrence.reference;
    if (!reference || occurrence.local || keyOf.has(reference)) continue;
    const target = question(reference);
    if (!target) continue;
    const key = `${target.namespace}/${target.repository}`;
    keyOf.set(reference, key);
    if (asked.has(key)) continue;
    if (asked.size >= limit) {
      options.logger?.(`Docker Hub: more than ${limit} repositories to grade; ${key} and later ones were not asked`);
      keyOf.delete(reference);
      continue;
    }
    asked.set(key, hub.repository(target.namespace, target.repository));
  }
  const answers = new Map<string, HubRepositoryAnswer>();
  await Promise.all([...asked].map(async ([key, pending]) => answers.set(key, await pending)));
  return occurrences.map((occurrence) => {
    const key = occurrence.reference ? keyOf.get(occurrence.reference) : undefined;
    const answer = key ? answers.get(key) : undefined;
    if (!key || !answer) return occurrence;
    if (answer.status === 'error') {
      options.logger?.(`Docker Hub: ${key}: ${answer.message}`);
      return occurrence;
    }
    return withFields(occurrence, { resolution: withDockerHub(occurrence.resolution, key, answer) });
  });
}

function withDockerHub(resolution: Resolution | undefined, key: string, answer: Exclude<HubRepositoryAnswer, { status: 'error' }>): Resolution {
  if (answer.status === 'ok') {
    const facts = { namespaceExists: true, repositoryExists: true, ...answer.facts };
    const base: Resolution = resolution ?? { status: 'error', errorCode: 'protocol', message: 'not asked' };
    return withFields(base, { dockerHub: facts });
  }
  const dockerHub = { namespaceExists: answer.missing === 'repository', repositoryExists: false };
  // The registry's own answer wins when it had one; Docker Hub's API decides when it could not.
  if (resolution?.status === 'ok') return withFields(resolution, { dockerHub });
  const namespace = key.slice(0, key.indexOf('/'));
  const message =
    answer.missing === 'namespace' ? `Docker Hub has no namespace ${namespace}` : `Docker Hub has no repository ${key}`;
  return { status: 'not-found', missing: 'repository', message, dockerHub };
}
