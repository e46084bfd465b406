import { describe, expect, it } from 'vitest';
import { appendDigestAsWritten, replaceDigestAsWritten } from '../../src/reference/written.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('editing a reference as written', () => {
  it.each([
    ['nginx:1.27', `nginx:1.27@${digest}`],
    ['"nginx:1.27"', `"nginx:1.27@${digest}"`],
    ["'nginx:1.27'", `'nginx:1.27@${digest}'`],
    // Not one wrapping pair: appended as is.
    ['"a"b"', `"a"b"@${digest}`],
    ['"', `"@${digest}`],
  ])('appends the digest to %s inside its quotes', (raw, expected) => {
    expect(appendDigestAsWritten(raw, digest)).toBe(expected);
  });

  it('replaces a pinned digest inside the quotes, and says when none is written', () => {
    expect(replaceDigestAsWritten(`"nginx:1@sha256:${'b'.repeat(64)}"`, digest)).toBe(`"nginx:1@${digest}"`);
    expect(replaceDigestAsWritten(`nginx:1@sha256:${'b'.repeat(64)}`, digest)).toBe(`nginx:1@${digest}`);
    expect(replaceDigestAsWritten('"nginx:1"', digest)).toBeUndefined();
  });
});
