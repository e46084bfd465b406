import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultPolicy, loadPolicy, parsePolicy } from '../../src/config/load.js';
import { DEFAULT_TRUSTED_IMAGES, DEFAULT_TRUSTED_REGISTRIES } from '../../src/config/trusted-defaults.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/config');
const full = path.join(fixtures, 'full');
const valid = path.join(fixtures, 'valid');
const errors = path.join(fixtures, 'errors');

async function configError(root: string, file?: string): Promise<ConfigError> {
  try {
    await loadPolicy(root, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${file ?? 'the default policy'} to fail`);
}

describe('defaultPolicy', () => {
  it('trusts the embedded lists and fails on errors', () => {
    const policy = defaultPolicy();
    expect(policy.trustedImages).toEqual(DEFAULT_TRUSTED_IMAGES);
    expect(policy.trustedRegistries).toEqual(DEFAULT_TRUSTED_REGISTRIES);
    expect(policy.allowedRegistries).toBeUndefined();
    expect(policy.pinning).toBe('warn');
    expect(policy.failOn).toBe('error');
    expect(policy.include).toEqual(['**']);
    expect(policy.typosquat.enabled).toBe(true);
    expect(policy.registry).toEqual({ concurrency: 16, timeoutMs: 30_000, retries: 3, budgetMs: 900_000, maxRetryAfterMs: 10_000 });
    expect(policy.source).toBe('embedded defaults');
  });

  it('returns a fresh object each time, so callers may change it', () => {
    const first = defaultPolicy();
    first.buildArgs.X = '1';
    first.trustedImages.push('ghcr.io/x/**');
    expect(defaultPolicy().buildArgs).toEqual({});
    expect(defaultPolicy().trustedImages).not.toContain('ghcr.io/x/**');
  });
});

describe('loadPolicy', () => {
  it('uses the embedded defaults when the repository has no policy file', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'verify-images-policy-'));
    try {
      expect(await loadPolicy(root)).toEqual(defaultPolicy());
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails when a named policy file does not exist', async () => {
    const error = await configError(valid, 'missing.yml');
    expect(error.message).toBe('policy missing.yml: does not exist');
  });

  it('reads every key of a complete policy file', async () => {
    const policy = await loadPolicy(full);
    expect(policy.source).toBe('.github/verify-images.yml');
    expect(policy.trustedImages).toEqual([...DEFAULT_TRUSTED_IMAGES, 'ghcr.io/my-org/**']);
    expect(policy.trustedRegistries).toEqual([...DEFAULT_TRUSTED_REGISTRIES, 'registry.example.com']);
    expect(policy.allowedRegistries).toEqual(['docker.io', 'ghcr.io', '*.gcr.io']);
    expect(policy.pinning).toBe('require');
    expect(policy.failOn).toBe('warning');
    expect(policy.severity).toEqual({ 'mutable-tag': 'note', 'unresolved-reference': 'off' });
    // A number keeps the text it was written with; an empty value is the empty string.
    expect(policy.buildArgs).toEqual({ NODE_VERSION: '20', DEBIAN_RELEASE: '12.10', SUFFIX: '' });
    expect(policy.include).toEqual(['**']);
    expect(policy.exclude).toEqual(['test/**', 'vendor/**']);
    expect(policy.ignore).toEqual([
      { rule: 'mutable-tag', paths: ['examples/**'], images: ['docker.io/library/busybox'], reason: 'demo only' },
      { rule: '*', paths: ['legacy/**'], images: [] },
    ]);
    expect(policy.typosquat).toEqual({ enabled: true, targets: ['ghcr.io/my-org/api'], allow: ['docker.io/my-org/nginx'] });
    expect(policy.insecureRegistries).toEqual(['127.0.0.1:5000', 'localhost:5001']);
    expect(policy.registry).toEqual({ concurrency: 4, timeoutMs: 12_500, retries: 2, budgetMs: 900_000, maxRetryAfterMs: 10_000 });

    const { signatures } = policy;
    expect(signatures.mode).toBe('require');
    expect(signatures.trustedRoot).toBe(path.join(full, 'sigstore/trusted_root.json'));
    expect(signatures.clusterImagePolicies).toEqual([path.join(full, 'deploy/cip.yaml')]);
    expect(signatures.rules).toEqual([
      {
        images: ['ghcr.io/my-org/**'],
        keyless: { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/my-org/.+$' },
        source: 'policy .github/verify-images.yml line 52',
      },
      {
        images: ['registry.example.com/**'],
        key: path.join(full, 'keys/cosign.pub'),
        transparencyLog: 'optional',
        source: 'policy .github/verify-images.yml line 56',
      },
      {
        images: ['ghcr.io/my-org/api'],
        attestation: {
          predicateType: 'https://slsa.dev/provenance/v1',
          keyless: {
            issuer: 'https://token.actions.githubusercontent.com',
            subject: 'https://github.com/my-org/api/.github/workflows/release.yml@refs/heads/main',
          },
        },
        source: 'policy .github/verify-images.yml line 59',
      },
      { images: ['cgr.dev/chainguard/**'], preset: 'chainguard', source: 'policy .github/verify-images.yml line 65' },
    ]);
  });

  it('replaces the embedded trust lists when `defaults: false`', async () => {
    const policy = await loadPolicy(valid);
    expect(policy.trustedImages).toEqual(['registry.example.com/platform/**']);
    expect(policy.trustedRegistries).toEqual([]);
    expect(policy.pinning).toBe('off');
    expect(policy.failOn).toBe('never');
  });

  it('treats a file of comments as the defaults', async () => {
    const policy = await loadPolicy(valid, 'comments-only.yml');
    expect(policy).toEqual({ ...defaultPolicy(), source: 'comments-only.yml' });
  });

  it('treats empty sections as absent', async () => {
    const policy = await loadPolicy(valid, 'empty-sections.yml');
    expect(policy.trustedImages).toEqual(DEFAULT_TRUSTED_IMAGES);
    expect(policy.exclude).toEqual([]);
    expect(policy.signatures.mode).toBe('off');
  });

  it('accepts YAML 1.1 habits: `false` for off, numbers for strings', async () => {
    const policy = await loadPolicy(valid, 'yaml-1.1-habits.yml');
    expect(policy.pinning).toBe('off');
    expect(policy.severity).toEqual({ 'mutable-tag': 'off' });
    expect(policy.buildArgs).toEqual({ VERSION: '1.20', ENABLE: 'true' });
    expect(policy.registry.timeoutMs).toBe(45_000);
  });

  it('reads the registry time budget in seconds', async () => {
    const policy = await loadPolicy(valid, 'registry-budget.yml');
    expect(policy.registry).toEqual({ concurrency: 16, timeoutMs: 30_000, retries: 3, budgetMs: 120_000, maxRetryAfterMs: 10_000 });
  });

  it('reads the Retry-After cap in seconds and concurrency per registry', async () => {
    const policy = await loadPolicy(valid, 'registry-retry-after.yml');
    expect(policy.registry).toEqual({ concurrency: 32, timeoutMs: 30_000, retries: 3, budgetMs: 900_000, maxRetryAfterMs: 2_500 });
  });

  it('follows YAML anchors and aliases', async () => {
    const policy = await loadPolicy(valid, 'anchors.yml');
    const identity = { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/my-org/[^/]+/\\.github/workflows/release\\.yml@refs/tags/v' };
    expect(policy.signatures.rules[0].keyless).toEqual(identity);
    expect(policy.signatures.rules[1].attestation).toEqual({ predicateType: 'https://slsa.dev/provenance/v1', keyless: identity });
  });

  it('resolves a named policy file against the repository root, or takes it as absolute', async () => {
    expect((await loadPolicy(valid, 'comments-only.yml')).source).toBe('comments-only.yml');
    expect((await loadPolicy(valid, path.join(valid, 'comments-only.yml'))).source).toBe('comments-only.yml');
    expect((await loadPolicy(fixtures, 'valid/comments-only.yml')).source).toBe('valid/comments-only.yml');
  });
});

describe('policy errors name the file, the line and the key path', () => {
  it.each([
    [
      'unknown-top-key.yml',
      [
        'policy unknown-top-key.yml:2: fail_on is not a known key (expected one of trusted, registries, pinning, fail-on, severity, build-args, paths, ignore, inline-suppressions, typosquat, insecure-registries, registry, signatures); did you mean "fail-on"?',
      ],
    ],
    ['signatures-mode.yml', ['policy signatures-mode.yml:7: signatures.mode must be one of require, warn, off (got "enforce")']],
    ['images-not-a-list.yml', ['policy images-not-a-list.yml:2: trusted.images must be a list of strings']],
    ['glob-with-tag.yml', ['policy glob-with-tag.yml:4: trusted.images[1] is an invalid image glob "docker.io/library/nginx:1.25": tags are not part of a glob']],
    ['severity-unknown-rule.yml', ['policy severity-unknown-rule.yml:3: severity.mutable-tags is not a known key; did you mean "mutable-tag"?']],
    ['severity-value.yml', ['policy severity-value.yml:2: severity.unpinned must be one of error, warning, note, off (got "fatal")']],
    [
      'ignore-bad-rule.yml',
      [
        'policy ignore-bad-rule.yml:4: ignore[1].rule must be a rule id or "*" (got "unpined"); did you mean "unpinned"?',
        'policy ignore-bad-rule.yml:6: ignore[2] needs `rule`',
      ],
    ],
    [
      'registry-numbers.yml',
      [
        'policy registry-numbers.yml:2: registry.concurrency must be an integer from 1 to 64',
        'policy registry-numbers.yml:3: registry.timeout-seconds must be a number from 1 to 600',
        'policy registry-numbers.yml:4: registry.retries must be an integer from 0 to 10',
        'policy registry-numbers.yml:5: registry.budget-seconds must be a number from 10 to 21600',
      ],
    ],
    ['keyless-incomplete.yml', ['policy keyless-incomplete.yml:6: signatures.rules[0].keyless needs `subject` or `subject-regexp`']],
    ['key-missing-file.yml', ['policy key-missing-file.yml:4: signatures.rules[0].key "keys/missing.pub" does not exist']],
    [
      'key-outside-repository.yml',
      [
        'policy key-outside-repository.yml:2: signatures.trusted-root must name a file inside the repository',
        'policy key-outside-repository.yml:5: signatures.rules[0].key must be a path relative to the repository root',
      ],
    ],
    ['invalid-yaml.yml', ['policy invalid-yaml.yml:4: invalid YAML: ']],
    ['duplicate-key.yml', ['policy duplicate-key.yml:3: invalid YAML: Map keys must be unique']],
    ['not-a-mapping.yml', ['policy not-a-mapping.yml:1: the policy must be a mapping of keys to values']],
    ['two-documents.yml', ['policy two-documents.yml:3: must hold a single YAML document']],
    [
      'rule-without-signer.yml',
      [
        'policy rule-without-signer.yml:3: signatures.rules[0] needs one of `keyless`, `key`, `attestation`, `preset`',
        'policy rule-without-signer.yml:4: signatures.rules[0].transparency-log applies only to a rule with `key` or `keyless`',
      ],
    ],
    ['key-and-keyless.yml', ['policy key-and-keyless.yml:7: signatures.rules[0].key cannot be combined with `keyless`']],
    ['bad-regexp.yml', ['policy bad-regexp.yml:6: signatures.rules[0].keyless.subject-regexp is not a valid regular expression']],
    [
      'bad-hosts.yml',
      [
        'policy bad-hosts.yml:2: insecure-registries[0] must be a registry host with an optional port',
        'policy bad-hosts.yml:4: registries.allow[1] must be a registry host with an optional port, e.g. "ghcr.io" or "127.0.0.1:5000" (got "ghcr.io/my-org")',
      ],
    ],
    [
      'build-arg-name.yml',
      ['policy build-arg-name.yml:3: build-args.node-version is not a valid build argument name', 'policy build-arg-name.yml:4: build-args.BASE must be a string'],
    ],
    [
      'wrong-types.yml',
      [
        'policy wrong-types.yml:2: trusted.defaults must be true or false',
        'policy wrong-types.yml:4: typosquat.enabled must be true or false',
        'policy wrong-types.yml:5: paths must be a mapping of keys to values',
        'policy wrong-types.yml:6: pinning must be one of require, warn, off (got "3")',
      ],
    ],
    [
      'attestation-incomplete.yml',
      [
        'policy attestation-incomplete.yml:5: signatures.rules[0].attestation needs `predicate-type`',
        'policy attestation-incomplete.yml:8: signatures.rules[1] needs `images`',
        'policy attestation-incomplete.yml:9: signatures.rules[1].preset must be a preset name such as "chainguard" (got "Chain Guard")',
      ],
    ],
    ['unknown-preset.yml', ['policy unknown-preset.yml:5: signatures.rules[0].preset is not a known preset (got "chainguardd") (expected one of chainguard, distroless, kubernetes); did you mean "chainguard"?']],
  ])('%s', async (file, expected) => {
    const error = await configError(errors, file);
    const lines = error.message.split('\n');
    // Every problem is reported, one per line, in file order.
    expect(lines).toHaveLength(expected.length);
    expected.forEach((text, index) => expect(lines[index]).toContain(text));
    expect(error.file).toBe(file);
    expect(error.issues).toHaveLength(expected.length);
  });

  it('reports problems in the default policy file under its own path', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'verify-images-policy-'));
    try {
      await mkdir(path.join(root, '.github'));
      await copyFile(path.join(errors, 'signatures-mode.yml'), path.join(root, '.github/verify-images.yml'));
      const error = await configError(root);
      expect(error.message).toBe('policy .github/verify-images.yml:7: signatures.mode must be one of require, warn, off (got "enforce")');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects a named file that is a symbolic link out of the repository', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'verify-images-policy-'));
    const outside = await mkdtemp(path.join(tmpdir(), 'verify-images-outside-'));
    try {
      await writeFile(path.join(outside, 'cosign.pub'), 'not a key\n');
      await mkdir(path.join(root, 'keys'));
      await symlink(path.join(outside, 'cosign.pub'), path.join(root, 'keys/cosign.pub'));
      const policy = await readFile(path.join(errors, 'key-missing-file.yml'), 'utf8');
      await writeFile(path.join(root, 'policy.yml'), policy.replace('keys/missing.pub', 'keys/cosign.pub'));
      const error = await configError(root, 'policy.yml');
      expect(error.message).toBe('policy policy.yml:4: signatures.rules[0].key "keys/cosign.pub" leads outside the repository');
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a policy file too large to be a policy', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'verify-images-policy-'));
    try {
      await writeFile(path.join(root, 'huge.yml'), '# padding\n'.repeat(200_000));
      const error = await configError(root, 'huge.yml');
      expect(error.message).toMatch(/^policy huge\.yml: is larger than \d+ bytes$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});


describe('inline-suppressions', () => {
  const parse = (value: string) => parsePolicy(`inline-suppressions: ${value}\n`, { root: '/repo', label: 'p.yml' }).policy;

  it('is true by default, and reads true, false or a list of rule ids', () => {
    expect(defaultPolicy().inlineSuppressions).toBe(true);
    expect(parse('false').inlineSuppressions).toBe(false);
    expect(parse('true').inlineSuppressions).toBe(true);
    expect(parse('[mutable-tag, unpinned]').inlineSuppressions).toEqual(['mutable-tag', 'unpinned']);
    expect(parse('[]').inlineSuppressions).toEqual([]);
  });

  it('names what it cannot read', () => {
    expect(() => parse('[mutable-tag, unpined]')).toThrow('p.yml:1: inline-suppressions[1] "unpined" is not a verify-images rule');
    expect(() => parse('some')).toThrow('p.yml:1: inline-suppressions must be true, false, or a list of rule ids');
  });
});

describe('identity regexps and attestation signers', () => {
  const parse = (rules: string) => parsePolicy(`signatures:\n  rules:\n${rules}`, { root: '/repo', label: 'p.yml' });
  const rule = (issuer: string, subject: string) => `    - images: ["**"]\n      keyless:\n        issuer-regexp: "${issuer}"\n        subject-regexp: "${subject}"\n`;

  it.each([
    ['^https://i$', '^https://github\\\\.com/acme/.*$', []],
    ['^https://i$', 'https://github.com/acme/', ['policy p.yml:6: signatures.rules[0].keyless.subject-regexp is not anchored (no `^` and `$`)']],
    ['^https://i', '^s$', ['policy p.yml:5: signatures.rules[0].keyless.issuer-regexp is not anchored (no `$`)']],
    ['https://i$', 's$', ['policy p.yml:5: signatures.rules[0].keyless.issuer-regexp is not anchored (no `^`)', 'policy p.yml:6: signatures.rules[0].keyless.subject-regexp is not anchored (no `^`)']],
    // An escaped dollar is a literal "$", not an anchor.
    ['^https://i$', '^s\\\\$', ['policy p.yml:6: signatures.rules[0].keyless.subject-regexp is not anchored (no `$`)']],
  ])('issuer %s, subject %s: accepted, with warnings %j', (issuer, subject, warnings) => {
    const { policy } = parse(rule(issuer, subject));
    expect(policy.signatures.rules[0]!.keyless).toEqual({ issuerRegExp: issuer, subjectRegExp: subject.replaceAll('\\\\', '\\') });
    expect((policy.warnings ?? []).map((w) => w.slice(0, w.indexOf(')') + 1))).toEqual(warnings);
  });

  it('warns under attestation identities too', () => {
    const { policy } = parse(`    - images: ["**"]\n      attestation:\n        predicate-type: x\n        keyless: { issuer: "https://i", subject-regexp: "acme" }\n`);
    expect(policy.warnings).toEqual([expect.stringContaining('signatures.rules[0].attestation.keyless.subject-regexp is not anchored')]);
  });

  it('refuses an attestation rule that names no signer anywhere', () => {
    expect(() => parse(`    - images: ["**"]\n      attestation: { predicate-type: "https://slsa.dev/provenance/v1" }\n`)).toThrow(
      'signatures.rules[0].attestation names no signer',
    );
    expect(() => parse(`    - images: ["**"]\n      preset: chainguard\n      attestation: { predicate-type: x }\n`)).not.toThrow();
  });
});
