// Policy key `signatures.platforms`: true, false, or a list of platforms; anything else is a clear error.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultPolicy, loadPolicy } from '../../src/config/load.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/config/signature-platforms');

async function problems(file: string): Promise<string[]> {
  try {
    await loadPolicy(root, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error(`expected ${file} to fail`);
}

describe('signatures.platforms', () => {
  it('is absent by default: the index digest only', () => {
    expect(defaultPolicy().signatures.platforms).toBeUndefined();
  });

  it('reads true, false and a list (duplicates dropped)', async () => {
    expect((await loadPolicy(root, 'all.yml')).signatures.platforms).toBe(true);
    expect((await loadPolicy(root, 'off.yml')).signatures.platforms).toBe(false);
    expect((await loadPolicy(root, 'list.yml')).signatures.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it.each([
    ['not-a-list.yml', ['policy not-a-list.yml:3: signatures.platforms must be true, false, or a list of platforms such as ["linux/amd64", "linux/arm64"] (got "linux/amd64")']],
    ['empty-list.yml', ['policy empty-list.yml:2: signatures.platforms is an empty list: name at least one platform, or write false']],
    [
      'bad-items.yml',
      [
        'policy bad-items.yml:4: signatures.platforms[1] must be a platform as os/architecture or os/architecture/variant, e.g. "linux/arm64" or "linux/arm/v7" (got "arm64")',
        'policy bad-items.yml:5: signatures.platforms[2] must be a platform as os/architecture or os/architecture/variant',
        'policy bad-items.yml:6: signatures.platforms[3] must be a string',
      ],
    ],
  ])('%s is rejected with the line and key path', async (file, expected) => {
    const lines = await problems(file);
    expect(lines).toHaveLength(expected.length);
    expected.forEach((text, index) => expect(lines[index]).toContain(text));
  });
});
