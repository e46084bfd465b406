import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover/index.js';
import { parseHelmIgnore } from '../../src/discover/helm-ignore.js';

describe(".helmignore read as Helm's pkg/ignore reads it", () => {
  it('matches a pattern without a slash against the base name, one with a slash against the path', () => {
    const rules = parseHelmIgnore('*.swp\ntemplates/tests\n/docs/*.yaml\n');
    expect(rules.ignores('templates/a.yaml.swp')).toBe(true);
    expect(rules.ignores('deep/er/x.swp')).toBe(true);
    expect(rules.ignores('templates/tests/deployment_test.yaml')).toBe(true);
    expect(rules.ignores('templates/tests.yaml')).toBe(false);
    expect(rules.ignores('other/templates/tests/a.yaml')).toBe(false);
    expect(rules.ignores('docs/a.yaml')).toBe(true);
    expect(rules.ignores('docs/sub/a.yaml')).toBe(false);
    expect(rules.ignores('templates/deployment.yaml')).toBe(false);
  });

  it('leaves out a whole directory that matches, and a directory-only pattern never matches a file', () => {
    const rules = parseHelmIgnore('ci/\n');
    expect(rules.ignores('ci/values.yaml')).toBe(true);
    expect(rules.ignores('templates/ci/job.yaml')).toBe(true);
    expect(rules.ignores('templates/ci')).toBe(false);
  });

  it('skips comments and blank lines, reads braces as characters and leaves out patterns Helm refuses', () => {
    const rules = parseHelmIgnore('# templates/a.yaml\n\n{a,b}.yaml\ntemplates/**/x.yaml\n');
    expect(rules.ignores('templates/a.yaml')).toBe(false);
    expect(rules.ignores('{a,b}.yaml')).toBe(true);
    expect(rules.ignores('a.yaml')).toBe(false);
    expect(rules.ignores('templates/sub/x.yaml')).toBe(false);
  });

  it('keeps the negation Helm has: a path a negated rule does not match is left out', () => {
    const rules = parseHelmIgnore('!keep.yaml\n');
    expect(rules.ignores('keep.yaml')).toBe(false);
    expect(rules.ignores('templates/other.yaml')).toBe(true);
  });

  it("adds Helm's default: hidden files in templates/", () => {
    const rules = parseHelmIgnore(undefined);
    expect(rules.ignores('templates/.backup.yaml')).toBe(true);
    expect(rules.ignores('templates/deployment.yaml')).toBe(false);
    expect(rules.ignores('.hidden/values.yaml')).toBe(false);
  });
});

describe('a chart with a .helmignore', () => {
  it('reports no image of the templates Helm leaves out (a helm-unittest suite, a hidden backup)', async () => {
    const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'discover', 'helm', 'helmignore');
    const discovery = await discoverRepository(root);
    expect(discovery.occurrences.map((o) => [o.file, o.line, o.reference])).toEqual([['values.yaml', 2, 'ghcr.io/example/server:3.2.1']]);
    expect(discovery.unscanned).toEqual([]);
    expect(discovery.errors).toEqual([]);
  });
});
