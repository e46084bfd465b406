import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimTrailing } from '../src/text.js';

describe('trimTrailing', () => {
  it('removes what /\\/+$/ removes', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', 'a', ' ', '\n') }), (text) => {
        expect(trimTrailing(text, '/')).toBe(text.replace(/\/+$/, ''));
      }),
    );
  });

  it('reads a long run of the character that does not end the text once', () => {
    const text = `a${'/'.repeat(400_000)}x//`;
    expect(trimTrailing(text, '/')).toBe(text.slice(0, -2));
  });
});
