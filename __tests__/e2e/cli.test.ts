/**
 * The bundled CLI (dist/cli.js) as a user runs it: a separate Node process, by default the one
 * running the tests; CI sets VERIFY_IMAGES_NODE to a Node 24 binary, the runtime action.yml names.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const bundle = path.join(repository, 'dist/cli.js');
const node = process.env.VERIFY_IMAGES_NODE ?? process.execPath;
const conformance = path.join(repository, '__tests__/fixtures/sigstore-conformance');

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(node, [bundle, ...args], { cwd: repository, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.skipIf(!existsSync(bundle))(`bundled CLI under ${path.basename(node)} ${existsSync(bundle) ? '' : '(skipped: dist/cli.js not built; run npm run build)'}`, () => {
  it('scans the example offline with the embedded defaults and exits 1 for its findings', async () => {
    const { code, stdout } = await run(['scan', 'examples', '--offline', '--format', 'json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.schemaVersion).toBe(1);
    const rules = new Set(report.findings.map((finding: { rule: string }) => finding.rule));
    // `latest` is one finding (unpinned supersedes mutable-tag); the Kubernetes manifest shows the least-privilege rules.
    expect([...rules].sort()).toEqual(['impersonation', 'no-resource-limits', 'runs-as-root', 'typosquat', 'unpinned', 'unresolved-reference', 'writable-root-filesystem']);
    const kinds = new Set(report.occurrences.map((occurrence: { kind: string }) => occurrence.kind));
    expect([...kinds].sort()).toEqual(['compose', 'devcontainer', 'dockerfile', 'github-workflow', 'gitlab-ci', 'helm', 'kubernetes']);
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const { code, stderr } = await run(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage:');
  });

  it.skipIf(!existsSync(conformance))('verifies a public-good Sigstore bundle offline with the embedded trust root', async () => {
    const identity = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
    const args = ['verify-bundle', '--bundle', path.join(conformance, 'bundle-verify/happy-path-v0.3/bundle.sigstore.json'), '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com'];
    expect((await run([...args, '--certificate-identity', identity, path.join(conformance, 'a.txt')])).code).toBe(0);
    expect((await run([...args, '--certificate-identity', identity + 'x', path.join(conformance, 'a.txt')])).code).not.toBe(0);
  });
});
