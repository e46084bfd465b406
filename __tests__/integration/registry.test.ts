/**
 * The registry client, resolve stage, registry checks and pinning against a REAL registry:
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 with htpasswd Basic auth, filled
 * with images built here and pushed by skopeo (see ../helpers/registry.ts).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMismatchCheck } from '../../src/checks/digest-mismatch.js';
import { buildTrustIndex } from '../../src/checks/trust.js';
import { defaultPolicy } from '../../src/config/load.js';
import { makeOccurrence } from '../../src/discover/occurrence.js';
import { LineIndex } from '../../src/discover/position.js';
import type { Occurrence } from '../../src/model.js';
import { applyPins, planPins } from '../../src/pin.js';
import {
  MEDIA_TYPES,
  RegistryClient,
  RegistryError,
  findInIndex,
  staticCredentialSource,
  type RepositoryRef,
} from '../../src/registry/index.js';
import { resolveOccurrences } from '../../src/resolve.js';
import {
  pushBlob,
  pushImage,
  pushManifest,
  registryAvailability,
  startRegistry,
  type PushedImage,
  type TestRegistry,
} from '../helpers/registry.js';

const availability = registryAvailability();

describe.skipIf(!availability.ok)(`real registry (distribution 2.8)${availability.ok ? '' : ` — skipped: ${availability.reason}`}`, () => {
  let registry: TestRegistry;
  let app: PushedImage;
  let multi: PushedImage;
  let movingBefore: PushedImage;
  let movingAfter: PushedImage;
  let artifactDigest: string;

  const repo = (path: string): RepositoryRef => ({ domain: registry.host, path });
  const client = (credentials = { username: registry.username, password: registry.password }) =>
    new RegistryClient({ insecureRegistries: [registry.host], credentials: staticCredentialSource({ [registry.host]: credentials }), retries: 0 });

  /** Occurrences as the compose discoverer would report them, positions from the text. */
  function occurrencesIn(file: string, text: string, images: string[]): Occurrence[] {
    const lines = new LineIndex(text);
    return images.map((raw) => makeOccurrence({ file, kind: 'compose', lines, offset: text.indexOf(raw), raw, value: raw }));
  }

  beforeAll(async () => {
    registry = await startRegistry();
    app = await pushImage(registry, 'team/app', '1.0');
    multi = await pushImage(registry, 'team/multi', '2.0', {
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ],
    });
    movingBefore = await pushImage(registry, 'team/moving', '1.0', { content: 'first build' });
    movingAfter = await pushImage(registry, 'team/moving', '1.0', { content: 'second build' });

    // A signature-like artifact whose subject is team/app:1.0, stored where registries without
    // the referrers API keep it: an index under the tag `sha256-<hex>`.
    const emptyConfig = await pushBlob(registry, 'team/app', Buffer.from('{}'));
    const payload = Buffer.from('{"note":"attestation payload"}');
    const payloadDigest = await pushBlob(registry, 'team/app', payload);
    const artifact = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: 'application/vnd.example.attestation+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyConfig, size: 2 },
      layers: [{ mediaType: 'application/vnd.example.attestation+json', digest: payloadDigest, size: payload.length }],
      subject: { mediaType: app.mediaType, digest: app.digest, size: 0 },
    };
    const artifactBytes = Buffer.from(JSON.stringify(artifact));
    artifactDigest = await pushManifest(registry, 'team/app', 'attestation', artifactBytes, MEDIA_TYPES.ociManifest);
    await pushManifest(
      registry,
      'team/app',
      app.digest.replace(':', '-'),
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [
          { mediaType: MEDIA_TYPES.ociManifest, digest: artifactDigest, size: artifactBytes.length, artifactType: artifact.artifactType },
        ],
      },
      MEDIA_TYPES.ociIndex,
    );
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('resolves a tag to the pushed digest with HEAD, and verifies the manifest by digest', async () => {
    const c = client();
    const head = await c.headManifest(repo('team/app'), '1.0');
    expect(head).toMatchObject({ digest: app.digest, mediaType: MEDIA_TYPES.ociManifest });
    const manifest = await c.getManifest(repo('team/app'), app.digest);
    expect(manifest.descriptor.digest).toBe(app.digest);
    const config = manifest.json.config as { digest: string; size: number };
    const blob = await c.getBlob(repo('team/app'), config.digest, 1024 * 1024);
    expect(JSON.parse(Buffer.from(blob).toString())).toMatchObject({ architecture: 'amd64', os: 'linux' });
  });

  it('tells a pin to the index from a pin to one platform’s manifest', async () => {
    const c = client();
    const head = await c.headManifest(repo('team/multi'), '2.0');
    expect(head).toMatchObject({ digest: multi.digest, mediaType: MEDIA_TYPES.ociIndex });
    const index = await c.getManifest(repo('team/multi'), multi.digest);
    const arm = multi.manifests.find((m) => m.platform.architecture === 'arm64')!;
    expect(findInIndex(index.json, arm.digest)?.platform).toBe('linux/arm64/v8');
    expect(findInIndex(index.json, multi.digest)).toBeUndefined();

    const [toIndex, toArm] = await resolveOccurrences(
      occurrencesIn('compose.yml', `a: ${registry.host}/team/multi:2.0@${multi.digest}\nb: ${registry.host}/team/multi:2.0@${arm.digest}\n`, [
        `${registry.host}/team/multi:2.0@${multi.digest}`,
        `${registry.host}/team/multi:2.0@${arm.digest}`,
      ]),
      c,
    );
    expect(toIndex?.resolution).toEqual({ status: 'ok', pinnedDigestExists: true, mediaType: MEDIA_TYPES.ociIndex, tagDigest: multi.digest });
    expect(toArm?.resolution).toMatchObject({ status: 'ok', pinnedDigestExists: true, tagDigest: multi.digest, pinnedDigestPlatform: 'linux/arm64/v8' });
  });

  it('reports what is missing: repository, tag or digest', async () => {
    const h = registry.host;
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    const resolved = await resolveOccurrences(
      occurrencesIn('compose.yml', `${h}/team/nothing:1.0 ${h}/team/app:9.9 ${h}/team/app@${missingDigest}`, [
        `${h}/team/nothing:1.0`,
        `${h}/team/app:9.9`,
        `${h}/team/app@${missingDigest}`,
      ]),
      client(),
    );
    expect(resolved.map((o) => [o.resolution?.status, o.resolution?.missing])).toEqual([
      ['not-found', 'repository'],
      ['not-found', 'tag'],
      ['not-found', 'digest'],
    ]);
    expect(resolved[2]?.resolution?.pinnedDigestExists).toBe(false);
  });

  it('maps refused and missing credentials to unauthorized errors', async () => {
    const ref = `${registry.host}/team/app:1.0`;
    const [wrong] = await resolveOccurrences(occurrencesIn('c.yml', ref, [ref]), client({ username: registry.username, password: 'wrong' }));
    expect(wrong?.resolution).toMatchObject({ status: 'error', errorCode: 'unauthorized' });
    const anonymous = new RegistryClient({ insecureRegistries: [registry.host], retries: 0 });
    await expect(anonymous.headManifest(repo('team/app'), '1.0')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('refuses plain http unless the registry is listed as insecure', async () => {
    const strict = new RegistryClient({ retries: 0, timeoutMs: 5000 });
    const error = await strict.headManifest(repo('team/app'), '1.0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('NETWORK');
  });

  it('finds referrers through the sha256-<hex> tag on a registry without the referrers API', async () => {
    const c = client();
    const referrers = await c.listReferrers(repo('team/app'), app.digest, 'application/vnd.example.attestation+json');
    expect(referrers.map((d) => d.digest)).toEqual([artifactDigest]);
    expect(await c.listReferrers(repo('team/app'), app.digest, 'application/other')).toEqual([]);
    expect(await c.listReferrers(repo('team/multi'), multi.digest)).toEqual([]);
  });

  it('asks once per unique reference: one manifest request each, plus the auth ping', async () => {
    const h = registry.host;
    const refs = [
      `${h}/team/app:1.0`,
      `${h}/team/multi:2.0`,
      `${h}/team/app:1.0`,
      `${h}/team/app@${app.digest}`,
      `${h}/team/multi:2.0`,
      `${h}/team/app@${app.digest}`,
      `${h}/team/app:1.0`,
    ];
    const text = refs.join('\n');
    const lines = new LineIndex(text);
    let offset = 0;
    const occurrences = refs.map((raw) => {
      const occurrence = makeOccurrence({ file: 'c.yml', kind: 'compose', lines, offset, raw, value: raw });
      offset += raw.length + 1;
      return occurrence;
    });
    const c = client();
    const resolved = await resolveOccurrences(occurrences, c);
    expect(resolved.every((o) => o.resolution?.status === 'ok')).toBe(true);
    const log = c.requestLog();
    expect(log.filter((r) => r.purpose === 'ping')).toHaveLength(1);
    expect(log.filter((r) => r.purpose === 'api').map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [`GET /v2/team/app/manifests/${app.digest}`, 'HEAD /v2/team/app/manifests/1.0', 'HEAD /v2/team/multi/manifests/2.0'].sort(),
    );
    expect(c.requestCount(h)).toBe(4);
  });

  it('pins tags in a file, and reports the pin as stale once the tag moves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pin-e2e-'));
    try {
      const h = registry.host;
      const first = await pushImage(registry, 'team/rolling', 'stable', { content: 'release 1' });
      const compose = `services:\n  web:\n    image: "${h}/team/rolling:stable"\n  multi:\n    image: ${h}/team/multi:2.0 # all platforms\n`;
      await writeFile(join(dir, 'compose.yml'), compose);
      const images = [`${h}/team/rolling:stable`, `${h}/team/multi:2.0`];
      const resolved = await resolveOccurrences(occurrencesIn('compose.yml', compose, images), client());
      const results = await applyPins(dir, planPins(resolved, new Map([['compose.yml', compose]])));
      expect(results).toEqual([{ file: 'compose.yml', applied: 2, unchanged: 0, conflicts: 0 }]);
      const pinned = await readFile(join(dir, 'compose.yml'), 'utf8');
      expect(pinned).toBe(
        `services:\n  web:\n    image: "${h}/team/rolling:stable@${first.digest}"\n  multi:\n    image: ${h}/team/multi:2.0@${multi.digest} # all platforms\n`,
      );

      const pinnedImages = [`${h}/team/rolling:stable@${first.digest}`, `${h}/team/multi:2.0@${multi.digest}`];
      const policy = defaultPolicy();
      const context = { policy, trust: buildTrustIndex(policy) };
      const fresh = await resolveOccurrences(occurrencesIn('compose.yml', pinned, pinnedImages), client());
      expect(digestMismatchCheck.run(fresh, context)).toEqual([]);

      const moved = await pushImage(registry, 'team/rolling', 'stable', { content: 'release 2' });
      const later = await resolveOccurrences(occurrencesIn('compose.yml', pinned, pinnedImages), client());
      expect(later[0]?.resolution).toMatchObject({ status: 'ok', pinnedDigestExists: true, tagDigest: moved.digest });
      const findings = digestMismatchCheck.run(later, context);
      expect(findings).toHaveLength(1);
      expect(findings[0]?.message).toContain(moved.digest);
      expect(findings[0]?.message).toContain(first.digest);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sees a moved tag as a different digest while the old one still exists', async () => {
    const ref = `${registry.host}/team/moving:1.0@${movingBefore.digest}`;
    const [occurrence] = await resolveOccurrences(occurrencesIn('c.yml', ref, [ref]), client());
    expect(occurrence?.resolution).toMatchObject({ status: 'ok', pinnedDigestExists: true, tagDigest: movingAfter.digest });
    expect(movingAfter.digest).not.toBe(movingBefore.digest);
  });
});
