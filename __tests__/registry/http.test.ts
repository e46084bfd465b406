/**
 * The transport's HTTP over real sockets on 127.0.0.1: connections are reused after HEAD, after a
 * read body and after an error answer (the global fetch opened one per HEAD), and a compressed
 * body is decoded within the same bound as any other.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registryErrorOf } from './registry-error.js';
import { Transport } from '../../src/registry/transport/transport.js';

const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] });

let server: Server;
let host: string;
let connections = 0;
let handler: (request: IncomingMessage, response: ServerResponse) => void = () => {};

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/v2/') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    handler(request, response);
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  // Each test starts without idle connections (and the client has seen them close), so it counts only its own.
  server.closeIdleConnections();
  await new Promise((resolve) => setTimeout(resolve, 50));
  connections = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const transport = () => new Transport({ insecureRegistries: [host], retries: 0 });
const ask = (t: Transport, method: 'GET' | 'HEAD', path: string, maxBytes = 64 * 1024) =>
  t.request({ registry: host, path, method, maxBytes, what: `manifest ${path}`, acceptStatus: [404] });

describe('connections', () => {
  it('reuses one connection for sequential HEAD requests', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': MANIFEST.length, 'docker-content-digest': 'sha256:0' });
      response.end();
    };
    const t = transport();
    for (let i = 0; i < 50; i++) {
      const answer = await ask(t, 'HEAD', `/v2/team/app${i}/manifests/1.0`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-length')).toBe(String(MANIFEST.length));
      expect(answer.body.byteLength).toBe(0);
    }
    // The ping and 50 HEADs: fetch opened a connection for each HEAD (51).
    expect(connections).toBe(1);
  });

  it('reuses the connection after GET bodies and after error answers', async () => {
    // With Content-Length, as registries send it (Node's client closes after a HEAD answer without one).
    const reply = (response: ServerResponse, status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    handler = (request, response) => {
      if (request.url?.includes('missing')) return reply(response, 404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      if (request.url?.includes('chunked')) return void response.writeHead(200, { 'content-type': 'application/json' }).end(MANIFEST);
      reply(response, 200, MANIFEST);
    };
    const t = transport();
    for (let i = 0; i < 20; i++) {
      expect(new TextDecoder().decode((await ask(t, 'GET', `/v2/team/app${i}/manifests/1.0`)).body)).toBe(MANIFEST);
      expect((await ask(t, 'GET', `/v2/team/missing${i}/manifests/1.0`)).status).toBe(404);
      expect((await ask(t, 'HEAD', `/v2/team/missing${i}/manifests/1.0`)).status).toBe(404);
      expect(new TextDecoder().decode((await ask(t, 'GET', `/v2/team/chunked${i}/manifests/1.0`)).body)).toBe(MANIFEST);
    }
    expect(connections).toBe(1);
  });
});

describe('per-request allocations', () => {
  it('makes no AbortController per request (on Node 20 each AbortSignal has a hidden class of its own, in the old generation)', async () => {
    handler = (_request, response) => response.writeHead(404, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
    const original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends original {
      constructor() {
        super();
        made++;
      }
    };
    try {
      const t = transport();
      for (let i = 0; i < 20; i++) expect((await ask(t, 'GET', `/v2/team/app${i}/manifests/1.0`)).status).toBe(404);
    } finally {
      globalThis.AbortController = original;
    }
    expect(made).toBe(0);
  });
});

describe('a kept connection the server closes', () => {
  it('is asked again once on a new connection when it closes as a request is sent', async () => {
    // Answers the first request of each connection, and closes a connection on its second one.
    const raw = createNetServer((socket) => {
      let requests = 0;
      socket.on('data', () => {
        if (++requests > 1) return void socket.destroy();
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const rawHost = `127.0.0.1:${(raw.address() as AddressInfo).port}`;
    try {
      const t = new Transport({ insecureRegistries: [rawHost], retries: 0 });
      // The ping opens the connection; the manifest request reuses it and the server closes it.
      const answer = await t.request({ registry: rawHost, path: '/v2/team/app/manifests/1.0', maxBytes: 1024, what: 'manifest' });
      expect(new TextDecoder().decode(answer.body)).toBe('{}');
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});

describe('compressed bodies', () => {
  it('decodes a gzip body the server sends unasked', async () => {
    let asked: string | undefined;
    handler = (request, response) => {
      asked = request.headers['accept-encoding'];
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-encoding': 'gzip' }).end(gzipSync(MANIFEST));
    };
    const answer = await ask(transport(), 'GET', '/v2/team/app/manifests/1.0');
    expect(asked).toBe('identity');
    expect(new TextDecoder().decode(answer.body)).toBe(MANIFEST);
  });

  it('bounds the decoded size: a small gzip bomb is TOO_LARGE at the body limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.byteLength }).end(bomb);
    };
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const error = await registryErrorOf(ask(transport(), 'GET', '/v2/team/app/manifests/1.0', 1024 * 1024));
    expect(error.code).toBe('TOO_LARGE');
  });
});
