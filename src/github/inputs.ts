/**
 * The action's inputs, read and validated once; a bad value is a setup problem named by input.
 * Also hands the `registry-credentials` input to the registry client, every secret masked first.
 */
import type * as actionsCore from '@actions/core';
import { parse as parseYaml } from 'yaml';
import type { Severity } from '../model.js';
import { CREDENTIALS_ENV, parseCredentialMap } from '../registry/transport/credentials.js';
import { FILTER_MODES, type FilterMode } from './introduced.js';
import { parseShard, type Shard } from '../shard.js';

/** The parts of @actions/core the action uses; injectable so a test can watch them. */
export type ActionCore = Pick<
  typeof actionsCore,
  'getInput' | 'getBooleanInput' | 'setOutput' | 'setFailed' | 'setSecret' | 'info' | 'warning' | 'error' | 'notice' | 'summary'
>;

/** A problem with how the action is set up: the step fails with this one-line message. */
export class SetupError extends Error {}

const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;

export interface Inputs {
  path: string;
  config: string;
  token: string;
  offline: boolean;
  failOn?: Severity | 'never';
  comment: boolean;
  /** Separates the sticky comments of several steps or configurations ("" for the default). */
  commentKey: string;
  reviewComments: boolean;
  annotations: boolean;
  /** What is annotated and reviewed on pull requests (reviewdog's names). */
  filterMode: FilterMode;
  /** Where the policy is read on pull requests: the base commit (default) or the pull request's head. */
  policySource: 'base' | 'head';
  changedFilesOnly: boolean;
  /** This job's shard of a matrix (`shard: K/N`), when set. */
  shard?: Shard;
  sarifFile: string;
  registryCredentials: string;
  insecureRegistries: string[];
  /** Overrides the policy's `registry.concurrency` when given. */
  registryConcurrency?: number;
  mode: 'scan' | 'report';
  report: string;
}

export function readInputs(core: ActionCore): Inputs {
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T | undefined): T | undefined => {
    const value = core.getInput(name).toLowerCase();
    if (value === '') return fallback;
    if (!allowed.includes(value as T)) throw new SetupError(`input ${name} must be one of ${allowed.join(', ')} (got "${value.slice(0, 40)}")`);
    return value as T;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    if (core.getInput(name) === '') return fallback;
    try {
      return core.getBooleanInput(name);
    } catch {
      throw new SetupError(`input ${name} must be true or false`);
    }
  };
  const comment = choice('comment', ['sticky', 'off', 'true', 'false'] as const, 'sticky');
  return {
    path: core.getInput('path') || '.',
    config: core.getInput('config'),
    token: core.getInput('github-token'),
    offline: flag('offline', false),
    failOn: choice('fail-on', FAIL_ON, undefined),
    comment: comment === 'sticky' || comment === 'true',
    commentKey: core.getInput('comment-key').trim(),
    reviewComments: flag('review-comments', true),
    annotations: flag('annotations', true),
    filterMode: choice('filter-mode', FILTER_MODES, 'added')!,
    policySource: choice('policy-source', ['base', 'head'] as const, 'base')!,
    changedFilesOnly: flag('changed-files-only', false),
    ...shardInput(core.getInput('shard')),
    sarifFile: core.getInput('sarif-file'),
    registryCredentials: core.getInput('registry-credentials'),
    insecureRegistries: core
      .getInput('insecure-registries')
      .split(/[\s,]+/)
      .filter((entry) => entry !== ''),
    ...registryConcurrency(core.getInput('registry-concurrency')),
    mode: choice('mode', ['scan', 'report'] as const, 'scan')!,
    report: core.getInput('report'),
  };
}

/** The `shard` input: empty for the whole repository, else K/N. */
function shardInput(value: string): { shard?: Shard } {
  if (value.trim() === '') return {};
  const shard = parseShard(value);
  if ('problem' in shard) throw new SetupError(`input shard ${shard.problem}`);
  return { shard };
}

/** The `registry-concurrency` input: empty for the policy's, else an integer from 1 to 64. */
function registryConcurrency(value: string): { registryConcurrency?: number } {
  if (value.trim() === '') return {};
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new SetupError(`input registry-concurrency must be an integer from 1 to 64 (got "${value.slice(0, 20)}")`);
  return { registryConcurrency: n };
}

/** Masks every value but the username of each host's entry: GitHub masks a secret only as a whole. */
function maskCredentialEntries(parsed: unknown, core: ActionCore): void {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
  for (const entry of Object.values(parsed as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key !== 'username' && typeof value === 'string' && value !== '') core.setSecret(value);
    }
  }
}

/**
 * The `registry-credentials` input (YAML or JSON: host -> {username, password}) handed to the
 * registry client through the variable it reads, every secret masked in the log first (those of
 * a `VERIFY_IMAGES_REGISTRY_CREDENTIALS` set by the workflow too).
 */
export function wireRegistryCredentials(text: string, env: NodeJS.ProcessEnv, core: ActionCore): void {
  const existing = env[CREDENTIALS_ENV];
  let merged: Record<string, unknown> = {};
  if (existing) {
    try {
      merged = JSON.parse(existing) as Record<string, unknown>;
    } catch {
      merged = {};
    }
    maskCredentialEntries(merged, core);
  }
  if (text.trim() === '') return;
  let parsed: unknown;
  try {
    // Failsafe schema: every scalar stays a string, so a numeric password is neither converted nor left unmasked.
    parsed = parseYaml(text, { schema: 'failsafe', maxAliasCount: 10 });
  } catch {
    // Never echo the text: it holds secrets.
    throw new SetupError('input registry-credentials is neither YAML nor JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SetupError('input registry-credentials must map registry hosts to {username, password}');
  }
  maskCredentialEntries(parsed, core);
  const json = JSON.stringify({ ...merged, ...(parsed as Record<string, unknown>) });
  try {
    parseCredentialMap(json, 'input registry-credentials');
  } catch (error) {
    throw new SetupError((error as Error).message);
  }
  env[CREDENTIALS_ENV] = json;
}

