import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import { digestMismatchCheck } from '../../src/checks/digest-mismatch.js';
import { digestNotFoundCheck } from '../../src/checks/digest-not-found.js';
import { imageNotFoundCheck } from '../../src/checks/image-not-found.js';
import { registryUnreachableCheck } from '../../src/checks/registry-unreachable.js';
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
