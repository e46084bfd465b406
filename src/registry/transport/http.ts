/**
 * One HTTP request and its answer, over `node:http` and `node:https` with keep-alive agents shared
 * by the process (made on first use), so that requests to a registry reuse their connections.
 *
 * Not the global `fetch`: undici closes the connection after every `HEAD` (it cannot tell a
 * body-less answer from a server that sends one anyway), so each tag lookup opened a new
 * connection, over https with its own TLS handshake, and 100,000 lookups left 100,000 sockets and
 * parsers to the garbage collector: most of the peak memory of a large online run. Node's own
 * client keeps a connection after a `HEAD`.
 *
 * Bodies come decoded when a server compresses one (`gzip`, `deflate`, `br`, as `fetch` did) though
 * none is asked for; the caller bounds what it reads, after decoding, so a compressed bomb is cut
 * off at the same limit as any other body.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Ends the request, and the reading of its body, when it ends early. */
  end: RequestEnd;
}

/**
 * What can end a request early (its deadline). Not an AbortSignal: on Node 20 each one gets a
 * hidden class of its own in the old generation, and an online run makes one request per tag,
 * signature tag and referrers lookup.
 */
export interface RequestEnd {
  /** Why the request has ended, once it has. */
  failure(): Error | undefined;
  /** Calls `listener` with why when the request ends early; returns how to stop listening. */
  onEnd(listener: (reason: Error) => void): () => void;
}

/** What is read of an answer's headers: one value by name (any case), repeated ones joined with ", ". */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpAnswer {
  status: number;
  headers: ResponseHeaders;
  /** The body, decoded. Read it to the end (the connection is then reused), or `discard` it. */
  body: Readable;
  /** Ends the exchange without reading the rest; its connection is closed, not reused. */
  discard: () => void;
}

/** Idle connections are closed after this (or sooner when the server says so in `Keep-Alive`). */
const IDLE_MS = 5_000;

let agents: { http: http.Agent; https: https.Agent } | undefined;

function agentFor(url: URL): http.Agent {
  agents ??= {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
  };
  return url.protocol === 'https:' ? agents.https : agents.http;
}

/**
 * The answer's headers as Node parsed them (names in lower case; a repeated header joined, or for
 * the few that may not repeat, such as Content-Length and Location, the first kept): lighter than
 * fetch's `Headers`, which 100,000 answers would each build.
 */
function headersOf(headers: IncomingHttpHeaders): ResponseHeaders {
  return {
    get: (name) => {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** The body as sent, or decoded when the server compressed it with one known coding. */
function decoded(response: IncomingMessage): Readable {
  const coding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    coding === 'gzip' || coding === 'x-gzip' ? createGunzip() : coding === 'deflate' ? createInflate() : coding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return response;
  // A failure on either side ends both, and reaches the reader through the decoder.
  return pipeline(response, decoder, () => {});
}

/** Sends one request; resolves when the status and headers arrive, rejects on network failure or abort. */
export function httpRequest(url: URL, request: HttpRequest): Promise<HttpAnswer> {
  return send(url, request).catch((error: unknown) => {
    // A kept connection the server closed as it was reused: asked again once on a new one (as
    // Node's documentation advises), for requests that change nothing.
    if (!(error instanceof StaleConnection)) throw error;
    return send(url, request, true).catch((again: unknown) => {
      throw again instanceof StaleConnection ? again.cause : again;
    });
  });
}

class StaleConnection extends Error {}

function send(url: URL, request: HttpRequest, fresh = false): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity', ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const client = url.protocol === 'https:' ? https : http;
    const agent = fresh ? false : agentFor(url);
    const ended = request.end.failure();
    if (ended) return reject(ended);
    const outgoing = client.request(url, { method: request.method, headers, agent });
    // Ending early destroys the request, and its answer with it while the body is read.
    outgoing.once('close', request.end.onEnd((reason) => outgoing.destroy(reason)));
    let answered = false;
    // Kept after the answer: a connection that fails while the body is read is reported on both.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const stale = !answered && outgoing.reusedSocket && error.code === 'ECONNRESET' && (request.method === 'GET' || request.method === 'HEAD');
      reject(stale && !request.end.failure() ? new StaleConnection('stale connection', { cause: error }) : error);
    });
    outgoing.once('response', (response) => {
      answered = true;
      resolve({
        status: response.statusCode ?? 0,
        headers: headersOf(response.headers),
        body: decoded(response),
        discard: () => response.destroy(),
      });
    });
    outgoing.end(request.body);
  });
}
