/**
 * The image reference grammar (a TypeScript port of distribution/reference): parsing with and
 * without Docker's normalization, canonical and familiar formatting, digests and tags.
 * Every other module goes through here to read an image name.
 */
import { checkDigest } from './digest.js';
import { ReferenceError, quoteInput } from './errors.js';
import { TAG_PATTERN } from './grammar.js';
import { correctionHint } from './hints.js';
import { formatReference, parseNormalized } from './normalize.js';
import { describePlaceholders, findPlaceholders, type PlaceholderOptions } from './placeholder.js';
import type { ImageReference, ReferenceErrorCode } from './types.js';

export type { ImageReference, ReferenceErrorCode } from './types.js';
export { ReferenceError } from './errors.js';
export {
  DIGEST_PATTERN,
  DOMAIN_PATTERN,
  IDENTIFIER_PATTERN,
  TAG_PATTERN,
} from './grammar.js';
export { isDigest } from './digest.js';
export { parseReference, parseRepositoryName } from './parse.js';
export { correctionHint } from './hints.js';
export { findPlaceholders, type PlaceholderOptions } from './placeholder.js';
export {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_HOST,
  DOCKER_HUB_HOSTS,
  canonicalDomain,
  isDockerHub,
  isInternalAddress,
  isPrivateNetworkHost,
  policyHost,
  PRIVATE_USE_SUFFIXES,
  registryHost,
  samePolicyHost,
  splitHostPort,
} from './host.js';
export { policyRepository, rememberingSplitter, splitReference, type ReferenceParts } from './split.js';
export {
  familiarName,
  familiarString,
  formatReference,
  parseCanonical,
  parseNormalized,
  repositoryName,
  splitDockerDomain,
  writtenRegistry,
} from './normalize.js';

export type OccurrenceNormalization =
  | { ok: true; reference: string; parsed: ImageReference }
  /** Text to be filled in by a person or a later tool (see placeholder.ts): not a grammar mistake. */
  | { ok: false; placeholders: string[]; message: string }
  /** A grammar mistake; `message` names the rule and, for usual mistakes, what to write instead. */
  | { ok: false; placeholders?: undefined; code: ReferenceErrorCode; message: string };

/**
 * Normalizes image text found in a file without throwing: the canonical reference (no tag is
 * added), the placeholders it is waiting for, or the code and message of the rule it breaks.
 * The text is taken exactly as given.
 */
export function normalizeForOccurrence(text: string, options: PlaceholderOptions = {}): OccurrenceNormalization {
  try {
    const parsed = parseNormalized(text);
    return { ok: true, reference: formatReference(parsed), parsed };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const placeholders = findPlaceholders(text, options);
    if (placeholders.length > 0) return { ok: false, placeholders, message: describePlaceholders(placeholders) };
    const hint = correctionHint(text);
    return { ok: false, code: error.code, message: hint ? `${error.message}; ${hint}` : error.message };
  }
}

/** The same repository and tag with `digest` (validated; throws ReferenceError), as in Go's WithDigest. */
export function withDigest(reference: ImageReference, digest: string): ImageReference {
  checkDigest(digest);
  return { ...reference, digest };
}

/** The same repository and digest with `tag` (validated; throws ReferenceError). */
export function withTag(reference: ImageReference, tag: string): ImageReference {
  if (!TAG_PATTERN.test(tag)) throw new ReferenceError('INVALID_TAG', `invalid tag format: ${quoteInput(tag)}`);
  return { ...reference, tag };
}

/** The repository alone, without tag or digest (Go: TrimNamed). */
export function trimReference(reference: ImageReference): ImageReference {
  return { domain: reference.domain, path: reference.path };
}
