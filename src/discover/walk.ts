/**
 * Walks a repository for discovery: skips VCS and vendored trees, never leaves the root through a
 * symlink, honours include/exclude globs, and bounds the number and size of files read.
 */
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/** Directories never descended into: VCS metadata, dependencies and vendored code. */
const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn', 'node_modules', 'vendor', 'third_party', 'bower_components', '.venv', '__pycache__', '.terraform']);

export interface WalkOptions {
  include: string[];
  exclude: string[];
  /** Stop after this many files (a report says so). */
  maxFiles: number;
}

export interface WalkResult {
  files: string[];
  /** Set when the walk stopped early or skipped something a user should know about. */
  problems: Array<{ file: string; message: string }>;
}

export const DEFAULT_WALK_OPTIONS: WalkOptions = { include: [], exclude: [], maxFiles: 50_000 };

/** Lists files under `root` as POSIX paths relative to it, sorted. */
export async function walkRepository(root: string, options: WalkOptions = DEFAULT_WALK_OPTIONS): Promise<WalkResult> {
  const absoluteRoot = await realpath(root);
  const isIncluded = options.include.length > 0 ? picomatch(options.include, { dot: true }) : () => true;
  const isExcluded = options.exclude.length > 0 ? picomatch(options.exclude, { dot: true }) : () => false;
  const files: string[] = [];
  const problems: WalkResult['problems'] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relativeDirectory = pending.pop()!;
    let entries;
    try {
      entries = await readdir(path.join(absoluteRoot, relativeDirectory), { withFileTypes: true });
    } catch (error) {
      problems.push({ file: relativeDirectory || '.', message: `directory could not be read: ${(error as Error).message}` });
      continue;
    }
    for (const entry of entries) {
      const relativePath = relativeDirectory ? `${relativeDirectory}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name) || isExcluded(relativePath) || isExcluded(relativePath + '/')) continue;
        pending.push(relativePath);
        continue;
      }
      if (entry.isSymbolicLink()) {
        // Follow a link only to a regular file inside the root; directories are never followed (no loops).
        const target = await resolveInside(absoluteRoot, relativePath);
        if (!target) continue;
        const stats = await lstat(target).catch(() => undefined);
        if (!stats?.isFile()) continue;
      } else if (!entry.isFile()) {
        continue;
      }
      if (!isIncluded(relativePath) || isExcluded(relativePath)) continue;
      if (files.length >= options.maxFiles) {
        problems.push({ file: relativePath, message: `file limit of ${options.maxFiles} reached; the rest of the repository was not scanned` });
        return { files: files.sort(), problems };
      }
      files.push(relativePath);
    }
  }
  return { files: files.sort(), problems };
}

/** Bounds for listing one directory on a discoverer's behalf (a chart's templates, ...). */
export const MAX_LISTED_FILES = 2_000;
const MAX_LISTED_DEPTH = 16;

/**
 * The files under `relativeDirectory` (POSIX, relative to the root, sorted), with the walk's rules:
 * the directory is resolved as `resolveInside` resolves a file to read; below it, directory
 * symlinks are not followed and file symlinks count only when they point at a file inside the
 * root. Empty when the directory is absent, not a directory, or outside the root.
 */
export async function listFilesUnder(absoluteRoot: string, relativeDirectory: string, maxFiles = MAX_LISTED_FILES): Promise<string[]> {
  const normalized = path.posix.normalize(relativeDirectory === '' ? '.' : relativeDirectory).replace(/\/+$/, '');
  const prefix = normalized === '.' ? '' : normalized;
  const start = await resolveInside(absoluteRoot, normalized);
  if (!start || !(await lstat(start).catch(() => undefined))?.isDirectory()) return [];
  const files: string[] = [];
  const pending: Array<{ relative: string; depth: number }> = [{ relative: prefix, depth: 0 }];
  while (pending.length > 0 && files.length < maxFiles) {
    const { relative, depth } = pending.pop()!;
    const absolute = relative === prefix ? start : path.join(start, relative.slice(prefix === '' ? 0 : prefix.length + 1));
    const entries = await readdir(absolute, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const entryPath = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (depth < MAX_LISTED_DEPTH && !SKIPPED_DIRECTORIES.has(entry.name)) pending.push({ relative: entryPath, depth: depth + 1 });
      } else if (entry.isFile()) {
        files.push(entryPath);
      } else if (entry.isSymbolicLink()) {
        const target = await resolveInside(absoluteRoot, entryPath);
        if (target && (await lstat(target).catch(() => undefined))?.isFile()) files.push(entryPath);
      }
      if (files.length >= maxFiles) break;
    }
  }
  return files.sort();
}

/** The real path of `relativePath` when it stays inside `absoluteRoot`, else undefined. */
export async function resolveInside(absoluteRoot: string, relativePath: string): Promise<string | undefined> {
  const normalized = path.posix.normalize(relativePath);
  if (normalized.startsWith('../') || normalized === '..' || path.isAbsolute(normalized)) return undefined;
  try {
    const target = await realpath(path.join(absoluteRoot, normalized));
    return target === absoluteRoot || target.startsWith(absoluteRoot + path.sep) ? target : undefined;
  } catch {
    return undefined;
  }
}

export interface TextReadResult {
  text?: string;
  /** Why there is no text: too large, binary, unreadable. */
  problem?: string;
  size: number;
}

/**
 * Reads a file as UTF-8 text, refusing files over `maxBytes` and binary files. The size is the
 * file's own (through a symlink, the target's), and reading stops at the bound even if the file
 * grows meanwhile; anything but a regular file (a FIFO would block, a device never end) is refused.
 */
export async function readTextFile(absolutePath: string, maxBytes: number): Promise<TextReadResult> {
  let size = 0;
  try {
    const stats = await stat(absolutePath);
    size = stats.size;
    if (!stats.isFile()) return { size, problem: 'not a regular file; not scanned' };
    if (size > maxBytes) return { size, problem: `file is ${size} bytes, over the ${maxBytes}-byte limit; not scanned` };
    const handle = await open(absolutePath, 'r');
    let bytes: Buffer;
    try {
      // One byte more than the size seen, to notice a file that grew after it was measured.
      const buffer = Buffer.allocUnsafe(size + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > size) return { size, problem: 'file changed while being read; not scanned' };
      bytes = buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
    if (bytes.includes(0)) return { size, problem: 'binary file' };
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // positions count from what editors show, after the BOM
    return { size, text };
  } catch (error) {
    return { size, problem: `file could not be read: ${(error as Error).message}` };
  }
}
