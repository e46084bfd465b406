/**
 * Images a Dockerfile names that its own compose project builds: a service writes `image:` beside
 * `build:` (vaultwarden's playwright compose tags `playwright_oidc_vaultwarden_prebuilt`), and a
 * Dockerfile another service of that project builds starts `FROM` that tag. Compose builds it on
 * the machine, so it is built here, like the compose service's own `image:` (built-images.ts says
 * which names count).
 */
import type { Occurrence } from '../../model.js';
import { localTagKey, markBuiltHere, namesRegistryImage } from '../built-images.js';
import { composeBuildersOf, composeProjectImages } from '../compose-builds.js';
import type { DiscoverContext } from '../types.js';

/** The occurrences, those naming an image that a compose project building this Dockerfile builds itself marked as built here. */
export async function withComposeBuiltImages(dockerfilePath: string, occurrences: Occurrence[], context: DiscoverContext): Promise<Occurrence[]> {
  if (!namesRegistryImage(occurrences)) return occurrences;
  const projects = new Set((await composeBuildersOf(dockerfilePath, context)).map((build) => build.project));
  if (projects.size === 0) return occurrences;
  const built = new Map<string, string>();
  for (const project of projects) {
    for (const { image, service, file } of await composeProjectImages(project, context)) {
      const key = localTagKey(image);
      if (key !== undefined && !built.has(key)) built.set(key, `service ${service} of ${file}`);
    }
  }
  return markBuiltHere(occurrences, built);
}
