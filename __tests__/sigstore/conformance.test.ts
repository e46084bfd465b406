// Every sigstore-conformance bundle-verify case, with the artifact's path and with its digest.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runVerifyBundle } from '../../src/sigstore/conformance.js';

// sigstore-conformance's verification cases, copied into the repository (source in its README.md).
const FIXTURES = join(import.meta.dirname, '../fixtures/sigstore-conformance/bundle-verify');
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

const cases = readdirSync(FIXTURES)
  .filter((name) => existsSync(join(FIXTURES, name, 'bundle.sigstore.json')))
  .sort();

function argsFor(name: string): { base: string[]; artifact: string } {
  const dir = join(FIXTURES, name);
  const read = (file: string, fallback: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim() : fallback);
  const base = ['--bundle', join(dir, 'bundle.sigstore.json')];
  if (existsSync(join(dir, 'key.pub'))) base.push('--key', join(dir, 'key.pub'));
  else base.push('--certificate-identity', read('identity', DEFAULT_IDENTITY), '--certificate-oidc-issuer', read('issuer', DEFAULT_ISSUER));
  if (existsSync(join(dir, 'trusted_root.json'))) base.push('--trusted-root', join(dir, 'trusted_root.json'));
  const artifact = existsSync(join(dir, 'artifact')) ? join(dir, 'artifact') : join(FIXTURES, '..', 'a.txt');
  return { base, artifact };
}

describe('sigstore-conformance bundle-verify', () => {
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThan(60);
    expect(cases.filter((name) => name.endsWith('_fail')).length).toBeGreaterThan(30);
  });

  for (const name of cases) {
    const shouldPass = !name.endsWith('_fail');
    for (const mode of ['file', 'digest'] as const) {
      it(`${name} (${mode}) ${shouldPass ? 'verifies' : 'fails'}`, async () => {
        const { base, artifact } = argsFor(name);
        const input = mode === 'file' ? artifact : `sha256:${createHash('sha256').update(readFileSync(artifact)).digest('hex')}`;
        const status = await runVerifyBundle([...base, input]);
        if (shouldPass) expect(status, stderr.join('')).toBe(0);
        else {
          expect(status).toBe(1);
          // A failure must come from verification, not from a crash inside it.
          expect(stderr.join('')).toMatch(/^not verified: [A-Z_]+: /);
          expect(stderr.join('')).not.toMatch(/Cannot read properties|is not a function/);
        }
      });
    }
  }
});

describe('verify-bundle arguments', () => {
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('is a usage error without an identity or key', async () => {
    expect(await runVerifyBundle(['--bundle', 'x.json', 'a.txt'])).toBe(2);
  });
  it('is a usage error with both an identity and a key', async () => {
    expect(await runVerifyBundle(['--bundle', 'x', '--key', 'k', '--certificate-identity', 'i', '--certificate-oidc-issuer', 'u', 'a'])).toBe(2);
  });
  it('does not accept an identity that only contains the real one', async () => {
    const { artifact } = argsFor('happy-path-v0.3');
    const dir = join(FIXTURES, 'happy-path-v0.3');
    const extra = existsSync(join(dir, 'trusted_root.json')) ? ['--trusted-root', join(dir, 'trusted_root.json')] : [];
    const status = await runVerifyBundle([
      '--bundle', join(dir, 'bundle.sigstore.json'),
      '--certificate-identity', 'extremely-dangerous-oidc-beacon.yml',
      '--certificate-oidc-issuer', DEFAULT_ISSUER,
      ...extra,
      artifact,
    ]);
    expect(status).toBe(1);
  });
});
