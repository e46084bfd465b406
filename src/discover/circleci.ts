/**
 * CircleCI: `.circleci/config.yml` and the other configs CircleCI runs (a continuation config beside
 * it, which a setup workflow hands to the continuation API, `.circleci/continue_config.yml` by
 * default; a custom config path such as `circle.yml` at the root), each a 2.x config with jobs or
 * workflows: Docker executor images of jobs and executors (also those of
 * orbs written inline), the images a job's `run` steps pull with `docker run`, and an orb's source as `circleci orb pack` reads it: an executor or job of
 * its own file (`src/executors/default.yml`, `src/jobs/test.yml`, a top-level `docker:` list), its
 * parameters at their declared defaults (a config using the orb may pass others).
 * `machine.image` names a VM image, not a container: skipped.
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
/** Any YAML directly in `.circleci/`, or `circle.yml` at the root: a config when its text says so. */
const OTHER_CONFIG_FILE = /(?:^|\/)\.circleci\/[^/]+\.ya?ml$|^circle\.ya?ml$/;
/** A 2.x config's top-level `version:` and its `jobs:` or `workflows:` (an orb or a 1.0 `circle.yml` has neither pair). */
const CONFIG_VERSION = /^version[ \t]*:[ \t]*['"]?2\b/m;
const CONFIG_RUNS = /^(?:jobs|workflows)[ \t]*:/m;
/** An orb source folder's parts that may name a Docker executor, one per file named after it. */
const ORB_PART_FOLDERS = new Set(['executors', 'jobs']);
/** A top-level `docker:` key: the executor a part declares (anything else in those folders is another tool's). */
const TOP_LEVEL_DOCKER = /^docker[ \t]*:/m;

/** `executors/<name>.yml` or `jobs/<name>.yml`: the part's folder and name, or undefined. */
function orbPartOf(path: string): { folder: string; name: string } | undefined {
  // No split: this runs for every path of a walk (issue 15).
  const slash = path.lastIndexOf('/');
  if (slash < 0) return undefined;
  const folder = path.slice(path.lastIndexOf('/', slash - 1) + 1, slash);
  const file = path.slice(slash + 1);
  const extension = file.endsWith('.yml') ? 4 : file.endsWith('.yaml') ? 5 : 0;
  if (!ORB_PART_FOLDERS.has(folder) || extension === 0 || file.length === extension) return undefined;
  return { folder, name: file.slice(0, -extension) };
}

/** `$VARIABLES` left after the parameters are expanded are environment variables of the job. */
const runtimeVariables = runtimeOnlyResolver('CircleCI');

function resolverFor(parameters: CircleciParameters, scope: ParameterScope | undefined): ImageResolver {
  return (text) =>
    parameters.imageValues(text, scope).flatMap((candidate) =>
      typeof candidate.value === 'string' ? runtimeVariables(candidate.value).map((value) => ({ ...value, note: candidate.note })) : [candidate],
    );
}

/** The Docker images of an executor, job or orb part (`owner`), each resolved in `scope`. */
function dockerImageSites(document: Document.Parsed, file: SourceFile, lines: LineIndex, parameters: CircleciParameters): (owner: unknown, prefix: string, scope: ParameterScope | undefined) => Occurrence[] {
  return (owner, prefix, scope) => {
    const resolve = resolverFor(parameters, scope);
    return listItems(document, mergedGet(document, owner, 'docker')).flatMap((container, index) =>
      occurrencesAtScalar({
        file: file.path,
        kind: 'circleci',
        text: file.text,
        lines,
        node: mergedGet(document, container, 'image'),
        context: `${prefix}.docker[${index}].image`,
        resolve,
      }),
    );
  };
}

function configOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const occurrences: Occurrence[] = [];
  const parameters = new CircleciParameters(document);
  const dockerImages = dockerImageSites(document, file, lines, parameters);
  // A `run` step's command (`- run: cmd`, or `command:` of its map), its parameters substituted before the shell runs.
  const runSteps = (owner: unknown, prefix: string, scope: ParameterScope | undefined) => {
    const resolve = resolverFor(parameters, scope);
    // The steps of a job run on one machine: an image one step builds, a later one runs.
    const site = { file: file.path, kind: 'circleci' as const, text: file.text, lines, resolve: (word: ShellWord) => resolve(word.text), shell: { configParameters: true }, built: new Set<string>() };
    listItems(document, mergedGet(document, owner, 'steps')).forEach((step, index) => {
      const run = mergedGet(document, step, 'run');
      const command = isMap(run) ? mergedGet(document, run, 'command') : run;
      const context = `${prefix}.steps[${index}].run${isMap(run) ? '.command' : ''}`;
      occurrences.push(...scriptImages({ ...site, node: command, context }));
    });
  };
  for (const [name, job] of mapPairs(document, mergedGet(document, document.contents, 'jobs'))) {
    const scope = parameters.job(name, job);
    occurrences.push(...dockerImages(job, `jobs.${name}`, scope));
    runSteps(job, `jobs.${name}`, scope);
  }
  for (const [name, executor] of mapPairs(document, mergedGet(document, document.contents, 'executors'))) {
    occurrences.push(...dockerImages(executor, `executors.${name}`, parameters.executor(name, executor)));
  }
  // Inline orbs are maps; orb references (`node: circleci/node@5.2`) are strings and skipped. An orb's
  // parameters are set by the config that uses the orb: not followed.
  for (const [orbName, orb] of mapPairs(document, mergedGet(document, document.contents, 'orbs'))) {
    for (const [name, job] of mapPairs(document, mergedGet(document, orb, 'jobs'))) occurrences.push(...dockerImages(job, `orbs.${orbName}.jobs.${name}`, undefined));
    for (const [name, executor] of mapPairs(document, mergedGet(document, orb, 'executors'))) occurrences.push(...dockerImages(executor, `orbs.${orbName}.executors.${name}`, undefined));
  }
  return occurrences;
}

/**
 * An orb source part: the file is the executor or job, its parameters declared at its top. Nothing
 * in the file invokes it, so each parameter takes its default, said in the note.
 */
function orbPartOccurrences(part: { folder: string; name: string }, document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const parameters = new CircleciParameters(document);
  const kind = part.folder === 'executors' ? 'executor' : 'job';
  const scope = part.folder === 'executors' ? parameters.executor(part.name, document.contents) : parameters.job(part.name, document.contents);
  const owner = `orb ${kind} ${part.name}`;
  const source = `the defaults ${owner} declares (a config using the orb may pass others)`;
  return dockerImageSites(document, file, lines, parameters)(document.contents, `${part.folder}.${part.name}`, { ...scope, owner, source });
}

/** Whether CircleCI runs `path` as a config: `.circleci/config.yml`, or another config file by its text. */
function isConfig(path: string, text: string): boolean {
  return CONFIG_FILE.test(path) || (OTHER_CONFIG_FILE.test(path) && CONFIG_VERSION.test(text) && CONFIG_RUNS.test(text));
}

export const circleciDiscoverer: Discoverer = {
  kind: 'circleci',
  candidate(path) {
    return CONFIG_FILE.test(path) || OTHER_CONFIG_FILE.test(path) || orbPartOf(path) !== undefined;
  },
  matches(path, text) {
    return isConfig(path, text) || (orbPartOf(path) !== undefined && TOP_LEVEL_DOCKER.test(text));
  },
  extract(file: SourceFile): Extraction {
    const part = isConfig(file.path, file.text) ? undefined : orbPartOf(file.path);
    if (part === undefined) return occurrencesOfDocuments(file, parseConfigDocuments(file), configOccurrences);
    return occurrencesOfDocuments(file, parseConfigDocuments(file), (document, source, lines) => orbPartOccurrences(part, document, source, lines));
  },
};
