import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

async function cli(args: string[], cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-cli-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('verify-images scan', () => {
  it('prints the JSON contract for the example and exits 1 for its findings', async () => {
    const { code, stdout } = await cli(['scan', examples, '--offline', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.schemaVersion).toBe(1);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['occurrences', 'findings', 'errors']));
    const compose = report.occurrences.find((occurrence: { raw: string }) => occurrence.raw === 'ngnix:latest');
    expect(compose).toMatchObject({ file: 'docker-compose.yml', line: 10, column: 12, kind: 'compose', reference: 'docker.io/library/ngnix:latest' });
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'typosquat', severity: 'error', file: 'docker-compose.yml', line: 10 }));
    // Every occurrence's position points at its raw text.
    for (const occurrence of report.occurrences) {
      const text = await readFile(path.join(examples, occurrence.file), 'utf8');
      const line = text.split(/\r?\n/)[occurrence.line - 1];
      expect(line.slice(occurrence.column - 1, occurrence.column - 1 + occurrence.raw.length)).toBe(occurrence.raw);
    }
  });

  it('exits 0 on a clean repository, and with --fail-on never despite findings', async () => {
    await writeFile(path.join(root, 'compose.yaml'), 'services:\n  db:\n    image: postgres:16.4@sha256:' + 'a'.repeat(64) + '\n');
    expect((await cli(['scan', root, '--offline'])).code).toBe(0);
    expect((await cli(['scan', examples, '--offline', '--fail-on', 'never'])).code).toBe(0);
  });

  it('writes SARIF and Markdown to --output relative to the working directory', async () => {
    const sarif = await cli(['scan', examples, '--offline', '--format', 'sarif', '--output', 'out.sarif'], root);
    expect(sarif.code).toBe(1);
    expect(JSON.parse(await readFile(path.join(root, 'out.sarif'), 'utf8')).version).toBe('2.1.0');
    const markdown = await cli(['scan', examples, '--offline', '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/^## verify-images/);
  });

  it('exits 2 with the key path and line for a bad policy file', async () => {
    await mkdir(path.join(root, '.github'));
    await writeFile(path.join(root, '.github/verify-images.yml'), 'pinning: always\n');
    const { code, stderr } = await cli(['scan', root, '--offline']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/verify-images\.yml:1.*pinning/);
  });

  it('prints each problem of a bad policy file on its own line', async () => {
    await mkdir(path.join(root, '.github'));
    await writeFile(path.join(root, '.github/verify-images.yml'), 'pinning: always\nfail_on: warning\n');
    const { code, stderr } = await cli(['scan', root, '--offline']);
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^verify-images: policy \.github\/verify-images\.yml:1: pinning must be one of/);
    expect(lines[1]).toMatch(/^verify-images: policy \.github\/verify-images\.yml:2: fail_on is not a known key.*did you mean "fail-on"\?$/);
  });

  it('exits 2 for usage errors', async () => {
    expect((await cli(['scan', '--format', 'xml'])).code).toBe(2);
    expect((await cli(['scan', '--no-such-flag'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['scan', 'a', 'b'])).code).toBe(2);
    expect((await cli(['scan', root, '--build-arg', 'NOEQUALS'])).code).toBe(2);
    const url = await cli(['scan', root, '--insecure-registry', 'http://127.0.0.1:5000']);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--insecure-registry takes HOST[:PORT]');
    expect((await cli([])).code).toBe(2);
  });

  it('exits 2 when DIR is missing or a file, or --output cannot be written', async () => {
    const missing = await cli(['scan', path.join(root, 'no-such-dir'), '--offline']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such directory');
    await writeFile(path.join(root, 'Dockerfile'), 'FROM alpine:3.20\n');
    const file = await cli(['scan', path.join(root, 'Dockerfile'), '--offline']);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('not a directory');
    const output = await cli(['scan', root, '--offline', '--output', path.join(root, 'no-such-dir', 'report.json')]);
    expect(output.code).toBe(2);
    expect(output.stderr).toMatch(/cannot write --output .*report\.json/);
  });

  it('prints the usage and exits 0 for --help after a command', async () => {
    for (const command of ['scan', 'pin', 'verify-bundle']) {
      const { code, stdout } = await cli([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`verify-images ${command} `);
    }
  });

  it('notes a suppression comment that names no rule, and keeps the finding', async () => {
    await writeFile(path.join(root, 'compose.yaml'), 'services:\n  db:\n    image: redis:7  # verify-images: ignore unpined pinned by renovate\n');
    const report = JSON.parse((await cli(['scan', root, '--offline', '--format', 'json'])).stdout);
    expect(report.notes).toContain('compose.yaml:3: "verify-images: ignore unpined" names no rule (did you mean "unpinned"?), so it suppresses nothing.');
    expect(report.findings.find((finding: { rule: string }) => finding.rule === 'unpinned').suppressed).toBeUndefined();
  });

  it('applies --build-arg to Dockerfile ARGs', async () => {
    await writeFile(path.join(root, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\n');
    const unresolved = JSON.parse((await cli(['scan', root, '--offline', '--format', 'json'])).stdout);
    expect(unresolved.occurrences[0].reference).toBeNull();
    const resolved = JSON.parse((await cli(['scan', root, '--offline', '--format', 'json', '--build-arg', 'BASE=alpine:3.20'])).stdout);
    expect(resolved.occurrences[0].reference).toBe('docker.io/library/alpine:3.20');
  });

  it('pin says there is nothing to pin in a repository without images, without asking any registry', async () => {
    await writeFile(path.join(root, 'README.md'), '# no images here\n');
    const { code, stdout } = await cli(['pin', root]);
    expect(code).toBe(0);
    expect(stdout).toBe('Nothing to pin.\n');
  });
});
