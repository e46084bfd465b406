/** The request checker the fake GitHub API relies on must itself catch bad requests. */
import { describe, expect, it } from 'vitest';
import { checkRequest } from '../helpers/github-openapi.js';

describe('checkRequest against the GitHub REST API description', () => {
  it('accepts a well-formed review', () => {
    const check = checkRequest('POST', '/repos/acme/shop/pulls/42/reviews', {
      commit_id: 'a'.repeat(40),
      event: 'COMMENT',
      comments: [{ path: 'docker-compose.yml', line: 9, side: 'RIGHT', body: 'x' }],
    });
    expect(check).toEqual({ operation: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', problems: [] });
  });

  it('rejects a wrong type, an unknown enum value, a missing required field and an undeclared property', () => {
    const check = checkRequest('POST', '/repos/acme/shop/pulls/42/reviews', {
      event: 'SHOUT',
      comments: [{ path: 'docker-compose.yml', line: '9', body: 'x' }, { line: 3, body: 'y' }],
      pullNumber: 42,
    });
    const text = check.problems.join('\n');
    expect(text).toContain('body/event must be equal to one of the allowed values');
    expect(text).toContain('body/comments/0/line must be integer');
    expect(text).toContain("body/comments/1 must have required property 'path'");
    expect(text).toContain('must NOT have additional properties {"additionalProperty":"pullNumber"}');
  });

  it('tells a literal segment from a parameter, and rejects operations GitHub does not have', () => {
    expect(checkRequest('PATCH', '/repos/acme/shop/pulls/comments/7', { body: 'x' }).operation).toBe('PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}');
    expect(checkRequest('PATCH', '/repos/acme/shop/issues/comments/7', { body: 7 }).problems).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}: body/body must be string {"type":"string"}',
    ]);
    expect(checkRequest('POST', '/repos/acme/shop/pulls/42/review', {}).problems).toEqual(['POST /repos/acme/shop/pulls/42/review is not an operation of the GitHub REST API']);
  });
});
