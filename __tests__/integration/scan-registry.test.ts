/**
 * End to end, as a user runs it: the CLI (`scan`, `pin --write`) over a fixture repository whose
 * compose file, Kubernetes manifest and Dockerfile name images in a REAL registry (Debian's
 * docker-registry with htpasswd Basic auth, credentials from VERIFY_IMAGES_REGISTRY_CREDENTIALS)
 * and in a registry that does not answer. Also counts the registry requests a scan makes.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { loadPolicy } from '../../src/config/load.js';
import { createRegistryClient, scan } from '../../src/engine.js';
import type { Finding, ResolvedOccurrence, ScanResult } from '../../src/model.js';
import { copyFixtureRepository } from '../helpers/fixture-copy.js';
import { freePort, pushImage, registryAvailability, startRegistry, type PushedImage, type TestRegistry } from '../helpers/registry.js';

const availability = registryAvailability();
const FIXTURE = fileURLToPath(new URL('../fixtures/scan-registry/repo', import.meta.url));
const CREDENTIALS_ENV = 'VERIFY_IMAGES_REGISTRY_CREDENTIALS';
/** Placeholders in the fixture files (see their header comments). */
const FIXTURE_HOST = '127.0.0.1:5000';
const FIXTURE_UNREACHABLE = '127.0.0.1:5009';
const MOVED_PIN = `sha256:${'a'.repeat(64)}`;
const PLATFORM_PIN = `sha256:${'b'.repeat(64)}`;
const MISSING_DIGEST = 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const FILES = ['docker-compose.yml', 'deploy/web.yaml', 'Dockerfile', '.github/verify-images.yml'];

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

const key = (f: Pick<Finding, 'rule' | 'file' | 'line'>) => `${f.rule} ${f.file}:${f.line}`;
const keys = (findings: Finding[]) => findings.map(key).sort();

async function readAll(root: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(FILES.map(async (file) => [file, await readFile(join(root, file), 'utf8')] as const)));
}

/** `text` with `raw` at line/column replaced by `replacement`: what pinning one occurrence must do, and nothing else. */
function replaceAt(text: string, line: number, column: number, raw: string, replacement: string): string {
  const lines = text.split('\n');
  const current = lines[line - 1]!;
  expect(current.slice(column - 1, column - 1 + raw.length)).toBe(raw);
  lines[line - 1] = current.slice(0, column - 1) + replacement + current.slice(column - 1 + raw.length);
  return lines.join('\n');
}

describe.skipIf(!availability.ok)(`scan and pin against a real registry${availability.ok ? '' : ` — skipped: ${availability.reason}`}`, () => {
  let registry: TestRegistry;
  let unreachable: string;
  let web: PushedImage;
  let base: PushedImage;
  let multi: PushedImage;
  let movedFrom: PushedImage;
  let movedTo: PushedImage;
  let armDigest: string;
  const roots: string[] = [];
  let savedCredentials: string | undefined;

  const repository = () =>
    copyFixtureRepository(FIXTURE, { [FIXTURE_HOST]: registry.host, [FIXTURE_UNREACHABLE]: unreachable, [MOVED_PIN]: movedFrom.digest, [PLATFORM_PIN]: armDigest }).then(
      (root) => {
        roots.push(root);
        return root;
      },
    );

  beforeAll(async () => {
    registry = await startRegistry();
    unreachable = `127.0.0.1:${await freePort()}`;
    web = await pushImage(registry, 'team/web', '1.0');
    base = await pushImage(registry, 'team/base', '3.19');
    multi = await pushImage(registry, 'team/multi', '2.0', {
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ],
    });
    armDigest = multi.manifests.find((m) => m.platform.architecture === 'arm64')!.digest;
    // Pinned as tag@digest, then the tag was pushed again with other content.
    movedFrom = await pushImage(registry, 'team/moving', '1.0', { content: 'first build' });
    movedTo = await pushImage(registry, 'team/moving', '1.0', { content: 'second build' });
    savedCredentials = process.env[CREDENTIALS_ENV];
    process.env[CREDENTIALS_ENV] = JSON.stringify({ [registry.host]: { username: registry.username, password: registry.password } });
  }, 120_000);

  afterAll(async () => {
    if (savedCredentials === undefined) delete process.env[CREDENTIALS_ENV];
    else process.env[CREDENTIALS_ENV] = savedCredentials;
    await registry?.stop();
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('reports exactly the expected findings, then pin --write pins only what resolves, and a second pin changes nothing', async () => {
    const root = await repository();
    const before = await readAll(root);
    const first = await cli(['scan', root, '--format', 'json', '--insecure-registry', registry.host], root);
    const report = JSON.parse(first.stdout) as ScanResult;
    expect(report.errors).toEqual([]);
    expect(keys(report.findings)).toEqual(
      [
        // compose: web and worker share one reference; each occurrence is reported.
        'unpinned docker-compose.yml:5',
        'unpinned docker-compose.yml:9',
        'unpinned docker-compose.yml:21',
        // A missing image gets no pinning finding: there is nothing to pin (one finding per cause).
        'image-not-found docker-compose.yml:12',
        'image-not-found docker-compose.yml:14',
        'digest-mismatch docker-compose.yml:16',
        // Kubernetes
        'digest-not-found deploy/web.yaml:20',
        'unpinned deploy/web.yaml:23',
        'registry-unreachable deploy/web.yaml:29',
        'unpinned deploy/web.yaml:29',
        // Dockerfile: `FROM build` and the arm64 pin of the multi-platform index have no finding.
        'unpinned Dockerfile:2',
        'unpinned Dockerfile:7',
      ].sort(),
    );

    expect(first.code, first.stderr).toBe(1);

    const at = (rule: string, file: string, line: number) => report.findings.find((f) => f.rule === rule && f.file === file && f.line === line)!;
    const webRaw = `${registry.host}/team/web:1.0`;
    expect(at('unpinned', 'docker-compose.yml', 5)).toMatchObject({ severity: 'warning', raw: webRaw, suggestion: `${webRaw}@${web.digest}` });
    expect(at('unpinned', 'docker-compose.yml', 5).message).toContain(web.digest);
    expect(at('unpinned', 'Dockerfile', 2)).toMatchObject({ suggestion: `${registry.host}/team/base:3.19@${base.digest}` });
    // Nothing to pin to when the registry did not give a digest.
    expect(at('unpinned', 'deploy/web.yaml', 29).suggestion).toBeUndefined();

    expect(at('image-not-found', 'docker-compose.yml', 12).message).toMatch(/repository .*team\/no-such-repo does not exist/);
    expect(at('image-not-found', 'docker-compose.yml', 14).message).toMatch(/tag/);
    expect(at('image-not-found', 'docker-compose.yml', 14).message).toContain('9.9');
    expect(at('digest-not-found', 'deploy/web.yaml', 20).message).toContain(MISSING_DIGEST);
    const mismatch = at('digest-mismatch', 'docker-compose.yml', 16);
    expect(mismatch.message).toContain(movedFrom.digest);
    expect(mismatch.message).toContain(movedTo.digest);
    const down = at('registry-unreachable', 'deploy/web.yaml', 29);
    expect(down.message).toContain(unreachable);

    // The platform pin is valid: resolved, the pinned digest exists and is the index's arm64 manifest.
    const sidecar = report.occurrences.find((o) => o.file === 'deploy/web.yaml' && o.line === 27) as ResolvedOccurrence;
    expect(sidecar.resolution).toMatchObject({ status: 'ok', pinnedDigestExists: true, tagDigest: multi.digest, pinnedDigestPlatform: 'linux/arm64/v8' });
    expect(report.notes?.join('\n')).toContain(`Not verified (registry could not be asked): 1 image: ${unreachable}/team/exporter:1.0`);

    // pin --write: every resolvable tag-only image is pinned; the rest is said and left alone.
    const pin = await cli(['pin', root, '--write', '--insecure-registry', registry.host], root);
    expect(pin.code, pin.stderr).toBe(0);
    expect(pin.stdout).toContain('docker-compose.yml: 3 pinned');
    expect(pin.stderr).toContain('team/no-such-repo:1.0');
    expect(pin.stderr).toContain(`${unreachable}/team/exporter:1.0`);
    const after = await readAll(root);
    const expected = { ...before };
    for (const finding of report.findings.filter((f) => f.rule === 'unpinned' && f.suggestion)) {
      expected[finding.file] = replaceAt(expected[finding.file]!, finding.line, finding.column, finding.raw, finding.suggestion!);
    }
    expect(after).toEqual(expected);
    expect(after['docker-compose.yml']).toContain(`    image: "${webRaw}@${web.digest}"\n`);

    const second = await cli(['scan', root, '--format', 'json', '--insecure-registry', registry.host], root);
    const rescan = JSON.parse(second.stdout) as ScanResult;
    expect(keys(rescan.findings)).toEqual(
      [
        'image-not-found docker-compose.yml:12',
        'image-not-found docker-compose.yml:14',
        'digest-mismatch docker-compose.yml:16',
        'digest-not-found deploy/web.yaml:20',
        'registry-unreachable deploy/web.yaml:29',
        'unpinned deploy/web.yaml:29',
      ].sort(),
    );

    const again = await cli(['pin', root, '--write', '--insecure-registry', registry.host], root);
    expect(again.code).toBe(0);
    // What is left (unreachable, missing, stale) is listed on stderr, and the summary line counts it.
    const notPinned = again.stderr.split('\n').filter((line) => line.startsWith('not pinned: ')).length;
    expect(notPinned).toBeGreaterThan(0);
    expect(again.stdout).toBe(`Nothing to pin; ${notPinned} references could not be pinned (listed with the reason).\n`);
    expect(await readAll(root)).toEqual(after);
  }, 120_000);

  it('pin --update-stale moves a stale pin to the tag\'s digest and leaves a platform pin alone', async () => {
    const root = await repository();
    const before = await readAll(root);
    const pin = await cli(['pin', root, '--write', '--update-stale', '--insecure-registry', registry.host], root);
    expect(pin.code, pin.stderr).toBe(0);
    const after = await readAll(root);
    expect(after['docker-compose.yml']).toContain(`image: ${registry.host}/team/moving:1.0@${movedTo.digest}\n`);
    expect(after['docker-compose.yml']).not.toContain(movedFrom.digest);
    // The arm64 pin differs from the tag's index digest but is one of its platforms: still valid.
    expect(after['deploy/web.yaml']).toContain(`image: ${registry.host}/team/multi:2.0@${armDigest}\n`);
    expect(after['Dockerfile']).toContain(`${registry.host}/team/multi:2.0@${armDigest}\n`);
    expect(after['.github/verify-images.yml']).toBe(before['.github/verify-images.yml']);

    const rescan = JSON.parse((await cli(['scan', root, '--format', 'json', '--insecure-registry', registry.host], root)).stdout) as ScanResult;
    expect(rescan.findings.filter((f) => f.rule === 'digest-mismatch' || (f.rule === 'unpinned' && f.suggestion))).toEqual([]);
  }, 60_000);

  it('without credentials, claims nothing missing: every image is unverified and says why', async () => {
    const root = await repository();
    process.env[CREDENTIALS_ENV] = JSON.stringify({});
    try {
      const { stdout } = await cli(['scan', root, '--format', 'json', '--insecure-registry', registry.host], root);
      const report = JSON.parse(stdout) as ScanResult;
      // A registry that refuses us proves nothing missing or moved.
      expect(report.findings.filter((f) => ['image-not-found', 'digest-not-found', 'digest-mismatch'].includes(f.rule))).toEqual([]);
      const asked = report.occurrences.filter((o) => o.reference && !o.local).map((o) => `${o.file}:${o.line}`);
      expect(asked).toHaveLength(13);
      const unreachableFindings = report.findings.filter((f) => f.rule === 'registry-unreachable');
      expect(unreachableFindings.map((f) => `${f.file}:${f.line}`).sort()).toEqual(asked.sort());
      for (const finding of unreachableFindings) {
        if (finding.file === 'deploy/web.yaml' && finding.line === 29) expect(finding.errorCode).toBe('network');
        else {
          expect(finding.errorCode, finding.message).toBe('unauthorized');
          expect(finding.message).toContain('needs credentials');
        }
      }
      expect(report.notes?.[0]).toMatch(/^Not verified \(registry could not be asked\): 8 images: /);
    } finally {
      process.env[CREDENTIALS_ENV] = JSON.stringify({ [registry.host]: { username: registry.username, password: registry.password } });
    }
  }, 60_000);

  it('pins files saved with Windows line endings byte for byte', async () => {
    const root = await repository();
    for (const file of ['docker-compose.yml', 'Dockerfile']) {
      const text = await readFile(join(root, file), 'utf8');
      await writeFile(join(root, file), text.replace(/\n/g, '\r\n'));
    }
    const before = await readAll(root);
    const report = JSON.parse((await cli(['scan', root, '--format', 'json', '--insecure-registry', registry.host], root)).stdout) as ScanResult;
    const unpinned = report.findings.filter((f) => f.rule === 'unpinned' && f.suggestion);
    expect(unpinned.map((f) => `${f.file}:${f.line}`).sort()).toEqual(['Dockerfile:2', 'Dockerfile:7', 'deploy/web.yaml:23', 'docker-compose.yml:21', 'docker-compose.yml:5', 'docker-compose.yml:9']);
    const pin = await cli(['pin', root, '--write', '--insecure-registry', registry.host], root);
    expect(pin.code, pin.stderr).toBe(0);
    const expected = { ...before };
    for (const finding of unpinned) expected[finding.file] = replaceAt(expected[finding.file]!, finding.line, finding.column, finding.raw, finding.suggestion!);
    const after = await readAll(root);
    expect(after).toEqual(expected);
    expect(after['docker-compose.yml']!.split('\r\n').length).toBe(before['docker-compose.yml']!.split('\r\n').length);
  }, 60_000);

  it('reports the same findings in the text and SARIF formats', async () => {
    const root = await repository();
    const args = ['--insecure-registry', registry.host];
    const json = JSON.parse((await cli(['scan', root, '--format', 'json', ...args], root)).stdout) as ScanResult;
    const expected = json.findings.map((f) => `${f.rule} ${f.file}:${f.line}:${f.column}`).sort();
    expect(expected.length).toBeGreaterThan(0);

    const text = await cli(['scan', root, ...args], root);
    expect(text.code).toBe(1);
    const textFindings = [...text.stdout.matchAll(/^ {2}(?:error|warning|note) +(\S+) +\[([a-z-]+)\]$/gm)].map((m) => `${m[2]} ${m[1]}`).sort();
    // The text report tells registry problems once per registry, not once per image.
    expect(textFindings).toEqual(expected.filter((finding) => !finding.startsWith('registry-unreachable ')));
    const unreachable = expected.filter((finding) => finding.startsWith('registry-unreachable ')).length;
    expect(text.stdout).toContain(`${unreachable} image reference${unreachable === 1 ? '' : 's'} not verified [registry-unreachable]: see Registries below`);

    const sarif = JSON.parse((await cli(['scan', root, '--format', 'sarif', ...args], root)).stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }>;
    };
    const sarifFindings = sarif.runs[0]!.results.map((r) => {
      const location = r.locations[0]!.physicalLocation;
      return `${r.ruleId} ${location.artifactLocation.uri}:${location.region.startLine}:${location.region.startColumn}`;
    });
    expect(sarifFindings.sort()).toEqual(expected);
  }, 60_000);

  it('asks the registry once per unique tag and digest, however many files name them', async () => {
    const root = await repository();
    const policy = await loadPolicy(root);
    policy.insecureRegistries.push(registry.host);
    const client = createRegistryClient({ policy, env: process.env });
    const result = await scan({ root, policy, offline: false, registryClient: client });
    // web:1.0 alone is named five times in three files.
    expect(result.occurrences.filter((o) => o.reference === `${registry.host}/team/web:1.0`)).toHaveLength(5);

    const log = client.requestLog().filter((r) => r.host === registry.host);
    const manifestRequests = log.filter((r) => r.purpose === 'api' && r.path.includes('/manifests/')).map((r) => `${r.method} ${r.path}`);
    expect(manifestRequests.sort()).toEqual(
      [
        // One HEAD per tag, one GET per pinned digest (its bytes are hashed to prove it).
        'HEAD /v2/team/web/manifests/1.0',
        'HEAD /v2/team/web/manifests/9.9',
        'HEAD /v2/team/no-such-repo/manifests/1.0',
        'HEAD /v2/team/base/manifests/3.19',
        'HEAD /v2/team/moving/manifests/1.0',
        `GET /v2/team/moving/manifests/${movedFrom.digest}`,
        `GET /v2/team/web/manifests/${MISSING_DIGEST}`,
        'HEAD /v2/team/multi/manifests/2.0',
        `GET /v2/team/multi/manifests/${armDigest}`,
        // The tag points to an index that is not the pin: read once to find the pin's platform.
        `GET /v2/team/multi/manifests/${multi.digest}`,
      ].sort(),
    );
    // The only other API requests: a tag list per repository with a 404, once (team/web has two),
    // because this registry says only "manifest unknown" whether the repository or the tag is missing.
    expect(
      log
        .filter((r) => r.purpose === 'api' && !r.path.includes('/manifests/'))
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(['GET /v2/team/no-such-repo/tags/list', 'GET /v2/team/web/tags/list']);
    // Authentication: Basic auth after one challenge, no token round trips.
    expect(log.filter((r) => r.purpose === 'ping')).toHaveLength(1);
    expect(log.filter((r) => r.purpose === 'token')).toHaveLength(0);
    expect(log.filter((r) => !['api', 'ping'].includes(r.purpose))).toEqual([]);
  }, 60_000);
});
