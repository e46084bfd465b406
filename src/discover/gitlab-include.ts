/**
 * GitLab CI `include:` of files of the same repository (`include: path`, `include: {local: path}`,
 * lists of both, `*`/`**` globs), followed from a pipeline file as GitLab merges them: paths are
 * from the repository root, included files may include more, and the whole is bounded (GitLab
 * allows 150 includes). Other kinds of include (`project`, `remote`, `template`, `component`) are
 * outside the repository and are not read.
 */
import picomatch from 'picomatch';
import type { Document } from 'yaml';
import type { DiscoverContext } from './types.js';
import { listItems, mergedGet } from './image-site.js';
import { isMap, mapGet, parseYamlDocuments, scalarString, type ParsedYaml } from './yaml.js';

/** The pipeline GitLab runs by default: the root of the include graph. */
export const ROOT_PIPELINE = '.gitlab-ci.yml';
/** GitLab's own limit on included files per pipeline. */
const MAX_INCLUDED_FILES = 150;
const GLOB_CHARACTERS = /[*?[{]/;

export interface IncludedFile {
  path: string;
  text: string;
  parsed: ParsedYaml;
}

/** The local files a document includes, as written (paths or globs), normalized to the repository root. */
function localIncludes(document: Document.Parsed): string[] {
  const include = mapGet(document.contents, 'include');
  const entries = isMap(include) ? [include] : scalarString(include) !== undefined ? [include] : listItems(document, include);
  const paths: string[] = [];
  for (const entry of entries) {
    const written = isMap(entry) ? scalarString(mergedGet(document, entry, 'local')) : scalarString(entry);
    // A bare string is local unless it is a URL; variables in a path are only known in a pipeline.
    if (written === undefined || /^[a-z]+:\/\//i.test(written) || written.includes('$')) continue;
    const path = written.replace(/^\/+/, '').replace(/^\.\//, '');
    if (path === '' || path.split('/').includes('..')) continue;
    paths.push(path);
  }
  return paths;
}

/** Files matching a written include: the path itself, or the files a glob names. */
async function expand(pattern: string, context: DiscoverContext): Promise<string[]> {
  if (!GLOB_CHARACTERS.test(pattern)) return [pattern];
  if (!context.listFiles) return [];
  const segments = pattern.split('/');
  const fixed = segments.slice(0, segments.findIndex((segment) => GLOB_CHARACTERS.test(segment))).join('/');
  const isMatch = picomatch(pattern, { dot: true });
  return (await context.listFiles(fixed)).filter((path) => isMatch(path) && /\.ya?ml$/i.test(path));
}

/**
 * Every file `documents` include, directly or through other included files, in the order GitLab
 * reads them, each once. Files that cannot be read are left out; parse problems are in `errors`.
 */
export async function followIncludes(
  from: string,
  documents: Document.Parsed[],
  context: DiscoverContext,
): Promise<{ files: IncludedFile[]; errors: string[] }> {
  const files: IncludedFile[] = [];
  const errors: string[] = [];
  const seen = new Set<string>([from]);
  const pending = documents.flatMap(localIncludes);
  while (pending.length > 0 && files.length < MAX_INCLUDED_FILES) {
    const pattern = pending.shift()!;
    for (const path of await expand(pattern, context)) {
      if (seen.has(path) || files.length >= MAX_INCLUDED_FILES) continue;
      seen.add(path);
      const text = await context.readFile(path);
      if (text === undefined) continue;
      const parsed = parseYamlDocuments(text);
      for (const error of parsed.errors) errors.push(`included file ${path}: ${error}`);
      files.push({ path, text, parsed });
      pending.push(...parsed.documents.flatMap(localIncludes));
    }
  }
  return { files, errors };
}

/** The files the root pipeline includes, once per scan (the context is the scan's). */
const includedByRootCache = new WeakMap<DiscoverContext, Promise<Set<string>>>();

/** Whether the repository's root pipeline includes `path` (then its images are reported from there). */
export async function isIncludedByRoot(path: string, context: DiscoverContext): Promise<boolean> {
  let included = includedByRootCache.get(context);
  if (!included) {
    included = (async () => {
      const text = await context.readFile(ROOT_PIPELINE);
      if (text === undefined) return new Set<string>();
      const { files } = await followIncludes(ROOT_PIPELINE, parseYamlDocuments(text).documents, context);
      return new Set(files.map((file) => file.path));
    })();
    includedByRootCache.set(context, included);
  }
  return (await included).has(path);
}
