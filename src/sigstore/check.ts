/**
 * The signature stage: for each resolved occurrence whose image a signature rule covers, find its
 * signatures and attestations, verify them, and record who signed and when in
 * `occurrence.signature`. A registry that cannot be asked makes the image "not checked", never
 * "unsigned"; a signature that verifies but by someone else is "signer-mismatch", not "invalid".
 */
import type { KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import pLimit from 'p-limit';
import { withFields } from '../copy.js';
import { ConfigError } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import type { ResolvedOccurrence, SignatureStatus, UnmetRequirement } from '../model.js';
import { splitReference } from '../reference/index.js';
import type { RepositoryRef } from '../registry/index.js';
import { readClusterImagePolicies, type ClusterImagePolicyProblem } from './cluster-image-policy.js';
import { discoverSignatures, type SignatureCandidate, type SignatureRegistry } from './discover.js';
import { SIGNER_MISMATCH_CODES, SigstoreError, toSigstoreError } from './errors.js';
import type { SignerIdentity } from './identity.js';
import { COSIGN_SIGN_PREDICATE_TYPE, assertSimpleSigningPayload } from './payload.js';
import { checkWithPlatforms, wantsPlatforms, worstStatus } from './platforms.js';
import {
  groupsForImage,
  groupsForRepository,
  groupsOfRules,
  requiredPredicateTypes,
  signersOf,
  type PolicyGroup,
  type PolicyRequirement,
  type PolicySigner,
} from './policy.js';
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

/**
 * The policy's signature groups: one per `signatures.rules` entry, one per ClusterImagePolicy
 * document. A ClusterImagePolicy file that is not applied whole (it, a document or an images entry
 * could not be read) is a configuration error (exit 2), as an unusable trusted root is: its images
 * would otherwise need no signature at all, and the gate would pass them.
 */
async function loadSignaturePolicy(policy: Policy): Promise<{ groups: PolicyGroup[]; problems: ClusterImagePolicyProblem[] }> {
  const groups = groupsOfRules(policy.signatures.rules);
  const problems: ClusterImagePolicyProblem[] = [];
  for (const path of policy.signatures.clusterImagePolicies ?? []) {
    const result = await readClusterImagePolicies(path);
    groups.push(...result.groups);
    problems.push(...result.problems);
  }
  const unenforced = problems.filter((problem) => problem.unenforced);
  if (unenforced.length > 0) {
    throw new ConfigError(
      policy.source,
      unenforced.map((problem) => ({
        keyPath: 'signatures.cluster-image-policies',
        message: `signatures.cluster-image-policies cannot be used: ${problem.file}${problem.policy ? ` (ClusterImagePolicy ${problem.policy})` : ''}: ${problem.message}`,
      })),
    );
  }
  return { groups, problems };
}

/** Resolves rule keys once per run; a key that cannot be read fails only the requirements naming it. */
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

/** A signer with its key read: the bundle policy to judge with, or why it cannot judge. */
interface ResolvedSigner {
  spec: PolicySigner;
  policy?: BundlePolicy;
  error?: SigstoreError;
}

async function resolveSigner(spec: PolicySigner, keys: KeyCache): Promise<ResolvedSigner> {
  const transparencyLog = spec.transparencyLog ?? 'required';
  if (spec.keyless) return { spec, policy: { keyless: spec.keyless, transparencyLog } };
  const key = await keys.get(spec.key, spec.keyPem);
  if (!key) return { spec, error: new SigstoreError('UNTRUSTED_SIGNER_ERROR', 'the policy names neither a keyless identity nor a key') };
  if (key instanceof SigstoreError) return { spec, error: key };
  return { spec, policy: { key, transparencyLog } };
}

interface CandidateOutcome {
  candidate: SignatureCandidate;
  kind: 'signature' | 'attestation';
  /** From the signed in-toto statement when verified; the unsigned hint only labels a failure. */
  predicateType?: string;
  /** Crypto and payload verified (with one of the policy's keys, or a certificate). */
  verified?: VerifiedBundle;
  error?: SigstoreError;
  /** Who signed, when known even though the candidate failed. */
  signer?: SignerIdentity;
  /** Whether it met some requirement (for the report's `verified` per entry). */
  counted: boolean;
  /** Why a verified candidate met no requirement: its signer is not one the policy accepts. */
  signerError?: SigstoreError;
}

/**
 * Signature or attestation, and the attestation's predicate type: only a verified, signed in-toto
 * statement names a predicate type. Before verification (and for a failed candidate) the
 * unsigned hint is kept as a label for messages, never to meet a requirement.
 */
function kindOf(candidate: SignatureCandidate, verified?: VerifiedBundle): { kind: 'signature' | 'attestation'; predicateType?: string } {
  if (candidate.format === 'legacy-cosign') return { kind: 'signature' };
  if (verified) {
    const predicateType = verified.statement?.predicateType;
    if (candidate.format === 'legacy-attestation') return predicateType ? { kind: 'attestation', predicateType } : { kind: 'attestation' };
    if (verified.content === 'message-signature') return { kind: 'signature' };
    if (!predicateType || predicateType === COSIGN_SIGN_PREDICATE_TYPE) return { kind: 'signature' };
    return { kind: 'attestation', predicateType };
  }
  const hint = candidate.predicateTypeHint;
  if (candidate.format === 'legacy-attestation') return hint ? { kind: 'attestation', predicateType: hint } : { kind: 'attestation' };
  if (!hint || hint === COSIGN_SIGN_PREDICATE_TYPE) return { kind: 'signature' };
  return { kind: 'attestation', predicateType: hint };
}

/** Verifies one candidate's cryptography and payload; who signed is judged per requirement afterwards. */
function evaluateCandidate(candidate: SignatureCandidate, imageDigest: string, keys: KeyObject[], trustedRoot: TrustedRoot, now: Date | undefined): CandidateOutcome {
  const guess = kindOf(candidate);
  const fail = (error: SigstoreError, signer?: SignerIdentity): CandidateOutcome => ({ candidate, ...guess, error, counted: false, ...(signer ? { signer } : {}) });
  if (candidate.error || !candidate.bundle || !candidate.artifact) return fail(candidate.error ?? new SigstoreError('BUNDLE_INVALID', 'no bundle'));
  let verified: VerifiedBundle | undefined;
  let firstError: SigstoreError | undefined;
  // Keys to try for a key-signed bundle (certificate bundles ignore them): each distinct policy key.
  for (const key of keys.length ? keys : [undefined]) {
    try {
      verified = verifyBundleSignature(candidate.bundle, candidate.artifact, trustedRoot, { transparencyLog: 'optional', ...(key ? { key } : {}), ...(now ? { now } : {}) });
      break;
    } catch (error) {
      firstError ??= toSigstoreError(error, 'SIGNATURE_ERROR');
    }
  }
  if (!verified) return fail(firstError!);
  try {
    if (candidate.simpleSigningPayload) assertSimpleSigningPayload(candidate.simpleSigningPayload, imageDigest);
  } catch (error) {
    return fail(toSigstoreError(error, 'PAYLOAD_MISMATCH'), verified.signer);
  }
  const { kind, predicateType } = kindOf(candidate, verified);
  if (kind === 'attestation' && !predicateType) {
    return fail(new SigstoreError('PAYLOAD_MISMATCH', 'the attestation is not a signed in-toto statement, so it attests no predicate type (a layer annotation is not signed)'), verified.signer);
  }
  const outcome: CandidateOutcome = { candidate, kind, verified, signer: verified.signer, counted: false };
  if (predicateType) outcome.predicateType = predicateType;
  return outcome;
}

function describeSigner(signer: SignerIdentity | undefined): string {
  if (!signer) return 'an unknown signer';
  if (signer.subject || signer.issuer) return `${signer.subject ?? '?'} (issuer ${signer.issuer ?? '?'})`;
  return `key ${signer.keyFingerprint ?? '?'}`;
}

function describeExpected(signers: readonly PolicySigner[]): string {
  if (signers.length === 0) return 'no signer (the policy names none)';
  return signers
    .map((signer) => {
      if (signer.keyless) {
        const { issuer, issuerRegExp, subject, subjectRegExp } = signer.keyless;
        return `${subject ?? `/${subjectRegExp ?? '?'}/`} (issuer ${issuer ?? `/${issuerRegExp ?? '?'}/`})`;
      }
      return signer.key ? `key ${signer.key}` : 'an inline key';
    })
    .join(' or ');
}

interface JudgedRequirement {
  met: boolean;
  unmet?: UnmetRequirement;
}

/** Whether one requirement is met by the verified candidates, and if not, why. */
function judgeRequirement(requirement: PolicyRequirement, signers: ResolvedSigner[], outcomes: CandidateOutcome[], source: string): JudgedRequirement {
  const relevant = outcomes.filter((o) => o.kind === requirement.kind && (requirement.kind === 'signature' || o.predicateType === requirement.predicateType));
  let mismatch: SigstoreError | undefined;
  for (const outcome of relevant) {
    if (!outcome.verified) continue;
    for (const signer of signers) {
      if (!signer.policy) {
        mismatch ??= signer.error;
        continue;
      }
      try {
        assertSigner(outcome.verified, signer.policy);
        outcome.counted = true;
        return { met: true };
      } catch (error) {
        const signerError = toSigstoreError(error, 'UNTRUSTED_SIGNER_ERROR');
        mismatch ??= signerError;
        outcome.signerError ??= signerError;
      }
    }
  }
  const unmet: UnmetRequirement = { source, kind: requirement.kind, reason: 'missing', expected: describeExpected(requirement.signers) };
  if (requirement.predicateType) unmet.predicateType = requirement.predicateType;
  const valid = relevant.filter((o) => o.verified);
  const keyOrSignerError = relevant.find((o) => o.error && SIGNER_MISMATCH_CODES.has(o.error.code))?.error;
  if (signers.length === 0) {
    unmet.reason = relevant.length > 0 ? 'signer-mismatch' : 'missing';
    unmet.detail = 'the policy entry names no signer, so nothing can meet it';
  } else if (valid.length > 0 || (relevant.length > 0 && keyOrSignerError)) {
    unmet.reason = 'signer-mismatch';
    const error = mismatch ?? keyOrSignerError;
    unmet.detail = `${valid.length > 0 ? `signed by ${[...new Set(valid.map((o) => describeSigner(o.signer)))].join(', ')}` : 'made with another key'}${error ? `: ${error.message}` : ''}`;
    if (error) unmet.errorCode = error.code;
  } else if (relevant.length > 0) {
    unmet.reason = 'invalid';
    const first = relevant.find((o) => o.error);
    if (first?.error) {
      unmet.detail = `${first.candidate.location}: ${first.error.message}`;
      unmet.errorCode = first.error.code;
    }
  }
  return { met: false, unmet };
}

/** What each unsatisfied group lacks: the requirements of its closest authority (fewest unmet). */
function judgeGroups(groups: PolicyGroup[], signersFor: Map<PolicySigner, ResolvedSigner>, outcomes: CandidateOutcome[]): UnmetRequirement[] {
  const unmet: UnmetRequirement[] = [];
  for (const group of groups) {
    let closest: UnmetRequirement[] | undefined;
    for (const authority of group.authorities) {
      const judged = authority.requirements.map((requirement) =>
        judgeRequirement(requirement, requirement.signers.map((spec) => signersFor.get(spec)!), outcomes, group.source),
      );
      const missing = judged.flatMap((j) => (j.unmet ? [j.unmet] : []));
      if (missing.length === 0) {
        closest = [];
        break;
      }
      if (!closest || missing.length < closest.length) closest = missing;
    }
    unmet.push(...(closest ?? [{ source: group.source, kind: 'signature', reason: 'missing', expected: 'no signer (the policy entry has no authority)' }]));
  }
  return unmet;
}

const REASON_STATUS: Record<UnmetRequirement['reason'], SignatureStatus['status']> = {
  missing: 'unsigned',
  'signer-mismatch': 'signer-mismatch',
  invalid: 'invalid',
};

function entryOf(outcome: CandidateOutcome): SignatureEntry {
  const entry: SignatureEntry = { format: outcome.candidate.format, verified: outcome.verified !== undefined && outcome.counted };
  const signer = outcome.signer;
  if (signer && (signer.issuer || signer.subject || signer.keyFingerprint)) entry.identity = { ...signer };
  if (outcome.verified?.signedAt) entry.signedAt = outcome.verified.signedAt;
  const error = outcome.error ?? (entry.verified ? undefined : outcome.signerError);
  if (error) {
    entry.errorCode = error.code;
    entry.message = `${outcome.candidate.location}: ${error.message}`;
  }
  if (outcome.kind === 'attestation' && outcome.predicateType) entry.predicateType = outcome.predicateType;
  return entry;
}

/**
 * Verifies one image's signatures and attestations under the groups that match it. A registry
 * that cannot be asked makes the image "not checked" (which `signature-not-checked` reports),
 * never unsigned or verified.
 */
async function checkImageSignatures(context: StageContext, check: ImageCheck, imageDigest: string): Promise<SignatureStatus> {
  const groups = check.rules.groups;
  const signersFor = new Map<PolicySigner, ResolvedSigner>();
  for (const spec of signersOf(groups)) if (!signersFor.has(spec)) signersFor.set(spec, await resolveSigner(spec, context.keys));
  const required = requiredPredicateTypes(groups);
  const withRequired = (status: SignatureStatus): SignatureStatus => (required.length ? withFields(status, { requiredPredicateTypes: required }) : status);
  let candidates: SignatureCandidate[];
  try {
    candidates = await discoverSignatures(context.client, check.repo, imageDigest, { attestations: required.length > 0 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return withRequired({
      status: 'not-checked',
      signatures: [],
      message: `signatures could not be listed: ${(error as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`,
    });
  }
  if (candidates.length === 0) {
    // Nothing found: what is missing depends on the rules alone, so one status serves every such image.
    let unsigned = context.unsigned.get(check.rules.key);
    if (!unsigned) context.unsigned.set(check.rules.key, (unsigned = withRequired(judged(groups, signersFor, []))));
    return unsigned;
  }
  const keyObjects = [...new Set([...signersFor.values()].flatMap((s) => (s.policy?.key ? [s.policy.key] : [])))];
  const outcomes = candidates.map((c) => evaluateCandidate(c, imageDigest, keyObjects, context.trustedRoot!, context.now));
  return withRequired(judged(groups, signersFor, outcomes));
}

/** The status the verified candidates give an image under its groups. */
function judged(groups: PolicyGroup[], signersFor: Map<PolicySigner, ResolvedSigner>, outcomes: CandidateOutcome[]): SignatureStatus {
  const unmet = judgeGroups(groups, signersFor, outcomes);
  const status: SignatureStatus = { status: 'verified', signatures: outcomes.map(entryOf) };
  if (unmet.length === 0) {
    const first = outcomes.find((o) => o.counted && o.kind === 'signature') ?? outcomes.find((o) => o.counted);
    status.message = `signed by ${describeSigner(first?.signer)}`;
    return status;
  }
  status.unmet = unmet;
  status.status = worstStatus(unmet.map((u) => REASON_STATUS[u.reason]));
  status.message = unmet
    .map((u) => `${u.source}: ${u.kind === 'attestation' ? `${u.predicateType} attestation` : 'signature'} ${u.reason === 'missing' ? 'missing' : u.reason === 'invalid' ? 'does not verify' : 'by another signer'}`)
    .join('; ');
  return status;
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
  const { groups, problems } = await loadSignaturePolicy(policy);
  for (const problem of problems) options.onProblem?.(problem);
  let trustedRoot = options.trustedRoot;
  let rootError: string | undefined;
  // The root (possibly a TUF refresh over the network) is needed only when some image has a rule.
  const needsRoot = occurrences.some((occurrence) => occurrence.reference !== null && !occurrence.local && groupsForImage(groups, occurrence.reference).length > 0);
  // A trusted-root file the policy names is read even when no image needs it: one that cannot be
  // used can never verify anything, so it is a configuration error (exit 2), not a finding.
  if (!trustedRoot && (needsRoot || policy.signatures.trustedRoot)) {
    try {
      const source: { trustedRootPath?: string; refreshOnline?: boolean } = {};
      if (policy.signatures.trustedRoot) source.trustedRootPath = policy.signatures.trustedRoot;
      if (options.refreshTrustedRoot) source.refreshOnline = true;
      trustedRoot = await loadTrustedRoot(source);
    } catch (error) {
      if (policy.signatures.trustedRoot) {
        throw new ConfigError(policy.source, [{ keyPath: 'signatures.trusted-root', message: `signatures.trusted-root cannot be used: ${(error as Error).message}` }]);
      }
      rootError = `trusted root unusable: ${(error as Error).message}`;
    }
  }
  const context: StageContext = {
    client,
    groups,
    platforms: policy.signatures.platforms,
    keys: new KeyCache(),
    limit: pLimit(options.concurrency ?? 4),
    byDigest: new Map(),
    unsigned: new Map(),
    ruleSets: new Map(),
    ...(trustedRoot ? { trustedRoot } : {}),
    ...(rootError ? { rootError } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const { planned, checks } = planChecks(occurrences, context);
  await runChecks(checks, context, options.concurrency ?? 4);
  return occurrences.map((occurrence, index) => {
    const entry = planned[index];
    if (entry === undefined) return occurrence;
    return withFields(occurrence, { signature: entry instanceof ImageCheck ? entry.status! : entry });
  });
}

/**
 * Each occurrence's outcome, or the check it waits for, and the checks to run: one per repository,
 * digest and rule set, shared by the occurrences naming it. What finds the shared ones is dropped
 * here, before any check runs: its keys are one string per image.
 */
function planChecks(occurrences: ResolvedOccurrence[], context: StageContext): { planned: Array<ImageCheck | SignatureStatus | undefined>; checks: ImageCheck[] } {
  const planned: Array<ImageCheck | SignatureStatus | undefined> = [];
  const checks: ImageCheck[] = [];
  const byKey = new Map<string, ImageCheck>();
  for (const occurrence of occurrences) {
    const entry = plan(occurrence, context);
    if (!('digest' in entry)) {
      planned.push('signature' in entry ? entry.signature : undefined);
      continue;
    }
    // Joined, not a template literal: one flat string, not a tree of six pieces (32 bytes each) and the parts it holds.
    const key = [entry.repo.domain, '/', entry.repo.path, '@', entry.digest, '|', entry.rules.key].join('');
    const found = byKey.get(key);
    if (found) planned.push(found);
    else {
      byKey.set(key, entry);
      checks.push(entry);
      planned.push(entry);
    }
  }
  return { planned, checks };
}

const NOT_REQUIRED: SignatureStatus = { status: 'not-required', signatures: [] };

/** What every image check of a run shares. */
interface StageContext {
  client: SignatureRegistry;
  groups: PolicyGroup[];
  platforms: Policy['signatures']['platforms'];
  keys: KeyCache;
  limit: ReturnType<typeof pLimit>;
  /** One check per repository, digest and rules, shared by indexes listing the same platform manifest. */
  byDigest: Map<string, Promise<SignatureStatus>>;
  /** The status of an image with no signature at all, per rule set: the same for every such image, so kept once. */
  unsigned: Map<string, SignatureStatus>;
  /** Each rule set's groups, kept once: every image a rule set matches shares them. */
  ruleSets: Map<string, RuleSet>;
  trustedRoot?: TrustedRoot;
  rootError?: string;
  now?: Date;
}

/** The groups that match an image, and their ids joined (`a|b`): one per distinct set in a run. */
interface RuleSet {
  key: string;
  groups: PolicyGroup[];
}

/** One image to check under the rules that match it, and its status once checked. */
class ImageCheck {
  status: SignatureStatus | undefined;
  constructor(
    readonly repo: RepositoryRef,
    readonly digest: string,
    readonly rules: RuleSet,
    readonly mediaType: string | undefined,
  ) {}
}

/** An occurrence's outcome known without asking a registry, the check it needs, or nothing to do. */
function plan(occurrence: ResolvedOccurrence, context: StageContext): ImageCheck | { signature: SignatureStatus } | { unchanged: true } {
  if (occurrence.reference === null || occurrence.local) return { unchanged: true };
  // Split once: the rules match its repository (a reference that does not split matches none).
  const split = splitReference(occurrence.reference);
  const matching = split ? groupsForRepository(context.groups, split.repository) : [];
  if (matching.length === 0 || !split) return { signature: NOT_REQUIRED };
  if (occurrence.resolution && occurrence.resolution.status !== 'ok' && !split.digest) {
    return { signature: { status: 'not-checked', signatures: [], message: `image not resolved: ${occurrence.resolution.message ?? occurrence.resolution.status}` } };
  }
  const digest = imageDigestOf(occurrence, split.digest);
  if (!digest) return { signature: { status: 'not-checked', signatures: [], message: 'no digest known for the image (not resolved)' } };
  if (!context.trustedRoot) return { signature: { status: 'not-checked', signatures: [], message: context.rootError ?? 'no trusted root' } };
  const rulesKey = matching.map((group) => group.id).join('|');
  let rules = context.ruleSets.get(rulesKey);
  if (!rules) context.ruleSets.set(rulesKey, (rules = { key: rulesKey, groups: matching }));
  const mediaType = occurrence.resolution?.status === 'ok' ? occurrence.resolution.mediaType : undefined;
  return new ImageCheck({ domain: split.domain, path: split.path }, digest, rules, mediaType);
}

/**
 * Runs the checks with `concurrency` workers taking the next one as they finish: the work started
 * at any time is bounded (no promise per image made up front), however many images the run names.
 */
async function runChecks(checks: ImageCheck[], context: StageContext, concurrency: number): Promise<void> {
  const pending = checks.values();
  const worker = async (): Promise<void> => {
    for (let next = pending.next(); !next.done; next = pending.next()) next.value.status = await checkOne(next.value, context);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), checks.length) }, worker));
}

/** One image: its digest's signatures, and with `signatures.platforms` its platform manifests' too. */
function checkOne(check: ImageCheck, context: StageContext): Promise<SignatureStatus> {
  const checkDigest = (imageDigest: string): Promise<SignatureStatus> => {
    const key = `${check.repo.domain}/${check.repo.path}@${imageDigest}|${check.rules.key}`;
    let pending = context.byDigest.get(key);
    if (!pending) {
      pending = context.limit(() => checkImageSignatures(context, check, imageDigest)).catch(
        (error: unknown): SignatureStatus => ({ status: 'not-checked', signatures: [], message: `signature check failed: ${(error as Error).message}` }),
      );
      // Platform manifests are shared between indexes; without platforms each digest is checked once anyway.
      if (wantsPlatforms(context.platforms)) context.byDigest.set(key, pending);
    }
    return pending;
  };
  if (!wantsPlatforms(context.platforms)) return checkDigest(check.digest);
  return checkWithPlatforms(context.client, check.repo, check.digest, check.mediaType, context.platforms, checkDigest);
}
