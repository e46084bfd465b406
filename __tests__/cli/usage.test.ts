import { describe, expect, it } from 'vitest';
import { commandHelp, nearestFlag, PIN_FLAGS, SCAN_FLAGS } from '../../src/cli/usage.js';

describe('command help', () => {
  it.each([
    ['scan', SCAN_FLAGS],
    ['pin', PIN_FLAGS],
  ] as const)('%s --help describes every flag', (command, flags) => {
    const help = commandHelp(command);
    expect(help.startsWith(`Usage: verify-images ${command} [DIR] [flags]\n`)).toBe(true);
    for (const flag of flags) expect(help).toMatch(new RegExp(`--${flag.name}\\b.*\\S+`));
  });
});

describe('the nearest flag', () => {
  it.each([
    ['--ofline', '--offline'],
    ['--offlin', '--offline'],
    ['--formt', '--format'],
    ['--fail-of', '--fail-on'],
    ['--insecure-registries', '--insecure-registry'],
    ['--build-args', '--build-arg'],
    ['--confg=x', '--config'],
  ])('suggests %s -> %s', (typed, expected) => {
    expect(nearestFlag(typed, SCAN_FLAGS)).toBe(expected);
  });

  it('suggests nothing for a flag unlike any', () => {
    expect(nearestFlag('--zzzzzzzz', SCAN_FLAGS)).toBeUndefined();
  });
});
