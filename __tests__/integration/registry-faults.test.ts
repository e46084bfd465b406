/**
 * Faults a registry can throw at a run, against a misbehaving registry on 127.0.0.1 (real sockets,
 * Node `http`): a body dripped byte by byte, `Retry-After: 60`, a registry that fails request
 * after request, token realms that are not http(s), HTML served as a manifest, and a registry
 * without the referrers API. Assertions are on requests made and errors, never on time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { behaviours, startMisbehavingRegistry, type MisbehavingRegistry } from '../helpers/misbehaving-registry.js';
import { registryErrorOf } from '../registry/registry-error.js';
import { defaultPolicy } from '../../src/config/load.js';
import { scan } from '../../src/engine.js';
import { exitCodeFor } from '../../src/checks/index.js';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RegistryClient, type RepositoryRef } from '../../src/registry/index.js';

let registry: MisbehavingRegistry;
beforeAll(async () => {
  registry = await startMisbehavingRegistry();
});
afterAll(async () => {
  await registry.close();
});
afterEach(() => registry.reset());

function client(options: ConstructorParameters<typeof RegistryClient>[0] = {}) {
  const waits: number[] = [];
  const c = new RegistryClient({
    insecureRegistries: [registry.host],
    retries: 3,
    ...options,
    transport: { sleep: async (ms) => void waits.push(ms), backoffBaseMs: 1, ...(options.transport ?? {}) },
  });
  return { c, waits };
}

const repo = (path = 'team/app'): RepositoryRef => ({ domain: registry.host, path });
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('one deadline per request', () => {
  it('covers the body: a registry that drips bytes holds an image for one deadline, not one per attempt', async () => {
    registry.on('/v2/team/app/manifests/1.0', behaviours.drip(50));
    // The body never completes, so any deadline ends it; 2 s leaves a loaded machine time to send the request at all.
    const { c } = client({ timeoutMs: 2000, retries: 3 });
    const error = await registryErrorOf(c.getManifest(repo(), '1.0'));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('timed out');
    expect(registry.served('/v2/team/app/manifests/1.0')).toBe(1);
  });

  it('still retries failures that leave time, within the deadline', async () => {
    let calls = 0;
    const ok = behaviours.manifest(1);
    registry.on('/v2/team/app/manifests/1.0', (req, res) => (++calls === 1 ? behaviours.status(503)(req, res) : ok(req, res)));
    const { c, waits } = client();
    expect((await c.headManifest(repo(), '1.0')).digest).toMatch(/^sha256:/);
    expect(waits).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('is waited for up to the cap (default 10 s)', async () => {
    let calls = 0;
    const ok = behaviours.manifest(1);
    registry.on('/v2/team/app/manifests/1.0', (req, res) => (++calls === 1 ? behaviours.rateLimited(2)(req, res) : ok(req, res)));
    const { c, waits } = client();
    await c.headManifest(repo(), '1.0');
    expect(waits).toEqual([2000]);
  });

  it('longer than the cap fails at once; after 3 such failures the registry is given up and every other image fails without a request', async () => {
    registry.on('/v2/team/*', behaviours.rateLimited(60));
    const { c, waits } = client({ concurrency: 1 });
    const images = Array.from({ length: 40 }, (_, n) => repo(`team/app${n}`));
    const errors = await Promise.all(images.map((image) => registryErrorOf(c.headManifest(image, '1.0'))));
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['RATE_LIMITED']));
    expect(errors[0]!.message).toContain('Retry-After 60 s is longer than this run waits (10 s)');
    expect(errors[39]!.message).toContain(`registry ${registry.host} not asked again: 3 requests in a row failed`);
    expect(waits).toEqual([]);
    expect(registry.served() - registry.served('/v2/')).toBe(3);
    expect(c.unhealthyRegistries()).toEqual([expect.objectContaining({ registry: registry.host, failures: 3 })]);
  });

  it('is configurable', async () => {
    registry.on('/v2/team/app/manifests/1.0', behaviours.rateLimited(3));
    const { c } = client({ maxRetryAfterMs: 2000, retries: 1 });
    expect((await registryErrorOf(c.headManifest(repo(), '1.0'))).message).toContain('longer than this run waits (2 s)');
  });
});

describe('a registry given up', () => {
  it('ends its requests in flight at once instead of waiting out their deadline', async () => {
    registry.on('/v2/team/slow/manifests/1.0', behaviours.hang());
    registry.on('/v2/team/broken*', behaviours.status(503));
    const { c } = client({ retries: 0, timeoutMs: 120_000, concurrency: 8 });
    const slow = registryErrorOf(c.headManifest(repo('team/slow'), '1.0'));
    while (registry.served('/v2/team/slow/manifests/1.0') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const n of [1, 2, 3]) expect((await registryErrorOf(c.headManifest(repo(`team/broken${n}`), '1.0'))).code).toBe('SERVER');
    const ended = await slow;
    expect(ended.message).toContain('not asked again: 3 requests in a row failed');
    const later = await registryErrorOf(c.headManifest(repo('team/other'), '1.0'));
    expect(later.message).toContain('not asked again');
    expect(registry.served('/v2/team/other/manifests/1.0')).toBe(0);
  });

  it('is not given up for answers about single images (404)', async () => {
    registry.on('/v2/team/good/manifests/1.0', behaviours.manifest(2));
    const { c } = client({ retries: 0 });
    for (const n of [1, 2, 3, 4]) expect((await registryErrorOf(c.headManifest(repo(`team/missing${n}`), '1.0'))).code).toBe('NOT_FOUND');
    expect((await c.headManifest(repo('team/good'), '1.0')).digest).toMatch(/^sha256:/);
    expect(c.unhealthyRegistries()).toEqual([]);
  });
});

describe('a scan against a registry given up', () => {
  it('reports every image as not verified and names the registry once, with why', async () => {
    registry.on('/v2/team/*', behaviours.rateLimited(60));
    const root = await mkdtemp(join(tmpdir(), 'verify-images-faults-'));
    try {
      const images = Array.from({ length: 20 }, (_, n) => `FROM ${registry.host}/team/app${n}:1.0`);
      await writeFile(join(root, 'Dockerfile'), `${images.join('\n')}\n`);
      const { c } = client({ concurrency: 1 });
      const policy = defaultPolicy();
      policy.signatures.mode = 'off';
      const result = await scan({ root, policy, offline: false, registryClient: c, env: {} });
      expect(result.occurrences.map((o) => o.resolution?.status)).toEqual(Array(20).fill('error'));
      expect(result.findings.filter((f) => f.rule === 'registry-unreachable')).toHaveLength(20);
      expect(result.notes?.filter((note) => note.includes('was given up'))).toEqual([
        expect.stringContaining(`Registry ${registry.host} was given up after 3 failed requests in a row`),
      ]);
      expect(registry.served() - registry.served('/v2/')).toBe(3);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('a scan fails closed on a registry it could not ask', () => {
  async function scanImages(images: string[], c: RegistryClient) {
    const root = await mkdtemp(join(tmpdir(), 'verify-images-faults-'));
    try {
      await writeFile(join(root, 'Dockerfile'), `${images.map((image) => `FROM ${image}`).join('\n')}\nUSER 1000\n`);
      const policy = defaultPolicy();
      policy.signatures.mode = 'off';
      const result = await scan({ root, policy, offline: false, registryClient: c, env: {} });
      const unreachable = result.findings.filter((finding) => finding.rule === 'registry-unreachable');
      return { unreachable, exit: exitCodeFor(result.findings, policy.failOn, result.errors) };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  it('a registry that stalls: the image is an error and the run fails', async () => {
    registry.on('/v2/team/app/manifests/1.0', behaviours.drip(50));
    const { c } = client({ timeoutMs: 2000, retries: 1 });
    const { unreachable, exit } = await scanImages([`${registry.host}/team/app:1.0`], c);
    expect(unreachable.map((finding) => [finding.severity, finding.errorCode])).toEqual([['error', 'timeout']]);
    expect(exit).toBe(1);
  });

  it('a loopback registry nothing listens on (a CI job pushed to it in a step): notes, also once it is given up, and the run passes', async () => {
    // A port that was just closed: connecting is refused, as for lldap/lldap 9cc54ab03's localhost:5000 outside its job.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const host = `localhost:${port}`;
    const { c } = client({ insecureRegistries: [host], concurrency: 1, retries: 1 });
    const images = Array.from({ length: 5 }, (_, n) => `${host}/lldap/app${n}:base`);
    const { unreachable, exit } = await scanImages(images, c);
    expect(unreachable).toHaveLength(5);
    expect(unreachable.map((finding) => finding.severity)).toEqual(Array(5).fill('note'));
    expect(unreachable[0]!.message).toContain(`${host} is a registry of the machine or private network that runs the image, and nothing answers there from this run`);
    expect(c.unhealthyRegistries().map((entry) => entry.registry)).toEqual([host]);
    expect(exit).toBe(0);
  });
});

describe('token realms that are not http(s)', () => {
  it.each([
    ['data:application/json,{"token":"planted"}', 'data:'],
    ['file:///etc/passwd', 'file:'],
    ['ftp://127.0.0.1/token', 'ftp:'],
  ])('refuses %s without fetching it', async (realm, scheme) => {
    registry.on('/v2/', behaviours.challenge(realm));
    const { c } = client({ retries: 0 });
    const error = await registryErrorOf(c.headManifest(repo(), '1.0'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toContain(`bearer realm uses ${scheme}`);
    expect(c.requestLog().map((r) => r.purpose)).toEqual(['ping']);
  });
});

describe('a manifest served as text/html', () => {
  it('is not a manifest, by GET', async () => {
    registry.on('/v2/team/app/manifests/1.0', behaviours.html());
    const error = await registryErrorOf(client().c.getManifest(repo(), '1.0'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toContain('text/html, which is not a manifest');
  });

  it('is not a manifest, by HEAD with a digest header', async () => {
    registry.on('/v2/team/app/manifests/1.0', behaviours.html(true));
    const error = await registryErrorOf(client().c.headManifest(repo(), '1.0'));
    expect(error.message).toContain('not a manifest');
  });

  it('is not a manifest, by HEAD without a digest header (then GET)', async () => {
    registry.on('/v2/team/app/manifests/1.0', behaviours.html(false));
    const error = await registryErrorOf(client().c.headManifest(repo(), '1.0'));
    expect(error.message).toContain('not a manifest');
  });
});

describe('a registry without the referrers API', () => {
  it('is probed once per run; later images go straight to the tag schema', async () => {
    registry.on('/v2/team/app/referrers/*', behaviours.status(404));
    const { c } = client({ retries: 0 });
    for (const n of [1, 2, 3]) expect(await c.listReferrers(repo(), digest(n))).toEqual([]);
    const probes = c.requestLog().filter((r) => r.path.includes('/referrers/'));
    const tags = c.requestLog().filter((r) => r.path.includes('/manifests/sha256-'));
    expect(probes).toHaveLength(1);
    expect(tags).toHaveLength(3);
  });
});
