/** The shipped example workflows and the documentation's snippets must match the action they call. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METADATA_FILE, REPORT_FILE } from '../../src/github/handoff.js';

const root = path.join(import.meta.dirname, '..', '..');
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown>; runs: Record<string, string> };

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
  if?: string;
}
type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }> };

function workflow(file: string): Workflow {
  return parse(readFileSync(path.join(root, file), 'utf8')) as Workflow;
}

function verifySteps(parsed: Workflow): Step[] {
  return Object.values(parsed.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.startsWith('verify-images/verify-images@')));
}

function documentedWorkflows(): Workflow[] {
  const text = readFileSync(path.join(root, 'docs', 'github-action.md'), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1]) as Workflow);
}

describe('example workflows', () => {
  const all = [workflow('docs/workflows/verify-images.yml'), workflow('docs/workflows/verify-images-comment.yml'), ...documentedWorkflows()];

  it('use only inputs action.yml declares, and outputs it sets', () => {
    for (const parsed of all) {
      for (const step of verifySteps(parsed)) for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
      const text = JSON.stringify(parsed);
      for (const [, output] of text.matchAll(/steps\.verify\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(output);
    }
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
  });

  it('hand the report from the pull_request run to the workflow_run run under the names the action uses', () => {
    const scan = workflow('docs/workflows/verify-images.yml');
    const comment = workflow('docs/workflows/verify-images-comment.yml');
    const upload = scan.jobs['verify-images'].steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with!.path).toBe('${{ runner.temp }}/verify-images/');
    const download = comment.jobs.comment.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with!.name).toBe(upload.with!.name);
    expect(download.with!['run-id']).toBe('${{ github.event.workflow_run.id }}');
    const report = verifySteps(comment)[0].with!;
    expect(report.mode).toBe('report');
    expect(report.report).toBe(`${download.with!.path}/${REPORT_FILE}`);
    expect(METADATA_FILE).toBe('verify-images-pull-request.json');
    expect((comment.on.workflow_run as { workflows: string[] }).workflows).toEqual([(parse(readFileSync(path.join(root, 'docs/workflows/verify-images.yml'), 'utf8')) as { name: string }).name]);
  });

  it('give the job that runs pull-request code no write access to the pull request, and the commenting job no checkout', () => {
    const scan = workflow('docs/workflows/verify-images.yml');
    expect(scan.jobs['verify-images'].permissions).not.toHaveProperty('pull-requests');
    const comment = workflow('docs/workflows/verify-images-comment.yml');
    expect(comment.permissions).toEqual({});
    expect(comment.jobs.comment.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    expect(comment.jobs.comment.steps.some((step) => step.uses?.startsWith('actions/checkout@'))).toBe(false);
  });
});
