/**
 * `digest-mismatch`: the reference names a tag and a digest, and the tag now points elsewhere
 * (a stale pin or a moved tag). A pin to one platform's manifest inside the tag's current index
 * is not a mismatch. Also reported here: a registry whose content does not hash to the digest
 * it was asked for (`errorCode: digest-mismatch` from the resolve stage).
 */
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

export const digestMismatchCheck: Check = {
  rule: 'digest-mismatch',
  run(occurrences, { split = splitReference }) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const resolution = occurrence.resolution;
      if (!occurrence.reference || !resolution) continue;
      if (resolution.status === 'error' && resolution.errorCode === 'digest-mismatch') {
        drafts.push({
          occurrence,
          message: `${shownImage(occurrence)}: the registry served content that does not hash to the requested digest (${resolution.message ?? 'digest mismatch'}); do not trust this registry's answer`,
          errorCode: 'digest-mismatch',
        });
        continue;
      }
      const parts = split(occurrence.reference);
      if (resolution.status !== 'ok' || !parts?.tag || !parts.digest || !resolution.tagDigest) continue;
      if (resolution.tagDigest === parts.digest || resolution.pinnedDigestPlatform) continue;
      drafts.push({
        occurrence,
        message: `${shownImage(occurrence)}: tag ${parts.tag} now points to ${resolution.tagDigest}, not the pinned ${parts.digest}`,
      });
    }
    return drafts;
  },
};
