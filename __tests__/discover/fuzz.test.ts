/**
 * Property tests for every discovery module (issue 12): real fixture files, mutated at random
 * (bytes inserted, ranges deleted or duplicated, line ends changed, template and variable syntax
 * spliced in), and arbitrary bytes never make a discoverer fail other than by throwing an Error
 * (which the scanner turns into a `file-not-scanned` finding), never make the scanner reject, and
 * every occurrence a discoverer reports in the file points at its raw text.
 */
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCOVERERS, discoverRepository } from '../../src/discover/index.js';
import { LineIndex } from '../../src/discover/position.js';
import type { DiscoverContext, Discoverer } from '../../src/discover/types.js';
import { readTextFileSync, walkRepositorySync } from '../../src/discover/walk.js';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const RUNS_PER_KIND = 40;

const fixtureFiles = walkRepositorySync(FIXTURES).files.flatMap((file) => {
  const text = readTextFileSync(path.join(FIXTURES, file), 2 * 1024 * 1024).text;
  return text === undefined ? [] : [{ file, text }];
});

const context: DiscoverContext = {
  buildArgs: {},
  readFile: async (file) => readTextFileSync(path.join(FIXTURES, file), 2 * 1024 * 1024).text,
  listFiles: async () => [],
};

const SPLICES = ['\n', '\r', '\r\n', '\t', ' ', ':', '- ', '{{', '}}', '{{ .Values.image }}', '${', '}', '$X', '"', "'", '\\', '&a', '*a', '<<: *a', '[', ']', '{', '}', '#', 'image: ', 'FROM ', '@sha256:', '\u0085', '\u2028', '\ufeff', '\ud800', '😀'];

/** A mutation: what to splice where, as fractions of the length so it applies to any file. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.oneof(fc.constantFrom(...SPLICES), fc.string({ maxLength: 8 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('lineEnds' as const), to: fc.constantFrom('\r\n', '\r') }),
);

/** `a/b/c` -> `a/b/c`, `b/c`, `c`. */
function suffixes(file: string): string[] {
  const parts = file.split('/');
  return parts.map((_, index) => parts.slice(index).join('/'));
}

function mutate(text: string, mutations: ReadonlyArray<Record<string, unknown>>): string {
  let out = text;
  for (const m of mutations as Array<{ op: string; at?: number; text?: string; length?: number; to?: string }>) {
    const at = Math.floor((m.at ?? 0) * out.length);
    if (m.op === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.op === 'delete') out = out.slice(0, at) + out.slice(at + (m.length ?? 1));
    else if (m.op === 'duplicate') out = out.slice(0, at + (m.length ?? 1)) + out.slice(at, at + (m.length ?? 1)) + out.slice(at + (m.length ?? 1));
    else out = out.replaceAll('\n', m.to ?? '\n');
  }
  return out;
}

/** Runs one discoverer as the scanner does; returns the problem when an invariant breaks. */
async function extractChecked(discoverer: Discoverer, file: string, text: string): Promise<void> {
  let extraction;
  try {
    extraction = await discoverer.extract({ path: file, text }, context);
  } catch (error) {
    // The scanner catches this and reports the file as not scanned; anything else would escape.
    expect(error).toBeInstanceOf(Error);
    return;
  }
  const lines = new LineIndex(text);
  for (const occurrence of extraction.occurrences) {
    expect(occurrence.line).toBeGreaterThanOrEqual(1);
    expect(occurrence.column).toBeGreaterThanOrEqual(1);
    if (occurrence.file !== file) continue;
    expect(text.startsWith(occurrence.raw, lines.offsetAt(occurrence)), `${discoverer.kind} ${file} ${occurrence.line}:${occurrence.column}`).toBe(true);
  }
  for (const message of extraction.errors ?? []) expect(typeof message).toBe('string');
}

describe.each(DISCOVERERS.map((discoverer) => [discoverer.kind + (discoverer === DISCOVERERS.find((d) => d.kind === discoverer.kind) ? '' : ' (2)'), discoverer] as const))('%s', (_kind, discoverer) => {
  // Fixtures sit in folders of __tests__/fixtures: a file is tried under each suffix of its path
  // (`…/repo/.github/workflows/ci.yml` is a workflow as `.github/workflows/ci.yml`).
  const own = fixtureFiles.flatMap(({ file, text }) => {
    const suffix = suffixes(file).find((candidate) => discoverer.matches(candidate, text) || discoverer.matchesContent?.(candidate, text));
    return suffix === undefined ? [] : [{ file: suffix, text }];
  });

  it('mutated fixture files: an Error or occurrences that point at their text', async () => {
    expect(own.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...own), fc.array(mutation, { minLength: 1, maxLength: 6 }), async ({ file, text }, mutations) => {
        await extractChecked(discoverer, file, mutate(text, mutations));
      }),
      { numRuns: RUNS_PER_KIND },
    );
  });

  it('arbitrary text under its file names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...own.map(({ file }) => file)), fc.string({ unit: 'binary', maxLength: 300 }), async (file, text) => {
        await extractChecked(discoverer, file, text);
      }),
      { numRuns: RUNS_PER_KIND / 2 },
    );
  });
});

describe('the scanner never rejects', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vi-fuzz-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const names = ['Dockerfile', 'compose.yaml', 'deploy.yaml', '.gitlab-ci.yml', '.github/workflows/ci.yml', 'values.yaml', 'Chart.yaml', 'templates/x.yaml', 'kustomization.yaml', '.devcontainer/devcontainer.json', 'app.container'];

  it('on arbitrary bytes in files of every kind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...names), fc.uint8Array({ maxLength: 200 })), { minLength: 1, maxLength: 5 }), async (files) => {
        const directory = await mkdtemp(path.join(root, 'run-'));
        for (const [name, bytes] of files) {
          const target = path.join(directory, name);
          await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(target), { recursive: true }));
          await writeFile(target, bytes);
        }
        const discovery = await discoverRepository(directory);
        for (const entry of discovery.unscanned) expect(typeof entry.reason).toBe('string');
      }),
      { numRuns: 30 },
    );
  });
});
