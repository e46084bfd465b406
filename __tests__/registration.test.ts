/**
 * Registration completeness, in Renovate's manner: a rule or a file kind that exists but is left
 * out of its list compiles and passes every other test, so these tests look at the modules
 * themselves. Each check is also run against a list with one entry removed, to show that it fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS, type Check } from '../src/checks/index.js';
import { RULES } from '../src/checks/rules.js';
import { DISCOVERERS } from '../src/discover/index.js';
import type { Discoverer } from '../src/discover/types.js';
import { parseReport } from '../src/github/handoff.js';
import { KINDS, RULE_IDS, type Finding, type Kind, type ResolvedOccurrence, type RuleId } from '../src/model.js';
import { renderJson } from '../src/report/json.js';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

function modulesUnder(dir: string): string[] {
  return readdirSync(path.join(SRC, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(SRC, dir, file));
}

async function exportsOf(files: string[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const file of files) values.push(...Object.values(await import(pathToFileURL(file).href)));
  return values;
}

const isDiscoverer = (value: unknown): value is Discoverer =>
  typeof value === 'object' && value !== null && typeof (value as Discoverer).kind === 'string' && typeof (value as Discoverer).extract === 'function';

const isCheck = (value: unknown): value is Check =>
  typeof value === 'object' && value !== null && typeof (value as Check).rule === 'string' && typeof (value as Check).run === 'function';

/** Exported discoverers that DISCOVERERS does not list. */
function unregistered<T>(exported: T[], registered: readonly T[]): T[] {
  return [...new Set(exported)].filter((value) => !registered.includes(value));
}

/** Kinds no registered discoverer produces. */
function kindsWithoutDiscoverer(discoverers: readonly Discoverer[]): Kind[] {
  return KINDS.filter((kind) => !discoverers.some((discoverer) => discoverer.kind === kind));
}

/** Rules no registered check reports. */
/** Rules about something other than an image occurrence, reported outside the checks. */
const REPORTED_OUTSIDE_CHECKS: RuleId[] = [
  // Compares the base commit's policy with the pull request's: src/github/policy-change.ts.
  'policy-loosened',
];

function rulesWithoutCheck(checks: readonly Check[]): RuleId[] {
  const reported = new Set<RuleId>([...checks.flatMap((check) => [check.rule, ...(check.rules ?? [])]), ...REPORTED_OUTSIDE_CHECKS]);
  return RULE_IDS.filter((rule) => !reported.has(rule));
}

describe('every file kind is registered', () => {
  it('every discoverer exported under src/discover is in DISCOVERERS', async () => {
    const exported = (await exportsOf(modulesUnder('discover'))).filter(isDiscoverer);
    expect(exported.length).toBeGreaterThanOrEqual(DISCOVERERS.length);
    expect(unregistered(exported, DISCOVERERS).map((d) => d.kind)).toEqual([]);
    // Left out of the list, a discoverer is caught.
    expect(unregistered(exported, DISCOVERERS.slice(1)).map((d) => d.kind)).toEqual([DISCOVERERS[0].kind]);
  });

  it('every Kind has a discoverer, and a kind without one is caught', () => {
    expect(kindsWithoutDiscoverer(DISCOVERERS)).toEqual([]);
    const dockerfileless = DISCOVERERS.filter((discoverer) => discoverer.kind !== 'dockerfile');
    expect(kindsWithoutDiscoverer(dockerfileless)).toEqual(['dockerfile']);
  });

  it('the fork hand-off reads back an occurrence of every Kind', () => {
    const occurrences: ResolvedOccurrence[] = KINDS.map((kind, index) => ({
      file: `f${index}`, line: 1, column: 1, kind, raw: 'nginx:1.27', reference: 'docker.io/library/nginx:1.27',
    }));
    const report = parseReport(renderJson({ schemaVersion: 1, occurrences, findings: [], errors: [] }));
    expect(report.occurrences.map((occurrence) => occurrence.kind)).toEqual([...KINDS]);
  });
});

describe('every rule is registered', () => {
  it('every check exported under src/checks is in CHECKS', async () => {
    const exported = (await exportsOf(modulesUnder('checks'))).filter(isCheck);
    expect(unregistered(exported, CHECKS).map((check) => check.rule)).toEqual([]);
    expect(unregistered(exported, CHECKS.slice(1)).map((check) => check.rule)).toEqual([CHECKS[0].rule]);
  });

  it('every rule id is reported by some check, and a rule left without one is caught', () => {
    expect(rulesWithoutCheck(CHECKS)).toEqual([]);
    const first = CHECKS[0];
    expect(rulesWithoutCheck(CHECKS.slice(1))).toEqual(expect.arrayContaining([first.rule]));
  });

  it('every rule has metadata under its own id', () => {
    for (const rule of RULE_IDS) expect(RULES[rule].id).toBe(rule);
    expect(Object.keys(RULES).sort()).toEqual([...RULE_IDS].sort());
  });

  it('every rule is in the README rules table', () => {
    const readme = readFileSync(path.join(SRC, '..', 'README.md'), 'utf8');
    const documented = RULE_IDS.filter((rule) => readme.includes(`\`${rule}\``));
    expect(documented).toEqual([...RULE_IDS]);
  });

  it('the fork hand-off reads back a finding of every rule', () => {
    const findings: Finding[] = RULE_IDS.map((rule) => ({
      rule, severity: 'warning', file: 'Dockerfile', line: 1, column: 6, reference: null, raw: 'x', message: rule,
    }));
    const report = parseReport(renderJson({ schemaVersion: 1, occurrences: [], findings, errors: [] }));
    expect(report.findings.map((finding) => finding.rule)).toEqual([...RULE_IDS]);
  });
});
