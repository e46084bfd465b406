import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { findingMarker, resolvedCommentBody, reviewCommentBody, suggestionBlock } from '../../src/github/review.js';

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

describe('suggestionBlock', () => {
  it('replaces raw at the finding’s column and keeps the rest of the line', () => {
    expect(suggestionBlock(finding(), '    image: ngnix:latest # proxy')).toBe('```suggestion\n    image: nginx:latest # proxy\n```');
  });

  it('replaces only the occurrence at the column, not an earlier equal text', () => {
    const line = 'x: ngnix:latest  y: ngnix:latest';
    expect(suggestionBlock(finding({ column: 21 }), line)).toBe('```suggestion\nx: ngnix:latest  y: nginx:latest\n```');
  });

  it('chooses a fence longer than any backtick run in the line', () => {
    const line = '    image: ngnix:latest # ```` not a fence';
    expect(suggestionBlock(finding(), line)).toBe('`````suggestion\n    image: nginx:latest # ```` not a fence\n`````');
  });

  it('makes no suggestion when the text at the column is not raw, or when there is no fix', () => {
    expect(suggestionBlock(finding(), '    image: nginx:latest')).toBeUndefined();
    expect(suggestionBlock(finding({ column: 40 }), '    image: ngnix:latest')).toBeUndefined();
    expect(suggestionBlock(finding({ suggestion: undefined }), '    image: ngnix:latest')).toBeUndefined();
    expect(suggestionBlock(finding({ suggestion: 'nginx\n```' }), '    image: ngnix:latest')).toBeUndefined();
    expect(suggestionBlock(finding(), undefined)).toBeUndefined();
  });
});

describe('review comment bodies', () => {
  const fingerprint = `${'ab'.repeat(16)}:1`;

  it('starts with the hidden marker and escapes the message', () => {
    const body = reviewCommentBody(finding({ message: 'see @admin and #1 <img src=x>', suggestion: undefined }), fingerprint, '    image: ngnix:latest');
    expect(body.startsWith(`${findingMarker(fingerprint)}\n**❌ Error** · verify-images \`typosquat\`\n\n`)).toBe(true);
    expect(body).not.toContain('@admin');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('```suggestion');
  });

  it('names a fix that cannot be a suggestion block', () => {
    const body = reviewCommentBody(finding(), fingerprint, '    image: something-else');
    expect(body).not.toContain('```suggestion');
    expect(body.endsWith('\n\nSuggested fix: <code>nginx&#58;latest</code>')).toBe(true);
  });

  it('becomes a resolved note without the suggestion when the finding is gone', () => {
    const open = reviewCommentBody(finding(), fingerprint, '    image: ngnix:latest');
    expect(open).toContain('```suggestion');
    const resolved = resolvedCommentBody(fingerprint, open, 'c0ffee1234567890c0ffee1234567890c0ffee12');
    expect(resolved.split('\n').slice(0, 2)).toEqual([`<!-- verify-images:resolved ${fingerprint} -->`, '✅ Resolved in c0ffee1']);
    expect(resolved).toContain('> **❌ Error** · verify-images `typosquat`');
    expect(resolved).not.toContain('suggestion');
    expect(resolved).not.toContain('nginx:latest');
  });
});
