/**
 * The GitHub Action: reads the inputs and the event GitHub describes in the environment, runs the
 * scan, and reports where GitHub shows it: annotations, the job summary, SARIF, and on pull
 * requests the sticky comment (led by the supply-chain delta) and review comments.
 *
 * Reporting to the pull request never fails the job: a read-only token (fork pull requests,
 * Dependabot) gets a warning and the findings stay in annotations and the summary. Only findings
 * at or above `fail-on` (and broken configuration) fail the step.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as actionsCore from '@actions/core';
import { getOctokit } from '@actions/github';
import { parse as parseYaml } from 'yaml';
import { exitCodeFor } from '../checks/index.js';
import { ConfigError, loadPolicy } from '../config/load.js';
import { scan, type ScanOutcome } from '../engine.js';
import type { Finding, ScanResult, Severity } from '../model.js';
import { CREDENTIALS_ENV, parseCredentialMap } from '../registry/transport/credentials.js';
import { renderJson } from '../report/json.js';
import { escapeText, renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { countBySeverity } from '../report/text.js';
import { annotate, logLine } from './annotations.js';
import { scanBaseCommit, type GitRunner } from './base.js';
import { upsertStickyComment } from './comment.js';
import { renderDelta, supplyChainDelta, type ImageChange } from './delta.js';
import { HandoffError, METADATA_FILE, REPORT_FILE, readHandoff, sourceLinesFor, type PullRequestMetadata } from './handoff.js';
import { describeError, isWriteRefusal, tokenAuthor, type OwnAuthorCheck, type Octokit, type PullRequestTarget } from './octokit.js';
import { listPullRequestFiles, syncReviewComments, type PullRequestFile } from './review.js';

/** The parts of @actions/core the action uses; injectable so a test can watch them. */
export type ActionCore = Pick<
  typeof actionsCore,
  'getInput' | 'getBooleanInput' | 'setOutput' | 'setFailed' | 'setSecret' | 'info' | 'warning' | 'error' | 'notice' | 'summary'
>;

export interface ActionDependencies {
  /** Where GitHub's variables are read (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, ...); process.env by default. */
  env?: NodeJS.ProcessEnv;
  core?: ActionCore;
  /** fetch for the GitHub API; by default @actions/github's (which honours the runner's proxy settings). */
  fetch?: typeof fetch;
  /** @actions/exec's getExecOutput, for git. */
  git?: GitRunner;
}

const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
/** GitHub rejects comment bodies above 65,536 characters. */
const MAX_COMMENT = 65_000;
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

interface Inputs {
  path: string;
  config: string;
  token: string;
  offline: boolean;
  failOn?: Severity | 'never';
  comment: boolean;
  reviewComments: boolean;
  annotations: boolean;
  changedFilesOnly: boolean;
  sarifFile: string;
  registryCredentials: string;
  insecureRegistries: string[];
  mode: 'scan' | 'report';
  report: string;
}

/** The package version, injected by the bundler; "dev" when running from source. */
const VERSION: string = typeof __VERIFY_IMAGES_VERSION__ === 'string' ? __VERIFY_IMAGES_VERSION__ : 'dev';
declare const __VERIFY_IMAGES_VERSION__: string | undefined;

/** A problem with how the action is set up: the step fails with this one-line message. */
class SetupError extends Error {}

function readInputs(core: ActionCore): Inputs {
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
    reviewComments: flag('review-comments', true),
    annotations: flag('annotations', true),
    changedFilesOnly: flag('changed-files-only', false),
    sarifFile: core.getInput('sarif-file'),
    registryCredentials: core.getInput('registry-credentials'),
    insecureRegistries: core
      .getInput('insecure-registries')
      .split(/[\s,]+/)
      .filter((entry) => entry !== ''),
    mode: choice('mode', ['scan', 'report'] as const, 'scan')!,
    report: core.getInput('report'),
  };
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
function wireRegistryCredentials(text: string, env: NodeJS.ProcessEnv, core: ActionCore): void {
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

interface GitHubContext {
  eventName: string;
  payload: Record<string, unknown>;
  owner: string;
  repo: string;
  sha: string;
  serverUrl: string;
  apiUrl: string;
  workspace: string;
}

async function readContext(env: NodeJS.ProcessEnv): Promise<GitHubContext> {
  let payload: Record<string, unknown> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    try {
      const text = await readFile(eventPath, 'utf8');
      if (text.length <= MAX_EVENT_BYTES) payload = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new SetupError(`cannot read the event payload ${eventPath}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  };
}

interface PullRequestInfo extends PullRequestTarget {
  headSha: string;
  baseSha: string;
}

function pullRequestOf(context: GitHubContext): PullRequestInfo | undefined {
  if (!PULL_REQUEST_EVENTS.has(context.eventName)) return undefined;
  const pullRequest = context.payload.pull_request as { number?: unknown; head?: { sha?: unknown }; base?: { sha?: unknown } } | undefined;
  if (!pullRequest || typeof pullRequest.number !== 'number' || typeof pullRequest.head?.sha !== 'string' || typeof pullRequest.base?.sha !== 'string') return undefined;
  return { owner: context.owner, repo: context.repo, pullNumber: pullRequest.number, headSha: pullRequest.head.sha, baseSha: pullRequest.base.sha };
}

/** Directory of the scan root inside the repository ("" or "sub/dir/"), for annotation and review paths. */
function pathPrefix(workspace: string, root: string): string {
  const relative = path.relative(workspace, root).split(path.sep).join('/');
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return '';
  return relative.replace(/\/+$/, '') + '/';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Talks to the pull request, turning a refused write into one explained warning. */
class PullRequestReporter {
  refused = false;
  readonly isOwn: OwnAuthorCheck;
  constructor(
    private readonly core: ActionCore,
    readonly octokit: Octokit,
    readonly target: PullRequestTarget,
  ) {
    this.isOwn = tokenAuthor(octokit);
  }

  async attempt<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
    if (this.refused) return undefined;
    try {
      return await action();
    } catch (error) {
      if (isWriteRefusal(error)) {
        this.refused = true;
        this.core.warning(
          `verify-images could not ${what} on pull request #${this.target.pullNumber} (${describeError(error)}). ` +
            'The token may not use this pull request: fork pull requests and Dependabot runs get a read-only token ' +
            '(and a workflow without `pull-requests: write` gets none). ' +
            'The findings are reported as annotations and in the job summary instead, and the job does not fail for this. ' +
            'To get comments on such pull requests, use the pull_request + workflow_run setup described in docs/github-action.md.',
        );
      } else {
        this.core.warning(`verify-images could not ${what} on pull request #${this.target.pullNumber}: ${describeError(error)}`);
      }
      return undefined;
    }
  }
}

interface PullRequestReport {
  result: ScanResult;
  delta?: ImageChange[];
  deltaNote?: string;
  pathPrefix: string;
  stickyKey: string;
  headSha: string;
  linkBase: string;
  sourceLine: (file: string, line: number) => string | undefined;
  files?: PullRequestFile[];
}

function deltaMarkdown(delta: ImageChange[] | undefined, note: string | undefined): string | undefined {
  if (delta) return renderDelta(delta);
  if (note) return `> ${escapeText(note)}`;
  return undefined;
}

/** The sticky comment: the delta first, then the report; brief when nothing is wrong. */
export function stickyCommentBody(report: Pick<PullRequestReport, 'result' | 'delta' | 'deltaNote' | 'linkBase'>): { body: string; clean: boolean } {
  const active = report.result.findings.filter((finding) => !finding.suppressed);
  const preface = deltaMarkdown(report.delta, report.deltaNote);
  if (active.length === 0) {
    // Images built in this repository are not checked, so they are not counted.
    const images = new Set(report.result.occurrences.filter((occurrence) => !occurrence.local).map((occurrence) => occurrence.reference ?? occurrence.raw)).size;
    const lines = ['## verify-images', ''];
    if (preface) lines.push(preface, '');
    lines.push(`✅ No findings: ${plural(images, 'image')} checked.`);
    return { body: lines.join('\n') + '\n', clean: true };
  }
  // Shrink until it fits in a comment: fewer findings listed, then no image table.
  for (const [maxFindings, omitImages] of [[100, false], [100, true], [40, true], [10, true]] as const) {
    const body = renderMarkdown(report.result, { preface, linkBase: report.linkBase, maxFindings, omitImages });
    if (body.length <= MAX_COMMENT) return { body, clean: false };
  }
  const body = renderMarkdown(report.result, { preface, linkBase: report.linkBase, maxFindings: 0, omitImages: true });
  return { body: body.slice(0, MAX_COMMENT), clean: false };
}

async function reportToPullRequest(reporter: PullRequestReporter, report: PullRequestReport, inputs: Inputs, core: ActionCore): Promise<void> {
  if (inputs.comment) {
    const outcome = await reporter.attempt('update the sticky comment', () =>
      upsertStickyComment(reporter.octokit, reporter.target, stickyCommentBody(report), report.stickyKey, reporter.isOwn),
    );
    if (outcome) core.info(`Sticky comment: ${outcome.action}${outcome.id ? ` (id ${outcome.id})` : ''}`);
  }
  if (inputs.reviewComments && !reporter.refused) {
    const files = report.files ?? (await reporter.attempt('list the changed files', () => listPullRequestFiles(reporter.octokit, reporter.target)));
    if (!files) return;
    const outcome = await reporter.attempt('post review comments', () =>
      syncReviewComments(reporter.octokit, reporter.target, {
        findings: report.result.findings,
        sourceLine: report.sourceLine,
        files,
        pathPrefix: report.pathPrefix,
        headSha: report.headSha,
        isOwn: reporter.isOwn,
      }),
    );
    if (outcome) {
      core.info(
        `Review comments: ${outcome.posted} new, ${outcome.alreadyCommented} already there, ${outcome.resolved} resolved, ` +
          `${outcome.outsideDiff} findings outside the changed lines` +
          (outcome.moved > 0 ? `, ${outcome.moved} on lines the base branch moved (see the sticky comment)` : '') +
          (outcome.overLimit > 0 ? `, ${outcome.overLimit} left out (at most 50 new per run)` : ''),
      );
      if (outcome.threadsResolved > 0) core.info(`Resolved ${plural(outcome.threadsResolved, 'review thread')} of fixed findings`);
      if (outcome.threadProblem) core.info(`The threads of resolved comments stay open: ${outcome.threadProblem}`);
    }
  }
}

function setCountOutputs(core: ActionCore, findings: Finding[]): Record<Severity, number> {
  const counts = countBySeverity(findings);
  core.setOutput('errors', counts.error);
  core.setOutput('warnings', counts.warning);
  core.setOutput('notes', counts.note);
  return counts;
}

async function writeSummary(core: ActionCore, markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    // Outside GitHub (or with a read-only summary file) the summary is skipped, not the run.
    core.info(`No job summary written: ${(error as Error).message.split('\n')[0]}`);
    core.summary.emptyBuffer();
  }
}

function failIfNeeded(core: ActionCore, findings: Finding[], failOn: Severity | 'never'): void {
  if (exitCodeFor(findings, failOn) === 0) return;
  const counts = countBySeverity(findings);
  const parts = (['error', 'warning', 'note'] as const).filter((severity) => counts[severity] > 0).map((severity) => plural(counts[severity], severity));
  core.setFailed(`verify-images: ${parts.join(', ')} (fail-on: ${failOn}); see the annotations and the job summary.`);
}

async function reportDirectory(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.RUNNER_TEMP) {
    const directory = path.join(env.RUNNER_TEMP, 'verify-images');
    await mkdir(directory, { recursive: true });
    return directory;
  }
  return mkdtemp(path.join(tmpdir(), 'verify-images-'));
}

/** The same findings with paths relative to the repository root (SARIF is uploaded against it). */
function underPrefix(result: ScanResult, prefix: string): ScanResult {
  if (!prefix) return result;
  return { ...result, findings: result.findings.map((finding) => ({ ...finding, file: prefix + finding.file })) };
}

function lineOf(sources: Map<string, string>): (file: string, line: number) => string | undefined {
  const split = new Map<string, string[]>();
  return (file, line) => {
    const text = sources.get(file);
    if (text === undefined) return undefined;
    let lines = split.get(file);
    if (!lines) split.set(file, (lines = text.split('\n')));
    return lines[line - 1]?.replace(/\r$/, '');
  };
}

function summaryPreface(parts: Array<string | undefined>): string | undefined {
  const present = parts.filter((part): part is string => Boolean(part));
  return present.length > 0 ? present.join('\n\n') : undefined;
}

async function runScanMode(inputs: Inputs, context: GitHubContext, deps: Required<Pick<ActionDependencies, 'core'>> & ActionDependencies, env: NodeJS.ProcessEnv): Promise<void> {
  const core = deps.core;
  const root = path.resolve(context.workspace, inputs.path);
  const prefix = pathPrefix(context.workspace, root);
  // A mistyped path is a setup problem to name, not an internal error (nor an empty, passing scan).
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) throw new SetupError(`input path "${inputs.path}" is not a directory of the workspace`);
  let policy;
  try {
    policy = await loadPolicy(root, inputs.config || undefined);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One annotation per problem; a line break inside a key or message stays inside it (core escapes it).
      for (const issue of error.issues) core.error(`policy ${error.file}${issue.line ? `:${issue.line}` : ''}: ${issue.message}`);
      throw new SetupError(`the policy ${error.file} is invalid (${plural(error.issues.length, 'problem')})`);
    }
    throw error;
  }
  const failOn = inputs.failOn ?? policy.failOn;
  const pullRequest = pullRequestOf(context);
  if (PULL_REQUEST_EVENTS.has(context.eventName) && !pullRequest) core.warning('The event payload has no pull request; reporting as for a push.');
  const reporter = pullRequest && inputs.token ? new PullRequestReporter(core, makeOctokit(inputs.token, context, deps), pullRequest) : undefined;
  if (pullRequest && !inputs.token) core.warning('No github-token: the pull request gets no comment; see annotations and the job summary.');

  // Changed files are needed to scan only them and for review comments; a read refusal is a fallback, not a failure.
  let files: PullRequestFile[] | undefined;
  if (reporter && (inputs.changedFilesOnly || inputs.reviewComments)) {
    files = await reporter.attempt('list the changed files', () => listPullRequestFiles(reporter.octokit, reporter.target));
  }
  let onlyFiles: string[] | undefined;
  let baseOnlyFiles: string[] | undefined;
  if (inputs.changedFilesOnly) {
    if (files) {
      const relative = (name: string): string | undefined => (name.startsWith(prefix) ? name.slice(prefix.length) : undefined);
      onlyFiles = files.filter((file) => file.status !== 'removed').flatMap((file) => relative(file.filename) ?? []);
      baseOnlyFiles = files.flatMap((file) => relative(file.previousFilename ?? file.filename) ?? []);
      core.info(`Scanning the ${plural(onlyFiles.length, 'file')} this pull request changes`);
    } else {
      core.info(pullRequest ? 'changed-files-only: the changed files are unknown, scanning everything' : 'changed-files-only applies to pull requests; scanning everything');
    }
  }

  const result: ScanOutcome = await scan({
    root,
    policy,
    offline: inputs.offline,
    onlyFiles,
    insecureRegistries: inputs.insecureRegistries,
    // The registry client reads VERIFY_IMAGES_REGISTRY_CREDENTIALS (set from the input above) from here; the token goes to ghcr.io only.
    env,
    githubToken: inputs.token || undefined,
    log: (message) => core.info(logLine(message)),
  });

  if (onlyFiles) {
    result.notes = [...(result.notes ?? []), `Only the ${plural(onlyFiles.length, 'file')} this pull request changes ${onlyFiles.length === 1 ? 'was' : 'were'} scanned (changed-files-only).`];
  }

  const directory = await reportDirectory(env);
  const jsonReport = path.join(directory, REPORT_FILE);
  await writeFile(jsonReport, renderJson(result));
  core.setOutput('json-report', jsonReport);
  const metadataFile = path.join(directory, METADATA_FILE);
  await rm(metadataFile, { force: true });

  if (inputs.sarifFile) {
    const sarifFile = path.resolve(context.workspace, inputs.sarifFile);
    await mkdir(path.dirname(sarifFile), { recursive: true });
    await writeFile(sarifFile, renderSarif(underPrefix(result, prefix), { toolVersion: VERSION }));
    core.setOutput('sarif-file', sarifFile);
  }
  const counts = setCountOutputs(core, result.findings);
  core.info(`verify-images: ${plural(result.occurrences.length, 'image reference')}, ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`);

  let annotationNote: string | undefined;
  if (inputs.annotations) {
    const outcome = annotate(result.findings, core, prefix);
    if (outcome.omitted > 0) {
      annotationNote = `${plural(outcome.omitted, 'finding')} not shown as annotations (GitHub shows at most 10 of each level per step); every finding is listed below.`;
    }
  }

  const headSha = pullRequest?.headSha ?? context.sha;
  const linkBase = context.owner && headSha ? `${context.serverUrl}/${context.owner}/${context.repo}/blob/${headSha}/${prefix.split('/').map(encodeURIComponent).join('/')}` : undefined;
  let delta: ImageChange[] | undefined;
  let deltaNote: string | undefined;
  if (pullRequest) {
    const base = await scanBaseCommit({
      root,
      baseSha: pullRequest.baseSha,
      discover: { include: policy.include, exclude: policy.exclude, buildArgs: policy.buildArgs, onlyFiles: baseOnlyFiles },
      git: deps.git,
      log: (message) => core.info(logLine(message)),
    });
    if ('occurrences' in base) delta = supplyChainDelta(base.occurrences, result.occurrences);
    else {
      deltaNote = base.note;
      core.warning(base.note);
    }
    const metadata: PullRequestMetadata = {
      kind: 'verify-images-pull-request',
      schemaVersion: 1,
      repository: `${context.owner}/${context.repo}`,
      pullNumber: pullRequest.pullNumber,
      headSha: pullRequest.headSha,
      baseSha: pullRequest.baseSha,
      pathPrefix: prefix,
      stickyKey: stickyKeyOf(inputs.path),
      sourceLines: sourceLinesFor(result.findings, result.sources),
    };
    if (delta) metadata.delta = delta;
    if (deltaNote) metadata.deltaNote = deltaNote;
    await writeFile(metadataFile, JSON.stringify(metadata, null, 2) + '\n');
  }

  if (reporter && pullRequest) {
    await reportToPullRequest(
      reporter,
      { result, delta, deltaNote, pathPrefix: prefix, stickyKey: stickyKeyOf(inputs.path), headSha: pullRequest.headSha, linkBase: linkBase ?? '', sourceLine: lineOf(result.sources), files },
      inputs,
      core,
    );
  }

  const fallbackNote = reporter?.refused ? 'The token could not write to this pull request, so this summary and the annotations are the report.' : undefined;
  await writeSummary(
    core,
    renderMarkdown(result, {
      linkBase,
      preface: summaryPreface([pullRequest ? deltaMarkdown(delta, deltaNote) : undefined, annotationNote && escapeText(annotationNote), fallbackNote && escapeText(fallbackNote)]),
    }),
  );
  failIfNeeded(core, result.findings, failOn);
}

function stickyKeyOf(inputPath: string): string {
  const normalized = path.posix.normalize(inputPath.split(path.sep).join('/')).replace(/^\.\/?$/, '').replace(/\/+$/, '');
  return normalized;
}

function makeOctokit(token: string, context: GitHubContext, deps: ActionDependencies): Octokit {
  return getOctokit(token, { baseUrl: context.apiUrl, ...(deps.fetch ? { request: { fetch: deps.fetch } } : {}) });
}

/**
 * `mode: report`: renders a report made by an earlier `pull_request` run into the comment and the
 * review. Nothing from the pull request runs; the pull request is the one the triggering run was
 * for, checked against GitHub (not only against the artifact, which the PR's author controls).
 */
async function runReportMode(inputs: Inputs, context: GitHubContext, deps: Required<Pick<ActionDependencies, 'core'>> & ActionDependencies): Promise<void> {
  const core = deps.core;
  if (!inputs.report) throw new SetupError('mode: report needs the input report (the JSON report of the pull_request run)');
  const run = context.payload.workflow_run as
    | { head_sha?: unknown; head_repository?: { full_name?: unknown } | null; pull_requests?: Array<{ number?: unknown }> }
    | undefined;
  if (context.eventName !== 'workflow_run' || typeof run?.head_sha !== 'string') {
    throw new SetupError(`mode: report runs on workflow_run events (this is ${context.eventName || 'no event'})`);
  }
  const reportFile = path.resolve(context.workspace, inputs.report);
  let handoff;
  try {
    handoff = await readHandoff(reportFile);
  } catch (error) {
    if (error instanceof HandoffError) throw new SetupError(`the report cannot be used: ${error.message}`);
    throw error;
  }
  const { report, metadata } = handoff;
  core.setOutput('json-report', reportFile);
  const counts = setCountOutputs(core, report.findings);
  core.info(`Report of pull request #${metadata.pullNumber}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`);

  const failOn = inputs.failOn ?? 'error';
  const linkBase = `${context.serverUrl}/${context.owner}/${context.repo}/blob/${run.head_sha}/${metadata.pathPrefix.split('/').map(encodeURIComponent).join('/')}`;
  const writeSummaryAndExit = async (extra?: string): Promise<void> => {
    const preface = summaryPreface([deltaMarkdown(metadata.delta, metadata.deltaNote), extra && escapeText(extra)]);
    await writeSummary(core, renderMarkdown(report, { linkBase, preface }));
    failIfNeeded(core, report.findings, failOn);
  };

  const problem =
    metadata.repository.toLowerCase() !== `${context.owner}/${context.repo}`.toLowerCase()
      ? `the report is for ${metadata.repository}, not this repository`
      : metadata.headSha !== run.head_sha
        ? `the report is for commit ${metadata.headSha.slice(0, 7)}, but the run that triggered this one was for ${run.head_sha.slice(0, 7)}`
        : undefined;
  if (problem) {
    core.warning(`verify-images did not comment: ${problem}.`);
    return writeSummaryAndExit(`Not posted to the pull request: ${problem}.`);
  }
  if (!inputs.token) throw new SetupError('mode: report needs github-token');

  // Same-repository pull requests are named by the event; fork pull requests only by the artifact.
  const eventNumber = run.pull_requests?.[0]?.number;
  const pullNumber = typeof eventNumber === 'number' ? eventNumber : metadata.pullNumber;
  const octokit = makeOctokit(inputs.token, context, deps);
  const target: PullRequestTarget = { owner: context.owner, repo: context.repo, pullNumber };
  const reporter = new PullRequestReporter(core, octokit, target);
  const pull = await reporter.attempt('read the pull request', () => octokit.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: pullNumber }));
  if (!pull) return writeSummaryAndExit('Not posted to the pull request: it could not be read.');
  if (pull.data.head.sha !== run.head_sha) {
    const reason = `pull request #${pullNumber} is at ${pull.data.head.sha.slice(0, 7)}, not at the reported commit ${run.head_sha.slice(0, 7)} (a newer run will report)`;
    core.warning(`verify-images did not comment: ${reason}.`);
    return writeSummaryAndExit(`Not posted: ${reason}.`);
  }
  // A fork's pull request is named only by the artifact; another pull request at the same commit
  // (someone else's, from another repository) must not get this run's comments.
  const runHeadRepository = typeof run.head_repository?.full_name === 'string' ? run.head_repository.full_name : undefined;
  const pullHeadRepository = pull.data.head.repo?.full_name;
  if (runHeadRepository && pullHeadRepository && runHeadRepository.toLowerCase() !== pullHeadRepository.toLowerCase()) {
    const reason = `pull request #${pullNumber} comes from ${pullHeadRepository}, not from ${runHeadRepository} where the reported run ran`;
    core.warning(`verify-images did not comment: ${reason}.`);
    return writeSummaryAndExit(`Not posted: ${reason}.`);
  }

  await reportToPullRequest(
    reporter,
    {
      result: report,
      delta: metadata.delta,
      deltaNote: metadata.deltaNote,
      pathPrefix: metadata.pathPrefix,
      stickyKey: metadata.stickyKey,
      headSha: run.head_sha,
      linkBase,
      sourceLine: (file, line) => metadata.sourceLines[file]?.[String(line)],
    },
    inputs,
    core,
  );
  await writeSummaryAndExit(reporter.refused ? 'The token could not write to the pull request.' : undefined);
}

/** The action's entry point. Never throws: every failure ends in `setFailed` with one line. */
export async function runAction(deps: ActionDependencies = {}): Promise<void> {
  const core = deps.core ?? actionsCore;
  const env = deps.env ?? process.env;
  try {
    const inputs = readInputs(core);
    if (inputs.token) core.setSecret(inputs.token);
    wireRegistryCredentials(inputs.registryCredentials, env, core);
    const context = await readContext(env);
    if (inputs.mode === 'report') await runReportMode(inputs, context, { ...deps, core });
    else await runScanMode(inputs, context, { ...deps, core }, env);
  } catch (error) {
    if (error instanceof SetupError) core.setFailed(`verify-images: ${error.message}`);
    else core.setFailed(`verify-images: internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** The name `@github/local-action` calls (`npx @github/local-action run . src/github/run.ts .env`). */
export const run = runAction;
