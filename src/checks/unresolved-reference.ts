/** `unresolved-reference`: the image is built from a value the repository does not give, so it was not checked. */
import type { Check, FindingDraft } from './types.js';

export const unresolvedReferenceCheck: Check = {
  rule: 'unresolved-reference',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.problem?.kind !== 'unresolved') continue;
      drafts.push({
        occurrence,
        message: `"${occurrence.raw}" could not be resolved (${occurrence.problem.message}), so this image was not checked`,
      });
    }
    return drafts;
  },
};
