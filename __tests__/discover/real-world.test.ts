/**
 * Discovery over real files from public repositories (see fixtures/real-world/SOURCES.md), compared
 * with occurrences written down by hand from the files themselves (fixtures/real-world/expected.json).
 * "No reference missed, none invented": the comparison is exact on file, line, column, raw text and
 * normalized reference, and a failure lists what is missing and what is invented.
 *
 * Each `<owner>__<repo>` folder is scanned as its own repository root, as a user would scan it:
 * GitHub reads workflows only from the root's `.github/workflows`, and Helm charts, compose `.env`
 * files and kustomize resources are found relative to that root.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { LineIndex } from '../../src/discover/position.js';
import type { Occurrence, ScanError } from '../../src/model.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real-world');

interface ExpectedOccurrence {
  file: string;
  line: number;
  column: number;
  raw: string;
  reference: string | null;
}

/** One comparable line per occurrence; the set of these is what must match exactly. */
function keyOf(occurrence: ExpectedOccurrence): string {
  return `${occurrence.file}:${occurrence.line}:${occurrence.column}  raw=${JSON.stringify(occurrence.raw)}  reference=${occurrence.reference ?? 'null'}`;
}

/** The text of `file` starting at 1-based (line, column), `length` UTF-16 code units long. */
function textAt(source: string, line: number, column: number, length: number): string {
  const offset = new LineIndex(source).offsetAt({ line, column });
  return source.slice(offset, offset + length);
}

async function repositoryFolders(): Promise<string[]> {
  const entries = await readdir(FIXTURES, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory() && entry.name.includes('__')).map((entry) => entry.name).sort();
}

let expected: ExpectedOccurrence[];
let found: Occurrence[];
let errors: ScanError[];

beforeAll(async () => {
  expected = JSON.parse(await readFile(path.join(FIXTURES, 'expected.json'), 'utf8')) as ExpectedOccurrence[];
  found = [];
  errors = [];
  for (const folder of await repositoryFolders()) {
    const discovery = await discoverRepository(path.join(FIXTURES, folder));
    for (const occurrence of discovery.occurrences) found.push({ ...occurrence, file: `${folder}/${occurrence.file}` });
    for (const error of discovery.errors) errors.push({ ...error, file: `${folder}/${error.file}` });
  }
});

describe('discovery on real public repositories', () => {
  it('finds exactly the hand-listed occurrences (none missed, none invented)', () => {
    const expectedKeys = new Set(expected.map(keyOf));
    const foundKeys = new Set(found.map(keyOf));
    const missing = [...expectedKeys].filter((key) => !foundKeys.has(key)).sort();
    const invented = [...foundKeys].filter((key) => !expectedKeys.has(key)).sort();
    const report = [
      `missing (${missing.length}):`,
      ...missing.map((key) => `  - ${key}`),
      `invented (${invented.length}):`,
      ...invented.map((key) => `  + ${key}`),
      ...(errors.length > 0 ? ['scan errors:', ...errors.map((error) => `  ! ${error.file}: ${error.message}`)] : []),
    ].join('\n');
    expect({ missing, invented }, report).toEqual({ missing: [], invented: [] });
  });

  it('hand-listed positions point at the raw text (the expectation file itself is sound)', async () => {
    for (const occurrence of expected) {
      const source = await readFile(path.join(FIXTURES, occurrence.file), 'utf8');
      expect(textAt(source, occurrence.line, occurrence.column, occurrence.raw.length), keyOf(occurrence)).toBe(occurrence.raw);
    }
  });

  it('every occurrence found points at its raw text', async () => {
    const sources = new Map<string, string>();
    for (const occurrence of found) {
      let source = sources.get(occurrence.file);
      if (source === undefined) {
        source = await readFile(path.join(FIXTURES, occurrence.file), 'utf8');
        sources.set(occurrence.file, source);
      }
      expect(textAt(source, occurrence.line, occurrence.column, occurrence.raw.length), keyOf(occurrence)).toBe(occurrence.raw);
    }
  });
});
