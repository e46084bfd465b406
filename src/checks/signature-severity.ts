/**
 * Shared by the signature rules: their severity follows `signatures.mode` (require => error,
 * warn => warning, off => none), and each rule is built by `signatureCheck` from what it reports
 * about one signature status: an occurrence's digest, or one of its index's platform manifests.
 */
import type { Policy } from '../config/policy.js';
import type { ResolvedOccurrence, RuleId, Severity, SignatureStatus } from '../model.js';
import type { Check, FindingDraft } from './types.js';

function signatureSeverity(policy: Policy): Severity | undefined {
  switch (policy.signatures.mode) {
    case 'require':
      return 'error';
    case 'warn':
      return 'warning';
    default:
      return undefined;
  }
}

/** The image name and digest for messages: the reference as normalized, else the raw text. */
function imageName(occurrence: ResolvedOccurrence): string {
  return occurrence.reference ?? occurrence.raw;
}

/** One finding of a signature rule, before the occurrence and severity are attached. */
export interface SignatureFinding {
  message: string;
  /** The sigstore or registry error code behind it, when there is one. */
  errorCode?: string;
}

/**
 * What a rule judges: the digest the occurrence names, then each platform manifest checked with
 * it (policy `signatures.platforms`), each with its own status and signatures and named so that a
 * reviewer sees which one fails ("… for linux/arm64 (platform manifest sha256:…)").
 */
export function signatureSubjects(signature: SignatureStatus, image: string): Array<{ signature: SignatureStatus; image: string }> {
  const { platforms, indexStatus, ...own } = signature;
  if (!platforms) return [{ signature, image }];
  // The index could not be read (or had too many platforms): that "not checked" belongs to the index itself.
  const indexNotChecked = own.status === 'not-checked' && !platforms.some((platform) => platform.status === 'not-checked');
  const subjects = [{ signature: { ...own, status: indexNotChecked ? own.status : (indexStatus ?? own.status) }, image }];
  for (const platform of platforms) {
    const status: SignatureStatus = { status: platform.status, signatures: platform.signatures };
    if (platform.message) status.message = platform.message;
    if (own.requiredPredicateTypes) status.requiredPredicateTypes = own.requiredPredicateTypes;
    if (platform.unmet) status.unmet = platform.unmet;
    subjects.push({ signature: status, image: `${image} for ${platform.platform} (platform manifest ${platform.digest})` });
  }
  return subjects;
}

/**
 * A signature rule: no findings when `signatures.mode` is off; otherwise `findingsFor` is asked
 * about every occurrence whose signature was looked at (and about each of its checked platform
 * manifests, see `signatureSubjects`), and its findings get the mode's severity.
 */
export function signatureCheck(
  rule: RuleId,
  findingsFor: (signature: SignatureStatus, image: string) => SignatureFinding[],
  severityOf: (policy: Policy) => Severity | undefined = signatureSeverity,
): Check {
  return {
    rule,
    run(occurrences, { policy }) {
      const severity = severityOf(policy);
      if (!severity) return [];
      const drafts: FindingDraft[] = [];
      for (const occurrence of occurrences) {
        if (!occurrence.signature) continue;
        for (const subject of signatureSubjects(occurrence.signature, imageName(occurrence))) {
          for (const { message, errorCode } of findingsFor(subject.signature, subject.image)) {
            const draft: FindingDraft = { occurrence, severity, message };
            if (errorCode) draft.errorCode = errorCode;
            drafts.push(draft);
          }
        }
      }
      return drafts;
    },
  };
}
