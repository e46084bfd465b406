/**
 * `registry-unreachable`: the registry could not be asked (network, timeout, credentials refused,
 * rate limit, server or protocol error), so the image is reported as NOT verified, saying which
 * facts were left unchecked. Registry answers that fail digest verification are `digest-mismatch`.
 */
import type { ResolvedOccurrence } from '../model.js';
import { isPrivateNetworkHost, splitReference } from '../reference/index.js';
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

/** The registry host of `reference` when it exists only on the machine or private network that runs the image. */
function privateRegistry(reference: string): string | undefined {
  const domain = splitReference(reference)?.domain;
  return domain !== undefined && isPrivateNetworkHost(domain) ? domain : undefined;
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
      const why = resolution.message ?? resolution.errorCode ?? 'registry error';
      const privateHost = resolution.nothingAnswered ? privateRegistry(occurrence.reference) : undefined;
      const draft: FindingDraft = {
        occurrence,
        message: privateHost
          ? `${shownImage(occurrence)}: ${unverified(occurrence, tagOnly)}: ${privateHost} is a registry of the machine or private network that runs the image, and nothing answers there from this run (${why}); list it with --insecure-registry or insecure-registries where this run can reach it`
          : `${shownImage(occurrence)}: ${unverified(occurrence, tagOnly)} (${why})`,
      };
      // Such a registry exists only where the image runs (a CI job's service, a kind cluster's): not a stall.
      if (privateHost) draft.severity = 'note';
      if (resolution.errorCode) draft.errorCode = resolution.errorCode;
      drafts.push(draft);
    }
    return drafts;
  },
};
