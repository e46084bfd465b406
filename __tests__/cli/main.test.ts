import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, type CliIO } from '../../src/cli/main.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

async function cli(args: string[], cwd = process.cwd(), terminal: Partial<Pick<CliIO, 'env' | 'stdoutIsTTY' | 'stderrIsTTY'>> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd, env: {}, ...terminal });
  return { code, stdout, stderr };
}

/** A local "registry" that answers every request with `status` (plain HTTP on 127.0.0.1). */
async function answering(status: number, headers: Record<string, string> = {}): Promise<{ host: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end('{"errors":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
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
    const concurrency = await cli(['scan', root, '--offline', '--concurrency', '0']);
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain('--concurrency takes an integer from 1 to 64');
    expect((await cli(['scan', root, '--offline', '--concurrency', '32'])).code).not.toBe(2);
    const shard = await cli(['scan', root, '--offline', '--shard', '3/2']);
    expect(shard.code).toBe(2);
    expect(shard.stderr).toContain('--shard K must be from 1 to N (2), got 3');
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

describe('the command line as people use it', () => {
  it('prints its version', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await cli([flag]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^verify-images \S+\n$/);
    }
  });

  it('describes every flag in scan --help and pin --help', async () => {
    const scan = await cli(['scan', '--help']);
    for (const flag of ['--config FILE', '--offline', '--format text|json|sarif|markdown', '--output FILE', '--fail-on', '--insecure-registry HOST[:PORT]', '--build-arg NAME=VALUE', '--verbose']) {
      expect(scan.stdout).toMatch(new RegExp(`${flag.replace(/[|[\]]/g, '\\$&')} +\\S`));
    }
    const pin = await cli(['pin', '--help']);
    for (const flag of ['--write', '--update-stale', '--config FILE']) expect(pin.stdout).toContain(flag);
  });

  it('answers a mistyped flag in two lines, naming the nearest flag', async () => {
    const { code, stderr } = await cli(['scan', examples, '--ofline']);
    expect(code).toBe(2);
    expect(stderr).toBe('verify-images: unknown flag --ofline (did you mean --offline?)\nRun "verify-images scan --help" for every flag.\n');
    expect((await cli(['pin', '--wirte'])).stderr).toContain('(did you mean --write?)');
    expect((await cli(['scan', '--format'])).stderr.split('\n')[0]).toBe('verify-images: --format needs a value');
    expect((await cli(['scna'])).stderr).toContain('unknown command "scna" (did you mean scan?)');
  });

  it('colours the text report on a terminal, and not with NO_COLOR or into a pipe', async () => {
    const red = '\u001b[31m';
    expect((await cli(['scan', examples, '--offline'], process.cwd(), { stdoutIsTTY: true })).stdout).toContain(`${red}error`);
    expect((await cli(['scan', examples, '--offline'], process.cwd(), { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await cli(['scan', examples, '--offline'])).stdout).not.toContain('\u001b[');
    expect((await cli(['scan', examples, '--offline'], process.cwd(), { env: { FORCE_COLOR: '1' } })).stdout).toContain(`${red}error`);
    expect((await cli(['scan', examples, '--offline', '--format', 'json'], process.cwd(), { env: { FORCE_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });

  it('leads the text report with the findings, errors first', async () => {
    const { stdout } = await cli(['scan', examples, '--offline']);
    expect(stdout).toMatch(/^Findings: \d+\n {2}error /);
    expect(stdout.indexOf('Images: ')).toBeGreaterThan(stdout.lastIndexOf('[unpinned]'));
  });

  it('shows a progress line on a terminal while registries are asked, and erases it', async () => {
    const registry = await answering(404);
    try {
      await writeFile(path.join(root, 'Dockerfile'), `FROM ${registry.host}/team/a:1\nFROM ${registry.host}/team/b:1\n`);
      const { stderr } = await cli(['scan', root, '--insecure-registry', registry.host], process.cwd(), { stderrIsTTY: true });
      expect(stderr).toContain('Resolving images: 2/2');
      expect(stderr.endsWith('\r\u001b[2K')).toBe(true);
      const piped = await cli(['scan', root, '--insecure-registry', registry.host]);
      expect(piped.stderr).toBe('');
    } finally {
      await registry.close();
    }
  });

  it('says once per registry what could not be verified, and where credentials were looked for after a 401', async () => {
    const registry = await answering(401, { 'www-authenticate': 'Basic realm="registry"' });
    try {
      await writeFile(path.join(root, 'Dockerfile'), `FROM ${registry.host}/team/a:1\nFROM ${registry.host}/team/b:1\n`);
      const env = { REGISTRY_AUTH_FILE: path.join(root, 'auth.json'), HOME: root };
      const { stdout } = await cli(['scan', root, '--insecure-registry', registry.host], process.cwd(), { env });
      expect(stdout).toContain(`  ${registry.host} refused the credentials (401): 2 images not verified\n`);
      expect(stdout).toContain(`hint: credentials for ${registry.host} were looked for in: VERIFY_IMAGES_REGISTRY_CREDENTIALS (not set), $REGISTRY_AUTH_FILE (${path.join(root, 'auth.json')}), ${path.join(root, '.docker', 'config.json')}, GITHUB_TOKEN or GH_TOKEN (ghcr.io only)`);
      expect(stdout.match(/\[registry-unreachable\]/g)).toHaveLength(1);
    } finally {
      await registry.close();
    }
  });

  it('hints at --insecure-registry when a registry answers TLS in plain HTTP', async () => {
    const registry = await answering(404);
    try {
      await writeFile(path.join(root, 'Dockerfile'), `FROM ${registry.host}/team/a:1\n`);
      const { stdout } = await cli(['scan', root]);
      expect(stdout).toContain(`hint: it answered TLS in plain HTTP: if it is a plain-HTTP registry you trust, run with --insecure-registry ${registry.host}\n`);
    } finally {
      await registry.close();
    }
  });
});
