/**
 * Runs every rule over the resolved occurrences and turns the drafts into findings: severity from
 * the rule table and the policy, policy `ignore` entries and inline comments marked as
 * suppressions (kept in the list, so reports can count them), then a stable order.
 */
import { compileImageGlobs } from '../config/glob.js';
import { compilePathGlobs } from '../config/path-glob.js';
import { rememberingSplitter } from '../reference/index.js';
import type { Policy } from '../config/policy.js';
import { SEVERITY_RANK, type Finding, type ResolvedOccurrence, type RuleId, type Severity, type UnscannedFile, type ContainerConfig, type ScanError } from '../model.js';
import { noResourceLimitsCheck } from './no-resource-limits.js';
import { privilegedCheck } from './privileged.js';
import { runsAsRootCheck } from './runs-as-root.js';
import { writableRootFilesystemCheck } from './writable-root-filesystem.js';
import { invalidReferenceCheck } from './invalid-reference.js';
import { mutableTagCheck } from './mutable-tag.js';
import { applyPrecedence } from './precedence.js';
import { RULES } from './rules.js';
import { SuppressionIndex } from './suppression.js';
import { buildTrustIndex } from './trust.js';
import { impersonationCheck, typosquatCheck } from './typosquat.js';
import type { Check, CheckContext, FindingDraft, FindingSubject } from './types.js';
import { unpinnedCheck } from './unpinned.js';
import { unresolvedReferenceCheck } from './unresolved-reference.js';
import { untrustedRegistryCheck } from './untrusted-registry.js';
import { imageNotFoundCheck } from './image-not-found.js';
import { digestNotFoundCheck } from './digest-not-found.js';
import { digestMismatchCheck } from './digest-mismatch.js';
import { registryUnreachableCheck } from './registry-unreachable.js';
import { unsignedCheck } from './unsigned.js';
import { signatureInvalidCheck } from './signature-invalid.js';
import { signerMismatchCheck } from './signer-mismatch.js';
import { attestationMissingCheck } from './attestation-missing.js';
import { attestationInvalidCheck } from './attestation-invalid.js';
import { signatureNotCheckedCheck } from './signature-not-checked.js';
import { fileNotScannedCheck } from './file-not-scanned.js';

export type { Check } from './types.js';

export const CHECKS: Check[] = [
  invalidReferenceCheck,
  unresolvedReferenceCheck,
  typosquatCheck,
  impersonationCheck,
  unpinnedCheck,
  mutableTagCheck,
  untrustedRegistryCheck,
  imageNotFoundCheck,
  digestNotFoundCheck,
  digestMismatchCheck,
  registryUnreachableCheck,
  unsignedCheck,
  signatureInvalidCheck,
  signerMismatchCheck,
  attestationMissingCheck,
  attestationInvalidCheck,
  signatureNotCheckedCheck,
  fileNotScannedCheck,
  runsAsRootCheck,
  privilegedCheck,
  noResourceLimitsCheck,
  writableRootFilesystemCheck,
];

/** The finding's severity, or 'off': an explicit policy entry wins over the rule's own choice, which wins over the table default. */
function severityFor(rule: RuleId, policy: Policy, draftSeverity?: Severity): Severity | 'off' {
  return policy.severity[rule] ?? draftSeverity ?? RULES[rule].defaultSeverity;
}

interface CompiledIgnore {
  rule: RuleId | '*';
  matchesPath: (file: string) => boolean;
  matchesImage: (reference: string | null) => boolean;
  reason?: string;
}

function compileIgnores(policy: Policy): CompiledIgnore[] {
  return policy.ignore.map((entry) => {
    const paths = entry.paths.length > 0 ? compilePathGlobs(entry.paths) : undefined;
    const images = entry.images.length > 0 ? compileImageGlobs(entry.images) : undefined;
    const compiled: CompiledIgnore = {
      rule: entry.rule,
      matchesPath: (file) => (paths ? paths.matches(file) : true),
      // An entry limited to images cannot match an occurrence that has no image name.
      matchesImage: (reference) => (images ? reference !== null && images.matches(reference) : true),
    };
    if (entry.reason !== undefined) compiled.reason = entry.reason;
    return compiled;
  });
}

export interface RunChecksOptions {
  /** The rules to run; `CHECKS` by default. */
  checks?: readonly Check[];
  /**
   * Called when a rule module throws; its findings are then missing, so the caller must report
   * the error. Without it the error propagates: a rule that silently did not run looks like a pass.
   */
  onError?: (rule: RuleId, error: Error) => void;
  /** Candidate files discovery could not fully read; each is a `file-not-scanned` finding. */
  unscanned?: readonly UnscannedFile[];
  /** How the repository configures its containers, for the least-privilege rules. */
  containers?: readonly ContainerConfig[];
}

/**
 * Runs every check and returns the findings, suppressed ones included, in file/line/column/rule
 * order, one per cause (see precedence.ts).
 */
export function runChecks(
  occurrences: ResolvedOccurrence[],
  policy: Policy,
  sources: Map<string, string>,
  options: RunChecksOptions = {},
): Finding[] {
  const context: CheckContext = {
    policy,
    trust: buildTrustIndex(policy),
    unscanned: options.unscanned ?? [],
    containers: options.containers ?? [],
    split: rememberingSplitter(),
  };
  const ignores = compileIgnores(policy);
  const inline = new SuppressionIndex(sources);
  const findings: Array<{ finding: Finding; occurrence: FindingSubject }> = [];

  for (const check of options.checks ?? CHECKS) {
    // A rule switched off costs nothing.
    if ((check.rules ?? [check.rule]).every((rule) => policy.severity[rule] === 'off')) continue;
    let drafts: FindingDraft[];
    try {
      drafts = check.run(occurrences, context);
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(check.rule, error instanceof Error ? error : new Error(String(error)));
      continue;
    }
    for (const draft of drafts) {
      const rule = draft.rule ?? check.rule;
      const severity = severityFor(rule, policy, draft.severity);
      if (severity === 'off') continue;
      const { occurrence } = draft;
      const finding: Finding = {
        rule,
        severity,
        file: occurrence.file,
        line: occurrence.line,
        column: occurrence.column,
        reference: occurrence.reference,
        raw: occurrence.raw,
        message: draft.message,
      };
      if (draft.suggestion !== undefined) finding.suggestion = draft.suggestion;
      if (draft.errorCode !== undefined) finding.errorCode = draft.errorCode;
      if (occurrence.related !== undefined) finding.related = occurrence.related;

      const comment = inlineAllowed(policy, rule) ? inline.find(occurrence.file, occurrence.line, rule) : undefined;
      if (comment) {
        finding.suppressed = comment.reason !== undefined ? { kind: 'inline', reason: comment.reason, line: comment.line } : { kind: 'inline', line: comment.line };
      } else {
        const entry = ignores.find(
          (ignore) => (ignore.rule === '*' || ignore.rule === rule) && ignore.matchesPath(occurrence.file) && ignore.matchesImage(occurrence.reference),
        );
        if (entry) finding.suppressed = entry.reason !== undefined ? { kind: 'policy', reason: entry.reason } : { kind: 'policy' };
      }
      findings.push({ finding, occurrence });
    }
  }
  return applyPrecedence(findings).sort(compareFindings);
}

/** Whether the policy lets a `# verify-images: ignore` comment suppress `rule` (`inline-suppressions`). */
export function inlineAllowed(policy: Policy, rule: RuleId): boolean {
  const allowed = policy.inlineSuppressions;
  return allowed === true || (Array.isArray(allowed) && allowed.includes(rule));
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return 0;
}

/** The process exit status the findings call for: 1 when an unsuppressed finding is at or above `failOn`. */
export function exitCodeFor(findings: readonly Finding[], failOn: Severity | 'never', errors: readonly ScanError[] = []): 0 | 1 {
  if (failOn === 'never') return 0;
  // A check that did not run fails closed, whatever the threshold: its findings are unknown.
  if (errors.some((error) => error.checkFailed)) return 1;
  const threshold = SEVERITY_RANK[failOn];
  return findings.some((finding) => !finding.suppressed && SEVERITY_RANK[finding.severity] >= threshold) ? 1 : 0;
}
