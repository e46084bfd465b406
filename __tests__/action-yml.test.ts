/** action.yml is what GitHub reads: it must parse, name the Node runtime, and declare every input the action reads. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const actionYml = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));
const runSource = readFileSync(new URL('../src/github/inputs.ts', import.meta.url), 'utf8');

describe('action.yml', () => {
  it('runs the bundled action on node24', () => {
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
  });

  it('declares every input the action reads, and reads every input it declares', () => {
    const read = new Set([...runSource.matchAll(/(?:getInput|flag|choice)\('([a-z-]+)'/g)].map((match) => match[1]));
    const declared = new Set(Object.keys(actionYml.inputs));
    expect([...read].sort()).toEqual([...declared].sort());
    for (const [name, input] of Object.entries<{ description?: string }>(actionYml.inputs)) {
      expect(input.description, `input ${name} has a description`).toBeTruthy();
    }
  });

  it('declares the outputs the issue promises: counts, JSON report, SARIF file, comment and review ids', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual(['comment-id', 'errors', 'json-report', 'notes', 'review-id', 'sarif-file', 'warnings']);
  });
});
