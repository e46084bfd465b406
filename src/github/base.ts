/**
 * The images of a pull request's base commit, for the supply-chain delta: the commit is fetched when
 * the checkout lacks it, checked out into a temporary worktree, discovered, and the worktree removed.
 * Git runs through @actions/exec; any failure becomes a note in the report, never a failed step.
 */
import { rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getExecOutput, type ExecOutput, type ExecOptions } from '@actions/exec';
import type { Policy } from '../config/policy.js';
import { discoverRepository, type DiscoverOptions } from '../discover/index.js';
import type { Occurrence } from '../model.js';

export type GitRunner = (commandLine: string, args?: string[], options?: ExecOptions) => Promise<ExecOutput>;

export interface BaseScanOptions {
  /** The scanned directory of the head checkout (inside a git work tree). */
  root: string;
  /** The base commit (the pull request's `base.sha`). */
  baseSha: string;
  /** The same discovery options as the head scan, so both sides are read alike (given the base's policy when it was read). */
  discover: DiscoverOptions | ((basePolicy: Policy | undefined) => DiscoverOptions);
  /**
   * Reads the policy at the base commit (its directory is the scanned directory there), for
   * `policy-source: base`. A throw is kept as `policyError`; the occurrences are still read.
   */
  readPolicy?: (baseRoot: string) => Promise<Policy>;
  /** @actions/exec's getExecOutput; injectable for tests. */
  git?: GitRunner;
  log?: (message: string) => void;
}

export type BaseScan = { occurrences: Occurrence[]; policy?: Policy; policyError?: unknown } | { note: string };

const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

class GitFailure extends Error {}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

/**
 * The base policy with the files it names (keys, trusted root, ClusterImagePolicies) copied out of
 * the worktree, which is removed before the head is scanned: the policy named files that no longer
 * existed, so no key or trusted root could verify anything and a ClusterImagePolicy's images
 * needed no signature. Copies of the base commit's files, never the head's: a pull request must
 * not choose the keys it is checked with. They are removed when the process exits.
 */
async function withNamedFilesKept(policy: Policy, baseRoot: string): Promise<Policy> {
  let kept: Promise<string> | undefined;
  const copies = new Map<string, Promise<string>>();
  const copyOf = async (file: string): Promise<string> => {
    kept ??= mkdtemp(path.join(tmpdir(), 'verify-images-base-policy-')).then((directory) => {
      process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
      return directory;
    });
    // The loader keeps every named file inside the scanned directory; its place there is kept too.
    const copy = path.join(await kept, path.relative(baseRoot, file));
    await mkdir(path.dirname(copy), { recursive: true });
    await copyFile(file, copy);
    return copy;
  };
  const keep = (file: string): Promise<string> => {
    let copy = copies.get(file);
    if (!copy) copies.set(file, (copy = copyOf(file)));
    return copy;
  };
  const signatures = { ...policy.signatures };
  if (signatures.trustedRoot) signatures.trustedRoot = await keep(signatures.trustedRoot);
  if (signatures.clusterImagePolicies) signatures.clusterImagePolicies = await Promise.all(signatures.clusterImagePolicies.map(keep));
  signatures.rules = await Promise.all(
    signatures.rules.map(async (rule) => {
      const copy = { ...rule };
      if (copy.key) copy.key = await keep(copy.key);
      if (copy.attestation?.key) copy.attestation = { ...copy.attestation, key: await keep(copy.attestation.key) };
      return copy;
    }),
  );
  return { ...policy, signatures };
}

export async function scanBaseCommit(options: BaseScanOptions): Promise<BaseScan> {
  const runner = options.git ?? getExecOutput;
  const log = options.log ?? (() => undefined);
  if (!COMMIT_SHA.test(options.baseSha)) return { note: `The supply-chain delta was not computed: "${options.baseSha.slice(0, 80)}" is not a commit id.` };

  const git = async (args: string[], cwd: string): Promise<string> => {
    // No hooks (a post-checkout hook would run on worktree add) and no LFS downloads: only text is read.
    const result = await runner('git', ['-c', 'core.hooksPath=/dev/null', ...args], {
      cwd,
      silent: true,
      ignoreReturnCode: true,
      env: { ...(process.env as Record<string, string>), GIT_LFS_SKIP_SMUDGE: '1', GIT_TERMINAL_PROMPT: '0' },
    });
    if (result.exitCode !== 0) throw new GitFailure(`git ${args[0]} failed: ${lastLine(result.stderr) || `exit ${result.exitCode}`}`);
    return result.stdout;
  };

  let worktreeParent: string | undefined;
  let worktree: string | undefined;
  let topLevel: string | undefined;
  try {
    topLevel = (await git(['rev-parse', '--show-toplevel'], options.root)).trim();
    const prefix = (await git(['rev-parse', '--show-prefix'], options.root)).trim();
    const present = await runner('git', ['cat-file', '-e', `${options.baseSha}^{commit}`], { cwd: topLevel, silent: true, ignoreReturnCode: true });
    if (present.exitCode !== 0) {
      log(`Fetching the base commit ${options.baseSha.slice(0, 7)} for the supply-chain delta`);
      await git(['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', options.baseSha], topLevel);
    }
    worktreeParent = await mkdtemp(path.join(tmpdir(), 'verify-images-base-'));
    worktree = path.join(worktreeParent, 'tree');
    await git(['worktree', 'add', '--detach', worktree, options.baseSha], topLevel);
    const baseRoot = path.join(worktree, prefix);
    // The scanned directory is new in this pull request: the base had no images there.
    if (!(await stat(baseRoot).then((info) => info.isDirectory(), () => false))) return { occurrences: [] };
    const scan: { occurrences: Occurrence[]; policy?: Policy; policyError?: unknown } = { occurrences: [] };
    if (options.readPolicy) {
      try {
        scan.policy = await withNamedFilesKept(await options.readPolicy(baseRoot), baseRoot);
      } catch (error) {
        scan.policyError = error;
      }
    }
    const discover = typeof options.discover === 'function' ? options.discover(scan.policy) : options.discover;
    scan.occurrences = (await discoverRepository(baseRoot, discover)).occurrences;
    return scan;
  } catch (error) {
    const reason = error instanceof GitFailure ? error.message : `could not read the base commit: ${(error as Error).message?.split('\n')[0] ?? String(error)}`;
    return { note: `The supply-chain delta was not computed (${reason}).` };
  } finally {
    if (worktree && topLevel) {
      await git(['worktree', 'remove', '--force', worktree], topLevel).catch(() => undefined);
      await git(['worktree', 'prune'], topLevel).catch(() => undefined);
    }
    if (worktreeParent) await rm(worktreeParent, { recursive: true, force: true }).catch(() => undefined);
  }
}
