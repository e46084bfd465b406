/**
 * `image-not-found`: the registry says the repository, or the tag, does not exist. A missing
 * name is worse than a broken build: anyone who registers it decides what gets pulled. A missing
 * tag that discovery knows to be a release's placeholder (`placeholderTag`) is a note.
 */
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

export const imageNotFoundCheck: Check = {
  rule: 'image-not-found',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const resolution = occurrence.resolution;
      if (!occurrence.reference || resolution?.status !== 'not-found' || resolution.missing === 'digest') continue;
      const parts = splitReference(occurrence.reference);
      const repository = parts ? `${parts.domain}/${parts.path}` : occurrence.reference;
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
