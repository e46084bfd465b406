/**
 * Finds what claims to sign an image digest, in every place cosign and Sigstore put it:
 * - OCI 1.1 referrers whose artifactType is a Sigstore bundle
 *   (`application/vnd.dev.sigstore.bundle.v0.3+json` and the other `…sigstore.bundle…` types),
 *   through the registry client's `listReferrers` (which falls back to the referrers tag schema);
 * - cosign's legacy tags `sha256-<hex>.sig` (simplesigning) and `sha256-<hex>.att` (DSSE).
 * Nothing here is trusted yet: each candidate carries a bundle and the artifact to verify it
 * against, or the reason it could not be read.
 */
import type { Bundle } from '@sigstore/bundle';
import type { RegistryClient, RepositoryRef, Descriptor } from '../registry/index.js';
import { RegistryError } from '../registry/index.js';
import { arrayAt, parseJson, stringAt, valueAt } from '../json.js';
import { SigstoreError, quoted, toSigstoreError } from './errors.js';
import { COSIGN_SIGN_PREDICATE_TYPE } from './payload.js';
import { DSSE_ENVELOPE_MEDIA_TYPE, SIMPLESIGNING_MEDIA_TYPE, legacyAttestationToBundle, legacySignatureToBundle, legacyTag } from './legacy.js';
import { MAX_BUNDLE_BYTES, parseBundle, type ArtifactInput } from './verify-bundle.js';

export type SignatureRegistry = Pick<RegistryClient, 'getManifest' | 'findManifest' | 'getBlob' | 'listReferrers'>;

export const SIGSTORE_BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const BUNDLE_ARTIFACT_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v[0-9.]+)?\+json(;.*)?$/;
/** Annotation cosign puts on a bundle referrer manifest naming the attestation's predicate type. */
const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const MAX_REFERRERS = 64;
const MAX_LEGACY_LAYERS = 32;
const MAX_SIMPLESIGNING_BYTES = 1024 * 1024;
/**
 * Signature data (candidate manifests and blobs) read for one image digest. Each bundle may be
 * large (attestations carry SBOMs), but dozens of them at the largest size are a registry trying
 * to exhaust memory: past this the image is not checked.
 */
const MAX_SIGNATURE_BYTES_PER_IMAGE = 64 * 1024 * 1024;
/**
 * The same for one repository over a run: every platform manifest of an index (up to 32) and
 * every tag scanned are separate digests, and their checks run concurrently.
 */
const MAX_SIGNATURE_BYTES_PER_REPOSITORY = 256 * 1024 * 1024;

/** What may still be read: one repository's over the run, or one image's (within its repository's). */
class ReadBudget {
  private remaining: number;
  constructor(
    private readonly total: number,
    private readonly describe: () => string,
    private readonly parent?: RepositoryBudget,
  ) {
    this.remaining = total;
  }

  /** The most a next read may return: its own bound, or what is left (a larger answer fails as TOO_LARGE). */
  allow(limit: number): number {
    this.ensureLeft();
    const left = Math.min(limit, this.remaining);
    return this.parent ? this.parent.allow(left) : left;
  }

  spend(bytes: number): void {
    this.remaining -= bytes;
    this.parent?.spend(bytes);
    this.ensureLeft();
  }

  /** Throws TOO_LARGE once the budget is spent, before another request is made. */
  ensureLeft(): void {
    if (this.remaining <= 0) {
      throw new RegistryError('TOO_LARGE', `signatures of ${this.describe()}: more than ${this.total} bytes of signature data; not all could be read`);
    }
    this.parent?.ensureLeft();
  }
}

/**
 * Per registry client (one per run), per repository: what its images have read. Kept only for
 * repositories signature data was read from: most images' lookups find nothing and spend nothing,
 * and a run naming 100,000 repositories kept a budget for each until the end.
 */
const repositoryBudgets = new WeakMap<SignatureRegistry, Map<string, ReadBudget>>();

/** One repository's budget as its images see it: made on first spending. */
class RepositoryBudget {
  private readonly name: string;
  constructor(
    private readonly client: SignatureRegistry,
    repo: RepositoryRef,
    private readonly total: number,
  ) {
    this.name = `${repo.domain}/${repo.path}`;
  }

  allow(limit: number): number {
    return this.existing()?.allow(limit) ?? Math.min(limit, this.total);
  }

  spend(bytes: number): void {
    if (bytes > 0) this.made().spend(bytes);
  }

  ensureLeft(): void {
    this.existing()?.ensureLeft();
  }

  private existing(): ReadBudget | undefined {
    return repositoryBudgets.get(this.client)?.get(this.name);
  }

  private made(): ReadBudget {
    let budgets = repositoryBudgets.get(this.client);
    if (!budgets) repositoryBudgets.set(this.client, (budgets = new Map<string, ReadBudget>()));
    let budget = budgets.get(this.name);
    const name = this.name;
    if (!budget) budgets.set(name, (budget = new ReadBudget(this.total, () => name)));
    return budget;
  }
}

type CandidateFormat = 'bundle' | 'legacy-cosign' | 'legacy-attestation';

export interface SignatureCandidate {
  format: CandidateFormat;
  /** Where it was found, for messages: "referrer sha256:…", "sha256-….sig layer 1". */
  location: string;
  bundle?: Bundle;
  /** What the bundle is verified against. */
  artifact?: ArtifactInput;
  /** A legacy `.sig` layer's simplesigning payload, checked against the image after verification. */
  simpleSigningPayload?: Buffer;
  /** Predicate type as the (unverified) metadata claims it: a label for failures only. */
  predicateTypeHint?: string;
  /** Why the candidate could not be read or converted. */
  error?: SigstoreError;
}

function isNotFound(error: unknown): boolean {
  return error instanceof RegistryError && error.code === 'NOT_FOUND';
}

/** Layers of a manifest JSON, bounded. */
function layersOf(manifest: unknown): Descriptor[] {
  return arrayAt(manifest, 'layers')
    .slice(0, MAX_LEGACY_LAYERS)
    .filter((layer): layer is Descriptor => stringAt(layer, 'digest') !== undefined && stringAt(layer, 'mediaType') !== undefined);
}

function predicateTypeOf(payload: Buffer): string | undefined {
  try {
    return stringAt(parseJson(payload.toString('utf8')), 'predicateType');
  } catch {
    return undefined;
  }
}

/** Whether a referrer is worth reading: an attestation (by its annotation) only when some rule asks for attestations. */
function wanted(descriptor: Descriptor, attestations: boolean): boolean {
  if (attestations) return true;
  const hint = descriptor.annotations?.[BUNDLE_PREDICATE_ANNOTATION];
  return !hint || hint === COSIGN_SIGN_PREDICATE_TYPE;
}

async function referrerCandidates(
  client: SignatureRegistry,
  repo: RepositoryRef,
  imageDigest: string,
  budget: ReadBudget,
  attestations: boolean,
): Promise<SignatureCandidate[]> {
  let referrers: Descriptor[];
  try {
    referrers = await client.listReferrers(repo, imageDigest);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const bundles = referrers
    .filter((d) => typeof d.artifactType === 'string' && BUNDLE_ARTIFACT_TYPE.test(d.artifactType) && wanted(d, attestations))
    .slice(0, MAX_REFERRERS);
  const candidates: SignatureCandidate[] = [];
  for (const descriptor of bundles) {
    const candidate: SignatureCandidate = { format: 'bundle', location: `referrer ${descriptor.digest}`, artifact: { digest: imageDigest } };
    const hint = descriptor.annotations?.[BUNDLE_PREDICATE_ANNOTATION];
    if (hint) candidate.predicateTypeHint = hint;
    try {
      budget.ensureLeft();
      const manifest = await client.getManifest(repo, descriptor.digest);
      budget.spend(manifest.bytes.byteLength);
      const subject = valueAt(manifest.json, 'subject', 'digest');
      if (subject !== imageDigest) throw new SigstoreError('BUNDLE_INVALID', `the referrer's subject is ${quoted(subject)}, not ${imageDigest}`);
      const layer = layersOf(manifest.json).find((l) => BUNDLE_ARTIFACT_TYPE.test(l.mediaType));
      if (!layer) throw new SigstoreError('BUNDLE_INVALID', 'the referrer manifest has no bundle layer');
      const blob = Buffer.from(await client.getBlob(repo, layer.digest, budget.allow(MAX_BUNDLE_BYTES)));
      budget.spend(blob.byteLength);
      candidate.bundle = parseBundle(blob);
      hintPredicateTypeFromPayload(candidate);
    } catch (error) {
      if (error instanceof RegistryError && !isNotFound(error)) throw error;
      candidate.error = toSigstoreError(error, 'BUNDLE_INVALID');
    }
    candidates.push(candidate);
  }
  return candidates;
}

/** A DSSE envelope names its predicate type in the payload: the hint when no annotation gave one. */
function hintPredicateTypeFromPayload(candidate: SignatureCandidate): void {
  if (candidate.predicateTypeHint || candidate.bundle?.content.$case !== 'dsseEnvelope') return;
  const type = predicateTypeOf(Buffer.from(candidate.bundle.content.dsseEnvelope.payload));
  if (type) candidate.predicateTypeHint = type;
}

async function legacyCandidates(
  client: SignatureRegistry,
  repo: RepositoryRef,
  imageDigest: string,
  suffix: 'sig' | 'att',
  budget: ReadBudget,
): Promise<SignatureCandidate[]> {
  const tag = legacyTag(imageDigest, suffix);
  budget.ensureLeft();
  // Most images have no such tag: a miss is no manifest, not an error (see RegistryClient.findManifest).
  const manifest = await client.findManifest(repo, tag);
  if (!manifest) return [];
  budget.spend(manifest.bytes.byteLength);
  const format: CandidateFormat = suffix === 'sig' ? 'legacy-cosign' : 'legacy-attestation';
  const expectedType = suffix === 'sig' ? SIMPLESIGNING_MEDIA_TYPE : DSSE_ENVELOPE_MEDIA_TYPE;
  const candidates: SignatureCandidate[] = [];
  for (const [index, layer] of layersOf(manifest.json).entries()) {
    if (layer.mediaType !== expectedType) continue;
    const candidate: SignatureCandidate = { format, location: `${tag} layer ${index + 1}` };
    try {
      const blob = Buffer.from(await client.getBlob(repo, layer.digest, budget.allow(suffix === 'sig' ? MAX_SIMPLESIGNING_BYTES : MAX_BUNDLE_BYTES)));
      budget.spend(blob.byteLength);
      const legacyLayer = { mediaType: layer.mediaType, annotations: layer.annotations ?? {}, blob };
      if (suffix === 'sig') {
        candidate.bundle = legacySignatureToBundle(legacyLayer);
        candidate.artifact = { bytes: blob };
        candidate.simpleSigningPayload = blob;
      } else {
        const hint = legacyLayer.annotations.predicateType;
        if (hint) candidate.predicateTypeHint = hint;
        candidate.bundle = legacyAttestationToBundle(legacyLayer);
        candidate.artifact = { digest: imageDigest };
        hintPredicateTypeFromPayload(candidate);
      }
    } catch (error) {
      if (error instanceof RegistryError && !isNotFound(error)) throw error;
      candidate.error = toSigstoreError(error, 'LEGACY_SIGNATURE_INVALID');
    }
    candidates.push(candidate);
  }
  return candidates;
}

/**
 * Every signature and attestation candidate for `imageDigest` in `repo`; with `attestations:
 * false` (no rule asks for one) the `.att` tag and referrers annotated as attestations are not
 * fetched, which saves a request per image. Registry failures other
 * than "not found" are thrown (RegistryError): the image then counts as not checked, never unsigned;
 * so is more signature data than `maxBytes` (default MAX_SIGNATURE_BYTES_PER_IMAGE), or than
 * `maxRepositoryBytes` for all images of the repository read with this client.
 */
export async function discoverSignatures(
  client: SignatureRegistry,
  repo: RepositoryRef,
  imageDigest: string,
  options: { maxBytes?: number; maxRepositoryBytes?: number; attestations?: boolean } = {},
): Promise<SignatureCandidate[]> {
  const repository = new RepositoryBudget(client, repo, options.maxRepositoryBytes ?? MAX_SIGNATURE_BYTES_PER_REPOSITORY);
  const budget = new ReadBudget(options.maxBytes ?? MAX_SIGNATURE_BYTES_PER_IMAGE, () => `${repo.domain}/${repo.path}@${imageDigest}`, repository);
  const wantAttestations = options.attestations ?? true;
  const [referrers, signatures, attestations] = await Promise.all([
    referrerCandidates(client, repo, imageDigest, budget, wantAttestations),
    legacyCandidates(client, repo, imageDigest, 'sig', budget),
    wantAttestations ? legacyCandidates(client, repo, imageDigest, 'att', budget) : [],
  ]);
  return [...referrers, ...signatures, ...attestations];
}
