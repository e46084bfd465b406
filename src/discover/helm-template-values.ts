/**
 * The values a Helm template computes with, as Go sees them: YAML data (maps, lists, strings,
 * float64 numbers, booleans, nil), Helm's objects (`.Chart`, `.Release`, ...) as structs, and
 * `Unknown` for what cannot be known offline (the cluster, the release's secrets, functions not
 * evaluated here), carrying the reason shown to people.
 */

/** A value that cannot be known offline; it spreads through everything computed from it. */
export class Unknown {
  constructor(readonly reason: string) {}
}

/** A Go struct (Helm's `.Chart`, `.Release`, `.Capabilities`, ...): a missing field is an error, not nil. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>>,
  ) {}
}


/** Why Helm itself stops rendering here (with default values the chart would not render). */
export class RenderError extends Error {}

/** A bound of this reader was reached (steps, output size): the render stops, its lines are unresolved. */
export class LimitError extends Error {}

export function isMapValue(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown) && !(value instanceof GoStruct);
}

/** Go's truth (text/template `isTrue`): false for zero numbers, empty text/lists/maps, nil and false. */
export function truth(value: unknown): boolean | Unknown {
  if (value instanceof Unknown) return value;
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isMapValue(value)) return Object.keys(value).length > 0;
  return true;
}

/** Sprig's `empty`: the same as Go's falsity for the values templates see. */
export function isEmpty(value: unknown): boolean | Unknown {
  const truthy = truth(value);
  return truthy instanceof Unknown ? truthy : !truthy;
}

/** Go's fmt %v of a value, as `{{ x }}` prints it (nil prints as Helm's empty "<no value>"). */
export function printValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  return formatV(value);
}

/** fmt.Sprintf("%v", value). */
export function formatV(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFloat(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === undefined || value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(formatV).join(' ')}]`;
  if (value instanceof GoStruct) return `{${Object.values(value.fields).filter((field) => typeof field !== 'function').map(formatV).join(' ')}}`;
  if (isMapValue(value)) {
    return `map[${Object.keys(value)
      .sort()
      .map((key) => `${key}:${formatV(value[key])}`)
      .join(' ')}]`;
  }
  return value instanceof Unknown ? `<unknown: ${value.reason}>` : typeof value;
}

/** Sprig's `toString`: strings as they are, everything else as %v (nil is "<nil>"). */
export function toStringValue(value: unknown): string {
  return formatV(value);
}

/**
 * Helm reads numbers in values as float64 and prints them with Go's %v (shortest digits, exponent
 * form below 1e-4 and from 1e6 up), so `tag: 20240101` renders "2.0240101e+07" and `tag: 1.10` "1.1".
 */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** What sprig's `kindOf`/`kindIs` call a value. */
export function kindOf(value: unknown): string {
  if (value === undefined || value === null) return 'invalid';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'slice';
  if (value instanceof GoStruct) return 'ptr';
  return 'map';
}
