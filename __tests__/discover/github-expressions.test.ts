// GitHub Actions expressions a scan can evaluate, with the semantics GitHub documents
// (docs.github.com, "Evaluate expressions in workflows and actions": operators, falsy values, loose equality).
import { describe, expect, it } from 'vitest';
import { evaluateExpression, parseExpression } from '../../src/discover/github-expressions.js';

const combination: Record<string, unknown> = { name: 'Tests', version: '3', count: 3, empty: '', flag: true, nested: { os: 'linux' }, list: ['a', 'b'] };
const lookup = (path: string[]): unknown => {
  let current: unknown = combination;
  for (const step of path) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[step] : undefined;
  return current;
};

function evaluate(text: string): unknown {
  const expression = parseExpression(text);
  if (!expression) throw new Error(`does not parse: ${text}`);
  return evaluateExpression(expression, lookup);
}

describe('GitHub expressions', () => {
  it.each<[string, unknown]>([
    // && and || yield an operand, so the idiom picks an image or leaves the service out.
    ["(matrix.name == 'Tests') && 'postgres:17.5' || ''", 'postgres:17.5'],
    ["(matrix.name == 'Lint') && 'postgres:17.5' || ''", ''],
    ["matrix.name == 'Tests' && 'redis:7' || 'redis:6'", 'redis:7'],
    ["matrix.missing || 'fallback'", 'fallback'],
    ["matrix.empty || matrix.name", 'Tests'],
    // Strings compare ignoring case; mixed types compare as numbers.
    ["matrix.name == 'TESTS'", true],
    ["matrix.version == 3", true],
    ['matrix.count == 3.0', true],
    ["matrix.flag == 1", true],
    ["matrix.missing == null", true],
    ["matrix.empty == 0", true],
    ["matrix.name == 0", false],
    ["matrix.name != 'Lint'", true],
    ["!matrix.empty", true],
    ["!(matrix.name == 'Tests')", false],
    ["matrix.nested.os", 'linux'],
    ["'it''s'", "it's"],
    ['matrix.missing', undefined],
    // Comparisons bind tighter than == and &&; strings compare ignoring case, mixed types as numbers.
    ["matrix.version < 23 && 'xe' || 'free'", 'xe'],
    ["matrix.count >= 3 && 'free' || 'xe'", 'free'],
    ['matrix.count > 3', false],
    ['matrix.count <= 3.0', true],
    ["matrix.name > 'tests'", false],
    ["matrix.name >= 'tests'", true],
    ["matrix.name < 'Z'", true],
    ["matrix.name < 1", false],
    ['matrix.missing < 1', true],
    ['matrix.nested > 0', false],
    ['1 < 2 == true', true],
    // Functions: string tests ignore case; contains of an array looks for an element; format fills {n}.
    ["startsWith(matrix.name, 'te') && matrix.name || ''", 'Tests'],
    ["startsWith(matrix.name, 'Lint') && matrix.name || ''", ''],
    ["endsWith(matrix.name, 'STS')", true],
    ["contains(matrix.name, 'es')", true],
    ["contains(matrix.list, 'B')", true],
    ["contains(matrix.list, 'c')", false],
    ['contains(matrix.count, 3)', true],
    ["format('postgres:{0}-alpine', matrix.version)", 'postgres:3-alpine'],
    ["format('{0}/{1}:{{x}}', 'ghcr.io', matrix.name)", 'ghcr.io/Tests:{x}'],
    ["format('{0}{1}', matrix.missing, matrix.flag)", 'true'],
    ["format('{0}', matrix.list)", 'Array'],
    ["format('{1}', 'a')", undefined],
    ["format('{0', 'a')", undefined],
    ["format('a}', 'a')", undefined],
    ["!startsWith(format('{0}', matrix.name), 'x')", true],
  ])('%s', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it.each([
    'github.ref_name',
    "matrix.tag || github.ref_name",
    "toJSON(matrix.name)",
    "hashFiles('**/lock')",
    "contains(matrix.name)",
    "startsWith(matrix.name, 'a', 'b')",
    "format()",
    "format('{0}' matrix.name)",
    "contains(matrix.name, 'T'",
    "constructor('a')",
    `format('{0}'${", 'a'".repeat(20)})`,
    "matrix['name']",
    "(matrix.name == 'Tests'",
    "matrix.name ==",
    "'unterminated",
    '',
    `${'('.repeat(40)}'a'${')'.repeat(40)}`,
    `'${'a'.repeat(2000)}'`,
  ])('%s is only known when the workflow runs (or is no expression)', (text) => {
    expect(parseExpression(text)).toBeUndefined();
  });
});
