/**
 * Reading JSON that came from outside (registries, signatures, Rekor entries, API answers)
 * without `any`: every value is `unknown` until a guard here says what it is, so a missing or
 * wrongly typed field is a branch in the code, never a crash or a silent `undefined.x`.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `keys` below `value`, or undefined when some step is not an object. */
export function valueAt(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function stringAt(value: unknown, ...keys: string[]): string | undefined {
  const found = valueAt(value, ...keys);
  return typeof found === 'string' ? found : undefined;
}

export function objectAt(value: unknown, ...keys: string[]): JsonObject | undefined {
  const found = valueAt(value, ...keys);
  return isJsonObject(found) ? found : undefined;
}

/** The array at `keys`, or an empty one when there is none. */
export function arrayAt(value: unknown, ...keys: string[]): unknown[] {
  const found = valueAt(value, ...keys);
  return Array.isArray(found) ? (found as unknown[]) : [];
}

/** JSON.parse typed as what it is: unknown. */
export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}
