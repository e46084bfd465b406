/**
 * The supply-chain delta of a pull request: images added, removed or changed (new tag, new digest,
 * new registry) between the base commit's occurrences and the head's. Pure; the caller scans both trees.
 */
import type { Occurrence } from '../model.js';
import { parseNormalized } from '../reference/index.js';
import { inlineCode } from '../report/markdown.js';

export type ChangeAspect = 'registry' | 'tag' | 'digest';

export interface ImageChange {
  change: 'added' | 'removed' | 'changed';
  /** Reference (or raw text when unresolved) in the base, for removed and changed. */
  before?: string;
  /** Reference (or raw text when unresolved) in the head, for added and changed. */
  after?: string;
  /** What differs, for changed images. */
  aspects?: ChangeAspect[];
  /** Head locations ("file:line") for added/changed, base locations for removed. */
  locations: string[];
  /** For changed images: where the replaced text was in the base ("file:line"). */
  beforeLocations?: string[];
}

interface Parts {
  key: string;
  domain?: string;
  path?: string;
  tag?: string;
  digest?: string;
}

/** An image's identity for the delta: its repository path, so a registry change is a change, not add+remove. */
function partsOf(text: string, isReference: boolean): Parts {
  if (!isReference) return { key: `raw:${text}` };
  try {
    const parsed = parseNormalized(text);
    return { key: parsed.path, domain: parsed.domain, path: parsed.path, tag: parsed.tag, digest: parsed.digest };
  } catch {
    return { key: `raw:${text}` };
  }
}

function group(occurrences: Occurrence[]): Map<string, Map<string, string[]>> {
  const byKey = new Map<string, Map<string, string[]>>();
  for (const occurrence of occurrences) {
    if (occurrence.local) continue;
    const text = occurrence.reference ?? occurrence.raw;
    const { key } = partsOf(text, occurrence.reference !== null);
    const texts = byKey.get(key) ?? new Map<string, string[]>();
    const locations = texts.get(text) ?? [];
    locations.push(`${occurrence.file}:${occurrence.line}`);
    texts.set(text, locations);
    byKey.set(key, texts);
  }
  return byKey;
}

function aspects(before: string, after: string): ChangeAspect[] {
  const a = partsOf(before, true);
  const b = partsOf(after, true);
  const result: ChangeAspect[] = [];
  if (a.domain !== b.domain) result.push('registry');
  if (a.tag !== b.tag) result.push('tag');
  if (a.digest !== b.digest) result.push('digest');
  return result;
}

/** The file of a "file:line" location. */
function fileOf(location: string): string {
  return location.slice(0, location.lastIndexOf(':'));
}

/**
 * The base text a head text replaced: one gone from the head, preferably in the same file (the
 * line it replaced), else any gone one, else any (the image also stays elsewhere).
 */
function replacedText(baseTexts: Map<string, string[]>, headTexts: Map<string, string[]>, locations: string[]): string {
  const gone = [...baseTexts.keys()].filter((candidate) => !headTexts.has(candidate));
  const files = new Set(locations.map(fileOf));
  return gone.find((candidate) => baseTexts.get(candidate)!.some((location) => files.has(fileOf(location)))) ?? gone[0] ?? [...baseTexts.keys()][0];
}

export function supplyChainDelta(base: Occurrence[], head: Occurrence[]): ImageChange[] {
  const before = group(base);
  const after = group(head);
  const changes: ImageChange[] = [];
  for (const [key, headTexts] of after) {
    const baseTexts = before.get(key);
    for (const [text, locations] of headTexts) {
      if (baseTexts?.has(text)) continue;
      if (!baseTexts) {
        changes.push({ change: 'added', after: text, locations });
        continue;
      }
      // The same repository under another tag/digest/registry: pair it with the base text it replaced.
      const previous = replacedText(baseTexts, headTexts, locations);
      const isReference = !key.startsWith('raw:');
      const files = new Set(locations.map(fileOf));
      const previousLocations = baseTexts.get(previous)!;
      const sameFile = previousLocations.filter((location) => files.has(fileOf(location)));
      changes.push({
        change: 'changed',
        before: previous,
        after: text,
        aspects: isReference ? aspects(previous, text) : [],
        locations,
        beforeLocations: sameFile.length > 0 ? sameFile : previousLocations,
      });
    }
  }
  for (const [key, baseTexts] of before) {
    const headTexts = after.get(key);
    for (const [text, locations] of baseTexts) {
      if (headTexts?.has(text)) continue;
      const replaced = headTexts && changes.some((change) => change.change === 'changed' && change.before === text);
      if (!replaced && !headTexts) changes.push({ change: 'removed', before: text, locations });
    }
  }
  const order = { added: 0, changed: 1, removed: 2 };
  return changes.sort((a, b) => order[a.change] - order[b.change] || (a.after ?? a.before ?? '').localeCompare(b.after ?? b.before ?? ''));
}

function locationList(locations: string[]): string {
  return locations.slice(0, 3).map((location) => inlineCode(location)).join(', ') + (locations.length > 3 ? ` +${locations.length - 3}` : '');
}

/** The delta as Markdown for the sticky comment; repository text is escaped. */
export function renderDelta(changes: ImageChange[]): string {
  if (changes.length === 0) return '**Supply-chain delta:** this pull request adds, removes or changes no images.';
  const lines = ['**Supply-chain delta of this pull request**', ''];
  for (const change of changes.slice(0, 50)) {
    const where = locationList(change.locations);
    if (change.change === 'added') lines.push(`- ➕ added ${inlineCode(change.after!)} (${where})`);
    else if (change.change === 'removed') lines.push(`- ➖ removed ${inlineCode(change.before!)} (was at ${where})`);
    else {
      const what = (change.aspects ?? []).length > 0 ? `new ${change.aspects!.join(', ')}` : 'changed';
      const was = change.beforeLocations ? ` (was ${locationList(change.beforeLocations)})` : '';
      lines.push(`- 🔄 ${what}: ${inlineCode(change.before!)}${was} → ${inlineCode(change.after!)} (${where})`);
    }
  }
  if (changes.length > 50) lines.push(`- …and ${changes.length - 50} more`);
  return lines.join('\n');
}
