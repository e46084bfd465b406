// YAML written as a literal block string in YAML (an Argo CD application's `helm.values: |`): its
// text, and where each of its characters is in the file.
import { describe, expect, it } from 'vitest';
import { literalBlockText, mapGet, parseYamlDocuments } from '../../src/discover/yaml.js';

function embedded(text: string, key = 'values') {
  const root = parseYamlDocuments(text).documents[0]?.contents;
  return literalBlockText(mapGet(root, key), text);
}

/** Every character of the block's text is the file's character at the offset it maps to. */
function expectMapsOntoFile(text: string, block: { text: string; fileOffset: (offset: number) => number }): void {
  for (let offset = 0; offset < block.text.length; offset++) {
    if (block.text[offset] === '\n') continue;
    expect(text[block.fileOffset(offset)], `offset ${offset}`).toBe(block.text[offset]);
  }
}

describe('literal block text', () => {
  it.each([
    ['keep, blank lines inside', 'values: |+\n  image:\n\n    repository: a/b\n  # note\n\nnext: 1\n'],
    ['strip, after a comment on the header', 'values: |- # the chart values\n    a: 1\n    b:\n      c: d\nnext: 1\n'],
    ['leading blank lines', 'values: |\n\n\n  a: 1\n'],
    ['CRLF line ends', 'values: |\r\n  a: 1\r\n  b: 2\r\n'],
    ['an indentation indicator: the first line more indented', 'values: |2\n    a\n  b\n'],
  ])('maps each character onto the file: %s', (_name, text) => {
    const block = embedded(text);
    expect(block).toBeDefined();
    expectMapsOntoFile(text, block!);
  });

  it('is undefined for strings that are not literal blocks (their characters are not the file\'s)', () => {
    expect(embedded('values: >\n  a: 1\n  b: 2\n')).toBeUndefined();
    expect(embedded('values: "a: 1\\nb: 2"\n')).toBeUndefined();
    expect(embedded('values: plain\n')).toBeUndefined();
  });
});
