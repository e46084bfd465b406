import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREDENTIALS_ENV,
  canonicalCredentialHost,
  credentialLocations,
  defaultCredentialSource,
  parseCredentialMap,
  parseHelperOutput,
  runCredentialHelper,
  staticCredentialSource,
} from '../../src/registry/transport/credentials.js';

const configDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry', 'docker-config');

describe('credential keys', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['HTTP://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
    ['registry.hub.docker.com:443', 'docker.io'],
    ['ghcr.io:443', 'ghcr.io'],
    // Loopback spellings are folded for policy matching only: a credential stays with the host it names.
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%s -> %s', (key, host) => expect(canonicalCredentialHost(key)).toBe(host));

  it('sends a loopback credential only to the spelling it was given for', async () => {
    const source = staticCredentialSource({ '127.0.0.1:5000': { username: 'u', password: 'p' } });
    expect(await source.get('127.0.0.1:5000')).toMatchObject({ username: 'u' });
    expect(await source.get('127.0.0.1:443')).toBeUndefined();
    expect(await source.get('localhost:5000')).toBeUndefined();
    expect(await source.get('[::1]:5000')).toBeUndefined();
  });
});

describe('explicit credentials (environment and action input)', () => {
  it('parses a host map', () => {
    const map = parseCredentialMap('{"ghcr.io":{"username":"me","password":"pat"},"https://index.docker.io/v1/":{"identitytoken":"rt"}}', 'x');
    expect(map.get('ghcr.io')).toEqual({ username: 'me', password: 'pat', source: 'x' });
    expect(map.get('docker.io')).toEqual({ identityToken: 'rt', source: 'x' });
  });
  it.each([
    ['not json', 'not valid JSON'],
    ['[]', 'must be a JSON object'],
    ['{"ghcr.io":{"username":"me"}}', 'needs "username" and "password"'],
  ])('rejects %s naming the problem', (text, message) => {
    expect(() => parseCredentialMap(text, CREDENTIALS_ENV)).toThrow(message);
  });
  it('never echoes a secret in its errors', () => {
    expect(() => parseCredentialMap('{"h":{"password":"hunter2"}}', 'x')).toThrow(/^(?!.*hunter2)/);
  });
  it('input wins over the environment, which wins over Docker config', async () => {
    const source = defaultCredentialSource({
      env: { DOCKER_CONFIG: configDir, [CREDENTIALS_ENV]: '{"registry.example.com":{"username":"env","password":"e"},"ghcr.io":{"username":"env","password":"e"}}' },
      registryCredentials: '{"ghcr.io":{"username":"input","password":"i"}}',
      runHelper: async () => {
        throw new Error('not called');
      },
    });
    expect((await source.get('ghcr.io'))?.username).toBe('input');
    expect((await source.get('registry.example.com'))?.username).toBe('env');
  });
});

describe('Docker config.json', () => {
  const calls: Array<[string, string]> = [];
  const source = defaultCredentialSource({
    env: { DOCKER_CONFIG: configDir },
    githubToken: 'gh-token',
    runHelper: async (helper, serverUrl) => {
      calls.push([helper, serverUrl]);
      if (helper === 'testhelper') return JSON.stringify({ ServerURL: serverUrl, Username: 'helper-user', Secret: 'helper-secret' });
      if (serverUrl === 'store.example.com') return JSON.stringify({ ServerURL: serverUrl, Username: '<token>', Secret: 'store-refresh' });
      throw new Error('credentials not found in native keychain');
    },
  });

  it('decodes auths entries, Docker Hub under its v1 URL, passwords with colons', async () => {
    expect(await source.get('docker.io')).toEqual({ username: 'hub-user', password: 'hub-password', source: 'docker config.json' });
    expect(await source.get('registry.example.com')).toMatchObject({ username: 'reg-user', password: 'reg:pass:with:colons' });
  });
  it('reads identity tokens', async () => {
    expect(await source.get('tokens.example.com')).toEqual({ identityToken: 'refresh-token-value', source: 'docker config.json' });
  });
  it('prefers credHelpers over auths, asking with the host', async () => {
    expect(await source.get('helped.example.com')).toEqual({ username: 'helper-user', password: 'helper-secret', source: 'docker-credential-testhelper' });
    expect(calls).toContainEqual(['testhelper', 'helped.example.com']);
  });
  it('falls back to credsStore, where Username <token> means an identity token', async () => {
    expect(await source.get('store.example.com')).toEqual({ identityToken: 'store-refresh', source: 'docker-credential-teststore' });
  });
  it('uses GITHUB_TOKEN for ghcr.io only, after the store had nothing', async () => {
    expect(await source.get('ghcr.io')).toMatchObject({ password: 'gh-token', source: 'GITHUB_TOKEN' });
    expect(await source.get('quay.io')).toBeUndefined();
  });
  it('asks each host once', async () => {
    const before = calls.length;
    await source.get('helped.example.com');
    await source.get('quay.io');
    expect(calls.length).toBe(before);
  });
  it('treats a missing config as no credentials', async () => {
    const empty = defaultCredentialSource({ env: { DOCKER_CONFIG: join(configDir, 'missing') } });
    expect(await empty.get('docker.io')).toBeUndefined();
  });
});

describe('real credential helper process', () => {
  let dir = '';
  let savedPath: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cred-helper-'));
    // Echoes what it read on stdin, so the test sees the server URL Docker's protocol sends.
    const script = '#!/bin/sh\n[ "$1" = get ] || exit 2\nread url\nprintf \'{"ServerURL":"%s","Username":"u-%s","Secret":"s3"}\' "$url" "$url"\n';
    await writeFile(join(dir, 'docker-credential-echo'), script);
    await chmod(join(dir, 'docker-credential-echo'), 0o755);
    await writeFile(join(dir, 'docker-credential-fail'), '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n');
    await chmod(join(dir, 'docker-credential-fail'), 0o755);
    // Answers, then fails (as a wrapper whose clean-up fails does, or one killed at the timeout after it wrote).
    await writeFile(join(dir, 'docker-credential-answer-then-fail'), '#!/bin/sh\nprintf \'{"ServerURL":"x","Username":"u","Secret":"helper-secret-8c1f"}\'\nexit 1\n');
    await chmod(join(dir, 'docker-credential-answer-then-fail'), 0o755);
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('runs docker-credential-<name> get with the server URL on stdin', async () => {
    const out = await runCredentialHelper('echo', 'https://index.docker.io/v1/');
    expect(parseHelperOutput(out, 'echo')).toEqual({ username: 'u-https://index.docker.io/v1/', password: 's3', source: 'docker-credential-echo' });
  });
  it('reports a helper that fails', async () => {
    await expect(runCredentialHelper('fail', 'x')).rejects.toThrow('exited 1: credentials not found in native keychain');
  });
  it('never repeats the output of a helper that fails when that output may hold a credential', async () => {
    const logged: string[] = [];
    const configs = await mkdtemp(join(tmpdir(), 'cred-config-'));
    await writeFile(join(configs, 'config.json'), JSON.stringify({ credsStore: 'answer-then-fail' }));
    const source = defaultCredentialSource({ env: { DOCKER_CONFIG: configs }, logger: (message) => logged.push(message) });
    expect(await source.get('registry.example.com')).toBeUndefined();
    await rm(configs, { recursive: true, force: true });
    expect(logged.join('\n')).toContain('docker-credential-answer-then-fail exited 1');
    expect(logged.join('\n')).not.toContain('helper-secret-8c1f');
  });
  it('refuses helper names that are not plain names', async () => {
    await expect(runCredentialHelper('../evil', 'x')).rejects.toThrow('invalid credential helper name');
  });
});

describe('auth files container tools keep (containers-auth.json)', () => {
  let dir: string;
  const basic = (user: string, pass: string) => ({ auth: Buffer.from(`${user}:${pass}`).toString('base64') });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vi-auth-'));
    await writeFile(join(dir, 'registry-auth.json'), JSON.stringify({ auths: { 'quay.io': basic('fromfile', 'a') } }));
    await mkdir(join(dir, 'run', 'containers'), { recursive: true });
    await writeFile(join(dir, 'run', 'containers', 'auth.json'), JSON.stringify({ auths: { 'quay.io': basic('podman', 'b'), 'registry.example.com': basic('podman', 'c') } }));
    await mkdir(join(dir, 'docker'));
    await writeFile(join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { 'registry.example.com': basic('docker', 'd'), 'docker.io': basic('docker', 'e') } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads $REGISTRY_AUTH_FILE, then ${XDG_RUNTIME_DIR}/containers/auth.json, then Docker’s config.json', async () => {
    const env = { REGISTRY_AUTH_FILE: join(dir, 'registry-auth.json'), XDG_RUNTIME_DIR: join(dir, 'run'), DOCKER_CONFIG: join(dir, 'docker') };
    const source = defaultCredentialSource({ env });
    expect(await source.get('quay.io')).toEqual({ username: 'fromfile', password: 'a', source: 'REGISTRY_AUTH_FILE' });
    expect(await source.get('registry.example.com')).toEqual({ username: 'podman', password: 'c', source: 'containers auth.json' });
    expect(await source.get('docker.io')).toEqual({ username: 'docker', password: 'e', source: 'docker config.json' });
  });

  it('names every place it looks, for a refused login, without any secret', () => {
    const env = { REGISTRY_AUTH_FILE: '/x/auth.json', XDG_RUNTIME_DIR: '/run/user/1000', HOME: '/home/me' };
    expect(credentialLocations(env)).toEqual([
      'VERIFY_IMAGES_REGISTRY_CREDENTIALS (not set)',
      '$REGISTRY_AUTH_FILE (/x/auth.json)',
      '/run/user/1000/containers/auth.json',
      '/home/me/.docker/config.json',
      'GITHUB_TOKEN or GH_TOKEN (ghcr.io only)',
    ]);
  });
});
