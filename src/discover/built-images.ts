/**
 * Images a tool builds on the machine and another file then names by the same tag: a compose
 * service's `image:` beside `build:` that another Dockerfile of the project starts `FROM`, a devfile
 * image component's `imageName` that its Kubernetes manifests run. No registry holds such a tag (as
 * `docker.io/library/...` it would be an image that does not exist), so it is built here.
 *
 * Only a name of one component counts (`docker.io/library/<name>`, what the devfile spec calls a
 * relative image name): should the tool pull rather than find the local tag, only Docker's official
 * images live there, and no one else can publish one. A name under an account (`acme/base`) or
 * another registry stays an image to check: a look-alike written as a build's tag must not pass unchecked.
 */
import type { Occurrence } from '../model.js';
import { normalizeForOccurrence } from '../reference/index.js';

/**
 * The key under which Docker tags a one-component name (a name without tag is `:latest`); none for
 * any other name, and none with a digest, which names registry content.
 */
export function localTagKey(image: string): string | undefined {
  const normalized = normalizeForOccurrence(image);
  if (!normalized.ok || normalized.parsed.digest !== undefined) return undefined;
  const { domain, path, tag } = normalized.parsed;
  if (domain !== 'docker.io' || !path.startsWith('library/') || path.indexOf('/') !== path.lastIndexOf('/')) return undefined;
  return `${path}:${tag ?? 'latest'}`;
}

/** Whether any occurrence names a registry image that a build's tag could stand for. */
export function namesRegistryImage(occurrences: readonly Occurrence[]): boolean {
  return occurrences.some((occurrence) => occurrence.reference !== null && !occurrence.local);
}

/**
 * The occurrences, those naming a tag in `built` (localTagKey -> who builds it, for people: "service
 * web of compose.yaml") marked as built here, with a note saying by whom.
 */
export function markBuiltHere(occurrences: Occurrence[], built: ReadonlyMap<string, string>): Occurrence[] {
  if (built.size === 0) return occurrences;
  return occurrences.map((occurrence) => {
    const key = occurrence.reference === null || occurrence.local ? undefined : localTagKey(occurrence.reference);
    const builder = key === undefined ? undefined : built.get(key);
    if (builder === undefined) return occurrence;
    const note = `the image ${builder} builds`;
    return { ...occurrence, local: true, note: occurrence.note ? `${occurrence.note}; ${note}` : note };
  });
}
