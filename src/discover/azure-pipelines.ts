/**
 * Azure Pipelines: `azure-pipelines.yml` and files under `.azure-pipelines/`. Job and pipeline
 * `container:` (an image, or `{ image: ... }`) and `resources.containers[*].image`. A `container:`
 * naming a `resources.containers` alias is not an image, nor are `services:` and step `target:`
 * (they name aliases too). `$(var)` and `${{ variables.var }}` are expanded from the file's
 * top-level variables; parameters, runtime expressions and variables defined elsewhere are not.
 *
 * A string `container:` naming an alias declared in another file (a template) cannot be told
 * from an image name and is reported as an image.
 */
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { scalarString } from './yaml.js';
import { listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';

const PIPELINE_FILE = /(?:^|\/)azure-pipelines\.ya?ml$|(?:^|\/)\.azure-pipelines\/[^/]+\.ya?ml$/;
/** Keys whose subtrees name container aliases, not images (resources are read on their own). */
const ALIAS_KEYS = new Set(['resources', 'services', 'target']);
const MAX_DEPTH = 40;
/** `$(name)` macros, `${{ ... }}` template expressions and `$[ ... ]` runtime expressions. */
// A runtime expression may hold brackets (`variables['x']`), so it runs to the last `]`.
const EXPRESSION = /\$\(([^)]*)\)|\$\{\{([\s\S]*?)\}\}|\$\[([\s\S]*)\]/g;

function readVariables(document: Document.Parsed): Map<string, string> {
  const variables = new Map<string, string>();
  const node = mergedGet(document, document.contents, 'variables');
  if (isMap(node)) {
    for (const [name, value] of mapPairs(document, node)) {
      const text = scalarString(value);
      if (text !== undefined) variables.set(name, text);
    }
  } else if (isSeq(node)) {
    // List form: `- name: x` / `value: y`; `- group:` and `- template:` entries are defined elsewhere.
    for (const item of listItems(document, node)) {
      const name = scalarString(mergedGet(document, item, 'name'));
      const value = scalarString(mergedGet(document, item, 'value'));
      if (name !== undefined && value !== undefined) variables.set(name, value);
    }
  }
  return variables;
}

function resolverFor(variables: Map<string, string>): (text: string) => ImageValue[] {
  return (text) => {
    let unresolved: string | undefined;
    const value = text.replace(EXPRESSION, (whole, macro: string | undefined, template: string | undefined) => {
      let name: string | undefined;
      if (macro !== undefined) name = macro.trim();
      else if (template !== undefined) name = /^\s*variables(?:\.([A-Za-z0-9_.]+)|\[\s*'([^']+)'\s*\])\s*$/.exec(template)?.slice(1).find((part) => part !== undefined);
      const known = name === undefined ? undefined : variables.get(name);
      if (known === undefined) {
        unresolved ??= name === undefined
          ? `expression ${whole} is only known when the pipeline runs`
          : `variable ${name} is not defined in this file (it may be set in the pipeline settings or a variable group)`;
        return whole;
      }
      return known;
    });
    return [{ value: unresolved === undefined ? value : { unresolved } }];
  };
}

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const resolve = resolverFor(readVariables(document));
  const site = (node: unknown, context: string) =>
    occurrences.push(...occurrencesAtScalar({ file: file.path, kind: 'azure-pipelines', text: file.text, lines, node, context, resolve }));

  const aliases = new Set<string>();
  listItems(document, mergedGet(document, mergedGet(document, document.contents, 'resources'), 'containers')).forEach((container, index) => {
    const alias = scalarString(mergedGet(document, container, 'container'));
    if (alias !== undefined) aliases.add(alias);
    site(mergedGet(document, container, 'image'), `resources.containers[${index}].image`);
  });

  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (ALIAS_KEYS.has(key)) continue;
        const childPath = path ? `${path}.${key}` : key;
        if (key === 'container') {
          if (isScalar(pair.value)) {
            if (!aliases.has(String(pair.value.value))) site(pair.value, childPath);
          } else if (isMap(pair.value)) {
            site(pair.value.get('image', true), `${childPath}.image`);
          }
          continue;
        }
        walk(pair.value, childPath, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1));
    }
  };
  walk(document.contents, '', 0);
  return occurrences;
}

export const azurePipelinesDiscoverer: Discoverer = {
  kind: 'azure-pipelines',
  matches(path) {
    return PIPELINE_FILE.test(path);
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), pipelineOccurrences);
  },
};
