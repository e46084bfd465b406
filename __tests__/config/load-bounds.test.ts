/**
 * Issue 12.3, policy memory: YAML aliases cannot multiply a small policy into millions of list
 * items, and every list is bounded; each limit is a configuration error that names it.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, MAX_POLICY_ALIASES, parsePolicy } from '../../src/config/load.js';
import { MAX_LIST_ITEMS, MAX_POLICY_LIST_ITEMS } from '../../src/config/schema.js';

function loadError(text: string): ConfigError {
  try {
    parsePolicy(text, { root: '/repo', label: '.github/verify-images.yml' });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the policy loaded');
}

describe('policy bounds', () => {
  it('an alias bomb into ignore lists is refused quickly, naming the limit', () => {
    // ~100 KB: 10,000 paths named once, used by 900 ignore entries (9 million paths if expanded).
    const paths = Array.from({ length: 9_000 }, (_, index) => `p${index}/**`).join(', ');
    const entries = Array.from({ length: 900 }, () => '  - {rule: "*", paths: *p}').join('\n');
    const text = `x-paths: &p [${paths}]\nignore:\n${entries}\n`;
    const before = process.memoryUsage().heapUsed;
    const error = loadError(text.replace('x-paths: &p', 'typosquat:\n  allow: &p'));
    expect(error.message).toMatch(new RegExp(`past ${MAX_POLICY_LIST_ITEMS} list and map entries in total, YAML aliases expanded \\(limit\\)`));
    // A generous bound: the point is MB, not GB (the unbounded version took 3 GB).
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(512 * 1024 * 1024);
  });

  it('more aliases than the limit are refused', () => {
    const text = `typosquat:\n  allow: &a ["ghcr.io/acme/*"]\nignore:\n${Array.from({ length: MAX_POLICY_ALIASES + 1 }, () => '  - {rule: "*", paths: ["x"], images: *a}').join('\n')}\n`;
    expect(loadError(text).message).toMatch(new RegExp(`uses more than ${MAX_POLICY_ALIASES} YAML aliases \\(limit\\)`));
  });

  it('one list past its bound is refused, not truncated (a truncated signature rule list would fail open)', () => {
    const rules = Array.from({ length: MAX_LIST_ITEMS + 1 }, () => '    - {images: ["ghcr.io/acme/*"], preset: github-actions}').join('\n');
    expect(loadError(`signatures:\n  rules:\n${rules}\n`).message).toMatch(new RegExp(`signatures.rules has more than ${MAX_LIST_ITEMS} entries \\(limit\\)`));
    const items = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, index) => `"x${index}"`).join(', ');
    expect(loadError(`paths:\n  exclude: [${items}]\n`).message).toMatch(/paths.exclude has more than 10000 entries \(limit\)/);
  });

  it('lists the first problems only, however many there are', () => {
    const bad = Array.from({ length: 5_000 }, () => '"/abs"').join(', ');
    expect(loadError(`paths:\n  exclude: [${bad}]\n`).issues.length).toBeLessThanOrEqual(200);
  });
});
