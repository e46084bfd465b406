/**
 * What a reviewer sees: the action runs on the fixture pull request (a real git checkout, the
 * GitHub API faked and validated against its OpenAPI description), then its sticky comment, job
 * summary and review comments are rendered to HTML with a GFM renderer (markdown-it with raw HTML,
 * as GitHub allows it in comments) and opened in headless Chromium. The test looks at the page as
 * a browser lays it out: what comes first, what is collapsed, that code shows as code and no
 * backslash-escaped backtick is visible. Screenshots are kept in test-artifacts/screenshots/
 * (VERIFY_IMAGES_SCREENSHOTS overrides), one per surface.
 *
 * Needs Debian's `chromium` (`apt-get install chromium`); skipped with the reason without it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Bottleneck from 'bottleneck';
import MarkdownIt from 'markdown-it';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAction } from '../../src/github/run.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import nock from '../helpers/nock.js';
import { PULL_NUMBER, REPOSITORY, TestRepository, defaultInputs, stepEnvironment } from './harness.js';

const CHROMIUM = process.env.VERIFY_IMAGES_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`rendered.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set VERIFY_IMAGES_CHROMIUM)`);

export const SCREENSHOTS = process.env.VERIFY_IMAGES_SCREENSHOTS ?? path.join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

/** GitHub's comment look, closely enough to judge layout: system font, bordered tables, grey code. */
const STYLE = `
  body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
  .comment { width: 900px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
  .comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e; }
  .markdown-body { padding: 16px; }
  h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: 0 0 16px; }
  h3 { font-size: 1.25em; margin: 24px 0 16px; }
  table { border-collapse: collapse; display: block; overflow: auto; margin: 0 0 16px; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; vertical-align: top; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { background: rgba(129,139,152,.12); border-radius: 6px; padding: .2em .4em; font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre { background: #f6f8fa; border-radius: 6px; padding: 16px; }
  pre code { background: none; padding: 0; }
  blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
  details { margin: 0 0 16px; } summary { cursor: pointer; }
  a { color: #0969da; text-decoration: none; }
`;

const markdown = new MarkdownIt({ html: true, linkify: true });

function page(title: string, bodies: string[]): string {
  const comments = bodies.map((body) => `<div class="comment"><div class="comment-header">github-actions bot · ${title}</div><div class="markdown-body">${markdown.render(body)}</div></div>`);
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head><body>${comments.join('\n')}</body></html>`;
}

interface Surfaces {
  sticky: string;
  summary: string;
  reviews: string[];
  resolved: string;
}

const FAST_PACING = {
  throttle: { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }), notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }), retryAfterBaseValue: 1 },
  retry: { retryAfterBaseValue: 1 },
};

/** Runs the action on the fixture pull request, then on the head with the suggestion applied; returns what it posted. */
async function runFixturePullRequest(): Promise<Surfaces> {
  const repository = new TestRepository();
  const stepFiles = mkdtempSync(path.join(tmpdir(), 'verify-images-rendered-'));
  const github = new FakeGitHub(REPOSITORY);
  try {
    const baseSha = repository.commitSnapshot('base');
    const headSha = repository.commitSnapshot('head');
    github.addPull({ number: PULL_NUMBER, headSha, baseSha, files: repository.pullFiles(baseSha, headSha) });
    github.interceptWithNock('https://api.github.com');
    nock.disableNetConnect();
    const step = async (sha: string): Promise<string> => {
      repository.checkout(sha);
      github.addPull({ number: PULL_NUMBER, headSha: sha, baseSha, files: repository.pullFiles(baseSha, sha) });
      const eventPath = repository.writeEvent('pull_request.synchronize.json', (payload) => {
        payload.pull_request.head.sha = sha;
        payload.pull_request.base.sha = baseSha;
      });
      const summaryFile = path.join(stepFiles, 'summary.md');
      writeFileSync(summaryFile, '');
      writeFileSync(path.join(stepFiles, 'out'), '');
      const env = stepEnvironment({ repository, eventName: 'pull_request', eventPath, apiUrl: 'https://api.github.com', sha, outputFile: path.join(stepFiles, 'out'), summaryFile, inputs: defaultInputs() });
      const saved = { ...process.env };
      Object.assign(process.env, env);
      let log = "";
      const quiet = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((log += String(chunk)), true));
      try {
        await runAction({ fetch: globalThis.fetch, githubPacing: FAST_PACING });
      } finally {
        quiet.mockRestore();
        if (process.env.DUMP) console.log(log);
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
        process.exitCode = undefined;
      }
      return readFileSync(summaryFile, 'utf8');
    };
    const summary = await step(headSha);
    const sticky = github.issueComments[0].body;
    const reviews = github.reviewComments.map((comment) => comment.body);
    await step(repository.commitSnapshot('fixed'));
    const resolved = github.reviewComments.find((comment) => comment.body.startsWith('<!-- verify-images:resolved'))!.body;
    expect(github.violations).toEqual([]);
    return { sticky, summary, reviews, resolved };
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
    repository.cleanup();
    rmSync(stepFiles, { recursive: true, force: true });
  }
}

describe.skipIf(!haveChromium)('what a reviewer sees, rendered by a GFM renderer in headless Chromium', () => {
  let browser: BrowserContext;
  let surfaces: Surfaces;
  let profile: string;

  beforeAll(async () => {
    surfaces = await runFixturePullRequest();
    profile = mkdtempSync(path.join(tmpdir(), 'verify-images-chromium-'));
    // A fresh profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 940, height: 600 },
      deviceScaleFactor: 1,
      offline: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function open(name: string, bodies: string[]): Promise<Page> {
    const tab = await browser.newPage();
    const html = page(name, bodies);
    writeFileSync(path.join(SCREENSHOTS, `${name}.html`), html);
    // Offline: the page loads nothing (every link stays a link).
    await tab.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await tab.setContent(html, { waitUntil: 'load' });
    await tab.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    return tab;
  }

  /** Text a person sees: code elements' text apart, since a hostile name's backticks are shown there as written. */
  async function proseText(tab: Page): Promise<string> {
    return tab.evaluate(() => {
      const clone = document.body.cloneNode(true) as HTMLElement;
      for (const code of clone.querySelectorAll('code')) code.remove();
      return clone.innerText;
    });
  }

  it('the sticky comment leads with the error this pull request introduced, and collapses the rest', async () => {
    const tab = await open('sticky-comment', [surfaces.sticky]);
    const headings = await tab.locator('h3').allInnerTexts();
    expect(headings[0]).toBe('Introduced by this pull request');
    // The first table's rows, as laid out: the error first, then the warnings.
    const firstTable = tab.locator('table').first();
    const rows = await firstTable.locator('tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(/^❌\s+docker-compose\.yml:9\s+ngnix:latest\s+❌ typosquat: ngnix looks like the official image nginx/);
    expect(rows.slice(1).every((row) => row.startsWith('⚠️'))).toBe(true);
    // Above the fold: the verdict and the error, before any pre-existing finding or the delta.
    const errorRow = await firstTable.locator('tbody tr').first().boundingBox();
    expect(errorRow!.y + errorRow!.height).toBeLessThan(600);
    // Pre-existing findings are collapsed: their table is not laid out until opened.
    const preexisting = tab.locator('details', { hasText: 'Pre-existing findings: 1 warning' });
    await expect.poll(() => preexisting.locator('table').isVisible()).toBe(false);
    expect(await preexisting.locator('summary').isVisible()).toBe(true);
    // Code is code: names in messages are <code> elements, and no escaped backtick is visible.
    expect(await firstTable.locator('tbody tr').first().locator('code').allInnerTexts()).toEqual(expect.arrayContaining(['ngnix', 'nginx', 'nginx:latest']));
    expect(await proseText(tab)).not.toMatch(/\\`|`/);
    // The delta pairs the changed tag with the line it replaced.
    expect(await tab.locator('li', { hasText: 'new tag' }).innerText()).toBe('🔄 new tag: docker.io/library/redis:7.2 (was docker-compose.yml:13) → docker.io/library/redis:7.4-alpine (docker-compose.yml:14)');
    await tab.close();
  });

  it('the job summary has the same order: introduced errors first, pre-existing collapsed', async () => {
    const tab = await open('job-summary', [surfaces.summary]);
    const text = await tab.locator('body').innerText();
    expect(text.indexOf('Introduced by this pull request')).toBeLessThan(text.indexOf('Supply-chain delta'));
    expect((await tab.locator('table').first().locator('tbody tr').first().innerText()).startsWith('❌')).toBe(true);
    expect(await proseText(tab)).not.toMatch(/\\`|`/);
    await tab.close();
  });

  it('review comments: one per line, each with the line’s one suggestion', async () => {
    const lines = surfaces.reviews.map((body) => /^<!-- verify-images:line (\d+) /.exec(body)?.[1]);
    expect(new Set(lines).size).toBe(surfaces.reviews.length);
    const squat = surfaces.reviews.find((body) => body.includes('typosquat'))!;
    const tab = await open('review-comment', [squat, ...surfaces.reviews.filter((body) => body !== squat)]);
    const first = tab.locator('.markdown-body').first();
    expect(await first.locator('p').first().innerText()).toBe('❌ Error · verify-images typosquat');
    expect(await first.locator('code', { hasText: 'ngnix' }).count()).toBe(1);
    expect(await first.locator('pre code.language-suggestion').innerText()).toBe('    image: nginx:latest\n');
    expect(await tab.locator('pre code.language-suggestion').count()).toBe(1);
    expect(await proseText(tab)).not.toMatch(/\\`/);
    await tab.close();
  });

  it('a resolved comment links the commit that resolved it', async () => {
    const tab = await open('resolved-comment', [surfaces.resolved]);
    const link = tab.locator('a', { hasText: /^[0-9a-f]{7}$/ });
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/github\.com\/acme\/shop\/commit\/[0-9a-f]{40}$/);
    expect(await tab.locator('pre').count()).toBe(0);
    await tab.close();
  });
});
