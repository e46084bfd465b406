/**
 * Attack test for loading the policy: the repository chooses what its policy file is, so a
 * symlink there must not make the scanner read (and quote in errors) a file outside it.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadPolicy } from '../../src/config/load.js';

let root: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vi-policy-root-'));
  outside = await mkdtemp(path.join(os.tmpdir(), 'vi-policy-outside-'));
  await mkdir(path.join(root, '.github'));
  // Shaped like a runner's secrets file that happens to parse as YAML.
  await writeFile(path.join(outside, 'config.json'), '{"auths": {"ghcr.io": {"auth": "c2VjcmV0"}}, "pinning": "TOPSECRET-VALUE"}\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function loadError(configPath?: string): Promise<ConfigError> {
  const error = await loadPolicy(root, configPath).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('a policy file that is a symlink out of the repository', () => {
  it('is refused at the default location, without reading or quoting the target', async () => {
    await symlink(path.join(outside, 'config.json'), path.join(root, '.github', 'verify-images.yml'));
    const error = await loadError();
    expect(error.message).toContain('leads outside the repository');
    expect(error.message).not.toContain('TOPSECRET');
  });

  it('is refused when named by a path inside the repository', async () => {
    await symlink(path.join(outside, 'config.json'), path.join(root, 'policy.yml'));
    const error = await loadError('policy.yml');
    expect(error.message).toContain('leads outside the repository');
    expect(error.message).not.toContain('TOPSECRET');
  });

  it('is still read when the person running the scan names a file outside the repository', async () => {
    await writeFile(path.join(outside, 'policy.yml'), 'pinning: warn\n');
    const policy = await loadPolicy(root, path.join(outside, 'policy.yml'));
    expect(policy.pinning).toBe('warn');
  });

  it('is read when it links to a file inside the repository', async () => {
    await writeFile(path.join(root, 'shared-policy.yml'), 'pinning: off\n');
    await symlink('../shared-policy.yml', path.join(root, '.github', 'verify-images.yml'));
    const policy = await loadPolicy(root);
    expect(policy.pinning).toBe('off');
  });
});
