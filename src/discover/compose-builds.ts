/**
 * Which compose services build a Dockerfile, and with which build arguments: a service's
 * `build: {context, dockerfile, args}` (or `build: ./dir`) names the Dockerfile it builds, and its
 * `args` replace that Dockerfile's `ARG` defaults. Values are interpolated as Compose does, from
 * the `.env` beside the compose file; an argument whose value needs a variable set nowhere in the
 * repository (the shell of whoever runs compose), also one that is empty for want of it, is left
 * out, and the Dockerfile's default stands.
 */
import { posix } from 'node:path';
import type { Document } from 'yaml';
import { oncePerScan } from './per-scan.js';
import type { DiscoverContext } from './types.js';
import { dirName, listItems, mapPairs, mergedGet, scalarStrings } from './image-site.js';
import { isScalar, isMap, parseYamlDocuments, scalarString, type ParsedYaml } from './yaml.js';
import { parseAndKeep } from './parse-once.js';
import { YAML_FILE, composeContent, hasComposeName, interpolateCompose, parseDotenv, type VariableValue } from './compose.js';
import { templateFileOf } from './template-file.js';

/** A compose file another includes (`include:`), read from its project directory with the variables of its env files. */
interface ComposeInclude {
  path: string;
  projectDirectory: string;
  envFiles: string[];
}

/** One service building one Dockerfile. */
export interface ComposeBuild {
  /** The Dockerfile built, normalized, relative to the scan root. */
  dockerfile: string;
  service: string;
  args: Record<string, string>;
  /** The image the service tags its build with (`image:` beside `build:`), interpolated. */
  image?: string;
}

/** A build, the compose file that writes the service, and the compose file read as the project (`file`, or the one including it). */
type FoundBuild = ComposeBuild & { file: string; project: string };

/** Compose files read to find who builds a Dockerfile; a repository with more is read up to here. */
const MAX_COMPOSE_FILES = 2_000;
/** Usual compose file names looked for beside a Dockerfile and above it, also when the walk listed no files. */
const USUAL_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const MAX_LEVELS = 8;
/** YAML files under other names read per directory for builds. */
const MAX_OTHER_FILES_PER_DIRECTORY = 64;
/** Included files read per compose file. */
const MAX_INCLUDES = 200;

/**
 * A build argument's value as Compose gives it: interpolated, or (no value written) taken from the
 * environment. `${VERSION:-}` with VERSION set nowhere in the repository is the shell's value with
 * the warning silenced (nginx-datadog's examples: their run script exports it): left out like
 * `${VERSION}`, not an empty value that would replace the Dockerfile's default.
 */
function argumentValue(written: string | undefined, variables: Map<string, VariableValue>, name: string): string | undefined {
  if (written === undefined) {
    const value = variables.get(name);
    return typeof value === 'string' ? value : undefined;
  }
  let readsUnset = false;
  const result = interpolateCompose(written, (variable) => {
    const value = variables.get(variable);
    if (value === undefined) readsUnset = true;
    return value;
  });
  if (!result.ok || (result.value === '' && readsUnset)) return undefined;
  return result.value;
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return typeof node.value === 'string' ? node.value : typeof node.value === 'number' || typeof node.value === 'boolean' ? String(node.value) : undefined;
}

/** A service's `build` as written, before interpolation: an argument without a value is taken from the environment. */
interface WrittenBuild {
  service: string;
  image?: string;
  context: string;
  dockerfile: string;
  args: Array<[string, string | undefined]>;
}

/** What a compose file says about building: its services' `build`, and the files it includes. */
interface WrittenFile {
  builds: WrittenBuild[];
  includes: ComposeInclude[];
}

function writtenBuild(document: Document.Parsed, service: string, build: unknown, image: string | undefined): WrittenBuild | undefined {
  const short = scalarString(build);
  if (short !== undefined) return { service, image, context: short, dockerfile: 'Dockerfile', args: [] };
  if (!isMap(build)) return undefined;
  const context = scalarString(mergedGet(document, build, 'context')) ?? '.';
  const dockerfile = scalarString(mergedGet(document, build, 'dockerfile')) ?? 'Dockerfile';
  const args: Array<[string, string | undefined]> = [];
  const argsNode = mergedGet(document, build, 'args');
  for (const [name, value] of mapPairs(document, argsNode)) {
    if (value === null || (isScalar(value) && value.value === null)) args.push([name, undefined]);
    else {
      const written = scalarText(value);
      if (written !== undefined) args.push([name, written]);
    }
  }
  for (const item of listItems(document, argsNode)) {
    const written = scalarText(item);
    if (written === undefined || written === '') continue;
    const equals = written.indexOf('=');
    args.push(equals < 0 ? [written, undefined] : [written.slice(0, equals), written.slice(equals + 1)]);
  }
  return { service, image, context, dockerfile, args };
}

/** `include:` entries, short (`- other/compose.yml`) or long (`path`, `project_directory`, `env_file`), as paths from the root. */
function includesOf(document: Document.Parsed, composePath: string): ComposeInclude[] {
  const includes: ComposeInclude[] = [];
  const here = dirName(composePath);
  const fromHere = (path: string) => posix.normalize(posix.join(here, path));
  for (const entry of listItems(document, mergedGet(document, document.contents, 'include'))) {
    const short = scalarString(entry);
    const paths = short !== undefined ? [short] : scalarStrings(document, mergedGet(document, entry, 'path'));
    if (paths.length === 0 || paths.some((path) => path.includes('://') || path.startsWith('/'))) continue;
    const written = short === undefined ? scalarString(mergedGet(document, entry, 'project_directory')) : undefined;
    const directory = written === undefined ? dirName(fromHere(paths[0])) : fromHere(written);
    const projectDirectory = directory === '.' ? '' : directory;
    const envFiles = short === undefined ? scalarStrings(document, mergedGet(document, entry, 'env_file')).map(fromHere) : [];
    for (const path of paths) includes.push({ path: fromHere(path), projectDirectory, envFiles: envFiles.length > 0 ? envFiles : [posix.join(projectDirectory, '.env')] });
  }
  return includes;
}

function readWritten(composePath: string, text: string, parsed: ParsedYaml = parseYamlDocuments(text)): WrittenFile {
  const file: WrittenFile = { builds: [], includes: [] };
  for (const document of parsed.documents) {
    for (const [service, node] of mapPairs(document, mergedGet(document, document.contents, 'services'))) {
      const build = writtenBuild(document, service, mergedGet(document, node, 'build'), scalarString(mergedGet(document, node, 'image')));
      if (build) file.builds.push(build);
    }
    if (text.includes('include')) file.includes.push(...includesOf(document, composePath));
  }
  return file;
}

/** The Dockerfiles written builds name from a project directory, with their arguments as Compose interpolates them. */
function resolveBuilds(written: WrittenBuild[], projectDirectory: string, variables: Map<string, VariableValue>): ComposeBuild[] {
  const builds: ComposeBuild[] = [];
  const interpolated = (text: string) => {
    const result = interpolateCompose(text, (name) => variables.get(name));
    return result.ok ? result.value : undefined;
  };
  for (const { service, image: writtenImage, context: writtenContext, dockerfile: writtenDockerfile, args: writtenArgs } of written) {
    const context = interpolated(writtenContext);
    const dockerfile = interpolated(writtenDockerfile);
    // A git or URL context, or an absolute path, is not a directory of this repository.
    if (context === undefined || dockerfile === undefined || context.includes('://') || context.startsWith('git@') || context.startsWith('/') || dockerfile.startsWith('/')) continue;
    const args: Record<string, string> = {};
    for (const [name, value] of writtenArgs) {
      const given = argumentValue(value, variables, name);
      if (given !== undefined) args[name] = given;
    }
    const image = writtenImage === undefined ? undefined : interpolated(writtenImage);
    builds.push({ dockerfile: posix.normalize(posix.join(projectDirectory, context, dockerfile)), service, args, ...(image ? { image } : {}) });
  }
  return builds;
}

/**
 * The services of a compose file that build a Dockerfile from a directory of the repository (paths
 * relative to the project directory: the compose file's, or the one an `include` gives), with
 * their arguments (`args` as a map, or `NAME=value` items; `NAME` alone is taken from the environment).
 */
export function composeBuilds(projectDirectory: string, text: string, variables: Map<string, VariableValue>): ComposeBuild[] {
  return resolveBuilds(readWritten('', text).builds, projectDirectory, variables);
}

/** Per scan: the compose files the walk listed, and every build they name by the Dockerfile built. */
const indexes = new WeakMap<DiscoverContext, Promise<{ files: Set<string>; byDockerfile: Map<string, FoundBuild[]> }>>();
/** Per scan: the builds each compose file names. */
const perFile = new WeakMap<DiscoverContext, Map<string, Promise<FoundBuild[]>>>();

function buildsOfFile(path: string, context: DiscoverContext): Promise<FoundBuild[]> {
  return oncePerScan(perFile, context, path, () => readBuilds(path, context));
}

/** Per scan: the variables of each dotenv file read, parsed once. */
const dotenvFiles = new WeakMap<DiscoverContext, Map<string, Promise<Map<string, VariableValue>>>>();

/** The variables of a dotenv file of the repository (none when it is absent). */
function dotenvAt(path: string, context: DiscoverContext): Promise<Map<string, VariableValue>> {
  return oncePerScan(dotenvFiles, context, path, () => context.readFile(path).then((text) => (text === undefined ? new Map() : parseDotenv(text))));
}

/** Per scan: what each compose file read says about building, parsed once. */
const writtenFiles = new WeakMap<DiscoverContext, Map<string, Promise<WrittenFile | undefined>>>();

function writtenFile(path: string, context: DiscoverContext): Promise<WrittenFile | undefined> {
  return oncePerScan(writtenFiles, context, path, () =>
    context.readFile(path).then((text) => {
      // A template builds nothing until rendered; a file that names no `build` or `include` is not parsed.
      if (text === undefined || templateFileOf(path) !== undefined || (!text.includes('build') && !text.includes('include'))) return undefined;
      // A YAML file under another name is read only when its content makes it a compose file.
      if (!hasComposeName(path) && !composeContent(path, text)) return undefined;
      try {
        // The compose discoverer takes this parse when the walk reaches the file (parse-once.ts).
        return readWritten(path, text, parseAndKeep(context, path, text));
      } catch {
        // A compose file that cannot be read builds nothing here; it is reported when it is scanned itself.
        return undefined;
      }
    }),
  );
}

/**
 * The builds of the compose file at `path`, read from its own directory with the `.env` there, and
 * those of the files it includes, each from its project directory with its env files under the
 * including file's variables (which win, as in Compose).
 */
async function readBuilds(path: string, context: DiscoverContext): Promise<FoundBuild[]> {
  const written = await writtenFile(path, context);
  if (written === undefined) return [];
  const directory = dirName(path);
  const variables = await dotenvAt(posix.join(directory, '.env'), context);
  const builds: FoundBuild[] = resolveBuilds(written.builds, directory, variables).map((build) => ({ ...build, file: path, project: path }));
  for (const include of written.includes.slice(0, MAX_INCLUDES)) {
    const included = await writtenFile(include.path, context);
    if (included === undefined || included.builds.length === 0) continue;
    const merged = new Map<string, VariableValue>();
    for (const file of include.envFiles) for (const [name, value] of await dotenvAt(file, context)) merged.set(name, value);
    for (const [name, value] of variables) merged.set(name, value);
    builds.push(...resolveBuilds(included.builds, include.projectDirectory, merged).map((build) => ({ ...build, file: include.path, project: path })));
  }
  return builds;
}

function indexOf(context: DiscoverContext): Promise<{ files: Set<string>; byDockerfile: Map<string, FoundBuild[]> }> {
  let index = indexes.get(context);
  if (!index) {
    index = (async () => {
      const files = new Set((context.candidateFiles ?? []).filter((path) => hasComposeName(path)).slice(0, MAX_COMPOSE_FILES));
      const byDockerfile = new Map<string, FoundBuild[]>();
      for (const file of files) {
        for (const build of await buildsOfFile(file, context)) {
          const list = byDockerfile.get(build.dockerfile) ?? [];
          list.push(build);
          byDockerfile.set(build.dockerfile, list);
        }
      }
      return { files, byDockerfile };
    })();
    indexes.set(context, index);
  }
  return index;
}

/**
 * The services the compose-named files of the repository build without an `image:` beside
 * `build:`, lower-case as compose names their builds (`<project>-<service>`).
 */
export async function composeServicesBuiltUnnamed(context: DiscoverContext): Promise<Set<string>> {
  const { byDockerfile } = await indexOf(context);
  const services = new Set<string>();
  for (const builds of byDockerfile.values()) for (const build of builds) if (build.image === undefined) services.add(build.service.toLowerCase());
  return services;
}

/**
 * The images the services of a compose project build (`image:` beside `build:`), from the project's
 * file and the files it includes: a Dockerfile that project builds pulls none of them from a registry.
 */
export async function composeProjectImages(project: string, context: DiscoverContext): Promise<Array<{ image: string; service: string; file: string }>> {
  return (await buildsOfFile(project, context)).flatMap(({ image, service, file }) => (image === undefined ? [] : [{ image, service, file }]));
}

/** Per scan: the YAML files the walk listed under names compose does not give its files, by directory. */
const otherYamlFiles = new WeakMap<DiscoverContext, Map<string, string[]>>();

/**
 * The YAML files the walk listed in `directory` under other names (`classic.yaml`, `stack.yml`): a
 * compose file under any name builds too. Only the directories of a Dockerfile and those above it
 * are looked at, so a repository of many manifests is not read for them.
 */
function otherYamlFilesIn(directory: string, context: DiscoverContext): string[] {
  let byDirectory = otherYamlFiles.get(context);
  if (!byDirectory) {
    byDirectory = new Map();
    for (const path of context.candidateFiles ?? []) {
      if (hasComposeName(path) || !YAML_FILE.test(path)) continue;
      const list = byDirectory.get(dirName(path)) ?? [];
      if (list.length < MAX_OTHER_FILES_PER_DIRECTORY) list.push(path);
      byDirectory.set(dirName(path), list);
    }
    otherYamlFiles.set(context, byDirectory);
  }
  return byDirectory.get(directory) ?? [];
}

/**
 * The compose services that build the Dockerfile at `dockerfilePath`, with the compose file that
 * names each: the compose-named files the walk listed, the usual compose files beside the
 * Dockerfile and in the directories above it (when only some files are scanned, or none listed),
 * and the compose files under other names the walk listed in those directories.
 */
export async function composeBuildersOf(dockerfilePath: string, context: DiscoverContext): Promise<FoundBuild[]> {
  const { files, byDockerfile } = await indexOf(context);
  const found = [...(byDockerfile.get(dockerfilePath) ?? [])];
  // Every compose-named file of a whole walk is in the index already: looking for more would only ask for absent files.
  const usualNamesIndexed = context.candidateFilesComplete === true && files.size < MAX_COMPOSE_FILES;
  let directory = dirName(dockerfilePath);
  for (let level = 0; level < MAX_LEVELS; level++) {
    const usual = usualNamesIndexed ? [] : USUAL_NAMES.map((name) => (directory ? `${directory}/${name}` : name)).filter((file) => !files.has(file));
    for (const file of [...usual, ...otherYamlFilesIn(directory, context)]) {
      for (const build of await buildsOfFile(file, context)) if (build.dockerfile === dockerfilePath) found.push(build);
    }
    if (directory === '') break;
    directory = dirName(directory);
  }
  return found;
}
