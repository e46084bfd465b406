/**
 * semverCompare as Sprig (Masterminds/semver v3) decides it, for the constraints charts write
 * against `.Capabilities.KubeVersion` (`helm template`'s default: v1.34.0 here).
 */
import { describe, expect, it } from 'vitest';
import { semverSatisfies } from '../../src/discover/helm-semver.js';

describe('semverSatisfies', () => {
  it.each([
    ['>=1.21-0', 'v1.34.0', true],
    ['<1.19-0', 'v1.34.0', false],
    ['>= 1.14-0, < 1.19-0', 'v1.34.0', false],
    ['>= 1.14-0, < 1.19-0', 'v1.16.3', true],
    ['>=1.14-0 <1.19-0', 'v1.16.3', true],
    ['<1.16 || >=1.30', 'v1.34.0', true],
    ['^1.2', '1.34.0', true],
    ['^0.2.3', '0.3.0', false],
    ['~1.34.1', '1.34.0', false],
    ['~1.34', '1.34.9', true],
    ['1.34.x', 'v1.34.0', true],
    ['1.33', 'v1.34.0', false],
    ['>1.33', 'v1.34.0', true],
    ['>1.34', 'v1.34.5', false],
    ['<=1.34', 'v1.34.5', true],
    ['!=1.34.0', 'v1.34.0', false],
    ['=1.34.0', 'v1.34.0', true],
    // A prerelease version satisfies only constraints that carry a prerelease.
    ['>=1.20', 'v1.34.0-rc.1', false],
    ['>=1.20-0', 'v1.34.0-rc.1', true],
    ['>=1.34.0-rc.2', 'v1.34.0-rc.10', true],
  ])('%s against %s', (constraint, version, expected) => {
    expect(semverSatisfies(constraint, version)).toBe(expected);
  });

  it('is not known for what it cannot read', () => {
    expect(semverSatisfies('>=banana', 'v1.34.0')).toBeUndefined();
    expect(semverSatisfies('>=1.20', 'latest')).toBeUndefined();
    expect(semverSatisfies('', 'v1.34.0')).toBeUndefined();
  });
});
