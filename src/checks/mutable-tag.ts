/**
 * `mutable-tag`: `latest` or no tag. An image pinned by digest is not mutable whatever its tag
 * says (`nginx@sha256:…`, `nginx:latest@sha256:…`): the digest is what is pulled.
 */
import { splitReference } from '../reference/index.js';
import type { Check, FindingDraft } from './types.js';
import { shownImage } from './shown-image.js';

export const mutableTagCheck: Check = {
  rule: 'mutable-tag',
  run(occurrences, { split = splitReference }) {
    const drafts: FindingDraft[] = [];
    for (const occurrence of occurrences) {
      if (occurrence.local || occurrence.reference === null) continue;
      const parts = split(occurrence.reference);
      if (!parts || parts.digest !== undefined) continue;
      if (parts.tag === undefined) {
        drafts.push({ occurrence, message: `${shownImage(occurrence)} has no tag, so it means "latest": whatever was pushed last` });
      } else if (parts.tag === 'latest') {
        drafts.push({ occurrence, message: `${shownImage(occurrence)} uses the tag "latest": whatever was pushed last` });
      }
    }
    return drafts;
  },
};
