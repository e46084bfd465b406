/** The parsed form of an image reference, after normalization (see `parseNormalized`). */
export interface ImageReference {
  /** Registry host with optional port, e.g. "docker.io", "ghcr.io", "localhost:5000", "[::1]:5000". */
  domain: string;
  /** Repository path within the registry, e.g. "library/nginx", "my-org/app". */
  path: string;
  /** Tag when written, e.g. "1.25". */
  tag?: string;
  /** Digest when written, e.g. "sha256:…". */
  digest?: string;
}

/** A closed set of codes so callers and tests match on codes, not message text. */
export type ReferenceErrorCode =
  | 'EMPTY'
  | 'INVALID_FORMAT'
  | 'NAME_CONTAINS_UPPERCASE'
  | 'NAME_TOO_LONG'
  | 'NAME_NOT_CANONICAL'
  | 'INVALID_DOMAIN'
  | 'INVALID_PATH_COMPONENT'
  | 'INVALID_TAG'
  | 'INVALID_DIGEST'
  | 'DIGEST_LENGTH'
  | 'UNSUPPORTED_DIGEST_ALGORITHM'
  /** A bare 64-hex string: an image ID, not a repository name. */
  | 'NAME_IS_IDENTIFIER'
  /** Input longer than any valid reference can be; rejected before any pattern runs. */
  | 'INPUT_TOO_LONG';
