/**
 * Splitting one repository's results across jobs of a matrix (`shard: 2/4`). Every shard discovers
 * the whole repository, since one file's image can come from another (Helm values, a compose
 * `.env`, a Kustomize base); each keeps only the findings and images of the files whose path
 * hashes to it. The shards' results are disjoint and together are the unsharded result, while the
 * registry and signature work, which is what takes time online, is divided between them.
 */

/** Shard `index` (from 1) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export const MAX_SHARDS = 256;

/** `k/n` as written in the input or flag, or why it is not one. */
export function parseShard(text: string): Shard | { problem: string } {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const index = Number(trimmed.slice(0, slash));
  const count = Number(trimmed.slice(slash + 1));
  const digits = (part: string) => part !== '' && [...part].every((ch) => ch >= '0' && ch <= '9');
  if (slash < 0 || !digits(trimmed.slice(0, slash)) || !digits(trimmed.slice(slash + 1))) {
    return { problem: `takes K/N, this job's shard K of N (e.g. 2/4), got "${trimmed.slice(0, 40)}"` };
  }
  if (count < 1 || count > MAX_SHARDS) return { problem: `N must be from 1 to ${MAX_SHARDS}, got ${trimmed.slice(slash + 1, slash + 12)}` };
  if (index < 1 || index > count) return { problem: `K must be from 1 to N (${count}), got ${trimmed.slice(0, Math.min(slash, 11))}` };
  return { index, count };
}

/** Whether a file (POSIX path relative to the root) belongs to the shard: FNV-1a of its path, modulo the count. */
export function inShard(file: string, shard: Shard): boolean {
  let hash = 0x811c9dc5;
  for (let index = 0; index < file.length; index++) {
    hash ^= file.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shard.count === shard.index - 1;
}
