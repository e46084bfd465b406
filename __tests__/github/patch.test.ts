import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../src/github/patch.js';

const patch = readFileSync(new URL('../fixtures/github/compose.patch', import.meta.url), 'utf8');

describe('diffLines', () => {
  it('lists right-side lines of every hunk as commentable, and the added ones', () => {
    const { commentable, added } = diffLines(patch);
    expect([...commentable]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 21, 22]);
    expect([...added]).toEqual([7, 8, 22]);
  });

  it('keeps the text of each added line', () => {
    expect([...diffLines(patch).addedText]).toEqual([
      [7, '    image: ngnix:latest'],
      [8, '    restart: always'],
      [22, '    image: redis:7.4-alpine'],
    ]);
  });

  it('has no lines for a file GitHub sends without a patch', () => {
    expect(diffLines(undefined).commentable.size).toBe(0);
    expect(diffLines('').added.size).toBe(0);
  });

  it('ignores text before the first hunk', () => {
    expect([...diffLines('+not a hunk\n@@ -0,0 +1 @@\n+FROM alpine').added]).toEqual([1]);
  });
});
