/**
 * Bitbucket Pipelines: `bitbucket-pipelines.yml`. The default `image`, service images under
 * `definitions.services`, and the `image` of every `step`, wherever steps are written
 * (pipelines, parallel groups, stages, and step anchors under `definitions`), and pipes run from an
 * image (`pipe: docker://...`), and the images a step's `script` pulls with `docker run`. Aliased steps
 * (`- step: *build`) are reported once, where the anchor is written.
 */
import { isMap, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { mapGet, scalarString } from './yaml.js';
import { baseName, imageNodeOf, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, runtimeOnlyResolver } from './image-site.js';
import { scriptListImages } from './script-images.js';
import type { ShellWord } from './shell-commands.js';

const resolve = runtimeOnlyResolver('Bitbucket');
const DOCKER_PREFIX = 'docker://';
/** Bound on nesting (pipelines > branches > pattern > parallel > steps > step ...). */
const MAX_DEPTH = 32;

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const site = (node: unknown, context: string) =>
    occurrences.push(...occurrencesAtScalar({ file: file.path, kind: 'bitbucket', text: file.text, lines, node: imageNodeOf(node, 'name'), context, resolve }));

  // A step's script sees Bitbucket's variables only when it runs.
  const scriptSite = { file: file.path, kind: 'bitbucket' as const, text: file.text, lines, resolve: (word: ShellWord) => resolve(word.text) };

  site(mergedGet(document, document.contents, 'image'), 'image');
  const definitions = mergedGet(document, document.contents, 'definitions');
  for (const [name, service] of mapPairs(document, mergedGet(document, definitions, 'services'))) {
    site(mergedGet(document, service, 'image'), `definitions.services.${name}.image`);
  }

  // Steps are found by walking the written tree; aliases are not followed, so each written step counts once.
  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = scalarString(pair.key) ?? '';
        const childPath = path ? `${path}.${key}` : key;
        if (key === 'step' && isMap(pair.value)) {
          site(mapGet(pair.value, 'image'), `${childPath}.image`);
          for (const scripts of ['script', 'after-script']) occurrences.push(...scriptListImages(document, mapGet(pair.value, scripts), scriptSite, `${childPath}.${scripts}`));
        }
        // A pipe run straight from an image (`- pipe: docker://acct/pipe:1.0`); other pipes name a repository.
        if (key === 'pipe' && scalarString(pair.value)?.startsWith(DOCKER_PREFIX)) {
          occurrences.push(
            ...occurrencesAtScalar({ file: file.path, kind: 'bitbucket', text: file.text, lines, node: pair.value, context: childPath, resolve, prefix: DOCKER_PREFIX }),
          );
        }
        walk(pair.value, childPath, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1));
    }
  };
  walk(mergedGet(document, document.contents, 'pipelines'), 'pipelines', 0);
  walk(definitions, 'definitions', 0);
  return occurrences;
}

export const bitbucketDiscoverer: Discoverer = {
  kind: 'bitbucket',
  matches(path) {
    return baseName(path) === 'bitbucket-pipelines.yml';
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), pipelineOccurrences);
  },
};
