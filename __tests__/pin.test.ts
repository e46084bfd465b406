import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeOccurrence } from '../src/discover/occurrence.js';
import { LineIndex } from '../src/discover/position.js';
import { discoverRepository } from '../src/discover/index.js';
import type { ResolvedOccurrence } from '../src/model.js';
import { applyPins, planPins, planPinsDetailed } from '../src/pin.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pin');
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const TAG_DIGESTS: Record<string, string> = {
  'docker.io/library/nginx:1.25': digest(0xa1),
  'docker.io/library/redis:7': digest(0xa2),
  'docker.io/library/postgres:16@sha256:0000000000000000000000000000000000000000000000000000000000000001': digest(0xa3),
  'gcr.io/distroless/static-debian12:nonroot': digest(0xa4),
  'ghcr.io/acme/app:2.1': digest(0xa5),
  'docker.io/acme/tools:dev': digest(0xa6),
  'docker.io/library/golang:1.22': digest(0xa7),
  'docker.io/docker/dockerfile:1': digest(0xa8),
};

/**
 * The occurrences the real discovery finds in the fixture, each resolved as the registry would
 * answer (its tag's current digest from TAG_DIGESTS, whether or not it is already pinned).
 */
async function discover(root: string): Promise<{ occurrences: ResolvedOccurrence[]; sources: Map<string, string> }> {
  const discovery = await discoverRepository(root);
  const occurrences = discovery.occurrences.map((found): ResolvedOccurrence => {
    const occurrence: ResolvedOccurrence = { ...found };
    const tagOnly = occurrence.reference?.replace(/@sha256:[a-f0-9]{64}$/, '') ?? '';
    const tagDigest = TAG_DIGESTS[occurrence.reference ?? ''] ?? TAG_DIGESTS[tagOnly];
    if (tagDigest) occurrence.resolution = { status: 'ok', tagDigest };
    return occurrence;
  });
  return { occurrences, sources: discovery.sources };
}

let work = '';
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  work = '';
});

async function copyFixture(): Promise<string> {
  work = await mkdtemp(join(tmpdir(), 'pin-'));
  await cp(fixtureDir, work, { recursive: true });
  return work;
}

describe('planPins', () => {
  it('pins literal tags keeping the tag, and says why others are skipped', async () => {
    const { occurrences, sources } = await discover(fixtureDir);
    const plan = planPinsDetailed(occurrences, sources);
    expect(plan.edits).toEqual([
      { file: 'Dockerfile', line: 1, column: 10, oldText: 'docker/dockerfile:1', newText: `docker/dockerfile:1@${digest(0xa8)}` },
      { file: 'Dockerfile', line: 8, column: 6, oldText: 'gcr.io/distroless/static-debian12:nonroot', newText: `gcr.io/distroless/static-debian12:nonroot@${digest(0xa4)}` },
      { file: 'docker-compose.yml', line: 3, column: 13, oldText: 'nginx:1.25', newText: `nginx:1.25@${digest(0xa1)}` },
      { file: 'docker-compose.yml', line: 5, column: 13, oldText: 'redis:7', newText: `redis:7@${digest(0xa2)}` },
      { file: 'pod.yaml', line: 8, column: 14, oldText: 'ghcr.io/acme/app:2.1', newText: `ghcr.io/acme/app:2.1@${digest(0xa5)}` },
    ]);
    // In the order discovery reports them (file paths in code-unit order: Dockerfile before docker-compose.yml).
    expect(plan.skipped.map((s) => [s.occurrence.raw, s.reason.split(';')[0]])).toEqual([
      ['golang:${GO_VERSION}', 'written with variables or templates'],
      ['postgres:16@sha256:0000000000000000000000000000000000000000000000000000000000000001', "pinned digest differs from the tag's current " + digest(0xa3)],
    ]);
    // The reason is printed by `pin`: it names the flag a user can pass, not the API option.
    expect(plan.skipped[1].reason).toMatch(/--update-stale$/);
  });

  it('says which field to add for an image assembled from separate fields (Helm values, Kustomize)', () => {
    const text = 'image:\n  registry: ghcr.io\n  repository: acme/app\n  tag: "2.1"\n';
    const occurrence: ResolvedOccurrence = makeOccurrence({
      file: 'values.yaml',
      kind: 'helm',
      lines: new LineIndex(text),
      offset: text.indexOf('acme/app'),
      raw: 'acme/app',
      value: 'ghcr.io/acme/app:2.1',
    });
    occurrence.resolution = { status: 'ok', tagDigest: digest(0xa5) };
    const plan = planPinsDetailed([occurrence], new Map([['values.yaml', text]]));
    expect(plan.edits).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([`assembled from separate fields (ghcr.io/acme/app:2.1); to pin it, add digest: ${digest(0xa5)} beside them`]);

    // Once the block has its digest: field, nothing is left to say.
    const pinnedText = `${text}  digest: ${digest(0xa5)}\n`;
    const pinned: ResolvedOccurrence = makeOccurrence({
      file: 'values.yaml',
      kind: 'helm',
      lines: new LineIndex(pinnedText),
      offset: pinnedText.indexOf('acme/app'),
      raw: 'acme/app',
      value: `ghcr.io/acme/app:2.1@${digest(0xa5)}`,
    });
    pinned.resolution = { status: 'ok', tagDigest: digest(0xa5), pinnedDigestExists: true };
    expect(planPinsDetailed([pinned], new Map([['values.yaml', pinnedText]]))).toEqual({ edits: [], skipped: [] });

    // A quoted Dockerfile image gets the digest inside its quotes; one written with escapes is named, not guessed at.
    const dockerfile = 'FROM "alpine:3.19"\nFROM alp\\\nine:3.19\n';
    const quoted: ResolvedOccurrence = makeOccurrence({ file: 'Dockerfile', kind: 'dockerfile', lines: new LineIndex(dockerfile), offset: 5, raw: '"alpine:3.19"', value: 'alpine:3.19' });
    quoted.resolution = { status: 'ok', tagDigest: digest(0xa6) };
    const escaped: ResolvedOccurrence = makeOccurrence({ file: 'Dockerfile', kind: 'dockerfile', lines: new LineIndex(dockerfile), offset: 24, raw: 'alp\\\nine:3.19', value: 'alpine:3.19' });
    escaped.resolution = { status: 'ok', tagDigest: digest(0xa6) };
    const quotedPlan = planPinsDetailed([quoted, escaped], new Map([['Dockerfile', dockerfile]]));
    expect(quotedPlan.edits.map((edit) => edit.newText)).toEqual([`"alpine:3.19@${digest(0xa6)}"`]);
    expect(quotedPlan.skipped[0]?.reason).toMatch(/^written differently from the image it names \(alpine:3\.19: quoting/);
  });

  it('makes one edit for several occurrences at one position (a matrix value read once per job)', async () => {
    const { occurrences, sources } = await discover(fixtureDir);
    const nginx = occurrences.find((occurrence) => occurrence.raw === 'nginx:1.25')!;
    const once = planPins(occurrences, sources);
    const twice = planPins([...occurrences, { ...nginx, resolution: { status: 'ok', tagDigest: digest(0xa1) } }], sources);
    expect(twice).toEqual(once);
    expect(twice.filter((edit) => edit.file === nginx.file && edit.line === nginx.line)).toHaveLength(1);
  });

  it('re-pins a stale digest only when asked', async () => {
    const { occurrences, sources } = await discover(fixtureDir);
    const edits = planPins(occurrences, sources, { updateStale: true });
    expect(edits.find((e) => e.oldText.startsWith('postgres'))?.newText).toBe(`postgres:16@${digest(0xa3)}`);
  });

  it('skips an occurrence whose file text no longer matches its position', async () => {
    const { occurrences, sources } = await discover(fixtureDir);
    sources.set('pod.yaml', (sources.get('pod.yaml') ?? '').replace('ghcr.io/acme/app:2.1', 'ghcr.io/acme/app:9.9'));
    const plan = planPinsDetailed(occurrences, sources);
    expect(plan.edits.some((e) => e.file === 'pod.yaml')).toBe(false);
    expect(plan.skipped.some((s) => s.reason.includes('file changed'))).toBe(true);
  });
});

describe('applyPins', () => {
  it('edits exactly the spans, preserving quotes, comments, CRLF and other lines', async () => {
    const root = await copyFixture();
    const { occurrences, sources } = await discover(root);
    const results = await applyPins(root, planPins(occurrences, sources));
    expect(results.map((r) => [r.file, r.applied, r.conflicts])).toEqual([
      ['Dockerfile', 2, 0],
      ['docker-compose.yml', 2, 0],
      ['pod.yaml', 1, 0],
    ]);
    const compose = await readFile(join(root, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`    image: "nginx:1.25@${digest(0xa1)}"   # front end\n`);
    expect(compose).toContain(`    image: 'redis:7@${digest(0xa2)}'\n`);
    // An extension field is not an image compose runs: left as written.
    expect(compose).toContain('x-mirrors: [nginx:1.25, redis:7]\n');
    expect(compose).toContain('    image: acme/tools:dev\n');
    const pod = await readFile(join(root, 'pod.yaml'), 'utf8');
    expect(pod).toBe(
      `apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: démo\r\nspec:\r\n  containers:\r\n    - name: app\r\n      image: ghcr.io/acme/app:2.1@${digest(0xa5)} # ☃ keep\r\n`,
    );
    const dockerfile = await readFile(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM golang:${GO_VERSION} AS build\n');
    expect(dockerfile).toContain(`# syntax=docker/dockerfile:1@${digest(0xa8)}\n`);
  });

  it('is idempotent: the same edits again change nothing, and a new plan is empty', async () => {
    const root = await copyFixture();
    const first = await discover(root);
    const edits = planPins(first.occurrences, first.sources);
    await applyPins(root, edits);
    const after = await readFile(join(root, 'docker-compose.yml'), 'utf8');
    const again = await applyPins(root, edits);
    expect(again.every((r) => r.applied === 0 && r.conflicts === 0)).toBe(true);
    expect(await readFile(join(root, 'docker-compose.yml'), 'utf8')).toBe(after);
    const second = await discover(root);
    expect(planPins(second.occurrences, second.sources)).toEqual([]);
  });

  it('refuses paths outside the root', async () => {
    const root = await copyFixture();
    const results = await applyPins(root, [{ file: '../outside.txt', line: 1, column: 1, oldText: 'a', newText: 'b' }]);
    expect(results).toEqual([{ file: '../outside.txt', applied: 0, unchanged: 0, conflicts: 1 }]);
  });
});
