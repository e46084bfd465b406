/**
 * What the action tests share: a real git "origin" with a base and head commit made from the
 * snapshot trees in fixtures/github/workspace/, a shallow checkout of it as GITHUB_WORKSPACE (as
 * actions/checkout leaves it), the pull-request files GitHub would list (from `git diff`), and the
 * environment GitHub sets for a step.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakePullFile } from '../helpers/fake-github.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'github');
export const REPOSITORY = 'acme/shop';
export const PULL_NUMBER = 42;

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class TestRepository {
  readonly root: string;
  readonly origin: string;
  readonly workspace: string;
  readonly runnerTemp: string;

  constructor() {
    this.root = mkdtempSync(path.join(tmpdir(), 'verify-images-action-'));
    this.origin = path.join(this.root, 'origin');
    this.workspace = path.join(this.root, 'workspace');
    this.runnerTemp = path.join(this.root, 'runner-temp');
    mkdirSync(this.origin);
    mkdirSync(this.runnerTemp);
    git(this.origin, 'init', '--quiet', '--initial-branch=main');
    // Lets the shallow checkout fetch the base commit by id, as github.com allows.
    git(this.origin, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
  }

  /** Replaces the origin's tree with a snapshot and commits it; returns the commit id. */
  commitSnapshot(snapshot: string, message = snapshot): string {
    for (const entry of readdirSync(this.origin)) if (entry !== '.git') rmSync(path.join(this.origin, entry), { recursive: true, force: true });
    cpSync(path.join(FIXTURES, 'workspace', snapshot), this.origin, { recursive: true });
    git(this.origin, 'add', '--all');
    git(this.origin, 'commit', '--quiet', '--message', message);
    return git(this.origin, 'rev-parse', 'HEAD').trim();
  }

  /** Runs git in the origin repository. */
  git(...args: string[]): string {
    return git(this.origin, ...args);
  }

  /** A depth-1 checkout of `sha`, as actions/checkout makes; later calls move it to another commit. */
  checkout(sha: string): void {
    const url = `file://${this.origin}`;
    if (!readdirSafe(this.workspace).includes('.git')) {
      mkdirSync(this.workspace, { recursive: true });
      git(this.workspace, 'init', '--quiet');
      git(this.workspace, 'remote', 'add', 'origin', url);
    }
    git(this.workspace, 'fetch', '--quiet', '--no-tags', '--depth=1', 'origin', sha);
    git(this.workspace, 'checkout', '--quiet', '--detach', sha);
  }

  /** The files of a pull request from `base` to `head` as the REST API lists them (patch from the first hunk). */
  pullFiles(base: string, head: string): FakePullFile[] {
    const statuses: Record<string, FakePullFile['status']> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied' };
    return git(this.origin, 'diff', '--name-status', '-M', base, head)
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [status, first, second] = line.split('\t');
        const filename = second ?? first;
        const diff = git(this.origin, 'diff', base, head, '--', ...(second ? [first, second] : [first]));
        const hunk = diff.indexOf('\n@@');
        const file: FakePullFile = { filename, status: statuses[status[0]] ?? 'changed' };
        if (hunk >= 0) file.patch = diff.slice(hunk + 1).replace(/\n$/, '');
        if (second) file.previous_filename = first;
        return file;
      });
  }

  /** A copy of an event payload fixture with the commit ids of this repository. */
  writeEvent(fixture: string, patch: (payload: Record<string, any>) => void): string {
    const payload = JSON.parse(readFileSync(path.join(FIXTURES, fixture), 'utf8')) as Record<string, any>;
    patch(payload);
    const file = path.join(this.root, `event-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(payload, null, 2));
    return file;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function readdirSafe(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

/** The variables GitHub sets for a JavaScript action's step. */
export function stepEnvironment(options: {
  repository: TestRepository;
  eventName: string;
  eventPath: string;
  apiUrl: string;
  sha: string;
  outputFile: string;
  summaryFile: string;
  inputs: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: options.eventPath,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: REPOSITORY.split('/')[0],
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_SHA: options.sha,
    GITHUB_WORKSPACE: options.repository.workspace,
    GITHUB_OUTPUT: options.outputFile,
    GITHUB_STEP_SUMMARY: options.summaryFile,
    GITHUB_ACTOR: 'contributor',
    GITHUB_RUN_ID: '11987654321',
    GITHUB_JOB: 'verify',
    RUNNER_TEMP: options.repository.runnerTemp,
    RUNNER_OS: 'Linux',
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}

/** The inputs action.yml declares, with their defaults (the runner sets every declared input). */
export function defaultInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    path: '.',
    config: '',
    'github-token': 'ghs_testtoken0123456789',
    offline: 'true',
    'fail-on': '',
    comment: 'sticky',
    'comment-key': '',
    'review-comments': 'true',
    'filter-mode': 'added',
    'policy-source': 'base',
    annotations: 'true',
    'changed-files-only': 'false',
    'sarif-file': '',
    'registry-credentials': '',
    'insecure-registries': '',
    mode: 'scan',
    report: '',
    ...overrides,
  };
}

/** Parses the GITHUB_OUTPUT file (`name<<delimiter` blocks). */
export function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return outputs;
  }
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[index]);
    if (!header) continue;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== header[2]; index++) value.push(lines[index]);
    outputs[header[1]] = value.join('\n');
  }
  return outputs;
}

/** Workflow commands (`::error file=...::message`) from a step's stdout. */
export function workflowCommands(stdout: string, command: string): Array<{ properties: Record<string, string>; message: string }> {
  const found: Array<{ properties: Record<string, string>; message: string }> = [];
  for (const line of stdout.split('\n')) {
    const match = new RegExp(`^::${command}(?: ([^:]*))?::(.*)$`).exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[1] ?? '').split(',').filter(Boolean)) {
      const [key, ...rest] = pair.split('=');
      properties[key] = decodeURIComponent(rest.join('=').replace(/%2C/g, ',').replace(/%3A/g, ':'));
    }
    found.push({ properties, message: match[2].replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%') });
  }
  return found;
}
