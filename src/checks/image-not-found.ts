/**
 * `image-not-found`: the registry says the repository, or the tag, does not exist. A missing
 * name is worse than a broken build: anyone who registers it decides what gets pulled.
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
      const message =
        resolution.missing === 'repository'
          ? `${shownImage(occurrence)}: repository ${repository} does not exist on the registry; if the name is a typo, an attacker could register it`
          : `${shownImage(occurrence)}: tag ${parts?.tag ?? 'latest'} does not exist in ${repository}`;
      drafts.push({ occurrence, message });
    }
    return drafts;
  },
};
