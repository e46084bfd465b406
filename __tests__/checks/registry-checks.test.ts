import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import { digestMismatchCheck } from '../../src/checks/digest-mismatch.js';
import { digestNotFoundCheck } from '../../src/checks/digest-not-found.js';
import { imageNotFoundCheck } from '../../src/checks/image-not-found.js';
import { registryUnreachableCheck } from '../../src/checks/registry-unreachable.js';
import { exitCodeFor, runChecks } from '../../src/checks/index.js';
import { buildTrustIndex } from '../../src/checks/trust.js';
import type { Check } from '../../src/checks/types.js';
import type { ResolvedOccurrence } from '../../src/model.js';

const occurrences = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry', 'resolved-occurrences.json'), 'utf8'),
) as ResolvedOccurrence[];

function run(check: Check) {
  const policy = defaultPolicy();
  return check.run(occurrences, { policy, trust: buildTrustIndex(policy) }).map((d) => ({
    at: `${d.occurrence.file}:${d.occurrence.line}`,
    message: d.message,
    errorCode: d.errorCode,
    severity: d.severity,
  }));
}

describe('image-not-found', () => {
  it('reports a missing repository and a missing tag, not a missing digest; a missing official name is a note', () => {
    expect(run(imageNotFoundCheck)).toEqual([
      {
        at: 'docker-compose.yml:4',
        // Only Docker publishes under library/: no one can register the name (the typosquat rule flags a look-alike).
        message: "ngnix:1.25: Docker Hub has no official image ngnix; only Docker publishes under library/, so no one else can register it: an image built locally (by the repository's scripts) or a mistake",
        errorCode: undefined,
        severity: 'note',
      },
      { at: 'docker-compose.yml:8', message: 'redis:9.99: tag 9.99 does not exist in docker.io/library/redis', errorCode: undefined },
    ]);
  });
});

describe('image-not-found: a placeholder tag', () => {
  it("reports a missing tag the release writes in as a note, saying why; a missing repository stays an error", () => {
    const policy = defaultPolicy();
    const placeholder = "the chart's appVersion v0.0.0 is a placeholder its release replaces";
    const missing = (file: string, what: 'tag' | 'repository'): ResolvedOccurrence => ({
      file,
      line: 1,
      column: 1,
      kind: 'helm',
      raw: 'quay.io/jetstack/cert-manager-controller',
      reference: 'quay.io/jetstack/cert-manager-controller:v0.0.0',
      placeholderTag: placeholder,
      resolution: { status: 'not-found', missing: what, message: 'not found' },
    }) as ResolvedOccurrence;
    const drafts = imageNotFoundCheck.run([missing('values.yaml', 'tag'), missing('other.yaml', 'repository')], { policy, trust: buildTrustIndex(policy) });
    expect(drafts.map((draft) => [draft.occurrence.file, draft.severity, draft.message])).toEqual([
      ['values.yaml', 'note', `quay.io/jetstack/cert-manager-controller: tag v0.0.0 does not exist in quay.io/jetstack/cert-manager-controller (${placeholder})`],
      ['other.yaml', undefined, 'quay.io/jetstack/cert-manager-controller: repository quay.io/jetstack/cert-manager-controller does not exist on the registry; if the name is a typo, an attacker could register it'],
    ]);
  });
});

describe('digest-not-found', () => {
  it('reports a pinned digest the repository does not contain', () => {
    expect(run(digestNotFoundCheck)).toEqual([
      {
        at: 'k8s/deploy.yaml:40',
        message: `ghcr.io/acme/api@sha256:${'5'.repeat(64)}: digest sha256:${'5'.repeat(64)} does not exist in ghcr.io/acme/api`,
        errorCode: undefined,
      },
    ]);
  });
});

describe('digest-mismatch', () => {
  it('gives both digests for a moved tag, skips a pin to a platform of the tag’s index, and flags a lying registry', () => {
    const drafts = run(digestMismatchCheck);
    expect(drafts.map((d) => d.at)).toEqual(['k8s/deploy.yaml:20', '.github/workflows/ci.yml:20']);
    expect(drafts[0]?.message).toBe(
      `ghcr.io/acme/api:2.0@sha256:${'2'.repeat(64)}: tag 2.0 now points to sha256:${'3'.repeat(64)}, not the pinned sha256:${'2'.repeat(64)}`,
    );
    expect(drafts[1]?.errorCode).toBe('digest-mismatch');
  });
});

describe('registry-unreachable', () => {
  it('says what was not verified, with the error code', () => {
    expect(run(registryUnreachableCheck)).toEqual([
      {
        at: '.github/workflows/ci.yml:12',
        message:
          'registry.internal:5000/tools/lint:3: not verified: that tag 3 exists and which digest it points to (manifest registry.internal:5000/tools/lint:3: network error (ENOTFOUND))',
        errorCode: 'network',
      },
      {
        at: '.github/workflows/ci.yml:30',
        message: `ghcr.io/acme/cli:1@sha256:${'8'.repeat(64)}: tag 1 was not checked against the pinned digest (tag 1 could not be checked: rate limited (429))`,
        errorCode: 'rate-limited',
      },
    ]);
  });
});

describe('registry-unreachable fails closed', () => {
  const policy = defaultPolicy();
  const at = (reference: string, resolution: ResolvedOccurrence['resolution'], line = 1): ResolvedOccurrence => ({ file: 'Dockerfile', line, column: 6, kind: 'dockerfile', raw: reference, reference, resolution });
  const findings = (occurrence: ResolvedOccurrence) =>
    runChecks([occurrence], policy, new Map()).filter((finding) => finding.rule === 'registry-unreachable').map((finding) => ({ severity: finding.severity, message: finding.message }));

  it('is an error by default, so a registry that stalls, refuses credentials or rate-limits fails the check', () => {
    for (const [errorCode, message] of [['timeout', 'manifest ghcr.io/acme/api:1: timed out'], ['unauthorized', 'authentication required or refused (401)'], ['rate-limited', 'rate limited (429)'], ['server', 'registry error (503)']]) {
      const found = findings(at('ghcr.io/acme/api:1', { status: 'error', errorCode, message }));
      expect(found.map((finding) => finding.severity)).toEqual(['error']);
      expect(exitCodeFor(runChecks([at('ghcr.io/acme/api:1', { status: 'error', errorCode, message })], policy, new Map()), policy.failOn)).toBe(1);
    }
  });

  it('is a note for a registry of the machine or private network that runs the image where nothing answers at all', () => {
    // lldap/lldap 9cc54ab03 .github/workflows/Dockerfile.ci.alpine: FROM localhost:5000/lldap/lldap:alpine-base, pushed by an earlier step to the job's `registry:2` service.
    for (const reference of ['localhost:5000/lldap/lldap:alpine-base', 'kind-registry:5000/app:dev', 'registry.internal:5000/tools/lint:3', '10.0.0.5:5000/app:1']) {
      const found = findings(at(reference, { status: 'error', errorCode: 'network', nothingAnswered: true, message: `manifest ${reference}: network error (ECONNREFUSED)` }));
      expect(found).toEqual([{ severity: 'note', message: expect.stringContaining('is a registry of the machine or private network that runs the image, and nothing answers there from this run') }]);
    }
  });

  it('stays an error on a private host that stalls, and on a public host where nothing answers', () => {
    expect(findings(at('localhost:5000/app:1', { status: 'error', errorCode: 'timeout', message: 'timed out' }))[0]?.severity).toBe('error');
    expect(findings(at('ghcr.io/acme/api:1', { status: 'error', errorCode: 'network', nothingAnswered: true, message: 'network error (ENOTFOUND)' }))[0]?.severity).toBe('error');
  });

  it('keeps a severity the policy sets', () => {
    const lenient = { ...defaultPolicy(), severity: { 'registry-unreachable': 'warning' as const } };
    const found = runChecks([at('ghcr.io/acme/api:1', { status: 'error', errorCode: 'timeout', message: 'timed out' })], lenient, new Map());
    expect(found.filter((finding) => finding.rule === 'registry-unreachable').map((finding) => finding.severity)).toEqual(['warning']);
  });
});
