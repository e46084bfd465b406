import { describe, expect, it } from 'vitest';
import { jinjaBranchTexts } from '../../src/discover/template-branches.js';

describe('jinjaBranchTexts', () => {
  it('keeps one branch of every choice per text, blanking the others in place', () => {
    const text = 'a:\n{% if x %}\n  image: one\n{% elif y %}\n  image: two\n{% else %}\n  image: three\n{% endif %}\n';
    const texts = jinjaBranchTexts(text)!;
    expect(texts).toHaveLength(3);
    for (const variant of texts) expect(variant.length).toBe(text.length);
    expect(texts.map((variant) => ['one', 'two', 'three'].filter((word) => variant.includes(word)))).toEqual([['one'], ['two'], ['three']]);
  });

  it('keeps a choice without else in every text, and follows choices inside others', () => {
    const text = '{% if a %}\nk: v\n{% endif %}\n{% if b %}\n{% if c %}p{% else %}q{% endif %}\n{% else %}r{% endif %}';
    expect(jinjaBranchTexts(text)!.map((variant) => ['v', 'p', 'q', 'r'].filter((word) => variant.includes(word)))).toEqual([
      ['v', 'p'],
      ['v', 'r'],
    ]);
  });

  it('is undefined without a choice of two branches, or when the tags do not nest', () => {
    expect(jinjaBranchTexts('image: {{ x }}\n')).toBeUndefined();
    expect(jinjaBranchTexts('{% if a %}\nb\n{% endif %}\nelse\n')).toBeUndefined();
    expect(jinjaBranchTexts('{% else %}\n{% if a %}\n')).toBeUndefined();
  });
});
