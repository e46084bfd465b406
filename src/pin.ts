/**
 * Pinning: turns resolved tags into `name:tag@sha256:…` in the files where they are written,
 * keeping the tag for readers. Only the exact span of the occurrence's raw text is edited, so
 * quoting, comments and layout stay as they were. An occurrence is pinned only when its text
 * is literal (no variables or templates: `resolved` absent), it is not built locally, and the
 * registry gave the tag's digest. Applying is idempotent: an edit whose result is already in
 * place is skipped.
 */
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { ByteOffsets, decodeText, encodeAscii, type DecodedText } from './discover/decode.js';
import { LineIndex } from './discover/position.js';
import { resolveInside } from './discover/walk.js';
import type { ResolvedOccurrence } from './model.js';
import { splitReference } from './reference/index.js';
import { appendDigestAsWritten, isQuotedAsWritten, replaceDigestAsWritten } from './reference/written.js';

export interface PinEdit {
  /** POSIX path relative to the scan root. */
  file: string;
  line: number;
  column: number;
  oldText: string;
  newText: string;
}

export interface PinPlan {
  edits: PinEdit[];
  /** Occurrences with a reference that were not pinned, and why (for the CLI to show). */
  skipped: Array<{ occurrence: ResolvedOccurrence; reason: string }>;
}

export interface PinOptions {
  /**
   * Also re-pin references whose pinned digest differs from the tag's current digest (replacing
   * the old digest). Off by default: a moved tag deserves a look before trusting it.
   */
  updateStale?: boolean;
}

/** Characters that may continue an image reference: an edit must cover the whole reference. */
const REFERENCE_CHAR = /[A-Za-z0-9._:@/-]/;
const VARIABLE_SYNTAX = /[$]|\{\{|\{%|<%/;

function textAt(source: string, index: LineIndex, line: number, column: number): number | undefined {
  if (line < 1 || column < 1) return undefined;
  const offset = index.offsetAt({ line, column });
  return Number.isFinite(offset) && offset >= 0 && offset <= source.length ? offset : undefined;
}

/** Plans the edits that pin each literal tag to its current digest; `sources` maps file -> text. */
export function planPinsDetailed(occurrences: ResolvedOccurrence[], sources: Map<string, string>, options: PinOptions = {}): PinPlan {
  const plan: PinPlan = { edits: [], skipped: [] };
  const seen = new Set<string>();
  const indexes = new Map<string, LineIndex>();
  const skip = (occurrence: ResolvedOccurrence, reason: string) => plan.skipped.push({ occurrence, reason });
  for (const occurrence of occurrences) {
    if (!occurrence.reference) continue;
    if (occurrence.local) continue; // built here: nothing in a registry to pin to
    const parts = splitReference(occurrence.reference);
    const resolution = occurrence.resolution;
    if (!parts) {
      skip(occurrence, 'not a normalized reference');
      continue;
    }
    // Pinned to the tag's current digest (or one of its platforms): nothing to do, however it is written.
    if (parts.digest && resolution?.status === 'ok' && (parts.digest === resolution.tagDigest || resolution.pinnedDigestPlatform)) continue;
    if (VARIABLE_SYNTAX.test(occurrence.raw)) {
      skip(occurrence, 'written with variables or templates; pin the value where it is defined');
      continue;
    }
    if (occurrence.resolved !== undefined && (occurrence.kind === 'helm' || occurrence.kind === 'kustomize')) {
      // A Helm values block (registry/repository/tag) or a Kustomize override (newName/newTag):
      // the text is one field of several, and the pin belongs in a field of its own.
      const digestField = resolution?.status === 'ok' && resolution.tagDigest ? `digest: ${resolution.tagDigest}` : 'a digest: field';
      skip(
        occurrence,
        parts.digest
          ? `assembled from separate fields (${occurrence.resolved}); its digest differs from the tag's current one: set ${digestField}`
          : `assembled from separate fields (${occurrence.resolved}); to pin it, add ${digestField} beside them`,
      );
      continue;
    }
    // Only quoted (FROM "alpine:3.19"): pinned inside the quotes. Escapes or a line continuation: by hand.
    if (occurrence.resolved !== undefined && !isQuotedAsWritten(occurrence.raw, occurrence.resolved)) {
      skip(occurrence, `written differently from the image it names (${occurrence.resolved}: quoting, escapes or a line continuation); pin it by hand`);
      continue;
    }
    if (resolution?.status !== 'ok' || !resolution.tagDigest) {
      skip(occurrence, resolution ? `registry gave no tag digest (${resolution.message ?? resolution.status})` : 'not resolved');
      continue;
    }
    let newText: string;
    if (parts.digest) {
      // (Already pinned to the current digest or a platform of it: passed over above.)
      if (!options.updateStale) {
        skip(occurrence, `pinned digest differs from the tag's current ${resolution.tagDigest}; re-pinned only with --update-stale`);
        continue;
      }
      const repinned = replaceDigestAsWritten(occurrence.raw, resolution.tagDigest);
      if (repinned === undefined) {
        skip(occurrence, 'digest not written in the text');
        continue;
      }
      newText = repinned;
    } else {
      // FROM "nginx:1.27" becomes FROM "nginx:1.27@sha256:…": the digest goes inside the quotes.
      newText = appendDigestAsWritten(occurrence.raw, resolution.tagDigest);
    }
    const source = sources.get(occurrence.file);
    if (source === undefined) {
      skip(occurrence, 'file text not available');
      continue;
    }
    let index = indexes.get(occurrence.file);
    if (!index) {
      index = new LineIndex(source);
      indexes.set(occurrence.file, index);
    }
    const offset = textAt(source, index, occurrence.line, occurrence.column);
    if (offset === undefined || source.slice(offset, offset + occurrence.raw.length) !== occurrence.raw) {
      skip(occurrence, 'file text at the position is not the reference (file changed?)');
      continue;
    }
    const key = `${occurrence.file}:${occurrence.line}:${occurrence.column}`;
    if (seen.has(key)) continue; // one place, several occurrences (matrix values): one edit
    seen.add(key);
    plan.edits.push({ file: occurrence.file, line: occurrence.line, column: occurrence.column, oldText: occurrence.raw, newText });
  }
  plan.edits.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return plan;
}

/** The edits of `planPinsDetailed`. */
export function planPins(occurrences: ResolvedOccurrence[], sources: Map<string, string>, options: PinOptions = {}): PinEdit[] {
  return planPinsDetailed(occurrences, sources, options).edits;
}

export interface ApplyResult {
  file: string;
  applied: number;
  /** Already in place (idempotent re-run). */
  unchanged: number;
  /** The text at the position was neither the old nor the new text. */
  conflicts: number;
}

/**
 * Applies pin edits in place under `root`; returns what happened per file. Never writes outside
 * root: a path is followed through symlinks and must still end inside it (as discovery reads).
 * The file's own bytes are edited at the exact offsets of the references, in the file's encoding:
 * every byte outside the inserted digests stays as it was (invalid UTF-8, a BOM, line ends).
 */
export async function applyPins(root: string, edits: PinEdit[]): Promise<ApplyResult[]> {
  const absoluteRoot = await realpath(root);
  const byFile = new Map<string, PinEdit[]>();
  for (const edit of edits) {
    const list = byFile.get(edit.file) ?? [];
    list.push(edit);
    byFile.set(edit.file, list);
  }
  const results: ApplyResult[] = [];
  for (const [file, fileEdits] of byFile) {
    const result: ApplyResult = { file, applied: 0, unchanged: 0, conflicts: 0 };
    results.push(result);
    const path = await resolveInside(absoluteRoot, file);
    let bytes: Buffer | undefined;
    try {
      if (path !== undefined) bytes = await readFile(path);
    } catch {
      // counted as conflicts below
    }
    const decoded = bytes === undefined ? undefined : decodeText(bytes);
    if (path === undefined || bytes === undefined || decoded === undefined || 'problem' in decoded) {
      result.conflicts += fileEdits.length;
      continue;
    }
    const splices = planSplices(decoded, bytes, fileEdits, result);
    if (splices.length > 0) await writeFile(path, spliceBytes(bytes, splices));
  }
  return results;
}

interface Splice {
  /** Byte offset in the original file. */
  at: number;
  removed: number;
  inserted: Uint8Array;
}

/**
 * Decides each edit on the decoded text, as discovery read it, and returns byte splices of the
 * original file. Columns refer to the line before any pin (edits never add line breaks, so line
 * numbers stay put); an earlier edit in place on the same line (made now or by a previous run)
 * shifts the later ones by its growth, so re-applying the same edits is a no-op.
 */
function planSplices(decoded: DecodedText, bytes: Uint8Array, fileEdits: PinEdit[], result: ApplyResult): Splice[] {
  const text = decoded.text;
  const index = new LineIndex(text);
  const offsets = new ByteOffsets(bytes, decoded);
  const ordered = [...fileEdits].sort((a, b) => a.line - b.line || a.column - b.column);
  const splices: Splice[] = [];
  let shift = 0;
  let shiftLine = 0;
  for (const edit of ordered) {
    const start = textAt(text, index, edit.line, edit.column);
    if (start === undefined || !/^[\x20-\x7e]*$/.test(edit.oldText + edit.newText)) {
      result.conflicts++;
      continue;
    }
    if (edit.line !== shiftLine) {
      shift = 0;
      shiftLine = edit.line;
    }
    // Edits of this run are spliced into the original bytes, so `text` is never changed: only
    // growth already in the file (a previous run) moves the later edits of the line.
    const offset = start + shift;
    const endsAt = (length: number) => {
      const next = text.charAt(offset + length);
      return next === '' || !REFERENCE_CHAR.test(next);
    };
    const growth = edit.newText.length - edit.oldText.length;
    if (text.startsWith(edit.newText, offset) && endsAt(edit.newText.length)) {
      result.unchanged++;
      shift += growth;
    } else if (text.startsWith(edit.oldText, offset) && endsAt(edit.oldText.length)) {
      const position = index.positionAt(offset);
      const at = offsets.byteOffset(offset, position.line, position.column);
      const old = at === undefined ? undefined : encodeAscii(edit.oldText, decoded.encoding);
      if (at === undefined || old === undefined || !sameBytes(bytes, at, old)) {
        result.conflicts++;
        continue;
      }
      splices.push({ at, removed: old.length, inserted: encodeAscii(edit.newText, decoded.encoding) });
      result.applied++;
    } else {
      result.conflicts++;
    }
  }
  return splices;
}

function sameBytes(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let index = 0; index < expected.length; index++) if (bytes[at + index] !== expected[index]) return false;
  return true;
}

/** The bytes with each splice applied (splices do not overlap). */
function spliceBytes(bytes: Uint8Array, splices: readonly Splice[]): Buffer {
  const ordered = [...splices].sort((a, b) => a.at - b.at);
  const parts: Uint8Array[] = [];
  let cursor = 0;
  for (const splice of ordered) {
    parts.push(bytes.subarray(cursor, splice.at), splice.inserted);
    cursor = splice.at + splice.removed;
  }
  parts.push(bytes.subarray(cursor));
  return Buffer.concat(parts);
}
