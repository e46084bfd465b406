/**
 * GitLab CI `include:` of files of the same repository (`include: path`, `include: {local: path}`,
 * lists of both, `*`/`**` globs), followed from a pipeline file as GitLab merges them: paths are
 * from the repository root, included files may include more, and the whole is bounded (GitLab
 * allows 150 includes). Other kinds of include (`project`, `remote`, `template`, `component`) are
 * outside the repository and are not read: each is a note, since the jobs it defines (and the
 * images they run) are missing from what was checked, as is a local include that is not there.
 */
import picomatch from 'picomatch';
import type { Document } from 'yaml';
import type { DiscoverContext } from './types.js';
import { listItems, mergedGet, scalarStrings } from './image-site.js';
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

/** Kinds of include whose file is outside the repository, as GitLab names them. */
const OUTSIDE_KINDS = ['project', 'remote', 'template', 'component'];
/** Longest include text quoted in a note. */
const MAX_QUOTED = 200;

function includeEntries(document: Document.Parsed): unknown[] {
  const include = mapGet(document.contents, 'include');
  return isMap(include) ? [include] : scalarString(include) !== undefined ? [include] : listItems(document, include);
}

/**
 * What a document includes: the local files as written (paths or globs, normalized to the
 * repository root), and a note for each include this scan cannot read (another project, a URL, a
 * GitLab template or a CI/CD component, or a path built from a variable).
 */
function includesOf(document: Document.Parsed): { local: string[]; notes: string[] } {
  const local: string[] = [];
  const notes: string[] = [];
  for (const entry of includeEntries(document)) {
    const outside = isMap(entry) ? OUTSIDE_KINDS.find((kind) => mergedGet(document, entry, kind) !== undefined) : undefined;
    const written = isMap(entry) ? scalarString(mergedGet(document, entry, outside ?? 'local')) : scalarString(entry);
    if (written === undefined) continue;
    let quoted = JSON.stringify(written.slice(0, MAX_QUOTED));
    if (outside === 'project') {
      // One project may be included several times, a file each time.
      const files = scalarStrings(document, mergedGet(document, entry, 'file'));
      if (files.length > 0) quoted += ` (${files.map((file) => JSON.stringify(file.slice(0, MAX_QUOTED))).join(', ')})`;
    }
    if (outside !== undefined || /^[a-z]+:\/\//i.test(written)) {
      notes.push(`include ${outside ?? 'remote'} ${quoted} is outside the repository: the jobs it defines, and their images, were not read`);
      continue;
    }
    // Variables in a path are only known in a pipeline.
    if (written.includes('$')) {
      notes.push(`include ${quoted} names its file with a variable: the jobs it defines, and their images, were not read`);
      continue;
    }
    const path = written.replace(/^\/+/, '').replace(/^\.\//, '');
    if (path === '' || path.split('/').includes('..')) continue;
    local.push(path);
  }
  return { local, notes };
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
): Promise<{ files: IncludedFile[]; errors: string[]; notes: string[] }> {
  const files: IncludedFile[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  const seen = new Set<string>([from]);
  const pending: string[] = [];
  const follow = (documentsRead: Document.Parsed[], path: string) => {
    for (const document of documentsRead) {
      const { local, notes: unread } = includesOf(document);
      pending.push(...local);
      notes.push(...unread.map((note) => (path === from ? note : `${path}: ${note}`)));
    }
  };
  follow(documents, from);
  let unread: string | undefined;
  while (pending.length > 0 && unread === undefined) {
    const pattern = pending.shift()!;
    for (const path of await expand(pattern, context)) {
      if (seen.has(path)) continue;
      if (files.length >= MAX_INCLUDED_FILES) {
        // Said, not passed over: the jobs of an included file are read nowhere else.
        unread ??= path;
        continue;
      }
      seen.add(path);
      const text = await context.readFile(path);
      if (text === undefined) {
        // GitLab rejects such a pipeline; its jobs (and images) are not in this repository either.
        notes.push(`included file ${path} is not in the repository`);
        continue;
      }
      const parsed = parseYamlDocuments(text);
      for (const error of parsed.errors) errors.push(`included file ${path}: ${error}`);
      files.push({ path, text, parsed });
      follow(parsed.documents, path);
    }
  }
  if (unread !== undefined) errors.push(`included file ${unread} was not read, nor any other past the first ${MAX_INCLUDED_FILES} included files`);
  return { files, errors, notes };
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
