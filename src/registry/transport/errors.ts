/**
 * The one error type of the registry layers, with a closed set of codes so callers, rules and
 * tests match on codes, never on message text.
 */

export type RegistryErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'SERVER'
  | 'PROTOCOL'
  | 'DIGEST_MISMATCH'
  | 'TOO_LARGE';

/** What was missing on a 404, from the registry's error body (NAME_UNKNOWN, MANIFEST_UNKNOWN, BLOB_UNKNOWN). */
export type MissingKind = 'repository' | 'manifest' | 'blob';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  readonly status?: number;
  readonly missing?: MissingKind;
  /** Registry error codes from the response body (`{"errors":[{"code":...}]}`), when there were any. */
  readonly registryCodes?: string[];
  /** Nothing answered at the registry's address: the connection was refused, or its name does not resolve. */
  readonly nothingAnswered?: boolean;

  constructor(
    code: RegistryErrorCode,
    message: string,
    details: { status?: number; missing?: MissingKind; registryCodes?: string[]; nothingAnswered?: boolean; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.missing !== undefined) this.missing = details.missing;
    if (details.registryCodes?.length) this.registryCodes = details.registryCodes;
    if (details.nothingAnswered) this.nothingAnswered = true;
  }

  /** Whether another attempt could succeed (the request itself was fine). */
  get retryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'TIMEOUT' || this.code === 'NETWORK' || this.code === 'SERVER';
  }
}


/** Longest registry message kept in an error message. */
const MAX_REGISTRY_MESSAGE = 200;
/** Registry error codes are identifiers (NAME_UNKNOWN, DENIED); anything else is not kept. */
const REGISTRY_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `text` with every secret replaced by "***". A registry (or a proxy in front of it) may echo the
 * Authorization header or the credential in its error text, which ends up in findings and reports.
 */
function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const secret of ordered) redacted = redacted.split(secret).join('***');
  return redacted;
}

/**
 * Registry text made safe to print: no control characters or line/paragraph separators (it is
 * logged, where a line break could start a workflow command, and shown at terminals).
 */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
}

/**
 * Registry error-body codes from the distribution spec, parsed leniently (the body is untrusted).
 * The message has `secrets` removed before it is cut to length, so no part of one survives.
 */
function parseErrorBody(bytes: Uint8Array | undefined, secrets: Iterable<string> = []): { codes: string[]; message?: string } {
  if (!bytes || bytes.length === 0 || bytes.length > 64 * 1024) return { codes: [] };
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    const errors = (parsed as { errors?: unknown })?.errors;
    if (!Array.isArray(errors)) return { codes: [] };
    const codes: string[] = [];
    let message: string | undefined;
    for (const entry of errors.slice(0, 10)) {
      const code = (entry as { code?: unknown })?.code;
      if (typeof code === 'string' && REGISTRY_CODE.test(code)) codes.push(code);
      const text = (entry as { message?: unknown })?.message;
      if (message === undefined && typeof text === 'string') {
        const safe = printable(redactSecrets(text, secrets)).slice(0, MAX_REGISTRY_MESSAGE);
        if (safe !== '') message = safe;
      }
    }
    return message === undefined ? { codes } : { codes, message };
  } catch {
    return { codes: [] };
  }
}

/** Maps an HTTP failure status (and the registry's error codes) to a RegistryError; `secrets` never appear in it. */
export function errorForStatus(status: number, what: string, body?: Uint8Array, secrets: Iterable<string> = []): RegistryError {
  const { codes, message } = parseErrorBody(body, secrets);
  const said = message ? `: ${message}` : '';
  const details = { status, registryCodes: codes };
  if (status === 404) {
    const missing: MissingKind | undefined = codes.includes('NAME_UNKNOWN')
      ? 'repository'
      : codes.includes('MANIFEST_UNKNOWN')
        ? 'manifest'
        : codes.includes('BLOB_UNKNOWN')
          ? 'blob'
          : undefined;
    return new RegistryError('NOT_FOUND', `${what}: not found (404)${said}`, missing ? { status, registryCodes: codes, missing } : details);
  }
  if (status === 401) return new RegistryError('UNAUTHORIZED', `${what}: authentication required or refused (401)${said}`, details);
  if (status === 403) return new RegistryError('FORBIDDEN', `${what}: access denied (403)${said}`, details);
  if (status === 429 || codes.includes('TOOMANYREQUESTS'))
    return new RegistryError('RATE_LIMITED', `${what}: rate limited (${status})${said}`, details);
  if (status >= 500) return new RegistryError('SERVER', `${what}: registry error (${status})${said}`, details);
  return new RegistryError('PROTOCOL', `${what}: unexpected status ${status}${said}`, details);
}
