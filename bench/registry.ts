/**
 * Registry benchmark: a real registry (Debian's docker-registry) behind a proxy that adds latency
 * to every request, N unique images resolved (and, with signature rules, their signatures looked
 * up) by the registry client; requests per image and wall time against the ideal
 * ceil(requests / concurrency) x RTT, and against `skopeo inspect` of the same tags.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultPolicy } from '../src/config/load.js';
import type { Occurrence } from '../src/model.js';
import { RegistryClient } from '../src/registry/index.js';
import { resolveOccurrences } from '../src/resolve.js';
import { verifySignatures } from '../src/sigstore/index.js';
import { freePort, pushBlob, pushManifest, registryAvailability, REGISTRY_BINARY, SKOPEO_BINARY, type TestRegistry } from '../__tests__/helpers/registry.js';
import { startLatencyProxy } from './latency-proxy.js';

export interface RegistryRow {
  images: number;
  signatures: boolean;
  requestsPerImage: number;
  wallMs: number;
  idealMs: number;
  skopeoMs?: number;
}

const REPOSITORY = 'bench/app';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * docker-registry without auth: the test harness's htpasswd makes the registry check a bcrypt hash
 * on every request, which on a small machine costs more than the latency being measured; public
 * registries answer with cached bearer tokens instead.
 */
async function startOpenRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'verify-images-bench-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  const config = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'storage')}`, 'http:', `  addr: ${host}`, ''].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${host}/v2/`).then((r) => r.status === 200, () => false);
    if (ok) return { host, url: `http://${host}`, username: 'bench', password: 'bench', stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error('docker-registry did not start');
}

async function pushImages(registry: TestRegistry, count: number): Promise<void> {
  const config = await pushBlob(registry, REPOSITORY, Buffer.from('{"architecture":"amd64","os":"linux"}'));
  const layer = await pushBlob(registry, REPOSITORY, Buffer.from('bench layer'));
  const queue = Array.from({ length: count }, (_, n) => n);
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const manifest = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 37 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 11 }],
        annotations: { 'bench.n': String(n) },
      };
      await pushManifest(registry, REPOSITORY, `t${n}`, manifest, OCI_MANIFEST);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function occurrencesFor(host: string, count: number): Occurrence[] {
  return Array.from({ length: count }, (_, n) => ({ file: 'Dockerfile', line: n + 1, column: 6, kind: 'dockerfile', raw: `${host}/${REPOSITORY}:t${n}`, reference: `${host}/${REPOSITORY}:t${n}` }));
}

/** One run: a fresh client (no cache), all N images, resolve then (optionally) signatures. */
async function runClient(proxyHost: string, count: number, signatures: boolean, concurrency: number) {
  const client = new RegistryClient({
    insecureRegistries: [proxyHost],
    concurrency,
  });
  const policy = defaultPolicy();
  policy.signatures.rules = [{ images: [`${proxyHost}/**`], keyless: { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' } }];
  const start = performance.now();
  const resolved = await resolveOccurrences(occurrencesFor(proxyHost, count), client);
  if (signatures) await verifySignatures(resolved, policy, client, { concurrency: concurrency * 4 });
  const wallMs = performance.now() - start;
  const failed = resolved.filter((o) => o.resolution?.status !== 'ok').length;
  if (failed > 0) throw new Error(`${failed} of ${count} images did not resolve`);
  return { wallMs, requests: client.requestCount(proxyHost) };
}

/** `skopeo inspect` of each tag, `concurrency` processes at a time. */
async function runSkopeo(proxyHost: string, count: number, concurrency: number): Promise<number> {
  const queue = Array.from({ length: count }, (_, n) => n);
  const start = performance.now();
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const args = ['inspect', '--no-tags', '--tls-verify=false', `docker://${proxyHost}/${REPOSITORY}:t${n}`];
      const code = await new Promise<number>((resolve) => spawn(SKOPEO_BINARY, args, { stdio: 'ignore' }).on('exit', (c) => resolve(c ?? 1)));
      if (code !== 0) throw new Error(`skopeo inspect failed for t${n}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return performance.now() - start;
}

/** One request at a time through the proxy, the median of 10: the round trip the ideal is counted in. */
async function measureRtt(proxyHost: string): Promise<number> {
  const times: number[] = [];
  for (let n = 0; n < 10; n++) {
    const start = performance.now();
    const response = await fetch(`http://${proxyHost}/v2/${REPOSITORY}/manifests/t0`, { headers: { accept: OCI_MANIFEST } });
    await response.arrayBuffer();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[5]!;
}

export async function registryBench(options: { sizes: number[]; latencyMs: number; concurrency: number; skopeoUpTo: number }): Promise<{ rttMs: number; rows: RegistryRow[] } | string> {
  const availability = registryAvailability();
  if (!availability.ok) return `skipped: ${availability.reason}`;
  const registry = await startOpenRegistry();
  const proxy = await startLatencyProxy(registry.url, options.latencyMs);
  try {
    await pushImages(registry, Math.max(...options.sizes));
    // Warm up (JIT, the registry's own caches) on a few images, untimed.
    await runClient(proxy.host, Math.min(10, Math.max(...options.sizes)), true, options.concurrency);
    const rttMs = await measureRtt(proxy.host);
    const rows: RegistryRow[] = [];
    for (const images of options.sizes) {
      for (const signatures of [false, true]) {
        const { wallMs, requests } = await runClient(proxy.host, images, signatures, options.concurrency);
        const idealMs = Math.ceil(requests / options.concurrency) * rttMs;
        const row: RegistryRow = { images, signatures, requestsPerImage: requests / images, wallMs, idealMs };
        if (!signatures && images <= options.skopeoUpTo) row.skopeoMs = await runSkopeo(proxy.host, images, options.concurrency);
        rows.push(row);
      }
    }
    return { rttMs, rows };
  } finally {
    await proxy.close();
    await registry.stop();
  }
}
