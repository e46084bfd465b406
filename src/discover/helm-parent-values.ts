/**
 * A chart vendored under another chart's `charts/` folder is installed through that parent, never on
 * its own, so Helm renders it with the parent's values on top of its defaults: the parent's `global`
 * map, and the parent's section named after the subchart (or its alias). Without this, a subchart
 * template such as `{{ .Values.global.registry }}/{{ .Values.image.name }}` stops on a nil value.
 */
import type { ScalarLocation } from './yaml.js';

/** What a subchart takes from its parent's values. */
export interface ParentValues {
  global: Record<string, unknown> | undefined;
  section: Record<string, unknown> | undefined;
}

/** Deeper maps than this are not merged (the values are untrusted; the parse already bounds aliases). */
const MAX_DEPTH = 32;

/** The parent chart's directory when `chartRoot` is `<parent>/charts/<name>`, else undefined. */
export function vendoringParent(chartRoot: string): string | undefined {
  const segments = chartRoot.split('/');
  if (segments.length < 2 || segments[segments.length - 2] !== 'charts') return undefined;
  return segments.slice(0, -2).join('/');
}

/** The key the parent's values use for a subchart: its alias in the parent's dependencies, else its name. */
export function keyInParent(subchartName: string, dependencies: ReadonlyArray<{ name: string; alias?: string }> | undefined): string {
  const listed = dependencies?.find((dependency) => dependency.name === subchartName);
  return listed?.alias ?? subchartName;
}

/** The parts of the parent's values a subchart sees, when they are maps. */
export function parentValuesFor(parentData: Record<string, unknown> | undefined, key: string): ParentValues {
  return { global: asMap(parentData?.global), section: asMap(parentData?.[key]) };
}

/**
 * The subchart's values with its parent's on top, as Helm coalesces them: the parent's section wins
 * key by key (maps merge, a null removes the key), and the parent's `global` wins inside `global`.
 * A scalar the parent replaces loses its recorded location: it is no longer what the subchart's
 * values file says, so nothing may point there as the written value.
 */
export function overlayParentValues(
  data: Record<string, unknown>,
  parent: ParentValues,
  locations: WeakMap<object, Map<string, ScalarLocation>>,
): Record<string, unknown> {
  if (parent.section) overlay(data, parent.section, locations, 0);
  if (parent.global) {
    const own = asMap(data.global);
    if (own) overlay(own, parent.global, locations, 0);
    else {
      data.global = parent.global;
      locations.get(data)?.delete('global');
    }
  }
  return data;
}

function overlay(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  locations: WeakMap<object, Map<string, ScalarLocation>>,
  depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  const written = locations.get(target);
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__') continue;
    const existing = asMap(target[key]);
    const incoming = asMap(value);
    if (existing && incoming) {
      overlay(existing, incoming, locations, depth + 1);
      continue;
    }
    written?.delete(key);
    if (value === null) delete target[key];
    else target[key] = value;
  }
}

function asMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
