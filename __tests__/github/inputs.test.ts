/** The action's registry-concurrency and shard inputs: empty keeps the default, a bad value is a setup error naming the input. */
import { describe, expect, it } from 'vitest';
import { stickyKeyOf } from '../../src/github/context.js';
import { readInputs, SetupError } from '../../src/github/inputs.js';

function core(inputs: Record<string, string>): Parameters<typeof readInputs>[0] {
  return {
    getInput: (name: string) => inputs[name] ?? '',
    getBooleanInput: (name: string) => inputs[name] === 'true',
  } as unknown as Parameters<typeof readInputs>[0];
}

describe('registry-concurrency input', () => {
  it('is absent when empty, so the policy decides', () => {
    expect(readInputs(core({})).registryConcurrency).toBeUndefined();
  });

  it('reads an integer from 1 to 64', () => {
    expect(readInputs(core({ 'registry-concurrency': '32' })).registryConcurrency).toBe(32);
  });

  it.each(['0', '65', '2.5', 'many'])('refuses %s', (value) => {
    expect(() => readInputs(core({ 'registry-concurrency': value }))).toThrow(SetupError);
  });
});

describe('shard input', () => {
  it('is absent when empty, and reads K/N', () => {
    expect(readInputs(core({})).shard).toBeUndefined();
    expect(readInputs(core({ shard: ' 2/4 ' })).shard).toEqual({ index: 2, count: 4 });
  });

  it.each(['0/4', '5/4', '1/0', '1/257', '2', 'a/b', '1/2/3', '-1/2', '1.5/2'])('refuses %s, naming the input', (value) => {
    expect(() => readInputs(core({ shard: value }))).toThrow(/^input shard /);
  });

  it('gives each shard its own sticky comment key', () => {
    expect(stickyKeyOf('.', '', { index: 2, count: 4 })).toBe('shard-2-of-4');
    expect(stickyKeyOf('services', 'strict', { index: 1, count: 2 })).toBe('strict services shard-1-of-2');
    expect(stickyKeyOf('services', 'strict')).toBe('strict services');
  });
});
