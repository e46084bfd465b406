/**
 * The texts discoverers read through the context (a chart's values and helpers, the compose files
 * that build a Dockerfile), kept so a second reader does not read the file again. Bounded in total:
 * a repository of many large files that some reader lists (every compose file, every manifest a
 * kustomization names) would otherwise be held in memory whole for the rest of the scan. Beyond the
 * bound a text is not kept, and a later reader reads the file again.
 */

/** UTF-16 code units kept at most (about 128 MB of strings). */
const MAX_CACHED_TEXT_UNITS = 64 * 1024 * 1024;

export class TextCache {
  private readonly texts = new Map<string, string | undefined>();
  private units = 0;

  constructor(private readonly maxUnits = MAX_CACHED_TEXT_UNITS) {}

  has(key: string): boolean {
    return this.texts.has(key);
  }

  get(key: string): string | undefined {
    return this.texts.get(key);
  }

  /** Keeps `text` (undefined: the file is absent or unreadable) unless that would pass the bound; true when kept. */
  keep(key: string, text: string | undefined): boolean {
    const size = text?.length ?? 0;
    const previous = this.texts.get(key)?.length ?? 0;
    if (this.units - previous + size > this.maxUnits) return false;
    this.units += size - previous;
    this.texts.set(key, text);
    return true;
  }

  delete(key: string): void {
    this.units -= this.texts.get(key)?.length ?? 0;
    this.texts.delete(key);
  }

  /** Code units held now. */
  get size(): number {
    return this.units;
  }
}
