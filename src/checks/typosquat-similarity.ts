/**
 * How one written name imitates one genuine name: the typing and reading mistakes squatters bet
 * on, each with the minimum name length at which it is evidence rather than coincidence. Pure
 * string work, shared by names, namespaces and registry hosts.
 */
import { levenshteinEditDistance } from 'levenshtein-edit-distance';

export type SquatTechnique =
  | 'transposition'
  | 'repeated-character'
  | 'dropped-character'
  | 'extra-character'
  | 'adjacent-key'
  | 'look-alike'
  | 'substituted-character'
  | 'two-edits'
  | 'separator'
  | 'bait-words'
  | 'host-prefix'
  | 'other-tld'
  | 'derived-name'
  | 'host-label'
  | 'brand-affix';

/** How each technique reads in a message, after "(" — e.g. "`ngnix` looks like … (two letters swapped)". */
export const TECHNIQUE_DESCRIPTIONS: Record<SquatTechnique, string> = {
  transposition: 'two letters swapped',
  'repeated-character': 'a letter doubled',
  'dropped-character': 'a letter missing',
  'extra-character': 'an extra letter',
  'adjacent-key': 'a neighbouring key typed instead',
  'look-alike': 'look-alike characters',
  'substituted-character': 'one letter changed',
  'two-edits': 'two letters changed',
  separator: 'different separators',
  'bait-words': 'the name wrapped in extra words',
  'host-prefix': 'the registry host used as the start of another domain',
  'other-tld': 'the same name under another top-level domain',
  'derived-name': 'an official name with a version or variant glued on, or its vendor prefix dropped',
  'host-label': 'the registry host with a dot dropped, moved or replaced',
  'brand-affix': 'a trusted name with a word, letters or digits added',
};

/**
 * Minimum length of the genuine name for each technique. Short names have too many innocent
 * neighbours (`node`/`nodes`, `php`/`phc`), so they only count the mistakes that are hard to make
 * by accident and easy to miss when reading: swapped, doubled and look-alike characters.
 *
 * Two scopes: `account` for names someone else can register (namespaces, registry hosts), where a
 * near name may be a legitimate neighbour (`dockur` beside `docker`), and `library` for names under
 * Docker Hub's `library/`, where nothing but an official image can exist, so any near name is a
 * mistake and the thresholds can be lower (`ubunto`, `nginy`).
 */
export type SimilarityScope = 'account' | 'library';

type EditTechnique = Exclude<SquatTechnique, 'bait-words' | 'host-prefix' | 'other-tld' | 'derived-name' | 'host-label' | 'brand-affix'>;

const MIN_LENGTH: Record<SimilarityScope, Record<EditTechnique, number>> = {
  account: {
    'look-alike': 3,
    separator: 3,
    transposition: 4,
    'repeated-character': 4,
    'dropped-character': 5,
    'adjacent-key': 5,
    'extra-character': 6,
    'substituted-character': 7,
    'two-edits': 9,
  },
  library: {
    'look-alike': 3,
    separator: 3,
    transposition: 4,
    'repeated-character': 4,
    'dropped-character': 4,
    'adjacent-key': 4,
    'extra-character': 5,
    'substituted-character': 5,
    'two-edits': 9,
  },
};

/** Lower-case QWERTY rows, for "typed the key next to it". */
const KEYBOARD_ROWS = ['1234567890-', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const KEY_POSITIONS = new Map<string, [number, number]>();
KEYBOARD_ROWS.forEach((row, r) => [...row].forEach((key, c) => KEY_POSITIONS.set(key, [r, c])));

/** Whether two keys touch on a QWERTY keyboard (same row neighbours, or diagonal neighbours). */
export function areAdjacentKeys(a: string, b: string): boolean {
  const pa = KEY_POSITIONS.get(a);
  const pb = KEY_POSITIONS.get(b);
  if (!pa || !pb || a === b) return false;
  const rowDistance = Math.abs(pa[0] - pb[0]);
  if (rowDistance === 0) return Math.abs(pa[1] - pb[1]) === 1;
  // Each row is shifted about half a key right of the one above it.
  if (rowDistance === 1) {
    const [upper, lower] = pa[0] < pb[0] ? [pa, pb] : [pb, pa];
    return lower[1] === upper[1] || lower[1] === upper[1] - 1;
  }
  return false;
}

/**
 * Characters and pairs that read alike in a monospace font or a URL bar, folded to one spelling.
 * Order matters: pairs first, so `rn` becomes `m` before `n` is looked at.
 */
const LOOK_ALIKE_PAIRS: Array<[RegExp, string]> = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/cl/g, 'd'],
];
const LOOK_ALIKE_CHARACTERS: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '3': 'e', '5': 's', '4': 'a', q: 'g' };

export function foldLookAlikes(text: string): string {
  let folded = text;
  for (const [pattern, replacement] of LOOK_ALIKE_PAIRS) folded = folded.replace(pattern, replacement);
  return [...folded].map((ch) => LOOK_ALIKE_CHARACTERS[ch] ?? ch).join('');
}

const SEPARATORS = /[-_.]/g;
export function stripSeparators(text: string): string {
  return text.replace(SEPARATORS, '');
}

/** The single edit turning `genuine` into `written`, when there is exactly one (or one adjacent swap). */
function singleEdit(written: string, genuine: string): Exclude<EditTechnique, 'look-alike' | 'separator' | 'two-edits'> | undefined {
  const lw = written.length;
  const lg = genuine.length;
  if (lw === lg) {
    const diffs: number[] = [];
    for (let i = 0; i < lw && diffs.length <= 2; i++) if (written[i] !== genuine[i]) diffs.push(i);
    if (diffs.length === 2 && diffs[1] === diffs[0] + 1) {
      const [i, j] = diffs;
      if (written[i] === genuine[j] && written[j] === genuine[i]) return 'transposition';
    }
    if (diffs.length === 1) {
      const i = diffs[0];
      return areAdjacentKeys(written[i], genuine[i]) ? 'adjacent-key' : 'substituted-character';
    }
    return undefined;
  }
  if (lw === lg + 1) {
    // One character inserted into the genuine name.
    let i = 0;
    while (i < lg && written[i] === genuine[i]) i++;
    if (written.slice(i + 1) !== genuine.slice(i)) return undefined;
    const inserted = written[i];
    const doubled = (i > 0 && written[i - 1] === inserted) || written[i + 1] === inserted;
    return doubled ? 'repeated-character' : 'extra-character';
  }
  if (lw === lg - 1) {
    let i = 0;
    while (i < lw && written[i] === genuine[i]) i++;
    return written.slice(i) === genuine.slice(i + 1) ? 'dropped-character' : undefined;
  }
  return undefined;
}

/**
 * How `written` imitates `genuine`, or undefined when it does not (closely enough for its length).
 * `written !== genuine` is the caller's business: a genuine name is never a squat.
 */
export function imitation(written: string, genuine: string, scope: SimilarityScope = 'account'): SquatTechnique | undefined {
  if (written === genuine) return undefined;
  const minimum = MIN_LENGTH[scope];
  const length = genuine.length;
  if (length >= minimum.separator && stripSeparators(written) === stripSeparators(genuine)) return 'separator';
  if (length >= minimum['look-alike'] && foldLookAlikes(written) === foldLookAlikes(genuine)) return 'look-alike';
  return editImitation(written, genuine, minimum);
}

/** The edit-based techniques only (no separator or look-alike folding). */
function editImitation(written: string, genuine: string, minimum: Record<EditTechnique, number>): SquatTechnique | undefined {
  const length = genuine.length;
  if (written === genuine || Math.abs(written.length - length) > 2) return undefined;
  // A version number appended is a sibling, not a typo (`quay.io/centos7` beside `centos`).
  if (written.startsWith(genuine) && /^[-_.]?[0-9]+$/.test(written.slice(length))) return undefined;
  const edit = singleEdit(written, genuine);
  if (edit) {
    if (length < minimum[edit]) return undefined;
    // Among accounts, a different first letter is usually a different word (`rocker` beside
    // `docker`): typing slips land in the middle of a name far more often than on its first key.
    if (minimum === MIN_LENGTH.account && (edit === 'adjacent-key' || edit === 'substituted-character') && written[0] !== genuine[0]) {
      return undefined;
    }
    return edit;
  }
  if (length < minimum['two-edits']) return undefined;
  // A genuine name with something appended or prepended, or with a different ending, is a
  // different word far more often than two typos (`linuxserver` -> `linuxserverio`,
  // `jenkinsci` -> `jenkinsxio`); wrapped names are judged by bait words instead.
  if (written.startsWith(genuine) || written.endsWith(genuine)) return undefined;
  // Among accounts the last letter must agree too (a different ending is a different word); under
  // `library/`, where nothing else can exist, a swap at the end still counts (`aerospkei`).
  const library = minimum === MIN_LENGTH.library;
  if (written[0] !== genuine[0] || (!library && written[written.length - 1] !== genuine[length - 1])) return undefined;
  return damerauLevenshteinDistance(written, genuine) <= 2 ? 'two-edits' : undefined;
}

/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form: Levenshtein's insert, delete
 * and substitute, plus a swap of two neighbouring characters as one edit (`pyhtno` is two edits
 * from `python`, not four). `levenshtein-edit-distance` gives the plain distance; a distance of
 * 0 or 1 cannot shrink with swaps, so only longer ones are recomputed with the transposition step.
 */
export function damerauLevenshteinDistance(a: string, b: string): number {
  const plain = levenshteinEditDistance(a, b);
  if (plain <= 1) return plain;
  // rows[i][j]: distance between a's first i and b's first j characters; three rows suffice.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1);
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      // The transposition step: a[i-2]a[i-1] written for b[j-1]b[j-2].
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      current[j] = best;
    }
    [before, previous] = [previous, current];
  }
  return Math.min(plain, previous[b.length]);
}

/** Priority when several genuine names are imitated: the more specific the evidence, the better. */
export const TECHNIQUE_RANK: Record<SquatTechnique, number> = {
  'host-prefix': 0,
  'host-label': 0,
  'bait-words': 1,
  'derived-name': 1,
  'brand-affix': 1,
  separator: 2,
  'look-alike': 3,
  transposition: 4,
  'repeated-character': 5,
  'adjacent-key': 6,
  'dropped-character': 7,
  'extra-character': 8,
  'other-tld': 9,
  'substituted-character': 10,
  'two-edits': 11,
};

/**
 * Genuine names indexed for fast look-up: exact folded and separator-free keys, and buckets by
 * length so edit distance is computed only against names within two characters.
 */
export class NameIndex {
  private readonly names = new Set<string>();
  private readonly byLength = new Map<number, string[]>();
  private readonly byFolded = new Map<string, string[]>();
  private readonly byStripped = new Map<string, string[]>();

  /** `scope` sets how close a name must be to count (see `SimilarityScope`). */
  constructor(
    names: Iterable<string>,
    private readonly scope: SimilarityScope = 'account',
  ) {
    for (const name of names) this.add(name);
  }

  add(name: string): void {
    if (name === '' || this.names.has(name)) return;
    this.names.add(name);
    push(this.byLength, name.length, name);
    push(this.byFolded, foldLookAlikes(name), name);
    push(this.byStripped, stripSeparators(name), name);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  values(): IterableIterator<string> {
    return this.names.values();
  }

  /**
   * Every genuine name `written` imitates, best technique first (ties keep index order). The
   * separator and look-alike readings are exact key look-ups; edit distance is computed only
   * against names within two characters of the written length.
   */
  imitated(written: string): Array<{ genuine: string; technique: SquatTechnique }> {
    if (this.names.has(written)) return [];
    const minimum = MIN_LENGTH[this.scope];
    const found = new Map<string, SquatTechnique>();
    const record = (genuine: string, technique: SquatTechnique | undefined) => {
      const previous = found.get(genuine);
      if (technique && (!previous || TECHNIQUE_RANK[technique] < TECHNIQUE_RANK[previous])) found.set(genuine, technique);
    };
    for (const genuine of this.byStripped.get(stripSeparators(written)) ?? []) {
      record(genuine, genuine.length >= minimum.separator ? 'separator' : undefined);
    }
    for (const genuine of this.byFolded.get(foldLookAlikes(written)) ?? []) {
      record(genuine, genuine.length >= minimum['look-alike'] ? 'look-alike' : undefined);
    }
    for (let length = written.length - 2; length <= written.length + 2; length++) {
      for (const genuine of this.byLength.get(length) ?? []) {
        if (!found.has(genuine)) record(genuine, editImitation(written, genuine, minimum));
      }
    }
    return [...found]
      .map(([genuine, technique]) => ({ genuine, technique }))
      .sort((a, b) => TECHNIQUE_RANK[a.technique] - TECHNIQUE_RANK[b.technique]);
  }
}

function push<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
