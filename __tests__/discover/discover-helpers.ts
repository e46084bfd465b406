/**
 * Test helpers for every discoverer: fixture files as the engine hands them over, a context
 * reading the kind's fixture folder, the position contract, and compact views for assertions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Occurrence } from '../../src/model.js';
import { LineIndex } from '../../src/discover/position.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from '../../src/discover/types.js';
import { listFilesUnder } from '../../src/discover/walk.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/discover/', import.meta.url));

/** A fixture of `kind`, its path relative to that kind's fixture folder (the scan root). */
export function fixture(kind: string, path: string): SourceFile {
  return { path, text: readFileSync(`${FIXTURES}${kind}/${path}`, 'utf8') };
}

/**
 * A context whose `readFile` reads from the kind's fixture folder and records what was read;
 * undefined when absent or outside the root, as the engine answers. `listFiles` is the engine's own
 * listing over that folder.
 */
export function fixtureContext(kind: string): DiscoverContext & { reads: string[] } {
  const reads: string[] = [];
  return {
    buildArgs: {},
    reads,
    async readFile(path: string) {
      reads.push(path);
      if (path.split('/').includes('..')) return undefined;
      try {
        return readFileSync(`${FIXTURES}${kind}/${path}`, 'utf8');
      } catch {
        return undefined;
      }
    },
    listFiles: (dir: string) => listFilesUnder(`${FIXTURES}${kind}`, dir),
  };
}

/** Every occurrence's (line, column) points at `raw` as written. */
export function expectRawAtPositions(file: SourceFile, occurrences: Occurrence[]): void {
  const lines = new LineIndex(file.text);
  for (const occurrence of occurrences) {
    const offset = lines.offsetAt(occurrence);
    expect(file.text.slice(offset, offset + occurrence.raw.length), `${occurrence.context} at ${occurrence.line}:${occurrence.column}`).toBe(occurrence.raw);
    expect(occurrence.file).toBe(file.path);
  }
}

/** Extracts a fixture and checks the position contract on the way. */
export async function extractFixture(discoverer: Discoverer, kind: string, path: string): Promise<Extraction & { file: SourceFile }> {
  const file = fixture(kind, path);
  expect(discoverer.matches(path, file.text)).toBe(true);
  const extraction = await discoverer.extract(file, fixtureContext(kind));
  // An occurrence may be written in another file the discoverer read (a compose `extends:` base).
  const files = new Set(extraction.occurrences.map((occurrence) => occurrence.file));
  for (const path of files) {
    const written = path === file.path ? file : fixture(kind, path);
    expectRawAtPositions(written, extraction.occurrences.filter((occurrence) => occurrence.file === path));
  }
  for (const occurrence of extraction.occurrences) expect(occurrence.kind).toBe(discoverer.kind);
  return { ...extraction, file };
}

/** A compact view for assertions: context, raw, and what the reference became. */
export function summary(occurrences: Occurrence[]): Array<Record<string, unknown>> {
  return occurrences.map((occurrence) => {
    const row: Record<string, unknown> = { context: occurrence.context, raw: occurrence.raw, reference: occurrence.reference };
    if (occurrence.resolved !== undefined) row.resolved = occurrence.resolved;
    if (occurrence.problem) row.problem = occurrence.problem.message;
    if (occurrence.local) row.local = true;
    if (occurrence.note) row.note = occurrence.note;
    return row;
  });
}

/** A compact view for table assertions that name the position: line:column, raw, reference, context. */
export function positionedSummary(occurrences: Occurrence[]): Array<{ at: string; raw: string; reference: string | null; context?: string }> {
  return occurrences.map((occurrence) => ({
    at: `${occurrence.line}:${occurrence.column}`,
    raw: occurrence.raw,
    reference: occurrence.reference,
    context: occurrence.context,
  }));
}
