import { describe, expect, it } from 'vitest';
import { ProgressLine, useColour } from '../../src/cli/terminal.js';

describe('colour', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, { FORCE_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [true, { TERM: 'dumb' }, false],
  ])('on a TTY: %s, with %o: %s', (isTTY, env, expected) => {
    expect(useColour({ isTTY, env })).toBe(expected);
  });
});

describe('the progress line', () => {
  it('rewrites itself in place and erases itself when done', () => {
    let out = '';
    let now = 0;
    const line = new ProgressLine((text) => (out += text), true, () => now);
    line.update('Resolving images', 1, 3);
    now += 10;
    line.update('Resolving images', 2, 3); // too soon after the last redraw: skipped
    now += 200;
    line.update('Resolving images', 3, 3);
    line.done();
    expect(out).toBe('\r\u001b[2KResolving images: 1/3\r\u001b[2KResolving images: 3/3\r\u001b[2K');
  });

  it('writes nothing when not on a TTY', () => {
    let out = '';
    const line = new ProgressLine((text) => (out += text), false);
    line.update('Resolving images', 1, 3);
    line.done();
    expect(out).toBe('');
  });
});
