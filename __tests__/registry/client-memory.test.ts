/**
 * What the registry client keeps per answer, measured against a registry on 127.0.0.1 (no nock in
 * this file: it keeps every request it intercepts, which would be measured too).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retainedBytes } from '../helpers/heap.js';
import { RegistryClient, type RepositoryRef } from '../../src/registry/index.js';

const NOT_FOUND = '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}';
let server: Server;
let host: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/v2/') return void response.writeHead(200, { 'content-length': 2 }).end('{}');
    response.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length }).end(NOT_FOUND);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('findManifest misses', () => {
  it('are kept without an error: 2,000 cached misses (the cache holds 4,096) keep far less than failed getManifest calls did', async () => {
    const client = new RegistryClient({ insecureRegistries: [host], retries: 0 });
    const repo: RepositoryRef = { domain: host, path: 'team/app' };
    const miss = async (i: number) => expect(await client.findManifest(repo, `sha256-${i.toString(16).padStart(64, '0')}.sig`)).toBeUndefined();
    // Warmed up first: what compiling the code on the way allocates is not what a miss keeps.
    for (let i = 0; i < 200; i++) await miss(i);
    const retained = await retainedBytes(async () => {
      for (let i = 200; i < 2200; i++) await miss(i);
      return client;
    });
    // Measured: 1.6-1.8 MB (cache keys, the request log); as failed getManifest calls (error,
    // message, stack, parsed error body) they kept 3.7 MB.
    expect(retained).toBeLessThan(2.6 * 1024 * 1024);
  });
});
