/** Test helpers for the Kubernetes, Kustomize and Helm discoverers: fixtures as files, a context reading them, the position contract. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { LineIndex } from '../../src/discover/position.js';
import type { DiscoverContext, SourceFile } from '../../src/discover/types.js';
import type { Occurrence } from '../../src/model.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/discover/', import.meta.url));

/** A fixture file of `kind`, its path relative to that kind's fixture folder (the scan root). */
export function fixtureFile(kind: string, path: string): SourceFile {
  return { path, text: readFileSync(`${FIXTURES}${kind}/${path}`, 'utf8') };
}

/** A context reading files from the kind's fixture folder; records what was read. */
export function fixtureReader(kind: string): DiscoverContext & { reads: string[] } {
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
  };
}

/** The text at every occurrence's (line, column) is its raw. */
export function expectRawAtPosition(file: SourceFile, occurrences: Occurrence[]): void {
  const lines = new LineIndex(file.text);
  for (const occurrence of occurrences) {
    const offset = lines.offsetAt(occurrence);
    expect(file.text.slice(offset, offset + occurrence.raw.length), `${occurrence.context} at ${occurrence.line}:${occurrence.column}`).toBe(occurrence.raw);
    expect(occurrence.file).toBe(file.path);
  }
}

/** Occurrences in a compact form for table assertions. */
export function summarize(occurrences: Occurrence[]): Array<{ at: string; raw: string; reference: string | null; context?: string }> {
  return occurrences.map((occurrence) => ({
    at: `${occurrence.line}:${occurrence.column}`,
    raw: occurrence.raw,
    reference: occurrence.reference,
    context: occurrence.context,
  }));
}
