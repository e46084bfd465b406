/**
 * The policy file's shape, checked key by key over the YAML node tree so every error names the
 * key path and the line it is on. The file uses kebab-case keys; this module maps them onto the
 * `Policy` type, merged over a base policy (the embedded defaults). Pure: file paths named by the
 * policy are resolved and returned for `load.ts` to check on disk.
 */
import path from 'node:path';
import { levenshteinEditDistance } from 'levenshtein-edit-distance';
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { LineIndex } from '../discover/position.js';
import { RULE_IDS, type RuleId } from '../model.js';
import { ImageGlobError, normalizeImageGlob } from './glob.js';
import { pathGlobProblem } from './path-glob.js';
import { LinearRegExpError, linearRegExp } from '../linear-regexp.js';
import { missingAnchors, type IgnoreEntry, type KeylessIdentity, type Policy, type SignatureRule } from './policy.js';
import { presetNames } from './presets.js';

/** One problem in the policy file. */
export interface ConfigIssue {
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  /** Key path in the file's own (kebab-case) names, e.g. "signatures.rules[0].keyless.issuer". */
  keyPath?: string;
  message: string;
}

/** A file the policy names (key, trusted root, ClusterImagePolicy), resolved; `load.ts` checks it exists. */
interface PolicyFileReference {
  keyPath: string;
  line: number;
  /** As written in the policy. */
  written: string;
  absolute: string;
}

export interface PolicyFileResult {
  policy: Policy;
  files: PolicyFileReference[];
  issues: ConfigIssue[];
}

// Bounds for values from an untrusted file.
export const MAX_LIST_ITEMS = 10_000;
/**
 * Items read from all lists of one policy together. YAML aliases let a small file name the same
 * long list many times (`ignore: [*a, *a, …]` with `paths: *p`); this bounds what that expands to.
 */
export const MAX_POLICY_LIST_ITEMS = 100_000;
/** Problems listed for one file; past it the file is refused with what was found so far. */
const MAX_ISSUES = 200;
const MAX_STRING_LENGTH = 4096;
const MAX_REGEXP_LENGTH = 1024;

const SEVERITY_VALUES = ['error', 'warning', 'note', 'off'] as const;
const FAIL_ON_VALUES = ['error', 'warning', 'note', 'never'] as const;
const MODE_VALUES = ['require', 'warn', 'off'] as const;
const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9*](?:[A-Za-z0-9\-.*]*[A-Za-z0-9*])?)(?::[0-9]{1,5})?$/;
const PRESET_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An OCI platform as written in `docker --platform`: os/architecture, optionally /variant. */
const PLATFORM_PATTERN = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)?$/;

const TOP_LEVEL_KEYS = [
  'trusted',
  'registries',
  'pinning',
  'fail-on',
  'severity',
  'build-args',
  'paths',
  'ignore',
  'inline-suppressions',
  'typosquat',
  'insecure-registries',
  'registry',
  'signatures',
] as const;

/** Walks one parsed document, collecting issues instead of stopping at the first. */
class PolicyReader {
  readonly issues: ConfigIssue[] = [];
  /** Accepted, but worth a second look (e.g. an identity regexp without `^…$`); shown as notes. */
  readonly warnings: string[] = [];
  /** List items still allowed (`MAX_POLICY_LIST_ITEMS`); below zero the policy is refused. */
  private listItemBudget = MAX_POLICY_LIST_ITEMS;
  readonly files: PolicyFileReference[] = [];
  private readonly lines: LineIndex;

  constructor(
    private readonly document: Document.Parsed,
    text: string,
    private readonly root: string,
    /** The policy file's label for rule sources ("policy .github/verify-images.yml line 12"). */
    readonly label: string,
  ) {
    this.lines = new LineIndex(text);
  }

  lineOf(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.positionAt(range[0]).line : undefined;
  }

  issue(node: unknown, keyPath: string, message: string): undefined {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ line: this.lineOf(node), keyPath, message: `${keyPath} ${message}` });
    return undefined;
  }

  warn(node: unknown, keyPath: string, message: string): void {
    const line = this.lineOf(node);
    this.warnings.push(`${this.label}${line ? `:${line}` : ''}: ${keyPath} ${message}`);
  }

  /**
   * Whether a list or map of `count` entries may be read: at most `MAX_LIST_ITEMS` in one and
   * `MAX_POLICY_LIST_ITEMS` in all together (an alias counts its entries each time it is used).
   */
  takeListItems(node: unknown, keyPath: string, count: number): boolean {
    if (count > MAX_LIST_ITEMS) {
      this.issue(node, keyPath, `has more than ${MAX_LIST_ITEMS} entries (limit)`);
      return false;
    }
    if (this.listItemBudget < 0) return false;
    this.listItemBudget -= count;
    if (this.listItemBudget < 0) {
      this.issue(node, keyPath, `takes the policy past ${MAX_POLICY_LIST_ITEMS} list and map entries in total, YAML aliases expanded (limit)`);
      return false;
    }
    return true;
  }

  /** Follows an alias to its node; anchors are allowed, expansions are bounded by the schema's depth. */
  deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.document) : node;
  }

  isEmpty(node: unknown): boolean {
    const value = this.deref(node);
    return value === null || value === undefined || (isScalar(value) && value.value === null);
  }

  /**
   * The entries of a map, with unknown keys reported. An empty value (`trusted:` with nothing
   * under it) is an empty map. Returns undefined when the node is not a map.
   */
  map(node: unknown, keyPath: string, allowed: readonly string[] | 'any'): Map<string, { key: unknown; value: unknown }> | undefined {
    const value = this.deref(node);
    const entries = new Map<string, { key: unknown; value: unknown }>();
    if (this.isEmpty(value)) return entries;
    if (!isMap(value)) return this.issue(value, keyPath || 'the policy', 'must be a mapping of keys to values');
    if (!this.takeListItems(value, keyPath || 'the policy', value.items.length)) return undefined;
    for (const pair of value.items) {
      const keyNode = this.deref(pair.key);
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      const childPath = keyPath ? `${keyPath}.${String(key)}` : String(key);
      if (typeof key !== 'string' && typeof key !== 'number') {
        this.issue(pair.key ?? value, keyPath || 'the policy', 'has a key that is not a plain string');
        continue;
      }
      const name = String(key);
      if (allowed !== 'any' && !allowed.includes(name)) {
        this.issue(pair.key, childPath, `is not a known key${suggest(name, allowed)}`);
        continue;
      }
      entries.set(name, { key: pair.key, value: pair.value });
    }
    return entries;
  }

  /** A scalar string (numbers and booleans are written as their text, e.g. a tag "20"). */
  string(node: unknown, keyPath: string): string | undefined {
    const value = this.deref(node);
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') return this.issue(value, keyPath, 'must be a string');
    // Plain scalars keep their source text: `20.10` stays "20.10", not the number 20.1.
    const raw: unknown = value.value;
    const text = typeof raw === 'string' ? raw : (value.source ?? (typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : ''));
    if (!['string', 'number', 'boolean'].includes(typeof value.value)) return this.issue(value, keyPath, 'must be a string');
    if (text.length > MAX_STRING_LENGTH) return this.issue(value, keyPath, `is longer than ${MAX_STRING_LENGTH} characters`);
    return text;
  }

  nonEmptyString(node: unknown, keyPath: string): string | undefined {
    const text = this.string(node, keyPath);
    if (text !== undefined && text.trim() === '') return this.issue(this.deref(node), keyPath, 'must not be empty');
    return text;
  }

  boolean(node: unknown, keyPath: string): boolean | undefined {
    const value = this.deref(node);
    if (!isScalar(value) || typeof value.value !== 'boolean') return this.issue(value, keyPath, 'must be true or false');
    return value.value;
  }

  oneOf<T extends string>(node: unknown, keyPath: string, values: readonly T[]): T | undefined {
    const value = this.deref(node);
    const text = isScalar(value) && ['string', 'boolean', 'number'].includes(typeof value.value) ? String(value.value) : undefined;
    // YAML 1.2 reads a bare `off` as a string, but YAML 1.1 habits write `false`: accept it for "off".
    const normalized = text === 'false' && values.includes('off' as T) ? 'off' : text;
    if (normalized === undefined || !values.includes(normalized as T)) {
      return this.issue(value, keyPath, `must be one of ${values.join(', ')}${text !== undefined ? ` (got "${text}")` : ''}`);
    }
    return normalized as T;
  }

  number(node: unknown, keyPath: string, options: { min: number; max: number; integer: boolean }): number | undefined {
    const value = this.deref(node);
    const n = isScalar(value) ? value.value : undefined;
    const kind = options.integer ? 'an integer' : 'a number';
    if (typeof n !== 'number' || !Number.isFinite(n) || (options.integer && !Number.isInteger(n)) || n < options.min || n > options.max) {
      return this.issue(value, keyPath, `must be ${kind} from ${options.min} to ${options.max}`);
    }
    return n;
  }

  /** A list of strings, each checked by `item` (which reports its own issues and returns undefined to drop the item). */
  stringList(
    node: unknown,
    keyPath: string,
    item: (text: string, itemNode: unknown, itemPath: string) => string | undefined = (text) => text,
  ): string[] | undefined {
    const value = this.deref(node);
    if (this.isEmpty(value)) return [];
    // A single string where a list is expected is a common slip; say so rather than guess.
    if (!isSeq(value)) return this.issue(value, keyPath, 'must be a list of strings');
    if (!this.takeListItems(value, keyPath, value.items.length)) return undefined;
    const result: string[] = [];
    value.items.forEach((itemNode, index) => {
      const itemPath = `${keyPath}[${index}]`;
      const text = this.nonEmptyString(itemNode, itemPath);
      if (text === undefined) return;
      const checked = item(text, this.deref(itemNode), itemPath);
      if (checked !== undefined) result.push(checked);
    });
    return result;
  }

  imageGlob = (text: string, node: unknown, keyPath: string): string | undefined => {
    try {
      normalizeImageGlob(text);
      return text;
    } catch (error) {
      if (error instanceof ImageGlobError) return this.issue(node, keyPath, `is an ${error.message}`);
      throw error;
    }
  };

  host = (text: string, node: unknown, keyPath: string): string | undefined => {
    if (!HOST_PATTERN.test(text)) return this.issue(node, keyPath, `must be a registry host with an optional port, e.g. "ghcr.io" or "127.0.0.1:5000" (got "${text}")`);
    return text;
  };

  regExp(node: unknown, keyPath: string): string | undefined {
    const text = this.nonEmptyString(node, keyPath);
    if (text === undefined) return undefined;
    if (text.length > MAX_REGEXP_LENGTH) return this.issue(this.deref(node), keyPath, `is longer than ${MAX_REGEXP_LENGTH} characters`);
    try {
      new RegExp(text, 'u');
    } catch (error) {
      return this.issue(this.deref(node), keyPath, `is not a valid regular expression: ${(error as Error).message}`);
    }
    try {
      // Matched against certificates a registry serves: only expressions that run in linear time.
      linearRegExp(text);
    } catch (error) {
      if (!(error instanceof LinearRegExpError)) throw error;
      return this.issue(this.deref(node), keyPath, `cannot be matched in linear time (no backreferences, lookaround or large counted repetitions such as {1,1000})`);
    }
    return text;
  }

  /** A path inside the repository, resolved against the root and recorded for the existence check. */
  repositoryPath(node: unknown, keyPath: string): string | undefined {
    const text = this.nonEmptyString(node, keyPath);
    if (text === undefined) return undefined;
    const written = this.deref(node);
    if (path.isAbsolute(text) || path.win32.isAbsolute(text)) {
      return this.issue(written, keyPath, `must be a path relative to the repository root (got "${text}")`);
    }
    const absolute = path.resolve(this.root, text);
    const relative = path.relative(this.root, absolute);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      return this.issue(written, keyPath, `must name a file inside the repository (got "${text}")`);
    }
    this.files.push({ keyPath, line: this.lineOf(written) ?? 1, written: text, absolute });
    return absolute;
  }
}

function suggest(name: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = levenshteinEditDistance(name.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const hint = best ? `; did you mean "${best}"?` : '';
  return allowed.length <= 16 ? ` (expected one of ${allowed.join(', ')})${hint}` : hint;
}

function isRuleId(text: string): text is RuleId {
  return (RULE_IDS as readonly string[]).includes(text);
}

/** Reads one top-level section's value into `policy`; issues go to the reader. */
type SectionReader = (reader: PolicyReader, value: unknown, policy: Policy) => void;

/** One reader per top-level key (the type makes a key without a reader a compile error). */
const SECTION_READERS: Record<(typeof TOP_LEVEL_KEYS)[number], SectionReader> = {
  trusted: readTrusted,
  registries: readRegistries,
  pinning: (reader, value, policy) => {
    policy.pinning = reader.oneOf(value, 'pinning', MODE_VALUES) ?? policy.pinning;
  },
  'fail-on': (reader, value, policy) => {
    policy.failOn = reader.oneOf(value, 'fail-on', FAIL_ON_VALUES) ?? policy.failOn;
  },
  severity: readSeverity,
  'build-args': readBuildArgs,
  paths: readPaths,
  ignore: (reader, value, policy) => {
    policy.ignore = readIgnore(reader, value);
  },
  'inline-suppressions': readInlineSuppressions,
  typosquat: readTyposquat,
  'insecure-registries': (reader, value, policy) => {
    policy.insecureRegistries = reader.stringList(value, 'insecure-registries', reader.host) ?? policy.insecureRegistries;
  },
  registry: readRegistrySettings,
  signatures: (reader, value, policy) => readSignatures(reader, value, policy),
};

/** Validates one parsed policy document and merges it over `base`. */
export function readPolicyDocument(document: Document.Parsed, text: string, options: { root: string; label: string; base: Policy }): PolicyFileResult {
  const reader = new PolicyReader(document, text, options.root, options.label);
  const policy = structuredClone(options.base);
  const top = reader.map(document.contents, '', TOP_LEVEL_KEYS);
  if (!top) return { policy, files: reader.files, issues: reader.issues };
  for (const key of TOP_LEVEL_KEYS) {
    const entry = top.get(key);
    const read = SECTION_READERS[key];
    if (entry !== undefined && !reader.isEmpty(entry.value)) read(reader, entry.value, policy);
  }
  if (reader.warnings.length > 0) policy.warnings = reader.warnings;
  return { policy, files: reader.files, issues: reader.issues };
}

/** The value under `key` of a section map, when written and not empty. */
function givenValue(reader: PolicyReader, section: Map<string, { value: unknown }> | undefined, key: string): unknown {
  const entry = section?.get(key);
  return entry === undefined || reader.isEmpty(entry.value) ? undefined : entry.value;
}

/** trusted: the file's lists are added to the embedded ones unless `defaults: false`. */
function readTrusted(reader: PolicyReader, value: unknown, policy: Policy): void {
  const section = reader.map(value, 'trusted', ['images', 'registries', 'defaults']);
  if (!section) return;
  const defaults = givenValue(reader, section, 'defaults');
  const imagesValue = givenValue(reader, section, 'images');
  const registriesValue = givenValue(reader, section, 'registries');
  const keepDefaults = defaults !== undefined ? reader.boolean(defaults, 'trusted.defaults') : true;
  const images = imagesValue !== undefined ? reader.stringList(imagesValue, 'trusted.images', reader.imageGlob) : [];
  const registries = registriesValue !== undefined ? reader.stringList(registriesValue, 'trusted.registries', reader.host) : [];
  const base = keepDefaults === false ? { images: [], registries: [] } : { images: policy.trustedImages, registries: policy.trustedRegistries };
  policy.trustedImages = unique([...base.images, ...(images ?? [])]);
  policy.trustedRegistries = unique([...base.registries, ...(registries ?? [])]);
}

function readRegistries(reader: PolicyReader, value: unknown, policy: Policy): void {
  const allow = givenValue(reader, reader.map(value, 'registries', ['allow']), 'allow');
  if (allow === undefined) return;
  const hosts = reader.stringList(allow, 'registries.allow', reader.host);
  if (hosts) policy.allowedRegistries = unique(hosts);
}

function readSeverity(reader: PolicyReader, value: unknown, policy: Policy): void {
  const section = reader.map(value, 'severity', RULE_IDS);
  for (const [rule, entry] of section ?? []) {
    const level = reader.oneOf(entry.value, `severity.${rule}`, SEVERITY_VALUES);
    if (level && isRuleId(rule)) policy.severity[rule] = level;
  }
}

function readBuildArgs(reader: PolicyReader, value: unknown, policy: Policy): void {
  const section = reader.map(value, 'build-args', 'any');
  for (const [name, entry] of section ?? []) {
    if (!BUILD_ARG_NAME.test(name)) {
      reader.issue(entry.key, `build-args.${name}`, 'is not a valid build argument name (letters, digits and "_", not starting with a digit)');
      continue;
    }
    // An empty value is a real value for a build argument (`ARG SUFFIX` set to "").
    const text = reader.isEmpty(entry.value) ? '' : reader.string(entry.value, `build-args.${name}`);
    if (text !== undefined) policy.buildArgs[name] = text;
  }
}

function readPaths(reader: PolicyReader, value: unknown, policy: Policy): void {
  const section = reader.map(value, 'paths', ['include', 'exclude']);
  const include = givenValue(reader, section, 'include');
  const exclude = givenValue(reader, section, 'exclude');
  if (include !== undefined) policy.include = reader.stringList(include, 'paths.include', pathGlob(reader)) ?? policy.include;
  if (exclude !== undefined) policy.exclude = reader.stringList(exclude, 'paths.exclude', pathGlob(reader)) ?? policy.exclude;
}

function readTyposquat(reader: PolicyReader, value: unknown, policy: Policy): void {
  const section = reader.map(value, 'typosquat', ['enabled', 'targets', 'allow']);
  const enabled = givenValue(reader, section, 'enabled');
  const targets = givenValue(reader, section, 'targets');
  const allow = givenValue(reader, section, 'allow');
  if (enabled !== undefined) policy.typosquat.enabled = reader.boolean(enabled, 'typosquat.enabled') ?? policy.typosquat.enabled;
  if (targets !== undefined) policy.typosquat.targets = reader.stringList(targets, 'typosquat.targets', reader.imageGlob) ?? policy.typosquat.targets;
  if (allow !== undefined) policy.typosquat.allow = reader.stringList(allow, 'typosquat.allow', reader.imageGlob) ?? policy.typosquat.allow;
}

/** Seconds in the policy, milliseconds in the Policy. */
function readSeconds(reader: PolicyReader, value: unknown, keyPath: string, bounds: { min: number; max: number }): number | undefined {
  const seconds = reader.number(value, keyPath, { ...bounds, integer: false });
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

function readRegistrySettings(reader: PolicyReader, value: unknown, policy: Policy): void {
  const section = reader.map(value, 'registry', ['concurrency', 'timeout-seconds', 'retries', 'budget-seconds', 'max-retry-after-seconds']);
  const settings = policy.registry;
  const concurrency = givenValue(reader, section, 'concurrency');
  const timeout = givenValue(reader, section, 'timeout-seconds');
  const retries = givenValue(reader, section, 'retries');
  const budget = givenValue(reader, section, 'budget-seconds');
  const retryAfter = givenValue(reader, section, 'max-retry-after-seconds');
  if (concurrency !== undefined) settings.concurrency = reader.number(concurrency, 'registry.concurrency', { min: 1, max: 64, integer: true }) ?? settings.concurrency;
  if (timeout !== undefined) settings.timeoutMs = readSeconds(reader, timeout, 'registry.timeout-seconds', { min: 1, max: 600 }) ?? settings.timeoutMs;
  if (retries !== undefined) settings.retries = reader.number(retries, 'registry.retries', { min: 0, max: 10, integer: true }) ?? settings.retries;
  if (budget !== undefined) settings.budgetMs = readSeconds(reader, budget, 'registry.budget-seconds', { min: 10, max: 6 * 3600 }) ?? settings.budgetMs;
  if (retryAfter !== undefined) {
    settings.maxRetryAfterMs = readSeconds(reader, retryAfter, 'registry.max-retry-after-seconds', { min: 0, max: 300 }) ?? settings.maxRetryAfterMs;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function pathGlob(reader: PolicyReader) {
  return (text: string, node: unknown, keyPath: string): string | undefined => {
    if (text.startsWith('/') || text.split('/').includes('..')) {
      return reader.issue(node, keyPath, `must be a glob relative to the repository root, without "..", e.g. "deploy/**" (got "${text}")`);
    }
    const problem = pathGlobProblem(text);
    if (problem !== undefined) return reader.issue(node, keyPath, `is an ${problem}`);
    return text.startsWith('./') ? text.slice(2) : text;
  };
}

/** `inline-suppressions`: true (every rule), false (none), or the rule ids comments may suppress. */
function readInlineSuppressions(reader: PolicyReader, node: unknown, policy: Policy): void {
  const value = reader.deref(node);
  if (isScalar(value) && typeof value.value === 'boolean') {
    policy.inlineSuppressions = value.value;
    return;
  }
  if (!isSeq(value)) {
    reader.issue(value, 'inline-suppressions', 'must be true, false, or a list of rule ids');
    return;
  }
  const rules = reader.stringList(value, 'inline-suppressions', (text, itemNode, itemPath) => (isRuleId(text) ? text : reader.issue(itemNode, itemPath, `"${text}" is not a verify-images rule`)));
  if (rules !== undefined) policy.inlineSuppressions = rules.filter(isRuleId);
}

function readIgnore(reader: PolicyReader, node: unknown): IgnoreEntry[] {
  const value = reader.deref(node);
  if (!isSeq(value)) {
    reader.issue(value, 'ignore', 'must be a list of entries, each with `rule` and optionally `paths`, `images`, `reason`');
    return [];
  }
  const entries: IgnoreEntry[] = [];
  if (!reader.takeListItems(value, 'ignore', value.items.length)) return [];
  value.items.forEach((itemNode, index) => {
    const keyPath = `ignore[${index}]`;
    const item = reader.map(itemNode, keyPath, ['rule', 'paths', 'images', 'reason']);
    if (!item) return;
    const ruleEntry = item.get('rule');
    if (!ruleEntry || reader.isEmpty(ruleEntry.value)) {
      reader.issue(reader.deref(itemNode), keyPath, 'needs `rule` (a rule id, or "*" for every rule)');
      return;
    }
    const rule = reader.string(ruleEntry.value, `${keyPath}.rule`);
    if (rule === undefined) return;
    if (rule !== '*' && !isRuleId(rule)) {
      reader.issue(reader.deref(ruleEntry.value), `${keyPath}.rule`, `must be a rule id or "*" (got "${rule}")${suggest(rule, RULE_IDS)}`);
      return;
    }
    const paths = item.get('paths');
    const images = item.get('images');
    const reason = item.get('reason');
    const entry: IgnoreEntry = {
      rule,
      paths: paths ? (reader.stringList(paths.value, `${keyPath}.paths`, pathGlob(reader)) ?? []) : [],
      images: images ? (reader.stringList(images.value, `${keyPath}.images`, reader.imageGlob) ?? []) : [],
    };
    if (reason && !reader.isEmpty(reason.value)) {
      const text = reader.string(reason.value, `${keyPath}.reason`);
      if (text !== undefined) entry.reason = text;
    }
    entries.push(entry);
  });
  return entries;
}

function readSignatures(reader: PolicyReader, node: unknown, policy: Policy): void {
  const section = reader.map(node, 'signatures', ['mode', 'trusted-root', 'cluster-image-policies', 'platforms', 'rules']);
  if (!section) return;
  const platforms = section.get('platforms');
  if (platforms && !reader.isEmpty(platforms.value)) {
    const selection = readPlatforms(reader, platforms.value);
    if (selection !== undefined) policy.signatures.platforms = selection;
  }
  const mode = section.get('mode');
  if (mode && !reader.isEmpty(mode.value)) policy.signatures.mode = reader.oneOf(mode.value, 'signatures.mode', MODE_VALUES) ?? policy.signatures.mode;
  const trustedRoot = section.get('trusted-root');
  if (trustedRoot && !reader.isEmpty(trustedRoot.value)) {
    const absolute = reader.repositoryPath(trustedRoot.value, 'signatures.trusted-root');
    if (absolute) policy.signatures.trustedRoot = absolute;
  }
  const cips = section.get('cluster-image-policies');
  if (cips && !reader.isEmpty(cips.value)) {
    const files = reader.stringList(cips.value, 'signatures.cluster-image-policies', (_text, itemNode, keyPath) => reader.repositoryPath(itemNode, keyPath));
    if (files) policy.signatures.clusterImagePolicies = files;
  }
  const rules = section.get('rules');
  if (rules && !reader.isEmpty(rules.value)) {
    const value = reader.deref(rules.value);
    if (!isSeq(value)) {
      reader.issue(value, 'signatures.rules', 'must be a list of rules, each with `images` and one of `keyless`, `key`, `attestation`, `preset`');
      return;
    }
    const parsed: SignatureRule[] = [];
    if (!reader.takeListItems(value, 'signatures.rules', value.items.length)) return;
    value.items.forEach((itemNode, index) => {
      const rule = readSignatureRule(reader, itemNode, `signatures.rules[${index}]`);
      if (rule) parsed.push(rule);
    });
    policy.signatures.rules = parsed;
  }
}

/** `signatures.platforms`: true, false, or a non-empty list of "os/architecture[/variant]". */
function readPlatforms(reader: PolicyReader, node: unknown): boolean | string[] | undefined {
  const value = reader.deref(node);
  const expected = 'must be true, false, or a list of platforms such as ["linux/amd64", "linux/arm64"]';
  if (isScalar(value) && typeof value.value === 'boolean') return value.value;
  if (!isSeq(value)) return reader.issue(value, 'signatures.platforms', `${expected}${isScalar(value) ? ` (got "${String(value.value)}")` : ''}`);
  if (value.items.length === 0) return reader.issue(value, 'signatures.platforms', 'is an empty list: name at least one platform, or write false to check the index digest only');
  const list = reader.stringList(value, 'signatures.platforms', (text, itemNode, keyPath) =>
    PLATFORM_PATTERN.test(text) ? text : reader.issue(itemNode, keyPath, `must be a platform as os/architecture or os/architecture/variant, e.g. "linux/arm64" or "linux/arm/v7" (got "${text}")`),
  );
  return list && list.length === value.items.length ? unique(list) : undefined;
}

function readSignatureRule(reader: PolicyReader, node: unknown, keyPath: string): SignatureRule | undefined {
  const item = reader.map(node, keyPath, ['images', 'keyless', 'key', 'transparency-log', 'attestation', 'preset']);
  if (!item) return undefined;
  const where = reader.deref(node);
  const issuesBefore = reader.issues.length;
  const imagesEntry = item.get('images');
  const images = imagesEntry ? reader.stringList(imagesEntry.value, `${keyPath}.images`, reader.imageGlob) : undefined;
  if (!imagesEntry || (images && images.length === 0 && reader.issues.length === issuesBefore)) {
    reader.issue(where, keyPath, 'needs `images`: a non-empty list of image globs the rule applies to');
  }
  const has = (key: string) => item.has(key) && !reader.isEmpty(item.get(key)!.value);
  if (!has('keyless') && !has('key') && !has('attestation') && !has('preset')) {
    reader.issue(where, keyPath, 'needs one of `keyless`, `key`, `attestation`, `preset`');
  }
  if (has('keyless') && has('key')) reader.issue(item.get('key')!.key, `${keyPath}.key`, 'cannot be combined with `keyless` in one rule; write two rules');
  if (has('preset') && (has('keyless') || has('key'))) {
    reader.issue(item.get('preset')!.key, `${keyPath}.preset`, 'cannot be combined with `keyless` or `key`: a preset names its own signers');
  }
  if (has('transparency-log') && !has('key') && !has('keyless')) {
    reader.issue(item.get('transparency-log')!.key, `${keyPath}.transparency-log`, 'applies only to a rule with `key` or `keyless`');
  }

  const rule: SignatureRule = { images: images ?? [], source: `${reader.label} line ${reader.lineOf(where) ?? 1}` };
  if (has('keyless')) {
    const identity = readKeyless(reader, item.get('keyless')!.value, `${keyPath}.keyless`);
    if (identity) rule.keyless = identity;
  }
  if (has('key')) {
    const key = reader.repositoryPath(item.get('key')!.value, `${keyPath}.key`);
    if (key) rule.key = key;
  }
  if (has('transparency-log')) {
    const tlog = reader.oneOf(item.get('transparency-log')!.value, `${keyPath}.transparency-log`, ['required', 'optional'] as const);
    if (tlog) rule.transparencyLog = tlog;
  }
  if (has('attestation')) {
    const attestation = readAttestation(reader, item.get('attestation')!.value, `${keyPath}.attestation`);
    if (attestation) rule.attestation = attestation;
    // Without a signer the attestation could come from anyone: refuse rather than accept any.
    if (attestation && !attestation.keyless && !attestation.key && !has('keyless') && !has('key') && !has('preset')) {
      reader.issue(item.get('attestation')!.key, `${keyPath}.attestation`, 'names no signer: give `keyless` or `key` under `attestation` (or on the rule)');
    }
  }
  if (has('preset')) {
    const preset = reader.nonEmptyString(item.get('preset')!.value, `${keyPath}.preset`);
    if (preset !== undefined && !PRESET_PATTERN.test(preset)) {
      reader.issue(reader.deref(item.get('preset')!.value), `${keyPath}.preset`, `must be a preset name such as "chainguard" (got "${preset}")`);
    } else if (preset !== undefined && !presetNames().includes(preset)) {
      // An unknown preset would expand to no rule at all: the images it names would go unchecked.
      reader.issue(
        reader.deref(item.get('preset')!.value),
        `${keyPath}.preset`,
        `is not a known preset (got "${preset}")${suggest(preset, presetNames())}`,
      );
    } else if (preset !== undefined) {
      rule.preset = preset;
    }
  }
  return reader.issues.length === issuesBefore ? rule : undefined;
}

function readKeyless(reader: PolicyReader, node: unknown, keyPath: string): KeylessIdentity | undefined {
  const section = reader.map(node, keyPath, ['issuer', 'issuer-regexp', 'subject', 'subject-regexp']);
  if (!section) return undefined;
  const where = reader.deref(node);
  const identity: KeylessIdentity = {};
  const issuer = section.get('issuer');
  const issuerRegExp = section.get('issuer-regexp');
  const subject = section.get('subject');
  const subjectRegExp = section.get('subject-regexp');
  if (issuer) identity.issuer = reader.nonEmptyString(issuer.value, `${keyPath}.issuer`);
  if (issuerRegExp) identity.issuerRegExp = reader.regExp(issuerRegExp.value, `${keyPath}.issuer-regexp`);
  if (subject) identity.subject = reader.nonEmptyString(subject.value, `${keyPath}.subject`);
  if (subjectRegExp) identity.subjectRegExp = reader.regExp(subjectRegExp.value, `${keyPath}.subject-regexp`);
  warnUnanchored(reader, issuerRegExp?.value, identity.issuerRegExp, `${keyPath}.issuer-regexp`);
  warnUnanchored(reader, subjectRegExp?.value, identity.subjectRegExp, `${keyPath}.subject-regexp`);
  // An identity with only an issuer would accept anyone who can get a certificate from it.
  if (!issuer && !issuerRegExp) reader.issue(where, keyPath, 'needs `issuer` or `issuer-regexp`');
  if (!subject && !subjectRegExp) reader.issue(where, keyPath, 'needs `subject` or `subject-regexp`');
  if (issuer && issuerRegExp) reader.issue(issuerRegExp.key, `${keyPath}.issuer-regexp`, 'cannot be combined with `issuer`');
  if (subject && subjectRegExp) reader.issue(subjectRegExp.key, `${keyPath}.subject-regexp`, 'cannot be combined with `subject`');
  for (const key of Object.keys(identity) as Array<keyof KeylessIdentity>) if (identity[key] === undefined) delete identity[key];
  return identity;
}

/**
 * Identity regexps match anywhere in the text, as cosign and policy-controller match them: the
 * semantics stay, but `https://github.com/acme/` also accepts `https://github.com/acmeevil/…`, so
 * a regexp without `^…$` is accepted with a warning (docs/policy.md says why).
 */
function warnUnanchored(reader: PolicyReader, node: unknown, pattern: string | undefined, keyPath: string): void {
  const missing = pattern === undefined ? undefined : missingAnchors(pattern);
  if (pattern === undefined || missing === undefined) return;
  reader.warn(
    reader.deref(node),
    keyPath,
    `is not anchored (no ${missing}): it matches anywhere in the identity, so ${JSON.stringify(pattern)} also accepts identities that merely contain a match; write ^…$ unless that is meant`,
  );
}

function readAttestation(reader: PolicyReader, node: unknown, keyPath: string): SignatureRule['attestation'] {
  const section = reader.map(node, keyPath, ['predicate-type', 'keyless', 'key']);
  if (!section) return undefined;
  const where = reader.deref(node);
  const predicate = section.get('predicate-type');
  if (!predicate || reader.isEmpty(predicate.value)) {
    reader.issue(where, keyPath, 'needs `predicate-type`, e.g. "https://slsa.dev/provenance/v1"');
    return undefined;
  }
  const predicateType = reader.nonEmptyString(predicate.value, `${keyPath}.predicate-type`);
  if (predicateType === undefined) return undefined;
  const attestation: NonNullable<SignatureRule['attestation']> = { predicateType };
  const keyless = section.get('keyless');
  const key = section.get('key');
  if (keyless && key) reader.issue(key.key, `${keyPath}.key`, 'cannot be combined with `keyless`');
  if (keyless) {
    const identity = readKeyless(reader, keyless.value, `${keyPath}.keyless`);
    if (identity) attestation.keyless = identity;
  }
  if (key) {
    const absolute = reader.repositoryPath(key.value, `${keyPath}.key`);
    if (absolute) attestation.key = absolute;
  }
  return attestation;
}
