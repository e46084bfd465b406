import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model.js';
import { escapeText, inlineCode, renderMarkdown } from '../../src/report/markdown.js';

const result = JSON.parse(readFileSync(new URL('../fixtures/report/scan-result.json', import.meta.url), 'utf8')) as ScanResult;

describe('Markdown report', () => {
  const markdown = renderMarkdown(result, { linkBase: 'https://github.com/o/r/blob/abc123/' });

  it('leads with counts by severity, not counting suppressed findings', () => {
    expect(markdown).toContain('❌ 3 errors · ⚠️ 1 warning · ℹ️ 1 note');
    expect(markdown).toContain('1 suppressed finding not counted.');
  });

  it('lists one row per line, errors first, with links to the line and the line’s fix', () => {
    expect(markdown).toContain('<a href="https://github.com/o/r/blob/abc123/docker-compose.yml#L10"><code>docker\\-compose\\.yml&#58;10</code></a>');
    const rows = markdown.split('\n').filter((line) => /^\| (❌|⚠️|ℹ️) \| <a /.test(line));
    expect(rows.map((row) => row.slice(2, 4).trim())).toEqual(['❌', '❌', '❌', 'ℹ️']);
    const squat = rows.find((row) => row.includes('docker\\-compose\\.yml&#58;10'))!;
    expect(squat).toContain('❌ **typosquat**');
    expect(squat.indexOf('typosquat')).toBeLessThan(squat.indexOf('mutable-tag'));
    expect(squat.endsWith('<br>**Fix:** <code>nginx&#58;latest</code> |')).toBe(true);
  });

  it('renders code quoted in messages as code, not as escaped backticks', () => {
    expect(markdown).toContain('<code>ngnix</code> looks like the official image <code>nginx</code>');
    // Outside code spans (where a hostile image name's backticks are shown as written), no escaped backtick.
    expect(markdown.replace(/<code>[^<]*<\/code>/g, '')).not.toContain('\\`');
    expect(markdown).toContain('add it to <code>trusted\\.images</code> in the policy file');
  });

  it('on pull requests, leads with what the pull request introduced and collapses the rest with counts', () => {
    const pr = renderMarkdown(result, { introduced: (finding) => finding.file === 'k8s/deployment.yaml', afterFindings: '**Supply-chain delta of this pull request**' });
    // The suppressed `unpinned` on the introduced line is silenced by this pull request: counted apart, never hidden.
    expect(pr).toContain('**This pull request:** ❌ 1 error · ⚠️ 0 warnings · ℹ️ 0 notes · 🔕 1 finding suppressed by comments it adds · pre-existing: 2 errors, 1 warning, 1 note');
    const introduced = pr.indexOf('### Introduced by this pull request');
    const preexisting = pr.indexOf('<details><summary>Pre-existing findings: 2 errors, 1 warning, 1 note</summary>');
    expect(introduced).toBeGreaterThan(0);
    expect(pr.indexOf('bitnarni')).toBeGreaterThan(introduced);
    expect(pr.indexOf('bitnarni')).toBeLessThan(preexisting);
    expect(pr.indexOf('ngnix')).toBeGreaterThan(preexisting);
    expect(pr.indexOf('Supply-chain delta')).toBeGreaterThan(preexisting);
  });

  it('lists each finding an inline comment the pull request adds suppresses, with its reason', () => {
    const squat = result.findings.find((finding) => finding.rule === 'typosquat' && finding.file === 'docker-compose.yml')!;
    const silenced: ScanResult = {
      ...result,
      findings: [...result.findings.filter((finding) => finding !== squat), { ...squat, suppressed: { kind: 'inline', line: squat.line - 1 } }],
    };
    // Only the comment's line is the pull request's: the image line above which it was added is old.
    const addedComment = renderMarkdown(silenced, { introduced: (finding) => finding.file === squat.file && finding.line === squat.line - 1 });
    expect(addedComment).toContain('**This pull request:** ✅ no new findings · 🔕 1 finding suppressed by comments it adds');
    const section = addedComment.slice(addedComment.indexOf('### Suppressed by this pull request'));
    expect(section).toContain('- ❌ **typosquat** at <code>docker\\-compose\\.yml&#58;10</code> <code>ngnix&#58;latest</code>');
    expect(section).toContain('Reason: _none given_.');
    // A suppression that was already there before the pull request is not its news.
    const old = renderMarkdown(silenced, { introduced: () => false });
    expect(old).not.toContain('Suppressed by this pull request');
    expect(old).not.toContain('🔕');
  });

  it('says what an offline run did not verify instead of counting images as checked', () => {
    const offline = renderMarkdown({ ...result, occurrences: result.occurrences.map(({ resolution: _r, signature: _s, ...occurrence }) => occurrence) });
    expect(offline).toContain('not verified (offline): that they exist, what their tags point to, and their signatures.');
    expect(offline).not.toContain('checked against their registries');
  });

  it('lists each image with its verification state and signer, collapsed', () => {
    expect(markdown).toMatch(/<details><summary>Images \(5\)<\/summary>/);
    expect(markdown).toContain(
      '| <code>ghcr\\.io/example/web&#58;1\\.4\\.2&#64;sha256&#58;2222222222222222222222222222222222222222222222222222222222222222</code> | ✅ yes | ✅ yes | ✅ yes',
    );
    expect(markdown).toContain('release\\.yml&#64;&#8203;refs/heads/main');
    expect(markdown).toContain('| <code>docker\\.io/bitnarni/redis&#58;7\\.2</code> | ❌ no | ✅ yes | ➖ not checked |');
  });

  it('tells an image built here from one no signature rule names', () => {
    const base = { file: 'compose.yaml', column: 12, kind: 'compose' as const, context: 'services.x.image' };
    const table = renderMarkdown({
      schemaVersion: 1,
      occurrences: [
        { ...base, line: 3, raw: 'acme/web:dev', reference: 'docker.io/acme/web:dev', local: true },
        {
          ...base,
          line: 5,
          raw: 'redis:7',
          reference: 'docker.io/library/redis:7',
          resolution: { status: 'ok', tagDigest: `sha256:${'3'.repeat(64)}` },
          signature: { status: 'not-required', signatures: [] },
        },
      ],
      findings: [],
      errors: [],
    });
    expect(table).toContain('| <code>docker\\.io/acme/web&#58;dev</code> | n/a (built here) | n/a (built here) | n/a (built here) |');
    expect(table).toContain('| <code>docker\\.io/library/redis&#58;7</code> | ❌ no | ✅ yes | ➖ not required by the policy |');
  });

  it('cannot be injected by repository-controlled text', () => {
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toMatch(/\]\(javascript:/);
    expect(markdown).not.toContain('[link](http://evil)');
    expect(markdown).not.toMatch(/(^|[^;])@octocat/);
    expect(markdown).not.toMatch(/(^|[^;])#1\b/);
    // Every table row still has exactly its cell separators (3 columns of findings, 5 of images): no `|` from the data splits a cell.
    const rows = markdown.split('\n').filter((line) => line.startsWith('| ') && line.includes('<code>evil'));
    expect(rows.length).toBe(2);
    for (const row of rows) expect(row.split('|').length).toBe(row.startsWith('| ❌') ? 5 : 7);
    expect(markdown).toContain('<code>evil&#124;&lt;img src=x onerror=alert\\(1\\)&gt;\\.yaml&#58;3</code>');
    expect(markdown).toContain('<code>\\`\\*\\*&#64;octocat\\*\\* \\[x\\]\\(javascript&#58;alert\\(1\\)\\) &#35;1\\`</code>');
    expect(markdown).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('escapes every Markdown metacharacter in plain text and keeps backticks inside code', () => {
    expect(escapeText('*a* _b_ [c](d) `e` <f> @g #1 | http://x')).toBe(
      '\\*a\\* \\_b\\_ \\[c\\]\\(d\\) \\`e\\` &lt;f&gt; &#64;&#8203;g &#35;&#8203;1 &#124; http&#58;//x',
    );
    expect(inlineCode('a`b</code><b>')).toBe('<code>a\\`b&lt;/code&gt;&lt;b&gt;</code>');
  });

  it('says so briefly when there is nothing to report', () => {
    const clean = renderMarkdown({ schemaVersion: 1, occurrences: [], findings: [], errors: [] });
    expect(clean).toContain('No findings.');
    expect(clean).not.toContain('<details>');
  });

  it('says once per registry what could not be verified, with the way to allow plain HTTP where it is read', () => {
    const occurrence = (line: number, reference: string, message: string, errorCode: string) => ({
      file: 'compose.yaml', line, column: 12, kind: 'compose' as const, raw: reference, reference,
      resolution: { status: 'error' as const, errorCode, message },
    });
    const report = renderMarkdown(
      {
        schemaVersion: 1,
        occurrences: [
          occurrence(1, 'docker.io/library/a:1', 'timed out', 'timeout'),
          occurrence(2, 'docker.io/library/b:1', 'timed out', 'timeout'),
          occurrence(3, '10.0.0.5:5000/team/app:1', 'network error (ERR_SSL_WRONG_VERSION_NUMBER)', 'network'),
        ],
        findings: [],
        errors: [],
      },
      { insecureHint: 'the action’s `insecure-registries` input' },
    );
    expect(report).toContain('> ⚠️ docker\\.io unreachable \\(timeout\\)&#58; 2 images not verified\n');
    expect(report).toContain('list 10\\.0\\.0\\.5&#58;5000 in the action’s <code>insecure\\-registries</code> input');
    expect(report.replace(/<code>[^<]*<\/code>/g, '')).not.toContain('\\`');
  });
});
