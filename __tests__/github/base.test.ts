import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/load.js';
import { scanBaseCommit } from '../../src/github/base.js';
import { TestRepository, git } from './harness.js';

let repository: TestRepository;
beforeEach(() => {
  repository = new TestRepository();
});
afterEach(() => repository.cleanup());

describe('scanBaseCommit', () => {
  it('fetches a base commit the shallow checkout lacks, reads its images, and leaves no worktree behind', async () => {
    const base = repository.commitSnapshot('base');
    const head = repository.commitSnapshot('head');
    repository.checkout(head);
    expect(() => git(repository.workspace, 'cat-file', '-e', `${base}^{commit}`)).toThrow();
    const scanned = await scanBaseCommit({ root: repository.workspace, baseSha: base, discover: {} });
    expect('occurrences' in scanned && scanned.occurrences.map((occurrence) => `${occurrence.file}:${occurrence.line} ${occurrence.raw}`)).toEqual([
      '.gitlab-ci.yml:5 python:3.12-slim',
      'docker-compose.yml:5 example/web:dev',
      'docker-compose.yml:9 nginx:1.25',
      'docker-compose.yml:13 redis:7.2',
    ]);
    expect(git(repository.workspace, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('reads the scanned subdirectory of the base, and nothing when it did not exist there', async () => {
    const base = repository.commitSnapshot('base');
    repository.checkout(base);
    const scanned = await scanBaseCommit({ root: repository.workspace, baseSha: base, discover: { onlyFiles: ['docker-compose.yml'] } });
    expect('occurrences' in scanned && scanned.occurrences.map((occurrence) => occurrence.raw)).toEqual(['example/web:dev', 'nginx:1.25', 'redis:7.2']);
    // A directory the pull request creates: the base had no images there.
    mkdirSync(path.join(repository.workspace, 'deploy'));
    writeFileSync(path.join(repository.workspace, 'deploy', 'compose.yml'), 'services:\n  app:\n    image: nginx:1.27\n');
    expect(await scanBaseCommit({ root: path.join(repository.workspace, 'deploy'), baseSha: base, discover: {} })).toEqual({ occurrences: [] });
  });

  it('keeps the files the base policy names, as the base commit has them, after its worktree is removed', async () => {
    repository.commitSnapshot('base');
    const files: Record<string, string> = {
      '.github/verify-images.yml': [
        'signatures:',
        '  mode: require',
        '  trusted-root: sigstore/trusted_root.json',
        '  cluster-image-policies: [deploy/cip.yaml]',
        '  rules:',
        '    - images: ["ghcr.io/acme/**"]',
        '      key: keys/release.pub',
        '      attestation: { predicate-type: "https://slsa.dev/provenance/v1", key: keys/provenance.pub }',
        '    - images: ["ghcr.io/acme/tools/**"]',
        '      key: keys/release.pub',
        '',
      ].join('\n'),
      'sigstore/trusted_root.json': 'base trusted root',
      'deploy/cip.yaml': 'base ClusterImagePolicy',
      'keys/release.pub': 'base release key',
      'keys/provenance.pub': 'base provenance key',
    };
    const write = (content: (file: string) => string) => {
      for (const file of Object.keys(files)) {
        mkdirSync(path.dirname(path.join(repository.origin, file)), { recursive: true });
        writeFileSync(path.join(repository.origin, file), content(file));
      }
    };
    write((file) => files[file]!);
    repository.git('add', '--all');
    repository.git('commit', '--quiet', '--message', 'policy with files');
    const base = repository.git('rev-parse', 'HEAD').trim();
    // The pull request replaces every key: the base policy must still be checked with the base's.
    write((file) => (file.endsWith('.yml') ? files[file]! : 'head version'));
    repository.git('commit', '--quiet', '--all', '--message', 'replace the keys');
    repository.checkout(repository.git('rev-parse', 'HEAD').trim());

    const scanned = await scanBaseCommit({ root: repository.workspace, baseSha: base, discover: {}, readPolicy: (root) => loadPolicy(root) });
    const policy = 'occurrences' in scanned ? scanned.policy : undefined;
    const signatures = policy?.signatures;
    const named = [signatures?.trustedRoot, ...(signatures?.clusterImagePolicies ?? []), ...(signatures?.rules ?? []).flatMap((rule) => [rule.key, rule.attestation?.key])].filter(
      (file): file is string => file !== undefined,
    );
    expect(named.map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : `missing: ${file}`))).toEqual([
      'base trusted root',
      'base ClusterImagePolicy',
      'base release key',
      'base provenance key',
      'base release key',
    ]);
    expect(named.every((file) => !file.startsWith(repository.workspace))).toBe(true);
  });

  it('turns a commit that cannot be fetched into a note', async () => {
    const head = repository.commitSnapshot('head');
    repository.checkout(head);
    const scanned = await scanBaseCommit({ root: repository.workspace, baseSha: 'f'.repeat(40), discover: {} });
    expect(scanned).toEqual({ note: expect.stringMatching(/^The supply-chain delta was not computed \(git fetch failed: .+\)\.$/) });
  });

  it('turns a directory outside git into a note, and refuses what is not a commit id', async () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'verify-images-nogit-'));
    try {
      expect(await scanBaseCommit({ root: plain, baseSha: 'a'.repeat(40), discover: {} })).toEqual({ note: expect.stringContaining('git rev-parse failed') });
      expect(await scanBaseCommit({ root: plain, baseSha: '--upload-pack=evil', discover: {} })).toEqual({
        note: 'The supply-chain delta was not computed: "--upload-pack=evil" is not a commit id.',
      });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
