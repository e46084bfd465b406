/**
 * Walks a repository for discovery: skips VCS and vendored trees, never leaves the root through a
 * symlink, honours include/exclude globs, reads names with any bytes, and reads files with a
 * bound, never opening anything but a regular file. Reads are synchronous: a walk is thousands of
 * small reads, and one await per read left the event loop idle most of the time (issue 15).
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { compilePathGlobs } from '../config/path-glob.js';
import { decodeText } from './decode.js';
import { trimTrailing } from '../text.js';

/** Directories never descended into: VCS metadata, dependencies and vendored code. */
const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn', 'node_modules', 'vendor', 'third_party', 'bower_components', '.venv', '__pycache__', '.terraform']);

export interface WalkOptions {
  include: string[];
  exclude: string[];
  /** Stop after this many listed files; reaching it is reported as a part of the repository not scanned. No bound by default. */
  maxFiles?: number;
  /** Whether a file could be read by a discoverer, by its path alone; others are not listed (default: every file). */
  isCandidate?: (relativePath: string) => boolean;
}

interface WalkProblem {
  /** POSIX path relative to the root ('.' for the root). */
  file: string;
  message: string;
  /** Part of the repository that may hold images was not looked at (an unreadable directory, the file limit). */
  unscanned?: boolean;
}

export interface WalkResult {
  files: string[];
  /** The bytes of the path for files and directories whose name (or a parent's) is not valid UTF-8 (their shown path escapes the bytes). */
  rawPaths: Map<string, Buffer>;
  problems: WalkProblem[];
}

const DEFAULT_WALK_OPTIONS: WalkOptions = { include: [], exclude: [] };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A name as shown and matched: its UTF-8 text, or with each byte that is not UTF-8 written `\xHH`; `exact` when nothing was escaped. */
function displayName(name: Buffer): { text: string; exact: boolean } {
  try {
    return { text: strictUtf8.decode(name), exact: true };
  } catch {
    let text = '';
    for (let at = 0; at < name.length; at++) {
      if (name[at] < 0x80) {
        text += String.fromCharCode(name[at]);
        continue;
      }
      const length = utf8SequenceLength(name, at);
      if (length > 0) {
        text += name.subarray(at, at + length).toString('utf8');
        at += length - 1;
      } else {
        text += `\\x${name[at].toString(16).padStart(2, '0')}`;
      }
    }
    return { text, exact: false };
  }
}

/** Length of the valid UTF-8 sequence starting at `at`, or 0. */
function utf8SequenceLength(bytes: Buffer, at: number): number {
  for (const length of [2, 3, 4]) {
    if (at + length > bytes.length) break;
    try {
      strictUtf8.decode(bytes.subarray(at, at + length));
      return length;
    } catch {
      // try a longer sequence
    }
  }
  return 0;
}

interface PendingDirectory {
  relative: string;
  /** A string while every name on the way is UTF-8; the raw bytes below a name that is not. */
  absolute: string | Buffer;
}

interface ListedEntry {
  name: string;
  /** The name is its bytes' UTF-8 text (nothing escaped). */
  exact: boolean;
  absolute: string | Buffer;
  entry: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean };
}

/**
 * A directory's entries. Names are read as strings (fast), and again as bytes only when one did
 * not decode (a U+FFFD in it): then the raw bytes are kept so the file can still be opened.
 */
function listDirectory(directory: PendingDirectory): ListedEntry[] {
  if (typeof directory.absolute === 'string') {
    const entries = readdirSync(directory.absolute, { withFileTypes: true });
    if (!entries.some((entry) => entry.name.includes('\ufffd'))) {
      const prefix = directory.absolute.endsWith('/') ? directory.absolute : directory.absolute + '/';
      return entries.map((entry) => ({ name: entry.name, exact: true, absolute: prefix + entry.name, entry }));
    }
  }
  const base = typeof directory.absolute === 'string' ? Buffer.from(directory.absolute) : directory.absolute;
  return readdirSync(base, { withFileTypes: true, encoding: 'buffer' }).map((entry) => {
    const { text, exact } = displayName(entry.name);
    return { name: text, exact, absolute: Buffer.concat([base, Buffer.from('/'), entry.name]), entry };
  });
}

/** Lists files under `root` as POSIX paths relative to it, sorted. */
export async function walkRepository(root: string, options: WalkOptions = DEFAULT_WALK_OPTIONS): Promise<WalkResult> {
  const absoluteRoot = await realpath(root);
  return walkRepositorySync(absoluteRoot, options);
}

export function walkRepositorySync(absoluteRoot: string, options: WalkOptions = DEFAULT_WALK_OPTIONS): WalkResult {
  const includes = options.include.length > 0 ? compilePathGlobs(options.include) : undefined;
  const excludes = options.exclude.length > 0 ? compilePathGlobs(options.exclude) : undefined;
  const isIncluded = (file: string) => includes === undefined || includes.matches(file);
  const isExcluded = (file: string) => excludes !== undefined && excludes.matches(file);
  const isCandidate = options.isCandidate ?? (() => true);
  const maxFiles = options.maxFiles ?? Number.POSITIVE_INFINITY;
  const rootBytes = Buffer.from(absoluteRoot);
  const files: string[] = [];
  const rawPaths = new Map<string, Buffer>();
  const problems: WalkProblem[] = [];
  const seen = new Set<string>();
  const pending: PendingDirectory[] = [{ relative: '', absolute: absoluteRoot }];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    let entries: ListedEntry[];
    try {
      entries = listDirectory(directory);
    } catch (error) {
      problems.push({ file: directory.relative || '.', message: `directory could not be read (${errorCode(error)})`, unscanned: true });
      continue;
    }
    for (const { name, absolute, entry } of entries) {
      const relativePath = directory.relative ? `${directory.relative}/${name}` : name;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(name) || isExcluded(relativePath) || isExcluded(relativePath + '/')) continue;
        pending.push({ relative: relativePath, absolute });
        if (typeof absolute !== 'string') rawPaths.set(relativePath, absolute);
        continue;
      }
      if (!isIncluded(relativePath) || isExcluded(relativePath) || !isCandidate(relativePath)) continue;
      if (entry.isSymbolicLink()) {
        // Follow a link only to a regular file inside the root; directories are never followed (no loops).
        if (!isRegularFileInside(rootBytes, typeof absolute === 'string' ? Buffer.from(absolute) : absolute)) continue;
      } else if (!entry.isFile()) {
        continue; // FIFOs, sockets and devices are never opened
      }
      if (seen.has(relativePath)) {
        problems.push({ file: relativePath, message: 'two files have this name once their bytes are shown; the second was not scanned', unscanned: true });
        continue;
      }
      if (files.length >= maxFiles) {
        problems.push({ file: relativePath, message: `file limit of ${maxFiles} reached; the rest of the repository was not scanned`, unscanned: true });
        return { files: files.sort(), rawPaths, problems };
      }
      seen.add(relativePath);
      files.push(relativePath);
      if (typeof absolute !== 'string') rawPaths.set(relativePath, absolute);
    }
  }
  return { files: files.sort(), rawPaths, problems };
}

function isRegularFileInside(rootBytes: Buffer, absolute: Buffer): boolean {
  try {
    const target = realpathSync.native(absolute, { encoding: 'buffer' });
    if (!isInside(rootBytes, target)) return false;
    return lstatSync(target).isFile();
  } catch {
    return false;
  }
}

function isInside(rootBytes: Buffer, target: Buffer): boolean {
  if (target.equals(rootBytes)) return true;
  return target.length > rootBytes.length && target[rootBytes.length] === 0x2f /* / */ && target.subarray(0, rootBytes.length).equals(rootBytes);
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
export function listFilesUnder(absoluteRoot: string, relativeDirectory: string, maxFiles = MAX_LISTED_FILES): Promise<string[]> {
  return Promise.resolve(listFilesUnderSync(absoluteRoot, relativeDirectory, maxFiles));
}

/** `onIncomplete` is told when the bound or the depth limit left files out. */
export function listFilesUnderSync(absoluteRoot: string, relativeDirectory: string, maxFiles = MAX_LISTED_FILES, onIncomplete?: (reason: string) => void): string[] {
  const normalized = trimTrailing(path.posix.normalize(relativeDirectory === '' ? '.' : relativeDirectory), '/');
  const prefix = normalized === '.' ? '' : normalized;
  const start = resolveInsideSync(absoluteRoot, normalized);
  if (!start || !lstatOrUndefined(start)?.isDirectory()) return [];
  const rootBytes = Buffer.from(absoluteRoot);
  const files: string[] = [];
  const pending: Array<{ relative: string; depth: number }> = [{ relative: prefix, depth: 0 }];
  while (pending.length > 0 && files.length < maxFiles) {
    const { relative, depth } = pending.pop()!;
    const absolute = relative === prefix ? start : path.join(start, relative.slice(prefix === '' ? 0 : prefix.length + 1));
    let entries;
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const entryPath = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (depth < MAX_LISTED_DEPTH) pending.push({ relative: entryPath, depth: depth + 1 });
        else onIncomplete?.(`directories deeper than ${MAX_LISTED_DEPTH} levels were not listed (limit)`);
      } else if (entry.isFile()) {
        files.push(entryPath);
      } else if (entry.isSymbolicLink()) {
        if (isRegularFileInside(rootBytes, Buffer.from(path.join(absolute, entry.name)))) files.push(entryPath);
      }
      if (files.length >= maxFiles) break;
    }
  }
  if (files.length >= maxFiles) onIncomplete?.(`holds ${maxFiles} files or more; only ${maxFiles} were listed for a discoverer (limit)`);
  return files.sort();
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Where to read `relativePath` (POSIX, relative to the root) from, through the raw bytes of its
 * directory when a name on the way is not UTF-8; undefined when it leads outside the root.
 */
export function locateInside(absoluteRoot: string, walk: Pick<WalkResult, 'rawPaths'>, relativePath: string): string | Buffer | undefined {
  const normalized = path.posix.normalize(relativePath);
  const exact = walk.rawPaths.get(normalized);
  const slash = normalized.lastIndexOf('/');
  const directory = slash < 0 ? undefined : walk.rawPaths.get(normalized.slice(0, slash));
  const raw = exact ?? (directory && Buffer.concat([directory, Buffer.from(normalized.slice(slash))]));
  if (raw === undefined) return resolveInsideSync(absoluteRoot, normalized);
  try {
    const target = realpathSync.native(raw, { encoding: 'buffer' });
    return isInside(Buffer.from(absoluteRoot), target) ? target : undefined;
  } catch {
    return undefined;
  }
}

/** The real path of `relativePath` when it stays inside `absoluteRoot`, else undefined. */
export function resolveInside(absoluteRoot: string, relativePath: string): Promise<string | undefined> {
  return Promise.resolve(resolveInsideSync(absoluteRoot, relativePath));
}

function resolveInsideSync(absoluteRoot: string, relativePath: string): string | undefined {
  const normalized = path.posix.normalize(relativePath);
  if (normalized.startsWith('../') || normalized === '..' || path.isAbsolute(normalized)) return undefined;
  const joined = path.join(absoluteRoot, normalized);
  // Where nothing is (a compose file's absent `.env`), the one access() call says so; realpath would fail after an lstat per segment.
  if (!existsSync(joined)) return undefined;
  try {
    const target = realpathSync(joined);
    return target === absoluteRoot || target.startsWith(absoluteRoot + path.sep) ? target : undefined;
  } catch {
    return undefined;
  }
}

export interface ByteReadResult {
  bytes?: Buffer;
  /** Why there are no bytes: too large, not a regular file, unreadable. */
  problem?: string;
  /** Set with `problem` when the only reason is the size bound. */
  tooLarge?: boolean;
  size: number;
}

/** `O_NONBLOCK` makes opening a FIFO return at once (it is then refused as not a regular file). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Files up to this size are read into one reused buffer when the caller decodes them at once. */
const REUSED_BUFFER_BYTES = 1024 * 1024;
let reusedBuffer: Buffer | undefined;

/**
 * A buffer of `length` bytes: a fresh one, or with `reuse` (and a small enough file) a view of the
 * one buffer all such reads share. A walk reads thousands of small files, and a fresh buffer for
 * each, taken from Node's 8 KiB pools, was a new pool every few files and garbage at once (issue 15).
 */
function readBuffer(length: number, reuse: boolean): Buffer {
  if (!reuse || length > REUSED_BUFFER_BYTES) return Buffer.allocUnsafe(length);
  if (reusedBuffer === undefined || reusedBuffer.length < length) reusedBuffer = Buffer.allocUnsafeSlow(Math.min(REUSED_BUFFER_BYTES, Math.max(length, 64 * 1024)));
  return reusedBuffer.subarray(0, length);
}

/**
 * Reads a file's bytes, refusing files over `maxBytes`. The size is the file's own (through a
 * symlink, the target's), measured on the opened descriptor, and reading stops at the bound even
 * if the file grows meanwhile; anything but a regular file (a FIFO would block, a device never end)
 * is refused. With `reuse`, the bytes may be in a buffer the next such read overwrites: the caller
 * decodes (or copies) them before it reads another file.
 */
export function readFileBytes(location: string | Buffer, maxBytes: number, reuse = false): ByteReadResult {
  let descriptor: number;
  try {
    descriptor = openSync(location, OPEN_FLAGS);
  } catch (error) {
    return { size: 0, problem: `file could not be read (${errorCode(error)})` };
  }
  try {
    const stats = fstatSync(descriptor);
    const size = stats.size;
    if (!stats.isFile()) return { size, problem: 'not a regular file' };
    if (size > maxBytes) return { size, problem: `file is ${size} bytes, over the ${maxBytes}-byte limit`, tooLarge: true };
    // One byte more than the size seen, to notice a file that grew after it was measured: its first
    // read then fills the buffer. Once exactly the size seen is read, a further read (for the end of
    // the file) would only tell of growth after this read, as late as any growth after this function.
    const buffer = readBuffer(size + 1, reuse);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(descriptor, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === size) break;
    }
    if (length > size) return { size, problem: 'file changed while being read' };
    return { size, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { size: 0, problem: `file could not be read (${errorCode(error)})` };
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Calls `visit` with successive chunks of a file's text (UTF-8, overlapping by `overlap`
 * characters) until it returns true; for files over the read bound whose kind depends on content.
 * Returns whether a chunk was accepted. Memory stays at one chunk.
 */
export function someChunk(location: string | Buffer, visit: (text: string) => boolean, chunkBytes = 1024 * 1024, overlap = 256): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(location, OPEN_FLAGS);
  } catch {
    return false;
  }
  try {
    if (!fstatSync(descriptor).isFile()) return false;
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    let carry = '';
    for (;;) {
      const bytesRead = readSync(descriptor, buffer, 0, chunkBytes, position);
      if (bytesRead === 0) return false;
      position += bytesRead;
      const text = carry + buffer.subarray(0, bytesRead).toString('utf8');
      if (visit(text)) return true;
      carry = overlap > 0 ? text.slice(-overlap) : '';
    }
  } catch {
    return false;
  } finally {
    closeSync(descriptor);
  }
}

export interface TextReadResult {
  text?: string;
  /** Why there is no text: too large, binary, unreadable. */
  problem?: string;
  size: number;
}

/** Reads and decodes a file (see `readFileBytes` and `decodeText`). */
export function readTextFile(absolutePath: string | Buffer, maxBytes: number): Promise<TextReadResult> {
  return Promise.resolve(readTextFileSync(absolutePath, maxBytes));
}

export function readTextFileSync(absolutePath: string | Buffer, maxBytes: number): TextReadResult {
  const read = readFileBytes(absolutePath, maxBytes, true);
  if (!read.bytes) return { size: read.size, problem: read.problem };
  const decoded = decodeText(read.bytes);
  return 'problem' in decoded ? { size: read.size, problem: decoded.problem } : { size: read.size, text: decoded.text };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
