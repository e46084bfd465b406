/**
 * CircleCI: `.circleci/config.yml` Docker executor images of jobs and executors (also those of
 * orbs written inline), and the images a job's `run` steps pull with `docker run`. `machine.image` names a VM image, not a container: skipped.
 * Parameters (`<< pipeline.parameters.x >>`, `<< parameters.x >>`) take the values the config gives
 * them (circleci-parameters.ts); other `<< pipeline.* >>` values and `$VARIABLES` are only known
 * when the pipeline runs: unresolved.
 */
import { isMap, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, runtimeOnlyResolver, type ImageResolver } from './image-site.js';
import { CircleciParameters, type ParameterScope } from './circleci-parameters.js';
import { scriptImages } from './script-images.js';
import type { ShellWord } from './shell-commands.js';

const CONFIG_FILE = /(?:^|\/)\.circleci\/config\.ya?ml$/;

/** `$VARIABLES` left after the parameters are expanded are environment variables of the job. */
const runtimeVariables = runtimeOnlyResolver('CircleCI');

function resolverFor(parameters: CircleciParameters, scope: ParameterScope | undefined): ImageResolver {
  return (text) =>
    parameters.imageValues(text, scope).flatMap((candidate) =>
      typeof candidate.value === 'string' ? runtimeVariables(candidate.value).map((value) => ({ ...value, note: candidate.note })) : [candidate],
    );
}

function configOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const parameters = new CircleciParameters(document);
  const dockerImages = (owner: unknown, prefix: string, scope: ParameterScope | undefined) => {
    const resolve = resolverFor(parameters, scope);
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
  // A `run` step's command (`- run: cmd`, or `command:` of its map), its parameters substituted before the shell runs.
  const runSteps = (owner: unknown, prefix: string, scope: ParameterScope | undefined) => {
    const resolve = resolverFor(parameters, scope);
    const site = { file: file.path, kind: 'circleci' as const, text: file.text, lines, resolve: (word: ShellWord) => resolve(word.text), shell: { configParameters: true } };
    listItems(document, mergedGet(document, owner, 'steps')).forEach((step, index) => {
      const run = mergedGet(document, step, 'run');
      const command = isMap(run) ? mergedGet(document, run, 'command') : run;
      const context = `${prefix}.steps[${index}].run${isMap(run) ? '.command' : ''}`;
      occurrences.push(...scriptImages({ ...site, node: command, context }));
    });
  };
  for (const [name, job] of mapPairs(document, mergedGet(document, document.contents, 'jobs'))) {
    const scope = parameters.job(name, job);
    dockerImages(job, `jobs.${name}`, scope);
    runSteps(job, `jobs.${name}`, scope);
  }
  for (const [name, executor] of mapPairs(document, mergedGet(document, document.contents, 'executors'))) {
    dockerImages(executor, `executors.${name}`, parameters.executor(name, executor));
  }
  // Inline orbs are maps; orb references (`node: circleci/node@5.2`) are strings and skipped. An orb's
  // parameters are set by the config that uses the orb: not followed.
  for (const [orbName, orb] of mapPairs(document, mergedGet(document, document.contents, 'orbs'))) {
    for (const [name, job] of mapPairs(document, mergedGet(document, orb, 'jobs'))) dockerImages(job, `orbs.${orbName}.jobs.${name}`, undefined);
    for (const [name, executor] of mapPairs(document, mergedGet(document, orb, 'executors'))) dockerImages(executor, `orbs.${orbName}.executors.${name}`, undefined);
  }
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
