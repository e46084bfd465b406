/**
 * Helm values from several places merged into one tree the way Helm and Flux merge them (maps
 * merge key by key, a later value of any other kind replaces an earlier one; one value set at a
 * dotted path), keeping every written node: each image found in the merged tree is reported at
 * the line it is written on, in whichever file that is.
 */
import { isAlias, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap } from 'yaml';

/** Bound on the nodes registered over all the merged trees. */
const MAX_NODES = 100_000;

/** Where one tree of values is written: the text its node offsets are in, and what the caller needs to place it. */
export interface ValuesSource<Place> {
  text: string;
  place: Place;
}

export class MergedValues<Place> {
  /** The merged tree: maps made here, holding the written nodes. */
  readonly root = new YAMLMap<unknown, unknown>();
  private readonly owned = new Set<unknown>([this.root]);
  private readonly sources = new Map<unknown, ValuesSource<Place>>();
  private registered = 0;

  /** Merges a values map over what is merged so far; anything but a map is ignored, as Helm ignores it. */
  merge(node: unknown, source: ValuesSource<Place>): void {
    if (!isMap(node)) return;
    this.register(node, source, 0);
    this.mergeInto(this.root, node);
  }

  /**
   * Sets one value at a dotted path (`image.tag`, `a\.b.c`), as Flux's `targetPath` and Argo CD's
   * `helm.parameters` do. False for a path with list indexes or nothing in it, which is left unset.
   */
  set(path: string, node: unknown, source: ValuesSource<Place>): boolean {
    const keys = dottedKeys(path);
    if (keys === undefined) return false;
    this.register(node, source, 0);
    let map = this.root;
    for (const key of keys.slice(0, -1)) map = this.ownedChild(map, key);
    setPair(map, keys[keys.length - 1], node);
    return true;
  }

  /** The text a node of the merged tree is written in ('' for the maps made here). */
  textOf = (node: unknown): string => this.sources.get(node)?.text ?? '';

  /** Where a node of the merged tree is written. */
  placeOf(node: unknown): Place | undefined {
    return this.sources.get(node)?.place;
  }

  private register(node: unknown, source: ValuesSource<Place>, depth: number): void {
    if (depth > 64 || ++this.registered > MAX_NODES || isAlias(node)) return;
    this.sources.set(node, source);
    if (isMap(node)) for (const pair of node.items) this.register(pair.value, source, depth + 1);
    else if (isSeq(node)) for (const item of node.items) this.register(item, source, depth + 1);
  }

  private mergeInto(target: YAMLMap<unknown, unknown>, over: YAMLMap<unknown, unknown>): void {
    for (const pair of over.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (isMap(pair.value) && isMap(valueOf(target, key))) this.mergeInto(this.ownedChild(target, key), pair.value);
      else setPair(target, key, pair.value);
    }
  }

  /** The map under `key` in an owned map, made owned (a copy of a written map, or a new one) so merging never changes a written tree. */
  private ownedChild(map: YAMLMap<unknown, unknown>, key: string): YAMLMap<unknown, unknown> {
    const current = valueOf(map, key);
    if (this.owned.has(current) && isMap(current)) return current;
    const child = new YAMLMap<unknown, unknown>();
    if (isMap(current)) for (const pair of current.items) if (isScalar(pair.key)) setPair(child, String(pair.key.value), pair.value);
    this.owned.add(child);
    setPair(map, key, child);
    return child;
  }
}

function pairOf(map: YAMLMap<unknown, unknown>, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

function valueOf(map: YAMLMap<unknown, unknown>, key: string): unknown {
  return pairOf(map, key)?.value;
}

/** Sets `key` in a map made here, replacing its value when present (a written key counts once, its last value). */
function setPair(map: YAMLMap<unknown, unknown>, key: string, value: unknown): void {
  const existing = pairOf(map, key);
  if (existing) existing.value = value;
  else map.items.push(new Pair(new Scalar(key), value));
}

/** The keys of a Helm `--set` style path (dots separate, `\.` escapes one); undefined for indexes (`a[0]`) or an empty key. */
function dottedKeys(path: string): string[] | undefined {
  if (path.includes('[')) return undefined;
  const keys: string[] = [];
  let key = '';
  for (let index = 0; index < path.length; index++) {
    if (path[index] === '\\' && path[index + 1] === '.') {
      key += '.';
      index++;
    } else if (path[index] === '.') {
      keys.push(key);
      key = '';
    } else {
      key += path[index];
    }
  }
  keys.push(key);
  return keys.every((part) => part !== '') ? keys : undefined;
}
