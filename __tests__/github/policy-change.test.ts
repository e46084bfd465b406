import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import { policyLoosening, policyLooseningFinding } from '../../src/github/policy-change.js';

describe('what a policy change loosens', () => {
  const base = () => ({ ...defaultPolicy(), allowedRegistries: ['docker.io'], pinning: 'require' as const });

  it('names nothing when the policy is only tightened or left alone', () => {
    const tighter = { ...base(), severity: { 'mutable-tag': 'error' as const }, failOn: 'warning' as const };
    expect(policyLoosening(base(), base())).toEqual([]);
    expect(policyLoosening(base(), tighter)).toEqual([]);
    expect(policyLooseningFinding(base(), tighter, '.github/verify-images.yml', false)).toBeUndefined();
  });

  it('names modes relaxed, allowlists widened or removed, and a failing threshold raised', () => {
    const looser = { ...base(), pinning: 'warn' as const, allowedRegistries: undefined, failOn: 'never' as const, typosquat: { enabled: false, targets: [], allow: [] } };
    expect(policyLoosening(base(), looser)).toEqual(['removes the registry allowlist', 'relaxes pinning from require to warn', 'turns typosquat detection off', 'fails on never instead of error']);
    expect(policyLoosening(base(), { ...base(), allowedRegistries: ['docker.io', 'evil.example'] })).toEqual(['allows the registries `evil.example`']);
  });

  it('names the rules inline comments may newly suppress (inline-suppressions)', () => {
    const strict = { ...base(), inlineSuppressions: ['mutable-tag' as const] };
    expect(policyLoosening(strict, { ...strict, inlineSuppressions: ['mutable-tag', 'unsigned'] })).toEqual(['lets inline comments suppress `unsigned`']);
    expect(policyLoosening({ ...base(), inlineSuppressions: false }, { ...base(), inlineSuppressions: ['typosquat'] })).toEqual(['lets inline comments suppress `typosquat`']);
    expect(policyLoosening(strict, base())[0]).toMatch(/^lets inline comments suppress `invalid-reference`, .* and \d+ more$/);
    expect(policyLoosening(base(), { ...base(), inlineSuppressions: false })).toEqual([]);
  });

  it('is an error when the loosened policy was applied, a warning when the base one was', () => {
    const looser = { ...base(), severity: { typosquat: 'off' as const } };
    expect(policyLooseningFinding(base(), looser, 'p.yml', true)).toMatchObject({ rule: 'policy-loosened', severity: 'error', file: 'p.yml', line: 1 });
    expect(policyLooseningFinding(base(), looser, 'p.yml', false)).toMatchObject({ severity: 'warning' });
  });
});
