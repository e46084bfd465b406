/** `invalid-reference`: the image text breaks the reference grammar, so no tool can pull it. */
import type { Check, FindingDraft } from './types.js';

export const invalidReferenceCheck: Check = {
  rule: 'invalid-reference',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.problem?.kind !== 'invalid') continue;
      const shown = occurrence.resolved ?? occurrence.raw;
      drafts.push({ occurrence, message: `"${shown}" is not a valid image reference: ${occurrence.problem.message}` });
    }
    return drafts;
  },
};
