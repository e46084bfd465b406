// Trusted roots: the embedded public-good root (offline), files, and malformed roots.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTrustedRoot, loadTrustedRoot, parseTrustedRoot, trustedRootFromFile } from '../../src/sigstore/trust.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-images-trust-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('trusted root', () => {
  it('embeds the public-good root from @sigstore/tuf, without network', async () => {
    const root = embeddedTrustedRoot();
    expect(root.tlogs.map((t) => t.baseUrl)).toContain('https://rekor.sigstore.dev');
    expect(root.certificateAuthorities.length).toBeGreaterThan(0);
    expect(await loadTrustedRoot()).toEqual(root);
  });
  it('reads a trusted_root.json file', async () => {
    const path = join(import.meta.dirname, '../fixtures/sigstore/legacy/trusted_root.json');
    expect((await trustedRootFromFile(path)).tlogs[0]!.baseUrl).toBe('https://rekor.mock.test');
    expect((await loadTrustedRoot({ trustedRootPath: path })).tlogs[0]!.baseUrl).toBe('https://rekor.mock.test');
  });
  it('rejects unreadable, non-JSON and malformed roots with TRUSTED_ROOT_INVALID', async () => {
    await expect(trustedRootFromFile(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'TRUSTED_ROOT_INVALID' });
    const notJson = join(dir, 'bad.json');
    await writeFile(notJson, '{');
    await expect(trustedRootFromFile(notJson)).rejects.toMatchObject({ code: 'TRUSTED_ROOT_INVALID' });
    expect(() => parseTrustedRoot('[]', 'x')).toThrow(expect.objectContaining({ code: 'TRUSTED_ROOT_INVALID' }));
  });
  it('rejects a root whose log key has no validity start', () => {
    const root = JSON.parse(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [{ baseUrl: 'https://r', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: 'AA==', keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: {} }, logId: { keyId: 'AA==' } }], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }));
    expect(() => parseTrustedRoot(JSON.stringify(root), 'x')).toThrow(expect.objectContaining({ code: 'TRUSTED_ROOT_INVALID', message: expect.stringContaining('tlogs[0]') }));
  });
});

describe('a trusted root that can verify nothing', () => {
  it('is refused (misspelt keys read as empty lists)', () => {
    const empty = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: 'nope', certificateAuthoritys: [] };
    expect(() => parseTrustedRoot(JSON.stringify(empty), 'x')).toThrow(expect.objectContaining({ code: 'TRUSTED_ROOT_INVALID', message: expect.stringContaining('can verify nothing') }));
  });
});
