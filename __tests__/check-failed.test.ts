// A security gate fails closed: a rule that crashes did not look at the images, so the run must not
// pass, whatever else it found (helper audit of the online path: such a crash exited 0).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/checks/index.js';
import { defaultPolicy } from '../src/config/load.js';
import type { Policy } from '../src/config/policy.js';
import { scan } from '../src/engine.js';
import { parseReport } from '../src/github/handoff.js';
import { renderJson } from '../src/report/json.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('a rule that crashes', () => {
  it('is an error that fails the run at every threshold but never, and survives the report hand-off', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'verify-images-crash-'));
    await writeFile(path.join(root, 'Dockerfile'), 'FROM nginx:1.27@sha256:' + 'a'.repeat(64) + '\nUSER 101\n');
    // A policy no validation produces (its `signatures` missing): the signature rules throw reading it.
    const policy = { ...defaultPolicy(), signatures: undefined } as unknown as Policy;
    const result = await scan({ root, policy, offline: true });
    const failed = result.errors.filter((error) => error.checkFailed);
    expect(failed.map((error) => error.message.split(':')[0])).toContain('rule unsigned failed and was not applied');
    expect(result.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(exitCodeFor(result.findings, 'error', result.errors)).toBe(1);
    expect(exitCodeFor(result.findings, 'never', result.errors)).toBe(0);
    // The report a fork's pull request hands to the commenting workflow keeps the mark.
    expect(exitCodeFor([], 'error', parseReport(renderJson(result)).errors)).toBe(1);
  });

  it('other problems listed as not checked do not fail the run by themselves', () => {
    expect(exitCodeFor([], 'note', [{ file: 'crds.yaml', message: 'it holds only CustomResourceDefinitions, which name no images, and was not parsed' }])).toBe(0);
  });

  it('takes the mark from a handed-off report only when it is true', () => {
    const report = (checkFailed: unknown) => JSON.stringify({ schemaVersion: 1, findings: [], occurrences: [], errors: [{ file: '.', message: 'rule x failed', checkFailed }] });
    expect(parseReport(report(true)).errors[0]?.checkFailed).toBe(true);
    expect(parseReport(report('yes')).errors[0]?.checkFailed).toBeUndefined();
  });
});
