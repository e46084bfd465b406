/**
 * The values a Terraform module gives itself: its variables' defaults (`var.x`), over them the
 * `terraform.tfvars` and `*.auto.tfvars` Terraform loads in the same directory, and its `locals`
 * (`local.x`), read from every `.tf` file of the module's directory. An image written from them is
 * evaluated here: a string template's `${var.x}`, a reference, a path into an object
 * (`var.images.web`, `local.images["web"]`); anything Terraform computes (data sources, resources,
 * module outputs, function calls) is unresolved, with the reason.
 */
import type { DiscoverContext } from './types.js';
import { hclTokens, readExpression, readHcl, unescape, type HclToken, type HclValue } from './hcl.js';
import { fillInterpolations } from './hcl-template.js';
import { dirName } from './image-site.js';
import { oncePerScan, perScan } from './per-scan.js';

/** A value with the file it is written in (a module's locals may sit in another file than the image). */
export interface Located {
  value: HclValue;
  file: string;
  text: string;
}

/** `var.x` and `local.x` by name; `module.x`: the `source` of the module call named x (what its outputs come from). */
export type ModuleValues = ReadonlyMap<string, Located>;

/** Bound on the files of one module directory read for its values. */
const MAX_MODULE_FILES = 200;
/** Bound on references followed from one image (`local.a` -> `var.b` -> ...). */
const MAX_HOPS = 8;
/** Bound on the interpolations filled in for one image: templates that each repeat a reference to the next grow exponentially. */
const MAX_INTERPOLATIONS = 1000;

export const isTerraformFile = (path: string): boolean => path.endsWith('.tf');
/** The variable files Terraform loads by itself from the working directory. */
export const isAutoVariablesFile = (path: string): boolean => path.endsWith('/terraform.tfvars') || path === 'terraform.tfvars' || path.endsWith('.auto.tfvars');

function addFileValues(values: Map<string, Located>, file: string, text: string): void {
  const { root } = readHcl(text);
  if (isAutoVariablesFile(file)) {
    for (const [name, tokens] of root.attributes) values.set(`var.${name}`, { value: readExpression(text, tokens), file, text });
    return;
  }
  for (const block of root.blocks) {
    const source = block.type === 'module' && block.labels[0] ? block.attributes.get('source') : undefined;
    if (source?.length) values.set(`module.${block.labels[0]}`, { value: readExpression(text, source), file, text });
    const defaults = block.type === 'variable' && block.labels[0] ? block.attributes.get('default') : undefined;
    // A tfvars value, read first, wins over the default.
    if (defaults && !values.has(`var.${block.labels[0]}`)) values.set(`var.${block.labels[0]}`, { value: readExpression(text, defaults), file, text });
    if (block.type !== 'locals') continue;
    for (const [name, tokens] of block.attributes) values.set(`local.${name}`, { value: readExpression(text, tokens), file, text });
  }
}

const moduleFilesByScan = new WeakMap<DiscoverContext, Map<string, Map<string, string[]>>>();

/** The `.tf` and auto-loaded `.tfvars` files directly in `dir`. */
async function moduleFiles(dir: string, context: DiscoverContext): Promise<string[]> {
  const inDir = (file: string): boolean => dirName(file) === dir && (isTerraformFile(file) || isAutoVariablesFile(file));
  if (context.candidateFilesComplete && context.candidateFiles) {
    // Grouped once per scan: the walk listed every candidate, .tf and .tfvars among them.
    const byDir = oncePerScan(moduleFilesByScan, context, 'dirs', () => {
      const groups = new Map<string, string[]>();
      for (const file of context.candidateFiles ?? []) {
        if (!isTerraformFile(file) && !isAutoVariablesFile(file)) continue;
        const key = dirName(file);
        const group = groups.get(key);
        if (group) group.push(file);
        else groups.set(key, [file]);
      }
      return groups;
    });
    return byDir.get(dir) ?? [];
  }
  return ((await context.listFiles?.(dir === '' ? '.' : dir)) ?? []).filter(inDir);
}

const valuesByScan = new WeakMap<DiscoverContext, Map<string, Promise<ModuleValues>>>();
/**
 * Module directories whose values are kept: the walk lists a directory's files together, so the last
 * few serve every file of a module without keeping every module's texts for the whole scan.
 */
const KEPT_MODULES = 4;

/** The values of the module whose directory holds `path` (read once while its files are read). */
export function moduleValues(path: string, context: DiscoverContext): Promise<ModuleValues> {
  const dir = dirName(path);
  const kept = perScan(valuesByScan, context);
  const known = kept.get(dir);
  if (known) return known;
  const reading = readModuleValues(dir, context);
  kept.set(dir, reading);
  if (kept.size > KEPT_MODULES) kept.delete(kept.keys().next().value as string);
  return reading;
}

async function readModuleValues(dir: string, context: DiscoverContext): Promise<ModuleValues> {
  const values = new Map<string, Located>();
  const files = (await moduleFiles(dir, context)).slice(0, MAX_MODULE_FILES);
  // Variable files first, so their values win over defaults.
  const ordered = [...files.filter(isAutoVariablesFile), ...files.filter((file) => !isAutoVariablesFile(file))];
  for (const file of ordered) {
    const text = await context.readFile(file);
    if (text !== undefined) addFileValues(values, file, text);
  }
  return values;
}

/** A traversal `var.images.web`, `local.images["web"]`, `module.x.y` as its names, or undefined for any other expression. */
export function traversalNames(tokens: readonly HclToken[]): string[] | undefined {
  const [first] = tokens;
  if (first?.kind !== 'word') return undefined;
  const names = first.text.split('.');
  for (let at = 1; at < tokens.length; at++) {
    const token = tokens[at];
    const next = tokens[at + 1];
    if (token.kind === 'punct' && token.text === '.' && next?.kind === 'word') {
      names.push(...next.text.split('.'));
      at++;
    } else if (token.kind === 'punct' && token.text === '[' && (next?.kind === 'string' || next?.kind === 'word') && tokens[at + 2]?.text === ']') {
      names.push(next.kind === 'string' ? unescape(next.text) : next.text);
      at += 2;
    } else {
      return undefined;
    }
  }
  return names.some((name) => name === '') ? undefined : names;
}

/** The tokens of a single-token or unparsed expression (a traversal is one of these). */
export function tokensOf(value: HclValue): readonly HclToken[] {
  if (value.kind === 'literal') return [value.token];
  return value.kind === 'other' ? value.tokens : [];
}

/** What a traversal names: the module value and the path into it, followed through objects. */
function resolveTraversal(names: readonly string[], values: ModuleValues): Located | { unresolved: string } {
  const head = `${names[0]}.${names[1] ?? ''}`;
  const found = values.get(head);
  if (found === undefined) return { unresolved: whyUnknown(names) };
  let current: Located = found;
  for (const name of names.slice(2)) {
    const entry = current.value.kind === 'object' ? current.value.entries.find((candidate) => candidate.key === name) : undefined;
    if (entry === undefined) return { unresolved: `${names.join('.')} is not written in ${head} (its value is computed)` };
    current = { ...current, value: entry.value };
  }
  return current;
}

function whyUnknown(names: readonly string[]): string {
  const written = names.join('.');
  if (names[0] === 'var') return `${written} has no default: it is given when Terraform runs (-var, a .tfvars file, a calling module)`;
  if (names[0] === 'local') return `${written} is not a local of this module`;
  return `${written} is known only when Terraform runs`;
}

/** A value followed through references to what is written (a literal, an object, a call, …), at most MAX_HOPS deep. */
export function followReferences(located: Located, values: ModuleValues): Located | { unresolved: string } {
  let current = located;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const names = traversalNames(tokensOf(current.value));
    if (names === undefined || names.length < 2 || (names[0] !== 'var' && names[0] !== 'local')) return current;
    const next = resolveTraversal(names, values);
    if ('unresolved' in next) return next;
    current = next;
  }
  return { unresolved: 'the references are nested too deeply' };
}

/** The string a value evaluates to when Terraform needs nothing but the module's own values; else why not. */
export function evaluateString(located: Located, values: ModuleValues, hops = 0, budget = { interpolations: MAX_INTERPOLATIONS }): string | { unresolved: string } {
  const followed = followReferences(located, values);
  if ('unresolved' in followed) return followed;
  const { value } = followed;
  if (value.kind === 'literal' && value.token.kind === 'string') return evaluateTemplate(unescape(value.token.text), values, hops, budget);
  const written = followed.text.slice(value.start, Math.min(value.end, value.start + 120));
  if (value.kind === 'call') return { unresolved: `${written} is computed by Terraform (the function ${value.name})` };
  const names = traversalNames(tokensOf(value));
  if (names && names.length >= 2) return { unresolved: whyUnknown(names) };
  return { unresolved: `${written} is evaluated by Terraform` };
}

/** A string template with its `${ }` interpolations filled in from the module's values. */
function evaluateTemplate(template: string, values: ModuleValues, hops: number, budget: { interpolations: number }): string | { unresolved: string } {
  return fillInterpolations(template, (inner) => {
    const names = traversalNames(hclTokens(inner).tokens);
    if (--budget.interpolations < 0) return { unresolved: 'the value takes too many interpolations to fill in' };
    if (names === undefined || hops >= MAX_HOPS) return { unresolved: `\${${inner.trim().slice(0, 120)}} is evaluated by Terraform` };
    const target = resolveTraversal(names, values);
    if ('unresolved' in target) return target;
    return evaluateString(target, values, hops + 1, budget);
  }, { evaluatedBy: 'Terraform' });
}
