/**
 * Travis CI: `.travis.yml`. Jobs run on virtual machines, so the images are the ones their scripts
 * pull with `docker run`/`docker pull`: the lifecycle phases (`before_install` … `after_script`,
 * `before_deploy`, `after_deploy`) at the top, which every job runs, and in each job of
 * `jobs.include` (or `matrix.include`), which runs its own. `$NAME` in a script is filled in from
 * `env`: its `global` assignments, and each entry of the env matrix (a plain `env` list, `env.jobs`
 * or `env.matrix`), one value per job; a job of `include` runs with its own `env`.
 */
import { isMap, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { isScalar, scalarString } from './yaml.js';
import { isNamed } from './file-names.js';
import { listItems, mapPairs, mergedGet, occurrencesOfDocuments, parseConfigDocuments } from './image-site.js';
import { environmentWordValues, scriptListImages } from './script-images.js';
import { assignedName, shellCommands } from './shell-commands.js';

/** The phases whose commands a job runs, in order. */
const PHASES = ['before_install', 'install', 'before_script', 'script', 'after_success', 'after_failure', 'after_script', 'before_deploy', 'after_deploy'];
/** Bound on the jobs of an env matrix read. */
const MAX_MATRIX_JOBS = 64;

type Environment = Map<string, string>;

/**
 * The assignments of one env entry over `base`: a string (`FOO=bar BAZ="a b"`) or a map of names
 * (`- TEST_TARGET: test-debian`); `secure:` entries set nothing readable here.
 */
function assignments(document: Document.Parsed, entry: unknown, base: ReadonlyMap<string, string>): Environment {
  const environment = new Map(base);
  if (isMap(entry)) {
    for (const [name, value] of mapPairs(document, entry)) {
      const text = scalarString(value);
      if (name !== 'secure' && text !== undefined) environment.set(name, text);
    }
    return environment;
  }
  const text = scalarString(entry);
  if (text === undefined) return environment;
  for (const words of shellCommands(text)) {
    for (const word of words) {
      const name = assignedName(word.text);
      if (name !== undefined && !word.expands) environment.set(name, word.text.slice(name.length + 1));
    }
  }
  return environment;
}

/** An env value written as one entry or a list of them, applied in order over `base`. */
function entriesOver(document: Document.Parsed, node: unknown, base: ReadonlyMap<string, string>): Environment {
  const entries = isScalar(node) ? [node] : listItems(document, node);
  return entries.reduce<Environment>((environment, entry) => assignments(document, entry, environment), new Map(base));
}

/** The environments the top-level jobs run with: one per env matrix entry, each over `global`. */
function matrixEnvironments(document: Document.Parsed, env: unknown): { global: Environment; jobs: Environment[] } {
  const listed = isScalar(env) ? [env] : listItems(document, env);
  if (listed.length > 0) return { global: new Map(), jobs: listed.slice(0, MAX_MATRIX_JOBS).map((entry) => assignments(document, entry, new Map())) };
  const global = entriesOver(document, mergedGet(document, env, 'global'), new Map());
  const matrix = mergedGet(document, env, 'jobs') ?? mergedGet(document, env, 'matrix');
  const entries = isScalar(matrix) ? [matrix] : listItems(document, matrix);
  return { global, jobs: entries.slice(0, MAX_MATRIX_JOBS).map((entry) => assignments(document, entry, global)) };
}

function phaseImages(document: Document.Parsed, file: SourceFile, lines: LineIndex, owner: unknown, context: string, environments: Environment[]): Occurrence[] {
  const site = { file: file.path, kind: 'travis' as const, text: file.text, lines, resolve: environmentWordValues('Travis', environments) };
  return PHASES.flatMap((phase) => scriptListImages(document, mergedGet(document, owner, phase), site, context ? `${context}.${phase}` : phase));
}

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const root = document.contents;
  const { global, jobs } = matrixEnvironments(document, mergedGet(document, root, 'env'));
  const occurrences: Occurrence[] = [];
  const included: Environment[] = [];
  for (const key of ['jobs', 'matrix']) {
    listItems(document, mergedGet(document, mergedGet(document, root, key), 'include')).forEach((job, index) => {
      const environment = entriesOver(document, mergedGet(document, job, 'env'), global);
      included.push(environment);
      occurrences.push(...phaseImages(document, file, lines, job, `${key}.include[${index}]`, [environment]));
    });
  }
  // A job of `include` runs the top-level phases it does not replace, with its own env.
  const topLevel = [...(jobs.length > 0 ? jobs : [global]), ...included].slice(0, MAX_MATRIX_JOBS);
  return [...phaseImages(document, file, lines, root, '', topLevel), ...occurrences];
}

export const travisDiscoverer: Discoverer = {
  kind: 'travis',
  matches(path) {
    return isNamed(path, '.travis.yml');
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), pipelineOccurrences);
  },
};
