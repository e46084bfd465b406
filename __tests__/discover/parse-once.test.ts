// A compose file is parsed once per scan: the compose index (who builds each Dockerfile) keeps its
// parse, and the compose discoverer takes it when the walk reaches the file (issue 15).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { parseAndKeep, takeParse } from '../../src/discover/parse-once.js';
import type { DiscoverContext } from '../../src/discover/types.js';

function scanContext(): DiscoverContext {
  return { buildArgs: {}, readFile: () => Promise.resolve(undefined), listFiles: () => Promise.resolve([]) };
}

const COMPOSE = 'services:\n  web:\n    build: .\n    image: acme/web:1\n';

describe('parse once', () => {
  it('hands the kept parse of the same text to the second reader, once', () => {
    const context = scanContext();
    const kept = parseAndKeep(context, 'compose.yaml', COMPOSE);
    expect(takeParse(context, 'compose.yaml', COMPOSE)).toBe(kept);
    // Taken, it is forgotten: a third reader parses again.
    const again = takeParse(context, 'compose.yaml', COMPOSE);
    expect(again).not.toBe(kept);
    expect(String(again.documents[0]?.toJSON().services.web.image)).toBe('acme/web:1');
  });

  it('parses the text it is given when the kept parse is of other text, another path or another scan', () => {
    const context = scanContext();
    const kept = parseAndKeep(context, 'compose.yaml', COMPOSE);
    expect(takeParse(scanContext(), 'compose.yaml', COMPOSE)).not.toBe(kept);
    expect(takeParse(context, 'other/compose.yaml', COMPOSE)).not.toBe(kept);
    const changed = takeParse(context, 'compose.yaml', COMPOSE.replace('acme/web:1', 'acme/web:2'));
    expect(String(changed.documents[0]?.toJSON().services.web.image)).toBe('acme/web:2');
  });

  it('keeps no more than its bound of text', () => {
    const context = scanContext();
    const large = `services:\n  web:\n    image: acme/web:1\n    command: "${'x'.repeat(300_000)}"\n`;
    const first = parseAndKeep(context, 'a/compose.yaml', large);
    const second = parseAndKeep(context, 'b/compose.yaml', large);
    expect(takeParse(context, 'a/compose.yaml', large)).toBe(first);
    expect(takeParse(context, 'b/compose.yaml', large)).not.toBe(second);
    // Taking the first freed its share of the bound.
    const third = parseAndKeep(context, 'c/compose.yaml', large);
    expect(takeParse(context, 'c/compose.yaml', large)).toBe(third);
  });

  it('finds in a repository of built compose services what a fresh parse of each file finds', async () => {
    const root = path.join(import.meta.dirname, '../fixtures/discover');
    const discovery = await discoverRepository(root);
    const composeOccurrences = discovery.occurrences.filter((occurrence) => occurrence.kind === 'compose');
    expect(composeOccurrences.length).toBeGreaterThan(0);
    const alone = await Promise.all([...new Set(composeOccurrences.map((occurrence) => occurrence.file))].map((file) => discoverRepository(root, { onlyFiles: [file] })));
    expect(alone.flatMap((one) => one.occurrences.filter((occurrence) => occurrence.kind === 'compose'))).toEqual(composeOccurrences);
  });
});
