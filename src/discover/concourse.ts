/**
 * Concourse CI, recognised by content: its files have no fixed name (`ci/pipeline.yml`,
 * `ci/tasks/test.yml`, `pipelines/*.yml` by convention only). A pipeline has top-level `jobs:` beside
 * `resources:` or `resource_types:`; a task file has a top-level `image_resource:`. Their images:
 * - a resource type of type `registry-image` or `docker-image`: the image Concourse runs for every
 *   resource of that type;
 * - a resource of those types: the image a `get` step fetches (a task runs in it with `image:`, or
 *   reads it as an input). One the pipeline only `put`s is the image it publishes, built here (`local`);
 * - a task's `image_resource`, in a task file or a task step's inline `config`: the image the task runs in
 *   (unless the step names an artifact as its `image:`, which replaces it).
 * The image is `source.repository` with `source.tag` and a `version: {digest: ...}` pin, as both
 * resources read them; without a tag they fetch `latest`, which the checks take a missing tag to mean.
 * `((name))` is a Concourse var, filled in when the pipeline is set or from its credential manager.
 */
import { isMap, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { mapGet, scalarString, writtenScalarText } from './yaml.js';
import { listItems, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';

/** The resource types whose `source.repository` names an image. */
const IMAGE_TYPES = new Set(['registry-image', 'docker-image']);
/** Bound on the nesting of steps (`do` > `in_parallel` > `try` > `on_failure` > ...). */
const MAX_DEPTH = 64;
const TASK_FILE_KEY = /^image_resource[ \t]*:/m;
const JOBS_KEY = /^jobs[ \t]*:/m;
const RESOURCES_KEY = /^resource(?:s|_types)[ \t]*:/m;

/** A YAML file's name, tested without a regular expression: this runs for every path of the walk (issue 15). */
function isYamlName(path: string): boolean {
  return path.endsWith('.yml') || path.endsWith('.yaml') || path.endsWith('.YML') || path.endsWith('.YAML');
}

/** The first `((name))` in a text, or undefined. */
function concourseVar(text: string): string | undefined {
  const start = text.indexOf('((');
  if (start < 0) return undefined;
  const end = text.indexOf('))', start + 2);
  return end < 0 ? undefined : text.slice(start, end + 2);
}

interface ImageHolder {
  /** The map with `type`, `source` and perhaps `version` (a resource, resource type or image_resource). */
  node: unknown;
  context: string;
  local?: boolean;
  note?: string;
}

/** The occurrence of a resource-shaped map of an image type: at its repository, with its tag and digest. */
function holderOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, holder: ImageHolder): Occurrence[] {
  if (!IMAGE_TYPES.has(scalarString(mergedGet(document, holder.node, 'type')) ?? '')) return [];
  const source = mergedGet(document, holder.node, 'source');
  const repository = mergedGet(document, source, 'repository');
  // As written: a plain `tag: 1.20` is the tag `1.20`, not the number 1.2.
  const tag = writtenScalarText(mergedGet(document, source, 'tag'), file.text)?.trim();
  const digest = writtenScalarText(mergedGet(document, mergedGet(document, holder.node, 'version'), 'digest'), file.text)?.trim();
  const resolve = (written: string): ImageValue[] => {
    const value = `${written}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    const variable = concourseVar(value);
    if (variable) return [{ value: { unresolved: `${variable} is a Concourse var, filled in when the pipeline is set or from its credential manager` } }];
    return [{ value }];
  };
  return occurrencesAtScalar({ file: file.path, kind: 'concourse', text: file.text, lines, node: repository, context: `${holder.context}.source.repository`, resolve, local: holder.local, note: holder.note });
}

const TOO_DEEP = `steps nest deeper than ${MAX_DEPTH} levels: the image_resource there was not read`;

/** Every map with an `image_resource` (task configs, inline or in a task file), with its path; `unread` says what the bound skipped. */
function imageResources(node: unknown, path: string, depth: number, found: ImageHolder[], reading: { text: string; unread: string[] }): void {
  if (depth > MAX_DEPTH) {
    // Steps nest to any depth (`do`, `in_parallel`, `try`): a task config past the bound is said to be unread, not passed over.
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range && reading.text.slice(range[0], range[1]).includes('image_resource') && reading.unread.length === 0) reading.unread.push(`${TOO_DEEP} (${path})`);
    return;
  }
  if (isMap(node)) {
    // A task step's `image:` (an artifact of the plan) replaces its inline config's image_resource.
    const configOverridden = mapGet(node, 'task') !== undefined && scalarString(mapGet(node, 'image')) !== undefined;
    for (const pair of node.items) {
      const key = scalarString(pair.key) ?? '';
      const childPath = path ? `${path}.${key}` : key;
      if (configOverridden && key === 'config') continue;
      if (key === 'image_resource') found.push({ node: pair.value, context: childPath });
      else imageResources(pair.value, childPath, depth + 1, found, reading);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => imageResources(item, `${path}[${index}]`, depth + 1, found, reading));
  }
}

/** The resources the jobs' steps `get` and `put` (a step's `resource:` names it when the step's own name does not). */
function resourceUses(node: unknown, depth: number, uses: { got: Set<string>; put: Set<string> }): void {
  if (depth > MAX_DEPTH) return;
  if (isMap(node)) {
    const step = (key: 'get' | 'put') => scalarString(mapGet(node, 'resource')) ?? scalarString(mapGet(node, key));
    const got = step('get');
    const put = step('put');
    if (got !== undefined && mapGet(node, 'get') !== undefined) uses.got.add(got);
    if (put !== undefined && mapGet(node, 'put') !== undefined) uses.put.add(put);
    for (const pair of node.items) resourceUses(pair.value, depth + 1, uses);
  } else if (isSeq(node)) {
    for (const item of node.items) resourceUses(item, depth + 1, uses);
  }
}

function documentOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, unread: string[]): Occurrence[] {
  const root = document.contents;
  if (!isMap(root)) return [];
  const holders: ImageHolder[] = [];
  for (const type of listItems(document, mergedGet(document, root, 'resource_types'))) {
    holders.push({ node: type, context: `resource_types.${scalarString(mergedGet(document, type, 'name')) ?? '?'}` });
  }
  const uses = { got: new Set<string>(), put: new Set<string>() };
  resourceUses(mergedGet(document, root, 'jobs'), 0, uses);
  for (const resource of listItems(document, mergedGet(document, root, 'resources'))) {
    const name = scalarString(mergedGet(document, resource, 'name')) ?? '?';
    const published = uses.put.has(name) && !uses.got.has(name);
    holders.push({ node: resource, context: `resources.${name}`, ...(published ? { local: true, note: 'published by this pipeline (put), not fetched by a get step' } : {}) });
  }
  imageResources(root, '', 0, holders, { text: file.text, unread });
  return holders.flatMap((holder) => holderOccurrences(document, file, lines, holder));
}

export const concourseDiscoverer: Discoverer = {
  kind: 'concourse',
  // By content only: no file name says a file is Concourse's.
  matches(path, text) {
    if (!isYamlName(path)) return false;
    // Plain searches first: this is asked of every YAML file read, and few hold either key.
    if (text.includes('image_resource') && TASK_FILE_KEY.test(text)) return true;
    // A pipeline without an image type names no image: Azure Pipelines' templates also have `jobs` and `resources`.
    return (text.includes('registry-image') || text.includes('docker-image')) && JOBS_KEY.test(text) && RESOURCES_KEY.test(text);
  },
  candidate(path) {
    return isYamlName(path);
  },
  extract(file: SourceFile): Extraction {
    const unread: string[] = [];
    const extraction = occurrencesOfDocuments(file, parseConfigDocuments(file), (document, source, lines) => documentOccurrences(document, source, lines, unread));
    return unread.length > 0 ? { ...extraction, errors: [...(extraction.errors ?? []), ...unread] } : extraction;
  },
};
