/**
 * Shared by the signature rules: their severity follows `signatures.mode` (require => error,
 * warn => warning, off => none), and each rule is built by `signatureCheck` from what it reports
 * about one occurrence's signature status.
 */
import type { Policy } from '../config/policy.js';
import type { ResolvedOccurrence, RuleId, Severity, SignatureStatus } from '../model.js';
import type { Check, FindingDraft } from './types.js';

export function signatureSeverity(policy: Policy): Severity | undefined {
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
export function imageName(occurrence: ResolvedOccurrence): string {
  return occurrence.reference ?? occurrence.raw;
}

/** One finding of a signature rule, before the occurrence and severity are attached. */
export interface SignatureFinding {
  message: string;
  /** The sigstore or registry error code behind it, when there is one. */
  errorCode?: string;
}

/**
 * A signature rule: no findings when `signatures.mode` is off; otherwise `findingsFor` is asked
 * about every occurrence whose signature was looked at, and its findings get the mode's severity.
 */
export function signatureCheck(rule: RuleId, findingsFor: (signature: SignatureStatus, image: string) => SignatureFinding[]): Check {
  return {
    rule,
    run(occurrences, { policy }) {
      const severity = signatureSeverity(policy);
      if (!severity) return [];
      const drafts: FindingDraft[] = [];
      for (const occurrence of occurrences) {
        if (!occurrence.signature) continue;
        for (const { message, errorCode } of findingsFor(occurrence.signature, imageName(occurrence))) {
          const draft: FindingDraft = { occurrence, severity, message };
          if (errorCode) draft.errorCode = errorCode;
          drafts.push(draft);
        }
      }
      return drafts;
    },
  };
}
