/**
 * Google Cloud Build: `cloudbuild.yaml`/`.yml`/`.json`, `<name>.cloudbuild.yaml`, and `cloudbuild-<name>.yaml`
 * (also `_` or `.` after `cloudbuild`) when it has top-level `steps`; a YAML build config under any other
 * name when no other kind claims it and its content has Cloud Build's shape only. Each step's `name` is the builder image it
 * runs. `images:` lists what the build pushes: those are built here, so they are reported with
 * `local: true` (not checked for pinning, signatures or look-alike names: the build makes them).
 * A step that runs an image an earlier step built (`docker build -t NAME`, `docker tag SRC NAME`,
 * kaniko's `--destination`, a Rockerfile's `TAG`/`PUSH` read from `build -f FILE`, also inside a
 * `bash -c` script), or one `images:` lists, is local too, as compose's `build:` images are.
 * `$_VAR`/`${_VAR}` (and the bash-style operations, see cloudbuild-substitutions.ts) come from the
 * file's `substitutions`; built-in substitutions such as `$PROJECT_ID` exist only when the build runs.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { isMap, isScalar, isSeq, parseYamlDocuments, scalarString } from './yaml.js';
import { expandSubstitutions } from './cloudbuild-substitutions.js';
import { baseName, dirName, listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';
import { normalizeForOccurrence } from '../reference/index.js';

/** `cloudbuild.yaml`, and `<name>.cloudbuild.yaml` as Google's samples name their other build configs (`test.cloudbuild.yaml`). */
const BUILD_FILE = /^cloudbuild\.(?:ya?ml|json)$/;
/**
 * `cloudbuild-<name>.yaml` (`cloudbuild-ndk.yaml`, `cloudbuild_deploy.yaml`, `cloudbuild.prod.yaml`), as many repositories name
 * their other build configs: read when the file has top-level `steps`, since such a name does not say the file is one.
 */
const NAMED_BUILD_FILE = /^cloudbuild[-_.][^/]+\.(?:ya?ml|json)$/;

/** Past spaces and tabs from `index`. */
function pastBlanks(text: string, index: number): number {
  while (text[index] === ' ' || text[index] === '\t') index++;
  return index;
}

/**
 * Whether a line starts with top-level `steps:` (YAML) or `"steps":` after an optional `{` (JSON).
 * A loop over line starts: as a regex (`^[ \t]*\{?[ \t]*"steps"` with the `m` flag), two runs of
 * blanks that can split a line of blanks every way took 2 s for a line of 200,000.
 */
export function hasTopLevelSteps(text: string): boolean {
  for (let start = 0; start <= text.length; start++) {
    if (text.startsWith('steps:', start)) return true;
    let at = pastBlanks(text, start);
    if (text[at] === '{') at = pastBlanks(text, at + 1);
    if (text.startsWith('"steps"', at) && text[pastBlanks(text, at + 7)] === ':') return true;
    // The next line: after a line terminator, as `^` with the `m` flag.
    while (start < text.length && !'\n\r\u2028\u2029'.includes(text[start])) start++;
  }
  return false;
}

/** The top-level keys of a build config and the keys of a step, as Cloud Build's schema names them. */
const BUILD_KEYS = new Set(['steps', 'timeout', 'queueTtl', 'logsBucket', 'options', 'substitutions', 'tags', 'secrets', 'availableSecrets', 'artifacts', 'images', 'serviceAccount']);
const STEP_KEYS = new Set(['name', 'args', 'env', 'dir', 'id', 'waitFor', 'entrypoint', 'secretEnv', 'volumes', 'timeout', 'script', 'allowFailure', 'allowExitCodes', 'automapSubstitutions']);

/**
 * Whether a YAML file under any other name is a build config (`gcloud builds submit --config` takes
 * any file: osv.dev's `deployment/build-and-stage.yaml`): asked only of a file no kind claimed by its
 * name. One document whose keys are all Cloud Build's, with `steps` a list of steps that each name
 * their builder and have only a step's keys: a CI system's steps (`image`, `command`, `task`,
 * `displayName`) do not pass, and a file that does not parse is not claimed.
 */
function isBuildConfigByContent(path: string, text: string): boolean {
  if (!/\.ya?ml$/i.test(path) || !hasTopLevelSteps(text) || !text.includes('name:')) return false;
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length > 0 || parsed.documents.length !== 1) return false;
  const root = parsed.documents[0].contents;
  if (!isMap(root) || !root.items.every((pair) => isScalar(pair.key) && BUILD_KEYS.has(String(pair.key.value)))) return false;
  const steps = root.get('steps', true);
  if (!isSeq(steps) || steps.items.length === 0) return false;
  return steps.items.every(
    (step) => isMap(step) && scalarString(step.get('name', true)) !== undefined && step.items.every((pair) => isScalar(pair.key) && STEP_KEYS.has(String(pair.key.value))),
  );
}

/** Whether a file name is one of Cloud Build's by its name alone. */
function isBuildFileName(name: string): boolean {
  const suffix = name.indexOf('.cloudbuild.');
  return BUILD_FILE.test(name) || (suffix > 0 && BUILD_FILE.test(name.slice(suffix + 1)));
}

function resolverFor(substitutions: Map<string, string>): (text: string) => ImageValue[] {
  return (text) => [expandSubstitutions(text, substitutions)];
}

/** Flags whose next word (or `=value`) names the image a build writes. */
const TAG_FLAGS = new Set(['-t', '--tag', '--destination']);
/** Flags whose next word names the build file. */
const FILE_FLAGS = new Set(['-f', '--file']);
/** Rockerfile instructions that name the image built. */
const ROCKER_NAMING = new Set(['TAG', 'PUSH']);
/** Build files read per Cloud Build file, and their size. */
const MAX_BUILD_FILES = 20;
const MAX_BUILD_FILE_BYTES = 256 * 1024;

/** What one step's arguments build: image names, and the build files they name. */
interface StepBuild {
  names: string[];
  files: string[];
}

/** The words of a step's arguments, scripts (`bash -c '…'`) split on white space, quotes around a word dropped. */
function argumentWords(document: Document.Parsed, step: unknown): string[] {
  const words: string[] = [];
  for (const arg of listItems(document, mergedGet(document, step, 'args'))) {
    const text = scalarString(arg);
    if (text === undefined) continue;
    for (const word of text.split(/\s+/)) {
      const unquoted = word.replace(/^["']|["';]$/g, '');
      if (unquoted !== '') words.push(unquoted);
    }
  }
  return words;
}

/** The images a step's arguments build or tag (`-t NAME`, `--tag=NAME`, `tag SRC NAME`) and the files given with `build -f`. */
function stepBuild(words: string[]): StepBuild {
  const names: string[] = [];
  const files: string[] = [];
  const builds = words.includes('build') || words.includes('bud');
  words.forEach((word, index) => {
    const next = words[index + 1];
    const equals = word.indexOf('=');
    if (equals > 0 && TAG_FLAGS.has(word.slice(0, equals))) names.push(word.slice(equals + 1));
    else if (TAG_FLAGS.has(word) && next !== undefined) names.push(next);
    else if (builds && FILE_FLAGS.has(word) && next !== undefined) files.push(next);
    else if (word === 'tag' && next !== undefined && !next.startsWith('-') && words[index + 2] !== undefined && !words[index + 2].startsWith('-')) names.push(words[index + 2]);
  });
  return { names, files };
}

/** The images a Rockerfile tags or pushes (`TAG name`, `PUSH name`); none for a Dockerfile, which has neither. */
function buildFileNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length === 2 && ROCKER_NAMING.has(words[0].toUpperCase())) names.push(words[1]);
  }
  return names;
}

/** The path of a build file a step names, from the build's source root (the Cloud Build file's folder) and the step's `dir`. */
function buildFilePath(file: SourceFile, dir: string | undefined, name: string): string | undefined {
  const parts = [...dirName(file.path).split('/'), ...(dir ?? '').split('/'), ...name.split('/')].filter((part) => part !== '' && part !== '.');
  if (parts.includes('..') || name.startsWith('/') || name.includes('$')) return undefined;
  return parts.join('/');
}

/** How a name is compared: as a normalized reference when it is one, else as written. */
function nameKey(text: string): string {
  const normalized = normalizeForOccurrence(text);
  return normalized.ok ? normalized.reference : text;
}

function userSubstitutions(document: Document.Parsed): Map<string, string> {
  const substitutions = new Map<string, string>();
  for (const [name, value] of mapPairs(document, mergedGet(document, document.contents, 'substitutions'))) {
    const text = scalarString(value);
    if (text !== undefined && name.startsWith('_')) substitutions.set(name, text);
  }
  return substitutions;
}

/** Each name's key after substitution (as written when a substitution is unknown offline). */
function keysOf(names: string[], resolve: (text: string) => ImageValue[]): string[] {
  return names.flatMap((name) => resolve(name).map((value) => nameKey(typeof value.value === 'string' ? value.value : name)));
}

function buildOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex, buildFiles: ReadonlyMap<string, string>): Occurrence[] {
  const resolve = resolverFor(userSubstitutions(document));
  const site = (node: unknown, context: string, note?: string) =>
    occurrencesAtScalar({ file: file.path, kind: 'cloudbuild', text: file.text, lines, node, context, resolve, local: note !== undefined || undefined, note });
  const pushed = new Set(keysOf(listItems(document, mergedGet(document, document.contents, 'images')).flatMap((image) => scalarString(image) ?? []), resolve));
  const built = new Map<string, number>();
  const occurrences: Occurrence[] = [];
  listItems(document, mergedGet(document, document.contents, 'steps')).forEach((step, index) => {
    const node = mergedGet(document, step, 'name');
    const name = scalarString(node);
    const key = name === undefined ? undefined : keysOf([name], resolve);
    const by = key?.map((one) => built.get(one)).find((step) => step !== undefined);
    const note = by !== undefined ? `built by steps[${by}] of this build` : key?.some((one) => pushed.has(one)) ? 'pushed by this build (built here)' : undefined;
    occurrences.push(...site(node, `steps[${index}].name`, note));
    const { names, files } = stepBuild(argumentWords(document, step));
    const dir = scalarString(mergedGet(document, step, 'dir'));
    for (const buildFile of files) names.push(...buildFileNames(buildFiles.get(buildFilePath(file, dir, buildFile) ?? '') ?? ''));
    for (const one of keysOf(names, resolve)) if (!built.has(one)) built.set(one, index);
  });
  listItems(document, mergedGet(document, document.contents, 'images')).forEach((image, index) => {
    occurrences.push(...site(image, `images[${index}]`, 'pushed by this build (built here)'));
  });
  return occurrences;
}

export const cloudbuildDiscoverer: Discoverer = {
  kind: 'cloudbuild',
  matches(path, text) {
    const name = baseName(path);
    return isBuildFileName(name) || (NAMED_BUILD_FILE.test(name) && hasTopLevelSteps(text));
  },
  matchesContent: isBuildConfigByContent,
  candidate(path) {
    const name = baseName(path);
    return isBuildFileName(name) || NAMED_BUILD_FILE.test(name) || /\.ya?ml$/i.test(name);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    // JSON is YAML, and the YAML parser keeps the positions.
    const parsed = parseConfigDocuments(file, file.path.endsWith('.json') ? 'JSON' : 'YAML');
    const buildFiles = await readBuildFiles(parsed.documents, file, context);
    return occurrencesOfDocuments(file, parsed, (document, source, lines) => buildOccurrences(document, source, lines, buildFiles));
  },
};

/** The build files steps name with `build -f FILE` (a Rockerfile says its image's name inside), read once. */
async function readBuildFiles(documents: Document.Parsed[], file: SourceFile, context: DiscoverContext): Promise<Map<string, string>> {
  const paths = new Set<string>();
  for (const document of documents) {
    for (const step of listItems(document, mergedGet(document, document.contents, 'steps'))) {
      const dir = scalarString(mergedGet(document, step, 'dir'));
      for (const name of stepBuild(argumentWords(document, step)).files) {
        const path = buildFilePath(file, dir, name);
        if (path !== undefined) paths.add(path);
      }
    }
  }
  const texts = new Map<string, string>();
  for (const path of [...paths].slice(0, MAX_BUILD_FILES)) {
    const text = await context.readFile(path);
    if (text !== undefined && text.length <= MAX_BUILD_FILE_BYTES) texts.set(path, text);
  }
  return texts;
}
