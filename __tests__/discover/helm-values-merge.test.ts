import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { MergedValues } from '../../src/discover/helm-values-merge.js';

/** The merged tree as plain data, with where each scalar is written. */
function plain(merged: MergedValues<string>): unknown {
  return merged.root.toJSON();
}

describe('MergedValues', () => {
  const text = 'image:\n  repository: nginx\n  tag: "1.25"\nsidecars: [a, b]\n';
  const over = 'image:\n  tag: "1.27"\nsidecars: [c]\n';

  it('merges maps key by key and replaces anything else, as Helm and Flux merge values; written trees stay as written', () => {
    const merged = new MergedValues<string>();
    const base = parseDocument(text);
    merged.merge(base.contents, { text, place: 'base' });
    merged.merge(parseDocument(over).contents, { text: over, place: 'over' });
    expect(plain(merged)).toEqual({ image: { repository: 'nginx', tag: '1.27' }, sidecars: ['c'] });
    expect(base.toJSON()).toEqual({ image: { repository: 'nginx', tag: '1.25' }, sidecars: ['a', 'b'] });
  });

  it('sets one value at a dotted path, `\\.` keeping a dot in a key; a path with indexes or an empty key is not set', () => {
    const merged = new MergedValues<string>();
    merged.merge(parseDocument(text).contents, { text, place: 'base' });
    const value = parseDocument('"2.0"').contents;
    expect(merged.set('image.tag', value, { text: '"2.0"', place: 'parameter' })).toBe(true);
    expect(merged.set('annotations.example\\.com/image', value, { text: '"2.0"', place: 'parameter' })).toBe(true);
    expect(merged.set('sidecars[0]', value, { text: '"2.0"', place: 'parameter' })).toBe(false);
    expect(merged.set('image..tag', value, { text: '"2.0"', place: 'parameter' })).toBe(false);
    expect(plain(merged)).toEqual({ image: { repository: 'nginx', tag: '2.0' }, sidecars: ['a', 'b'], annotations: { 'example.com/image': '2.0' } });
    expect(merged.placeOf(value)).toBe('parameter');
  });
});
