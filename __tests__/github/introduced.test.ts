import { describe, expect, it } from 'vitest';
import { changeIndex, onFirstAddedLine } from '../../src/github/introduced.js';
import { diffLines } from '../../src/github/patch.js';
import type { Finding } from '../../src/model.js';

const at = (file: string, line: number, rule: Finding['rule'] = 'unpinned'): Finding => ({ rule, severity: 'warning', file, line, column: 1, reference: null, raw: 'x', message: 'm' });

// compose.yaml: lines 3-5 in a hunk, line 4 added; other.yaml untouched.
const files = [{ filename: 'app/compose.yaml', status: 'modified', lines: diffLines('@@ -3,2 +3,3 @@\n a\n+b\n c') }];

describe('which findings a pull request introduced', () => {
  const index = changeIndex({ files, pathPrefix: 'app/', delta: [{ change: 'changed', before: 'x:1', after: 'x:2', locations: ['other.yaml:7'] }] });

  it('counts a finding on an added line, or on an image the delta says is new or changed', () => {
    expect(index.introduced(at('compose.yaml', 4))).toBe(true);
    expect(index.introduced(at('other.yaml', 7))).toBe(true);
    expect(index.introduced(at('compose.yaml', 3))).toBe(false);
    expect(index.introduced(at('other.yaml', 8))).toBe(false);
    expect(index.introduced(at('.github/verify-images.yml', 1, 'policy-loosened'))).toBe(true);
  });

  it.each([
    ['added', [true, false, false, false]],
    ['diff_context', [true, true, false, false]],
    ['file', [true, true, true, false]],
    ['nofilter', [true, true, true, true]],
  ] as const)('filter-mode %s lets through: added line, context line, elsewhere in the file, another file', (mode, expected) => {
    expect([at('compose.yaml', 4), at('compose.yaml', 5), at('compose.yaml', 40), at('other.yaml', 1)].map((finding) => index.passes(finding, mode))).toEqual(expected);
  });

  it('orders by closeness to the change', () => {
    expect([4, 5, 40].map((line) => index.closeness(at('compose.yaml', line)))).toEqual([2, 1, 0]);
    expect(index.closeness(at('other.yaml', 1))).toBe(-1);
  });

  it('knows nothing without the files or the delta, and filters nothing then', () => {
    const unknown = changeIndex({ pathPrefix: '' });
    expect(unknown.known).toBe(false);
    expect(unknown.passes(at('x', 1), 'added')).toBe(true);
  });

  it('moves a whole-file finding to the first line the pull request adds there', () => {
    expect(onFirstAddedLine(at('compose.yaml', 1, 'policy-loosened'), { files, pathPrefix: 'app/' }).line).toBe(4);
    expect(onFirstAddedLine(at('other.yaml', 1, 'policy-loosened'), { files, pathPrefix: 'app/' }).line).toBe(1);
  });
});
