import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/model.js';
import type { ScanResult } from '../../src/model.js';
import { buildSarif, MAX_SARIF_RESULTS } from '../../src/report/sarif.js';

const result = JSON.parse(readFileSync(new URL('../fixtures/report/scan-result.json', import.meta.url), 'utf8')) as ScanResult;
const schema = JSON.parse(readFileSync(new URL('../fixtures/report/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
const validate = new (AjvDraft04 as unknown as typeof AjvDraft04.default)({ allErrors: true, strict: false, logger: false }).compile(schema);

type Run = { tool: { driver: { rules: Array<{ id: string }> } }; results: Array<Record<string, any>>; invocations: Array<Record<string, any>> };

describe('SARIF report', () => {
  const sarif = buildSarif(result, { toolVersion: '0.1.0' });
  const run = (sarif.runs as Run[])[0];

  it('validates against the SARIF 2.1.0 schema', () => {
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has one rule entry per rule, and results point at their rule by id and index', () => {
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(RULE_IDS);
    for (const sarifResult of run.results) expect(run.tool.driver.rules[sarifResult.ruleIndex].id).toBe(sarifResult.ruleId);
  });

  it('gives exact regions spanning the text as written', () => {
    const typosquat = run.results[0];
    expect(typosquat.locations[0].physicalLocation.region).toEqual({ startLine: 10, startColumn: 12, endLine: 10, endColumn: 12 + 'ngnix:latest'.length });
    expect(typosquat.locations[0].physicalLocation.artifactLocation.uri).toBe('docker-compose.yml');
    expect(typosquat.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe('nginx:latest');
  });

  it('marks suppressed findings with their justification', () => {
    const unpinned = run.results.find((sarifResult) => sarifResult.ruleId === 'unpinned')!;
    expect(unpinned.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'pinned by the deploy tool' }]);
    expect(run.results.filter((sarifResult) => sarifResult.suppressions)).toHaveLength(1);
  });

  it('keeps fingerprints stable when a finding moves to another line, and distinct for repeats', () => {
    const moved: ScanResult = { ...result, findings: result.findings.map((finding) => ({ ...finding, line: finding.line + 7 })) };
    const movedRun = (buildSarif(moved).runs as Run[])[0];
    expect(movedRun.results.map((r) => r.partialFingerprints)).toEqual(run.results.map((r) => r.partialFingerprints));
    const twice: ScanResult = { ...result, findings: [result.findings[0], { ...result.findings[0], line: 40 }] };
    const twiceRun = (buildSarif(twice).runs as Run[])[0];
    expect(twiceRun.results[0].partialFingerprints).not.toEqual(twiceRun.results[1].partialFingerprints);
  });

  it('keeps every fingerprint when another file gains the same finding, before or after it', () => {
    // Mutants that dropped the file from the key, or counted repeats across files, survived before.
    const copy = { ...result.findings[0], file: 'other/docker-compose.yml', line: 3 };
    for (const findings of [[copy, ...result.findings], [...result.findings, copy]]) {
      const grownRun = (buildSarif({ ...result, findings }).runs as Run[])[0];
      const byLocation = (r: Record<string, any>) => `${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}:${r.ruleId}`;
      const before = new Map(run.results.map((r) => [byLocation(r), r.partialFingerprints]));
      for (const grown of grownRun.results) if (before.has(byLocation(grown))) expect(grown.partialFingerprints).toEqual(before.get(byLocation(grown)));
      const added = grownRun.results.find((r) => byLocation(r).startsWith('other/'))!;
      expect(added.partialFingerprints).not.toEqual(run.results[0].partialFingerprints);
    }
  });

  it('percent-encodes each path segment, so # and ? in file names stay part of the path', () => {
    const odd: ScanResult = { ...result, findings: [{ ...result.findings[0], file: 'deploy/a#b?c d.yaml' }] };
    const oddRun = (buildSarif(odd).runs as Run[])[0];
    expect(oddRun.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/a%23b%3Fc%20d.yaml');
  });

  it('shows a Helm image\'s template lines as relatedLocations, and stays valid SARIF', () => {
    const related = [{ file: 'chart/templates/deployment.yaml', line: 32, column: 19, message: 'the template line that renders this image' }];
    const helm: ScanResult = { ...result, findings: [{ ...result.findings[0], file: 'chart/values.yaml', related }] };
    const helmSarif = buildSarif(helm);
    expect(validate(helmSarif), JSON.stringify(validate.errors)).toBe(true);
    expect((helmSarif.runs as Run[])[0].results[0].relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: 'chart/templates/deployment.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 32, startColumn: 19 } },
        message: { text: 'the template line that renders this image' },
      },
    ]);
  });

  it('reports files that were not checked as tool notifications', () => {
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^broken\.yaml: /);
  });

  it('stays within GitHub\'s per-run result limit and says what was left out', () => {
    const many: ScanResult = { ...result, findings: Array.from({ length: MAX_SARIF_RESULTS + 5 }, (_, line) => ({ ...result.findings[0], line: line + 1 })) };
    const manyRun = (buildSarif(many).runs as Run[])[0];
    expect(manyRun.results).toHaveLength(MAX_SARIF_RESULTS);
    expect(manyRun.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^5 findings left out/);
  });
});
