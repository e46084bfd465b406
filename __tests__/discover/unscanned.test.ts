/**
 * Issue 12.1, nothing hidden: every way a candidate file can fail to be read is a `file-not-scanned`
 * entry, what can be decoded is decoded with exact positions, and non-image files stay quiet.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverRepository, MAX_FILE_BYTES, MAX_MANIFEST_BYTES } from '../../src/discover/index.js';
import { decodeText } from '../../src/discover/decode.js';
import { defaultPolicy } from '../../src/config/load.js';
import { scan } from '../../src/engine.js';

let root: string;

async function put(relativePath: string, content: string | Buffer): Promise<void> {
  const target = path.join(root, relativePath);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
}

/** A path from raw bytes (names that are not UTF-8), its directories created. */
async function putBytes(segments: Buffer[], content: string | Buffer): Promise<void> {
  let current = Buffer.from(root);
  for (const [index, segment] of segments.entries()) {
    current = Buffer.concat([current, Buffer.from('/'), segment]);
    if (index < segments.length - 1) await mkdir(current, { recursive: true });
  }
  await writeFile(current, content);
}

const COMPOSE = 'services:\n  web:\n    image: ngnix:1.27\n';

function utf16(text: string, bigEndian = false, bom = true): Buffer {
  const little = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
  return bigEndian ? little.swap16() : little;
}

function utf32(text: string, bigEndian = false): Buffer {
  const codePoints = Array.from('\ufeff' + text, (char) => char.codePointAt(0)!);
  const out = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((codePoint, index) => (bigEndian ? out.writeUInt32BE(codePoint, index * 4) : out.writeUInt32LE(codePoint, index * 4)));
  return out;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-unscanned-'));
});
afterEach(async () => {
  await chmod(root, 0o700).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('files that cannot be read are reported, never skipped silently', () => {
  it('a Dockerfile holding a NUL byte', async () => {
    await put('Dockerfile', 'FROM ngnix:1.27\n\u0000\n');
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'Dockerfile', reason: expect.stringMatching(/^holds NUL bytes/) }]);
  });

  it('a compose file over the size limit', async () => {
    await put('docker-compose.yml', COMPOSE + '#'.repeat(MAX_MANIFEST_BYTES));
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'docker-compose.yml', reason: expect.stringMatching(/over the 8388608-byte limit$/) }]);
  });

  it('a Dockerfile over the 2 MiB limit of files other than YAML and JSON', async () => {
    await put('Dockerfile', 'FROM alpine:3.19\n' + '#'.repeat(MAX_FILE_BYTES));
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'Dockerfile', reason: expect.stringMatching(/over the 2097152-byte limit$/) }]);
  });

  it('a manifest over the size limit (its kind known from content, read in chunks)', async () => {
    await put('deploy/big.yaml', '#'.repeat(MAX_MANIFEST_BYTES) + '\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ngnix\n');
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned.map((entry) => entry.file)).toEqual(['deploy/big.yaml']);
  });

  it('YAML nested past the parser depth', async () => {
    await put('compose.yaml', `services:\n  web:\n    image: ngnix\n    labels: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'compose.yaml', reason: expect.stringMatching(/^compose: /) }]);
  });

  it.skipIf(process.getuid?.() === 0)('a file the runner cannot read (mode 000)', async () => {
    await put('Dockerfile', 'FROM ngnix\n');
    await chmod(path.join(root, 'Dockerfile'), 0o000);
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'Dockerfile', reason: expect.stringMatching(/EACCES/) }]);
  });

  it.skipIf(process.getuid?.() === 0)('a directory the runner cannot list', async () => {
    await put('secret/Dockerfile', 'FROM ngnix\n');
    await chmod(path.join(root, 'secret'), 0o000);
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'secret', reason: expect.stringMatching(/directory could not be read \(EACCES\)/) }]);
  });

  it('the file past a file-count limit, when one is set', async () => {
    for (let index = 0; index < 4; index++) await put(`s${index}/Dockerfile`, 'FROM alpine\n');
    const discovery = await discoverRepository(root, { maxFiles: 3 });
    expect(discovery.unscanned).toEqual([expect.objectContaining({ reason: expect.stringMatching(/file limit of 3 reached/) })]);
  });

  // A reader may multiply what a file writes (a GitLab matrix of 200 legs per job here; a playbook's
  // loops made 1.4 million images from 421 KB and crashed the report): the images kept from one file
  // are bounded (100,000 by default), and the file says the rest were not checked.
  it('the images past the bound on one file', async () => {
    const legs = Array.from({ length: 200 }, (_, index) => index).join(', ');
    const jobs = Array.from({ length: 6 }, (_, index) => `job${index}:\n  image: "alpine:3.$X"\n  parallel: *m\n  script: [echo]\n`).join('');
    await put('.gitlab-ci.yml', `.m: &m\n  matrix:\n    - X: [${legs}]\n${jobs}`);
    expect((await discoverRepository(root)).occurrences).toHaveLength(1_200);
    const discovery = await discoverRepository(root, { maxOccurrencesPerFile: 1_000 });
    expect(discovery.occurrences).toHaveLength(1_000);
    expect(discovery.unscanned).toEqual([{ file: '.gitlab-ci.yml', reason: 'it names more than 1,000 images: the others were not checked' }]);
  });

  it('a discoverer problem on one line is reported at that line', async () => {
    await put('Dockerfile', 'ARG A=1\nARG =x\nFROM alpine\n');
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'Dockerfile', line: 2, reason: 'dockerfile: line 2: ARG names can not be blank' }]);
  });
});

describe('Jinja templates of compose files and manifests are candidates, and what of them is not read is reported', () => {
  const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ngnix:{{ tag }}\n';
  const UNPARSED = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: busybox:1.36\n      command: [{% if x %}"a"{% else %}"b"{% endif %}]\n';

  it('found by the walk under any role, images read at their positions', async () => {
    await put('roles/app/templates/docker-compose.yml.j2', 'services:\n{% if web %}\n  web:\n    image: ngnix:1.27\n{% endif %}\n');
    await put('roles/app/templates/deployment.yaml.jinja', DEPLOYMENT);
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.occurrences.map((o) => [o.file, `${o.line}:${o.column}`, o.kind, o.raw, o.reference ?? o.problem?.kind])).toEqual([
      ['roles/app/templates/deployment.yaml.jinja', '8:18', 'kubernetes', 'ngnix:{{ tag }}', 'unresolved'],
      ['roles/app/templates/docker-compose.yml.j2', '4:12', 'compose', 'ngnix:1.27', 'docker.io/library/ngnix:1.27'],
    ]);
  });

  it('a document that is YAML only once rendered is a file-not-scanned warning, its image lines read', async () => {
    await put('roles/app/templates/pod.yml.j2', UNPARSED);
    const result = await scan({ root, policy: defaultPolicy(), offline: true });
    expect(result.occurrences.map((o) => [o.file, `${o.line}:${o.column}`, o.reference])).toEqual([['roles/app/templates/pod.yml.j2', '6:14', 'docker.io/library/busybox:1.36']]);
    const notScanned = result.findings.filter((finding) => finding.rule === 'file-not-scanned');
    expect(notScanned.map((finding) => [finding.file, finding.line, finding.severity])).toEqual([['roles/app/templates/pod.yml.j2', 1, 'warning']]);
    expect(notScanned[0]!.message).toContain('its one `image:` line was read line by line, nothing else in it');
  });

  it('a document that does not parse in a plain manifest stays a file-not-scanned error', async () => {
    await put('deploy/pod.yml', UNPARSED.replace('[{% if x %}"a"{% else %}"b"{% endif %}]', '["a" "b"]'));
    const result = await scan({ root, policy: defaultPolicy(), offline: true });
    expect(result.findings.filter((finding) => finding.rule === 'file-not-scanned').map((finding) => [finding.file, finding.severity])).toEqual([['deploy/pod.yml', 'error']]);
  });
});

describe('what can be decoded is decoded, positions exact', () => {
  const cases: Array<[string, Buffer]> = [
    ['UTF-16LE with BOM', utf16(COMPOSE)],
    ['UTF-16BE with BOM', utf16(COMPOSE, true)],
    ['UTF-32LE with BOM', utf32(COMPOSE)],
    ['UTF-32BE with BOM', utf32(COMPOSE, true)],
    ['UTF-16LE without BOM (YAML 1.2 detection)', utf16(COMPOSE, false, false)],
    ['CR-only line ends', Buffer.from(COMPOSE.replaceAll('\n', '\r'))],
    ['mixed line ends', Buffer.from('services:\r\n  web:\r    image: ngnix:1.27\n')],
  ];
  for (const [name, bytes] of cases) {
    it(name, async () => {
      await put('docker-compose.yml', bytes);
      const discovery = await discoverRepository(root);
      expect(discovery.unscanned).toEqual([]);
      expect(discovery.occurrences).toEqual([expect.objectContaining({ raw: 'ngnix:1.27', line: 3, column: 12 })]);
    });
  }

  it('a directory whose name holds a newline', async () => {
    await put('evil\ndir/Dockerfile', 'FROM ngnix:1.27\n');
    const discovery = await discoverRepository(root);
    expect(discovery.occurrences).toEqual([expect.objectContaining({ file: 'evil\ndir/Dockerfile', raw: 'ngnix:1.27' })]);
  });

  it('names that are not UTF-8 are read through their bytes and shown escaped', async () => {
    await putBytes([Buffer.from([0x64, 0xff]), Buffer.from('Dockerfile')], 'FROM ngnix:1.27\n');
    await putBytes([Buffer.from([0x64, 0xff]), Buffer.from('compose.yaml')], 'services:\n  web:\n    image: ${IMAGE}\n');
    await putBytes([Buffer.from([0x64, 0xff]), Buffer.from('.env')], 'IMAGE=redis:7\n');
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.occurrences).toEqual([
      // The .env beside the compose file is read through the same bytes.
      expect.objectContaining({ file: 'd\\xff/Dockerfile', raw: 'ngnix:1.27' }),
      expect.objectContaining({ file: 'd\\xff/compose.yaml', resolved: 'redis:7' }),
    ]);
  });

  it('invalid UTF-8 elsewhere in a file does not hide its images', async () => {
    await put('Dockerfile', Buffer.concat([Buffer.from('# \xff\xfe caf'), Buffer.from([0xc3]), Buffer.from('\nFROM ngnix:1.27\n')]));
    const discovery = await discoverRepository(root);
    expect(discovery.occurrences).toEqual([expect.objectContaining({ raw: 'ngnix:1.27', line: 2, column: 6 })]);
  });

  it('decodeText: a BOM that lies is a problem, a BOM-less guess that fails falls back to UTF-8', () => {
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x61]))).toEqual({ problem: expect.stringMatching(/not valid UTF-16LE/) });
    expect(decodeText(Buffer.from([0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00]))).toEqual({ problem: expect.stringMatching(/NUL/) });
    expect(decodeText(Buffer.from('\ufeffa\rb'))).toEqual({ text: 'a\nb', encoding: 'utf-8', bomBytes: 3 });
  });
});

describe('files no discoverer reads stay quiet (precision)', () => {
  it('binary and oversized files that are not of an image-bearing kind', async () => {
    await put('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
    await put('disk.image', Buffer.from([0x00, 0x01, 0x02, 0x00])); // a Quadlet name, but no [Image] section
    await put('data.json', Buffer.from('{"a": "\u0000"}'));
    await put('package-lock.json', '{"lockfileVersion": 3, "x": "' + 'a'.repeat(MAX_MANIFEST_BYTES) + '"}');
    await put('huge.yaml', 'items:\n' + '  - x\n'.repeat(MAX_MANIFEST_BYTES / 5));
    await put('node_modules/pkg/Dockerfile', Buffer.from([0x00]));
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.errors).toEqual([]);
  });
});

describe('the walk reads every file a discoverer would match', () => {
  it('each fixture file a discoverer matches, by name or content, is a candidate by its path alone (kinds known by content define `candidate`)', async () => {
    const { DISCOVERERS, isCandidatePath } = await import('../../src/discover/index.js');
    const { walkRepositorySync } = await import('../../src/discover/walk.js');
    const { readFileSync } = await import('node:fs');
    const fixtures = path.resolve(__dirname, '../fixtures');
    let matched = 0;
    for (const fixture of walkRepositorySync(fixtures).files) {
      const text = readFileSync(path.join(fixtures, fixture), 'utf8');
      // Each suffix of the path, as the file would be named in a repository rooted above it.
      const parts = fixture.split('/');
      for (const file of parts.map((_, index) => parts.slice(index).join('/'))) {
        for (const discoverer of DISCOVERERS) {
          if (!discoverer.matches(file, text) && !discoverer.matchesContent?.(file, text)) continue;
          matched++;
          expect(isCandidatePath([discoverer], file), `${discoverer.kind} ${file}`).toBe(true);
        }
      }
    }
    expect(matched).toBeGreaterThan(100);
  });
});

describe('a directory listing cut short is reported', () => {
  it('past the listing bound, the directory a discoverer listed is not scanned', async () => {
    const { MAX_LISTED_FILES } = await import('../../src/discover/walk.js');
    for (let index = 0; index <= MAX_LISTED_FILES; index++) await put(`chart/templates/t${index}.tpl`, '');
    await put('chart/trigger.listing', '');
    const listing = {
      kind: 'helm' as const,
      matches: (file: string) => file.endsWith('.listing'),
      async extract(_file: unknown, context: { listFiles?: (dir: string) => Promise<string[]> }) {
        await context.listFiles?.('chart/templates');
        return { occurrences: [] };
      },
    };
    const discovery = await discoverRepository(root, { discoverers: [listing] });
    expect(discovery.unscanned).toEqual([{ file: 'chart/templates', reason: `holds ${MAX_LISTED_FILES} files or more; only ${MAX_LISTED_FILES} were listed for a discoverer (limit)` }]);
  });
});

describe('large bundles of CustomResourceDefinitions', () => {
  it('are listed as not parsed, not reported as findings: they hold schemas, never images', async () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.example.com\nspec:\n  versions:\n    - schema:\n        openAPIV3Schema:\n          properties:\n            image:\n              type: string\n';
    await put('crds/bundle.yaml', `${crd}---\n`.repeat(Math.ceil(MAX_MANIFEST_BYTES / crd.length) + 10));
    await put('deploy/big.yaml', `${crd}---\n`.repeat(Math.ceil(MAX_MANIFEST_BYTES / crd.length) + 10) + 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ngnix\n');
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned.map((entry) => entry.file)).toEqual(['deploy/big.yaml']);
    expect(discovery.errors).toEqual([{ file: 'crds/bundle.yaml', message: expect.stringMatching(/holds only CustomResourceDefinitions/) }]);
  });

  it('a bundle written with CRLF line ends, a byte-order mark and quoted kinds is one too', async () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\r\nkind: "CustomResourceDefinition"\r\nmetadata:\r\n  name: x.example.com\r\nspec:\r\n  group: example.com\r\n';
    await put('crds/bundle.yaml', '\ufeff' + `${crd}---\r\n`.repeat(Math.ceil(MAX_MANIFEST_BYTES / crd.length) + 10));
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.errors).toEqual([{ file: 'crds/bundle.yaml', message: expect.stringMatching(/holds only CustomResourceDefinitions/) }]);
  });

  // Crafted by the offline audit: each file was listed as holding only CRDs and exited 0 with its image unread.
  it.each([
    ['a compose file with a kind: CustomResourceDefinition line', 'compose/docker-compose.yml', 'kind: CustomResourceDefinition\nservices:\n  web:\n    image: evil/crd-compose:1\n'],
    ['a Deployment whose kind is a quoted key', 'deploy/all.yaml', 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n---\napiVersion: apps/v1\n"kind": Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - image: evil/crd-quoted:1\n'],
    ['Helm values with a kind: CustomResourceDefinition line', 'chart/values.yaml', 'kind: CustomResourceDefinition\nimage:\n  repository: evil/crd-values\n  tag: "1"\n'],
    ['a compose v1 service called spec', 'docker-compose.yml', 'kind: CustomResourceDefinition\nspec:\n  image: evil/crd-v1:1\n'],
    ['a JSON document after a definition', 'deploy/mixed.yaml', 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n---\n{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"image": "evil/crd-json:1"}]}}\n'],
    ['a document without a kind', 'deploy/nokind.yaml', 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n---\napiVersion: v1\nspec:\n  containers:\n  - image: evil/crd-nokind:1\n'],
  ])('a file over the bound is not taken for a bundle of CRDs: %s', async (_name, file, head) => {
    if (file.startsWith('chart/')) await put('chart/Chart.yaml', 'apiVersion: v2\nname: chart\nversion: 1.0.0\n');
    await put(file, head + `# ${'x'.repeat(100)}\n`.repeat(Math.ceil(MAX_MANIFEST_BYTES / 100) + 10));
    const discovery = await discoverRepository(root);
    expect(discovery.errors).toEqual([]);
    expect(discovery.unscanned).toEqual([{ file, reason: expect.stringMatching(/over the 8388608-byte limit$/) }]);
  });

  it("an operator's install bundle of a few MiB (CRDs, then the operator's Deployment) is read whole", async () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.example.com\nspec:\n  versions:\n    - schema:\n        openAPIV3Schema:\n          properties:\n            image:\n              type: string\n';
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: operator\nspec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          image: quay.io/jaegertracing/jaeger-operator:1.60.0\n';
    await put('deploy/install.yaml', `${crd}---\n`.repeat(Math.ceil((3 * 1024 * 1024) / crd.length)) + deployment);
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.occurrences.map((o) => [o.file, o.reference])).toEqual([['deploy/install.yaml', 'quay.io/jaegertracing/jaeger-operator:1.60.0']]);
  });
});
