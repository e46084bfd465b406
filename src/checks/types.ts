/**
 * The interface every rule implements: resolved occurrences in, finding drafts out. Severity,
 * suppression and ordering are applied once, by `runChecks` in `./index.ts`, so a rule module only
 * decides *whether* an occurrence breaks its rule and says why.
 *
 * A new rule is one module exporting a `Check` plus one line in `CHECKS`.
 */
import type { Policy } from '../config/policy.js';
import type { ContainerConfig, ResolvedOccurrence, RuleId, Severity, UnscannedFile } from '../model.js';
import type { ReferenceParts } from '../reference/index.js';
import type { TrustIndex } from './trust.js';

export interface CheckContext {
  policy: Policy;
  /** The policy's trusted images, trusted and allowed registries, compiled once per run. */
  trust: TrustIndex;
  /** Candidate files discovery could not fully read (`file-not-scanned`). */
  unscanned?: readonly UnscannedFile[];
  /** How the repository configures its containers (least-privilege rules). */
  containers?: readonly ContainerConfig[];
  /** How rules split references: `runChecks` gives one that splits each distinct reference once for all rules. */
  split?: (reference: string) => ReferenceParts | undefined;
}

/** Where a finding is and what it names: an occurrence, or a whole file (`file-not-scanned`). */
export type FindingSubject = Pick<ResolvedOccurrence, 'file' | 'line' | 'column' | 'reference' | 'raw' | 'related'>;

/** What a rule reports about one occurrence; `runChecks` turns it into a `Finding`. */
export interface FindingDraft {
  occurrence: FindingSubject;
  /** A message a reviewer understands without reading docs. */
  message: string;
  /**
   * Set only by modules that report several related rules (e.g. signature checks reporting
   * `signer-mismatch` beside `unsigned`); defaults to the check's `rule`.
   */
  rule?: RuleId;
  /**
   * The rule's own severity for this finding when it depends on the policy (pinning mode,
   * signature mode `warn`). An explicit `severity:` entry in the policy still wins.
   */
  severity?: Severity;
  /** Replacement text for the occurrence's `raw`. */
  suggestion?: string;
  /** Underlying registry or sigstore error code. */
  errorCode?: string;
}

export interface Check {
  /** The rule this module reports (drafts without their own `rule`). */
  rule: RuleId;
  /** Every rule the module may report, when drafts name others than `rule`; the module is skipped only when all are off. */
  rules?: RuleId[];
  /** Pure: no I/O, no throwing for bad input (one bad occurrence is skipped, not fatal). */
  run(occurrences: ResolvedOccurrence[], context: CheckContext): FindingDraft[];
}
