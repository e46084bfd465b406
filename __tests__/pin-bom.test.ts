/** A file that starts with a byte-order mark: discovery counts columns after it, and so must pin. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyPins } from '../src/pin.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-pin-bom-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('pins line 1 of a file with a BOM, keeps the BOM, and is idempotent', async () => {
  await writeFile(path.join(root, 'Dockerfile'), '\ufeffFROM alpine:3.19\nRUN true\n');
  const edits = [{ file: 'Dockerfile', line: 1, column: 6, oldText: 'alpine:3.19', newText: `alpine:3.19@${DIGEST}` }];
  expect(await applyPins(root, edits)).toEqual([{ file: 'Dockerfile', applied: 1, unchanged: 0, conflicts: 0 }]);
  expect(await readFile(path.join(root, 'Dockerfile'), 'utf8')).toBe(`\ufeffFROM alpine:3.19@${DIGEST}\nRUN true\n`);
  expect(await applyPins(root, edits)).toEqual([{ file: 'Dockerfile', applied: 0, unchanged: 1, conflicts: 0 }]);
});
