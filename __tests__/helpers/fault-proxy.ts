/**
 * Test harness: an HTTP proxy on 127.0.0.1 in front of a real registry that passes every request
 * through, except those a test chooses to fail (a 5xx answer) or to hang (no answer at all), so
 * the registry stays real while one kind of lookup breaks.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'hang' | { status: number };

export interface FaultProxy {
  /** "127.0.0.1:PORT": the proxy as an image reference's host. */
  host: string;
  /** Requests seen, as "METHOD /path". */
  requests: string[];
  stop(): Promise<void>;
}

/** Whether a request looks up signatures or attestations: OCI referrers, cosign `.sig`/`.att` tags, the referrers tag schema. */
export function isSignatureLookup(request: IncomingMessage): boolean {
  const path = request.url ?? '';
  return /\/referrers\/sha256:/.test(path) || /\/manifests\/sha256-[0-9a-f]{64}(\.sig|\.att)?$/.test(path);
}

export async function startFaultProxy(target: string, fault: (request: IncomingMessage) => Fault): Promise<FaultProxy> {
  const requests: string[] = [];
  const hanging = new Set<IncomingMessage>();
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    requests.push(`${incoming.method} ${incoming.url}`);
    const decision = fault(incoming);
    if (decision === 'hang') {
      hanging.add(incoming);
      return;
    }
    if (decision !== 'pass') {
      outgoing.writeHead(decision.status, { 'content-type': 'text/plain' }).end('injected fault');
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const incoming of hanging) incoming.socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
