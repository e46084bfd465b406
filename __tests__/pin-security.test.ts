/**
 * Attack test for `applyPins`: it writes, so it must never write outside the root, also not
 * through a symlinked directory or file inside it that points out.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPins, type PinEdit } from '../src/pin.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
let root: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-pin-root-'));
  outside = await mkdtemp(path.join(os.tmpdir(), 'vi-pin-outside-'));
  await writeFile(path.join(outside, 'Dockerfile'), 'FROM alpine:3.19\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const edit = (file: string): PinEdit => ({ file, line: 1, column: 6, oldText: 'alpine:3.19', newText: `alpine:3.19@${DIGEST}` });

describe('applyPins outside the root', () => {
  it('does not write through a directory symlink that leaves the root', async () => {
    await symlink(outside, path.join(root, 'linked'));
    const [result] = await applyPins(root, [edit('linked/Dockerfile')]);
    expect(result).toMatchObject({ applied: 0, conflicts: 1 });
    expect(await readFile(path.join(outside, 'Dockerfile'), 'utf8')).toBe('FROM alpine:3.19\n');
  });

  it('does not write through a file symlink that leaves the root', async () => {
    await symlink(path.join(outside, 'Dockerfile'), path.join(root, 'Dockerfile'));
    const [result] = await applyPins(root, [edit('Dockerfile')]);
    expect(result).toMatchObject({ applied: 0, conflicts: 1 });
    expect(await readFile(path.join(outside, 'Dockerfile'), 'utf8')).toBe('FROM alpine:3.19\n');
  });

  it('still pins a file symlink that points inside the root', async () => {
    await mkdir(path.join(root, 'docker'));
    await writeFile(path.join(root, 'docker', 'Dockerfile'), 'FROM alpine:3.19\n');
    await symlink('docker/Dockerfile', path.join(root, 'Dockerfile'));
    const [result] = await applyPins(root, [edit('Dockerfile')]);
    expect(result).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await readFile(path.join(root, 'docker', 'Dockerfile'), 'utf8')).toBe(`FROM alpine:3.19@${DIGEST}\n`);
  });
});
