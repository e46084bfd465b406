/**
 * Images a CI step's shell script pulls with `docker run`, `docker create` or `docker pull`
 * (shell-commands.ts splits the script, docker-cli.ts reads the command). The script is read where
 * it is written: a literal block (`run: |`), or a one-line scalar without escapes, so each image
 * is at its exact place. A folded block or an escaped string is not read for images (its text is
 * not where the shell sees it), only for what it builds. A literal image that is not a valid reference is not reported: the command
 * fails when it runs, and reading it as an image would only guess. An image the job built or tagged
 * before (`docker build -t app .` then `docker run app`, or `docker compose build` then
 * `docker run <project>-<service>`) is run from the machine, not pulled: it is reported as local,
 * as a compose service's built image is.
 */
import { isScalar, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { normalizeForOccurrence } from '../reference/index.js';
import { composeBuildsServices, dockerBuiltNames, dockerCommandImage } from './docker-cli.js';
import { listItems, MAX_IMAGE_TEXT, type ImageValue, type SiteInput } from './image-site.js';
import { makeOccurrence } from './occurrence.js';
import { shellCommands, type ShellOptions, type ShellWord } from './shell-commands.js';
import { holdsShellExpansion, ScriptVariables, substituteShellNames } from './script-variables.js';

/** Where a script is written (`node`: the YAML scalar holding it), as for an image written in a scalar. */
export interface ScriptSite extends Pick<SiteInput, 'file' | 'kind' | 'text' | 'lines' | 'node' | 'context'> {
  /** The values of an image word that holds an expansion. */
  resolve: (word: ShellWord) => ImageValue[];
  shell?: ShellOptions;
  /**
   * The names of images built or tagged so far in the job (see `builtKeys`), shared by the scripts
   * one job runs in turn (its steps); a script alone starts with none.
   */
  built?: Set<string>;
  /**
   * A word's text with the CI system's own literal variables filled in (a workflow's `env:`), to
   * compare with what the job built: undefined when that leaves it unknown or unchanged.
   */
  expand?: (text: string) => string | undefined;
  /**
   * The services the repository's compose files build without naming their image: after
   * `docker compose build`, the job runs such a service's build as `<project>-<service>`.
   */
  composeServices?: ReadonlySet<string>;
}

/** The key in `built` saying the job ran `docker compose build` (no reference is written so). */
const COMPOSE_BUILT = ' compose build';
/** Before a key in `built`: the job built that tag with an action (`docker/build-push-action`), not in a script. */
export const BUILT_BY_ACTION = ' action ';

/**
 * Whether `text` is the name compose gives a service's build, `<project>-<service>` (or
 * `<project>_<service>` before Compose v2), untagged: one component, so only Docker could publish
 * it under that name (compose-built.ts), and the project is the directory compose runs in.
 */
function isComposeServiceImage(text: string, services: ReadonlySet<string>): boolean {
  const normalized = normalizeForOccurrence(text);
  if (!normalized.ok || normalized.parsed.digest !== undefined || (normalized.parsed.tag ?? 'latest') !== 'latest') return false;
  const { domain, path } = normalized.parsed;
  if (domain !== 'docker.io' || !path.startsWith('library/') || path.indexOf('/') !== path.lastIndexOf('/')) return false;
  const name = path.slice('library/'.length);
  for (let at = 1; at < name.length - 1; at++) {
    if ((name[at] === '-' || name[at] === '_') && services.has(name.slice(at + 1))) return true;
  }
  return false;
}

/** Records what a script builds, for a script whose text is not where the shell sees it (a folded block): it pulls nothing reported. */
function recordBuilds(script: string, site: Pick<ScriptSite, 'shell' | 'composeServices'>, built: Set<string>): void {
  const variables = new ScriptVariables();
  for (const words of shellCommands(script, 0, script.length, site.shell)) {
    variables.record(words);
    for (const name of dockerBuiltNames(words)) for (const key of builtKeys(name, variables)) built.add(key);
    if (site.composeServices && composeBuildsServices(words)) built.add(COMPOSE_BUILT);
  }
}

/** How a built name and a run image are compared: the normalized reference, `:latest` when no tag is written. */
export function builtKey(text: string): string {
  const normalized = normalizeForOccurrence(text);
  if (!normalized.ok) return text;
  const reference = normalized.reference;
  const name = reference.slice(reference.lastIndexOf('/') + 1);
  return name.includes(':') || name.includes('@') ? reference : `${reference}:latest`;
}

/** A word's keys: as written, with the variables the script set before it, and those with the CI system's (`expand`). */
function builtKeys(word: ShellWord, variables: ScriptVariables, expand?: (text: string) => string | undefined): string[] {
  const substituted = variables.substitute(word.text);
  const keys = typeof substituted === 'string' && substituted !== word.text ? [builtKey(word.text), builtKey(substituted)] : [builtKey(word.text)];
  const expanded = expand?.(typeof substituted === 'string' ? substituted : word.text);
  if (expanded !== undefined) keys.push(builtKey(expanded));
  return keys;
}

/** `[start, end)` of a script in the file, where its text is the scalar's value line for line; undefined otherwise. */
function scriptRange(node: unknown, text: string): [number, number] | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, end] = node.range;
  const written = text.slice(start, end);
  switch (node.type) {
    case 'BLOCK_LITERAL': {
      const headerEnd = text.indexOf('\n', start);
      return headerEnd < 0 || headerEnd >= end ? undefined : [headerEnd + 1, end];
    }
    case 'PLAIN':
      return written.includes('\n') ? undefined : [start, end];
    case 'QUOTE_SINGLE':
      return written.includes('\n') || written.slice(1, -1).includes("''") ? undefined : [start + 1, end - 1];
    case 'QUOTE_DOUBLE':
      return written.includes('\n') || written.includes('\\') ? undefined : [start + 1, end - 1];
    default:
      return undefined;
  }
}

/** Whether a literal word is an image reference (or a placeholder), not some other word read as one. */
function isReference(text: string): boolean {
  const normalized = normalizeForOccurrence(text);
  return normalized.ok || (normalized.placeholders?.length ?? 0) > 0;
}

/** The values of an image word holding an expansion: the script's own variables first, then the system's. */
function wordValues(word: ShellWord, variables: ScriptVariables, site: Pick<ScriptSite, 'resolve'>): ImageValue[] {
  const substituted = variables.substitute(word.text);
  if (typeof substituted !== 'string') return [{ value: substituted }];
  if (substituted === word.text) return site.resolve(word);
  const note = 'with variables the script sets before it';
  if (!substituted.includes('$') && !substituted.includes('`')) return [{ value: substituted, note }];
  return site.resolve({ ...word, text: substituted }).map((value) => ({ ...value, note: value.note ? `${note}; ${value.note}` : note }));
}

/** The occurrences of the images a script written in a YAML scalar pulls. */
export function scriptImages(site: ScriptSite): Occurrence[] {
  const range = scriptRange(site.node, site.text);
  if (range !== undefined) return scriptRangeImages({ ...site, range });
  // What a folded script builds, a later step of the job runs.
  if (site.built && isScalar(site.node) && typeof site.node.value === 'string') recordBuilds(site.node.value, site, site.built);
  return [];
}

/** The occurrences of the images the script written at `range` of the file pulls (its text as the shell reads it). */
export function scriptRangeImages(site: Omit<ScriptSite, 'node'> & { range: readonly [number, number] }): Occurrence[] {
  const { range } = site;
  const occurrences: Occurrence[] = [];
  const variables = new ScriptVariables();
  const built = site.built ?? new Set<string>();
  for (const words of shellCommands(site.text, range[0], range[1], site.shell)) {
    variables.record(words);
    for (const name of dockerBuiltNames(words)) for (const key of builtKeys(name, variables)) built.add(key);
    if (site.composeServices && composeBuildsServices(words)) built.add(COMPOSE_BUILT);
    const image = dockerCommandImage(words);
    if (image === undefined) continue;
    const { word } = image;
    if (word.text.length > MAX_IMAGE_TEXT || (!word.expands && !isReference(word.text))) continue;
    const offset = word.quoted ? word.start + 1 : word.start;
    const raw = site.text.slice(offset, word.quoted ? word.end - 1 : word.end);
    const values = word.expands ? wordValues(word, variables, site) : [{ value: word.text }];
    const byCompose = !word.expands && built.has(COMPOSE_BUILT) && site.composeServices !== undefined && isComposeServiceImage(word.text, site.composeServices);
    const keys = builtKeys(word, variables, site.expand);
    const local = byCompose || keys.some((key) => built.has(key));
    const byAction = !byCompose && keys.some((key) => built.has(BUILT_BY_ACTION + key));
    const builder = byCompose ? '`docker compose build`' : byAction ? '`docker/build-push-action` or `docker/bake-action`' : '`docker build`, `docker tag` or `docker commit`';
    for (const value of values) {
      const how = local ? `run by \`${image.command}\` in the script, built by ${builder} before it` : `pulled by \`${image.command}\` in the script`;
      const note = `${how}${value.note ? `; ${value.note}` : ''}`;
      occurrences.push(makeOccurrence({ file: site.file, kind: site.kind, lines: site.lines, offset, raw, value: value.value, context: site.context, note, local }));
    }
  }
  return occurrences;
}

/**
 * The images the scripts of `node` pull: one script, or a list of them (nested lists flattened,
 * as GitLab and Bitbucket run them), each item's context `<context>[index]`.
 */
export function scriptListImages(document: Document.Parsed, node: unknown, site: Omit<ScriptSite, 'node' | 'context'>, context: string): Occurrence[] {
  if (isScalar(node)) return scriptImages({ ...site, node, context });
  const items = listItems(document, node).flatMap((item) => (isSeq(item) ? listItems(document, item) : [item]));
  // The items run one after the other in one shell: what one builds, a later one runs.
  const shared = { ...site, built: site.built ?? new Set<string>() };
  return items.flatMap((item, index) => scriptImages({ ...shared, node: item, context: `${context}[${index}]` }));
}

/** Bound on the values one word takes over a CI system's environment matrix. */
const MAX_ENV_VALUES = 32;

/**
 * The values of a script's image word for a CI system that gives the shell literal variables from its
 * file: one environment (Semaphore's `env_vars`), or one per job of a matrix (Travis' `env` list), each
 * distinct value once. An expansion an environment does not set is known only when that job runs.
 */
export function environmentWordValues(system: string, environments: ReadonlyArray<ReadonlyMap<string, string>>): (word: ShellWord) => ImageValue[] {
  const note = environments.length > 1 ? `one value of the ${system} environment matrix` : undefined;
  return (word) => {
    const values = new Map<string, ImageValue>();
    let unknown: ImageValue | undefined;
    for (const environment of environments.length > 0 ? environments : [new Map<string, string>()]) {
      const substituted = substituteShellNames(word.text, (name) => environment.get(name));
      if (typeof substituted !== 'string') unknown ??= { value: substituted };
      else if (holdsShellExpansion(substituted)) unknown ??= { value: { unresolved: `the shell expands ${word.text} when the job runs (a ${system} variable, or one set outside this file)` } };
      else if (!values.has(substituted)) values.set(substituted, { value: substituted, note });
      if (values.size >= MAX_ENV_VALUES) break;
    }
    // A job whose environment leaves the word unknown is reported too, beside the values the others give.
    return unknown ? [...values.values(), unknown] : [...values.values()];
  };
}
