// Which rules apply to an image (policy-controller globs), preset expansion, and requirement groups.
import { describe, expect, it } from 'vitest';
import type { SignatureRule } from '../../src/config/policy.js';
import { expandRules, requiredPredicateTypes, requirementGroups, rulesForImage } from '../../src/sigstore/policy.js';
import { SIGNATURE_PRESETS, expandPreset, presetNames } from '../../src/sigstore/presets.js';

const keyless = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' };

describe('rulesForImage', () => {
  const rules: SignatureRule[] = [
    { images: ['ghcr.io/acme/*'], keyless, source: 'one segment' },
    { images: ['ghcr.io/acme/**'], keyless, source: 'any depth' },
    { images: ['nginx'], keyless, source: 'official' },
    { images: ['not a glob!'], keyless, source: 'invalid' },
  ];
  const table: Array<[string, string[]]> = [
    ['ghcr.io/acme/app:1.0', ['one segment', 'any depth']],
    ['ghcr.io/acme/app@sha256:' + 'a'.repeat(64), ['one segment', 'any depth']],
    ['ghcr.io/acme/team/app:1.0', ['any depth']],
    ['ghcr.io/acme', []],
    ['ghcr.io/acmex/app:1', []],
    ['docker.io/library/nginx:1.25', ['official']],
    ['docker.io/someone/nginx:1.25', []],
  ];
  for (const [reference, sources] of table) {
    it(`${reference} -> ${sources.join(', ') || 'no rule'}`, () => {
      expect(rulesForImage(rules, reference).map((r) => r.source)).toEqual(sources);
    });
  }
});

describe('requirementGroups', () => {
  it('groups rules of one source as alternatives and keeps sources apart', () => {
    const groups = requirementGroups([
      { images: ['**'], keyless, source: 'ClusterImagePolicy a' },
      { images: ['**'], key: '/k.pub', source: 'ClusterImagePolicy a' },
      { images: ['**'], keyless },
    ]);
    expect(groups.map((g) => [g.source, g.rules.length])).toEqual([
      ['ClusterImagePolicy a', 2],
      ['signature rule 3', 1],
    ]);
  });
  it('collects required attestation predicate types once', () => {
    expect(
      requiredPredicateTypes([
        { images: ['**'], keyless, attestation: { predicateType: 'https://slsa.dev/provenance/v1' } },
        { images: ['**'], keyless, attestation: { predicateType: 'https://slsa.dev/provenance/v1' } },
        { images: ['**'], keyless },
      ]),
    ).toEqual(['https://slsa.dev/provenance/v1']);
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
    const rules = expandRules([{ images: [], preset: 'kubernetes' }, { images: [], preset: 'unknown' }]);
    expect(rules).toHaveLength(1);
    expect(rulesForImage([{ images: [], preset: 'kubernetes' }], 'registry.k8s.io/kube-apiserver:v1.31.0')).toHaveLength(1);
    expect(rulesForImage([{ images: [], preset: 'chainguard' }], 'cgr.dev/chainguard/static:latest')).toHaveLength(1);
    expect(rulesForImage([{ images: [], preset: 'chainguard' }], 'cgr.dev/other/static:latest')).toHaveLength(0);
  });
});
