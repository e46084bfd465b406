/**
 * The signature stage: for each resolved occurrence whose image a signature rule covers, find its
 * signatures and attestations, verify them, and record who signed and when in
 * `occurrence.signature`. A registry that cannot be asked makes the image "not checked", never
 * "unsigned"; a signature that verifies but by someone else is "signer-mismatch", not "invalid".
 */
import type { KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import pLimit from 'p-limit';
import type { Policy, SignatureRule } from '../config/policy.js';
import type { ResolvedOccurrence, SignatureStatus } from '../model.js';
import { splitReference } from '../reference/index.js';
import type { RepositoryRef } from '../registry/index.js';
import { readClusterImagePolicies, type ClusterImagePolicyProblem } from './cluster-image-policy.js';
import { discoverSignatures, type SignatureCandidate, type SignatureRegistry } from './discover.js';
import { SIGNER_MISMATCH_CODES, SigstoreError, toSigstoreError } from './errors.js';
import type { SignerIdentity } from './identity.js';
import { COSIGN_SIGN_PREDICATE_TYPE, assertSimpleSigningPayload } from './payload.js';
import { checkWithPlatforms, wantsPlatforms } from './platforms.js';
import { requiredPredicateTypes, requirementGroups, rulesForImage } from './policy.js';
import { loadTrustedRoot, parsePublicKey, publicKeyFromFile } from './trust.js';
import { assertSigner, verifyBundleSignature, type BundlePolicy, type VerifiedBundle } from './verify-bundle.js';

type SignatureEntry = SignatureStatus['signatures'][number];

export interface SignatureStageOptions {
  /** Trusted root to use; default: the policy's `trustedRoot` file, else the embedded public-good root. */
  trustedRoot?: TrustedRoot;
  /** Refresh the public-good root through TUF first (network); default false. */
  refreshTrustedRoot?: boolean;
  /** Clock for "not in the future" checks; tests pin it. */
  now?: Date;
  /** Images verified at once. Default 4. */
  concurrency?: number;
  /** Told about ClusterImagePolicy problems (unsupported authorities, bad YAML). */
  onProblem?: (problem: ClusterImagePolicyProblem) => void;
}

/** The policy's signature rules plus those of its ClusterImagePolicy files. */
export async function loadSignatureRules(policy: Policy): Promise<{ rules: SignatureRule[]; problems: ClusterImagePolicyProblem[] }> {
  const rules = [...policy.signatures.rules];
  const problems: ClusterImagePolicyProblem[] = [];
  for (const path of policy.signatures.clusterImagePolicies ?? []) {
    const result = await readClusterImagePolicies(path);
    rules.push(...result.rules);
    problems.push(...result.problems);
  }
  return { rules, problems };
}

/** Resolves rule keys once per run; a key that cannot be read fails only the rules naming it. */
class KeyCache {
  private readonly keys = new Map<string, Promise<KeyObject | SigstoreError>>();
  get(path: string | undefined, pemText: string | undefined): Promise<KeyObject | SigstoreError> | undefined {
    const id = path ? `file:${path}` : pemText ? `pem:${pemText}` : undefined;
    if (!id) return undefined;
    let pending = this.keys.get(id);
    if (!pending) {
      pending = (path ? publicKeyFromFile(path) : Promise.resolve(parsePublicKey(pemText!, 'inline key'))).catch((error: unknown) =>
        toSigstoreError(error, 'KEY_INVALID'),
      );
      this.keys.set(id, pending);
    }
    return pending;
  }
}

/** One signer requirement: a rule's identity or key (for signatures, or for its attestation). */
interface Requirement {
  rule: SignatureRule;
  group: string;
  policy?: BundlePolicy;
  /** Set when the rule's key could not be read. */
  keyError?: SigstoreError;
  predicateType?: string;
}

async function requirementFor(rule: SignatureRule, group: string, keys: KeyCache, forAttestation: boolean): Promise<Requirement> {
  const attestation = forAttestation ? rule.attestation : undefined;
  const requirement: Requirement = { rule, group };
  if (attestation) requirement.predicateType = attestation.predicateType;
  const keyless = attestation?.keyless ?? (attestation?.key ? undefined : rule.keyless);
  const keyPath = attestation?.key ?? (attestation?.keyless ? undefined : rule.key);
  const keyPem = attestation?.key || attestation?.keyless ? undefined : rule.keyPem;
  const transparencyLog = rule.transparencyLog ?? 'required';
  if (keyless) {
    requirement.policy = { keyless, transparencyLog };
  } else {
    const key = await keys.get(keyPath, keyPem);
    if (!key) requirement.keyError = new SigstoreError('UNTRUSTED_SIGNER_ERROR', `${rule.source ?? 'a signature rule'} names neither a keyless identity nor a key`);
    else if (key instanceof SigstoreError) requirement.keyError = key;
    else requirement.policy = { key, transparencyLog };
  }
  return requirement;
}

interface CandidateOutcome {
  candidate: SignatureCandidate;
  kind: 'signature' | 'attestation';
  predicateType?: string;
  /** Crypto and payload verified (with at least one requirement's key). */
  valid: boolean;
  verified?: VerifiedBundle;
  satisfied: Requirement[];
  error?: SigstoreError;
  /** Who signed, when known even though a requirement rejected it. */
  signer?: SignerIdentity;
}

function kindOf(candidate: SignatureCandidate, verified?: VerifiedBundle): { kind: 'signature' | 'attestation'; predicateType?: string } {
  if (candidate.format === 'legacy-cosign') return { kind: 'signature' };
  if (candidate.format === 'legacy-attestation') {
    const predicateType = verified?.statement?.predicateType ?? candidate.predicateTypeHint;
    return predicateType ? { kind: 'attestation', predicateType } : { kind: 'attestation' };
  }
  if (verified) {
    if (verified.content === 'message-signature') return { kind: 'signature' };
    const predicateType = verified.statement?.predicateType;
    if (!predicateType || predicateType === COSIGN_SIGN_PREDICATE_TYPE) return { kind: 'signature' };
    return { kind: 'attestation', predicateType };
  }
  const hint = candidate.predicateTypeHint;
  if (!hint || hint === COSIGN_SIGN_PREDICATE_TYPE) return { kind: 'signature' };
  return { kind: 'attestation', predicateType: hint };
}

/** Verifies one candidate against the requirements that could apply to it. */
function evaluateCandidate(
  candidate: SignatureCandidate,
  imageDigest: string,
  signatureRequirements: Requirement[],
  attestationRequirements: Requirement[],
  trustedRoot: TrustedRoot,
  now: Date | undefined,
): CandidateOutcome {
  const guess = kindOf(candidate);
  const fail = (error: SigstoreError): CandidateOutcome => ({ candidate, ...guess, valid: false, satisfied: [], error });
  if (candidate.error || !candidate.bundle || !candidate.artifact) {
    return fail(candidate.error ?? new SigstoreError('BUNDLE_INVALID', 'no bundle'));
  }
  // Keys to try for a key-signed bundle (certificate bundles ignore them): each distinct rule key.
  const keys = [...new Set([...signatureRequirements, ...attestationRequirements].flatMap((r) => (r.policy?.key ? [r.policy.key] : [])))];
  let verified: VerifiedBundle | undefined;
  let firstError: SigstoreError | undefined;
  for (const key of keys.length ? keys : [undefined]) {
    try {
      verified = verifyBundleSignature(candidate.bundle, candidate.artifact, trustedRoot, {
        transparencyLog: 'optional',
        ...(key ? { key } : {}),
        ...(now ? { now } : {}),
      });
      break;
    } catch (error) {
      firstError ??= toSigstoreError(error, 'SIGNATURE_ERROR');
    }
  }
  if (!verified) return fail(firstError!);
  try {
    if (candidate.simpleSigningPayload) assertSimpleSigningPayload(candidate.simpleSigningPayload, imageDigest);
  } catch (error) {
    return { ...fail(toSigstoreError(error, 'PAYLOAD_MISMATCH')), signer: verified.signer };
  }
  const { kind, predicateType } = kindOf(candidate, verified);
  let requirements = kind === 'signature' ? signatureRequirements : attestationRequirements.filter((r) => r.predicateType === predicateType);
  // An attestation no rule asks for is still judged against the image's signers, for the report.
  if (kind === 'attestation' && requirements.length === 0) requirements = signatureRequirements;
  const outcome: CandidateOutcome = { candidate, kind, valid: true, verified, satisfied: [], signer: verified.signer };
  if (predicateType) outcome.predicateType = predicateType;
  for (const requirement of requirements) {
    if (!requirement.policy) {
      outcome.error ??= requirement.keyError;
      continue;
    }
    try {
      assertSigner(verified, requirement.policy);
      outcome.satisfied.push(requirement);
    } catch (error) {
      outcome.error ??= toSigstoreError(error, 'UNTRUSTED_SIGNER_ERROR');
    }
  }
  if (outcome.satisfied.length > 0) delete outcome.error;
  return outcome;
}

function entryOf(outcome: CandidateOutcome): SignatureEntry {
  const format = outcome.candidate.format;
  const entry: SignatureEntry = { format, verified: outcome.valid && outcome.satisfied.length > 0 };
  const signer = outcome.signer;
  if (signer && (signer.issuer || signer.subject || signer.keyFingerprint)) entry.identity = { ...signer };
  if (outcome.verified?.signedAt) entry.signedAt = outcome.verified.signedAt;
  if (outcome.error && !entry.verified) {
    entry.errorCode = outcome.error.code;
    entry.message = `${outcome.candidate.location}: ${outcome.error.message}`;
  }
  if (outcome.kind === 'attestation' && outcome.predicateType) entry.predicateType = outcome.predicateType;
  return entry;
}

function describeSigner(signer: SignerIdentity | undefined): string {
  if (!signer) return 'an unknown signer';
  if (signer.subject || signer.issuer) return `${signer.subject ?? '?'} (issuer ${signer.issuer ?? '?'})`;
  return `key ${signer.keyFingerprint ?? '?'}`;
}

/** Verifies one image's signatures under the rules that match it. */
export async function checkImageSignatures(
  client: SignatureRegistry,
  repo: RepositoryRef,
  imageDigest: string,
  rules: SignatureRule[],
  trustedRoot: TrustedRoot,
  keys: KeyCache = new KeyCache(),
  now?: Date,
): Promise<SignatureStatus> {
  const groups = requirementGroups(rules);
  const signatureRequirements: Requirement[] = [];
  const attestationRequirements: Requirement[] = [];
  for (const group of groups) {
    for (const rule of group.rules) {
      signatureRequirements.push(await requirementFor(rule, group.source, keys, false));
      if (rule.attestation) attestationRequirements.push(await requirementFor(rule, group.source, keys, true));
    }
  }
  let candidates: SignatureCandidate[];
  try {
    candidates = await discoverSignatures(client, repo, imageDigest, { attestations: attestationRequirements.length > 0 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      status: 'not-checked',
      signatures: [],
      ...(requiredPredicateTypes(rules).length ? { requiredPredicateTypes: requiredPredicateTypes(rules) } : {}),
      message: `signatures could not be listed: ${(error as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`,
    };
  }
  const required = requiredPredicateTypes(rules);
  const withRequired = (status: SignatureStatus): SignatureStatus => (required.length ? { ...status, requiredPredicateTypes: required } : status);
  const outcomes = candidates.map((c) => evaluateCandidate(c, imageDigest, signatureRequirements, attestationRequirements, trustedRoot, now));
  const signatures = outcomes.filter((o) => o.kind === 'signature');
  const status: SignatureStatus = { status: 'unsigned', signatures: outcomes.map(entryOf) };
  if (signatures.length === 0) {
    status.message = `no signature found for ${imageDigest}`;
    return withRequired(status);
  }
  const unsatisfied = groups.filter((group) => !signatures.some((o) => o.satisfied.some((r) => r.group === group.source)));
  if (unsatisfied.length === 0) {
    status.status = 'verified';
    const first = signatures.find((o) => o.satisfied.length > 0)!;
    status.message = `signed by ${describeSigner(first.signer)}`;
    return withRequired(status);
  }
  const valid = signatures.filter((o) => o.valid);
  const mismatch = valid.length > 0 || signatures.some((o) => o.error && SIGNER_MISMATCH_CODES.has(o.error.code));
  status.status = mismatch ? 'signer-mismatch' : 'invalid';
  status.message = mismatch
    ? `signed by ${valid.map((o) => describeSigner(o.signer)).join(', ') || 'another signer'}, but ${unsatisfied.map((g) => g.source).join(', ')} expects another signer`
    : `no signature verifies: ${signatures.map((o) => `${o.candidate.location}: ${o.error?.code ?? 'failed'}`).join('; ')}`;
  return withRequired(status);
}

/** The digest whose signatures count: the pinned one, else what the tag resolved to. */
function imageDigestOf(occurrence: ResolvedOccurrence, pinned: string | undefined): string | undefined {
  return pinned ?? occurrence.resolution?.tagDigest;
}

/**
 * The stage: fills `signature` on every occurrence with a reference (others are returned as they
 * came). With `signatures.mode: off` nothing is checked. With `signatures.platforms`, an index
 * digest's platform manifests are checked too (see `./platforms.ts`).
 */
export async function verifySignatures(
  occurrences: ResolvedOccurrence[],
  policy: Policy,
  client: SignatureRegistry,
  options: SignatureStageOptions = {},
): Promise<ResolvedOccurrence[]> {
  if (policy.signatures.mode === 'off') return occurrences;
  const { rules, problems } = await loadSignatureRules(policy);
  for (const problem of problems) options.onProblem?.(problem);
  let trustedRoot = options.trustedRoot;
  let rootError: string | undefined;
  // The root (possibly a TUF refresh over the network) is needed only when some image has a rule.
  const needsRoot = occurrences.some((occurrence) => occurrence.reference !== null && !occurrence.local && rulesForImage(rules, occurrence.reference).length > 0);
  if (!trustedRoot && needsRoot) {
    try {
      const source: { trustedRootPath?: string; refreshOnline?: boolean } = {};
      if (policy.signatures.trustedRoot) source.trustedRootPath = policy.signatures.trustedRoot;
      if (options.refreshTrustedRoot) source.refreshOnline = true;
      trustedRoot = await loadTrustedRoot(source);
    } catch (error) {
      rootError = `trusted root unusable: ${(error as Error).message}`;
    }
  }
  const keys = new KeyCache();
  const limit = pLimit(options.concurrency ?? 4);
  const byImage = new Map<string, Promise<SignatureStatus>>();
  const platforms = policy.signatures.platforms;
  const withPlatformsByImage = new Map<string, Promise<SignatureStatus>>();

  return Promise.all(
    occurrences.map(async (occurrence): Promise<ResolvedOccurrence> => {
      if (occurrence.reference === null || occurrence.local) return occurrence;
      const matching = rulesForImage(rules, occurrence.reference);
      if (matching.length === 0) return { ...occurrence, signature: { status: 'not-required', signatures: [] } };
      const split = splitReference(occurrence.reference);
      if (!split) return { ...occurrence, signature: { status: 'not-checked', signatures: [], message: 'reference is not in normalized form' } };
      const parts = { repo: { domain: split.domain, path: split.path } satisfies RepositoryRef, digest: split.digest };
      if (occurrence.resolution && occurrence.resolution.status !== 'ok' && !parts.digest) {
        return { ...occurrence, signature: { status: 'not-checked', signatures: [], message: `image not resolved: ${occurrence.resolution.message ?? occurrence.resolution.status}` } };
      }
      const digest = imageDigestOf(occurrence, parts.digest);
      if (!digest) return { ...occurrence, signature: { status: 'not-checked', signatures: [], message: 'no digest known for the image (not resolved)' } };
      if (!trustedRoot) return { ...occurrence, signature: { status: 'not-checked', signatures: [], message: rootError ?? 'no trusted root' } };
      const root = trustedRoot;
      const rulesKey = matching.map((r) => JSON.stringify(r)).join('|');
      // One check per digest and rules, shared by occurrences and by indexes listing the same platform manifest.
      const checkDigest = (imageDigest: string): Promise<SignatureStatus> => {
        const key = `${parts.repo.domain}/${parts.repo.path}@${imageDigest}|${rulesKey}`;
        let pending = byImage.get(key);
        if (!pending) {
          pending = limit(() => checkImageSignatures(client, parts.repo, imageDigest, matching, root, keys, options.now)).catch(
            (error: unknown): SignatureStatus => ({ status: 'not-checked', signatures: [], message: `signature check failed: ${(error as Error).message}` }),
          );
          byImage.set(key, pending);
        }
        return pending;
      };
      if (!wantsPlatforms(platforms)) return { ...occurrence, signature: await checkDigest(digest) };
      const key = `${parts.repo.domain}/${parts.repo.path}@${digest}|${rulesKey}`;
      let pending = withPlatformsByImage.get(key);
      if (!pending) {
        const mediaType = occurrence.resolution?.status === 'ok' ? occurrence.resolution.mediaType : undefined;
        pending = checkWithPlatforms(client, parts.repo, digest, mediaType, platforms, checkDigest);
        withPlatformsByImage.set(key, pending);
      }
      return { ...occurrence, signature: await pending };
    }),
  );
}
