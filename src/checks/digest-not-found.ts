/** `digest-not-found`: the reference is pinned to a digest the repository does not contain. */
import { splitNormalizedReference } from '../registry/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

export const digestNotFoundCheck: Check = {
  rule: 'digest-not-found',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const resolution = occurrence.resolution;
      if (!occurrence.reference || resolution?.status !== 'not-found' || resolution.missing !== 'digest') continue;
      const parts = splitNormalizedReference(occurrence.reference);
      const repository = parts ? `${parts.repo.domain}/${parts.repo.path}` : occurrence.reference;
      let message = `${shownImage(occurrence)}: digest ${parts?.digest ?? ''} does not exist in ${repository}`;
      if (parts?.tag && resolution.tagDigest) message += `; tag ${parts.tag} points to ${resolution.tagDigest}`;
      drafts.push({ occurrence, message });
    }
    return drafts;
  },
};
