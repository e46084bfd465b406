/**
 * Attack-minded tests for the credential chain: a token goes only to the host it is for.
 */
import { describe, expect, it } from 'vitest';
import { defaultCredentialSource } from '../../src/registry/transport/credentials.js';

const noDockerConfig = { DOCKER_CONFIG: '/nonexistent/verify-images-test' };

describe('GITHUB_TOKEN for ghcr.io', () => {
  it('is not sent to ghcr.io from GitHub Enterprise Server, whose token is for another host', async () => {
    const source = defaultCredentialSource({ env: { ...noDockerConfig, GITHUB_SERVER_URL: 'https://github.mycorp.example' }, githubToken: 'ghes-token' });
    expect(await source.get('ghcr.io')).toBeUndefined();
  });

  it('is not sent to ghcr.io from a GHE.com data-residency instance', async () => {
    const source = defaultCredentialSource({ env: { ...noDockerConfig, GITHUB_SERVER_URL: 'https://octocorp.ghe.com' }, githubToken: 'ghe-token' });
    expect(await source.get('ghcr.io')).toBeUndefined();
  });

  it('is used on github.com, and when no server is named (outside Actions)', async () => {
    for (const server of ['https://github.com', 'https://github.com/', undefined]) {
      const env = server === undefined ? { ...noDockerConfig } : { ...noDockerConfig, GITHUB_SERVER_URL: server };
      const source = defaultCredentialSource({ env, githubToken: 'gh-token' });
      expect(await source.get('ghcr.io')).toMatchObject({ password: 'gh-token', source: 'GITHUB_TOKEN' });
      expect(await source.get('docker.io')).toBeUndefined();
    }
  });
});
