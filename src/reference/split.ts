/**
 * The one splitter of a normalized reference (`Occurrence.reference`, as `formatReference`
 * writes it) into registry, repository path, tag and digest. Checks, the registry client, policy
 * globs, signatures and pin all read references through it, so they cannot disagree on where
 * the host ends or which colon starts the tag.
 */
import { ReferenceError } from './errors.js';
import { policyHost, registryHost } from './host.js';
import { parseReference } from './parse.js';

export interface ReferenceParts {
  /** The registry requests and credentials are for (`registryHost`): "docker.io", "ghcr.io", "127.0.0.1:5000". */
  domain: string;
  /** The registry as policies match it (`policyHost`): "127.0.0.1:5000" and "[::1]:5000" read "localhost:5000". */
  host: string;
  /** Repository path within the registry, e.g. "library/nginx". */
  path: string;
  /** `host/path`: the repository as policy globs and trust lists see it. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits a normalized reference. Undefined for text that is not a valid reference with a
 * registry part ("nginx" is familiar, not normalized): callers treat it as nothing to match.
 */
export function splitReference(reference: string): ReferenceParts | undefined {
  let parsed;
  try {
    parsed = parseReference(reference);
  } catch (error) {
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
  if (parsed.domain === '') return undefined;
  const host = policyHost(parsed.domain);
  const parts: ReferenceParts = { domain: registryHost(parsed.domain), host, path: parsed.path, repository: `${host}/${parsed.path}` };
  if (parsed.tag !== undefined) parts.tag = parsed.tag;
  if (parsed.digest !== undefined) parts.digest = parsed.digest;
  return parts;
}

/** The repository of a normalized reference as policies match it (`host/path`), or undefined (see `splitReference`). */
export function policyRepository(reference: string): string | undefined {
  return splitReference(reference)?.repository;
}

/**
 * `splitReference` that remembers each reference's parts while the returned function is held, for
 * a stage that reads the same references again and again (every check rule splits every
 * occurrence's reference): one split per distinct reference. The parts are shared: read them only.
 */
export function rememberingSplitter(): (reference: string) => ReferenceParts | undefined {
  const known = new Map<string, ReferenceParts | undefined>();
  return (reference) => {
    if (known.has(reference)) return known.get(reference);
    const parts = splitReference(reference);
    known.set(reference, parts);
    return parts;
  };
}
