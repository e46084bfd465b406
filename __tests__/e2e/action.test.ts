/**
 * The bundled action (dist/action.js) as the runner starts it: a separate Node process (Node 24
 * in CI through VERIFY_IMAGES_NODE) with the step's environment, talking over HTTP to a stand-in
 * GitHub API on 127.0.0.1 whose every request is checked against GitHub's REST API description.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { PULL_NUMBER, REPOSITORY, TestRepository, defaultInputs, readOutputs, stepEnvironment, workflowCommands } from '../github/harness.js';

const bundle = path.join(import.meta.dirname, '..', '..', 'dist', 'action.js');
const node = process.env.VERIFY_IMAGES_NODE ?? process.execPath;
const skipReason = existsSync(bundle) ? undefined : 'dist/action.js does not exist: run `npm run build` first';

interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

function runBundledStep(env: Record<string, string>, files: { outputFile: string; summaryFile: string }): Promise<StepRun> {
  writeFileSync(files.outputFile, '');
  writeFileSync(files.summaryFile, '');
  // Only what a runner passes: PATH and HOME for git, the step's variables, no proxy.
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...env, NO_PROXY: '127.0.0.1' };
  return new Promise((resolve) => {
    execFile(node, [bundle], { env: childEnv, cwd: env.GITHUB_WORKSPACE, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, outputs: readOutputs(files.outputFile), summary: readFileSync(files.summaryFile, 'utf8') });
    });
  });
}

describe.skipIf(skipReason !== undefined)(`bundled action ${skipReason ? `(skipped: ${skipReason})` : ''}`, () => {
  let repository: TestRepository;
  let github: FakeGitHub;
  let server: Server;
  let apiUrl: string;
  let stepDir: string;
  let baseSha: string;
  let headSha: string;

  beforeEach(async () => {
    repository = new TestRepository();
    baseSha = repository.commitSnapshot('base');
    headSha = repository.commitSnapshot('head');
    repository.checkout(headSha);
    github = new FakeGitHub(REPOSITORY);
    github.pageSize = 2;
    github.addPull({ number: PULL_NUMBER, headSha, baseSha, files: repository.pullFiles(baseSha, headSha) });
    ({ url: apiUrl, server } = await github.listen());
    stepDir = mkdtempSync(path.join(tmpdir(), 'verify-images-e2e-step-'));
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    repository.cleanup();
    rmSync(stepDir, { recursive: true, force: true });
    expect(github.violations).toEqual([]);
  });

  function pullRequestStep(inputs: Record<string, string> = {}) {
    const eventPath = repository.writeEvent('pull_request.synchronize.json', (payload) => {
      payload.pull_request.head.sha = headSha;
      payload.pull_request.base.sha = baseSha;
    });
    const files = { outputFile: path.join(stepDir, 'output'), summaryFile: path.join(stepDir, 'summary.md') };
    const env = stepEnvironment({ repository, eventName: 'pull_request', eventPath, apiUrl, sha: headSha, ...files, inputs: defaultInputs(inputs) });
    return { env, files };
  }

  it('comments, reviews, annotates, writes outputs and the summary, and fails the step on an error finding', async () => {
    const { env, files } = pullRequestStep({ 'sarif-file': 'verify-images.sarif' });
    const step = await runBundledStep(env, files);

    expect(step.stderr).toBe('');
    expect(step.code).toBe(1);
    expect(github.issueComments).toHaveLength(1);
    expect(github.issueComments[0].body).toMatch(/^<!-- verify-images:sticky -->\n## verify-images\n\n/);
    expect(github.issueComments[0].body).toContain('Supply-chain delta of this pull request');
    expect(github.reviews).toHaveLength(1);
    // Review comments on the lines the pull request adds (the layout is tested in-process, in __tests__/github).
    expect(new Set(github.reviewComments.map((comment) => `${comment.path}:${comment.line}`))).toEqual(
      new Set(['.devcontainer/devcontainer.json:4', 'docker-compose.yml:9', 'docker-compose.yml:14', 'docker-compose.yml:16']),
    );
    expect(github.reviewComments.find((comment) => comment.body.includes('`typosquat`'))!.body).toContain('```suggestion\n    image: nginx:latest\n```');
    // `ngnix:latest` and `redis` are one finding each beside the typosquat (unpinned supersedes mutable-tag).
    expect(step.outputs).toMatchObject({ errors: '1', warnings: '4', notes: '0', 'sarif-file': path.join(repository.workspace, 'verify-images.sarif') });
    expect(JSON.parse(readFileSync(step.outputs['json-report'], 'utf8')).schemaVersion).toBe(1);
    expect(existsSync(step.outputs['sarif-file'])).toBe(true);
    expect(workflowCommands(step.stdout, 'error')[0].properties).toMatchObject({ file: 'docker-compose.yml', line: '9', col: '12' });
    expect(workflowCommands(step.stdout, 'error').at(-1)!.message).toBe('verify-images: 1 error, 4 warnings (fail-on: error); see the annotations and the job summary.');
    expect(step.summary).toContain('## verify-images');
    expect(step.summary).toContain('<summary>Images (');
    // The token is only ever named to the runner to be masked.
    expect(step.stdout.split('\n').filter((line) => line.includes('ghs_testtoken0123456789'))).toEqual(['::add-mask::ghs_testtoken0123456789']);
  });

  it('a second run of the same commit writes nothing to the pull request', async () => {
    const { env, files } = pullRequestStep();
    await runBundledStep(env, files);
    const writes = github.writes().length;
    const comments = github.reviewComments.length;
    const step = await runBundledStep(env, files);
    expect(step.code).toBe(1);
    expect(github.writes()).toHaveLength(writes);
    expect(github.issueComments).toHaveLength(1);
    expect(github.reviewComments).toHaveLength(comments);
  });

  it('with a read-only token warns, keeps annotations and summary, and passes with fail-on: never', async () => {
    github.readOnly = true;
    const { env, files } = pullRequestStep({ 'fail-on': 'never' });
    const step = await runBundledStep(env, files);
    expect(step.code).toBe(0);
    expect(github.issueComments).toHaveLength(0);
    expect(workflowCommands(step.stdout, 'warning').some((command) => command.message.includes('read-only token'))).toBe(true);
    expect(workflowCommands(step.stdout, 'error')).toHaveLength(1);
    expect(step.summary).toContain('## verify-images');
  });
});
