/**
 * `unresolved-reference`: the image is built from a value the repository does not give, so it was
 * not checked. Not for an image the repository builds itself (`local`: a Cloud Build's `images:`
 * tagged `$COMMIT_SHA`, a compose service's built tag): nothing is pulled, so nothing was left unchecked.
 */
import type { Check, FindingDraft } from './types.js';

export const unresolvedReferenceCheck: Check = {
  rule: 'unresolved-reference',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.problem?.kind !== 'unresolved' || occurrence.local) continue;
      drafts.push({
        occurrence,
        message: `"${occurrence.raw}" could not be resolved (${occurrence.problem.message}), so this image was not checked`,
      });
    }
    return drafts;
  },
};
