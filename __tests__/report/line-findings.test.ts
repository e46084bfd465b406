import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { groupByLine } from '../../src/report/line-findings.js';

const finding = (file: string, line: number, rule: Finding['rule'], severity: Finding['severity'], extra: Partial<Finding> = {}): Finding => ({
  rule,
  severity,
  file,
  line,
  column: 6,
  reference: 'docker.io/library/nginx:1',
  raw: 'nginx:1',
  message: `${rule} at ${file}:${line}`,
  ...extra,
});

describe('groupByLine', () => {
  it('groups findings interleaved across files by file and line, errors first, then by file and line', () => {
    const findings = [
      finding('b/Dockerfile', 2, 'unpinned', 'warning'),
      finding('a/Dockerfile', 2, 'mutable-tag', 'note'),
      finding('b/Dockerfile', 1, 'unsigned', 'error'),
      finding('a/Dockerfile', 2, 'unpinned', 'warning'),
      finding('b/Dockerfile', 2, 'unsigned', 'error'),
      finding('a/Dockerfile', 10, 'unpinned', 'warning'),
      finding('a/Dockerfile', 1, 'unpinned', 'warning', { suppressed: { kind: 'inline' } }),
      finding('b/Dockerfile', 1, 'mutable-tag', 'note'),
      finding('b/Dockerfile', 5, 'unpinned', 'warning'),
    ];
    const groups = groupByLine(findings);
    expect(groups.map((group) => [group.file, group.line, group.severity, group.findings.map((f) => f.rule), group.rules])).toEqual([
      ['b/Dockerfile', 1, 'error', ['unsigned', 'mutable-tag'], ['mutable-tag', 'unsigned']],
      ['b/Dockerfile', 2, 'error', ['unsigned', 'unpinned'], ['unpinned', 'unsigned']],
      ['a/Dockerfile', 2, 'warning', ['unpinned', 'mutable-tag'], ['mutable-tag', 'unpinned']],
      ['a/Dockerfile', 10, 'warning', ['unpinned'], ['unpinned']],
      ['b/Dockerfile', 5, 'warning', ['unpinned'], ['unpinned']],
    ]);
  });
});
