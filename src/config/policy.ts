/**
 * The validated policy the engine runs with. The policy file (`.github/verify-images.yml`) uses
 * kebab-case keys; `load.ts` validates it and produces this shape, merged over the embedded defaults.
 */
import type { RuleId, Severity } from '../model.js';

type PinningMode = 'require' | 'warn' | 'off';
type SignatureMode = 'require' | 'warn' | 'off';

/** Keyless (Fulcio certificate) identity: issuer exact, subject exact or an anchored regexp. */
export interface KeylessIdentity {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
}

/**
 * What an identity regexp lacks to match the whole identity (`^`, `$`, or both), or undefined
 * when it is anchored. Regexps match anywhere, as in cosign and policy-controller; callers warn.
 */
export function missingAnchors(pattern: string): string | undefined {
  const start = pattern.startsWith('^');
  const end = pattern.endsWith('$') && !pattern.endsWith('\\$');
  if (start && end) return undefined;
  return start ? '`$`' : end ? '`^`' : '`^` and `$`';
}

export interface SignatureRule {
  /** Policy-controller globs over normalized names: `*` within one segment, `**` across segments. */
  images: string[];
  keyless?: KeylessIdentity;
  /** Absolute path (resolved by the loader from the repository-relative path in the file). */
  key?: string;
  /** PEM public key given inline (ClusterImagePolicy `key.data`), used when `key` is absent. */
  keyPem?: string;
  transparencyLog?: 'required' | 'optional';
  attestation?: { predicateType: string; keyless?: KeylessIdentity; key?: string };
  /** Name of a built-in preset (e.g. "chainguard", "distroless", "kubernetes"), expanded by the loader. */
  preset?: string;
  /** Where the rule came from, for messages: "policy file line 12", "ClusterImagePolicy foo". */
  source?: string;
}

export interface IgnoreEntry {
  /** Rule id, or "*" for every rule. */
  rule: RuleId | '*';
  /** Path globs (`./path-glob.ts`, picomatch syntax without extended globs) relative to the scan root; empty means every path. */
  paths: string[];
  /** Image globs (policy-controller semantics); empty means every image. */
  images: string[];
  reason?: string;
}

export interface Policy {
  /** Trusted images: globs over normalized names ("docker.io/library/*", "ghcr.io/my-org/**"). */
  trustedImages: string[];
  /** Trusted registries (hosts); an image on one of these is not "untrusted" by host alone. */
  trustedRegistries: string[];
  /** When set, images from any other registry get `untrusted-registry`. */
  allowedRegistries?: string[];
  pinning: PinningMode;
  /** Per-rule severity override; "off" disables the rule. */
  severity: Partial<Record<RuleId, Severity | 'off'>>;
  /** Failing severity for exit status (CLI `--fail-on`, action input `fail-on`). */
  failOn: Severity | 'never';
  buildArgs: Record<string, string>;
  include: string[];
  exclude: string[];
  ignore: IgnoreEntry[];
  /**
   * Which rules `# verify-images: ignore` comments may suppress: every rule (true), none (false), or
   * those listed. Set in the base branch's policy, it keeps a pull request from silencing, with a
   * comment of its own, the rules the owners of the policy decide no comment may silence.
   */
  inlineSuppressions: boolean | RuleId[];
  typosquat: {
    enabled: boolean;
    /** Extra trusted names used only as typosquat targets. */
    targets: string[];
    /** Names never reported as squats (known-good look-alikes in this organisation). */
    allow: string[];
  };
  /** Registries reached over plain HTTP ("127.0.0.1:5000"). */
  insecureRegistries: string[];
  registry: {
    /** Requests in flight per registry. */
    concurrency: number;
    /** Deadline of one request: its retries, waits and body together. */
    timeoutMs: number;
    retries: number;
    /** Wall-clock budget for all registry requests of a run. */
    budgetMs: number;
    /** Longest `Retry-After` waited for; a longer one fails the request at once. */
    maxRetryAfterMs: number;
  };
  signatures: {
    mode: SignatureMode;
    /** Absolute path to a trusted_root.json, when the policy names one. */
    trustedRoot?: string;
    rules: SignatureRule[];
    /** Absolute paths of Sigstore policy-controller ClusterImagePolicy files, interpreted by the sigstore stage. */
    clusterImagePolicies?: string[];
    /**
     * Platform manifests of an image index to verify besides the index digest: `true` every one,
     * a list only those ("linux/arm64"; without a variant, every variant). Absent or `false`: the
     * index digest only.
     */
    platforms?: boolean | string[];
  };
  /** Where the policy came from, for messages ("embedded defaults", ".github/verify-images.yml"). */
  source: string;
  /** What the loader accepted but flags (unanchored identity regexps), with file and line; shown as notes. */
  warnings?: string[];
}
