/** `untrusted-registry`: the policy lists the registries images may come from (`registries.allow`), and this one is not among them. */
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

export const untrustedRegistryCheck: Check = {
  rule: 'untrusted-registry',
  run(occurrences, { policy, trust, split = splitReference }) {
    if (!policy.allowedRegistries) return [];
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      // A locally built image is not pulled from anywhere; its name is only a label.
      if (occurrence.local || occurrence.reference === null) continue;
      const parts = split(occurrence.reference);
      if (!parts || trust.isAllowedRegistry(parts.domain)) continue;
      const { domain } = parts;
      drafts.push({
        occurrence,
        message: `${shownImage(occurrence)} comes from ${domain}, which is not in the policy's allowed registries (${policy.allowedRegistries.join(', ') || 'none'})`,
      });
    }
    return drafts;
  },
};
