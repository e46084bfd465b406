/**
 * Test harness: copies a fixture repository into a temp directory, replacing placeholder text
 * (hosts, digests known only once a live registry has them) in every file. Replacements must not
 * add or remove lines, so line numbers written in a test stay true.
 */
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function copyFixtureRepository(source: string, replacements: Record<string, string>, prefix = 'verify-images-repo-'): Promise<string> {
  for (const [from, to] of Object.entries(replacements)) {
    if (from.includes('\n') || to.includes('\n')) throw new Error(`replacement for ${from} would change line numbers`);
  }
  const root = await mkdtemp(join(tmpdir(), prefix));
  await cp(source, root, { recursive: true });
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    let replaced = text;
    for (const [from, to] of Object.entries(replacements)) replaced = replaced.split(from).join(to);
    if (replaced !== text) await writeFile(file, replaced);
  }
  return root;
}
