import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import type { Discoverer } from '../../src/discover/types.js';
import { listFilesUnder, readTextFile, walkRepository } from '../../src/discover/walk.js';
import { LineIndex } from '../../src/discover/position.js';

let root: string;
let outside: string;

async function put(relativePath: string, text: string | Buffer): Promise<void> {
  const target = path.join(root, relativePath);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-walk-'));
  outside = await mkdtemp(path.join(os.tmpdir(), 'vi-outside-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('walkRepository', () => {
  it('skips VCS and vendored trees and sorts POSIX paths', async () => {
    await put('b/Dockerfile', 'FROM alpine\n');
    await put('a.yaml', 'x: 1\n');
    await put('.git/config', 'x');
    await put('node_modules/pkg/Dockerfile', 'FROM evil\n');
    await put('vendor/lib/compose.yaml', 'services: {}\n');
    await put('.github/workflows/ci.yml', 'on: push\n');
    const { files } = await walkRepository(root);
    expect(files).toEqual(['.github/workflows/ci.yml', 'a.yaml', 'b/Dockerfile']);
  });

  it('honours include and exclude globs', async () => {
    await put('deploy/web.yaml', '');
    await put('deploy/test/fixture.yaml', '');
    await put('docs/example.yaml', '');
    const { files } = await walkRepository(root, { include: ['deploy/**'], exclude: ['**/test/**'], maxFiles: 100 });
    expect(files).toEqual(['deploy/web.yaml']);
  });

  it('follows a symlink to a file inside the root but never one leading outside, nor directory links', async () => {
    await put('real/Dockerfile', 'FROM alpine\n');
    await writeFile(path.join(outside, 'Dockerfile'), 'FROM secret\n');
    await symlink(path.join(root, 'real/Dockerfile'), path.join(root, 'Dockerfile'));
    await symlink(path.join(outside, 'Dockerfile'), path.join(root, 'Outside.Dockerfile'));
    await symlink(outside, path.join(root, 'linked-dir'));
    await symlink(root, path.join(root, 'real/loop'));
    const { files } = await walkRepository(root);
    expect(files).toEqual(['Dockerfile', 'real/Dockerfile']);
  });

  it('stops at a file limit only when asked, and reports the rest as not scanned', async () => {
    for (let i = 0; i < 5; i++) await put(`f${i}.yaml`, '');
    const result = await walkRepository(root, { include: [], exclude: [], maxFiles: 3 });
    expect(result.files).toHaveLength(3);
    expect(result.problems[0]).toMatchObject({ message: expect.stringMatching(/file limit of 3 reached/), unscanned: true });
    expect((await walkRepository(root)).files).toHaveLength(5);
  });
});

describe('listFilesUnder', () => {
  it('lists a directory recursively, sorted, with the walk symlink rules', async () => {
    await put('chart/templates/deployment.yaml', '');
    await put('chart/templates/_helpers.tpl', '');
    await put('chart/templates/tests/test-connection.yaml', '');
    await put('chart/values.yaml', '');
    await writeFile(path.join(outside, 'secret.tpl'), 'x');
    await symlink(path.join(root, 'chart/values.yaml'), path.join(root, 'chart/templates/values-link.yaml'));
    await symlink(path.join(outside, 'secret.tpl'), path.join(root, 'chart/templates/outside.tpl'));
    await symlink(outside, path.join(root, 'chart/templates/linked-dir'));
    await symlink(path.join(root, 'chart'), path.join(root, 'chart/templates/loop'));
    const realRoot = await realpath(root);
    expect(await listFilesUnder(realRoot, 'chart/templates')).toEqual([
      'chart/templates/_helpers.tpl',
      'chart/templates/deployment.yaml',
      'chart/templates/tests/test-connection.yaml',
      'chart/templates/values-link.yaml',
    ]);
    expect(await listFilesUnder(realRoot, 'chart/templates/', 2)).toHaveLength(2);
  });

  it('lists nothing outside the root, for a missing directory or for a file', async () => {
    await put('chart/values.yaml', '');
    await writeFile(path.join(outside, 'secret.tpl'), 'x');
    await symlink(outside, path.join(root, 'escape'));
    const realRoot = await realpath(root);
    expect(await listFilesUnder(realRoot, '../' + path.basename(outside))).toEqual([]);
    expect(await listFilesUnder(realRoot, 'escape')).toEqual([]);
    expect(await listFilesUnder(realRoot, 'missing')).toEqual([]);
    expect(await listFilesUnder(realRoot, 'chart/values.yaml')).toEqual([]);
    // The root itself: the directory link is not followed.
    expect(await listFilesUnder(realRoot, '')).toEqual(['chart/values.yaml']);
  });

  it('is what discoverRepository gives discoverers as context.listFiles', async () => {
    await put('app/templates/a.yaml', '');
    await put('app/templates/sub/b.tpl', '');
    await put('app/trigger.listing', '');
    let listed: string[] | undefined;
    const listingDiscoverer: Discoverer = {
      kind: 'compose',
      matches: (file) => file.endsWith('.listing'),
      async extract(_file, context) {
        listed = await context.listFiles?.('app/templates');
        return { occurrences: [] };
      },
    };
    await discoverRepository(root, { discoverers: [listingDiscoverer] });
    expect(listed).toEqual(['app/templates/a.yaml', 'app/templates/sub/b.tpl']);
  });
});

describe('readTextFile', () => {
  it('refuses files over the limit and binary files, and drops a BOM', async () => {
    await put('big.yaml', 'x'.repeat(100));
    await put('bin.yaml', Buffer.from([0x61, 0x00, 0x62]));
    await put('bom.yaml', '\ufeffimage: nginx\n');
    expect((await readTextFile(path.join(root, 'big.yaml'), 50)).problem).toMatch(/over the 50-byte limit/);
    expect((await readTextFile(path.join(root, 'bin.yaml'), 50)).problem).toMatch(/^holds NUL bytes/);
    expect((await readTextFile(path.join(root, 'bom.yaml'), 50)).text).toBe('image: nginx\n');
  });
});

describe('readTextFile, one file after another', () => {
  it('gives each file its own text, whatever the sizes before it (the read buffer is shared and grows)', async () => {
    const sizes = [100, 70 * 1024, 10, 1536 * 1024, 3, 200 * 1024, 0, 64 * 1024 + 1];
    const texts = sizes.map((size, index) => String.fromCharCode(97 + index).repeat(size));
    for (const [index, text] of texts.entries()) await put(`f${index}.txt`, text);
    for (let round = 0; round < 2; round++) {
      for (const [index, text] of texts.entries()) expect((await readTextFile(path.join(root, `f${index}.txt`), 2 * 1024 * 1024)).text).toBe(text);
    }
  });
});

describe('LineIndex', () => {
  it('maps offsets to 1-based positions across LF, CRLF and CR line ends', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const lines = new LineIndex(text);
    expect(lines.positionAt(0)).toEqual({ line: 1, column: 1 });
    expect(lines.positionAt(text.indexOf('d'))).toEqual({ line: 2, column: 2 });
    expect(lines.positionAt(text.indexOf('e'))).toEqual({ line: 3, column: 1 });
    expect(lines.positionAt(text.indexOf('h'))).toEqual({ line: 4, column: 2 });
    expect(lines.offsetAt({ line: 4, column: 2 })).toBe(text.indexOf('h'));
  });
});

describe('discoverRepository', () => {
  /** A discoverer that finds `IMAGE <name>` lines, so this test exercises only the repository pass. */
  const lineDiscoverer: Discoverer = {
    kind: 'quadlet',
    matches: (file) => file.endsWith('.images'),
    extract: (file) => {
      if (file.text.includes('BROKEN')) throw new Error('unexpected token\nat line 3');
      return {
        occurrences: [...file.text.matchAll(/^IMAGE (\S+)$/gm)].map((match) => {
          const lines = new LineIndex(file.text);
          const offset = match.index! + 'IMAGE '.length;
          return { file: file.path, kind: 'quadlet' as const, raw: match[1], reference: match[1], ...lines.positionAt(offset) };
        }),
      };
    },
  };

  it('runs matching discoverers, records unparseable and oversized files as not scanned, and goes on', async () => {
    await put('a.images', 'IMAGE one\nIMAGE two\n');
    await put('b.images', 'BROKEN\n');
    await put('c.images', 'IMAGE ' + 'x'.repeat(3 * 1024 * 1024));
    await put('d.txt', 'IMAGE ignored\n');
    const discovery = await discoverRepository(root, { discoverers: [lineDiscoverer] });
    expect(discovery.occurrences.map((occurrence) => [occurrence.file, occurrence.line, occurrence.raw])).toEqual([
      ['a.images', 1, 'one'],
      ['a.images', 2, 'two'],
    ]);
    expect(discovery.errors).toEqual([]);
    expect(discovery.unscanned).toEqual([
      { file: 'b.images', reason: 'quadlet: could not be parsed: unexpected token' },
      { file: 'c.images', reason: expect.stringMatching(/over the 2097152-byte limit$/) },
    ]);
    // b.images is kept too: a comment in it may suppress its file-not-scanned finding.
    expect([...discovery.sources.keys()]).toEqual(['a.images', 'b.images']);
  });

  it('reads a file once: one a discoverer read through the context is not read again for its own pass', async () => {
    await put('a.images', 'IMAGE one\n');
    await put('b.images', 'IMAGE two\n');
    await symlink(path.join(root, 'b.images'), path.join(root, 'link.images'));
    await symlink(path.join(outside, 'secret'), path.join(root, 'escape.images'));
    await writeFile(path.join(outside, 'secret'), 'IMAGE secret\n');
    const seen: Record<string, string | undefined> = {};
    const readingDiscoverer: Discoverer = {
      ...lineDiscoverer,
      async extract(file, context) {
        if (file.path === 'a.images') {
          for (const other of ['b.images', 'link.images', 'escape.images', 'missing/.env']) seen[other] = await context.readFile(other);
          await writeFile(path.join(root, 'b.images'), 'IMAGE changed\n');
        }
        return lineDiscoverer.extract(file, context);
      },
    };
    const discovery = await discoverRepository(root, { discoverers: [readingDiscoverer] });
    expect(seen).toEqual({ 'b.images': 'IMAGE two\n', 'link.images': 'IMAGE two\n', 'escape.images': undefined, 'missing/.env': undefined });
    expect(discovery.occurrences.map((occurrence) => [occurrence.file, occurrence.raw])).toEqual([
      ['a.images', 'one'],
      ['b.images', 'two'],
      ['link.images', 'two'],
    ]);
  });

  it('keeps the text of a file the walk read only while its own discoverers run; one a discoverer read stays read', async () => {
    await put('a.images', 'IMAGE one\n');
    await put('b.images', 'IMAGE two\n');
    await put('c.images', 'IMAGE three\n');
    await put('d.images', 'IMAGE four\n');
    const seen: Record<string, string | undefined> = {};
    const readingDiscoverer: Discoverer = {
      ...lineDiscoverer,
      async extract(file, context) {
        // Its own text, while its discoverers run.
        seen[`${file.path} itself`] = await context.readFile(file.path);
        if (file.path === 'a.images') {
          seen['c.images before its pass'] = await context.readFile('c.images');
          await writeFile(path.join(root, 'b.images'), 'IMAGE changed\n');
        }
        if (file.path === 'b.images') await writeFile(path.join(root, 'a.images'), 'IMAGE changed\n');
        if (file.path === 'c.images') await writeFile(path.join(root, 'c.images'), 'IMAGE changed\n');
        if (file.path === 'd.images') {
          seen['a.images after its pass'] = await context.readFile('a.images');
          seen['c.images after its pass'] = await context.readFile('c.images');
        }
        return lineDiscoverer.extract(file, context);
      },
    };
    const discovery = await discoverRepository(root, { discoverers: [readingDiscoverer] });
    expect(seen).toEqual({
      'a.images itself': 'IMAGE one\n',
      'c.images before its pass': 'IMAGE three\n',
      'b.images itself': 'IMAGE changed\n',
      'c.images itself': 'IMAGE three\n',
      'd.images itself': 'IMAGE four\n',
      // Read again from the disk (its text was not kept), and still the text the first read gave.
      'a.images after its pass': 'IMAGE changed\n',
      'c.images after its pass': 'IMAGE three\n',
    });
    expect(discovery.occurrences.map((occurrence) => occurrence.raw)).toEqual(['one', 'changed', 'three', 'four']);
  });

  it('scans only the given files when asked', async () => {
    await put('a.images', 'IMAGE one\n');
    await put('b.images', 'IMAGE two\n');
    const discovery = await discoverRepository(root, { discoverers: [lineDiscoverer], onlyFiles: ['b.images'] });
    expect(discovery.occurrences.map((occurrence) => occurrence.raw)).toEqual(['two']);
  });
});
