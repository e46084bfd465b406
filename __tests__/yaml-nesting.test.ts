/**
 * YAML nesting is bounded before the `yaml` package composes (recursively) what it parsed: past the
 * stack it caught the overflow and went one level deeper each time, and a values file of 20,000 `{`
 * made V8 abort the process (see src/yaml-nesting.ts). Generated inputs, no real repository writes these.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parsePolicy } from '../src/config/load.js';
import { parseYamlDocuments } from '../src/discover/yaml.js';
import { MAX_YAML_NESTING, YAML_TOO_DEEP, parseAllDocumentsBounded } from '../src/yaml-nesting.js';

/** A document whose flow sequences nest `depth` deep under a top-level key (the map is one more level). */
const nestedFlow = (depth: number): string => `image: ${'['.repeat(depth)}x${']'.repeat(depth)}\n`;

describe('YAML nesting', () => {
  it('reads a document nested up to the limit, refuses one level more', () => {
    expect(parseAllDocumentsBounded(nestedFlow(MAX_YAML_NESTING - 1))[0].errors).toEqual([]);
    expect(parseAllDocumentsBounded(nestedFlow(MAX_YAML_NESTING))[0].errors.map((error) => error.message)).toEqual([YAML_TOO_DEEP]);
  });

  it('a document of flow collections nested 20,000 deep is an error with its range, the next one is read', () => {
    const deep = `image: ${'{'.repeat(20_000)}x\n`;
    const parsed = parseYamlDocuments(`${deep}---\nimage: nginx:1.27\n`);
    expect(parsed.errors).toEqual([`${YAML_TOO_DEEP} at line 1, column 1`]);
    expect(parsed.failedRanges?.[0][1]).toBeGreaterThanOrEqual(deep.trimEnd().length);
    expect(parsed.documents.map((document) => document.toJS())).toEqual([{ image: 'nginx:1.27' }]);
  });

  it('block collections nested 20,000 deep are an error, closed by the end of the text or by a marker', () => {
    const blockMaps = Array.from({ length: 1_900 }, (_, index) => `${' '.repeat(index)}k${index}:`).join('\n') + ' x\n';
    for (const deep of [`${'- '.repeat(20_000)}x\n`, blockMaps]) {
      expect(parseYamlDocuments(`image: nginx:1.27\n---\n${deep}`).errors).toEqual([`${YAML_TOO_DEEP} at line 3, column 1`]);
      // A marker after them closes them all at once, in the parser (which recurses): the whole stream is refused.
      expect(() => parseYamlDocuments(`${deep}---\nimage: nginx:1.27\n`)).toThrow(YAML_TOO_DEEP);
    }
  });

  it('a policy nested too deeply is refused, naming the limit', () => {
    let error: unknown;
    try {
      parsePolicy(`version: 1\nx: ${'['.repeat(20_000)}\n`, { root: '/repo', label: 'policy.yml' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(YAML_TOO_DEEP);
  });
});
