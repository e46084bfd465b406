// Where a run is, as the Actions environment says: one reading for the policy, the registry client and the reporters.
import { describe, expect, it } from 'vitest';
import { githubRepository, isGitHubDotCom } from '../src/github-env.js';

describe('isGitHubDotCom', () => {
  it.each([
    ['unset, as outside Actions', undefined],
    ['empty', ''],
    ['github.com', 'https://github.com'],
    ['github.com with a trailing slash', 'https://github.com/'],
    ['github.com in capitals', 'HTTPS://GitHub.COM'],
  ])('is true when the server is %s', (_name, server) => {
    expect(isGitHubDotCom(server === undefined ? {} : { GITHUB_SERVER_URL: server })).toBe(true);
  });

  it.each([
    ['GitHub Enterprise Server', 'https://github.mycorp.example'],
    ['GHE.com', 'https://octocorp.ghe.com'],
    ['a host that only starts like github.com', 'https://github.com.evil.example'],
    ['no URL at all', 'github.com'],
  ])('is false for %s', (_name, server) => {
    expect(isGitHubDotCom({ GITHUB_SERVER_URL: server })).toBe(false);
  });
});

describe('githubRepository', () => {
  it('reads owner/name as Actions sets it', () => {
    expect(githubRepository({ GITHUB_REPOSITORY: 'CoollabsIO/coolify' })).toEqual({ owner: 'CoollabsIO', repo: 'coolify' });
  });

  it.each([[{}], [{ GITHUB_REPOSITORY: '' }], [{ GITHUB_REPOSITORY: '/app' }], [{ GITHUB_REPOSITORY: 'acme/' }], [{ GITHUB_REPOSITORY: 'acme/app/x' }], [{ GITHUB_REPOSITORY: 'acme' }]])(
    'is undefined for %o',
    (env) => {
      expect(githubRepository(env)).toBeUndefined();
    },
  );
});
