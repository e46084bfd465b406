// On the command line the repository's owner comes from the clone's github.com remote, so that its
// own ghcr.io images are not read as look-alikes of the images they mirror.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubRepositoryOfClone, githubRepositoryOfUrl, remoteUrls } from '../../src/cli/git-remote.js';
import { runCli } from '../../src/cli/main.js';

describe('githubRepositoryOfUrl', () => {
  it.each([
    ['https://github.com/coollabsio/coolify.git', 'coollabsio/coolify'],
    ['https://github.com/coollabsio/coolify', 'coollabsio/coolify'],
    ['https://GitHub.com/acme/app/', 'acme/app'],
    ['git@github.com:acme/app.git', 'acme/app'],
    ['github.com:acme/app', 'acme/app'],
    ['ssh://git@github.com/acme/app.git', 'acme/app'],
    ['https://x-access-token:secret@github.com/acme/app.git', 'acme/app'],
  ])('reads %s as %s', (url, repository) => {
    expect(githubRepositoryOfUrl(url)).toBe(repository);
  });

  it.each([
    'https://gitlab.com/acme/app.git',
    'git@github.example.com:acme/app.git',
    'https://github.com.evil.example/acme/app',
    'https://github.com/acme',
    'https://github.com/acme/app/tree/main',
    '/srv/git/app.git',
    'file:///srv/github.com/acme/app',
    'not a url://',
  ])('reads no github.com repository in %s', (url) => {
    expect(githubRepositoryOfUrl(url)).toBeUndefined();
  });
});

describe('remoteUrls', () => {
  it('reads each remote url, section names in any case, values quoted or not', () => {
    const config = [
      '[core]',
      '\turl = https://github.com/not/a-remote',
      '[Remote "upstream"]',
      '\tURL = "https://github.com/upstream/app.git"',
      '\tfetch = +refs/heads/*:refs/remotes/upstream/*',
      '[remote "origin"]',
      '\turl = git@github.com:fork/app.git',
      '\turl = git@github.com:second/url.git',
      '[branch "main"]',
      '\tremote = origin',
    ].join('\n');
    expect([...remoteUrls(config)]).toEqual([
      ['upstream', 'https://github.com/upstream/app.git'],
      ['origin', 'git@github.com:fork/app.git'],
    ]);
  });
});

describe('githubRepositoryOfClone and the CLI', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vi-remote-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const cloneWith = async (directory: string, config: string) => {
    await mkdir(path.join(directory, '.git'), { recursive: true });
    await writeFile(path.join(directory, '.git', 'config'), config);
  };
  const origin = (url: string) => `[remote "origin"]\n\turl = ${url}\n`;

  it('finds the clone above the scanned directory, and prefers origin to other remotes', async () => {
    await cloneWith(root, `[remote "upstream"]\n\turl = https://github.com/upstream/app\n${origin('https://github.com/fork/app')}`);
    await mkdir(path.join(root, 'deploy', 'compose'), { recursive: true });
    expect(await githubRepositoryOfClone(path.join(root, 'deploy', 'compose'))).toBe('fork/app');
  });

  it('takes the only remote when none is origin, and none of several', async () => {
    await cloneWith(root, '[remote "github"]\n\turl = git@github.com:acme/app.git\n');
    expect(await githubRepositoryOfClone(root)).toBe('acme/app');
    await cloneWith(root, '[remote "a"]\n\turl = git@github.com:a/app.git\n[remote "b"]\n\turl = git@github.com:b/app.git\n');
    expect(await githubRepositoryOfClone(root)).toBeUndefined();
  });

  it("reads a linked worktree's remotes from its main repository's config", async () => {
    const main = path.join(root, 'main');
    await cloneWith(main, origin('https://github.com/acme/app.git'));
    const worktreeGitDir = path.join(main, '.git', 'worktrees', 'feature');
    await mkdir(worktreeGitDir, { recursive: true });
    await writeFile(path.join(worktreeGitDir, 'commondir'), '../..\n');
    const worktree = path.join(root, 'feature');
    await mkdir(worktree);
    await writeFile(path.join(worktree, '.git'), `gitdir: ${worktreeGitDir}\n`);
    expect(await githubRepositoryOfClone(worktree)).toBe('acme/app');
  });

  it('gives nothing for a clone without a github.com remote', async () => {
    await cloneWith(root, origin('https://gitlab.com/acme/app.git'));
    expect(await githubRepositoryOfClone(root)).toBeUndefined();
  });

  const typosquatLines = async (env: NodeJS.ProcessEnv) => {
    let stdout = '';
    await runCli(['scan', root, '--offline', '--format', 'json'], { stdout: (text) => (stdout += text), stderr: () => {}, cwd: root, env });
    return (JSON.parse(stdout) as { findings: Array<{ rule: string }> }).findings.filter((finding) => finding.rule === 'typosquat').length;
  };

  it("does not flag the clone owner's own ghcr.io mirror, and still flags it in anyone else's clone", async () => {
    await writeFile(path.join(root, 'compose.yaml'), 'services:\n  storage:\n    image: ghcr.io/coollabsio/minio:RELEASE.2025-10-15T17-29-55Z\n');
    await cloneWith(root, origin('git@github.com:coollabsio/coolify.git'));
    expect(await typosquatLines({})).toBe(0);
    // GITHUB_REPOSITORY, when set, wins over the remote.
    expect(await typosquatLines({ GITHUB_REPOSITORY: 'someone-else/app' })).toBe(1);
    await cloneWith(root, origin('git@github.com:someone-else/coolify-fork.git'));
    expect(await typosquatLines({})).toBe(1);
  });
});
