// Reading policy-controller ClusterImagePolicy files into signature rules.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClusterImagePolicies, readClusterImagePolicies } from '../../src/sigstore/cluster-image-policy.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/sigstore/cluster-image-policy');

describe('ClusterImagePolicy', () => {
  it('reads keyless identities, attestations and inline keys, skipping other kinds', async () => {
    const file = join(FIXTURES, 'keyless-and-key.yaml');
    const result = await readClusterImagePolicies(file);
    expect(result.problems).toEqual([]);
    expect(result.policies).toEqual(['release-images', 'vendor-key']);
    const I1 = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' };
    const I2 = {
      issuerRegExp: '^https://token\\.actions\\.githubusercontent\\.com$',
      subjectRegExp: '^https://github\\.com/acme/[^/]+/\\.github/workflows/release\\.yml@refs/tags/v.*$',
    };
    expect(result.groups).toEqual([
      {
        // Identified by file and document index (the Deployment is document 1), never by name.
        id: `${file}#0`,
        source: 'ClusterImagePolicy release-images',
        images: ['ghcr.io/acme/**', 'registry.acme.example/apps/*'],
        // An authority with attestations requires them (by any of its identities), and no plain signature.
        authorities: [{ requirements: [{ kind: 'attestation', predicateType: 'https://slsa.dev/provenance/v1', signers: [{ keyless: I1 }, { keyless: I2 }] }] }],
      },
      {
        id: `${file}#2`,
        source: 'ClusterImagePolicy vendor-key',
        images: ['docker.io/vendor/*'],
        authorities: [{ requirements: [{ kind: 'signature', signers: [{ keyPem: expect.stringContaining('-----BEGIN PUBLIC KEY-----') }] }] }],
      },
    ]);
  });

  it('reports what it cannot check instead of weakening the policy', async () => {
    const result = await readClusterImagePolicies(join(FIXTURES, 'unsupported.yaml'));
    const messages = result.problems.map((p) => p.message);
    expect(messages).toEqual([
      'images[].regex is not supported; use glob',
      'authorities[0].key: KMS and secret references cannot be read here; give key.data',
      'authorities[1].static authorities are not supported',
      'authorities[2].keyless: an identity names no subject or subjectRegExp',
      'spec.policy (CUE/Rego) is not evaluated; only signatures and attestation types are checked',
    ]);
    expect(result.problems.every((p) => p.policy === 'cannot-be-checked-here')).toBe(true);
    expect(result.groups).toMatchObject([
      {
        source: 'ClusterImagePolicy cannot-be-checked-here',
        images: ['gcr.io/acme/**'],
        authorities: [{ requirements: [{ kind: 'signature', signers: [{ keyless: { issuer: 'https://accounts.google.com', subject: 'builder@acme.iam.gserviceaccount.com' } }] }] }],
      },
    ]);
  });

  it('reports YAML errors, wrong API groups, invalid expressions and missing files', async () => {
    expect(parseClusterImagePolicies('kind: [', 'bad.yaml').problems[0]!.message).toMatch(/^YAML: /);
    expect(parseClusterImagePolicies('apiVersion: example.com/v1\nkind: ClusterImagePolicy\nmetadata: {name: x}\n', 'x.yaml').problems[0]!.message).toMatch(/not policy\.sigstore\.dev/);
    const badRegExp = [
      'apiVersion: policy.sigstore.dev/v1beta1',
      'kind: ClusterImagePolicy',
      'metadata: {name: r}',
      'spec:',
      '  images: [{glob: "**"}]',
      '  authorities: [{keyless: {identities: [{issuer: "https://i", subjectRegExp: "("}]}}]',
    ].join('\n');
    expect(parseClusterImagePolicies(badRegExp, 'r.yaml').problems.map((p) => p.message)).toEqual(['authorities[0].keyless: regular expression "(" is invalid']);
    const unanchored = badRegExp.replace('subjectRegExp: "("', 'subjectRegExp: "https://github.com/acme/"');
    const result = parseClusterImagePolicies(unanchored, 'r.yaml');
    // Kept with policy-controller's meaning (it matches anywhere), reported as a warning, not an error.
    expect(result.problems).toEqual([
      { file: 'r.yaml', policy: 'r', warning: true, message: 'authorities[0].keyless subjectRegExp "https://github.com/acme/" is not anchored (no `^` and `$`): it matches anywhere in the identity' },
    ]);
    expect(result.groups[0]!.authorities[0]!.requirements[0]!.signers).toEqual([{ keyless: { issuer: 'https://i', subjectRegExp: 'https://github.com/acme/' } }]);
    expect((await readClusterImagePolicies(join(FIXTURES, 'missing.yaml'))).problems[0]!.message).toMatch(/^cannot read/);
  });
});
