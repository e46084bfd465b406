/** `digest-not-found`: the reference is pinned to a digest the repository does not contain. */
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

export const digestNotFoundCheck: Check = {
  rule: 'digest-not-found',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const resolution = occurrence.resolution;
      if (!occurrence.reference || resolution?.status !== 'not-found' || resolution.missing !== 'digest') continue;
      const parts = splitReference(occurrence.reference);
      const repository = parts ? `${parts.domain}/${parts.path}` : occurrence.reference;
      let message = `${shownImage(occurrence)}: digest ${parts?.digest ?? ''} does not exist in ${repository}`;
      if (parts?.tag && resolution.tagDigest) message += `; tag ${parts.tag} points to ${resolution.tagDigest}`;
      drafts.push({ occurrence, message });
    }
    return drafts;
  },
};
