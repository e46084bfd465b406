/**
 * The data that flows through verify-images: discover -> resolve -> check -> report.
 * Every stage reads and writes these shapes; nothing here does I/O.
 */

/** Where an occurrence was found; also the `kind` field of the JSON contract. One discoverer per kind. */
export const KINDS = [
  'dockerfile',
  'compose',
  'kubernetes',
  'helm',
  'kustomize',
  'github-workflow',
  'github-action',
  'gitlab-ci',
  'devcontainer',
  'devfile',
  'skaffold',
  'gitpod',
  'circleci',
  'bitbucket',
  'azure-pipelines',
  'drone',
  'buildkite',
  'jenkinsfile',
  'cloudbuild',
  'concourse',
  'semaphore',
  'travis',
  'nomad',
  'quadlet',
  'ansible',
  'molecule',
  'terraform',
  'ecs-task-definition',
] as const;
export type Kind = (typeof KINDS)[number];

export type Severity = 'error' | 'warning' | 'note';

/** Severity order for comparisons: higher is more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

/** A 1-based position in a file; `column` counts UTF-16 code units, as editors and GitHub do. */
export interface Position {
  line: number;
  column: number;
}

/**
 * One place in the repository that names a container image.
 * The text of `file` at `line`/`column` is exactly `raw`.
 */
export interface Occurrence extends Position {
  /** POSIX path relative to the scanned directory. */
  file: string;
  kind: Kind;
  /** The image text exactly as written in the file (before any substitution). */
  raw: string;
  /** Normalized reference (domain and `library/` filled in, no tag added), or null when unresolved or invalid. */
  reference: string | null;
  /** The text after variable/template substitution, when it differs from `raw` (e.g. "nginx:1.25" for "nginx:${TAG:-1.25}"). */
  resolved?: string;
  /** Why `reference` is null: the expression or variable that could not be resolved, or the grammar error. */
  problem?: { kind: 'unresolved' | 'invalid'; message: string };
  /**
   * The image is built in this repository (compose `build:`, a Dockerfile stage), so registry
   * checks such as pinning do not apply to it.
   */
  local?: boolean;
  /** Where in the file's structure, for people: "FROM", "services.web.image", "spec.containers[0].image". */
  context?: string;
  /** Set when an occurrence is one value of several (a workflow matrix, a kustomize override). */
  note?: string;
  /**
   * Other places that produce this image, for people reading the finding: the Helm template lines
   * that render a values-file image reported here (SARIF `relatedLocations`).
   */
  related?: RelatedLocation[];
  /**
   * Why the tag is a placeholder a release replaces (a chart's `appVersion: 0.0.0`, set by its
   * release tooling): the image is checked as written, but a registry without that tag is expected.
   */
  placeholderTag?: string;
}

/** A place related to an occurrence or finding, with what it is. */
export interface RelatedLocation extends Position {
  file: string;
  message: string;
}

/** What the registry said about one occurrence's reference (filled in by the resolve stage). */
export interface Resolution {
  /** 'ok': the registry answered; 'not-found': repository/tag/digest does not exist; 'error': could not check. */
  status: 'ok' | 'not-found' | 'error';
  /** Digest the tag points to now (manifest or index digest). */
  tagDigest?: string;
  /** Whether the digest written in the reference exists in the repository. */
  pinnedDigestExists?: boolean;
  /** When the pinned digest is one platform's manifest inside the tag's index. */
  pinnedDigestPlatform?: string;
  mediaType?: string;
  /** Human-readable reason when status is not 'ok'. */
  message?: string;
  /** Error class, for rules: 'unauthorized' | 'forbidden' | 'rate-limited' | 'timeout' | 'network' | 'server' | 'protocol' | 'digest-mismatch'. */
  errorCode?: string;
  /** With errorCode 'network': nothing answered at the registry's address (connection refused, name not resolved). */
  nothingAnswered?: boolean;
  /** Which of repository/tag/digest was missing, when status is 'not-found'. */
  missing?: 'repository' | 'tag' | 'digest';
  /**
   * What Docker Hub's public API says about the repository, for images the impersonation rule
   * grades online (an official or well-known name under an unknown namespace, a name under
   * `library/` that is no official image). Absent offline and for other images.
   */
  dockerHub?: DockerHubFacts;
}

/** Docker Hub's answer about one repository (`src/resolve-docker-hub.ts`). */
interface DockerHubFacts {
  namespaceExists: boolean;
  repositoryExists: boolean;
  pullCount?: number;
  starCount?: number;
}

/** What signature verification found for one occurrence's digest (filled in by the sigstore stage). */
export interface SignatureStatus {
  status: 'verified' | 'unsigned' | 'invalid' | 'signer-mismatch' | 'not-checked' | 'not-required';
  /** One entry per signature or attestation examined. */
  signatures: Array<{
    format: 'bundle' | 'legacy-cosign' | 'legacy-attestation';
    identity?: { issuer?: string; subject?: string; keyFingerprint?: string };
    /** ISO time from the transparency log or timestamp authority. */
    signedAt?: string;
    verified: boolean;
    /** Error code from the verifier when not verified. */
    errorCode?: string;
    message?: string;
    predicateType?: string;
  }>;
  message?: string;
  /** Attestation predicate types the matching signature rules require for this image. */
  requiredPredicateTypes?: string[];
  /**
   * What the policy requires and this image lacks, one entry per requirement of each unsatisfied
   * policy entry (a rule, a ClusterImagePolicy). Empty or absent when the status is `verified`.
   * The signature rules report from here: `unsigned`, `signature-invalid`, `signer-mismatch`,
   * `attestation-missing`, `attestation-invalid`.
   */
  unmet?: UnmetRequirement[];
  /**
   * With policy `signatures.platforms`, when the digest is an image index: each selected platform
   * manifest, checked under the same rules. `status` is then the worst of the index's own result
   * (`indexStatus`) and theirs (invalid > signer-mismatch > unsigned > not-checked > verified), and
   * `signatures` stays the index's own.
   */
  platforms?: PlatformSignatureStatus[];
  /** The index digest's own status, set with `platforms`. */
  indexStatus?: SignatureStatus['status'];
}

/** One requirement of the signature policy that an image does not meet. */
export interface UnmetRequirement {
  /** The policy entry it belongs to: "policy file line 12", "ClusterImagePolicy release". */
  source: string;
  kind: 'signature' | 'attestation';
  predicateType?: string;
  /** `missing`: nothing of the kind found; `invalid`: found, none verifies; `signer-mismatch`: verifies, by someone else. */
  reason: 'missing' | 'invalid' | 'signer-mismatch';
  /** Who the policy accepts, for messages. */
  expected: string;
  /** What was found instead, or why it failed. */
  detail?: string;
  errorCode?: string;
}

/** One platform manifest of an image index, checked on its own (policy `signatures.platforms`). */
export interface PlatformSignatureStatus {
  /** "linux/arm64/v8", as the index describes it. */
  platform: string;
  /** The platform manifest's digest. */
  digest: string;
  status: Exclude<SignatureStatus['status'], 'not-required'>;
  signatures: SignatureStatus['signatures'];
  message?: string;
  unmet?: UnmetRequirement[];
}

/** An occurrence after the resolve stage; checks read these. */
export interface ResolvedOccurrence extends Occurrence {
  resolution?: Resolution;
  signature?: SignatureStatus;
}

/** Every rule, in the order reports list them; `checks/rules.ts` describes each, `checks/index.ts` runs each. */
export const RULE_IDS = [
  'invalid-reference',
  'unresolved-reference',
  'typosquat',
  'impersonation',
  'unpinned',
  'mutable-tag',
  'untrusted-registry',
  'image-not-found',
  'digest-not-found',
  'digest-mismatch',
  'registry-unreachable',
  'unsigned',
  'signature-invalid',
  'signer-mismatch',
  'attestation-missing',
  'attestation-invalid',
  'signature-not-checked',
  'file-not-scanned',
  'runs-as-root',
  'privileged',
  'no-resource-limits',
  'writable-root-filesystem',
  'policy-loosened',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface Finding extends Position {
  rule: RuleId;
  severity: Severity;
  file: string;
  reference: string | null;
  /** The occurrence's raw text, so reports can show and replace it. */
  raw: string;
  /** A message a reviewer understands without reading docs. */
  message: string;
  /** Replacement text for `raw`, when a fix exists (e.g. the pinned reference). */
  suggestion?: string;
  /**
   * Present when an inline comment or a policy `ignore` entry suppressed the finding; `line` is the
   * inline comment's own (1-based), so a pull request that adds it can be told apart.
   */
  suppressed?: { kind: 'inline' | 'policy'; reason?: string; line?: number };
  /** Underlying error code (registry or sigstore) when there is one. */
  errorCode?: string;
  /** The occurrence's related locations (Helm template lines rendering a values-file image). */
  related?: RelatedLocation[];
}

/**
 * A candidate file (one a discoverer would read), or a directory, that could not be fully read:
 * it may hide an image, so it becomes a `file-not-scanned` finding.
 */
export interface UnscannedFile {
  /** POSIX path relative to the scanned directory. */
  file: string;
  /** Why, for people: "file is 3000000 bytes, over the 2097152-byte limit; not scanned". */
  reason: string;
  /** The line the problem is on, when one line is to blame. */
  line?: number;
  /**
   * The finding's severity when it is not the rule's default: `warning` for a part of a template
   * that does not parse until rendered and whose `image:` lines were read line by line instead.
   */
  severity?: Severity;
}

/** A file or item that could not be processed; the scan goes on. */
export interface ScanError {
  file: string;
  message: string;
  /** A check that did not run (a rule that crashed): its findings are missing, so the run must not pass. */
  checkFailed?: true;
}

export interface ScanResult {
  schemaVersion: 1;
  occurrences: ResolvedOccurrence[];
  findings: Finding[];
  errors: ScanError[];
  /** Facts about the run a report should state: what was not checked, rate limits seen. */
  notes?: string[];
}

/** A setting as written in a file: its value, where it is, and the text there. */
export interface WrittenSetting<T> extends Position {
  value: T;
  raw: string;
}

/**
 * How one container is configured, as the repository writes it: a Kubernetes container with its
 * pod's settings, a compose service, or a Dockerfile's final stage. The least-privilege rules read
 * these; nothing here is guessed from the image (a setting not written is absent).
 */
export interface ContainerConfig extends Position {
  file: string;
  kind: 'kubernetes' | 'compose' | 'dockerfile' | 'nomad' | 'ansible' | 'terraform' | 'ecs-task-definition';
  /** For people: "Deployment/web container app", "services.web", "final stage". */
  name: string;
  /** What pod-level settings belong to, for people: "DaemonSet/node-agent" (the name itself elsewhere). */
  workload: string;
  /** The text at line/column, where a finding about a missing setting points (the container's image or name, the FROM line). */
  raw: string;
  /** Kubernetes: `initContainers` or `ephemeralContainers` when not a regular container. */
  role?: 'init' | 'ephemeral';
  /** Dockerfile `USER` (last in the final stage, inherited through stages), compose `user`, a Nomad task's, an Ansible container task's, an ECS container definition's or a Terraform `docker_container`'s `user`. */
  user?: WrittenSetting<string>;
  /** Dockerfile: the final stage's base image says it runs as non-root (a `nonroot` tag). */
  nonRootBase?: boolean;
  /** Kubernetes, container-level over pod-level. */
  runAsNonRoot?: WrittenSetting<boolean>;
  runAsUser?: WrittenSetting<number>;
  privileged?: WrittenSetting<boolean>;
  allowPrivilegeEscalation?: WrittenSetting<boolean>;
  addedCapabilities: WrittenSetting<string>[];
  /** Host namespaces shared: `hostPID`, `hostIPC`, `hostNetwork` (Kubernetes), `network_mode`, `pid`, `ipc` set to host (compose). */
  hostNamespaces: WrittenSetting<string>[];
  /** Host paths mounted (Kubernetes `hostPath` volumes the container mounts, compose bind mounts). */
  hostPaths: WrittenSetting<string>[];
  cpuLimit?: WrittenSetting<string>;
  memoryLimit?: WrittenSetting<string>;
  /** Compose: the file deploys (some service has `deploy:`, as for Swarm), so limits are expected; a development stack is not judged on them. */
  deploys?: boolean;
  readOnlyRootFilesystem?: WrittenSetting<boolean>;
}
