/**
 * Test harness: a REAL registry (Debian's `docker-registry`, distribution 2.8) on 127.0.0.1 with
 * htpasswd Basic auth, and ways to put content in it.
 *
 *   const availability = registryAvailability();      // { ok } or { ok: false, reason }
 *   describe.skipIf(!availability.ok)(`... ${availability.reason ?? ''}`, () => { ... });
 *   const registry = await startRegistry();            // free port, temp storage, user/password
 *   const image = await pushImage(registry, 'team/app', '1.0', { platforms: [...] });   // via skopeo
 *   const digest = await pushBlob(registry, 'team/app', bytes);                         // via the API
 *   const manifestDigest = await pushManifest(registry, 'team/app', 'sha256-…', json, mediaType);
 *   await registry.stop();                             // always, in afterAll
 *
 * Images are built here as OCI layouts on disk (blobs, index.json, oci-layout) from a tiny real
 * tar layer, and copied with `skopeo copy --preserve-digests`, so the digests this module
 * computes are the digests the registry serves.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const SKOPEO_BINARY = '/usr/bin/skopeo';

export interface TestRegistry {
  /** "127.0.0.1:PORT": the registry host as written in image references. */
  host: string;
  /** "http://127.0.0.1:PORT" */
  url: string;
  username: string;
  password: string;
  /** Stops the process and removes its storage; safe to call twice. */
  stop(): Promise<void>;
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

export interface PushedImage {
  /** Digest of what the tag points to (the index for multi-platform images). */
  digest: string;
  mediaType: string;
  /** For multi-platform images: each platform's manifest. */
  manifests: Array<{ digest: string; platform: PlatformSpec }>;
}

/** Computes a bcrypt htpasswd line with whatever the machine has; undefined when nothing works. */
function htpasswdLine(username: string, password: string): string | undefined {
  const htpasswd = spawnSync('htpasswd', ['-nbB', username, password], { encoding: 'utf8' });
  if (htpasswd.status === 0 && htpasswd.stdout.includes(':$2')) return htpasswd.stdout.trim();
  // Python's crypt module (3.11 and earlier) exposes libxcrypt's bcrypt.
  const python = spawnSync(
    'python3',
    ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password],
    { encoding: 'utf8' },
  );
  const hash = python.stdout?.trim();
  if (python.status === 0 && hash?.startsWith('$2')) return `${username}:${hash}`;
  return undefined;
}

let availabilityCache: { ok: boolean; reason?: string } | undefined;

/** Set to "1" (CI does) to make missing integration tools a failure instead of a skip. */
export const REQUIRE_INTEGRATION_ENV = 'VERIFY_IMAGES_REQUIRE_INTEGRATION';

/**
 * Whether the real-registry tests can run here, and if not, why (for the skip message). When
 * `VERIFY_IMAGES_REQUIRE_INTEGRATION=1` and something is missing it throws instead, so a test file
 * that calls it at load time fails rather than skipping silently.
 */
export function registryAvailability(): { ok: boolean; reason?: string } {
  if (!availabilityCache) {
    if (!existsSync(REGISTRY_BINARY)) availabilityCache = { ok: false, reason: `${REGISTRY_BINARY} not installed (apt-get install docker-registry)` };
    else if (!existsSync(SKOPEO_BINARY)) availabilityCache = { ok: false, reason: `${SKOPEO_BINARY} not installed (apt-get install skopeo)` };
    else if (!htpasswdLine('probe', 'probe'))
      availabilityCache = { ok: false, reason: 'no bcrypt for htpasswd: neither `htpasswd` (apache2-utils) nor python3 crypt works' };
    else availabilityCache = { ok: true };
  }
  if (!availabilityCache.ok && process.env[REQUIRE_INTEGRATION_ENV] === '1') {
    throw new Error(`${REQUIRE_INTEGRATION_ENV}=1 but the integration tests cannot run: ${availabilityCache.reason}`);
  }
  return availabilityCache;
}

/** A port on 127.0.0.1 that was free a moment ago (nothing listens on it once this returns). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts a registry with Basic auth on a free 127.0.0.1 port, storage in a fresh temp dir. */
export async function startRegistry(options: { username?: string; password?: string } = {}): Promise<TestRegistry> {
  const username = options.username ?? 'tester';
  const password = options.password ?? 'correct-horse-battery';
  const line = htpasswdLine(username, password);
  if (!line) throw new Error(registryAvailability().reason ?? 'no bcrypt available');
  const dir = await mkdtemp(join(tmpdir(), 'verify-images-registry-'));
  await writeFile(join(dir, 'htpasswd'), `${line}\n`);
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      'auth:',
      '  htpasswd:',
      '    realm: verify-images-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'config.yml'), config);
    const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      await waitForExit(child, 5000);
      await rm(dir, { recursive: true, force: true });
    };
    // Ready when /v2/ answers (401 without credentials); bounded at ~10 s.
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      try {
        const response = await fetch(`http://${host}/v2/`);
        if (response.status === 401 || response.status === 200) {
          return { host, url: `http://${host}`, username, password, stop };
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    lastError = stderr;
    child.kill('SIGKILL');
    await waitForExit(child, 2000);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${lastError}`);
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A one-file ustar archive: enough to be a real layer. */
function tarWithFile(name: string, content: Uint8Array): Uint8Array {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148); // checksum placeholder
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  Buffer.from(content).copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

class OciLayout {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  async blob(bytes: Uint8Array): Promise<{ digest: string; size: number }> {
    const digest = sha256(bytes);
    await writeFile(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return { digest, size: bytes.length };
  }

  async json(value: unknown): Promise<{ digest: string; size: number }> {
    return this.blob(Buffer.from(JSON.stringify(value)));
  }
}

async function writeImageManifest(layout: OciLayout, platform: PlatformSpec, content: string) {
  const tar = tarWithFile('hello.txt', Buffer.from(`${content}\n${platform.os}/${platform.architecture}\n`));
  const layer = await layout.blob(gzipSync(tar));
  const config = await layout.json({
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    config: { Cmd: ['/hello.txt'] },
  });
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  };
  return layout.json(manifest);
}

function runSkopeo(args: string[]): void {
  const result = spawnSync(SKOPEO_BINARY, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`skopeo ${args[0]} failed: ${result.stderr || result.error?.message}`);
}

/**
 * Builds a tiny image (one platform, or an index of several) as an OCI layout and pushes it with
 * skopeo to `registry/repository:tag`. `content` varies the layer, so pushing the same tag with
 * other content moves the tag.
 */
export async function pushImage(
  registry: TestRegistry,
  repository: string,
  tag: string,
  spec: { platforms?: PlatformSpec[]; content?: string } = {},
): Promise<PushedImage> {
  const dir = await mkdtemp(join(tmpdir(), 'verify-images-oci-'));
  try {
    const layout = new OciLayout(dir);
    await layout.init();
    const content = spec.content ?? `${repository}:${tag}`;
    const platforms = spec.platforms ?? [{ os: 'linux', architecture: 'amd64' }];
    let top: { digest: string; size: number; mediaType: string };
    const manifests: PushedImage['manifests'] = [];
    if (platforms.length === 1 && !spec.platforms) {
      top = { ...(await writeImageManifest(layout, platforms[0]!, content)), mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    } else {
      const children = [];
      for (const platform of platforms) {
        const child = await writeImageManifest(layout, platform, content);
        manifests.push({ digest: child.digest, platform });
        children.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...child, platform });
      }
      const index = await layout.json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: children });
      top = { ...index, mediaType: 'application/vnd.oci.image.index.v1+json' };
    }
    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.size, annotations: { 'org.opencontainers.image.ref.name': tag } }],
      }),
    );
    runSkopeo([
      'copy',
      '--quiet',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      '--dest-creds',
      `${registry.username}:${registry.password}`,
      `oci:${dir}:${tag}`,
      `docker://${registry.host}/${repository}:${tag}`,
    ]);
    return { digest: top.digest, mediaType: top.mediaType, manifests };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function basicAuth(registry: TestRegistry): string {
  return `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
}

/** Uploads a blob with the monolithic POST+PUT flow of the distribution API; returns its digest. */
export async function pushBlob(registry: TestRegistry, repository: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: basicAuth(registry) },
  });
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (start.status !== 202 || !location) throw new Error(`blob upload start failed: ${start.status}`);
  const url = new URL(location, registry.url);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { authorization: basicAuth(registry), 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes),
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload failed: ${put.status}`);
  return digest;
}

/**
 * Puts a manifest (object, serialized here, or exact bytes) under a tag or its digest; returns
 * the digest of the bytes sent. Blobs it references must be pushed first.
 */
export async function pushManifest(
  registry: TestRegistry,
  repository: string,
  reference: string,
  manifest: object | Uint8Array,
  mediaType: string,
): Promise<string> {
  const bytes = manifest instanceof Uint8Array ? manifest : Buffer.from(JSON.stringify(manifest));
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { authorization: basicAuth(registry), 'content-type': mediaType },
    body: Buffer.from(bytes),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`manifest upload failed: ${response.status} ${text.slice(0, 300)}`);
  return sha256(bytes);
}
