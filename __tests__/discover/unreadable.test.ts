/**
 * Unreadable files and directories, for runs as root (where mode 000 does not stop a read): the
 * denial is injected at the file-system call, as the kernel would give it to any other user.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const denied = { paths: [] as string[] };

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const deny = (target: unknown) => denied.paths.some((suffix) => String(target).endsWith(suffix));
  const eacces = () => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  return {
    ...fs,
    openSync: ((target: never, ...rest: never[]) => {
      if (deny(target)) throw eacces();
      return (fs.openSync as (...args: unknown[]) => number)(target, ...rest);
    }) as typeof fs.openSync,
    readdirSync: ((target: never, ...rest: never[]) => {
      if (deny(target)) throw eacces();
      return (fs.readdirSync as (...args: unknown[]) => unknown)(target, ...rest);
    }) as typeof fs.readdirSync,
  };
});

const { discoverRepository } = await import('../../src/discover/index.js');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-unreadable-'));
  await mkdir(path.join(root, 'secret'));
  await writeFile(path.join(root, 'secret/Dockerfile'), 'FROM ngnix\n');
  await writeFile(path.join(root, 'Dockerfile'), 'FROM ngnix\n');
  await writeFile(path.join(root, 'notes.txt'), 'not a candidate\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('unreadable candidates', () => {
  it('a file that cannot be opened is not scanned, and says so', async () => {
    denied.paths = ['/Dockerfile', '/notes.txt'];
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([
      { file: 'Dockerfile', reason: 'file could not be read (EACCES)' },
      { file: 'secret/Dockerfile', reason: 'file could not be read (EACCES)' },
    ]);
  });

  it('a directory that cannot be listed is not scanned, and says so', async () => {
    denied.paths = ['/secret'];
    const discovery = await discoverRepository(root);
    expect(discovery.unscanned).toEqual([{ file: 'secret', reason: 'directory could not be read (EACCES)' }]);
    expect(discovery.occurrences.map((occurrence) => occurrence.file)).toEqual(['Dockerfile']);
  });
});
