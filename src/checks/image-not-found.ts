/**
 * `image-not-found`: the registry says the repository, or the tag, does not exist. A missing
 * name is worse than a broken build: anyone who registers it decides what gets pulled. A missing
 * tag that discovery knows to be a release's placeholder (`placeholderTag`) is a note. So is a
 * missing name under Docker Hub's `library/`: only Docker publishes there, so no one can register
 * it, and such a name (`FROM bats-jenkins`) is an image the repository's own scripts build and tag
 * (a look-alike of an official image is the typosquat rule's error).
 */
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

/** `library/<name>`: Docker Hub's namespace of official images, one component under it. */
function isOfficialNamespace(path: string): boolean {
  return path.startsWith('library/') && !path.includes('/', 'library/'.length);
}

export const imageNotFoundCheck: Check = {
  rule: 'image-not-found',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const resolution = occurrence.resolution;
      if (!occurrence.reference || resolution?.status !== 'not-found' || resolution.missing === 'digest') continue;
      const parts = splitReference(occurrence.reference);
      const repository = parts ? `${parts.domain}/${parts.path}` : occurrence.reference;
      if (resolution.missing === 'repository' && parts?.domain === 'docker.io' && isOfficialNamespace(parts.path)) {
        const message = `${shownImage(occurrence)}: Docker Hub has no official image ${parts.path.slice('library/'.length)}; only Docker publishes under library/, so no one else can register it: an image built locally (by the repository's scripts) or a mistake`;
        drafts.push({ occurrence, message, severity: 'note' });
        continue;
      }
      if (resolution.missing === 'repository') {
        drafts.push({ occurrence, message: `${shownImage(occurrence)}: repository ${repository} does not exist on the registry; if the name is a typo, an attacker could register it` });
        continue;
      }
      const message = `${shownImage(occurrence)}: tag ${parts?.tag ?? 'latest'} does not exist in ${repository}`;
      // A tag the release writes in (a chart's appVersion 0.0.0) is missing until then: said, not failed.
      if (occurrence.placeholderTag) drafts.push({ occurrence, message: `${message} (${occurrence.placeholderTag})`, severity: 'note' });
      else drafts.push({ occurrence, message });
    }
    return drafts;
  },
};
