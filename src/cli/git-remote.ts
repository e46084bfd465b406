/**
 * The GitHub repository a local clone was cloned from, read from its git config: on the command
 * line GITHUB_REPOSITORY is not set, and without it the owner's own `ghcr.io/<owner>/` images read
 * as look-alikes of the images they mirror. Read here, at the edge, and handed to the scan as
 * GITHUB_REPOSITORY; an Actions job sets that variable itself and never gets here.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A git config larger than this is not a clone's own. */
const MAX_CONFIG_BYTES = 256 * 1024;
/** Directories looked at above the scanned one for the clone's `.git`. */
const MAX_LEVELS = 64;

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_CONFIG_BYTES) return undefined;
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The config file of the clone `dotGit` (a `.git` directory, or a worktree's `.git` file naming its git directory). */
async function configOf(dotGit: string): Promise<string | undefined> {
  const info = await stat(dotGit).catch(() => undefined);
  if (info?.isDirectory()) return path.join(dotGit, 'config');
  if (!info?.isFile()) return undefined;
  const pointer = (await readSmall(dotGit))?.trim();
  if (!pointer?.startsWith('gitdir:')) return undefined;
  const gitDir = path.resolve(path.dirname(dotGit), pointer.slice('gitdir:'.length).trim());
  // A linked worktree keeps its remotes in the main repository's config (`commondir`).
  const common = (await readSmall(path.join(gitDir, 'commondir')))?.trim();
  return path.join(common ? path.resolve(gitDir, common) : gitDir, 'config');
}

/** The `url` of each remote in a git config, by remote name, in the order written. */
export function remoteUrls(config: string): Map<string, string> {
  const urls = new Map<string, string>();
  let remote: string | undefined;
  for (const rawLine of config.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      const header = close < 0 ? '' : line.slice(1, close).trim();
      const space = header.indexOf(' ');
      const section = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const subsection = space < 0 ? '' : header.slice(space + 1).trim();
      remote = section === 'remote' && subsection.length > 2 && subsection.startsWith('"') && subsection.endsWith('"') ? subsection.slice(1, -1) : undefined;
      continue;
    }
    const equals = line.indexOf('=');
    if (remote === undefined || equals < 0 || line.slice(0, equals).trim().toLowerCase() !== 'url' || urls.has(remote)) continue;
    let value = line.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    urls.set(remote, value);
  }
  return urls;
}

/** `owner/name` of a github.com remote URL (https, ssh, git, or scp-like `git@github.com:owner/name.git`); undefined for any other host. */
export function githubRepositoryOfUrl(url: string): string | undefined {
  let host: string;
  let repositoryPath: string;
  if (url.includes('://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    repositoryPath = parsed.pathname;
  } else {
    const colon = url.indexOf(':');
    if (colon < 0) return undefined;
    host = url.slice(url.lastIndexOf('@', colon) + 1, colon);
    repositoryPath = url.slice(colon + 1);
  }
  if (host.toLowerCase() !== 'github.com') return undefined;
  let trimmed = repositoryPath;
  while (trimmed.startsWith('/')) trimmed = trimmed.slice(1);
  while (trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  if (trimmed.endsWith('.git')) trimmed = trimmed.slice(0, -'.git'.length);
  const parts = trimmed.split('/');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '' ? trimmed : undefined;
}

/**
 * The github.com repository (`owner/name`) of the clone holding `directory`: its remote `origin`,
 * or its only remote; undefined when there is no clone, no such remote, or it is on another host.
 */
export async function githubRepositoryOfClone(directory: string): Promise<string | undefined> {
  let current = path.resolve(directory);
  for (let level = 0; level < MAX_LEVELS; level++) {
    const configPath = await configOf(path.join(current, '.git'));
    if (configPath !== undefined) {
      const config = await readSmall(configPath);
      if (config === undefined) return undefined;
      const urls = remoteUrls(config);
      const url = urls.get('origin') ?? (urls.size === 1 ? [...urls.values()][0] : undefined);
      return url === undefined ? undefined : githubRepositoryOfUrl(url);
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}
