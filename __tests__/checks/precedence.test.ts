/** One finding per cause: the precedence step after drafting (src/checks/precedence.ts). */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/index.js';
import { defaultPolicy } from '../../src/config/load.js';
import type { ResolvedOccurrence } from '../../src/model.js';

function occurrence(raw: string, reference: string, line: number, extra: Partial<ResolvedOccurrence> = {}): ResolvedOccurrence {
  return { file: 'compose.yaml', line, column: 12, kind: 'compose', raw, reference, ...extra };
}

function rulesByLine(occurrences: ResolvedOccurrence[], source = '', policy = defaultPolicy()): string[] {
  const findings = runChecks(occurrences, policy, new Map([['compose.yaml', source]]));
  return findings.map((finding) => `${finding.line} ${finding.rule}${finding.suppressed ? ' [suppressed]' : ''}`);
}

describe('one finding per cause', () => {
  it('a typosquat gets no pinning findings: the fix is another name, not a digest', () => {
    expect(rulesByLine([occurrence('ngnix:latest', 'docker.io/library/ngnix:latest', 1)])).toEqual(['1 typosquat']);
  });

  it("a look-alike of an official image stays a typosquat error when Docker Hub has no such name", () => {
    const missing = occurrence('ngnix:1.25', 'docker.io/library/ngnix:1.25', 1, { resolution: { status: 'not-found', missing: 'repository' } });
    const findings = runChecks([missing], defaultPolicy(), new Map([['compose.yaml', '']]));
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([
      ['image-not-found', 'note'],
      ['typosquat', 'error'],
    ]);
  });

  it('a name built locally and tagged as an official one (FROM bats-jenkins) is a note, not an error', () => {
    const missing = occurrence('bats-jenkins', 'docker.io/library/bats-jenkins', 1, { resolution: { status: 'not-found', missing: 'repository' } });
    const findings = runChecks([missing], defaultPolicy(), new Map([['compose.yaml', '']]));
    // The note supersedes nothing raised above it: the warning an offline scan gives stays.
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([
      ['image-not-found', 'note'],
      ['unpinned', 'warning'],
    ]);
  });

  it('an image that does not exist gets no pinning findings', () => {
    const missing = occurrence('acme/nothing:1.0', 'docker.io/acme/nothing:1.0', 1, {
      resolution: { status: 'not-found', missing: 'repository' },
    });
    expect(rulesByLine([missing])).toEqual(['1 image-not-found']);
  });

  it('`latest` or no tag is one finding: unpinned when pinning is checked, mutable-tag otherwise', () => {
    const images = [occurrence('nginx:latest', 'docker.io/library/nginx:latest', 1), occurrence('nginx', 'docker.io/library/nginx', 2)];
    expect(rulesByLine(images)).toEqual(['1 unpinned', '2 unpinned']);
    expect(rulesByLine(images, '', { ...defaultPolicy(), pinning: 'off' })).toEqual(['1 mutable-tag', '2 mutable-tag']);
  });

  it('a superseded rule raised above the one superseding it stays', () => {
    const policy = { ...defaultPolicy(), severity: { 'mutable-tag': 'error' as const } };
    expect(rulesByLine([occurrence('nginx:latest', 'docker.io/library/nginx:latest', 1)], '', policy)).toEqual(['1 mutable-tag', '1 unpinned']);
  });

  it('a suppressed finding supersedes nothing: a typosquat marked intended is still checked for pinning', () => {
    const source = 'services:\n  web:\n    image: ngnix:1.0 # verify-images: ignore typosquat our fork\n';
    expect(rulesByLine([occurrence('ngnix:1.0', 'docker.io/library/ngnix:1.0', 3)], source)).toEqual(['3 typosquat [suppressed]', '3 unpinned']);
  });

  it('other occurrences on the same line are judged on their own', () => {
    const images = [occurrence('ngnix:1.0', 'docker.io/library/ngnix:1.0', 1), occurrence('nginx:1.0', 'docker.io/library/nginx:1.0', 1, { column: 30 })];
    expect(rulesByLine(images)).toEqual(['1 typosquat', '1 unpinned']);
  });
});
