/**
 * The edges of planning and applying pins that the fixture tests in pin.test.ts do not reach
 * (found by mutation testing): every reason an occurrence is skipped, the order of the edits, a
 * reference at the end of a file or continuing past the edit, edits that are not ASCII, and
 * re-applying edits given in another order.
 */
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeOccurrence } from '../src/discover/occurrence.js';
import { LineIndex } from '../src/discover/position.js';
import type { Kind, Resolution, ResolvedOccurrence } from '../src/model.js';
import { applyPins, planPinsDetailed, type PinEdit } from '../src/pin.js';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/** The occurrence discovery makes of `raw` (first written at its first place in `text`). */
function occurrence(options: { file?: string; text: string; raw: string; value?: string | { unresolved: string }; kind?: Kind; resolution?: Resolution }): ResolvedOccurrence {
  const { file = 'Dockerfile', text, raw, value = raw, kind = 'dockerfile', resolution } = options;
  const found: ResolvedOccurrence = makeOccurrence({ file, kind, lines: new LineIndex(text), offset: text.indexOf(raw), raw, value });
  if (resolution) found.resolution = resolution;
  return found;
}

const ok = (n: number): Resolution => ({ status: 'ok', tagDigest: digest(n) });

describe('planPinsDetailed: why an occurrence is not pinned', () => {
  it('passes over an occurrence without a reference and one built locally, saying nothing', () => {
    const text = 'FROM ${BASE}\nFROM build\n';
    const variable = occurrence({ text, raw: '${BASE}', value: { unresolved: 'BASE is not set' } });
    const local = { ...occurrence({ text, raw: 'build', resolution: ok(1) }), local: true };
    expect(variable.reference).toBeNull();
    expect(planPinsDetailed([variable, local], new Map([['Dockerfile', text]]))).toEqual({ edits: [], skipped: [] });
  });

  it('names a reference it cannot split, an unresolved one and a registry failure', () => {
    const text = 'FROM alpine:3.19\nFROM redis:7\nFROM nginx:1.27\nFROM busybox:1\n';
    const broken = { ...occurrence({ text, raw: 'alpine:3.19', resolution: ok(1) }), reference: 'not a Reference' };
    const unresolved = occurrence({ text, raw: 'redis:7' });
    const failed = occurrence({ text, raw: 'nginx:1.27', resolution: { status: 'error', message: 'timed out' } });
    const noDigest = occurrence({ text, raw: 'busybox:1', resolution: { status: 'ok' } });
    const plan = planPinsDetailed([broken, unresolved, failed, noDigest], new Map([['Dockerfile', text]]));
    expect(plan.edits).toEqual([]);
    expect(plan.skipped.map((s) => [s.occurrence.raw, s.reason])).toEqual([
      ['alpine:3.19', 'not a normalized reference'],
      ['redis:7', 'not resolved'],
      ['nginx:1.27', 'registry gave no tag digest (timed out)'],
      ['busybox:1', 'registry gave no tag digest (ok)'],
    ]);
  });

  it('says nothing of a reference already pinned to the current digest, even written with variables', () => {
    const text = 'FROM ${REGISTRY}/nginx:1.27@' + digest(5) + '\n';
    const pinned = occurrence({ text, raw: '${REGISTRY}/nginx:1.27@' + digest(5), value: `ghcr.io/nginx:1.27@${digest(5)}`, resolution: ok(5) });
    expect(planPinsDetailed([pinned], new Map([['Dockerfile', text]]))).toEqual({ edits: [], skipped: [] });
  });

  it('says which field a Kustomize override or a Helm block needs, also when the registry gave no digest', () => {
    const text = 'images:\n  - name: nginx\n    newName: ghcr.io/acme/nginx\n    newTag: "1.27"\n';
    const kustomize = occurrence({ file: 'kustomization.yaml', kind: 'kustomize', text, raw: 'ghcr.io/acme/nginx', value: 'ghcr.io/acme/nginx:1.27', resolution: ok(7) });
    const failed = { ...kustomize, resolution: { status: 'error', message: 'timed out' } } satisfies ResolvedOccurrence;
    const helmText = `image:\n  repository: acme/app\n  tag: "2.1"\n  digest: ${digest(1)}\n`;
    const stale = occurrence({ file: 'values.yaml', kind: 'helm', text: helmText, raw: 'acme/app', value: `acme/app:2.1@${digest(1)}`, resolution: ok(2) });
    const plan = planPinsDetailed([kustomize, failed, stale], new Map([['kustomization.yaml', text], ['values.yaml', helmText]]));
    expect(plan.edits).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      `assembled from separate fields (ghcr.io/acme/nginx:1.27); to pin it, add digest: ${digest(7)} beside them`,
      'assembled from separate fields (ghcr.io/acme/nginx:1.27); to pin it, add a digest: field beside them',
      `assembled from separate fields (acme/app:2.1@${digest(1)}); its digest differs from the tag's current one: set digest: ${digest(2)}`,
    ]);
  });

  it('pins an image written whole in a Helm values file like any other', () => {
    const text = 'image: nginx:1.27\n';
    const literal = occurrence({ file: 'values.yaml', kind: 'helm', text, raw: 'nginx:1.27', resolution: ok(3) });
    const plan = planPinsDetailed([literal], new Map([['values.yaml', text]]));
    expect(plan).toEqual({ edits: [{ file: 'values.yaml', line: 1, column: 8, oldText: 'nginx:1.27', newText: `nginx:1.27@${digest(3)}` }], skipped: [] });
  });

  it('names a file whose text it was not given', () => {
    const text = 'FROM nginx:1.27\n';
    const plan = planPinsDetailed([occurrence({ text, raw: 'nginx:1.27', resolution: ok(3) })], new Map());
    expect(plan.skipped.map((s) => s.reason)).toEqual(['file text not available']);
  });

  it('orders the edits by file, then line, then column, whatever order discovery gave', () => {
    const b = 'FROM redis:7 AS r\nFROM nginx:1.27\n';
    const a = 'services: { x: { image: "busybox:1" }, y: { image: "alpine:3.19" } }\n';
    const found = [
      occurrence({ file: 'b/Dockerfile', text: b, raw: 'nginx:1.27', resolution: ok(1) }),
      occurrence({ file: 'b/Dockerfile', text: b, raw: 'redis:7', resolution: ok(2) }),
      occurrence({ file: 'a.yml', kind: 'compose', text: a, raw: 'alpine:3.19', resolution: ok(3) }),
      occurrence({ file: 'a.yml', kind: 'compose', text: a, raw: 'busybox:1', resolution: ok(4) }),
    ];
    const plan = planPinsDetailed(found, new Map([['b/Dockerfile', b], ['a.yml', a]]));
    expect(plan.edits.map((edit) => [edit.file, edit.line, edit.column, edit.oldText])).toEqual([
      ['a.yml', 1, 26, 'busybox:1'],
      ['a.yml', 1, 53, 'alpine:3.19'],
      ['b/Dockerfile', 1, 6, 'redis:7'],
      ['b/Dockerfile', 2, 6, 'nginx:1.27'],
    ]);
  });
});

describe('applyPins: edges', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vi-pin-edges-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const pinEdit = (line: number, column: number, reference = 'nginx:1.27', n = 9): PinEdit => ({
    file: 'Dockerfile',
    line,
    column,
    oldText: reference,
    newText: `${reference}@${digest(n)}`,
  });
  const write = (text: string | Buffer) => writeFile(path.join(root, 'Dockerfile'), text);
  const read = () => readFile(path.join(root, 'Dockerfile'), 'utf8');

  it('pins a reference at the very end of a file without a final line break', async () => {
    await write('FROM nginx:1.27');
    expect(await applyPins(root, [pinEdit(1, 6)])).toEqual([{ file: 'Dockerfile', applied: 1, unchanged: 0, conflicts: 0 }]);
    expect(await read()).toBe(`FROM nginx:1.27@${digest(9)}`);
  });

  it('refuses an edit that covers only part of a reference, other text, or no place in the file', async () => {
    await write('FROM nginx:1.270 AS a\nFROM redis:7\n');
    const results = await applyPins(root, [pinEdit(1, 6), pinEdit(2, 6), pinEdit(1, 0, 'FROM'), pinEdit(9, 1)]);
    expect(results).toEqual([{ file: 'Dockerfile', applied: 0, unchanged: 0, conflicts: 4 }]);
    expect(await read()).toBe('FROM nginx:1.270 AS a\nFROM redis:7\n');
  });

  it('refuses an edit whose text is not printable ASCII', async () => {
    await write('FROM nginx:1.27\n');
    const accented = { ...pinEdit(1, 6), newText: `nginx:1.27@sha256:é${'0'.repeat(63)}` };
    expect(await applyPins(root, [accented])).toEqual([{ file: 'Dockerfile', applied: 0, unchanged: 0, conflicts: 1 }]);
    expect(await read()).toBe('FROM nginx:1.27\n');
  });

  it('counts every edit of a missing or undecodable file as a conflict', async () => {
    await writeFile(path.join(root, 'binary'), Buffer.from([0x46, 0x52, 0x00, 0x01, 0x02, 0x00, 0xff]));
    const edits = [pinEdit(1, 6), pinEdit(2, 6), { ...pinEdit(1, 1), file: 'binary' }];
    expect(await applyPins(root, edits)).toEqual([
      { file: 'Dockerfile', applied: 0, unchanged: 0, conflicts: 2 },
      { file: 'binary', applied: 0, unchanged: 0, conflicts: 1 },
    ]);
  });

  it('re-applies the edits of one line given in any order as a no-op, and leaves the file untouched', async () => {
    await write('x: [nginx:1.27, redis:7]\nFROM redis:7\n');
    const edits = [pinEdit(1, 5), pinEdit(1, 17, 'redis:7', 8), pinEdit(2, 6, 'redis:7', 8)];
    expect(await applyPins(root, edits)).toEqual([{ file: 'Dockerfile', applied: 3, unchanged: 0, conflicts: 0 }]);
    const pinned = `x: [nginx:1.27@${digest(9)}, redis:7@${digest(8)}]\nFROM redis:7@${digest(8)}\n`;
    expect(await read()).toBe(pinned);
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(path.join(root, 'Dockerfile'), past, past);
    const again = await applyPins(root, [...edits].reverse());
    expect(again).toEqual([{ file: 'Dockerfile', applied: 0, unchanged: 3, conflicts: 0 }]);
    expect(await read()).toBe(pinned);
    expect((await stat(path.join(root, 'Dockerfile'))).mtime.getTime()).toBe(past.getTime());
  });

  it('applies the second edit of a line after a first one already in place', async () => {
    await write(`x: [nginx:1.27@${digest(9)}, redis:7]\n`);
    const edits = [pinEdit(1, 17, 'redis:7', 8), pinEdit(1, 5)];
    expect(await applyPins(root, edits)).toEqual([{ file: 'Dockerfile', applied: 1, unchanged: 1, conflicts: 0 }]);
    expect(await read()).toBe(`x: [nginx:1.27@${digest(9)}, redis:7@${digest(8)}]\n`);
  });
});
