/** Caches kept per scan: a scan is its context, so a cache is a WeakMap from the context to the scan's own map. */
import type { DiscoverContext } from './types.js';

/** A scan's own map in a cache kept per scan, made when first asked for. */
export function perScan<K, V>(byScan: WeakMap<DiscoverContext, Map<K, V>>, context: DiscoverContext): Map<K, V> {
  let map = byScan.get(context);
  if (!map) byScan.set(context, (map = new Map<K, V>()));
  return map;
}

/** The value kept for `key` in this scan's map, made by `make` the first time it is asked for. */
export function oncePerScan<K, V>(byScan: WeakMap<DiscoverContext, Map<K, V>>, context: DiscoverContext, key: K, make: () => V): V {
  const map = perScan(byScan, context);
  if (!map.has(key)) map.set(key, make());
  return map.get(key) as V;
}
