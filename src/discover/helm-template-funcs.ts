/**
 * The function table of Helm templates: Go's builtins (`funcs.go`), the Sprig functions charts use
 * around images, and Helm's own (`include`, `tpl`, `required`, ...). A function not in the table,
 * or one whose result depends on the cluster, time or randomness, gives an Unknown with the reason.
 * Most functions give the first Unknown argument back unchanged (`strict`); the ones that choose
 * between values (`default`, `coalesce`, `ternary`, ...) look at Unknown arguments themselves.
 */
import { semverSatisfies } from './helm-semver.js';
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { YAML_TOO_DEEP, yamlNestsTooDeeply } from '../yaml-nesting.js';
import type { CallContext, TemplateFunction } from './helm-template-exec.js';
import { formatV, GoStruct, isEmpty, isMapValue, kindOf, RenderError, toStringValue, truth, Unknown } from './helm-template-values.js';

type Fn = (args: unknown[], call: CallContext) => unknown;

/** The first Unknown argument (or text holding one), before the function runs. */
function strict(fn: Fn): TemplateFunction {
  return (args, call) => {
    for (const arg of args) {
      const checked = unknownOr(arg, call);
      if (checked instanceof Unknown) return checked;
    }
    return fn(args, call);
  };
}

/** The value, or an Unknown when it is one or is text holding one. */
function unknownOr(value: unknown, call: CallContext): unknown {
  return typeof value === 'string' && value.includes('\u0001') ? new Unknown(call.reasonIn(value)) : value;
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new RenderError(`wrong number of args for ${name}: want ${min}, got ${args.length}`);
}

/** A string function's argument, as sprig's `strval` turns it into text. */
const text = (value: unknown): string => (value === undefined || value === null ? '' : toStringValue(value));

/** Text within the bound, or an Unknown saying it is too long. */
function bounded(call: CallContext, value: string): string | Unknown {
  return call.join([value], '');
}

function unknownFunction(reason: string): TemplateFunction {
  return () => new Unknown(reason);
}

function indent(spaces: unknown, value: unknown, before: string, call: CallContext): string | Unknown {
  const pad = ' '.repeat(Math.max(0, Math.min(Number(spaces) || 0, 1024)));
  const body = call.join(text(value).split('\n'), `\n${pad}`);
  return body instanceof Unknown ? body : before + pad + body;
}

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number.parseFloat(value) || 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return 0;
}

/** A list argument's items (Go's []interface{}), or none. */
function items(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function goEqual(left: unknown, right: unknown): boolean {
  if ((left === undefined || left === null) && (right === undefined || right === null)) return true;
  return left === right;
}

/** Go fmt verbs that matter for image text: %s %v %d %q %t %%, with simple widths ignored. */
function sprintf(format: string, args: unknown[], call: CallContext): string | Unknown {
  let argument = 0;
  let out = '';
  for (let index = 0; index < format.length; index++) {
    const ch = format[index];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    let verbAt = index + 1;
    while (verbAt < format.length && '+-# 0123456789.'.includes(format[verbAt])) verbAt++;
    const verb = format[verbAt];
    index = verbAt;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (verb === undefined) return new Unknown(`printf ${JSON.stringify(format)} ends inside a verb`);
    if (argument >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const piece = call.join([out, formatVerb(verb, args[argument++])], '');
    if (piece instanceof Unknown) return piece;
    out = piece;
  }
  if (argument < args.length) out += `%!(EXTRA ${args.slice(argument).map((arg) => `${kindOf(arg)}=${formatV(arg)}`).join(', ')})`;
  return bounded(call, out);
}

function formatVerb(verb: string, value: unknown): string {
  switch (verb) {
    case 's':
    case 'v':
      return value === undefined || value === null ? (verb === 's' ? '%!s(<nil>)' : '<nil>') : formatV(value);
    case 'd':
      return typeof value === 'number' && Number.isInteger(value) && kindOf(value) !== 'float64' ? String(value) : `%!d(${kindOf(value)}=${formatV(value)})`;
    case 'q':
      return JSON.stringify(formatV(value));
    case 't':
      return typeof value === 'boolean' ? String(value) : `%!t(${kindOf(value)}=${formatV(value)})`;
    default:
      throw new RenderError(`printf verb %${verb} is not evaluated here`);
  }
}

const GO_BUILTINS: Record<string, TemplateFunction> = {
  not: (args) => {
    arity('not', args, 1);
    const truthy = truth(args[0]);
    return truthy instanceof Unknown ? truthy : !truthy;
  },
  len: strict((args) => {
    arity('len', args, 1);
    const [value] = args;
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isMapValue(value)) return Object.keys(value).length;
    throw new RenderError(`len of ${kindOf(value)}`);
  }),
  index: strict((args) => {
    let current = args[0];
    for (const key of args.slice(1)) {
      if (current === undefined || current === null) return undefined;
      if (Array.isArray(current) && typeof key === 'number') current = current[key];
      else if (isMapValue(current) && typeof key === 'string') current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
      else throw new RenderError(`can't index item of type ${kindOf(current)}`);
    }
    return current;
  }),
  print: strict((args, call) => call.join(args.map((arg, i) => (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + formatV(arg)), '')),
  println: strict((args, call) => call.join([...args.map(formatV), '\n'], ' ')),
  printf: strict((args, call) => {
    if (typeof args[0] !== 'string') throw new RenderError('printf without a format string');
    return sprintf(args[0], args.slice(1), call);
  }),
  eq: strict((args) => args.slice(1).some((arg) => goEqual(args[0], arg))),
  ne: strict((args) => (arity('ne', args, 2), !goEqual(args[0], args[1]))),
  lt: strict((args) => numberOrText(args[0]) < numberOrText(args[1])),
  le: strict((args) => numberOrText(args[0]) <= numberOrText(args[1])),
  gt: strict((args) => numberOrText(args[0]) > numberOrText(args[1])),
  ge: strict((args) => numberOrText(args[0]) >= numberOrText(args[1])),
};

function numberOrText(value: unknown): number | string {
  return typeof value === 'string' ? value : numberOf(value);
}

const CHOOSING: Record<string, TemplateFunction> = {
  default: (args) => {
    if (args.length === 1) return args[0];
    arity('default', args, 2);
    const empty = isEmpty(args[1]);
    if (empty instanceof Unknown) return empty;
    return empty ? args[0] : args[1];
  },
  coalesce: (args) => {
    for (const arg of args) {
      const empty = isEmpty(arg);
      if (empty instanceof Unknown) return empty;
      if (!empty) return arg;
    }
    return undefined;
  },
  ternary: (args) => {
    arity('ternary', args, 3);
    const truthy = truth(args[2]);
    if (truthy instanceof Unknown) return truthy;
    return truthy ? args[0] : args[1];
  },
  empty: (args) => (arity('empty', args, 1), isEmpty(args[0])),
  required: (args) => {
    arity('required', args, 2);
    const empty = isEmpty(args[1]);
    if (empty === true) return new Unknown(`a required value is not set in the chart's default values (${text(args[0])})`);
    return args[1];
  },
  fail: strict((args) => new Unknown(`the chart fails with its default values: ${text(args[0])}`)),
  list: (args) => [...args],
  tuple: (args) => [...args],
  dict: (args) => {
    const map: Record<string, unknown> = {};
    for (let index = 0; index < args.length; index += 2) map[text(args[index])] = args[index + 1];
    return map;
  },
  kindIs: strict((args) => (arity('kindIs', args, 2), kindOf(args[1]) === args[0])),
  kindOf: strict((args) => kindOf(args[0])),
  typeIs: strict((args) => (arity('typeIs', args, 2), goType(args[1]) === args[0])),
  typeOf: strict((args) => goType(args[0])),
};

function goType(value: unknown): string {
  const kind = kindOf(value);
  if (kind === 'map') return 'map[string]interface {}';
  if (kind === 'slice') return '[]interface {}';
  if (kind === 'invalid') return '<nil>';
  return value instanceof GoStruct ? `*${value.typeName}` : kind;
}

const STRINGS: Record<string, TemplateFunction> = {
  quote: strict((args, call) => call.join(args.filter((arg) => arg !== undefined && arg !== null).map((arg) => JSON.stringify(text(arg))), ' ')),
  squote: strict((args, call) => call.join(args.filter((arg) => arg !== undefined && arg !== null).map((arg) => `'${text(arg)}'`), ' ')),
  toString: strict((args) => (arity('toString', args, 1), toStringValue(args[0]))),
  trim: strict((args) => text(args[0]).trim()),
  trimAll: strict((args) => trimAll(text(args[1]), text(args[0]))),
  trimPrefix: strict((args) => (arity('trimPrefix', args, 2), text(args[1]).startsWith(text(args[0])) ? text(args[1]).slice(text(args[0]).length) : text(args[1]))),
  trimSuffix: strict((args) => {
    arity('trimSuffix', args, 2);
    const [suffix, value] = [text(args[0]), text(args[1])];
    return suffix !== '' && value.endsWith(suffix) ? value.slice(0, -suffix.length) : value;
  }),
  lower: strict((args) => text(args[0]).toLowerCase()),
  upper: strict((args) => text(args[0]).toUpperCase()),
  title: strict((args) => text(args[0]).replace(/(^|[\s])(\S)/g, (_, space: string, ch: string) => space + ch.toUpperCase())),
  untitle: strict((args) => text(args[0]).replace(/(^|[\s])(\S)/g, (_, space: string, ch: string) => space + ch.toLowerCase())),
  camelcase: strict((args) => camelCase(text(args[0]))),
  replace: strict((args, call) => (arity('replace', args, 3), call.join(text(args[2]).split(text(args[0])), text(args[1])))),
  contains: strict((args) => text(args[1]).includes(text(args[0]))),
  hasPrefix: strict((args) => text(args[1]).startsWith(text(args[0]))),
  hasSuffix: strict((args) => text(args[1]).endsWith(text(args[0]))),
  cat: strict((args, call) => call.join(args.filter((arg) => arg !== undefined && arg !== null).map(text), ' ')),
  indent: strict((args, call) => indent(args[0], args[1], '', call)),
  nindent: strict((args, call) => indent(args[0], args[1], '\n', call)),
  repeat: strict((args, call) => call.join(Array.from({ length: Math.max(0, Math.min(Number(args[0]) || 0, 100_000)) }, () => text(args[1])), '')),
  trunc: strict((args) => {
    const [count, value] = [Number(args[0]) || 0, text(args[1])];
    return count >= 0 ? value.slice(0, count) : value.slice(Math.max(0, value.length + count));
  }),
  substr: strict((args) => text(args[2]).slice(Math.max(0, Number(args[0]) || 0), Number(args[1]) < 0 ? undefined : Number(args[1]))),
  split: strict((args) => Object.fromEntries(text(args[1]).split(text(args[0])).map((part, index) => [`_${index}`, part]))),
  splitList: strict((args) => text(args[1]).split(text(args[0]))),
  join: strict((args, call) => call.join((Array.isArray(args[1]) ? args[1] : [args[1]]).map(text), text(args[0]))),
  b64enc: strict((args) => Buffer.from(text(args[0]), 'utf8').toString('base64')),
  sha256sum: strict((args) => createHash('sha256').update(text(args[0])).digest('hex')),
  toYaml: strict((args, call) => (isMapValue(args[0]) || Array.isArray(args[0]) ? yamlText(args[0], call) : text(args[0]))),
  fromYaml: strict((args) => yamlMap(text(args[0]))),
  toJson: strict((args) => JSON.stringify(args[0] ?? null)),
};

/** xstrings.ToCamelCase: words split at `_`, `-` and spaces, each capitalized, joined. */
function camelCase(value: string): string {
  return value
    .split(/[_\s-]/)
    .filter((word) => word !== '')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

function trimAll(value: string, cutset: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && cutset.includes(value[start])) start++;
  while (end > start && cutset.includes(value[end - 1])) end--;
  return value.slice(start, end);
}

const COLLECTIONS: Record<string, TemplateFunction> = {
  get: strict((args) => (isMapValue(args[0]) && Object.prototype.hasOwnProperty.call(args[0], text(args[1])) ? args[0][text(args[1])] : '')),
  hasKey: strict((args) => isMapValue(args[0]) && Object.prototype.hasOwnProperty.call(args[0], text(args[1]))),
  dig: strict((args) => dig(args)),
  // An Unknown value is set too: what later reads the key is unknown, not missing (a nil pointer Helm would stop at).
  set: (args, call) => strict(([map, key]) => {
    if (isMapValue(map)) map[text(key)] = unknownOr(args[2], call);
    return map;
  })(args.slice(0, 2), call),
  unset: strict((args) => {
    if (isMapValue(args[0])) delete args[0][text(args[1])];
    return args[0];
  }),
  keys: strict((args) => args.flatMap((arg) => (isMapValue(arg) ? Object.keys(arg) : []))),
  merge: strict((args) => mergeMaps(args, false)),
  mergeOverwrite: strict((args) => mergeMaps(args, true)),
  deepCopy: strict((args) => structuredCloneSafe(args[0])),
  first: strict((args) => items(args[0])[0]),
  last: strict((args) => items(args[0]).at(-1)),
  rest: strict((args) => items(args[0]).slice(1)),
  initial: strict((args) => items(args[0]).slice(0, -1)),
  append: strict((args) => [...items(args[0]), args[1]]),
  prepend: strict((args) => [args[1], ...items(args[0])]),
  concat: strict((args) => args.flatMap((arg) => items(arg))),
  has: strict((args) => items(args[1]).some((item) => goEqual(item, args[0]))),
  compact: strict((args) => items(args[0]).filter((item) => isEmpty(item) !== true)),
  uniq: strict((args) => [...new Set(items(args[0]))]),
  int: strict((args) => Math.trunc(numberOf(args[0]))),
  int64: strict((args) => Math.trunc(numberOf(args[0]))),
  float64: strict((args) => numberOf(args[0])),
  atoi: strict((args) => Math.trunc(Number(text(args[0]))) || 0),
  add: strict((args) => args.reduce((sum: number, arg) => sum + numberOf(arg), 0)),
  add1: strict((args) => numberOf(args[0]) + 1),
  sub: strict((args) => numberOf(args[0]) - numberOf(args[1])),
  mul: strict((args) => args.reduce((product: number, arg) => product * numberOf(arg), 1)),
  max: strict((args) => Math.max(...args.map(numberOf))),
  min: strict((args) => Math.min(...args.map(numberOf))),
};

/** Sprig's `dig "a" "b" default $map`: the value at the keys' path, the default where a key is missing. */
function dig(args: unknown[]): unknown {
  if (args.length < 3) throw new RenderError(`wrong number of args for dig: want at least 3, got ${args.length}`);
  let current = args[args.length - 1];
  const fallback = args[args.length - 2];
  for (const key of args.slice(0, -2).map(text)) {
    // Sprig asserts a map at each step: anything else stops the template.
    if (!isMapValue(current)) throw new RenderError(`dig: cannot look up ${JSON.stringify(key)} in a value that is not a map`);
    if (!Object.prototype.hasOwnProperty.call(current, key)) return fallback;
    current = current[key];
  }
  return current;
}

function mergeMaps(args: unknown[], overwrite: boolean): unknown {
  const [target, ...sources] = args;
  if (!isMapValue(target)) return target;
  for (const source of sources) mergeInto(target, source, overwrite, 0);
  return target;
}

function mergeInto(target: Record<string, unknown>, source: unknown, overwrite: boolean, depth: number): void {
  if (!isMapValue(source) || depth > 32) return;
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isMapValue(existing) && isMapValue(value)) mergeInto(existing, value, overwrite, depth + 1);
    else if (!(key in target) || (overwrite && value !== undefined) || (!overwrite && isEmpty(existing) === true && !isMapValue(existing))) {
      target[key] = isMapValue(value) ? mergeFresh(value, depth) : value;
    }
  }
}

/** A copy of a map merged into a key the target lacks; it traces to the original as a `deepCopy` does. */
function mergeFresh(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  mergeInto(copy, value, true, depth + 1);
  copiedFrom.set(copy, copiedFrom.get(value) ?? value);
  return copy;
}

/** Bounds on what `toYaml` writes out and `fromYaml` reads back (a chart's own values, passed through a helper). */
const MAX_YAML_DEPTH = 64;
const MAX_YAML_NODES = 20_000;

/**
 * A map or list as Helm's `toYaml` writes it (sigs.k8s.io/yaml: keys sorted, no trailing newline);
 * an Unknown when any part of it is not known offline, or it is too large.
 */
function yamlText(value: unknown, call: CallContext): string | Unknown {
  let nodes = 0;
  const known = (item: unknown, depth: number): boolean => {
    if (++nodes > MAX_YAML_NODES || depth > MAX_YAML_DEPTH || item instanceof Unknown || item instanceof GoStruct) return false;
    if (typeof item === 'string') return !item.includes('\u0001');
    if (Array.isArray(item)) return item.every((entry) => known(entry, depth + 1));
    return isMapValue(item) ? Object.values(item).every((entry) => known(entry, depth + 1)) : true;
  };
  if (!known(value, 0)) return new Unknown('toYaml of a value not known offline');
  const written = bounded(call, stringifyYaml(value, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, ''));
  if (typeof written === 'string') rememberYaml(written, value);
  return written;
}

/** How many texts `toYaml` wrote are remembered for `fromYaml` (see `writtenYaml`). */
const MAX_YAML_ROUND_TRIPS = 16;

/**
 * The latest texts `toYaml` wrote and the values they were written from, so that the maps
 * `fromYaml` reads back from one of them still trace to the values lines (`copiedFrom`): a helper
 * that hands a map back as text (VictoriaMetrics' `fromYaml (include "vm.internal.image" .)`,
 * whose output is `toYaml (dict "image" $image)`) gives the same map, copied.
 */
const writtenYaml = new Map<string, unknown>();

function rememberYaml(text: string, value: unknown): void {
  writtenYaml.delete(text);
  writtenYaml.set(text, value);
  if (writtenYaml.size > MAX_YAML_ROUND_TRIPS) writtenYaml.delete(writtenYaml.keys().next().value!);
}

/** Marks each map of `copy` as copied from the map at the same place in `source` (same structure: parsed from its `toYaml`). */
function linkCopies(copy: unknown, source: unknown, depth: number): void {
  if (depth > MAX_YAML_DEPTH) return;
  if (isMapValue(copy) && isMapValue(source)) {
    copiedFrom.set(copy, copiedFrom.get(source) ?? source);
    for (const [key, item] of Object.entries(copy)) linkCopies(item, source[key], depth + 1);
  } else if (Array.isArray(copy) && Array.isArray(source)) {
    copy.forEach((item, index) => linkCopies(item, source[index], depth + 1));
  }
}

/**
 * Text read as `fromYaml` reads it: a map (Helm gives `{Error: ...}` for text that is not one).
 * Alias expansions are bounded (100): the text is a template's own output, which a chart can grow.
 */
function yamlMap(text: string): Record<string, unknown> {
  try {
    // Measured before the parser composes it (recursively): see yaml-nesting.ts.
    if (yamlNestsTooDeeply(text)) return { Error: YAML_TOO_DEEP };
    const value: unknown = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
    if (value === null || value === undefined) return {};
    if (!isMapValue(value)) return { Error: 'error unmarshaling JSON: cannot unmarshal into a map' };
    if (writtenYaml.has(text)) linkCopies(value, writtenYaml.get(text), 0);
    return value;
  } catch (error) {
    return { Error: error instanceof Error ? error.message : String(error) };
  }
}

function structuredCloneSafe(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => structuredCloneSafe(item, depth + 1));
  if (isMapValue(value)) {
    const copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, structuredCloneSafe(item, depth + 1)]));
    copiedFrom.set(copy, copiedFrom.get(value) ?? value);
    return copy;
  }
  return value;
}

/**
 * The map each `deepCopy` map (Linkerd's `$tree := deepCopy .`) or `merge` copy (zero-to-jupyterhub's
 * `merge (dict "hook" true) .`) was copied from, so what it holds still traces to the values line.
 */
const copiedFrom = new WeakMap<object, object>();

/** The map `copy` was deep-copied from, if it is a copy. */
export function copySourceOf(copy: object): object | undefined {
  return copiedFrom.get(copy);
}

const HELM: Record<string, TemplateFunction> = {
  include: (args, call) => {
    if (args[0] instanceof Unknown) return args[0];
    if (typeof args[0] !== 'string') throw new RenderError('include needs a template name');
    return call.include(args[0], args[1]);
  },
  tpl: (args, call) => {
    if (args[0] instanceof Unknown) return args[0];
    return call.tpl(text(args[0]), args[1]);
  },
  // `helm template` talks to no cluster: lookup gives an empty map there.
  lookup: () => ({}),
  now: unknownFunction('now is the time Helm renders'),
  date: unknownFunction('date depends on the time Helm renders'),
  randAlphaNum: unknownFunction('randAlphaNum is random'),
  randAlpha: unknownFunction('randAlpha is random'),
  randNumeric: unknownFunction('randNumeric is random'),
  uuidv4: unknownFunction('uuidv4 is random'),
  genCA: unknownFunction('genCA generates a new certificate'),
  genSelfSignedCert: unknownFunction('genSelfSignedCert generates a new certificate'),
  genSignedCert: unknownFunction('genSignedCert generates a new certificate'),
  semverCompare: strict((args) => semverSatisfies(text(args[0]), text(args[1])) ?? new Unknown(`semverCompare cannot read ${JSON.stringify(text(args[0]))} against ${JSON.stringify(text(args[1]))}`)),
  regexMatch: unknownFunction('regular expressions are not evaluated here'),
  regexReplaceAll: unknownFunction('regular expressions are not evaluated here'),
  regexFind: unknownFunction('regular expressions are not evaluated here'),
};

/**
 * Sprig's `must` variants of collection functions (`mustMergeOverwrite`, Istio's charts): the same
 * result, returned as an error where the plain one panics, which stops the template either way.
 */
const MUST_VARIANTS = ['merge', 'mergeOverwrite', 'deepCopy', 'append', 'prepend', 'first', 'last', 'rest', 'initial', 'uniq', 'compact', 'has'] as const;
const MUST: Record<string, TemplateFunction> = Object.fromEntries(MUST_VARIANTS.map((name) => [`must${name[0].toUpperCase()}${name.slice(1)}`, COLLECTIONS[name]]));

/** Every function a chart's templates can call here, by name. */
export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map(
  Object.entries({ ...GO_BUILTINS, ...CHOOSING, ...STRINGS, ...COLLECTIONS, ...MUST, ...HELM, push: COLLECTIONS.append, mustPush: COLLECTIONS.append }),
);
