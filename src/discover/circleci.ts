/**
 * CircleCI: `.circleci/config.yml` Docker executor images of jobs and executors (also those of
 * orbs written inline). `machine.image` names a VM image, not a container: skipped.
 * `<< parameters.x >>` and `<< pipeline.* >>` are given per run or per caller: unresolved.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, runtimeOnlyResolver } from './image-site.js';

const CONFIG_FILE = /(?:^|\/)\.circleci\/config\.ya?ml$/;

const resolve = runtimeOnlyResolver('CircleCI', [
  { pattern: /<<\s*[^>]*?\s*>>/, describe: (match) => `CircleCI parameter ${match} is set by the pipeline or the caller of the job` },
]);

function configOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const dockerImages = (owner: unknown, prefix: string) => {
    listItems(document, mergedGet(document, owner, 'docker')).forEach((container, index) => {
      occurrences.push(
        ...occurrencesAtScalar({
          file: file.path,
          kind: 'circleci',
          text: file.text,
          lines,
          node: mergedGet(document, container, 'image'),
          context: `${prefix}.docker[${index}].image`,
          resolve,
        }),
      );
    });
  };
  const section = (root: unknown, prefix: string) => {
    for (const [name, job] of mapPairs(document, mergedGet(document, root, 'jobs'))) dockerImages(job, `${prefix}jobs.${name}`);
    for (const [name, executor] of mapPairs(document, mergedGet(document, root, 'executors'))) dockerImages(executor, `${prefix}executors.${name}`);
  };
  section(document.contents, '');
  // Inline orbs are maps; orb references (`node: circleci/node@5.2`) are strings and skipped.
  for (const [name, orb] of mapPairs(document, mergedGet(document, document.contents, 'orbs'))) section(orb, `orbs.${name}.`);
  return occurrences;
}

export const circleciDiscoverer: Discoverer = {
  kind: 'circleci',
  matches(path) {
    return CONFIG_FILE.test(path);
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), configOccurrences);
  },
};
