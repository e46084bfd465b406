// Which rules apply to an image (policy-controller globs), preset expansion, and requirement groups.
import { describe, expect, it } from 'vitest';
import { authorityOfRule, groupsForImage, groupsOfRules, requiredPredicateTypes } from '../../src/sigstore/policy.js';
import { SIGNATURE_PRESETS, expandPreset, presetNames } from '../../src/config/presets.js';

const keyless = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' };

describe('groupsForImage', () => {
  const groups = groupsOfRules([
    { images: ['ghcr.io/acme/*'], keyless, source: 'one segment' },
    { images: ['ghcr.io/acme/**'], keyless, source: 'any depth' },
    { images: ['nginx'], keyless, source: 'official' },
    { images: ['not a glob!'], keyless, source: 'invalid' },
  ]);
  const table: Array<[string, string[]]> = [
    ['ghcr.io/acme/app:1.0', ['one segment', 'any depth']],
    ['ghcr.io/acme/app@sha256:' + 'a'.repeat(64), ['one segment', 'any depth']],
    ['ghcr.io/acme/team/app:1.0', ['any depth']],
    ['ghcr.io:443/acme/team/app:1.0', ['any depth']],
    ['ghcr.io/acme', []],
    ['ghcr.io/acmex/app:1', []],
    ['docker.io/library/nginx:1.25', ['official']],
    ['docker.io/someone/nginx:1.25', []],
  ];
  for (const [reference, sources] of table) {
    it(`${reference} -> ${sources.join(', ') || 'no rule'}`, () => {
      expect(groupsForImage(groups, reference).map((g) => g.source)).toEqual(sources);
    });
  }
});

describe('groupsOfRules', () => {
  const keyA = '/keys/a.pub';
  const keyB = '/keys/b.pub';
  it('makes one group per rule by index, whatever the source label says', () => {
    // Flow-style `rules: [{…A…}, {…B…}]` gives both rules the same line, so the same label.
    const groups = groupsOfRules([
      { images: ['**'], key: keyA, source: 'policy line 3' },
      { images: ['**'], key: keyB, source: 'policy line 3' },
      { images: ['**'], keyless },
    ]);
    expect(groups.map((g) => [g.id, g.source, g.authorities.length])).toEqual([
      ['signatures.rules[0]', 'policy line 3', 1],
      ['signatures.rules[1]', 'policy line 3', 1],
      ['signatures.rules[2]', 'signature rule 3', 1],
    ]);
  });

  it('a rule with a signer and an attestation requires both; the attestation signer defaults to the rule signer', () => {
    const slsa = 'https://slsa.dev/provenance/v1';
    expect(authorityOfRule({ images: ['**'], key: keyA, attestation: { predicateType: slsa } })).toEqual({
      requirements: [
        { kind: 'signature', signers: [{ key: keyA }] },
        { kind: 'attestation', predicateType: slsa, signers: [{ key: keyA }] },
      ],
    });
    expect(authorityOfRule({ images: ['**'], keyless, attestation: { predicateType: slsa, key: keyB }, transparencyLog: 'optional' })).toEqual({
      requirements: [
        { kind: 'signature', signers: [{ keyless, transparencyLog: 'optional' }] },
        { kind: 'attestation', predicateType: slsa, signers: [{ key: keyB, transparencyLog: 'optional' }] },
      ],
    });
  });

  it('the documented attestation-only shape requires the attestation alone, by its own signer', () => {
    const slsa = 'https://slsa.dev/provenance/v1';
    expect(authorityOfRule({ images: ['**'], attestation: { predicateType: slsa, keyless } })).toEqual({
      requirements: [{ kind: 'attestation', predicateType: slsa, signers: [{ keyless }] }],
    });
  });

  it('a rule naming no signer at all can never be met (fails closed)', () => {
    expect(authorityOfRule({ images: ['**'], attestation: { predicateType: 'x' } })).toEqual({ requirements: [{ kind: 'attestation', predicateType: 'x', signers: [] }] });
    expect(authorityOfRule({ images: ['**'] })).toEqual({ requirements: [{ kind: 'signature', signers: [] }] });
  });

  it('a rule naming no signer stays a group that can never be met, not a rule dropped (fails closed)', () => {
    expect(groupsOfRules([{ images: ['**'] }])).toEqual([
      { id: 'signatures.rules[0]', source: 'signature rule 1', images: ['**'], authorities: [{ requirements: [{ kind: 'signature', signers: [] }] }] },
    ]);
  });

  it("a rule naming a preset and its own identity is judged by its own identity, not the preset's", () => {
    const [group] = groupsOfRules([{ images: ['registry.k8s.io/pause'], preset: 'kubernetes', keyless }]);
    expect(group).toMatchObject({ images: ['registry.k8s.io/pause'], authorities: [{ requirements: [{ kind: 'signature', signers: [{ keyless }] }] }] });
    expect(group!.authorities).toHaveLength(1);
  });

  it('a rule applies when any one of its globs matches', () => {
    const groups = groupsOfRules([{ images: ['ghcr.io/acme/*', 'quay.io/acme/*'], keyless, source: 'two registries' }]);
    expect(groupsForImage(groups, 'quay.io/acme/app:1').map((g) => g.source)).toEqual(['two registries']);
  });

  it('a preset is one group whose signers are alternatives', () => {
    const [group] = groupsOfRules([{ images: [], preset: 'kubernetes', source: 'policy line 9' }]);
    expect(group).toMatchObject({ id: 'signatures.rules[0]', source: 'policy line 9', images: ['registry.k8s.io/**'] });
    expect(group!.authorities.length).toBeGreaterThanOrEqual(1);
  });

  it('collects required attestation predicate types once', () => {
    const groups = groupsOfRules([
      { images: ['**'], keyless, attestation: { predicateType: 'https://slsa.dev/provenance/v1' } },
      { images: ['**'], key: keyA, attestation: { predicateType: 'https://slsa.dev/provenance/v1' } },
      { images: ['**'], keyless },
    ]);
    expect(requiredPredicateTypes(groups)).toEqual(['https://slsa.dev/provenance/v1']);
  });
});

describe('presets', () => {
  it('has the documented publishers with their documented identities', () => {
    expect(presetNames().sort()).toEqual(['chainguard', 'distroless', 'kubernetes']);
    expect(SIGNATURE_PRESETS.chainguard!.rules[0]).toEqual({
      images: ['cgr.dev/chainguard/**'],
      keyless: {
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'https://github.com/chainguard-images/images/.github/workflows/release.yaml@refs/heads/main',
      },
    });
    expect(SIGNATURE_PRESETS.distroless!.rules[0]!.keyless).toEqual({ issuer: 'https://accounts.google.com', subject: 'keyless@distroless.iam.gserviceaccount.com' });
    expect(SIGNATURE_PRESETS.kubernetes!.rules[0]!.keyless).toEqual({ issuer: 'https://accounts.google.com', subject: 'krel-trust@k8s-releng-prod.iam.gserviceaccount.com' });
    for (const preset of Object.values(SIGNATURE_PRESETS)) expect(preset.documentedAt).toMatch(/^https:\/\//);
  });
  it('expands a preset rule, keeping narrower images and options the rule gives', () => {
    expect(expandPreset({ images: [], preset: 'distroless' })).toEqual([
      { images: ['gcr.io/distroless/**'], keyless: SIGNATURE_PRESETS.distroless!.rules[0]!.keyless, source: 'preset distroless' },
    ]);
    const narrowed = expandPreset({ images: ['gcr.io/distroless/static-debian12'], preset: 'distroless', transparencyLog: 'required', source: 'policy line 4' });
    expect(narrowed).toMatchObject([{ images: ['gcr.io/distroless/static-debian12'], transparencyLog: 'required', source: 'policy line 4' }]);
    expect(expandPreset({ images: [], preset: 'nope' })).toBeUndefined();
  });
  it('applies presets when matching images', () => {
    expect(groupsOfRules([{ images: [], preset: 'kubernetes' }, { images: [], preset: 'unknown' }])).toHaveLength(1);
    const match = (preset: string, reference: string) => groupsForImage(groupsOfRules([{ images: [], preset }]), reference);
    expect(match('kubernetes', 'registry.k8s.io/kube-apiserver:v1.31.0')).toHaveLength(1);
    expect(match('chainguard', 'cgr.dev/chainguard/static:latest')).toHaveLength(1);
    expect(match('chainguard', 'cgr.dev/other/static:latest')).toHaveLength(0);
  });
});
