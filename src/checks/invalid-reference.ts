/** `invalid-reference`: the image text breaks the reference grammar, so no tool can pull it. */
import type { Check, FindingDraft } from './types.js';

export const invalidReferenceCheck: Check = {
  rule: 'invalid-reference',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.problem?.kind !== 'invalid') continue;
      const shown = occurrence.resolved ?? occurrence.raw;
      const reason = occurrence.problem.message;
      // The grammar's message usually quotes the text already; do not say it twice.
      const message = reason.includes(shown) ? `Not a valid image reference: ${reason}` : `"${shown}" is not a valid image reference: ${reason}`;
      drafts.push({ occurrence, message });
    }
    return drafts;
  },
};
