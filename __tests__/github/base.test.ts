import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
