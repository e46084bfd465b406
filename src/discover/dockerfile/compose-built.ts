/**
 * Images a Dockerfile names that its own compose project builds: a service writes `image:` beside
 * `build:` (vaultwarden's playwright compose tags `playwright_oidc_vaultwarden_prebuilt`), and a
 * Dockerfile another service of that project builds starts `FROM` that tag. Compose builds it on
 * the machine; no registry holds it (as `docker.io/library/...` it would be an image that does not
 * exist), so it is built here, like the compose service's own `image:`.
 *
 * Only a name of one component counts (`docker.io/library/<name>`): should the build of the other
 * Dockerfile pull rather than find the local tag, only Docker's official images live there, and no
 * one else can publish one. A name under an account (`acme/base`) or another registry stays an
 * image to check: a look-alike written as a compose service's tag must not pass unchecked.
 */
import type { Occurrence } from '../../model.js';
import { normalizeForOccurrence } from '../../reference/index.js';
import { composeBuildersOf, composeProjectImages } from '../compose-builds.js';
import type { DiscoverContext } from '../types.js';

/**
 * The key under which Docker tags a one-component name (a name without tag is `:latest`); none for
 * any other name, and none with a digest, which names registry content.
 */
function localTagKey(image: string): string | undefined {
  const normalized = normalizeForOccurrence(image);
  if (!normalized.ok || normalized.parsed.digest !== undefined) return undefined;
  const { domain, path, tag } = normalized.parsed;
  if (domain !== 'docker.io' || !path.startsWith('library/') || path.indexOf('/') !== path.lastIndexOf('/')) return undefined;
  return `${path}:${tag ?? 'latest'}`;
}

/** The occurrences, those naming an image that a compose project building this Dockerfile builds itself marked as built here. */
export async function withComposeBuiltImages(dockerfilePath: string, occurrences: Occurrence[], context: DiscoverContext): Promise<Occurrence[]> {
  if (!occurrences.some((occurrence) => occurrence.reference !== null && !occurrence.local)) return occurrences;
  const projects = new Set((await composeBuildersOf(dockerfilePath, context)).map((build) => build.project));
  if (projects.size === 0) return occurrences;
  const built = new Map<string, string>();
  for (const project of projects) {
    for (const { image, service, file } of await composeProjectImages(project, context)) {
      const key = localTagKey(image);
      if (key !== undefined && !built.has(key)) built.set(key, `service ${service} of ${file}`);
    }
  }
  if (built.size === 0) return occurrences;
  return occurrences.map((occurrence) => {
    const key = occurrence.reference === null || occurrence.local ? undefined : localTagKey(occurrence.reference);
    const builder = key === undefined ? undefined : built.get(key);
    if (builder === undefined) return occurrence;
    const note = `the image ${builder} builds`;
    return { ...occurrence, local: true, note: occurrence.note ? `${occurrence.note}; ${note}` : note };
  });
}
