/**
 * One HTTP exchange with a registry, a token realm or a host it redirects to: redirects (never
 * carrying credentials or a request body to another origin, never from https to http), bounded
 * bodies, and the request's deadline over all of it, body included. Every answer's body is read
 * to its end or discarded, so no exchange holds a connection. HTTP itself is `./http.ts`
 * (`node:http` with keep-alive agents), which nock intercepts in tests.
 */
import type { Readable } from 'node:stream';
import { isInternalAddress } from '../../reference/index.js';
import { RegistryError } from './errors.js';
import type { Deadline } from './deadline.js';
import { httpRequest, type HttpAnswer, type ResponseHeaders } from './http.js';

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
  /** Final URL after redirects. */
  url: string;
}

export interface RequestRecord {
  host: string;
  method: string;
  /** URL path without query (no secrets are ever in our paths). */
  path: string;
  status?: number;
  /** 'ping' | 'token' | 'api' | 'redirect' */
  purpose: string;
}

export interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  maxBytes: number;
  what: string;
  purpose: string;
  deadline: Deadline;
}

/** What a send reports to, and is told by, the transport. */
export interface Exchange {
  userAgent: string;
  log: (msg: string) => void;
  /** Called before each HTTP request; the status is filled in when it answers. */
  record: (record: RequestRecord) => void;
  noteHeaders: (host: string, headers: ResponseHeaders) => void;
}

const MAX_ERROR_BODY = 64 * 1024;
const MAX_REDIRECTS = 5;

function networkError(error: unknown, what: string): RegistryError {
  const err = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') {
    return new RegistryError('TIMEOUT', `${what}: timed out`, { cause: error });
  }
  // Node's client fails with the socket's own error; a wrapped one (fetch) carries it as `cause`.
  const code = err?.cause?.code ?? err?.code;
  const text = err?.cause?.message ?? err?.message ?? '';
  // A TLS handshake answered in plain HTTP: the usual cause is a local registry not listed as insecure.
  const plainHttp = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && /wrong version number/i.test(text));
  if (plainHttp) {
    const detail = code === 'EPROTO' ? 'EPROTO: TLS wrong version number' : code;
    const hint = 'the registry may speak plain HTTP: list it with --insecure-registry or the policy key insecure-registries';
    return new RegistryError('NETWORK', `${what}: network error (${detail}); ${hint}`, { cause: error });
  }
  const nothingAnswered = code !== undefined && NOTHING_ANSWERED.has(code);
  return new RegistryError('NETWORK', `${what}: network error (${code ?? (text || 'connection failed')})`, { cause: error, nothingAnswered });
}

/** Socket errors that say no registry is at the address at all (refused, unknown name, no route), not that one failed. */
const NOTHING_ANSWERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** A failure during the exchange: the deadline's reason when it ended the request, else what happened. */
function failureOf(error: unknown, init: SendInit): RegistryError {
  const ended = init.deadline.failure();
  if (ended) return ended;
  if (error instanceof RegistryError) return error;
  return networkError(error, init.what);
}

/** One request and its redirects; returns any status (the caller decides), throws on transport failures. */
export async function send(url: URL, init: SendInit, exchange: Exchange): Promise<TransportResponse> {
  let current = url;
  const headers: Record<string, string> = { 'user-agent': exchange.userAgent, ...init.headers };
  for (let hop = 0; ; hop++) {
    const ended = init.deadline.failure();
    if (ended) throw ended;
    const record: RequestRecord = { host: current.host, method: init.method, path: current.pathname, purpose: hop === 0 ? init.purpose : 'redirect' };
    exchange.record(record);
    try {
      const response = await httpRequest(current, {
        method: init.method,
        headers,
        ...(init.body !== undefined ? { body: init.body } : {}),
        end: init.deadline,
      });
      record.status = response.status;
      exchange.noteHeaders(current.host, response.headers);
      exchange.log(`${init.method} ${current.origin}${current.pathname} -> ${response.status}`);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && response.status !== 304) {
        // Drain (bounded) rather than cancel, so the connection stays reusable.
        await readBounded(response, MAX_ERROR_BODY, init.what, false).catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new RegistryError('PROTOCOL', `${init.what}: too many redirects`);
        current = redirectTarget(current, location, url.origin, init, headers);
        continue;
      }
      const ok = response.status >= 200 && response.status < 300;
      // A HEAD answer has no body: reading its end frees the connection for the next request.
      const limit = init.method === 'HEAD' ? 0 : ok ? init.maxBytes : MAX_ERROR_BODY;
      const body = await readBounded(response, limit, init.what, ok && init.method !== 'HEAD');
      return { status: response.status, headers: response.headers, body, url: current.toString() };
    } catch (error) {
      throw failureOf(error, init);
    }
  }
}

/**
 * Where a redirect may go. Credentials belong to the registry's origin (storage backends get
 * pre-signed URLs), and a request body is the refresh-token grant, a secret: it never goes to
 * another origin. Mutates `headers` to drop the Authorization header when the origin changes.
 */
function redirectTarget(current: URL, location: string, startOrigin: string, init: SendInit, headers: Record<string, string>): URL {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new RegistryError('PROTOCOL', `${init.what}: redirect to an invalid URL`);
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:')
    throw new RegistryError('PROTOCOL', `${init.what}: redirect to unsupported scheme ${next.protocol}`);
  if (current.protocol === 'https:' && next.protocol === 'http:')
    throw new RegistryError('PROTOCOL', `${init.what}: refusing redirect from https to plain http`);
  // As for token realms (bearer.ts): a registry on the internet must not make this machine call inside its network (a cloud's metadata service).
  if (isInternalAddress(next.hostname) && !isInternalAddress(new URL(startOrigin).hostname))
    throw new RegistryError('PROTOCOL', `${init.what}: refusing redirect to an internal address (${next.hostname.slice(0, 64)}) while the registry is not`);
  if (init.body !== undefined && next.origin !== startOrigin)
    throw new RegistryError('PROTOCOL', `${init.what}: refusing to send the request body on a redirect to another origin (${next.host})`);
  if (next.origin !== startOrigin) delete headers.authorization;
  return next;
}

/**
 * Reads a body up to `limit` bytes. For success bodies a larger one is TOO_LARGE; error bodies
 * are just truncated (they only feed messages).
 */
async function readBounded(response: HttpAnswer, limit: number, what: string, strict: boolean): Promise<Uint8Array> {
  const declared = Number.parseInt(response.headers.get('content-length') ?? '', 10);
  if (strict && Number.isFinite(declared) && declared > limit) {
    response.discard();
    throw new RegistryError('TOO_LARGE', `${what}: response of ${declared} bytes exceeds the limit of ${limit}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  /** Takes a chunk; false once the limit is reached (the rest is discarded). */
  const take = (chunk: Uint8Array): boolean => {
    if (total + chunk.byteLength > limit) {
      response.discard();
      if (strict) throw new RegistryError('TOO_LARGE', `${what}: response exceeds the limit of ${limit} bytes`);
      chunks.push(chunk.subarray(0, limit - total));
      total = limit;
      return false;
    }
    chunks.push(chunk);
    total += chunk.byteLength;
    return true;
  };
  await readStream(response.body, take);
  return concat(chunks, total);
}

/**
 * A stream read with its events rather than `for await`: an async iterator costs an object, a
 * promise and listeners per answer, and an answer to a `HEAD` has no body at all (300,000 lookups,
 * 300,000 iterators).
 */
function readStream(stream: Readable, take: (chunk: Uint8Array) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', done);
      stream.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (chunk: Uint8Array): void => {
      try {
        if (!take(chunk)) done();
      } catch (error) {
        done(error instanceof Error ? error : new Error('the body could not be read'));
      }
    };
    // Destroyed before its end (the deadline, a registry cancelled): as `for await` does, a premature close.
    const onClose = (): void => done(stream.readableEnded ? undefined : new Error('Premature close'));
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', done);
    stream.once('close', onClose);
  });
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  // Always a copy: a chunk may be a view into a larger pooled buffer that must not stay alive.
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
