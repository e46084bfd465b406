/**
 * The GitHub Action: reads the inputs and the event GitHub describes in the environment, runs the
 * scan, and reports where GitHub shows it: annotations, the job summary, SARIF, and on pull
 * requests the sticky comment (introduced findings first) and review comments (one per line).
 *
 * Reporting to the pull request never fails the job: a read-only token (fork pull requests,
 * Dependabot) gets a warning and the findings stay in annotations and the summary. Only findings
 * at or above `fail-on` (and broken configuration) fail the step.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as actionsCore from '@actions/core';
import { exitCodeFor } from '../checks/index.js';
import { ConfigError, loadPolicy } from '../config/load.js';
import type { Policy } from '../config/policy.js';
import { scan, type ScanOutcome } from '../engine.js';
import type { Finding, Occurrence, ScanError, ScanResult, Severity } from '../model.js';
import { renderJson } from '../report/json.js';
import { countsInWords, escapeText, renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { countBySeverity } from '../report/text.js';
import { annotate, logLine } from './annotations.js';
import { scanBaseCommit, type GitRunner } from './base.js';
import { blobBase, commitUrl, pathPrefix, pullRequestOf, readContext, stickyKeyOf, PULL_REQUEST_EVENTS, type GitHubContext, type PullRequestInfo } from './context.js';
import { supplyChainDelta, type ImageChange } from './delta.js';
import { HandoffError, METADATA_FILE, REPORT_FILE, readHandoff, sourceLinesFor, type PullRequestMetadata } from './handoff.js';
import { readInputs, SetupError, wireRegistryCredentials, type ActionCore, type Inputs } from './inputs.js';
import { changeIndex, onFirstAddedLine, type ChangeIndex } from './introduced.js';
import { createOctokit, type Octokit, type OctokitSettings, type PullRequestTarget } from './octokit.js';
import { policyLooseningFinding } from './policy-change.js';
import { deltaMarkdown, PullRequestReporter, reportToPullRequest, type PullRequestOutcome } from './pull-request.js';
import { listPullRequestFiles, type PullRequestFile } from './review.js';
import { inShard } from '../shard.js';

export type { ActionCore } from './inputs.js';

export interface ActionDependencies {
  /** Where GitHub's variables are read (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, ...); process.env by default. */
  env?: NodeJS.ProcessEnv;
  core?: ActionCore;
  /** fetch for the GitHub API; by default @actions/github's (which honours the runner's proxy settings). */
  fetch?: typeof fetch;
  /** @actions/exec's getExecOutput, for git. */
  git?: GitRunner;
  /** Octokit's retry and throttling options (tests shorten the waits). */
  githubPacing?: OctokitSettings['pacing'];
}

type Deps = Required<Pick<ActionDependencies, 'core'>> & ActionDependencies;

/** The package version, injected by the bundler; "dev" when running from source. */
const VERSION: string = typeof __VERIFY_IMAGES_VERSION__ === 'string' ? __VERIFY_IMAGES_VERSION__ : 'dev';
declare const __VERIFY_IMAGES_VERSION__: string | undefined;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function makeOctokit(token: string, context: GitHubContext, deps: Deps): Octokit {
  return createOctokit({ token, baseUrl: context.apiUrl, fetch: deps.fetch, log: (message) => deps.core.info(message), pacing: deps.githubPacing });
}

/** Each problem of an invalid policy as an error annotation on its line (path relative to the workspace). */
function annotatePolicyError(core: ActionCore, error: ConfigError, prefix: string): void {
  const file = path.isAbsolute(error.file) ? undefined : prefix + error.file;
  for (const issue of error.issues) {
    core.error(`policy ${error.file}${issue.line ? `:${issue.line}` : ''}: ${issue.message}`, {
      title: 'verify-images: invalid policy',
      ...(file ? { file, startLine: issue.line ?? 1 } : {}),
    });
  }
}

async function loadHeadPolicy(root: string, inputs: Inputs, core: ActionCore, prefix: string): Promise<Policy> {
  try {
    return await loadPolicy(root, inputs.config || undefined);
  } catch (error) {
    if (error instanceof ConfigError) {
      annotatePolicyError(core, error, prefix);
      throw new SetupError(`the policy ${error.file} is invalid (${plural(error.issues.length, 'problem')})`);
    }
    throw error;
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

function failIfNeeded(core: ActionCore, findings: Finding[], failOn: Severity | 'never', errors: readonly ScanError[]): void {
  if (exitCodeFor(findings, failOn, errors) === 0) return;
  const failed = errors.filter((error) => error.checkFailed);
  if (failed.length > 0) {
    core.setFailed(`verify-images: ${plural(failed.length, 'check')} did not run (${logLine(failed[0].message.slice(0, 300))}), so the result is unknown; see the job summary.`);
    return;
  }
  core.setFailed(`verify-images: ${countsInWords(findings.filter((finding) => !finding.suppressed))} (fail-on: ${failOn}); see the annotations and the job summary.`);
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

function setPullRequestOutputs(core: ActionCore, outcome: PullRequestOutcome): void {
  core.setOutput('comment-id', outcome.commentId !== undefined ? String(outcome.commentId) : '');
  core.setOutput('review-id', outcome.reviewId !== undefined ? String(outcome.reviewId) : '');
}

// ---- scan mode, step by step ----

/** Step 1: the directory to scan, and the head's policy (validated: an invalid one fails the step). */
async function prepare(inputs: Inputs, context: GitHubContext, core: ActionCore): Promise<{ root: string; prefix: string; headPolicy: Policy }> {
  const root = path.resolve(context.workspace, inputs.path);
  const prefix = pathPrefix(context.workspace, root);
  // A mistyped path is a setup problem to name, not an internal error (nor an empty, passing scan).
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) throw new SetupError(`input path "${inputs.path}" is not a directory of the workspace`);
  return { root, prefix, headPolicy: await loadHeadPolicy(root, inputs, core, prefix) };
}

/** Step 2: the pull request's changed files (for changed-files-only, the filter and review comments). */
async function changedFiles(reporter: PullRequestReporter | undefined): Promise<PullRequestFile[] | undefined> {
  if (!reporter) return undefined;
  return reporter.attempt('list the changed files', () => listPullRequestFiles(reporter.octokit, reporter.target));
}

function changedFilesOnly(inputs: Inputs, files: PullRequestFile[] | undefined, prefix: string, core: ActionCore, onPullRequest: boolean): { head?: string[]; base?: string[] } {
  if (!inputs.changedFilesOnly) return {};
  if (!files) {
    core.info(onPullRequest ? 'changed-files-only: the changed files are unknown, scanning everything' : 'changed-files-only applies to pull requests; scanning everything');
    return {};
  }
  const relative = (name: string): string | undefined => (name.startsWith(prefix) ? name.slice(prefix.length) : undefined);
  const head = files.filter((file) => file.status !== 'removed').flatMap((file) => relative(file.filename) ?? []);
  core.info(`Scanning the ${plural(head.length, 'file')} this pull request changes`);
  return { head, base: files.flatMap((file) => relative(file.previousFilename ?? file.filename) ?? []) };
}

interface BaseSide {
  /** The base commit's images, or why they are unknown. */
  occurrences?: Occurrence[];
  note?: string;
  /** The policy in force for this run. */
  policy: Policy;
  /** What the pull request's policy change loosens, as a finding on the policy file. */
  loosened?: Finding;
}

/** The policy in force and what the pull request's change of it loosens. */
function choosePolicy(base: { policy?: Policy; policyError?: unknown }, headPolicy: Policy, inputs: Inputs, core: ActionCore): Pick<BaseSide, 'policy' | 'loosened'> {
  const basePolicy = base.policy;
  if (!basePolicy && base.policyError) {
    const missing = base.policyError instanceof ConfigError && base.policyError.issues.every((issue) => issue.message === 'does not exist');
    if (!missing) core.warning(`The base commit’s policy cannot be used (${(base.policyError as Error).message.split('\n')[0]}); the pull request’s policy is used.`);
  }
  const inForce = inputs.policySource === 'base' && basePolicy ? basePolicy : headPolicy;
  const applied = inForce === headPolicy;
  const policyFile = [headPolicy.source, basePolicy?.source].find((source) => source && source !== 'embedded defaults');
  let loosened = basePolicy && policyFile ? policyLooseningFinding(basePolicy, headPolicy, policyFile, applied) : undefined;
  // Graded by the policy in force, like every rule (a pull request switching it off is itself a loosening).
  const override = inForce.severity['policy-loosened'];
  if (loosened && override) loosened = override === 'off' ? undefined : { ...loosened, severity: override };
  if (!applied && inForce.source !== headPolicy.source) core.info(`Policy read from the base commit (${inForce.source}); input policy-source: head uses the pull request’s.`);
  return { policy: inForce, loosened };
}

/** Step 3 (pull requests): the base commit's images for the delta, and its policy (policy-source: base). */
async function readBaseSide(setup: { root: string; headPolicy: Policy }, pullRequest: PullRequestInfo, inputs: Inputs, deps: Deps, baseOnlyFiles: string[] | undefined): Promise<BaseSide> {
  const core = deps.core;
  const base = await scanBaseCommit({
    root: setup.root,
    baseSha: pullRequest.baseSha,
    readPolicy: (baseRoot) => loadPolicy(baseRoot, inputs.config || undefined),
    discover: (basePolicy) => {
      const policy = inputs.policySource === 'base' && basePolicy ? basePolicy : setup.headPolicy;
      return { include: policy.include, exclude: policy.exclude, buildArgs: policy.buildArgs, onlyFiles: baseOnlyFiles };
    },
    git: deps.git,
    log: (message) => core.info(logLine(message)),
  });
  if (!('occurrences' in base)) {
    core.warning(base.note);
    if (inputs.policySource === 'base') core.warning('The base commit could not be read, so the pull request’s own policy is used.');
    return { note: base.note, policy: setup.headPolicy };
  }
  // The delta compares like with like: the base's images of this shard's files only.
  const shard = inputs.shard;
  const occurrences = shard ? base.occurrences.filter((occurrence) => inShard(occurrence.file, shard)) : base.occurrences;
  return { occurrences, ...choosePolicy(base, setup.headPolicy, inputs, core) };
}

/** Step 4: the scan of the head. */
async function scanHead(root: string, policy: Policy, inputs: Inputs, env: NodeJS.ProcessEnv, core: ActionCore, onlyFiles: string[] | undefined): Promise<ScanOutcome> {
  const result = await scan({
    root,
    // The input, named by whoever runs the workflow, overrides the policy's concurrency.
    policy: inputs.registryConcurrency === undefined ? policy : { ...policy, registry: { ...policy.registry, concurrency: inputs.registryConcurrency } },
    offline: inputs.offline,
    onlyFiles,
    shard: inputs.shard,
    insecureRegistries: inputs.insecureRegistries,
    // The registry client reads VERIFY_IMAGES_REGISTRY_CREDENTIALS (set from the input) from here; the token goes to ghcr.io only.
    env,
    githubToken: inputs.token || undefined,
    log: (message) => core.info(logLine(message)),
  });
  if (onlyFiles) {
    result.notes = [...(result.notes ?? []), `Only the ${plural(onlyFiles.length, 'file')} this pull request changes ${onlyFiles.length === 1 ? 'was' : 'were'} scanned (changed-files-only).`];
  }
  return result;
}

/** Step 5: the JSON report, SARIF and the count outputs. */
async function writeReports(result: ScanOutcome, inputs: Inputs, context: GitHubContext, prefix: string, env: NodeJS.ProcessEnv, core: ActionCore): Promise<string> {
  const directory = await reportDirectory(env);
  const jsonReport = path.join(directory, REPORT_FILE);
  await writeFile(jsonReport, renderJson(result));
  core.setOutput('json-report', jsonReport);
  await rm(path.join(directory, METADATA_FILE), { force: true });
  if (inputs.sarifFile) {
    const sarifFile = path.resolve(context.workspace, inputs.sarifFile);
    await mkdir(path.dirname(sarifFile), { recursive: true });
    await writeFile(sarifFile, renderSarif(underPrefix(result, prefix), { toolVersion: VERSION }));
    core.setOutput('sarif-file', sarifFile);
  }
  const counts = setCountOutputs(core, result.findings);
  core.info(`verify-images: ${plural(result.occurrences.length, 'image reference')}, ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`);
  return directory;
}

/** Step 6 (pull requests): what the `workflow_run` half of the fork setup needs, beside the JSON report. */
async function writeHandoff(directory: string, result: ScanOutcome, pullRequest: PullRequestInfo, context: GitHubContext, prefix: string, stickyKey: string, delta: { delta?: ImageChange[]; deltaNote?: string }): Promise<void> {
  const metadata: PullRequestMetadata = {
    kind: 'verify-images-pull-request',
    schemaVersion: 1,
    repository: `${context.owner}/${context.repo}`,
    pullNumber: pullRequest.pullNumber,
    headSha: pullRequest.headSha,
    baseSha: pullRequest.baseSha,
    pathPrefix: prefix,
    stickyKey,
    sourceLines: sourceLinesFor(result.findings, result.sources),
  };
  if (delta.delta) metadata.delta = delta.delta;
  if (delta.deltaNote) metadata.deltaNote = delta.deltaNote;
  await writeFile(path.join(directory, METADATA_FILE), JSON.stringify(metadata, null, 2) + '\n');
}

/** Step 7: annotations, changed lines first; returns the summary's note on what was left out. */
function annotateStep(result: ScanResult, inputs: Inputs, core: ActionCore, prefix: string, changes: ChangeIndex): string | undefined {
  if (!inputs.annotations) return undefined;
  const outcome = annotate(result.findings, core, prefix, { closeness: changes.closeness, passes: (finding) => changes.passes(finding, inputs.filterMode) });
  const reasons: string[] = [];
  if (outcome.filtered > 0) reasons.push(`${plural(outcome.filtered, 'finding')} away from the lines filter-mode ${inputs.filterMode} selects`);
  if (outcome.omitted > 0) reasons.push(`${plural(outcome.omitted, 'finding')} over GitHub's limit of 10 annotations of each level per step`);
  if (reasons.length === 0) return undefined;
  return `Not shown as annotations: ${reasons.join('; ')}. Every finding is listed below.`;
}

async function runScanMode(inputs: Inputs, context: GitHubContext, deps: Deps, env: NodeJS.ProcessEnv): Promise<void> {
  const core = deps.core;
  const setup = await prepare(inputs, context, core);
  const pullRequest = pullRequestOf(context);
  if (PULL_REQUEST_EVENTS.has(context.eventName) && !pullRequest) core.warning('The event payload has no pull request; reporting as for a push.');
  if (pullRequest && !inputs.token) core.warning('No github-token: the pull request gets no comment; see annotations and the job summary.');
  const reporter = pullRequest && inputs.token ? new PullRequestReporter(core, makeOctokit(inputs.token, context, deps), pullRequest) : undefined;
  const files = await changedFiles(reporter);
  const only = changedFilesOnly(inputs, files, setup.prefix, core, Boolean(pullRequest));
  const base: BaseSide = pullRequest ? await readBaseSide(setup, pullRequest, inputs, deps, only.base) : { policy: setup.headPolicy };
  const result = await scanHead(setup.root, base.policy, inputs, env, core, only.head);
  if (base.loosened) result.findings.push(onFirstAddedLine(base.loosened, { files, pathPrefix: setup.prefix }));
  const delta = base.occurrences ? supplyChainDelta(base.occurrences, result.occurrences) : undefined;
  const changes = changeIndex({ files, delta, pathPrefix: setup.prefix });
  const directory = await writeReports(result, inputs, context, setup.prefix, env, core);
  const stickyKey = stickyKeyOf(inputs.path, inputs.commentKey, inputs.shard);
  if (pullRequest) await writeHandoff(directory, result, pullRequest, context, setup.prefix, stickyKey, { delta, deltaNote: base.note });
  const annotationNote = annotateStep(result, inputs, core, setup.prefix, changes);
  const headSha = pullRequest?.headSha ?? context.sha;
  const linkBase = blobBase(context, headSha, setup.prefix);
  let outcome: PullRequestOutcome = {};
  if (reporter && pullRequest) {
    const report = { result, delta, deltaNote: base.note, changes, pathPrefix: setup.prefix, stickyKey, headSha, linkBase: linkBase ?? '', commitUrl: commitUrl(context), sourceLine: lineOf(result.sources), files };
    outcome = await reportToPullRequest(reporter, report, inputs, core);
  }
  setPullRequestOutputs(core, outcome);
  const fallbackNote = reporter?.refused ? 'The token could not write to this pull request, so this summary and the annotations are the report.' : undefined;
  const preface = summaryPreface([annotationNote && escapeText(annotationNote), fallbackNote && escapeText(fallbackNote)]);
  const introduced = pullRequest && changes.known ? changes.introduced : undefined;
  await writeSummary(core, renderMarkdown(result, { insecureHint: 'the action’s `insecure-registries` input', linkBase, preface, introduced, afterFindings: pullRequest ? deltaMarkdown(delta, base.note) : undefined }));
  failIfNeeded(core, result.findings, inputs.failOn ?? base.policy.failOn, result.errors);
}

// ---- report mode, step by step ----

interface WorkflowRun {
  head_sha: string;
  head_repository?: { full_name?: unknown } | null;
  pull_requests?: Array<{ number?: unknown }>;
}

/** Step 1: the triggering run, and the report it uploaded (untrusted: checked field by field). */
async function readReport(inputs: Inputs, context: GitHubContext): Promise<{ run: WorkflowRun; reportFile: string; report: ScanResult; metadata: PullRequestMetadata }> {
  if (!inputs.report) throw new SetupError('mode: report needs the input report (the JSON report of the pull_request run)');
  const run = context.payload.workflow_run as Partial<WorkflowRun> | undefined;
  if (context.eventName !== 'workflow_run' || typeof run?.head_sha !== 'string') {
    throw new SetupError(`mode: report runs on workflow_run events (this is ${context.eventName || 'no event'})`);
  }
  const reportFile = path.resolve(context.workspace, inputs.report);
  try {
    const { report, metadata } = await readHandoff(reportFile);
    return { run: run as WorkflowRun, reportFile, report, metadata };
  } catch (error) {
    if (error instanceof HandoffError) throw new SetupError(`the report cannot be used: ${error.message}`);
    throw error;
  }
}

/** Why the report must not be posted for this repository and run, if it must not. */
function reportMismatch(metadata: PullRequestMetadata, run: WorkflowRun, context: GitHubContext): string | undefined {
  if (metadata.repository.toLowerCase() !== `${context.owner}/${context.repo}`.toLowerCase()) return `the report is for ${metadata.repository}, not this repository`;
  if (metadata.headSha !== run.head_sha) return `the report is for commit ${metadata.headSha.slice(0, 7)}, but the run that triggered this one was for ${run.head_sha.slice(0, 7)}`;
  return undefined;
}

/**
 * Step 2: the pull request to comment on, checked against GitHub (not only against the artifact,
 * which the PR's author controls): at exactly the reported commit, from the run's repository.
 */
async function verifiedPullRequest(reporter: PullRequestReporter, run: WorkflowRun): Promise<{ files?: PullRequestFile[]; problem?: string }> {
  const { octokit, target } = reporter;
  const pull = await reporter.attempt('read the pull request', () => octokit.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: target.pullNumber }));
  if (!pull) return { problem: 'it could not be read' };
  if (pull.data.head.sha !== run.head_sha) {
    return { problem: `pull request #${target.pullNumber} is at ${pull.data.head.sha.slice(0, 7)}, not at the reported commit ${run.head_sha.slice(0, 7)} (a newer run will report)` };
  }
  // A fork's pull request is named only by the artifact; another pull request at the same commit
  // (someone else's, from another repository) must not get this run's comments.
  const runHeadRepository = typeof run.head_repository?.full_name === 'string' ? run.head_repository.full_name : undefined;
  const pullHeadRepository = pull.data.head.repo?.full_name;
  if (runHeadRepository && pullHeadRepository && runHeadRepository.toLowerCase() !== pullHeadRepository.toLowerCase()) {
    return { problem: `pull request #${target.pullNumber} comes from ${pullHeadRepository}, not from ${runHeadRepository} where the reported run ran` };
  }
  const files = await reporter.attempt('list the changed files', () => listPullRequestFiles(octokit, target));
  return { files };
}

/**
 * `mode: report`: renders a report made by an earlier `pull_request` run into the comment and the
 * review. Nothing from the pull request runs.
 */
async function runReportMode(inputs: Inputs, context: GitHubContext, deps: Deps): Promise<void> {
  const core = deps.core;
  const { run, reportFile, report, metadata } = await readReport(inputs, context);
  core.setOutput('json-report', reportFile);
  const counts = setCountOutputs(core, report.findings);
  core.info(`Report of pull request #${metadata.pullNumber}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`);
  const linkBase = blobBase(context, run.head_sha, metadata.pathPrefix) ?? '';
  let changes = changeIndex({ delta: metadata.delta, pathPrefix: metadata.pathPrefix });
  const finish = async (extra?: string, outcome: PullRequestOutcome = {}): Promise<void> => {
    setPullRequestOutputs(core, outcome);
    const preface = summaryPreface([extra && escapeText(extra)]);
    const afterFindings = deltaMarkdown(metadata.delta, metadata.deltaNote);
    await writeSummary(core, renderMarkdown(report, { insecureHint: 'the action’s `insecure-registries` input', linkBase, preface, afterFindings, introduced: changes.known ? changes.introduced : undefined }));
    failIfNeeded(core, report.findings, inputs.failOn ?? 'error', report.errors);
  };
  const mismatch = reportMismatch(metadata, run, context);
  if (mismatch) {
    core.warning(`verify-images did not comment: ${mismatch}.`);
    return finish(`Not posted to the pull request: ${mismatch}.`);
  }
  if (!inputs.token) throw new SetupError('mode: report needs github-token');
  // Same-repository pull requests are named by the event; fork pull requests only by the artifact.
  const eventNumber = run.pull_requests?.[0]?.number;
  const target: PullRequestTarget = { owner: context.owner, repo: context.repo, pullNumber: typeof eventNumber === 'number' ? eventNumber : metadata.pullNumber };
  const reporter = new PullRequestReporter(core, makeOctokit(inputs.token, context, deps), target);
  const pull = await verifiedPullRequest(reporter, run);
  if (pull.problem) {
    if (!reporter.refused) core.warning(`verify-images did not comment: ${pull.problem}.`);
    return finish(`Not posted to the pull request: ${pull.problem}.`);
  }
  changes = changeIndex({ files: pull.files, delta: metadata.delta, pathPrefix: metadata.pathPrefix });
  const outcome = await reportToPullRequest(
    reporter,
    {
      result: report,
      delta: metadata.delta,
      deltaNote: metadata.deltaNote,
      changes,
      pathPrefix: metadata.pathPrefix,
      stickyKey: metadata.stickyKey,
      headSha: run.head_sha,
      linkBase,
      commitUrl: commitUrl(context),
      sourceLine: (file, line) => metadata.sourceLines[file]?.[String(line)],
      files: pull.files,
    },
    inputs,
    core,
  );
  await finish(reporter.refused ? 'The token could not write to the pull request.' : undefined, outcome);
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

/** The name `@github/local-action` calls (`npx @github/local-action run . src/github/run.ts .env.local-action`). */
export const run = runAction;
