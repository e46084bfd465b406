/**
 * Issue 12.6: `pin --write` edits the original bytes at the exact offsets. Property: for any bytes
 * around a reference (invalid UTF-8, CR-only and mixed line ends, other references on the line),
 * and for UTF-16/32 files, the result is the input with the digest inserted, and nothing else.
 */
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText, utf8ByteAtUnit } from '../src/discover/decode.js';
import { LineIndex } from '../src/discover/position.js';
import { applyPins } from '../src/pin.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const REFERENCE = 'nginx:1.27';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-pin-bytes-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The edit discovery would produce for the reference at `offset` of the decoded text. */
function editAt(bytes: Uint8Array, marker: string): { line: number; column: number } | undefined {
  const decoded = decodeText(bytes);
  if ('problem' in decoded) return undefined;
  const offset = decoded.text.indexOf(marker);
  if (offset < 0 || decoded.text.indexOf(marker, offset + 1) >= 0) return undefined;
  return new LineIndex(decoded.text).positionAt(offset + marker.indexOf(REFERENCE));
}

async function pin(bytes: Uint8Array, position: { line: number; column: number }): Promise<{ applied: number; after: Buffer }> {
  await writeFile(path.join(root, 'Dockerfile'), bytes);
  const [result] = await applyPins(root, [{ file: 'Dockerfile', ...position, oldText: REFERENCE, newText: `${REFERENCE}@${DIGEST}` }]);
  return { applied: result.applied, after: await readFile(path.join(root, 'Dockerfile')) };
}

const noNul = fc.uint8Array({ maxLength: 40 }).map((bytes) => bytes.map((byte) => (byte === 0 ? 0x0a : byte)));
const lineEnd = fc.constantFrom('\n', '\r', '\r\n');

describe('pin edits bytes', () => {
  it('changes no byte but the inserted digest, whatever surrounds the reference (UTF-8)', async () => {
    await fc.assert(
      fc.asyncProperty(noNul, noNul, lineEnd, lineEnd, async (before, after, end1, end2) => {
        const marker = `FROM ${REFERENCE} AS x`;
        const head = Buffer.concat([Buffer.from('#'), before, Buffer.from(end1 + 'FROM ')]);
        const tail = Buffer.concat([Buffer.from(` AS x${end2}`), after]);
        const bytes = Buffer.concat([head, Buffer.from(REFERENCE), tail]);
        const position = editAt(bytes, marker);
        fc.pre(position !== undefined);
        const result = await pin(bytes, position!);
        expect(result.applied).toBe(1);
        expect(result.after.equals(Buffer.concat([head, Buffer.from(`${REFERENCE}@${DIGEST}`), tail]))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('edits UTF-16 and UTF-32 files in their own encoding', async () => {
    const encodings = ['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'] as const;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom(...encodings), async (comment, encoding) => {
        const text = `\ufeff# ${comment.replaceAll('\u0000', '')}\nFROM ${REFERENCE} AS x\n`;
        const bytes = encode(text, encoding);
        const position = editAt(bytes, `FROM ${REFERENCE} AS x`);
        fc.pre(position !== undefined);
        const result = await pin(bytes, position!);
        expect(result.applied).toBe(1);
        expect(result.after.equals(encode(text.replace(REFERENCE, `${REFERENCE}@${DIGEST}`), encoding))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps invalid UTF-8 elsewhere in the file byte for byte (the reported case)', async () => {
    const bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from('\nFROM nginx:1.27\n'), Buffer.from([0xf0, 0x9f])]);
    const result = await pin(bytes, { line: 2, column: 6 });
    expect(result.after.equals(Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from(`\nFROM nginx:1.27@${DIGEST}\n`), Buffer.from([0xf0, 0x9f])]))).toBe(true);
  });

  it('maps UTF-16 units to bytes as the WHATWG decoder counts them', () => {
    fc.assert(
      fc.property(noNul, (bytes) => {
        // Before every ASCII byte (and at the end), the units decoded so far map back to that byte.
        for (let at = 0; at <= bytes.length; at++) {
          if (at < bytes.length && bytes[at] >= 0x80) continue;
          const units = new TextDecoder().decode(bytes.subarray(0, at)).length;
          expect(utf8ByteAtUnit(bytes, 0, bytes.length, units)).toBe(at);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function encode(text: string, encoding: 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be'): Buffer {
  if (encoding.startsWith('utf-16')) {
    const little = Buffer.from(text, 'utf16le');
    return encoding === 'utf-16be' ? little.swap16() : little;
  }
  const codePoints = Array.from(text, (char) => char.codePointAt(0)!);
  const out = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((codePoint, index) => (encoding === 'utf-32be' ? out.writeUInt32BE(codePoint, index * 4) : out.writeUInt32LE(codePoint, index * 4)));
  return out;
}
