// The signature stage over many images none of which is signed, against a registry in memory that
// answers every signature lookup "not found" (or fails, for the images listed as broken).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import type { ResolvedOccurrence } from '../../src/model.js';
import { RegistryError, type Descriptor, type ManifestResult, type RepositoryRef } from '../../src/registry/index.js';
import { verifySignatures } from '../../src/sigstore/check.js';
import type { SignatureRegistry } from '../../src/sigstore/discover.js';
import { parseTrustedRoot } from '../../src/sigstore/trust.js';
import { hiddenClassesOf } from '../helpers/hidden-class.js';

const trustedRoot = parseTrustedRoot(readFileSync(join(import.meta.dirname, '../fixtures/sigstore/legacy/trusted_root.json'), 'utf8'), 'fixture');
const digestOf = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

/** Nothing is signed: every `.sig` tag and referrers list is missing, except in `broken` repositories, which fail. */
class UnsignedRegistry implements SignatureRegistry {
  /** The `.sig` tags looked up, with their repository. */
  readonly asked: string[] = [];
  constructor(private readonly broken = new Set<string>()) {}

  async getManifest(repo: RepositoryRef, reference: string): Promise<ManifestResult> {
    if (this.broken.has(repo.path)) throw new RegistryError('SERVER', `manifest ${reference}: registry error (503)`, { status: 503 });
    throw new RegistryError('NOT_FOUND', `manifest ${reference}: not found (404)`, { status: 404, missing: 'manifest' });
  }

  async findManifest(repo: RepositoryRef, reference: string): Promise<ManifestResult | undefined> {
    if (reference.endsWith('.sig')) this.asked.push(`${repo.path}:${reference}`);
    if (this.broken.has(repo.path)) throw new RegistryError('SERVER', `manifest ${reference}: registry error (503)`, { status: 503 });
    return undefined;
  }

  async getBlob(): Promise<Uint8Array> {
    throw new RegistryError('NOT_FOUND', 'blob: not found (404)', { status: 404, missing: 'blob' });
  }

  async listReferrers(repo: RepositoryRef): Promise<Descriptor[]> {
    if (this.broken.has(repo.path)) throw new RegistryError('SERVER', 'referrers: registry error (503)', { status: 503 });
    return [];
  }
}

const policy: Policy = {
  ...defaultPolicy(),
  signatures: {
    mode: 'require',
    rules: [{ images: ['registry.test/**'], keyless: { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/team/.+$' }, source: 'test rule' }],
  },
};

const occurrences = (count: number): ResolvedOccurrence[] =>
  Array.from({ length: count }, (_, i) => {
    const reference = `registry.test/team/app${i}:1.0`;
    return { file: 'Dockerfile', line: i + 1, column: 6, kind: 'dockerfile', raw: reference, reference, resolution: { status: 'ok', tagDigest: digestOf(i) } };
  });

describe('verifySignatures', () => {
  it('finds every image unsigned, and gives the checked copies one hidden class (100,000 images: 29 MB less held)', async () => {
    const checked = await verifySignatures(occurrences(60), policy, new UnsignedRegistry(), { trustedRoot });
    expect(checked.map((o) => o.signature?.status)).toEqual(Array(60).fill('unsigned'));
    expect(hiddenClassesOf(checked)).toBe(1);
  });

  it('checks each repository, digest and rule set once, however many occurrences name it', async () => {
    const [a, b] = occurrences(2);
    const sameDigestElsewhere = { ...b!, reference: 'registry.test/team/other:1.0', raw: 'registry.test/team/other:1.0' };
    const otherDigestSameRepository = { ...a!, reference: 'registry.test/team/app0:2.0', raw: 'registry.test/team/app0:2.0', resolution: { status: 'ok' as const, tagDigest: digestOf(7) } };
    const sameImageOtherTag = { ...a!, reference: 'registry.test/team/app0:latest', raw: 'registry.test/team/app0:latest' };
    const registry = new UnsignedRegistry();
    const named = [a!, b!, { ...a!, line: 9 }, b!, sameDigestElsewhere, otherDigestSameRepository, sameImageOtherTag];
    const checked = await verifySignatures(named, policy, registry, { trustedRoot });
    expect(checked.map((o) => o.signature?.status)).toEqual(Array(7).fill('unsigned'));
    expect(registry.asked.sort()).toEqual([
      `team/app0:${digestOf(0).replace(':', '-')}.sig`,
      `team/app0:${digestOf(7).replace(':', '-')}.sig`,
      `team/app1:${digestOf(1).replace(':', '-')}.sig`,
      `team/other:${digestOf(1).replace(':', '-')}.sig`,
    ]);
  });

  it('reports an image whose signatures could not be listed as not checked, never unsigned', async () => {
    const checked = await verifySignatures(occurrences(4), policy, new UnsignedRegistry(new Set(['team/app1', 'team/app2'])), { trustedRoot });
    expect(checked.map((o) => o.signature?.status)).toEqual(['unsigned', 'not-checked', 'not-checked', 'unsigned']);
    expect(checked[1]!.signature?.message).toContain('signatures could not be listed');
  });
});
