/**
 * `registry-unreachable`: the registry could not be asked (network, timeout, credentials refused,
 * rate limit, server or protocol error), so the image is reported as NOT verified, saying which
 * facts were left unchecked. Registry answers that fail digest verification are `digest-mismatch`.
 */
import type { ResolvedOccurrence } from '../model.js';
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

function unverified(occurrence: ResolvedOccurrence, tagOnly: boolean): string {
  const parts = occurrence.reference ? splitReference(occurrence.reference) : undefined;
  const tag = parts?.tag ?? (parts?.digest ? undefined : 'latest');
  if (tagOnly) return `tag ${tag} was not checked against the pinned digest`;
  const facts: string[] = [];
  if (tag) facts.push(`that tag ${tag} exists and which digest it points to`);
  if (parts?.digest) facts.push(`that digest ${parts.digest} exists`);
  return `not verified: ${facts.join(', nor ') || 'the image'}`;
}

export const registryUnreachableCheck: Check = {
  rule: 'registry-unreachable',
  run(occurrences) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      const resolution = occurrence.resolution;
      if (!occurrence.reference || !resolution || resolution.errorCode === 'digest-mismatch') continue;
      // status 'ok' with an errorCode: the pinned digest was verified but its tag could not be asked.
      const tagOnly = resolution.status === 'ok' && resolution.errorCode !== undefined;
      if (resolution.status !== 'error' && !tagOnly) continue;
      const draft: FindingDraft = {
        occurrence,
        message: `${shownImage(occurrence)}: ${unverified(occurrence, tagOnly)} (${resolution.message ?? resolution.errorCode ?? 'registry error'})`,
      };
      if (resolution.errorCode) draft.errorCode = resolution.errorCode;
      drafts.push(draft);
    }
    return drafts;
  },
};
