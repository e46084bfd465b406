// The texts discoverers read through the context are kept up to a bound, so a repository of many
// large files a reader lists is not held in memory whole; beyond it a file is read again.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { TextCache } from '../../src/discover/text-cache.js';

describe('TextCache', () => {
  it('keeps texts until the bound, and no more', () => {
    const cache = new TextCache(10);
    expect(cache.keep('a', 'x'.repeat(6))).toBe(true);
    expect(cache.keep('absent', undefined)).toBe(true);
    expect(cache.keep('b', 'y'.repeat(5))).toBe(false);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('absent')).toBe(true);
    expect(cache.size).toBe(6);
    // Replacing a text counts its new size only.
    expect(cache.keep('a', 'z'.repeat(10))).toBe(true);
    expect(cache.size).toBe(10);
    cache.delete('a');
    expect(cache.size).toBe(0);
    expect(cache.keep('b', 'y'.repeat(5))).toBe(true);
  });
});

describe('discovery with nothing kept', () => {
  it('finds the same as with the default bound: readers of other files read them again', async () => {
    const root = path.join(import.meta.dirname, '../fixtures/discover');
    const kept = await discoverRepository(root);
    const none = await discoverRepository(root, { maxCachedText: 0 });
    expect(kept.occurrences.length).toBeGreaterThan(500);
    expect(none.occurrences).toEqual(kept.occurrences);
    expect(none.unscanned).toEqual(kept.unscanned);
    expect(none.errors).toEqual(kept.errors);
  });
});
