/**
 * Issue 12.2 for expressions a policy writes (signer identities, matched against certificates a
 * registry serves) and as a fallback for every expression: no backtracking. No timing assertions:
 * a backtracking engine would run these past the test timeout (2^40 steps); bench/ measures growth.
 */
import { describe, expect, it } from 'vitest';
import { enableLinearRegExps, LinearRegExpError, linearRegExp } from '../src/linear-regexp.js';
import { ConfigError, parsePolicy } from '../src/config/load.js';

describe('linear regular expressions', () => {
  it('runs a policy identity pattern against a hostile subject in linear time', () => {
    const pattern = linearRegExp('^https://github\\.com/.*/.*/.*/.*/x$');
    expect(pattern.flags).toContain('l');
    expect(pattern.test('https://github.com/' + 'a/'.repeat(50_000) + 'y')).toBe(false);
    expect(pattern.test('https://github.com/o/r/.github/workflows/x')).toBe(true);
  });

  it('refuses what the linear engine cannot run, and invalid patterns', () => {
    expect(() => linearRegExp('(a)\\1')).toThrow(LinearRegExpError);
    expect(() => linearRegExp('(?=a)b')).toThrow(/linear time/);
    expect(() => linearRegExp('(')).toThrow(/is invalid/);
  });

  it('refuses such a pattern when the policy loads', () => {
    const policy = 'signatures:\n  rules:\n    - images: ["ghcr.io/acme/*"]\n      keyless:\n        issuer: https://token.actions.githubusercontent.com\n        subject-regexp: "^(a)\\\\1$"\n';
    expect(() => parsePolicy(policy, { root: '/repo', label: 'p.yml' })).toThrow(ConfigError);
    expect(() => parsePolicy(policy, { root: '/repo', label: 'p.yml' })).toThrow(/cannot be matched in linear time/);
  });

  it('any other expression that backtracks excessively finishes on the linear engine', () => {
    enableLinearRegExps();
    const catastrophic = /^(a+)+$/;
    expect(catastrophic.test('a'.repeat(40) + '!')).toBe(false);
  });
});
