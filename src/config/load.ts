/**
 * Loads the policy: the embedded defaults, overlaid by `.github/verify-images.yml` (or a file the
 * caller names). Every problem in the file is a `ConfigError` naming the file, line and key path;
 * a policy that does not load is never half-applied.
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, visit } from 'yaml';
import { YAML_TOO_DEEP, yamlNestsTooDeeply } from '../yaml-nesting.js';
import { DEFAULT_TRUSTED_IMAGES, DEFAULT_TRUSTED_REGISTRIES } from './trusted-defaults.js';
import type { Policy } from './policy.js';
import { readPolicyDocument, type ConfigIssue } from './schema.js';

export type { ConfigIssue } from './schema.js';

/** Where the policy is looked for when no file is named; the first that exists is used. */
const DEFAULT_POLICY_PATHS = ['.github/verify-images.yml', '.github/verify-images.yaml'];

/** A policy file is a few kilobytes; anything this large is a mistake or an attack. */
const MAX_POLICY_BYTES = 1024 * 1024;
/** YAML aliases (`*name`) one policy may use; each use re-reads what its anchor marks. */
export const MAX_POLICY_ALIASES = 1000;

export class ConfigError extends Error {
  constructor(
    /** The policy file as shown to people (relative to the repository root when inside it). */
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((issue) => `policy ${file}${issue.line ? `:${issue.line}` : ''}: ${issue.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** The policy used when the repository has no policy file. A fresh object each call: callers may modify it. */
export function defaultPolicy(): Policy {
  return {
    trustedImages: [...DEFAULT_TRUSTED_IMAGES],
    trustedRegistries: [...DEFAULT_TRUSTED_REGISTRIES],
    pinning: 'warn',
    severity: {},
    failOn: 'error',
    buildArgs: {},
    include: ['**'],
    exclude: [],
    ignore: [],
    inlineSuppressions: true,
    typosquat: { enabled: true, targets: [], allow: [] },
    insecureRegistries: [],
    registry: { concurrency: 16, timeoutMs: 30_000, retries: 3, budgetMs: 15 * 60_000, maxRetryAfterMs: 10_000 },
    signatures: { mode: 'warn', rules: [] },
    source: 'embedded defaults',
  };
}

/** Issues in file order, so the message reads top to bottom (the validator visits keys by meaning). */
function sortByLine(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/** Whether `file` is inside `root` by its path alone (before symlinks). */
function lexicallyInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Reads the policy text. A policy file inside the repository is repository content: followed
 * through symlinks, it must still be inside (else a repository could have any file the scanner can
 * read parsed and quoted in error messages). A file named outside the repository is the choice of
 * the person running the scan.
 */
async function readPolicyText(file: string, label: string, root: string): Promise<string | undefined> {
  if (lexicallyInside(root, file)) {
    let real: string;
    try {
      real = await realpath(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new ConfigError(label, [{ message: `cannot be read: ${(error as Error).message}` }]);
    }
    const realRoot = await realpath(root).catch(() => root);
    if (!lexicallyInside(realRoot, real)) throw new ConfigError(label, [{ message: 'leads outside the repository (a symbolic link); not read' }]);
  }
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ConfigError(label, [{ message: 'is not a file' }]);
    size = info.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new ConfigError(label, [{ message: `cannot be read: ${(error as Error).message}` }]);
  }
  if (size > MAX_POLICY_BYTES) throw new ConfigError(label, [{ message: `is larger than ${MAX_POLICY_BYTES} bytes` }]);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(label, [{ message: `cannot be read: ${(error as Error).message}` }]);
  }
}

/**
 * Validates policy text and merges it over the embedded defaults. Paths named by the policy are
 * resolved against `root` but not checked on disk (`loadPolicy` does that).
 */
export function parsePolicy(text: string, options: { root: string; label: string }): { policy: Policy; files: Array<{ keyPath: string; line: number; written: string; absolute: string }> } {
  // Measured before the parser composes it (recursively): see yaml-nesting.ts.
  if (yamlNestsTooDeeply(text)) throw new ConfigError(options.label, [{ message: `invalid YAML: ${YAML_TOO_DEEP}` }]);
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const base = defaultPolicy();
  base.source = options.label;
  const problems: ConfigIssue[] = [];
  for (const document of documents) {
    for (const error of document.errors) {
      // The parser appends " at line N, column M:" and a source excerpt; the line goes in the prefix instead.
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      problems.push({ line: error.linePos?.[0].line, message: `invalid YAML: ${message}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(options.label, problems);
  if (documents.length > 1) {
    const second = documents[1].contents?.range?.[0];
    const line = second === undefined ? undefined : text.slice(0, second).split('\n').length;
    throw new ConfigError(options.label, [{ line, message: 'must hold a single YAML document (found a second after `---`)' }]);
  }
  const document = documents[0];
  if (document === undefined || document.contents === null) return { policy: base, files: [] };
  let aliases = 0;
  visit(document, { Alias: () => (++aliases > MAX_POLICY_ALIASES ? visit.BREAK : undefined) });
  if (aliases > MAX_POLICY_ALIASES) throw new ConfigError(options.label, [{ message: `uses more than ${MAX_POLICY_ALIASES} YAML aliases (limit)` }]);
  const result = readPolicyDocument(document, text, { root: options.root, label: `policy ${options.label}`, base });
  if (result.issues.length > 0) throw new ConfigError(options.label, sortByLine(result.issues));
  return { policy: result.policy, files: result.files };
}

/**
 * Loads the policy for a repository. Without `configPath`, the default locations are tried and a
 * missing file means the embedded defaults. A named file (relative paths are resolved against
 * `root`) must exist.
 */
export async function loadPolicy(root: string, configPath?: string): Promise<Policy> {
  const absoluteRoot = path.resolve(root);
  let file: string | undefined;
  let text: string | undefined;
  if (configPath !== undefined) {
    file = path.resolve(absoluteRoot, configPath);
    text = await readPolicyText(file, displayPath(absoluteRoot, file), absoluteRoot);
    if (text === undefined) throw new ConfigError(displayPath(absoluteRoot, file), [{ message: 'does not exist' }]);
  } else {
    for (const candidate of DEFAULT_POLICY_PATHS) {
      const candidateFile = path.join(absoluteRoot, candidate);
      text = await readPolicyText(candidateFile, candidate, absoluteRoot);
      if (text !== undefined) {
        file = candidateFile;
        break;
      }
    }
    if (text === undefined || file === undefined) return defaultPolicy();
  }

  const label = displayPath(absoluteRoot, file);
  const { policy, files } = parsePolicy(text, { root: absoluteRoot, label });

  // Files the policy names must exist and stay inside the repository, symbolic links included.
  const realRoot = await realpath(absoluteRoot).catch(() => absoluteRoot);
  const issues: ConfigIssue[] = [];
  for (const reference of files) {
    try {
      const real = await realpath(reference.absolute);
      const relative = path.relative(realRoot, real);
      if (relative.startsWith('..') || path.isAbsolute(relative)) {
        issues.push({ line: reference.line, keyPath: reference.keyPath, message: `${reference.keyPath} "${reference.written}" leads outside the repository` });
      } else if (!(await stat(real)).isFile()) {
        issues.push({ line: reference.line, keyPath: reference.keyPath, message: `${reference.keyPath} "${reference.written}" is not a file` });
      }
    } catch {
      issues.push({ line: reference.line, keyPath: reference.keyPath, message: `${reference.keyPath} "${reference.written}" does not exist` });
    }
  }
  if (issues.length > 0) throw new ConfigError(label, sortByLine(issues));
  return policy;
}
