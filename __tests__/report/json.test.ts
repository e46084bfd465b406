import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../src/github/handoff.js';
import type { ScanResult } from '../../src/model.js';
import { renderJson } from '../../src/report/json.js';

const result = JSON.parse(readFileSync(new URL('../fixtures/report/scan-result.json', import.meta.url), 'utf8')) as ScanResult;

describe('JSON report', () => {
  const report = JSON.parse(renderJson(result));

  it('keeps the contract: schemaVersion 1 and the three lists, plus notes when there are any', () => {
    expect(Object.keys(report)).toEqual(['schemaVersion', 'occurrences', 'findings', 'errors', 'notes']);
    expect(report.schemaVersion).toBe(1);
    expect(report.occurrences).toEqual(result.occurrences);
  });

  it('marks a suppressed finding with "suppressed": true and says how and why beside it', () => {
    const suppressed = report.findings.filter((finding: { suppressed?: boolean }) => finding.suppressed !== undefined);
    expect(suppressed).toEqual([
      expect.objectContaining({ rule: 'unpinned', suppressed: true, suppression: { kind: 'inline', reason: 'pinned by the deploy tool' } }),
    ]);
    expect(report.findings.filter((finding: object) => 'suppression' in finding)).toHaveLength(1);
  });

  it('reads back into the same findings in the pull-request hand-off', () => {
    const parsed = parseReport(renderJson(result));
    expect(parsed.findings).toEqual(result.findings);
  });
});
