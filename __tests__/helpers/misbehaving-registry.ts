/**
 * A registry that misbehaves on purpose, on 127.0.0.1 with Node's `http`: each path is answered
 * by a behaviour the test picks (drip the body, rate-limit, hang, reset, serve HTML, challenge
 * with a strange realm). Paths without a behaviour answer 404 like a registry; `/v2/` answers 200.
 * Every request is counted per path, so tests assert on requests made, never on time.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

export interface MisbehavingRegistry {
  /** "127.0.0.1:<port>" */
  host: string;
  /** Sets what a path (exact, query included) or a path prefix ending in "*" answers. */
  on(path: string, behaviour: Behaviour): void;
  /** Requests served for a path (exact) or for all paths. */
  served(path?: string): number;
  reset(): void;
  close(): Promise<void>;
}

const sha256 = (bytes: string | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A small well-formed image manifest and its digest. */
function manifest(n = 0): { body: string; digest: string } {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(`config ${n}`), size: 2 },
    layers: [],
  });
  return { body, digest: sha256(body) };
}

export const behaviours = {
  /** A manifest answer: digest, type and length in the headers; the body too unless HEAD. */
  manifest(n = 0, contentType = OCI_MANIFEST): Behaviour {
    const { body, digest } = manifest(n);
    return (req, res) => {
      res.writeHead(200, { 'content-type': contentType, 'docker-content-digest': digest, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
  },
  /** Headers at once, then one byte every `everyMs` of a body that never completes in time. */
  drip(everyMs = 100): Behaviour {
    return (req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': 1_000_000 });
      const timer = setInterval(() => res.write('{'), everyMs);
      const stop = () => clearInterval(timer);
      res.on('close', stop);
      req.on('close', stop);
    };
  },
  /** 429 with `Retry-After: seconds`. */
  rateLimited(seconds: number): Behaviour {
    return (_req, res) => {
      res.writeHead(429, { 'retry-after': String(seconds), 'content-type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
    };
  },
  status(code: number): Behaviour {
    return (_req, res) => {
      res.writeHead(code, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN"}]}');
    };
  },
  /** Never answers (the connection stays open until the client gives up). */
  hang(): Behaviour {
    return () => {};
  },
  /** A 200 that is an HTML page (a login portal, a proxy's error page). */
  html(withDigest = true): Behaviour {
    const page = '<!doctype html><html><body>Sign in</body></html>';
    return (req, res) => {
      const headers: Record<string, string | number> = { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length };
      if (withDigest) headers['docker-content-digest'] = sha256(page);
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : page);
    };
  },
  /** 401 with a Bearer challenge naming `realm`. */
  challenge(realm: string): Behaviour {
    return (_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="test"`, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    };
  },
};

export async function startMisbehavingRegistry(): Promise<MisbehavingRegistry> {
  const exact = new Map<string, Behaviour>();
  const prefixes = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    total++;
    counts.set(url, (counts.get(url) ?? 0) + 1);
    const behaviour = exact.get(url) ?? [...prefixes].find(([prefix]) => url.startsWith(prefix))?.[1];
    if (behaviour) return behaviour(req, res);
    if (url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    on(path, behaviour) {
      if (path.endsWith('*')) prefixes.set(path.slice(0, -1), behaviour);
      else exact.set(path, behaviour);
    },
    served: (path) => (path === undefined ? total : (counts.get(path) ?? 0)),
    reset() {
      exact.clear();
      prefixes.clear();
      counts.clear();
      total = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
