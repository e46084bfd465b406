/**
 * Issue 12.1 end to end: a repository with a candidate file that cannot be fully read fails the
 * check, in every format, and the policy re-grades or suppresses the rule like any other.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd: root });
  return { code, stdout, stderr };
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-fns-'));
  // A typosquat behind a NUL byte: read naively it would be skipped as binary and the run would pass.
  await writeFile(path.join(root, 'Dockerfile'), 'FROM ngnix:1.27\n\u0000\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function policy(text: string): Promise<void> {
  await mkdir(path.join(root, '.github'), { recursive: true });
  await writeFile(path.join(root, '.github/verify-images.yml'), text);
}

describe('file-not-scanned', () => {
  it('fails the check and is shown in every format', async () => {
    for (const format of ['text', 'json', 'sarif', 'markdown']) {
      const { code, stdout } = await cli(['scan', root, '--offline', '--format', format]);
      expect(code, format).toBe(1);
      expect(stdout, format).toContain('file-not-scanned');
    }
    const report = JSON.parse((await cli(['scan', root, '--offline', '--format', 'json'])).stdout);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'file-not-scanned', severity: 'error', file: 'Dockerfile', line: 1 })]);
  });

  it('is re-graded by the policy', async () => {
    await policy('severity:\n  file-not-scanned: warning\n');
    const { code, stdout } = await cli(['scan', root, '--offline', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings).toEqual([expect.objectContaining({ rule: 'file-not-scanned', severity: 'warning' })]);
  });

  it('is suppressed per path by an ignore entry, and stays in the report marked so', async () => {
    await policy('ignore:\n  - rule: file-not-scanned\n    paths: ["Dockerfile"]\n    reason: generated binary\n');
    const { code, stdout } = await cli(['scan', root, '--offline', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings).toEqual([expect.objectContaining({ rule: 'file-not-scanned', suppressed: true, suppression: expect.objectContaining({ kind: 'policy', reason: 'generated binary' }) })]);
  });
});

describe('file-not-scanned in a readable file', () => {
  it('is suppressed by a comment in the file, like any other rule', async () => {
    await writeFile(path.join(root, 'Dockerfile'), 'ARG A=1\n# verify-images: ignore file-not-scanned blank ARG kept on purpose\nARG =x\nFROM alpine:3.19\n');
    const { code, stdout } = await cli(['scan', root, '--offline', '--format', 'json', '--fail-on', 'error']);
    const findings = JSON.parse(stdout).findings.filter((finding: { rule: string }) => finding.rule === 'file-not-scanned');
    expect(findings).toEqual([expect.objectContaining({ line: 3, suppressed: true })]);
    expect(code).toBe(0);
  });
});
