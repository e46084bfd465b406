import { describe, expect, it } from 'vitest';
import { compileImageGlobs, ImageGlobError, matchImageGlob, matchImageGlobRepository, matchWildcards, normalizeImageGlob } from '../../src/config/glob.js';
import { splitReference } from '../../src/reference/index.js';

describe('normalizeImageGlob', () => {
  it.each([
    // Unqualified globs are normalized like image names.
    ['nginx', 'docker.io/library/nginx'],
    ['*', 'docker.io/library/*'],
    ['*/*', 'docker.io/*/*'],
    ['myuser/*', 'docker.io/myuser/*'],
    ['myuser/myapp*', 'docker.io/myuser/myapp*'],
    ['foo*', 'docker.io/library/foo*'],
    // Docker Hub host aliases fold to docker.io; a bare name under it is an official image.
    ['index.docker.io/library/*', 'docker.io/library/*'],
    ['index.docker.io/*/*', 'docker.io/*/*'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['docker.io/**', 'docker.io/**'],
    // Qualified globs stay as written (host lower-cased).
    ['ghcr.io/my-org/**', 'ghcr.io/my-org/**'],
    ['GHCR.io/my-org/app', 'ghcr.io/my-org/app'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/team/*', 'localhost:5000/team/*'],
    ['*.gcr.io/**', '*.gcr.io/**'],
    // Hosts are written as policyHost spells them: loopback folded, ":443" dropped, Docker Hub's names.
    ['[::1]:5000/app', 'localhost:5000/app'],
    ['127.0.0.1:5000/**', 'localhost:5000/**'],
    ['127.0.0.1:*/**', 'localhost:*/**'],
    ['ghcr.io:443/org/app', 'ghcr.io/org/app'],
    ['registry-1.docker.io/library/*', 'docker.io/library/*'],
    ['registry.hub.docker.com:443/bitnami/*', 'docker.io/bitnami/*'],
    ['docker.io:443/nginx', 'docker.io/library/nginx'],
    ['ghcr.io:80/org/app', 'ghcr.io:80/org/app'],
    // `**` in the first segment spans the host.
    ['**', '**'],
    ['ghcr.**', 'ghcr.**'],
    ['**/app', '**/app'],
    // policy-controller's "any tag" suffix is dropped.
    ['ghcr.io/org/app:*', 'ghcr.io/org/app'],
    ['index.docker.io/library/*:**', 'docker.io/library/*'],
  ])('%s -> %s', (glob, normalized) => {
    expect(normalizeImageGlob(glob)).toBe(normalized);
  });

  it.each([
    ['', 'empty'],
    ['nginx:1.25', 'tags are not part of a glob'],
    ['ghcr.io/org/app:v1', 'tags are not part of a glob'],
    ['ghcr.io/org/app@sha256:abc', 'digests are not part of a glob'],
    ['ghcr.io//app', 'empty path segment'],
    ['ghcr.io/Org/app', 'lower-case'],
    ['[a-z]*', 'only letters'],
    ['.+', 'only letters'],
    ['ghcr.io/org/app?', 'only letters'],
    ['x'.repeat(600), 'longer than'],
  ])('rejects %j', (glob, reason) => {
    expect(() => normalizeImageGlob(glob)).toThrow(ImageGlobError);
    expect(() => normalizeImageGlob(glob)).toThrow(reason);
  });
});

describe('matchImageGlob', () => {
  it.each([
    // Cases from policy-controller's own table, with names as our normalizer writes them.
    ['docker.io/library/*', 'docker.io/library/foo', true],
    ['index.docker.io/library/*', 'docker.io/library/foo', true],
    ['index.docker.io/library/foo:*', 'docker.io/library/foo', true],
    ['index.docker.io/*/*', 'docker.io/library/foo', true],
    ['index.docker.io/**', 'docker.io/library/foo', true],
    ['**', 'docker.io/library/foo', true],
    ['foo', 'docker.io/library/foo', true],
    ['foo*', 'docker.io/library/foo', true],
    ['*', 'docker.io/library/foo', true],
    ['*/*', 'docker.io/myuser/myapp', true],
    ['myuser/myapp', 'docker.io/myuser/myapp', true],
    ['index.docker.io/myuser/*', 'docker.io/myuser/myapp', true],
    ['ghcr.io/*/*', 'ghcr.io/foo/bar', true],
    ['ghcr.io/**', 'ghcr.io/foo/bar', true],
    ['ghcr.io/*/*', 'ghcr.io/foo', false],
    ['ghcr.io/**', 'ghcr.io/foo', true],
    ['ghc**', 'ghcr.io/foo', true],
    ['ghcr.io/foo*', 'ghcr.io/foo', true],
    ['ghcr.io/foo**', 'ghcr.io/foo', true],
    ['ghcr.io/foo', 'prefix-ghcr.io/foo', false],
    ['ghcr.io/foo', 'ghcr.io/foo-suffix', false],
    ['ghcr.io/**', 'ghcrxio/foo', false],
    // `*` stays within one segment; `**` spans segments.
    ['docker.io/library/*', 'docker.io/bitnami/nginx', false],
    ['ghcr.io/my-org/*', 'ghcr.io/my-org/team/app', false],
    ['ghcr.io/my-org/**', 'ghcr.io/my-org/team/app', true],
    ['ghcr.io/my-org/**', 'ghcr.io/my-org2/app', false],
    ['*.gcr.io/**', 'eu.gcr.io/project/app', true],
    ['*.gcr.io/**', 'gcr.io/project/app', false],
    // The unqualified glob `nginx` is the official image only.
    ['nginx', 'docker.io/someone/nginx', false],
    ['nginx', 'ghcr.io/library/nginx', false],
    // Tags and digests of the name are ignored; only the repository is matched.
    ['ghcr.io/org/app', 'ghcr.io/org/app:1.0', true],
    ['ghcr.io/org/app', 'ghcr.io/org/app:1.0@sha256:' + 'a'.repeat(64), true],
    ['docker.io/library/*', 'docker.io/library/nginx@sha256:' + 'b'.repeat(64), true],
    ['localhost:5000/app', 'localhost:5000/app:dev', true],
    ['localhost:5000/*', 'localhost:5001/app', false],
    // Names written with a Docker Hub alias match docker.io globs.
    ['docker.io/library/nginx', 'index.docker.io/library/nginx', true],
    ['docker.io/library/nginx', 'registry-1.docker.io/library/nginx', true],
    ['index.docker.io/library/*', 'registry-1.docker.io/library/nginx', true],
    ['registry-1.docker.io/bitnami/*', 'docker.io/bitnami/redis', true],
    // Host spellings of one registry match each other, on either side.
    ['127.0.0.1:5000/**', 'localhost:5000/team/app:1', true],
    ['localhost:5000/**', '127.0.0.1:5000/team/app', true],
    ['[::1]:5000/**', 'localhost:5000/team/app', true],
    ['127.0.0.1:5000/**', 'localhost:5001/team/app', false],
    ['127.0.0.1:5000/**', '127.0.0.2:5000/team/app', false],
    ['ghcr.io/org/**', 'ghcr.io:443/org/app', true],
    ['ghcr.io:443/org/app', 'ghcr.io/org/app:1', true],
    ['GHCR.IO/org/**', 'ghcr.io/org/app', true],
    // Port 80 is another endpoint over HTTPS: a trusted glob does not extend to it.
    ['ghcr.io/org/**', 'ghcr.io:80/org/app', false],
    // A name that is not a normalized reference matches nothing, not even "**".
    ['**', 'nginx', false],
  ])('%s ~ %s => %s', (glob, name, expected) => {
    expect(matchImageGlob(glob, name)).toBe(expected);
    // Given the repository of a reference split once, the same answer.
    const repository = splitReference(name)?.repository;
    expect(repository !== undefined && matchImageGlobRepository(glob, repository)).toBe(expected);
  });

  it('throws for an invalid glob rather than matching nothing silently', () => {
    expect(() => matchImageGlob('nginx:latest', 'docker.io/library/nginx')).toThrow(ImageGlobError);
  });
});

describe('compileImageGlobs', () => {
  it('returns the first matching glob', () => {
    const set = compileImageGlobs(['ghcr.io/a/*', 'ghcr.io/**']);
    expect(set.match('ghcr.io/a/app')?.glob).toBe('ghcr.io/a/*');
    expect(set.match('ghcr.io/b/app')?.glob).toBe('ghcr.io/**');
    expect(set.matches('quay.io/b/app')).toBe(false);
  });

  it('matches nothing when empty', () => {
    expect(compileImageGlobs([]).matches('docker.io/library/nginx')).toBe(false);
  });

  it('matches a name as each of its globs matches it alone (the name split once for all of them)', () => {
    const globs = ['docker.io/library/nginx', '127.0.0.1:5000/**', 'ghcr.io/org/*'];
    const set = compileImageGlobs(globs);
    for (const name of ['index.docker.io/library/nginx:1.25', 'localhost:5000/team/app@sha256:' + 'a'.repeat(64), 'ghcr.io:443/org/app:1', 'ghcr.io/org/team/app', 'nginx']) {
      expect(set.match(name)?.glob, name).toBe(globs.find((glob) => matchImageGlob(glob, name)));
    }
    expect(set.match('localhost:5000/team/app:1')?.glob).toBe('127.0.0.1:5000/**');
    expect(set.matches('nginx')).toBe(false);
  });

  it('throws for the first invalid glob', () => {
    expect(() => compileImageGlobs(['ghcr.io/**', 'Bad Glob'])).toThrow(/Bad Glob/);
  });
});

describe('matchWildcards', () => {
  it.each([
    ['a*c', 'abc', true],
    ['a*c', 'a/c', false],
    ['a**c', 'a/b/c', true],
    ['a*', 'a', true],
    ['**', '', true],
    ['*', '', true],
    ['a***c', 'a/b/c', true],
    ['abc', 'abd', false],
    ['ab', 'abc', false],
  ])('%s ~ %s => %s', (pattern, text, expected) => {
    expect(matchWildcards(pattern, text)).toBe(expected);
  });

  it('answers a pattern built to make a backtracking matcher explode', () => {
    // As a regular expression, this pattern against this name backtracks for centuries.
    const glob = '**a'.repeat(40) + 'b';
    expect(matchImageGlob(glob, 'docker.io/' + 'a'.repeat(200))).toBe(false);
    expect(matchWildcards('*a'.repeat(60) + 'b', 'a'.repeat(250))).toBe(false);
  });
});
