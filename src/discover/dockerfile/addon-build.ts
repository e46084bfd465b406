/**
 * Home Assistant add-on build files (`build.yaml`, `build.yml` or `build.json` beside the
 * Dockerfile): the Supervisor and Home Assistant's builder build an add-on once per architecture,
 * with `BUILD_FROM` set to that architecture's `build_from` image (or to the one image written as a
 * string), `BUILD_ARCH` to the architecture, and the file's `args`. An add-on's Dockerfile writes
 * only `ARG BUILD_FROM` / `FROM $BUILD_FROM`, so without this file its base images are unresolved
 * and never checked.
 *
 * Only a file with `build_from` counts: `build.yaml` is a common name, and a file that sets no base
 * image gives a Dockerfile nothing this reader can vouch for.
 */
import { posix } from 'node:path';
import type { Document } from 'yaml';
import type { GivenBuildArgs } from '../devcontainer.js';
import { dirName, mapPairs, mergedGet } from '../image-site.js';
import type { DiscoverContext } from '../types.js';
import { isScalar, parseYamlDocuments } from '../yaml.js';

/** The names the Supervisor looks for, in its order (JSON is read as YAML, of which it is a subset). */
const BUILD_FILES = ['build.yaml', 'build.yml', 'build.json'];
/** A build file larger than this is not an add-on's. */
const MAX_BUILD_FILE_LENGTH = 64 * 1024;
/** Architectures read from one `build_from` map. */
const MAX_ARCHITECTURES = 16;

/** A string value: the Supervisor's schema takes no other (`7` is no image, nor an argument's value). */
function stringValue(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** `args` of a build file: string values only, as the Supervisor's schema allows. */
function argsOf(document: Document.Parsed): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [name, value] of mapPairs(document, mergedGet(document, document.contents, 'args'))) {
    const written = stringValue(value);
    if (written !== undefined) args[name] = written;
  }
  return args;
}

/**
 * The sets of build arguments one build file gives: one per architecture of `build_from`, or only
 * `architecture`'s for the Dockerfile the Supervisor builds for that one (`Dockerfile.<arch>`).
 */
function buildsOf(text: string, file: string, architecture: string | undefined): GivenBuildArgs[] {
  const document = parseYamlDocuments(text).documents.at(0);
  if (document === undefined) return [];
  const buildFrom = mergedGet(document, document.contents, 'build_from');
  if (buildFrom === undefined) return [];
  const args = argsOf(document);
  const single = stringValue(buildFrom);
  if (single !== undefined) return [{ args: { ...args, BUILD_FROM: single }, source: `the build of ${file}` }];
  return mapPairs(document, buildFrom)
    .slice(0, MAX_ARCHITECTURES)
    .flatMap(([arch, value]) => {
      const image = stringValue(value);
      if (image === undefined || (architecture !== undefined && arch !== architecture)) return [];
      return [{ args: { ...args, BUILD_ARCH: arch, BUILD_FROM: image }, source: `the ${arch} build of ${file}` }];
    });
}

/** The builds that a Home Assistant add-on build file beside the Dockerfile at `dockerfilePath` names; none when there is no such file. */
export async function addonBuildArgs(dockerfilePath: string, context: DiscoverContext): Promise<GivenBuildArgs[]> {
  // The Supervisor builds the add-on directory's `Dockerfile`, or its `Dockerfile.<arch>` for that architecture.
  const name = posix.basename(dockerfilePath);
  if (name !== 'Dockerfile' && !name.startsWith('Dockerfile.')) return [];
  const architecture = name === 'Dockerfile' ? undefined : name.slice('Dockerfile.'.length);
  const directory = dirName(dockerfilePath);
  for (const name of BUILD_FILES) {
    const file = directory ? `${directory}/${name}` : name;
    const text = await context.readFile(file);
    if (text === undefined) continue;
    if (text.length > MAX_BUILD_FILE_LENGTH) return [];
    try {
      return buildsOf(text, file, architecture);
    } catch {
      // A build file that cannot be read gives nothing here (the Supervisor falls back to its defaults).
      return [];
    }
  }
  return [];
}
