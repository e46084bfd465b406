import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HandoffError, parseMetadata, parseReport, sourceLinesFor } from '../../src/github/handoff.js';
import type { Finding } from '../../src/model.js';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'github', 'handoff', name), 'utf8');

describe('the report hand-off between workflows', () => {
  it('reads metadata, dropping unknown aspects, without letting "__proto__" touch a prototype', () => {
    const metadata = parseMetadata(fixture('metadata.valid.json'));
    expect(metadata.pullNumber).toBe(42);
    expect(metadata.pathPrefix).toBe('deploy/');
    expect(metadata.delta![1].aspects).toEqual(['tag']);
    expect(metadata.sourceLines['docker-compose.yml']['9']).toBe('    image: ngnix:latest');
    expect(Object.getPrototypeOf(metadata.sourceLines)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a path prefix that leaves the repository', () => {
    expect(() => parseMetadata(fixture('metadata.traversal.json'))).toThrow(new HandoffError('metadata.pathPrefix: must be a relative path inside the repository'));
  });

  it('rejects a source "line" that holds several lines (it would end the suggestion fence)', () => {
    expect(() => parseMetadata(fixture('metadata.multiline-source.json'))).toThrow(/must be one line/);
  });

  it('rejects a report naming a rule verify-images does not have', () => {
    expect(() => parseReport(fixture('report.bad-rule.json'))).toThrow('report.findings[0].rule: "run-this" is not a verify-images rule');
  });

  it('rejects a finding whose file leaves the repository', () => {
    const report = JSON.parse(fixture('report.bad-rule.json'));
    report.findings[0].rule = 'typosquat';
    report.findings[0].file = 'a/../../etc/passwd';
    expect(() => parseReport(JSON.stringify(report))).toThrow('report.findings[0].file: must be a relative path inside the repository');
  });

  it("keeps an inline suppression's own line, so the commenting run can tell one the pull request added", () => {
    const report = JSON.parse(fixture('report.bad-rule.json'));
    report.findings[0].rule = 'typosquat';
    report.findings[0].suppressed = true;
    report.findings[0].suppression = { kind: 'inline', reason: 'our fork', line: 3 };
    expect(parseReport(JSON.stringify(report)).findings[0].suppressed).toEqual({ kind: 'inline', reason: 'our fork', line: 3 });
    report.findings[0].suppression.line = -1;
    expect(() => parseReport(JSON.stringify(report))).toThrow(/report\.findings\[0\]\.suppression\.line/);
  });

  it('keeps the source lines of unsuppressed findings, without carriage returns', () => {
    const findings: Finding[] = [
      { rule: 'typosquat', severity: 'error', file: 'c.yml', line: 2, column: 10, reference: null, raw: 'ngnix', message: 'm', suggestion: 'nginx' },
      { rule: 'unpinned', severity: 'warning', file: 'c.yml', line: 3, column: 10, reference: null, raw: 'redis', message: 'm' },
      { rule: 'unpinned', severity: 'warning', file: 'c.yml', line: 4, column: 10, reference: null, raw: 'alpine', message: 'm', suppressed: { kind: 'inline' } },
    ];
    expect(JSON.parse(JSON.stringify(sourceLinesFor(findings, new Map([['c.yml', 'a: 1\r\nimage: ngnix\r\nimage: redis\r\nimage: alpine\r\n']]))))).toEqual({
      'c.yml': { '2': 'image: ngnix', '3': 'image: redis' },
    });
  });

  it('splits each file once, not once per finding (4,000 findings on the long lines of an 8 MB manifest took 1.1 s)', () => {
    const text = Array.from({ length: 4_000 }, (_, index) => `    image: ${'x'.repeat(2_100)}${index}`).join('\n');
    const findings: Finding[] = Array.from({ length: 4_000 }, (_, index) => ({ rule: 'unpinned', severity: 'warning', file: 'big.yaml', line: index + 1, column: 12, reference: null, raw: 'x', message: 'm' }));
    let reads = 0;
    const sources = new (class extends Map<string, string> {
      override get(key: string): string | undefined {
        reads++;
        return super.get(key);
      }
    })([['big.yaml', text]]);
    // Every line is longer than a suggestion may quote: none is kept, and the file was still read once.
    expect(sourceLinesFor(findings, sources)).toEqual({});
    expect(reads).toBe(1);
  });
});
