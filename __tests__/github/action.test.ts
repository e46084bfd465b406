/**
 * The action end to end in-process: the environment GitHub sets (event payload file, INPUT_*,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), a real git checkout as the workspace (so the base commit is
 * really fetched and scanned), and a stateful GitHub API served through nock whose every request
 * is validated against GitHub's published REST API description.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Bottleneck from 'bottleneck';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAction } from '../../src/github/run.js';
import { inShard } from '../../src/shard.js';
import { escapeText, inlineCode } from '../../src/report/markdown.js';
import { ACTIONS_BOT, FakeGitHub, PERSON } from '../helpers/fake-github.js';
import nock from '../helpers/nock.js';
import { PULL_NUMBER, REPOSITORY, TestRepository, defaultInputs, readOutputs, stepEnvironment, workflowCommands } from './harness.js';

// @actions/core remembers the summary file's path after its first write: one file for this module.
const stepFiles = mkdtempSync(path.join(tmpdir(), 'verify-images-step-'));
const summaryFile = path.join(stepFiles, 'step-summary.md');
const outputFile = path.join(stepFiles, 'output.txt');
afterAll(() => rmSync(stepFiles, { recursive: true, force: true }));

/** Octokit's retry and throttling plugins stay on, with GitHub's waits (1 s between writes, retry-after seconds) made milliseconds. */
const FAST_PACING = {
  throttle: {
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    retryAfterBaseValue: 1,
  },
  retry: { retryAfterBaseValue: 1 },
};

interface StepResult {
  stdout: string;
  failed: boolean;
  outputs: Record<string, string>;
  summary: string;
  /** What the registry client would read, as the step left it. */
  credentialsEnv: string | undefined;
}

async function runStep(env: Record<string, string>): Promise<StepResult> {
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  process.exitCode = undefined;
  let credentialsEnv: string | undefined;
  try {
    await runAction({ fetch: globalThis.fetch, githubPacing: FAST_PACING });
  } finally {
    credentialsEnv = process.env.VERIFY_IMAGES_REGISTRY_CREDENTIALS;
    spy.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  const failed = process.exitCode === 1;
  process.exitCode = undefined;
  return { stdout, failed, outputs: readOutputs(outputFile), summary: readFileSync(summaryFile, 'utf8'), credentialsEnv };
}

let repository: TestRepository;
let github: FakeGitHub;
let baseSha: string;
let headSha: string;

beforeEach(() => {
  repository = new TestRepository();
  baseSha = repository.commitSnapshot('base');
  headSha = repository.commitSnapshot('head');
  repository.checkout(headSha);
  github = new FakeGitHub(REPOSITORY);
  // Two per page: every list the action reads spans several pages and must follow Link headers.
  github.pageSize = 2;
  github.addPull({ number: PULL_NUMBER, headSha, baseSha, files: repository.pullFiles(baseSha, headSha) });
  github.interceptWithNock('https://api.github.com');
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  repository.cleanup();
  expect(github.violations).toEqual([]);
});

function pullRequestEnv(inputs: Record<string, string> = {}, head = headSha): Record<string, string> {
  const eventPath = repository.writeEvent('pull_request.synchronize.json', (payload) => {
    payload.pull_request.head.sha = head;
    payload.pull_request.base.sha = baseSha;
    payload.after = head;
  });
  return stepEnvironment({ repository, eventName: 'pull_request', eventPath, apiUrl: 'https://api.github.com', sha: head, outputFile, summaryFile, inputs: defaultInputs(inputs) });
}

/** The environment of the `workflow_run` job of the fork setup, rendering a report with `mode: report`. */
function workflowRunEnv(eventPath: string, inputs: Record<string, string>): Record<string, string> {
  return stepEnvironment({
    repository,
    eventName: 'workflow_run',
    eventPath,
    apiUrl: 'https://api.github.com',
    sha: 'a'.repeat(40),
    outputFile,
    summaryFile,
    inputs: defaultInputs({ mode: 'report', ...inputs }),
  });
}

/** Moves the pull request to a new head made from a snapshot, as a push to its branch does. */
function pushToPullRequest(snapshot: string): string {
  const sha = repository.commitSnapshot(snapshot);
  repository.checkout(sha);
  github.addPull({ number: PULL_NUMBER, headSha: sha, baseSha, files: repository.pullFiles(baseSha, sha) });
  return sha;
}

const byLine = (a: { line: number | null; body: string }, b: { line: number | null; body: string }) => (a.line ?? 0) - (b.line ?? 0) || a.body.localeCompare(b.body);

describe('on a pull request', () => {
  it('creates the sticky comment led by what the pull request introduced, and one review comment per changed line', async () => {
    const step = await runStep(pullRequestEnv());

    expect(github.issueComments).toHaveLength(1);
    const sticky = github.issueComments[0];
    expect(sticky.user).toEqual(ACTIONS_BOT);
    expect(sticky.body.startsWith('<!-- verify-images:sticky -->\n## verify-images\n\n**This pull request:** ❌ 1 error · ⚠️ 3 warnings · ℹ️ 0 notes · pre-existing: 1 warning\n')).toBe(true);
    // Introduced findings first, the error leading; the unchanged .gitlab-ci.yml finding collapsed below.
    const introduced = sticky.body.indexOf('### Introduced by this pull request');
    const preexisting = sticky.body.indexOf('<details><summary>Pre-existing findings: 1 warning</summary>');
    const rows = sticky.body.slice(introduced, preexisting).split('\n').filter((line) => line.startsWith('| ❌') || line.startsWith('| ⚠️'));
    expect(rows.map((row) => /<code>([^<]+)&#58;(\d+)<\/code><\/a>/.exec(row)!.slice(1).join(':'))).toEqual([
      'docker\\-compose\\.yml:9',
      '\\.devcontainer/devcontainer\\.json:4',
      'docker\\-compose\\.yml:14',
      'docker\\-compose\\.yml:16',
    ]);
    expect(rows[0]).toContain('❌ **typosquat**: <code>ngnix</code> looks like the official image <code>nginx</code>');
    expect(sticky.body.indexOf('.gitlab\\-ci\\.yml&#58;5')).toBeGreaterThan(preexisting);
    // The delta follows, read from the base commit (which the shallow checkout had to fetch).
    expect(sticky.body.indexOf('Supply-chain delta')).toBeGreaterThan(preexisting);
    expect(sticky.body).toContain(`➕ added ${inlineCode('docker.io/library/ngnix:latest')} (${inlineCode('docker-compose.yml:9')})`);
    expect(sticky.body).toContain(`➕ added ${inlineCode('docker.io/library/postgres:16.4')}`);
    expect(sticky.body).toContain(`🔄 new tag: ${inlineCode('docker.io/library/redis:7.2')} (was ${inlineCode('docker-compose.yml:13')}) → ${inlineCode('docker.io/library/redis:7.4-alpine')}`);
    expect(sticky.body).toContain(`➖ removed ${inlineCode('docker.io/library/nginx:1.25')} (was at ${inlineCode('docker-compose.yml:9')})`);
    expect(sticky.body).toContain(`https://github.com/acme/shop/blob/${headSha}/docker-compose.yml#L9`);
    expect(sticky.body).toContain('not verified (offline)');
    expect(sticky.body.replace(/<code>[^<]*<\/code>/g, '')).not.toContain('\\`');

    expect(github.reviews).toEqual([expect.objectContaining({ pull: PULL_NUMBER, commit_id: headSha, event: 'COMMENT' })]);
    const comments = [...github.reviewComments].sort(byLine);
    // One comment per added line with findings: the unchanged .gitlab-ci.yml line gets none.
    expect(comments.map((comment) => `${comment.path}:${comment.line}`)).toEqual([
      '.devcontainer/devcontainer.json:4',
      'docker-compose.yml:9',
      'docker-compose.yml:14',
      'docker-compose.yml:16',
    ]);
    for (const comment of comments) {
      expect(comment.side).toBe('RIGHT');
      expect(comment.body).toMatch(/^<!-- verify-images:line \d+ [a-z,-]+ -->\n/);
      expect(comment.body).not.toContain('\\`');
    }
    const squat = comments.find((comment) => comment.line === 9)!;
    // One finding per cause: pinning a look-alike name is no fix, so the line has the typosquat only.
    expect(squat.body.split('\n')[0]).toBe('<!-- verify-images:line 9 typosquat -->');
    expect(squat.body).toContain('```suggestion\n    image: nginx:latest\n```');
    expect(comments.filter((comment) => comment.body.includes('```suggestion'))).toHaveLength(1);

    // Pagination: PR files (3 files, 2 per page) and both comment lists were read through their Link headers.
    expect(github.requests.some((request) => request.path.endsWith('/pulls/42/files') && request.query.get('page') === '2')).toBe(true);

    expect(step.outputs).toMatchObject({ errors: '1', warnings: '4', notes: '0', 'comment-id': String(sticky.id), 'review-id': String(github.reviews[0].id) });
    expect(existsSync(step.outputs['json-report'])).toBe(true);
    expect(existsSync(path.join(path.dirname(step.outputs['json-report']), 'verify-images-pull-request.json'))).toBe(true);

    const errors = workflowCommands(step.stdout, 'error');
    expect(errors[0]).toEqual({
      properties: { title: 'verify-images: typosquat', file: 'docker-compose.yml', line: '9', endLine: '9', col: '12', endColumn: '24' },
      message: expect.stringContaining('ngnix'),
    });
    // filter-mode added: the finding on the unchanged line is not annotated; the summary lists it.
    expect(workflowCommands(step.stdout, 'warning').filter((command) => command.properties.file).map((command) => command.properties.file)).not.toContain('.gitlab-ci.yml');
    expect(workflowCommands(step.stdout, 'warning').filter((command) => command.properties.file)).toHaveLength(3);
    expect(step.summary).toContain('## verify-images');
    expect(step.summary.indexOf('### Introduced by this pull request')).toBeLessThan(step.summary.indexOf('Supply-chain delta of this pull request'));
    expect(step.summary).toContain('<summary>Images (');
    expect(step.failed).toBe(true);
    expect(errors.at(-1)!.message).toBe('verify-images: 1 error, 4 warnings (fail-on: error); see the annotations and the job summary.');
  });

  it('annotates every finding with filter-mode nofilter, the changed lines first', async () => {
    const step = await runStep(pullRequestEnv({ 'filter-mode': 'nofilter' }));
    const files = workflowCommands(step.stdout, 'warning')
      .filter((command) => command.properties.file)
      .map((command) => `${command.properties.file}:${command.properties.line}`);
    expect(files).toHaveLength(4);
    expect(files.at(-1)).toBe('.gitlab-ci.yml:5');
  });

  it('on a re-run posts nothing twice; applying the suggestion resolves the thread and opens none on that line', async () => {
    await runStep(pullRequestEnv());
    const stickyId = github.issueComments[0].id;
    const firstBodies = new Map(github.reviewComments.map((comment) => [comment.id, comment.body]));
    const writesAfterFirst = github.writes().length;

    await runStep(pullRequestEnv());
    expect(github.writes().length).toBe(writesAfterFirst);
    expect(github.issueComments).toHaveLength(1);
    expect(github.reviews).toHaveLength(1);

    const fixedSha = pushToPullRequest('fixed');
    const step = await runStep(pullRequestEnv({}, fixedSha));
    expect(github.issueComments.map((comment) => comment.id)).toEqual([stickyId]);
    expect(github.issueComments[0].body).not.toContain('ngnix');
    expect(github.requests.some((request) => request.method === 'PATCH' && request.path === `/repos/acme/shop/issues/comments/${stickyId}`)).toBe(true);

    // The comment on the "ngnix:latest" line is resolved in place; its text is kept below the verdict.
    const resolved = github.reviewComments.filter((comment) => comment.body.startsWith('<!-- verify-images:resolved '));
    expect(resolved).toHaveLength(1);
    expect([...github.resolvedThreads]).toEqual([resolved[0].id]);
    expect(resolved[0].body).toContain(`✅ Resolved in [\`${fixedSha.slice(0, 7)}\`](https://github.com/acme/shop/commit/${fixedSha}).`);
    expect(resolved[0].body).toContain('Still on this line: `unpinned`');
    expect(resolved[0].body).toContain('ngnix');
    expect(resolved[0].body).not.toContain('```suggestion');
    expect(firstBodies.has(resolved[0].id)).toBe(true);
    // The fixed line's remaining findings were already in the resolved comment: no new review, no new comment.
    expect(github.reviews).toHaveLength(1);
    expect(github.reviewComments).toHaveLength(4);
    expect(step.outputs['review-id']).toBe('');
    expect(step.outputs['comment-id']).toBe(String(stickyId));

    // And a later run leaves it that way.
    const writes = github.writes().length;
    await runStep(pullRequestEnv({}, fixedSha));
    expect(github.writes().length).toBe(writes);
  });

  it('keeps separate sticky comments per comment-key', async () => {
    await runStep(pullRequestEnv());
    await runStep(pullRequestEnv({ 'comment-key': 'strict' }));
    expect(github.issueComments.map((comment) => comment.body.split('\n')[0])).toEqual(['<!-- verify-images:sticky -->', '<!-- verify-images:sticky strict -->']);
  });

  it('as the shards of a matrix: one sticky comment each, and together every image once, the delta split alike', async () => {
    // The JSON report's path is the same for every step: read each right after its step.
    const images = (step: StepResult) => (JSON.parse(readFileSync(step.outputs['json-report'], 'utf8')) as { occurrences: Array<{ file: string; line: number; raw: string }> }).occurrences.map((o) => `${o.file}:${o.line} ${o.raw}`);
    const run = async (shard?: string) => {
      const step = await runStep(pullRequestEnv(shard ? { shard } : {}));
      return { images: images(step), warnings: Number(step.outputs.warnings) };
    };
    const whole = await run();
    const shards = [await run('1/2'), await run('2/2')];
    const markers = github.issueComments.map((comment) => comment.body.split('\n')[0]);
    expect(markers).toEqual(['<!-- verify-images:sticky -->', '<!-- verify-images:sticky shard-1-of-2 -->', '<!-- verify-images:sticky shard-2-of-2 -->']);
    expect(shards.every((part) => part.images.length > 0)).toBe(true);
    expect([...shards[0].images, ...shards[1].images].sort()).toEqual(whole.images.sort());
    expect(shards[0].warnings + shards[1].warnings).toBe(whole.warnings);
    // An image of the other shard's files is neither added nor removed in this shard's delta.
    const files = [...new Set(whole.images.map((image) => image.split(':')[0]))];
    const delta = (body: string) => body.split('\n').filter((line) => line.startsWith('- ➕') || line.startsWith('- ➖') || line.startsWith('- 🔄')).join('\n');
    const at = (file: string) => inlineCode(`${file}:`).slice(0, -'</code>'.length);
    for (const [index, comment] of github.issueComments.slice(1).entries()) {
      const shard = { index: index + 1, count: 2 };
      for (const file of files) if (!inShard(file, shard)) expect(delta(comment.body)).not.toContain(at(file));
    }
    // Together the shards' deltas are the whole delta.
    const lines = (body: string) => delta(body).split('\n').filter(Boolean);
    expect([...lines(github.issueComments[1].body), ...lines(github.issueComments[2].body)].sort()).toEqual(lines(github.issueComments[0].body).sort());
    expect(files.filter((file) => inShard(file, { index: 1, count: 2 })).length).toBeGreaterThan(0);
    expect(files.filter((file) => inShard(file, { index: 2, count: 2 })).length).toBeGreaterThan(0);
  });

  it('says briefly when everything is clean, and does not create a comment that was never needed', async () => {
    const cleanSha = pushToPullRequest('clean');
    const step = await runStep(pullRequestEnv({}, cleanSha));
    expect(step.failed).toBe(false);
    expect(github.issueComments).toHaveLength(0);
    expect(github.writes()).toEqual([]);
    expect(step.summary).toContain('No findings.');
  });

  it('does not call a pull request clean that only silences findings: the comment lists what its comments suppress', async () => {
    const silencedSha = pushToPullRequest('silenced');
    const step = await runStep(pullRequestEnv({}, silencedSha));
    // The suppression is the documented way out, so the check passes; the reviewer still sees it.
    expect(step.failed).toBe(false);
    expect(github.issueComments).toHaveLength(1);
    const body = github.issueComments[0].body;
    expect(body).toContain('**This pull request:** ✅ no new findings · 🔕 1 finding suppressed by comments it adds');
    expect(body).toContain('### Suppressed by this pull request');
    expect(body).toMatch(/- ❌ \*\*typosquat\*\* at .*docker\\-compose\\\.yml&#58;8.*Reason: our own proxy build\./);
    expect(step.summary).toContain('### Suppressed by this pull request');
  });

  it('turns an existing comment into the brief clean verdict and resolves every review comment', async () => {
    await runStep(pullRequestEnv());
    const cleanSha = pushToPullRequest('clean');
    // A token that may edit comments but not resolve threads: the comments are marked all the same.
    github.graphqlForbidden = true;
    const step = await runStep(pullRequestEnv({}, cleanSha));
    expect(step.stdout).toContain('The threads of resolved comments stay open: Resource not accessible by integration');
    expect(github.resolvedThreads.size).toBe(0);
    expect(github.issueComments).toHaveLength(1);
    const body = github.issueComments[0].body;
    expect(body).toMatch(/^<!-- verify-images:sticky -->\n## verify-images\n\n✅ No findings\. 1 image read; not verified \(offline\)/);
    expect(body).toContain('**Supply-chain delta');
    expect(body).not.toContain('### Introduced');
    expect(github.reviewComments.every((comment) => comment.body.startsWith('<!-- verify-images:resolved '))).toBe(true);
  });

  it('follows pagination to find its own comments among many, and leaves people’s comments alone', async () => {
    github.addIssueComment('Looks good to me', PERSON);
    github.addIssueComment('<!-- verify-images:sticky -->\nquoted by a person', PERSON);
    github.addIssueComment('Please pin the proxy', PERSON);
    github.addIssueComment('CI is green', PERSON);
    const earlier = github.addIssueComment('<!-- verify-images:sticky -->\n## verify-images\n\nold report', ACTIONS_BOT);
    // A finding already commented on by an earlier run, on the last page of review comments.
    await runStep(pullRequestEnv());
    const typosquat = github.reviewComments.find((comment) => comment.body.includes('`typosquat`'))!;
    expect(github.reviewComments).toHaveLength(4);
    github.reviewComments = [
      { ...typosquat, id: 1, body: 'A person’s comment', user: PERSON },
      { ...typosquat, id: 2, body: 'Another person’s comment', user: PERSON },
      { ...typosquat, id: 3, body: 'Third', user: PERSON },
      { ...typosquat, id: 4, body: 'Fourth', user: PERSON },
      typosquat,
    ];
    github.reviews = [];
    const requestsBefore = github.requests.length;
    await runStep(pullRequestEnv());

    expect(github.issueComments).toHaveLength(5);
    expect(github.issueComments[1].body).toBe('<!-- verify-images:sticky -->\nquoted by a person');
    expect(earlier.body).toContain('Supply-chain delta');
    const later = github.requests.slice(requestsBefore);
    expect(later.some((request) => request.path.endsWith('/issues/42/comments') && request.query.get('page') === '3')).toBe(true);
    expect(later.some((request) => request.path.endsWith('/pulls/42/comments') && request.query.get('page') === '3')).toBe(true);
    // Every other line is commented again (the fake lost those comments); the typosquat's line is not repeated.
    expect(github.reviews).toHaveLength(1);
    const posted = github.reviewComments.filter((comment) => comment.pull_request_review_id === github.reviews[0].id);
    expect(posted).toHaveLength(3);
    expect(posted.some((comment) => comment.body.includes('`typosquat`'))).toBe(false);
  });

  it('on a merge commit where the base branch moved lines, comments only where the scanned line is the pull request’s line', async () => {
    // main moved on after the pull request branched: two lines more at the top of docker-compose.yml.
    repository.git('checkout', '--quiet', '-b', 'main-moved', baseSha);
    const movedBaseSha = repository.commitSnapshot('base-moved');
    repository.git('merge', '--quiet', '--no-edit', headSha);
    const mergeSha = repository.git('rev-parse', 'HEAD').trim();
    repository.checkout(mergeSha);
    github.addPull({ number: PULL_NUMBER, headSha, baseSha: movedBaseSha, files: repository.pullFiles(baseSha, headSha) });
    const eventPath = repository.writeEvent('pull_request.synchronize.json', (payload) => {
      payload.pull_request.head.sha = headSha;
      payload.pull_request.base.sha = movedBaseSha;
    });
    const step = await runStep(stepEnvironment({ repository, eventName: 'pull_request', eventPath, apiUrl: 'https://api.github.com', sha: mergeSha, outputFile, summaryFile, inputs: defaultInputs() }));

    // In the merge commit redis is on line 16, which in the pull request's head is the postgres line.
    expect(github.reviewComments.map((comment) => `${comment.path}:${comment.line}`)).toEqual(['.devcontainer/devcontainer.json:4']);
    expect(step.stdout).toContain('1 on lines the base branch moved');
    // The delta is still the pull request's own change: the merge commit against the moved base.
    expect(github.issueComments[0].body).toContain(`🔄 new tag: ${inlineCode('docker.io/library/redis:7.2')} (was ${inlineCode('docker-compose.yml:15')}) → ${inlineCode('docker.io/library/redis:7.4-alpine')}`);
  });

  it('finds its own comments again when the token is a personal access token (comments by a user, not a bot)', async () => {
    github.actor = { login: 'acme-ci', type: 'User' };
    const quoting = github.addIssueComment('<!-- verify-images:sticky -->\nquoted by someone else', PERSON);
    await runStep(pullRequestEnv());
    const fixedSha = pushToPullRequest('fixed');
    await runStep(pullRequestEnv({}, fixedSha));
    expect(github.issueComments.map((comment) => comment.user.login)).toEqual(['octocat', 'acme-ci']);
    expect(quoting.body).toBe('<!-- verify-images:sticky -->\nquoted by someone else');
    expect(github.issueComments[1].body).not.toContain('ngnix');
    expect(github.reviewComments.filter((comment) => comment.body.startsWith('<!-- verify-images:resolved '))).toHaveLength(1);
    expect(github.reviewComments).toHaveLength(4);
    // The token's owner is asked once per run.
    expect(github.requests.filter((request) => request.path === '/user')).toHaveLength(2);
  });

  it('falls back to annotations and the summary when the token is read-only (403), without failing for it', async () => {
    github.readOnly = true;
    const step = await runStep(pullRequestEnv({ 'fail-on': 'never' }));
    expect(step.failed).toBe(false);
    expect(github.issueComments).toHaveLength(0);
    const refusals = github.requests.filter((request) => request.status === 403);
    expect(refusals).toHaveLength(1);
    const warnings = workflowCommands(step.stdout, 'warning').filter((command) => !command.properties.file);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('could not update the sticky comment on pull request #42 (HTTP 403');
    expect(warnings[0].message).toContain('read-only token');
    expect(workflowCommands(step.stdout, 'error').map((command) => command.properties.file)).toEqual(['docker-compose.yml']);
    expect(step.summary).toContain('The token could not write to this pull request, so this summary and the annotations are the report\\.');
  });

  it('retries a secondary rate limit and a server error, and never reports them as a read-only token', async () => {
    github.faults = [
      { method: 'POST', response: FakeGitHub.secondaryRateLimit(1) },
      { method: 'POST', response: FakeGitHub.serverError(502) },
      { method: 'GET', response: FakeGitHub.serverError(503) },
    ];
    const step = await runStep(pullRequestEnv({ 'fail-on': 'never' }));
    expect(github.faults).toEqual([]);
    expect(github.issueComments).toHaveLength(1);
    expect(github.reviews).toHaveLength(1);
    const attempts = github.requests.filter((request) => request.method === 'POST').map((request) => request.status);
    expect(attempts).toEqual([403, 502, 201, 200]);
    expect(step.stdout).toContain('GitHub secondary rate limit on POST');
    expect(step.stdout).not.toContain('read-only token');
    expect(workflowCommands(step.stdout, 'warning').filter((command) => !command.properties.file)).toEqual([]);
  });

  it('reports a rate limit that persists as what it is, not as a permission problem', async () => {
    github.faults = Array.from({ length: 6 }, () => ({ method: 'POST', response: FakeGitHub.secondaryRateLimit(1) }));
    const step = await runStep(pullRequestEnv({ 'fail-on': 'never', 'review-comments': 'false' }));
    const warnings = workflowCommands(step.stdout, 'warning').filter((command) => !command.properties.file);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain("GitHub's rate limit persisted after retries");
    expect(warnings[0].message).not.toContain('read-only');
  });

  it('still fails on findings at or above fail-on when the token is read-only', async () => {
    github.readOnly = true;
    const step = await runStep(pullRequestEnv({ 'fail-on': 'warning' }));
    expect(step.failed).toBe(true);
    expect(workflowCommands(step.stdout, 'error').at(-1)!.message).toBe('verify-images: 1 error, 4 warnings (fail-on: warning); see the annotations and the job summary.');
  });

  it('scans only the changed files with changed-files-only, on both sides of the delta', async () => {
    const step = await runStep(pullRequestEnv({ 'changed-files-only': 'true' }));
    const report = JSON.parse(readFileSync(step.outputs['json-report'], 'utf8')) as { occurrences: Array<{ file: string }> };
    expect([...new Set(report.occurrences.map((occurrence) => occurrence.file))].sort()).toEqual(['.devcontainer/devcontainer.json', 'docker-compose.yml']);
    expect(step.outputs.warnings).toBe('3');
    // python:3.12-slim is in an unchanged file: neither side saw it, so it is not "removed".
    expect(github.issueComments[0].body).not.toContain('python');
    expect(github.issueComments[0].body).toContain(escapeText('Only the 3 files this pull request changes were scanned (changed-files-only).'));
  });
});

describe('a pull request that changes the policy', () => {
  it('is checked with the base commit’s policy by default, and the loosening is a finding on the policy file', async () => {
    const loosenedSha = pushToPullRequest('head-loosened');
    const step = await runStep(pullRequestEnv({}, loosenedSha));
    const report = JSON.parse(readFileSync(step.outputs['json-report'], 'utf8')) as { findings: Array<{ rule: string; severity: string; file: string; line: number; message: string; suppressed?: unknown }> };
    // The typosquat the pull request tried to switch off is still an error, and still fails the check.
    expect(report.findings.some((finding) => finding.rule === 'typosquat' && finding.severity === 'error' && !finding.suppressed)).toBe(true);
    expect(step.failed).toBe(true);
    const loosened = report.findings.filter((finding) => finding.rule === 'policy-loosened');
    expect(loosened).toEqual([expect.objectContaining({ severity: 'warning', file: '.github/verify-images.yml', line: 1 })]);
    for (const phrase of ['disables the rule `typosquat`', 'lowers `unpinned` from warning to note', 'adds 1 ignore entry (rules `*`)', 'trusts `docker.io/library/ngnix`', 'base branch’s policy']) {
      expect(loosened[0].message).toContain(phrase);
    }
    const annotation = workflowCommands(step.stdout, 'warning').find((command) => command.properties.title === 'verify-images: policy-loosened')!;
    expect(annotation.properties.file).toBe('.github/verify-images.yml');
    // A new file's first line is in the diff: the review carries it too, and the comment lists it first among what the PR introduced.
    expect(github.reviewComments.some((comment) => comment.path === '.github/verify-images.yml' && comment.body.includes('`policy-loosened`'))).toBe(true);
    expect(github.issueComments[0].body).toContain('**policy-loosened**');
  });

  it('with policy-source: head uses the pull request’s policy, and the loosening is an error', async () => {
    const loosenedSha = pushToPullRequest('head-loosened');
    const step = await runStep(pullRequestEnv({ 'policy-source': 'head' }, loosenedSha));
    const report = JSON.parse(readFileSync(step.outputs['json-report'], 'utf8')) as { findings: Array<{ rule: string; severity: string; suppressed?: unknown }> };
    expect(report.findings.filter((finding) => !finding.suppressed).map((finding) => `${finding.rule}:${finding.severity}`)).toContain('policy-loosened:error');
    expect(report.findings.some((finding) => finding.rule === 'typosquat')).toBe(false);
    expect(step.failed).toBe(true);
  });

  it('puts the finding on the line the change adds, among what the pull request introduced', async () => {
    // The base branch has a policy; the pull request adds one line to it.
    baseSha = repository.commitSnapshot('base-with-policy');
    const editedSha = repository.commitSnapshot('head-policy-edited');
    repository.checkout(editedSha);
    github.addPull({ number: PULL_NUMBER, headSha: editedSha, baseSha, files: repository.pullFiles(baseSha, editedSha) });
    const step = await runStep(pullRequestEnv({}, editedSha));
    const report = JSON.parse(readFileSync(step.outputs['json-report'], 'utf8')) as { findings: Array<{ rule: string; line: number; message: string }> };
    expect(report.findings.find((finding) => finding.rule === 'policy-loosened')).toMatchObject({ line: 5, message: expect.stringContaining('disables the rule `typosquat`') });
    const body = github.issueComments[0].body;
    expect(body.indexOf('**policy-loosened**')).toBeLessThan(body.indexOf('<summary>Pre-existing'));
    expect(github.reviewComments.find((comment) => comment.path === '.github/verify-images.yml')).toMatchObject({ line: 5 });
  });

  it('annotates each problem of an invalid policy on its line, with the path from the workspace', async () => {
    const badSha = pushToPullRequest('head-bad-policy');
    const step = await runStep(pullRequestEnv({}, badSha));
    const errors = workflowCommands(step.stdout, 'error');
    expect(errors[0].properties).toMatchObject({ title: 'verify-images: invalid policy', file: '.github/verify-images.yml', line: '3' });
    expect(errors.at(-1)!.message).toMatch(/^verify-images: the policy \.github\/verify-images\.yml is invalid \(1 problem\)$/);
  });
});

describe('the two-workflow setup for fork pull requests', () => {
  it('renders the pull_request run’s report in a workflow_run run, after checking the pull request is at that commit', async () => {
    github.readOnly = true;
    const scanStep = await runStep(pullRequestEnv({ 'fail-on': 'never' }));
    expect(github.issueComments).toHaveLength(0);
    // The artifact, downloaded elsewhere in the report job.
    const artifact = path.join(repository.root, 'artifact');
    mkdirSync(artifact);
    for (const file of ['verify-images-report.json', 'verify-images-pull-request.json']) {
      writeFileSync(path.join(artifact, file), readFileSync(path.join(path.dirname(scanStep.outputs['json-report']), file)));
    }

    github.readOnly = false;
    const eventPath = repository.writeEvent('workflow_run.completed.json', (payload) => {
      payload.workflow_run.head_sha = headSha;
    });
    const emptyWorkspace = path.join(repository.root, 'report-workspace');
    mkdirSync(emptyWorkspace);
    const env = workflowRunEnv(eventPath, { report: path.join(artifact, 'verify-images-report.json') });
    env.GITHUB_WORKSPACE = emptyWorkspace;
    const step = await runStep(env);

    expect(github.requests.some((request) => request.method === 'GET' && request.path === '/repos/acme/shop/pulls/42')).toBe(true);
    expect(github.issueComments).toHaveLength(1);
    expect(github.issueComments[0].body).toContain('Supply-chain delta of this pull request');
    expect(github.reviewComments).toHaveLength(4);
    expect(github.reviewComments.find((comment) => comment.body.includes('`typosquat`'))!.body).toContain('```suggestion\n    image: nginx:latest\n```');
    expect(step.outputs).toMatchObject({ errors: '1', warnings: '4', 'comment-id': String(github.issueComments[0].id), 'review-id': String(github.reviews[0].id) });
    // The delta in the artifact tells what the pull request introduced, as in the scan run.
    const body = github.issueComments[0].body;
    expect(body.indexOf('### Introduced by this pull request')).toBeLessThan(body.indexOf('ngnix'));
    expect(body).toContain('<details><summary>Pre-existing findings: 1 warning</summary>');
    expect(step.failed).toBe(true);
  });

  it('does not comment when the pull request has moved on from the reported commit', async () => {
    const scanStep = await runStep(pullRequestEnv({ comment: 'off', 'review-comments': 'false' }));
    const newer = pushToPullRequest('fixed');
    expect(newer).not.toBe(headSha);
    const eventPath = repository.writeEvent('workflow_run.completed.json', (payload) => {
      payload.workflow_run.head_sha = headSha;
      payload.workflow_run.pull_requests = [{ number: PULL_NUMBER, head: { sha: headSha }, base: { sha: baseSha } }];
    });
    const env = workflowRunEnv(eventPath, { report: scanStep.outputs['json-report'], 'fail-on': 'never' });
    const step = await runStep(env);
    expect(github.writes()).toEqual([]);
    expect(workflowCommands(step.stdout, 'warning').map((command) => command.message)).toEqual([
      expect.stringContaining(`pull request #42 is at ${newer.slice(0, 7)}, not at the reported commit ${headSha.slice(0, 7)}`),
    ]);
    expect(step.summary).toContain('## verify-images');
  });

  it('does not comment on another pull request that happens to be at the same commit (its head is in another repository)', async () => {
    const scanStep = await runStep(pullRequestEnv({ comment: 'off', 'review-comments': 'false' }));
    // Someone else's pull request (from their fork) is at the commit the triggering run was for.
    github.pulls.get(PULL_NUMBER)!.headRepository = 'someone-else/shop';
    const eventPath = repository.writeEvent('workflow_run.completed.json', (payload) => {
      payload.workflow_run.head_sha = headSha;
    });
    const env = workflowRunEnv(eventPath, { report: scanStep.outputs['json-report'], 'fail-on': 'never' });
    const step = await runStep(env);
    expect(github.writes()).toEqual([]);
    expect(workflowCommands(step.stdout, 'warning').map((command) => command.message)).toEqual([
      expect.stringContaining('pull request #42 comes from someone-else/shop, not from contributor/shop'),
    ]);
  });

  it('refuses a report whose metadata names another commit than the triggering run', async () => {
    const scanStep = await runStep(pullRequestEnv({ comment: 'off', 'review-comments': 'false' }));
    const eventPath = repository.writeEvent('workflow_run.completed.json', (payload) => {
      payload.workflow_run.head_sha = baseSha;
    });
    const env = workflowRunEnv(eventPath, { report: scanStep.outputs['json-report'], 'fail-on': 'never' });
    const requestsBefore = github.requests.length;
    const step = await runStep(env);
    expect(github.requests.length).toBe(requestsBefore);
    expect(workflowCommands(step.stdout, 'warning')[0].message).toContain(`the report is for commit ${headSha.slice(0, 7)}`);
  });
});

describe('the fork hand-off refuses a report it must not use', () => {
  /** A scan run's report beside its metadata, in a fresh artifact folder, the metadata edited. */
  async function artifactFromScan(editMetadata: (metadata: Record<string, unknown>) => void = () => {}): Promise<string> {
    const scanStep = await runStep(pullRequestEnv({ comment: 'off', 'review-comments': 'false' }));
    const artifact = mkdtempSync(path.join(repository.root, 'artifact-'));
    const scanned = path.dirname(scanStep.outputs['json-report']);
    writeFileSync(path.join(artifact, 'verify-images-report.json'), readFileSync(path.join(scanned, 'verify-images-report.json')));
    const metadata = JSON.parse(readFileSync(path.join(scanned, 'verify-images-pull-request.json'), 'utf8')) as Record<string, unknown>;
    editMetadata(metadata);
    writeFileSync(path.join(artifact, 'verify-images-pull-request.json'), JSON.stringify(metadata));
    return path.join(artifact, 'verify-images-report.json');
  }

  async function reportStep(report: string): Promise<StepResult> {
    const eventPath = repository.writeEvent('workflow_run.completed.json', (payload) => {
      payload.workflow_run.head_sha = headSha;
    });
    const requestsBefore = github.requests.length;
    const step = await runStep(workflowRunEnv(eventPath, { report, 'fail-on': 'never' }));
    // Nothing is asked of GitHub, let alone written, for a report that is refused.
    expect(github.requests.length).toBe(requestsBefore);
    return step;
  }

  it('a report for another repository: no comment, and the warning says whose it is', async () => {
    const report = await artifactFromScan((metadata) => {
      metadata.repository = 'mallory/shop';
    });
    const step = await reportStep(report);
    expect(workflowCommands(step.stdout, 'warning').map((command) => command.message)).toEqual([
      'verify-images did not comment: the report is for mallory/shop, not this repository.',
    ]);
  });

  it('a report over the size bound, read no further than its size', async () => {
    const report = await artifactFromScan();
    truncateSync(report, 50 * 1024 * 1024 + 1);
    const step = await reportStep(report);
    expect(step.failed).toBe(true);
    expect(workflowCommands(step.stdout, 'error').map((command) => command.message)).toEqual([
      `verify-images: the report cannot be used: report: ${report} is larger than ${50 * 1024 * 1024} bytes`,
    ]);
  });

  it('a report that is not JSON', async () => {
    const report = await artifactFromScan();
    writeFileSync(report, '{"schemaVersion": 1, "findings": [');
    const step = await reportStep(report);
    expect(step.failed).toBe(true);
    expect(workflowCommands(step.stdout, 'error')[0].message).toMatch(/^verify-images: the report cannot be used: report: is not JSON \(/);
  });

  it('metadata that is not JSON', async () => {
    const report = await artifactFromScan();
    writeFileSync(path.join(path.dirname(report), 'verify-images-pull-request.json'), 'repository: acme/shop\n');
    const step = await reportStep(report);
    expect(step.failed).toBe(true);
    expect(workflowCommands(step.stdout, 'error')[0].message).toMatch(/^verify-images: the report cannot be used: verify-images-pull-request\.json: is not JSON \(/);
  });
});

describe('on push and workflow_dispatch', () => {
  for (const eventName of ['push', 'workflow_dispatch']) {
    it(`${eventName}: annotations, summary and SARIF, no pull-request calls`, async () => {
      const eventPath = repository.writeEvent('push.json', (payload) => {
        payload.after = headSha;
      });
      const step = await runStep(
        stepEnvironment({ repository, eventName, eventPath, apiUrl: 'https://api.github.com', sha: headSha, outputFile, summaryFile, inputs: defaultInputs({ 'sarif-file': 'results/verify-images.sarif' }) }),
      );
      expect(github.requests).toEqual([]);
      expect(step.outputs['sarif-file']).toBe(path.join(repository.workspace, 'results/verify-images.sarif'));
      const sarif = JSON.parse(readFileSync(step.outputs['sarif-file'], 'utf8')) as { runs: Array<{ results: unknown[] }> };
      expect(sarif.runs[0].results).toHaveLength(5);
      expect(workflowCommands(step.stdout, 'error')[0].properties.file).toBe('docker-compose.yml');
      expect(step.summary).toContain('## verify-images');
      expect(step.summary).not.toContain('Supply-chain delta');
      expect(step.failed).toBe(true);
    });
  }

  it('annotates at most 10 findings per level, most severe first, and says in the summary that the rest are listed there', async () => {
    const services = Array.from({ length: 12 }, (_, index) => `  app${index}:\n    image: registry.example.com/team/app${index}:1.0\n`).join('');
    writeFileSync(path.join(repository.workspace, 'many.compose.yml'), `services:\n${services}`);
    const eventPath = repository.writeEvent('push.json', () => undefined);
    const step = await runStep(stepEnvironment({ repository, eventName: 'push', eventPath, apiUrl: 'https://api.github.com', sha: headSha, outputFile, summaryFile, inputs: defaultInputs() }));
    const annotations = workflowCommands(step.stdout, 'warning').filter((command) => command.properties.file);
    expect(annotations).toHaveLength(10);
    expect(workflowCommands(step.stdout, 'error').filter((command) => command.properties.file)).toHaveLength(1);
    const warnings = Number(step.outputs.warnings);
    expect(warnings).toBeGreaterThan(10);
    expect(step.summary).toContain(escapeText(`Not shown as annotations: ${warnings - 10} findings over GitHub's limit of 10 annotations of each level per step. Every finding is listed below.`));
  });

  it('prefixes annotation and SARIF paths with the scanned directory inside the repository', async () => {
    // The whole checkout scanned from one level up: the repository is "workspace/", the path input points into it.
    const eventPath = repository.writeEvent('push.json', () => undefined);
    const env = stepEnvironment({ repository, eventName: 'push', eventPath, apiUrl: 'https://api.github.com', sha: headSha, outputFile, summaryFile, inputs: defaultInputs({ path: 'workspace', 'sarif-file': 'out.sarif' }) });
    env.GITHUB_WORKSPACE = repository.root;
    const step = await runStep(env);
    expect(workflowCommands(step.stdout, 'error')[0].properties.file).toBe('workspace/docker-compose.yml');
    const sarif = readFileSync(path.join(repository.root, 'out.sarif'), 'utf8');
    expect(sarif).toContain('"uri": "workspace/docker-compose.yml"');
  });
});

describe('setup problems', () => {
  it('fails with one line when the named policy file does not exist', async () => {
    const step = await runStep(pullRequestEnv({ config: 'missing.yml' }));
    expect(step.failed).toBe(true);
    expect(workflowCommands(step.stdout, 'error').at(-1)!.message).toBe('verify-images: the policy missing.yml is invalid (1 problem)');
    expect(github.requests).toEqual([]);
  });

  it('names an input path that is not a directory', async () => {
    const step = await runStep(pullRequestEnv({ path: 'no-such-dir' }));
    expect(step.failed).toBe(true);
    expect(workflowCommands(step.stdout, 'error').at(-1)!.message).toBe('verify-images: input path "no-such-dir" is not a directory of the workspace');
    expect(github.requests).toEqual([]);
  });

  it('rejects an invalid input value by name', async () => {
    const step = await runStep(pullRequestEnv({ 'fail-on': 'sometimes' }));
    expect(workflowCommands(step.stdout, 'error').at(-1)!.message).toBe('verify-images: input fail-on must be one of error, warning, note, never (got "sometimes")');
  });

  it('hands registry credentials to the registry client and masks the secrets', async () => {
    const credentials = 'registry.example.com:\n  username: ci\n  password: s3cr3t-pa55\nghcr.io:\n  username: bot\n  password: 123456\n';
    const step = await runStep(pullRequestEnv({ 'registry-credentials': credentials, comment: 'off', 'review-comments': 'false' }));
    expect(step.stdout).toContain('::add-mask::s3cr3t-pa55');
    expect(step.stdout).toContain('::add-mask::123456');
    expect(step.stdout).not.toContain('::add-mask::ci\n');
    expect(JSON.parse(step.credentialsEnv!)).toEqual({
      'registry.example.com': { username: 'ci', password: 's3cr3t-pa55' },
      'ghcr.io': { username: 'bot', password: '123456' },
    });
  });

  it('masks the secrets of VERIFY_IMAGES_REGISTRY_CREDENTIALS too, not only the whole variable', async () => {
    const env = pullRequestEnv({ comment: 'off', 'review-comments': 'false' });
    env.VERIFY_IMAGES_REGISTRY_CREDENTIALS = '{"registry.example.com": {"username": "ci", "password": "env-pa55word"}, "quay.io": {"identitytoken": "env-refresh-token"}}';
    const step = await runStep(env);
    expect(step.stdout).toContain('::add-mask::env-pa55word');
    expect(step.stdout).toContain('::add-mask::env-refresh-token');
    expect(step.stdout).not.toContain('::add-mask::ci\n');
  });

  it('refuses credentials the registry client cannot use, without echoing them', async () => {
    const step = await runStep(pullRequestEnv({ 'registry-credentials': '{"registry.example.com": {"password": "hunter2-secret"}}' }));
    expect(step.failed).toBe(true);
    const reason = workflowCommands(step.stdout, 'error').at(-1)!.message;
    expect(reason).toBe('verify-images: input registry-credentials: entry for "registry.example.com" needs "username" and "password" (or "identitytoken")');
    expect(step.stdout.split('\n').filter((line) => line.includes('hunter2-secret'))).toEqual(['::add-mask::hunter2-secret']);
  });
});
