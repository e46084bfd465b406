/**
 * Digest validation as go-digest does it for the algorithms the Go reference package registers
 * (sha256, sha384, sha512): a registered algorithm needs exactly its length of lower-case hex;
 * a well-formed but unregistered algorithm is "unsupported".
 */
import { ReferenceError, quoteInput } from './errors.js';
import { DIGEST_PATTERN } from './grammar.js';

/** Hex characters per registered algorithm (hash size in bytes times two). */
export const DIGEST_ALGORITHMS: Readonly<Record<string, number>> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** go-digest's own syntax for an algorithm and encoded part, used to tell "unsupported" from "malformed". */
const GO_DIGEST_SYNTAX = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function registeredLength(algorithm: string): number | undefined {
  return Object.hasOwn(DIGEST_ALGORITHMS, algorithm) ? DIGEST_ALGORITHMS[algorithm] : undefined;
}

/**
 * Checks the syntax the reference grammar demands of a digest. A registered algorithm with
 * too few hex characters is reported as a length problem rather than a format problem, which
 * is the more useful message for a truncated digest.
 */
export function checkDigestSyntax(digest: string): void {
  if (DIGEST_PATTERN.test(digest)) return;
  const separator = digest.indexOf(':');
  const algorithm = separator > 0 ? digest.slice(0, separator) : '';
  const encoded = separator > 0 ? digest.slice(separator + 1) : '';
  const expected = registeredLength(algorithm);
  if (expected !== undefined && /^[0-9a-fA-F]+$/.test(encoded)) {
    throw digestLengthError(algorithm, expected, encoded.length);
  }
  throw new ReferenceError(
    'INVALID_DIGEST',
    `invalid digest format: ${quoteInput(digest)} is not algorithm:hex with at least 32 hex characters`,
  );
}

/** Checks that a syntactically valid digest uses a registered algorithm with the right encoding. */
export function checkDigestRegistered(digest: string): void {
  const separator = digest.indexOf(':');
  const algorithm = digest.slice(0, separator);
  const encoded = digest.slice(separator + 1);
  const expected = registeredLength(algorithm);
  if (expected === undefined) {
    if (GO_DIGEST_SYNTAX.test(digest)) {
      throw new ReferenceError(
        'UNSUPPORTED_DIGEST_ALGORITHM',
        `unsupported digest algorithm ${quoteInput(algorithm)}: expected one of ${Object.keys(DIGEST_ALGORITHMS).join(', ')}`,
      );
    }
    throw new ReferenceError('INVALID_DIGEST', `invalid digest format: ${quoteInput(digest)}`);
  }
  if (/[A-F]/.test(encoded)) {
    throw new ReferenceError('INVALID_DIGEST', `invalid digest format: ${algorithm} digests must be lower-case hex`);
  }
  if (encoded.length !== expected) throw digestLengthError(algorithm, expected, encoded.length);
}

/** Full validation: syntax, registered algorithm, exact length. Throws ReferenceError. */
export function checkDigest(digest: string): void {
  checkDigestSyntax(digest);
  checkDigestRegistered(digest);
}

/** True when `text` is a complete, valid digest of a registered algorithm, e.g. "sha256:<64 hex>". */
export function isDigest(text: string): boolean {
  if (text.length > 256) return false;
  try {
    checkDigest(text);
    return true;
  } catch {
    return false;
  }
}

function digestLengthError(algorithm: string, expected: number, actual: number): ReferenceError {
  return new ReferenceError(
    'DIGEST_LENGTH',
    `invalid digest length: ${algorithm} needs ${expected} hex characters, got ${actual}`,
  );
}
