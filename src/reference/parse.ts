/**
 * Strict parsing of a reference as written, with no normalization (Go: reference.Parse).
 * The text is cut into name, tag and digest, and the name into domain and path; each piece is
 * then matched on its own (see grammar.ts for why).
 */
import { checkDigestRegistered, checkDigestSyntax } from './digest.js';
import { ReferenceError, quoteInput } from './errors.js';
import {
  DOMAIN_PATTERN,
  MAX_INPUT_LENGTH,
  NAME_TOTAL_LENGTH_MAX,
  PATH_COMPONENT_PATTERN,
  PATH_PATTERN,
  TAG_PATTERN,
} from './grammar.js';
import type { ImageReference } from './types.js';

/** Rejects empty and oversized input before any pattern runs. */
export function checkInputBounds(text: string): void {
  if (text === '') {
    throw new ReferenceError('EMPTY', 'repository name must have at least one component');
  }
  if (text.length > MAX_INPUT_LENGTH) {
    throw new ReferenceError(
      'INPUT_TOO_LONG',
      `invalid reference format: ${text.length} characters is more than any reference can have (${MAX_INPUT_LENGTH})`,
    );
  }
}

/**
 * Parses `text` exactly as written. `domain` is "" when the name has none (e.g. "nginx",
 * "library/nginx"): nothing is filled in. Throws ReferenceError.
 */
export function parseReference(text: string): ImageReference {
  return parseAsWritten(text, text);
}

/** `shown` is the text as the user wrote it, quoted in messages when `text` was normalized from it. */
export function parseAsWritten(text: string, shown: string): ImageReference {
  checkInputBounds(text);

  // "@" occurs in no part but as the digest separator, and ":" in no tag or digest-free name
  // part after the last "/", so these cuts are unambiguous.
  const at = text.indexOf('@');
  const beforeDigest = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  if (digest !== undefined && digest.includes('@')) {
    throw new ReferenceError('INVALID_FORMAT', `invalid reference format: ${quoteInput(shown)} has more than one "@"`);
  }
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > beforeDigest.lastIndexOf('/');
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
  const tag = hasTag ? beforeDigest.slice(colon + 1) : undefined;

  if (name === '') {
    throw new ReferenceError('INVALID_FORMAT', `invalid reference format: ${quoteInput(shown)} has no repository name`);
  }
  const { domain, path } = splitName(name);
  if (tag !== undefined && !TAG_PATTERN.test(tag)) {
    throw new ReferenceError(
      'INVALID_TAG',
      `invalid tag format: ${quoteInput(tag)} must be 1 to 128 of letters, digits, "_", "." or "-", not starting with "." or "-"`,
    );
  }
  if (digest !== undefined) checkDigestSyntax(digest);
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ReferenceError(
      'NAME_TOO_LONG',
      `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters (got ${name.length})`,
    );
  }
  if (digest !== undefined) checkDigestRegistered(digest);

  const reference: ImageReference = { domain, path };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/**
 * Parses a repository name alone, without tag or digest (Go: WithName): "foo.com:8080/bar" is
 * domain "foo.com:8080" and path "bar", while "foo.com:8080" is not a name. Throws ReferenceError.
 */
export function parseRepositoryName(text: string): { domain: string; path: string } {
  checkInputBounds(text);
  const name = splitName(text);
  if (text.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ReferenceError(
      'NAME_TOO_LONG',
      `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters (got ${text.length})`,
    );
  }
  return name;
}

/**
 * Splits a name the way the Go pattern `^(?:(domain)/)?(remote-name)$` does: the first
 * component is the domain when it is a valid domain and the rest a valid path; otherwise the
 * whole name must be a path.
 */
function splitName(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  if (slash !== -1) {
    const first = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (DOMAIN_PATTERN.test(first)) {
      if (PATH_PATTERN.test(rest)) return { domain: first, path: rest };
      if (!PATH_PATTERN.test(name)) throw pathError(rest);
    } else if (!PATH_PATTERN.test(name) && looksLikeDomain(first)) {
      throw new ReferenceError(
        'INVALID_DOMAIN',
        `invalid domain ${quoteInput(first)}: must be a host name, IPv4 address or bracketed IPv6 address, with an optional port`,
      );
    }
  }
  if (PATH_PATTERN.test(name)) return { domain: '', path: name };
  throw pathError(name);
}

/** Only for choosing the error: the first component was evidently meant as a registry. */
function looksLikeDomain(component: string): boolean {
  return /[.:[\]A-Z]/.test(component) || component === 'localhost';
}

/** Names the first offending path component, telling upper case apart from other mistakes. */
function pathError(path: string): ReferenceError {
  if (PATH_PATTERN.test(path.toLowerCase())) {
    return new ReferenceError('NAME_CONTAINS_UPPERCASE', `repository name must be lowercase: ${quoteInput(path)}`);
  }
  for (const component of path.split('/')) {
    if (component === '') {
      return new ReferenceError(
        'INVALID_PATH_COMPONENT',
        `invalid repository name ${quoteInput(path)}: path components must not be empty`,
      );
    }
    if (!PATH_COMPONENT_PATTERN.test(component.toLowerCase())) {
      return new ReferenceError(
        'INVALID_PATH_COMPONENT',
        `invalid repository name component ${quoteInput(component)}: must be lower-case letters and digits, separated by one ".", one or two "_", or dashes`,
      );
    }
  }
  return new ReferenceError('INVALID_FORMAT', `invalid reference format: ${quoteInput(path)} is not a repository name`);
}
