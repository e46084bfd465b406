/** The action's registry-concurrency input: empty keeps the policy's, else 1-64, anything else a setup error. */
import { describe, expect, it } from 'vitest';
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
