/**
 * A fast in-process registry for the memory benchmark: every tag of every repository exists and
 * points to one small manifest; anything else (signature tags, the referrers API) is not found.
 * Only what the resolve and signature stages ask: `/v2/`, HEAD and GET of manifests.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 },
  layers: [],
});
const NOT_FOUND = '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}';
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

export async function startFakeRegistry(): Promise<{ host: string; served: () => number; close: () => Promise<void> }> {
  let served = 0;
  const server: Server = createServer((req, res) => {
    served++;
    const url = req.url ?? '/';
    if (url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
    if (url.includes('/manifests/') && !url.includes('/manifests/sha256-')) {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': DIGEST, 'content-length': MANIFEST.length });
      return void res.end(req.method === 'HEAD' ? undefined : MANIFEST);
    }
    // With Content-Length, as registries answer (HEAD included).
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length }).end(req.method === 'HEAD' ? undefined : NOT_FOUND);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
