import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { lineMarker, resolvedCommentBody, reviewCommentBody, suggestionBlock } from '../../src/github/review.js';
import { groupByLine } from '../../src/report/line-findings.js';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'typosquat',
    severity: 'error',
    file: 'docker-compose.yml',
    line: 9,
    column: 12,
    reference: 'docker.io/library/ngnix:latest',
    raw: 'ngnix:latest',
    message: '`ngnix` looks like the official image `nginx` (two letters swapped).',
    suggestion: 'nginx:latest',
    ...overrides,
  };
}

const one = (overrides: Partial<Finding> = {}) => groupByLine([finding(overrides)])[0];

/** The three findings of a typosquatted, unpinned `latest` image, as the checks report them (online). */
const squatLine = (): Finding[] => [
  finding({ rule: 'mutable-tag', severity: 'warning', message: 'ngnix:latest uses the tag "latest": whatever was pushed last', suggestion: undefined }),
  finding(),
  finding({ rule: 'unpinned', severity: 'warning', message: 'ngnix:latest is not pinned by digest', suggestion: `ngnix:latest@sha256:${'a'.repeat(64)}` }),
];

describe('suggestionBlock', () => {
  it('replaces raw at the finding’s column and keeps the rest of the line', () => {
    expect(suggestionBlock(one(), '    image: ngnix:latest # proxy')).toBe('```suggestion\n    image: nginx:latest # proxy\n```');
  });

  it('replaces only the occurrence at the column, not an earlier equal text', () => {
    const line = 'x: ngnix:latest  y: ngnix:latest';
    expect(suggestionBlock(one({ column: 21 }), line)).toBe('```suggestion\nx: ngnix:latest  y: nginx:latest\n```');
  });

  it('chooses a fence longer than any backtick run in the line', () => {
    const line = '    image: ngnix:latest # ```` not a fence';
    expect(suggestionBlock(one(), line)).toBe('`````suggestion\n    image: nginx:latest # ```` not a fence\n`````');
  });

  it('makes no suggestion when the text at the column is not raw, or when there is no fix', () => {
    expect(suggestionBlock(one(), '    image: nginx:latest')).toBeUndefined();
    expect(suggestionBlock(one({ column: 40 }), '    image: ngnix:latest')).toBeUndefined();
    expect(suggestionBlock(one({ suggestion: undefined }), '    image: ngnix:latest')).toBeUndefined();
    expect(suggestionBlock(one({ suggestion: 'nginx\n```' }), '    image: ngnix:latest')).toBeUndefined();
    expect(suggestionBlock(one(), undefined)).toBeUndefined();
  });

  it('gives the final form of a line: the genuine name wins over a digest of the squatted image', () => {
    const [group] = groupByLine(squatLine());
    expect(suggestionBlock(group, '    image: ngnix:latest')).toBe('```suggestion\n    image: nginx:latest\n```');
  });

  it('pins the digest when the name is right', () => {
    const [group] = groupByLine(squatLine().filter((entry) => entry.rule !== 'typosquat'));
    expect(suggestionBlock(group, '    image: ngnix:latest')).toBe(`\`\`\`suggestion\n    image: ngnix:latest@sha256:${'a'.repeat(64)}\n\`\`\``);
  });

  it('fixes every image of a line at once', () => {
    const line = 'FROM ngnix:1 AS a   # and bitnarni/redis:7';
    const [group] = groupByLine([
      finding({ raw: 'ngnix:1', suggestion: 'nginx:1', column: 6 }),
      finding({ raw: 'bitnarni/redis:7', suggestion: 'bitnami/redis:7', column: 27 }),
    ]);
    expect(suggestionBlock(group, line)).toBe('```suggestion\nFROM nginx:1 AS a   # and bitnami/redis:7\n```');
  });
});

describe('review comment bodies', () => {
  it('starts with the hidden marker naming the line and its rules, and escapes the message', () => {
    const body = reviewCommentBody(one({ message: 'see @admin and #1 <img src=x>', suggestion: undefined }), '    image: ngnix:latest');
    expect(body.startsWith(`${lineMarker(9, ['typosquat'])}\n**❌ Error** · verify-images \`typosquat\`\n\n`)).toBe(true);
    expect(body).not.toContain('@admin');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('```suggestion');
  });

  it('renders code in messages as code, never as escaped backticks', () => {
    const body = reviewCommentBody(one(), '    image: ngnix:latest');
    expect(body).toContain('<code>ngnix</code> looks like the official image <code>nginx</code>');
    expect(body).not.toContain('\\`');
  });

  it('merges the findings of a line into one comment, errors first, with one suggestion', () => {
    const [group] = groupByLine(squatLine());
    const body = reviewCommentBody(group, '    image: ngnix:latest');
    expect(body.split('\n')[0]).toBe('<!-- verify-images:line 9 mutable-tag,typosquat,unpinned -->');
    expect(body).toContain('verify-images: 3 problems on this line');
    const listed = body.split('\n').filter((line) => line.startsWith('- '));
    expect(listed.map((line) => /`([a-z-]+)`/.exec(line)![1])).toEqual(['typosquat', 'unpinned', 'mutable-tag']);
    expect(body.match(/```suggestion/g)).toHaveLength(1);
    expect(body).not.toContain('\\`');
  });

  it('names a fix that cannot be a suggestion block', () => {
    const body = reviewCommentBody(one(), '    image: something-else');
    expect(body).not.toContain('```suggestion');
    expect(body.endsWith('\n\nSuggested fix: <code>nginx&#58;latest</code>')).toBe(true);
  });

  it('becomes a resolved note linking the commit, without the suggestion, when the line changed', () => {
    const open = reviewCommentBody(one(), '    image: ngnix:latest');
    expect(open).toContain('```suggestion');
    const sha = 'c0ffee1234567890c0ffee1234567890c0ffee12';
    const resolved = resolvedCommentBody({ line: 9, rules: ['typosquat'], body: open }, { sha, url: `https://github.com/acme/shop/commit/${sha}` }, ['mutable-tag']);
    expect(resolved.split('\n').slice(0, 2)).toEqual([
      '<!-- verify-images:resolved line 9 typosquat -->',
      `✅ Resolved in [\`c0ffee1\`](https://github.com/acme/shop/commit/${sha}). Still on this line: \`mutable-tag\` (listed in the sticky comment).`,
    ]);
    expect(resolved).toContain('> **❌ Error** · verify-images `typosquat`');
    expect(resolved).not.toContain('suggestion');
    expect(resolved).not.toContain('nginx:latest');
  });

  it('quotes a resolved comment of 32,768 lines in one pass (each line searched for a suggestion fence from the first: 9.2 s)', () => {
    const body = `${'a\n'.repeat(32_768)}\`\`\`suggestion\nimage: nginx\n\`\`\`\nafter`;
    const resolved = resolvedCommentBody({ line: 9, rules: ['typosquat'], body }, { sha: 'a'.repeat(40) });
    expect(resolved).not.toContain('image: nginx');
    expect(resolved.split('\n').filter((line) => line === '> a').length).toBeGreaterThan(10_000);
  });
});
