/**
 * `unpinned`: an image pulled by tag alone. Locally built images and occurrences without a
 * reference are exempt (there is nothing to pin). The pinning mode sets the severity.
 */
import type { Severity } from '../model.js';
import { splitReference } from '../reference/index.js';
import { appendDigestAsWritten } from '../reference/written.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

/** Text with substitution syntax cannot be pinned by appending a digest: the suggestion would be wrong for other values. */
const VARIABLE_SYNTAX = /[$]|\{\{|\{%|<%/;

export const unpinnedCheck: Check = {
  rule: 'unpinned',
  run(occurrences, { policy, split = splitReference }) {
    if (policy.pinning === 'off') return [];
    const severity: Severity = policy.pinning === 'require' ? 'error' : 'warning';
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.local || occurrence.reference === null) continue;
      const parts = split(occurrence.reference);
      if (!parts || parts.digest !== undefined) continue;
      const digest = occurrence.resolution?.tagDigest;
      const tag = parts.tag ?? 'latest';
      const draft: FindingDraft = {
        occurrence,
        severity,
        message: digest
          ? `${shownImage(occurrence)} is not pinned by digest; tag ${tag} currently points to ${digest}`
          : `${shownImage(occurrence)} is not pinned by digest: the tag ${tag} can be moved to other content at any time`,
      };
      // A Helm value that is one part of the image (a repository, a name) cannot take the digest by appending.
      const partOfImage = occurrence.kind === 'helm' && occurrence.resolved !== undefined;
      if (digest && !partOfImage && !VARIABLE_SYNTAX.test(occurrence.raw) && !occurrence.raw.includes('@')) {
        draft.suggestion = appendDigestAsWritten(occurrence.raw, digest);
      }
      drafts.push(draft);
    }
    return drafts;
  },
};
