import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, loadPolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import { invalidReferenceCheck } from '../../src/checks/invalid-reference.js';
import { mutableTagCheck } from '../../src/checks/mutable-tag.js';
import { buildTrustIndex } from '../../src/checks/trust.js';
import type { Check, CheckContext } from '../../src/checks/types.js';
import { unpinnedCheck } from '../../src/checks/unpinned.js';
import { unresolvedReferenceCheck } from '../../src/checks/unresolved-reference.js';
import { untrustedRegistryCheck } from '../../src/checks/untrusted-registry.js';
import type { ResolvedOccurrence } from '../../src/model.js';
import { at, loadFixtureRepo, policies, repo } from './fixture-repo.js';

function context(policy: Policy): CheckContext {
  return { policy, trust: buildTrustIndex(policy) };
}

function run(check: Check, policy: Policy = defaultPolicy(), occurrences: ResolvedOccurrence[] = loadFixtureRepo().occurrences) {
  return check.run(occurrences, context(policy));
}

const DIGEST = 'sha256:' + 'e'.repeat(64);

describe('invalid-reference', () => {
  it('reports occurrences whose text breaks the grammar, with the reason', () => {
    const drafts = run(invalidReferenceCheck);
    expect(at(drafts.map((draft) => draft.occurrence))).toEqual(['docker-compose.yml:16']);
    expect(drafts[0].message).toBe('Not a valid image reference: repository name must be lowercase: "Nginx:1.0"; repository names are lower case: write "nginx:1.0"');
  });

  it('names the text when the grammar message does not', () => {
    const { occurrences } = loadFixtureRepo();
    const broken = occurrences.find((occurrence) => occurrence.problem?.kind === 'invalid')!;
    const [draft] = run(invalidReferenceCheck, defaultPolicy(), [{ ...broken, problem: { kind: 'invalid', message: 'invalid tag' } }]);
    expect(draft.message).toBe('"Nginx:1.0" is not a valid image reference: invalid tag');
  });
});

describe('unresolved-reference', () => {
  it('reports occurrences built from values the repository does not give', () => {
    const drafts = run(unresolvedReferenceCheck);
    expect(at(drafts.map((draft) => draft.occurrence))).toEqual(['docker-compose.yml:14']);
    expect(drafts[0].message).toContain('variable WORKER_IMAGE has no value');
  });
});

describe('unpinned', () => {
  const UNPINNED = [
    'docker-compose.yml:3',
    'docker-compose.yml:5',
    'docker-compose.yml:7',
    'docker-compose.yml:18',
    'docker-compose.yml:21',
    'Dockerfile:3',
    'Dockerfile:8',
    'build/Dockerfile:2',
    '.devcontainer/devcontainer.json:3',
    'examples/demo/compose.yaml:3',
    'examples/demo/compose.yaml:5',
  ];

  it('reports tag-only images, not pinned, local, unresolved or invalid ones', () => {
    const drafts = run(unpinnedCheck);
    expect(at(drafts.map((draft) => draft.occurrence))).toEqual(UNPINNED);
  });

  it.each([
    ['warn', 'warning'],
    ['require', 'error'],
  ] as const)('pinning: %s reports at %s', (pinning, severity) => {
    const drafts = run(unpinnedCheck, { ...defaultPolicy(), pinning });
    expect(drafts).toHaveLength(UNPINNED.length);
    expect(new Set(drafts.map((draft) => draft.severity))).toEqual(new Set([severity]));
  });

  it('pinning: off reports nothing', () => {
    expect(run(unpinnedCheck, { ...defaultPolicy(), pinning: 'off' })).toEqual([]);
  });

  it('suggests the pinned text when the registry told the tag digest', () => {
    const { occurrences } = loadFixtureRepo();
    const nginx = { ...occurrences[0], resolution: { status: 'ok' as const, tagDigest: DIGEST } };
    const [draft] = run(unpinnedCheck, defaultPolicy(), [nginx]);
    expect(draft.suggestion).toBe(`nginx:latest@${DIGEST}`);
    expect(draft.message).toBe(`nginx:latest is not pinned by digest; tag latest currently points to ${DIGEST}`);
  });

  it('suggests nothing without a known digest, or when the text holds a variable', () => {
    const { occurrences } = loadFixtureRepo();
    const [withoutDigest] = run(unpinnedCheck, defaultPolicy(), [occurrences[0]]);
    expect(withoutDigest.suggestion).toBeUndefined();
    expect(withoutDigest.message).toBe('nginx:latest is not pinned by digest: the tag latest can be moved to other content at any time');

    const variable = occurrences.find((occurrence) => occurrence.raw === 'node:${NODE_VERSION}-alpine')!;
    const [draft] = run(unpinnedCheck, defaultPolicy(), [{ ...variable, resolution: { status: 'ok', tagDigest: DIGEST } }]);
    expect(draft.suggestion).toBeUndefined();
    expect(draft.message).toContain(DIGEST);
  });
});

describe('mutable-tag', () => {
  it('reports `latest` and missing tags, but not digests, local images or other tags', () => {
    const drafts = run(mutableTagCheck);
    expect(at(drafts.map((draft) => draft.occurrence))).toEqual([
      'docker-compose.yml:3',
      'docker-compose.yml:7',
      'docker-compose.yml:21',
      'Dockerfile:8',
      '.devcontainer/devcontainer.json:3',
      'examples/demo/compose.yaml:3',
      'examples/demo/compose.yaml:5',
    ]);
    expect(drafts[0].message).toBe('nginx:latest uses the tag "latest": whatever was pushed last');
    expect(drafts[1].message).toBe('redis has no tag, so it means "latest": whatever was pushed last');
  });
});

describe('untrusted-registry', () => {
  it('reports nothing without an allowlist', () => {
    expect(run(untrustedRegistryCheck)).toEqual([]);
  });

  it('reports registries outside `registries.allow`, never locally built images', async () => {
    const policy = await loadPolicy(repo, path.join(policies, 'allowlist.yml'));
    const drafts = run(untrustedRegistryCheck, policy);
    // `*.gcr.io` is a subdomain pattern: gcr.io itself is not in it.
    expect(at(drafts.map((draft) => draft.occurrence))).toEqual(['docker-compose.yml:18', 'docker-compose.yml:21', 'Dockerfile:8']);
    expect(drafts[0].message).toBe(
      'registry.example.com/legacy/tool:2 comes from registry.example.com, which is not in the policy\'s allowed registries (docker.io, ghcr.io, *.gcr.io, mcr.microsoft.com)',
    );
  });

  it('treats Docker Hub host aliases as docker.io and compares hosts case-insensitively', () => {
    const policy: Policy = { ...defaultPolicy(), allowedRegistries: ['index.docker.io', 'GHCR.IO'] };
    const { occurrences } = loadFixtureRepo();
    const drafts = run(untrustedRegistryCheck, policy, occurrences.slice(0, 3));
    expect(drafts).toEqual([]);
  });
});
