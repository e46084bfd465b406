/**
 * Attack tests for reading repository files: a symlink must not be a way around the size bound.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverRepository, MAX_FILE_BYTES } from '../../src/discover/index.js';
import { readTextFile } from '../../src/discover/walk.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-walk-sec-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the size bound through a symlink', () => {
  it('counts the size of the file a link points at, not of the link', async () => {
    await writeFile(path.join(root, 'big.txt'), 'FROM alpine:3.19\n' + '#'.repeat(4096) + '\n');
    await symlink('big.txt', path.join(root, 'Dockerfile'));
    const read = await readTextFile(path.join(root, 'Dockerfile'), 1024);
    expect(read.text).toBeUndefined();
    expect(read.problem).toMatch(/over the 1024-byte limit/);
  });

  it('reports a linked Dockerfile over the limit instead of reading it whole', async () => {
    await writeFile(path.join(root, 'huge.bin.txt'), 'FROM alpine:3.19\n' + '#'.repeat(MAX_FILE_BYTES) + '\n');
    await symlink('huge.bin.txt', path.join(root, 'Dockerfile'));
    const discovery = await discoverRepository(root);
    expect(discovery.occurrences).toEqual([]);
    expect(discovery.unscanned).toEqual([expect.objectContaining({ file: 'Dockerfile', reason: expect.stringMatching(/limit/) })]);
  });

  it('reads nothing but regular files', async () => {
    const read = await readTextFile(root, 1024);
    expect(read.text).toBeUndefined();
    expect(read.problem).toBeDefined();
  });
});

describe('FIFOs are never read', () => {
  it.skipIf(process.platform === 'win32')('neither listed nor, when reached through a link or opened directly, waited on', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileBytes } = await import('../../src/discover/walk.js');
    execFileSync('mkfifo', [path.join(root, 'Dockerfile')]);
    await symlink('Dockerfile', path.join(root, 'compose.yaml'));
    await writeFile(path.join(root, 'app.Dockerfile'), 'FROM alpine:3.19\n');
    // A blocking open of a FIFO with no writer would hang here: the walk must finish.
    const discovery = await discoverRepository(root);
    expect(discovery.occurrences.map((occurrence) => occurrence.file)).toEqual(['app.Dockerfile']);
    expect(readFileBytes(path.join(root, 'Dockerfile'), 1024)).toMatchObject({ problem: 'not a regular file' });
  });
});
