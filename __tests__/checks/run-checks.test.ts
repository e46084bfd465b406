import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, exitCodeFor, runChecks } from '../../src/checks/index.js';
import { invalidReferenceCheck } from '../../src/checks/invalid-reference.js';
import { mutableTagCheck } from '../../src/checks/mutable-tag.js';
import { impersonationCheck, typosquatCheck } from '../../src/checks/typosquat.js';
import type { Check } from '../../src/checks/types.js';
import { unpinnedCheck } from '../../src/checks/unpinned.js';
import { unresolvedReferenceCheck } from '../../src/checks/unresolved-reference.js';
import { untrustedRegistryCheck } from '../../src/checks/untrusted-registry.js';
import { defaultPolicy, loadPolicy } from '../../src/config/load.js';
import type { Finding } from '../../src/model.js';
import { splitReference } from '../../src/reference/index.js';
import { loadFixtureRepo, policies, repo } from './fixture-repo.js';

/** The offline rules of this module; the typosquat rules have their own tests. */
const OFFLINE: Check[] = [invalidReferenceCheck, unresolvedReferenceCheck, unpinnedCheck, mutableTagCheck, untrustedRegistryCheck];

const policyFile = (name: string) => loadPolicy(repo, path.join(policies, name));

function scan(policy = defaultPolicy(), checks: Check[] = OFFLINE): Finding[] {
  const { occurrences, sources } = loadFixtureRepo();
  return runChecks(occurrences, policy, sources, { checks });
}

const summary = (findings: Finding[]) =>
  findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.severity}${finding.suppressed ? ` [${finding.suppressed.kind}]` : ''}`);

describe('runChecks', () => {
  it('lists every rule module, the typosquat rules included', () => {
    for (const check of [...OFFLINE, typosquatCheck, impersonationCheck]) expect(CHECKS).toContain(check);
  });

  it('fills findings from occurrences and sorts them by file, line, column, rule', () => {
    const findings = scan();
    expect(summary(findings)).toEqual([
      // `latest` or no tag: one finding, `unpinned` (its digest also ends the mutability).
      '.devcontainer/devcontainer.json:3:13 unpinned warning',
      'Dockerfile:3:6 unpinned warning [inline]',
      'Dockerfile:8:6 unpinned warning',
      'build/Dockerfile:2:6 unpinned warning',
      'docker-compose.yml:3:12 unpinned warning',
      'docker-compose.yml:5:12 unpinned warning',
      'docker-compose.yml:7:12 unpinned warning',
      'docker-compose.yml:14:12 unresolved-reference note',
      'docker-compose.yml:16:12 invalid-reference error',
      'docker-compose.yml:18:12 unpinned warning [inline]',
      // Both suppressed: neither stands, so neither replaces the other.
      'docker-compose.yml:21:12 mutable-tag warning [inline]',
      'docker-compose.yml:21:12 unpinned warning [inline]',
      'examples/demo/compose.yaml:3:12 unpinned warning',
      'examples/demo/compose.yaml:5:12 unpinned warning',
    ]);
    const first = findings[1];
    expect(first).toEqual({
      rule: 'unpinned',
      severity: 'warning',
      file: 'Dockerfile',
      line: 3,
      column: 6,
      reference: 'docker.io/library/node:20-bookworm',
      raw: 'node:20-bookworm',
      message: 'node:20-bookworm is not pinned by digest: the tag 20-bookworm can be moved to other content at any time',
      // The comment alone on the line above: its own line is kept, so a pull request adding it is seen.
      suppressed: { kind: 'inline', reason: 'pinned by the release script', line: 2 },
    });
  });

  it('keeps inline suppressions with their reason: same line, line above, `*`, `//` comments', () => {
    const suppressed = scan(defaultPolicy()).filter((finding) => finding.suppressed);
    expect(suppressed.map((finding) => [finding.file, finding.line, finding.rule, finding.suppressed])).toEqual([
      ['Dockerfile', 3, 'unpinned', { kind: 'inline', reason: 'pinned by the release script', line: 2 }],
      ['docker-compose.yml', 18, 'unpinned', { kind: 'inline', reason: 'vendored until Q3', line: 18 }],
      ['docker-compose.yml', 21, 'mutable-tag', { kind: 'inline', line: 20 }],
      ['docker-compose.yml', 21, 'unpinned', { kind: 'inline', line: 20 }],
    ]);
  });

  it('suppresses by policy `ignore` entries: rule, paths and images must all match', async () => {
    const policy = await policyFile('ignores.yml');
    const findings = scan(policy);
    const byPolicy = findings.filter((finding) => finding.suppressed?.kind === 'policy');
    expect(byPolicy.map((finding) => [finding.file, finding.line, finding.rule, finding.suppressed?.reason])).toEqual([
      // `unpinned` in Dockerfile (no reason); line 3 was already suppressed inline, which wins.
      ['Dockerfile', 8, 'unpinned', undefined],
      ['docker-compose.yml', 5, 'unpinned', 'our own images are pinned at release'],
    ]);
    // Without pinning checks `mutable-tag` stands on its own.
    const unpinnedOff = scan({ ...policy, pinning: 'off' });
    const mutable = (line: number) =>
      unpinnedOff.find((finding) => finding.file === 'examples/demo/compose.yaml' && finding.line === line && finding.rule === 'mutable-tag');
    expect(mutable(3)?.suppressed).toEqual({ kind: 'policy', reason: 'demo only' });
    // Same path, other image: not suppressed.
    expect(mutable(5)).toBeDefined();
    expect(mutable(5)?.suppressed).toBeUndefined();
    // build/Dockerfile is not "Dockerfile": paths are globs over the whole relative path.
    expect(findings.find((finding) => finding.file === 'build/Dockerfile')?.suppressed).toBeUndefined();
  });

  it('applies severity overrides, and `off` removes the rule', async () => {
    const findings = scan(await policyFile('severities.yml'));
    const severities = new Map(findings.map((finding) => [finding.rule, finding.severity]));
    expect(severities.get('mutable-tag')).toBe('error');
    expect(severities.get('invalid-reference')).toBe('warning');
    // An explicit severity wins over the pinning mode's.
    expect(severities.get('unpinned')).toBe('note');
    expect(severities.has('unresolved-reference')).toBe(false);
  });

  it('reports unpinned at the pinning mode severity, and not at all when off', async () => {
    const required = scan(await policyFile('require-pinning.yml')).filter((finding) => finding.rule === 'unpinned');
    expect(required.length).toBeGreaterThan(0);
    expect(required.every((finding) => finding.severity === 'error')).toBe(true);
    expect(scan(await policyFile('no-pinning.yml')).filter((finding) => finding.rule === 'unpinned')).toEqual([]);
  });

  it('suppresses one listed rule of several on the line and not the others', async () => {
    const findings = scan(await policyFile('allowlist.yml'));
    const legacy = findings.filter((finding) => finding.file === 'docker-compose.yml' && finding.line === 18);
    expect(legacy.map((finding) => [finding.rule, finding.suppressed?.kind])).toEqual([
      ['unpinned', 'inline'],
      ['untrusted-registry', 'inline'],
    ]);
    const quay = findings.find((finding) => finding.line === 21 && finding.rule === 'untrusted-registry');
    expect(quay?.suppressed).toEqual({ kind: 'inline', line: 20 });
    const distroless = findings.find((finding) => finding.file === 'Dockerfile' && finding.rule === 'untrusted-registry');
    expect(distroless?.suppressed).toBeUndefined();
  });

  it('takes a module\'s own severity and rule id from its drafts, under explicit policy severities', () => {
    const { occurrences, sources } = loadFixtureRepo();
    const signatures: Check = {
      rule: 'unsigned',
      rules: ['unsigned', 'signer-mismatch'],
      run: (items) => [
        { occurrence: items[0], message: 'no signature', severity: 'warning' },
        { occurrence: items[1], message: 'signed by someone else', rule: 'signer-mismatch', errorCode: 'IDENTITY_MISMATCH' },
      ],
    };
    const findings = runChecks(occurrences, { ...defaultPolicy(), severity: { 'signer-mismatch': 'note' } }, sources, { checks: [signatures] });
    expect(findings.map((finding) => [finding.rule, finding.severity, finding.errorCode])).toEqual([
      ['unsigned', 'warning', undefined],
      ['signer-mismatch', 'note', 'IDENTITY_MISMATCH'],
    ]);
    const onlyMismatchOff = runChecks(occurrences, { ...defaultPolicy(), severity: { unsigned: 'off' } }, sources, { checks: [signatures] });
    expect(onlyMismatchOff.map((finding) => finding.rule)).toEqual(['signer-mismatch']);
  });

  it("gives the rules one splitter: each distinct reference is split once for all of them", () => {
    const { occurrences, sources } = loadFixtureRepo();
    const seen = new Map<string, unknown[]>();
    const probe: Check = {
      rule: 'mutable-tag',
      run: (all, context) => {
        for (const { reference } of all) if (reference) seen.set(reference, [...(seen.get(reference) ?? []), context.split!(reference)]);
        return [];
      },
    };
    runChecks(occurrences, defaultPolicy(), sources, { checks: [probe, { ...probe, rule: 'unpinned' }] });
    expect(seen.size).toBeGreaterThan(3);
    for (const [reference, splits] of seen) {
      expect(splits[0], reference).toEqual(splitReference(reference));
      // The same parts, not a second split, for every occurrence and rule that asks.
      expect(new Set(splits).size, reference).toBe(1);
    }
  });

  it('skips a rule switched off without running it', () => {
    const { occurrences, sources } = loadFixtureRepo();
    const exploding: Check = {
      rule: 'mutable-tag',
      run: () => {
        throw new Error('should not run');
      },
    };
    expect(runChecks(occurrences, { ...defaultPolicy(), severity: { 'mutable-tag': 'off' } }, sources, { checks: [exploding] })).toEqual([]);
  });

  it('reports a failing rule through onError and keeps the other rules\' findings; without onError it throws', () => {
    const { occurrences, sources } = loadFixtureRepo();
    const broken: Check = {
      rule: 'image-not-found',
      run: () => {
        throw new Error('bad resolution data');
      },
    };
    const failures: string[] = [];
    const findings = runChecks(occurrences, defaultPolicy(), sources, {
      checks: [broken, invalidReferenceCheck],
      onError: (rule, error) => failures.push(`${rule}: ${error.message}`),
    });
    expect(failures).toEqual(['image-not-found: bad resolution data']);
    expect(findings.map((finding) => finding.rule)).toEqual(['invalid-reference']);
    expect(() => runChecks(occurrences, defaultPolicy(), sources, { checks: [broken] })).toThrow('bad resolution data');
  });
});

describe('inline-suppressions in the policy', () => {
  const suppressedBy = (policy: ReturnType<typeof defaultPolicy>) =>
    summary(scan(policy)).filter((line) => line.endsWith('[inline]') || ['Dockerfile:3:6', 'docker-compose.yml:18:12', 'docker-compose.yml:21:12'].some((place) => line.startsWith(place)));

  it('honours every comment by default, none with false, and only the listed rules with a list', () => {
    expect(suppressedBy(defaultPolicy())).toEqual([
      'Dockerfile:3:6 unpinned warning [inline]',
      'docker-compose.yml:18:12 unpinned warning [inline]',
      'docker-compose.yml:21:12 mutable-tag warning [inline]',
      'docker-compose.yml:21:12 unpinned warning [inline]',
    ]);
    // Nothing suppressed: at line 21 the unpinned finding then stands for both causes (precedence).
    expect(suppressedBy({ ...defaultPolicy(), inlineSuppressions: false })).toEqual([
      'Dockerfile:3:6 unpinned warning',
      'docker-compose.yml:18:12 unpinned warning',
      'docker-compose.yml:21:12 unpinned warning',
    ]);
    expect(suppressedBy({ ...defaultPolicy(), inlineSuppressions: ['mutable-tag'] })).toEqual([
      'Dockerfile:3:6 unpinned warning',
      'docker-compose.yml:18:12 unpinned warning',
      'docker-compose.yml:21:12 unpinned warning',
    ]);
  });
});

describe('exitCodeFor', () => {
  const finding = (severity: Finding['severity'], suppressed = false): Finding => ({
    rule: 'unpinned',
    severity,
    file: 'Dockerfile',
    line: 1,
    column: 6,
    reference: 'docker.io/library/node:20',
    raw: 'node:20',
    message: 'not pinned',
    ...(suppressed ? { suppressed: { kind: 'inline' as const } } : {}),
  });

  it.each([
    [[], 'note', 0],
    [[finding('warning')], 'error', 0],
    [[finding('warning')], 'warning', 1],
    [[finding('warning')], 'note', 1],
    [[finding('error')], 'error', 1],
    [[finding('error')], 'never', 0],
    [[finding('note'), finding('error', true)], 'warning', 0],
    [[finding('note'), finding('error', true)], 'note', 1],
  ] as const)('%j fail-on %s => %i', (findings, failOn, code) => {
    expect(exitCodeFor([...findings], failOn)).toBe(code);
  });
});

describe('related locations', () => {
  it('a finding carries its occurrence\'s related locations (a Helm image\'s template lines)', () => {
    const related = [{ file: 'chart/templates/deployment.yaml', line: 32, column: 19, message: 'the template line that renders this image' }];
    const occurrence = { file: 'chart/values.yaml', line: 8, column: 15, kind: 'helm' as const, raw: 'nginx', reference: 'docker.io/library/nginx:1.16.0', resolved: 'nginx:1.16.0', related };
    const findings = runChecks([occurrence], defaultPolicy(), new Map(), { checks: [unpinnedCheck] });
    expect(findings.map((finding) => [finding.rule, finding.related])).toEqual([['unpinned', related]]);
  });
});

describe('unpinned suggestions for Helm values', () => {
  it('a values line holding one part of the image gets no appended-digest suggestion; a whole image does', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const resolution = { status: 'ok' as const, tagDigest: digest };
    const part = { file: 'chart/values.yaml', line: 8, column: 15, kind: 'helm' as const, raw: 'nginx', reference: 'docker.io/library/nginx:1.16.0', resolved: 'nginx:1.16.0', resolution };
    const whole = { ...part, line: 20, raw: 'nginx:1.25', reference: 'docker.io/library/nginx:1.25', resolved: undefined };
    const findings = runChecks([part, whole], defaultPolicy(), new Map(), { checks: [unpinnedCheck] });
    expect(findings.map((finding) => [finding.line, finding.suggestion])).toEqual([
      [8, undefined],
      [20, `nginx:1.25@${digest}`],
    ]);
  });
});
