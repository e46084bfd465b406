/**
 * Amazon ECS task definitions written as JSON: a task definition file (`task-definition.json`,
 * `taskdef.json`, what `aws ecs register-task-definition --cli-input-json` and the
 * `amazon-ecs-deploy-task-definition` action read) with `containerDefinitions[].image`, and the bare
 * list of container definitions a Terraform `aws_ecs_task_definition` reads (terraform.ts). Each
 * container's `privileged` and `user` are read for the least-privilege rules.
 */
import { parseTree, type Node } from 'jsonc-parser';
import type { ContainerConfig, Occurrence, WrittenSetting } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { nestsTooDeeply, TOO_DEEP_JSON } from './json-depth.js';

/** Bound on container definitions read from one task definition (ECS allows 10). */
const MAX_CONTAINERS = 100;

/** One image of a container definition, and how that container is configured, found in JSON text. */
export interface ContainerDefinitionSite {
  /** Offset of the image text (inside its quotes) in the text given. */
  offset: number;
  /** The image as written between its quotes. */
  raw: string;
  /** `containerDefinitions[0]` or `[0]`, and the container's name when it has one. */
  context: string;
  name: string;
  privileged?: { value: boolean; offset: number; raw: string };
  user?: { value: string; offset: number; raw: string };
}

function property(node: Node, key: string): Node | undefined {
  const pair = node.children?.find((child) => child.type === 'property' && child.children?.[0]?.value === key);
  return pair?.children?.[1];
}

/** The text between a string node's quotes, as written. */
function stringText(text: string, node: Node | undefined): string | undefined {
  return node?.type === 'string' ? text.slice(node.offset + 1, node.offset + node.length - 1) : undefined;
}

function containerSite(text: string, container: Node, context: string): ContainerDefinitionSite | undefined {
  const image = property(container, 'image');
  const raw = stringText(text, image);
  if (image === undefined || raw === undefined || raw.trim() === '') return undefined;
  const name = stringText(text, property(container, 'name')) ?? context;
  const site: ContainerDefinitionSite = { offset: image.offset + 1, raw, context: `${context}.image`, name };
  const privileged = property(container, 'privileged');
  if (privileged?.type === 'boolean') site.privileged = { value: privileged.value === true, offset: privileged.offset, raw: String(privileged.value) };
  const user = property(container, 'user');
  const userText = stringText(text, user);
  if (user && userText !== undefined) site.user = { value: userText, offset: user.offset + 1, raw: userText };
  return site;
}

/**
 * The container definitions of JSON text: a task definition's `containerDefinitions` (at the top,
 * or under `taskDefinition` as `aws ecs describe-task-definition` prints it) or a bare list of them.
 * Terraform's interpolations (`${var.x}`) outside strings are read as values (see `maskInterpolations`).
 */
export function containerDefinitionSites(text: string, unread: string[] = []): ContainerDefinitionSite[] {
  const masked = maskInterpolations(text);
  if (nestsTooDeeply(masked)) {
    unread.push(TOO_DEEP_JSON);
    return [];
  }
  const root = parseTree(masked, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return [];
  let list: Node | undefined;
  let prefix = '';
  if (root.type === 'array') list = root;
  else if (root.type === 'object') {
    const described = property(root, 'taskDefinition');
    list = property(root, 'containerDefinitions') ?? (described?.type === 'object' ? property(described, 'containerDefinitions') : undefined);
    prefix = list && property(root, 'containerDefinitions') === undefined ? 'taskDefinition.containerDefinitions' : 'containerDefinitions';
  }
  if (list?.type !== 'array') return [];
  const sites: ContainerDefinitionSite[] = [];
  if ((list.children ?? []).length > MAX_CONTAINERS) unread.push(`more than ${MAX_CONTAINERS} container definitions: the rest were not read`);
  for (const [index, container] of (list.children ?? []).slice(0, MAX_CONTAINERS).entries()) {
    if (container.type !== 'object') continue;
    const site = containerSite(text, container, `${prefix}[${index}]`);
    if (site) sites.push(site);
  }
  return sites;
}

/**
 * The text with each `${ … }` outside a JSON string turned into a number of the same length
 * (`"cpu": ${var.cpu}` in a heredoc or template), and quotes inside one within a string turned into
 * apostrophes (`"${lookup(var.m, "web")}"`), so the JSON parses and offsets stay as written.
 */
function maskInterpolations(text: string): string {
  if (!text.includes('${')) return text;
  const chars = text.split('');
  let inString = false;
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index];
    if (ch === '$' && chars[index + 1] === '{') {
      const end = interpolationEnd(text, index + 2);
      if (end < 0) break;
      for (let at = index; at < end; at++) {
        if (!inString) chars[at] = at === index ? '0' : ' ';
        else if (chars[at] === '"') chars[at] = "'";
      }
      index = end - 1;
    } else if (ch === '\\' && inString) index++;
    else if (ch === '"') inString = !inString;
  }
  return chars.join('');
}

/** The index after the `}` closing an interpolation whose body starts at `from`, braces nested; -1 when none. */
function interpolationEnd(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && depth-- === 0) return index + 1;
  }
  return -1;
}

/** A setting of a container definition at its place in the file. */
function written<T>(lines: LineIndex, setting: { value: T; offset: number; raw: string }): WrittenSetting<T> {
  return { value: setting.value, raw: setting.raw, ...lines.positionAt(setting.offset) };
}

/** The container configuration a container definition writes: `privileged` and `user`; the rest (limits, capabilities) is not read. */
export function containerDefinitionConfig(file: string, kind: 'ecs-task-definition' | 'terraform', lines: LineIndex, site: ContainerDefinitionSite, offset = 0): ContainerConfig {
  const shift = <T>(setting: { value: T; offset: number; raw: string } | undefined): WrittenSetting<T> | undefined =>
    setting === undefined ? undefined : written(lines, { ...setting, offset: setting.offset + offset });
  return {
    file,
    kind,
    name: `container ${site.name}`,
    workload: `container ${site.name}`,
    raw: site.raw,
    ...lines.positionAt(site.offset + offset),
    user: shift(site.user),
    privileged: shift(site.privileged),
    addedCapabilities: [],
    hostNamespaces: [],
    hostPaths: [],
  };
}

/** A JSON string's value from its text between quotes; as written when it is not valid JSON (a masked interpolation). */
export function jsonStringValue(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** A JSON file that may be a task definition, by name alone: every `.json` file, since they are named freely. */
const isJsonPath = (path: string): boolean => path.endsWith('.json') || path.endsWith('.JSON');

export const ecsTaskDefinitionDiscoverer: Discoverer = {
  kind: 'ecs-task-definition',
  candidate: isJsonPath,
  matches(path, text) {
    // The cheap test first: no parse unless the key is written.
    return isJsonPath(path) && text.includes('"containerDefinitions"');
  },
  extract(file: SourceFile): Extraction {
    const lines = new LineIndex(file.text);
    const unread: string[] = [];
    const sites = containerDefinitionSites(file.text, unread);
    const occurrences: Occurrence[] = sites.map((site) =>
      makeOccurrence({ file: file.path, kind: 'ecs-task-definition', lines, offset: site.offset, raw: site.raw, value: jsonStringValue(site.raw), context: site.context }),
    );
    // Only what a container definition says plainly: its user and whether it is privileged.
    const containers = sites.filter((site) => site.user || site.privileged).map((site) => containerDefinitionConfig(file.path, 'ecs-task-definition', lines, site));
    return { occurrences, ...(containers.length > 0 ? { containers } : {}), ...(unread.length > 0 ? { errors: unread } : {}) };
  },
};
