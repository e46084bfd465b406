/**
 * One finding per cause. Some rules describe a symptom of a finding another rule already makes on
 * the same occurrence, with a different fix: a typosquat or a missing image needs another name,
 * not a digest, so `unpinned` and `mutable-tag` would only send the reviewer the wrong way; and
 * `latest` (or no tag) is one problem, reported by `unpinned` when pinning is checked (its fix,
 * the digest, also ends the mutability) and by `mutable-tag` otherwise.
 *
 * Only a finding that stands (not suppressed) supersedes another: a typosquat someone has
 * suppressed as intended leaves the pinning findings in place.
 */
import { SEVERITY_RANK, type Finding, type RuleId } from '../model.js';

/** For each rule, the rules whose finding on the same occurrence makes it redundant. */
const SUPERSEDED_BY: Readonly<Partial<Record<RuleId, readonly RuleId[]>>> = {
  unpinned: ['typosquat', 'image-not-found'],
  'mutable-tag': ['typosquat', 'image-not-found', 'unpinned'],
};

/**
 * Drops findings superseded by another standing finding on the same occurrence. A finding is
 * kept when it is more severe than every finding superseding it (a policy may raise
 * `mutable-tag` to error while `unpinned` stays a warning).
 */
export function applyPrecedence<T extends object>(entries: ReadonlyArray<{ finding: Finding; occurrence: T }>): Finding[] {
  const standing = new Map<T, Finding[]>();
  for (const { finding, occurrence } of entries) {
    if (finding.suppressed) continue;
    const list = standing.get(occurrence);
    if (list) list.push(finding);
    else standing.set(occurrence, [finding]);
  }
  return entries
    .filter(({ finding, occurrence }) => {
      const superseding = SUPERSEDED_BY[finding.rule];
      if (!superseding) return true;
      const rank = SEVERITY_RANK[finding.severity];
      return !(standing.get(occurrence) ?? []).some(
        (other) => other !== finding && superseding.includes(other.rule) && SEVERITY_RANK[other.severity] >= rank,
      );
    })
    .map(({ finding }) => finding);
}
