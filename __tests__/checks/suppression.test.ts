import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDirective, parseSuppression, SuppressionIndex, unknownSuppressionRules } from '../../src/checks/suppression.js';

describe('parseSuppression', () => {
  it.each([
    ['    image: nginx:latest # verify-images: ignore mutable-tag', { rules: ['mutable-tag'] }],
    ['# verify-images: ignore mutable-tag,unpinned demo only', { rules: ['mutable-tag', 'unpinned'], reason: 'demo only' }],
    ['  // verify-images: ignore unpinned   pinned by the release job  ', { rules: ['unpinned'], reason: 'pinned by the release job' }],
    ['#verify-images:ignore *', { rules: ['*'] }],
    ['# verify-images: ignore all generated', { rules: ['*'], reason: 'generated' }],
    ['# verify-images: ignore', { rules: ['*'] }],
  ])('%j', (line, expected) => {
    expect(parseSuppression(line)).toEqual(expected);
  });

  it.each([
    ['image: nginx:latest'],
    ['image: nginx:latest # keep latest here'],
    // Not a comment: the marker must follow whitespace or start the line.
    ['image: example.com/verify-images:ignore'],
    ['url: https://example.com/#verify-images: ignore unpinned'],
    ['# verify-images: check unpinned'],
  ])('no directive in %j', (line) => {
    expect(parseSuppression(line)).toBeUndefined();
  });
});

describe('parseSuppression edges', () => {
  it('drops empty entries of the rule list (a doubled or trailing comma)', () => {
    expect(parseSuppression('# verify-images: ignore unpinned,,mutable-tag, why')).toEqual({ rules: ['unpinned', 'mutable-tag'], reason: 'why' });
    expect(parseSuppression('# verify-images: ignore unpinned,')).toEqual({ rules: ['unpinned'] });
  });

  it('searches lines up to 4096 characters and no longer ones', () => {
    const directive = '# verify-images: ignore unpinned';
    const padded = (length: number) => `${'x'.repeat(length - directive.length - 1)} ${directive}`;
    expect(padded(4096)).toHaveLength(4096);
    expect(parseSuppression(padded(4096))).toEqual({ rules: ['unpinned'] });
    expect(parseSuppression(padded(4097))).toBeUndefined();
  });

  it('keeps the reason whole and trimmed, spaces inside included', () => {
    expect(parseSuppression('# verify-images: ignore unpinned    pinned  by the   release job   ')).toEqual({
      rules: ['unpinned'],
      reason: 'pinned  by the   release job',
    });
  });
});

describe('SuppressionIndex', () => {
  const sources = new Map([
    [
      'compose.yaml',
      [
        'services:',
        '  web:',
        '    # verify-images: ignore unpinned',
        '    image: nginx:1.25',
        '  api:',
        '    image: ghcr.io/org/api:1 # verify-images: ignore unpinned',
        '    image: ghcr.io/org/worker:1',
      ].join('\r\n'),
    ],
  ]);
  const index = new SuppressionIndex(sources);

  it('applies a comment-only line to the line below', () => {
    expect(index.find('compose.yaml', 4, 'unpinned')).toEqual({ rules: ['unpinned'], line: 3 });
    expect(index.find('compose.yaml', 4, 'mutable-tag')).toBeUndefined();
  });

  it('applies a trailing comment to its own line only', () => {
    expect(index.find('compose.yaml', 6, 'unpinned')).toEqual({ rules: ['unpinned'], line: 6 });
    expect(index.find('compose.yaml', 7, 'unpinned')).toBeUndefined();
  });

  it('finds nothing for files without source text', () => {
    expect(index.find('other.yaml', 1, 'unpinned')).toBeUndefined();
  });
});

describe('unknownSuppressionRules', () => {
  it('lists rule names no rule has, by file and line, and accepts every real rule, * and all', () => {
    const sources = new Map([
      ['compose.yaml', 'services:\n  a:\n    image: redis:7  # verify-images: ignore unpined typo\n  b:\n    # verify-images: ignore mutable-tag,bogus\n    image: busybox\n'],
      ['Dockerfile', '# verify-images: ignore all\nFROM alpine:3.20\n# verify-images: ignore * reason\n# verify-images: ignore\n'],
    ]);
    expect(unknownSuppressionRules(sources, ['unpinned', 'mutable-tag'])).toEqual([
      { file: 'compose.yaml', line: 3, rule: 'unpined' },
      { file: 'compose.yaml', line: 5, rule: 'bogus' },
    ]);
  });
});

describe('directive search', () => {
  const DIRECTIVE = /(?:^|\s)(?:#|\/\/)\s*verify-images:\s*ignore(?:\s+(\S+)(?:\s+(.*?))?)?\s*$/;

  // An empty reason (the pattern's lazy `(.*?)` before trailing blanks) is no reason to parseSuppression either.
  it('finds what the replaced pattern found, rules and reason', () => {
    const units = [' ', '\t', '#', '//', 'verify-images:', 'ignore', 'unpinned,typosquat', 'a', 'x y', '\u2028', '\u00a0', ':'];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...units), maxLength: 14 }), (line) => {
        const match = DIRECTIVE.exec(line);
        expect(findDirective(line)).toEqual(match ? { ...(match[1] === undefined ? {} : { list: match[1] }), ...(match[2] === undefined || match[2] === '' ? {} : { reason: match[2] }) } : undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a line of markers once (each was a start read to the end of the line: 22 ms for 4,096 characters)', () => {
    const marker = ' # verify-images: ignore x   ';
    const line = marker.repeat(10_000);
    // A line terminator inside every reason: no marker matches.
    expect(findDirective(`${line}y\u2028z`)).toBeUndefined();
    expect(findDirective(`${line}y`)).toEqual({ list: 'x', reason: `${line.slice(marker.length)}y`.trim() });
  });
});
