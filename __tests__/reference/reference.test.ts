import { describe, expect, it } from 'vitest';
import {
  DIGEST_PATTERN,
  DOMAIN_PATTERN,
  IDENTIFIER_PATTERN,
  ReferenceError,
  TAG_PATTERN,
  formatReference,
  isDigest,
  parseReference,
  parseRepositoryName,
} from '../../src/reference/index.js';
import { SHA256_F, SHA512_F, expectRow, label, type Row } from './expect-reference.js';

const BE178 = 'sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912';

/** Strict parsing, no normalization: the Go package's TestReferenceParse and TestReferenceRegexp, plus our own rows. */
const strictRows: Row[] = [
  { input: 'test_com', domain: '', path: 'test_com' },
  { input: 'test.com:tag', domain: '', path: 'test.com', tag: 'tag' },
  { input: 'test.com:5000', domain: '', path: 'test.com', tag: '5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', path: 'repo', tag: 'tag' },
  { input: 'test:5000/repo', domain: 'test:5000', path: 'repo' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', path: 'repo', tag: 'tag' },
  { input: `test:5000/repo@${SHA256_F}`, domain: 'test:5000', path: 'repo', digest: SHA256_F },
  { input: `test:5000/repo:tag@${SHA256_F}`, domain: 'test:5000', path: 'repo', tag: 'tag', digest: SHA256_F },
  { input: '', error: 'EMPTY' },
  { input: ':justtag', error: 'INVALID_FORMAT' },
  { input: `@${SHA256_F}`, error: 'INVALID_FORMAT' },
  { input: `repo@sha256:${'f'.repeat(34)}`, error: 'DIGEST_LENGTH' },
  { input: `validname@invaliddigest:${'f'.repeat(64)}`, error: 'UNSUPPORTED_DIGEST_ALGORITHM' },
  { input: 'Uppercase:tag', error: 'NAME_CONTAINS_UPPERCASE' },
  // As in Go, an upper-case first component is a domain when nothing is normalized.
  { input: 'Uppercase/lowercase:tag', domain: 'Uppercase', path: 'lowercase', tag: 'tag' },
  { input: 'test:5000/Uppercase/lowercase:tag', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: 'lowercase:Uppercase', domain: '', path: 'lowercase', tag: 'Uppercase' },
  { input: `${'a/'.repeat(128)}a:tag`, error: 'NAME_TOO_LONG' },
  {
    input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
    domain: 'a',
    path: `${'a/'.repeat(126)}a`,
    tag: 'tag-puts-this-over-max',
  },
  { input: 'aa/asdf$$^/aa', error: 'INVALID_PATH_COMPONENT' },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux' },
  { input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' },
  { input: 'b.gcr.io/test.example.com/my-app:test.example.com', domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com' },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com' },
  {
    input: `xn--7o8h.com/myimage:xn--7o8h.com@${SHA512_F}`,
    domain: 'xn--7o8h.com',
    path: 'myimage',
    tag: 'xn--7o8h.com',
    digest: SHA512_F,
  },
  { input: 'foo_bar.com:8080', domain: '', path: 'foo_bar.com', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'foo', path: 'foo_bar.com', tag: '8080' },
  { input: '192.168.1.1', domain: '', path: '192.168.1.1' },
  { input: '192.168.1.1:tag', domain: '', path: '192.168.1.1', tag: 'tag' },
  { input: '192.168.1.1:5000', domain: '', path: '192.168.1.1', tag: '5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', path: 'repo' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', path: 'repo' },
  { input: '192.168.1.1:5000/repo:5050', domain: '192.168.1.1:5000', path: 'repo', tag: '5050' },
  // A bracketed IPv6 address alone is a domain without a repository.
  { input: '[2001:db8::1]', error: 'INVALID_PATH_COMPONENT' },
  { input: '[2001:db8::1]:5000', error: 'INVALID_PATH_COMPONENT' },
  { input: '[2001:db8::1]:tag', error: 'INVALID_PATH_COMPONENT' },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', path: 'repo' },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', domain: '[2001:db8:1:2:3:4:5:6]', path: 'repo', tag: 'tag' },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', path: 'repo' },
  { input: '[2001:db8::1]:5000/repo:tag', domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag' },
  { input: `[2001:db8::1]:5000/repo@${SHA256_F}`, domain: '[2001:db8::1]:5000', path: 'repo', digest: SHA256_F },
  { input: `[2001:db8::1]:5000/repo:tag@${SHA256_F}`, domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag', digest: SHA256_F },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', path: 'repo' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', path: 'repo' },
  { input: '[fe80::1%eth0]:5000/repo', error: 'INVALID_DOMAIN' },
  { input: '[fe80::1%@invalidzone]:5000/repo', error: 'INVALID_PATH_COMPONENT' },
  // TestReferenceRegexp
  { input: 'registry.com:8080/myapp:tag', domain: 'registry.com:8080', path: 'myapp', tag: 'tag' },
  { input: `registry.com:8080/myapp@${BE178}`, domain: 'registry.com:8080', path: 'myapp', digest: BE178 },
  { input: `registry.com:8080/myapp:tag2@${BE178}`, domain: 'registry.com:8080', path: 'myapp', tag: 'tag2', digest: BE178 },
  { input: 'registry.com:8080/myapp@sha256:badbadbadbad', error: 'DIGEST_LENGTH' },
  { input: 'registry.com:8080/myapp:invalid~tag', error: 'INVALID_TAG' },
  { input: 'bad_hostname.com:8080/myapp:tag', error: 'INVALID_DOMAIN' },
  // "localhost" without "/" is a name, and ":8080" its tag.
  { input: `localhost:8080@${BE178}`, domain: '', path: 'localhost', tag: '8080', digest: BE178 },
  { input: `localhost:8080/name@${BE178}`, domain: 'localhost:8080', path: 'name', digest: BE178 },
  { input: `localhost:http/name@${BE178}`, error: 'INVALID_DOMAIN' },
  { input: `localhost@${BE178}`, domain: '', path: 'localhost', digest: BE178 },
  { input: 'registry.com:8080/myapp@bad', error: 'INVALID_DIGEST' },
  { input: 'registry.com:8080/myapp@2bad', error: 'INVALID_DIGEST' },
  // Our own rows: no normalization happens here.
  { input: 'nginx', domain: '', path: 'nginx' },
  { input: 'index.docker.io/nginx', domain: 'index.docker.io', path: 'nginx' },
  { input: 'Registry.Example.COM/team/app:v1', domain: 'Registry.Example.COM', path: 'team/app', tag: 'v1' },
  { input: 'ghcr.io/Owner/app', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: 'nginx:', error: 'INVALID_TAG' },
  { input: 'nginx:.hidden', error: 'INVALID_TAG' },
  { input: 'nginx:-rc', error: 'INVALID_TAG' },
  { input: 'nginx:_underscore_first', domain: '', path: 'nginx', tag: '_underscore_first' },
  { input: `nginx:${'t'.repeat(128)}`, domain: '', path: 'nginx', tag: 't'.repeat(128) },
  { input: `nginx:${'t'.repeat(129)}`, error: 'INVALID_TAG' },
  { input: 'nginx@', error: 'INVALID_DIGEST' },
  { input: `nginx@${SHA256_F}@${SHA256_F}`, error: 'INVALID_FORMAT' },
  { input: `nginx@sha384:${'a'.repeat(96)}`, domain: '', path: 'nginx', digest: `sha384:${'a'.repeat(96)}` },
  { input: `nginx@sha512:${'f'.repeat(64)}`, error: 'DIGEST_LENGTH' },
  { input: `nginx@sha256:${'f'.repeat(65)}`, error: 'DIGEST_LENGTH' },
  { input: `nginx@sha256:${'F'.repeat(64)}`, error: 'INVALID_DIGEST' },
  { input: `nginx@SHA256:${'f'.repeat(64)}`, error: 'INVALID_DIGEST' },
  { input: `nginx@blake3:${'f'.repeat(64)}`, error: 'UNSUPPORTED_DIGEST_ALGORITHM' },
  { input: `nginx@md5:${'f'.repeat(32)}`, error: 'UNSUPPORTED_DIGEST_ALGORITHM' },
  { input: `nginx@sha256:${'g'.repeat(64)}`, error: 'INVALID_DIGEST' },
  // A short digest is a length problem only when it is all hex of a registered algorithm.
  { input: `nginx@sha256:g${'f'.repeat(20)}`, error: 'INVALID_DIGEST' },
  { input: `nginx@sha256:${'f'.repeat(20)}g`, error: 'INVALID_DIGEST' },
  { input: `nginx@md5:${'f'.repeat(20)}`, error: 'INVALID_DIGEST' },
  { input: ' nginx', error: 'INVALID_PATH_COMPONENT' },
  { input: 'nginx ', error: 'INVALID_PATH_COMPONENT' },
  { input: 'a'.repeat(5000), error: 'INPUT_TOO_LONG' },
  // The 255-character limit counts domain, "/" and path, and stops at the tag.
  { input: `registry.example.com/${'p'.repeat(234)}`, domain: 'registry.example.com', path: 'p'.repeat(234) },
  { input: `registry.example.com/${'p'.repeat(235)}`, error: 'NAME_TOO_LONG' },
  { input: `registry.example.com/${'p'.repeat(234)}:${'t'.repeat(128)}`, domain: 'registry.example.com', path: 'p'.repeat(234), tag: 't'.repeat(128) },
];

/** A repository name alone (Go: WithName and TestFullNameRegexp, TestDomainAndPath, TestWithNameFailure). */
const nameRows: Row[] = [
  { input: '', error: 'EMPTY' },
  { input: 'short', domain: '', path: 'short' },
  { input: 'simple/name', domain: 'simple', path: 'name' },
  { input: 'library/ubuntu', domain: 'library', path: 'ubuntu' },
  { input: 'docker/stevvooe/app', domain: 'docker', path: 'stevvooe/app' },
  { input: 'aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb', domain: 'aa', path: 'aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb' },
  { input: 'aa/aa/bb/bb/bb', domain: 'aa', path: 'aa/bb/bb/bb' },
  { input: 'a/a/a/a', domain: 'a', path: 'a/a/a' },
  { input: 'a/a/a/a/', error: 'INVALID_PATH_COMPONENT' },
  { input: 'a//a/a', error: 'INVALID_PATH_COMPONENT' },
  { input: 'a', domain: '', path: 'a' },
  { input: 'a/aa', domain: 'a', path: 'aa' },
  { input: 'a/aa/a', domain: 'a', path: 'aa/a' },
  { input: 'foo.com', domain: '', path: 'foo.com' },
  { input: 'foo.com/', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo.com:8080/bar', domain: 'foo.com:8080', path: 'bar' },
  { input: 'foo.com:http/bar', error: 'INVALID_DOMAIN' },
  { input: 'foo.com/bar', domain: 'foo.com', path: 'bar' },
  { input: 'foo.com/bar/baz', domain: 'foo.com', path: 'bar/baz' },
  { input: 'localhost:8080/bar', domain: 'localhost:8080', path: 'bar' },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux' },
  { input: 'blog.foo.com/bar/baz', domain: 'blog.foo.com', path: 'bar/baz' },
  { input: 'a^a', error: 'INVALID_PATH_COMPONENT' },
  { input: 'aa/asdf$$^/aa', error: 'INVALID_PATH_COMPONENT' },
  { input: 'asdf$$^/aa', error: 'INVALID_PATH_COMPONENT' },
  { input: 'aa-a/a', domain: 'aa-a', path: 'a' },
  { input: `${'a/'.repeat(127)}a`, domain: 'a', path: `${'a/'.repeat(126)}a` },
  { input: `${'a/'.repeat(128)}a`, error: 'NAME_TOO_LONG' },
  { input: 'a-/a/a/a', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo.com/a-/a/a', error: 'INVALID_PATH_COMPONENT' },
  { input: '-foo/bar', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo/bar-', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo-/bar', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo/-bar', error: 'INVALID_PATH_COMPONENT' },
  { input: '_foo/bar', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo_bar', domain: '', path: 'foo_bar' },
  { input: 'foo_bar.com', domain: '', path: 'foo_bar.com' },
  { input: 'foo_bar.com:8080', error: 'INVALID_PATH_COMPONENT' },
  { input: 'foo_bar.com:8080/app', error: 'INVALID_DOMAIN' },
  { input: 'foo.com/foo_bar', domain: 'foo.com', path: 'foo_bar' },
  { input: '____/____', error: 'INVALID_PATH_COMPONENT' },
  { input: '_docker/_docker', error: 'INVALID_PATH_COMPONENT' },
  { input: 'docker_/docker_', error: 'INVALID_PATH_COMPONENT' },
  { input: 'b.gcr.io/test.example.com/my-app', domain: 'b.gcr.io', path: 'test.example.com/my-app' },
  { input: 'xn--n3h.com/myimage', domain: 'xn--n3h.com', path: 'myimage' },
  { input: 'xn--7o8h.com/myimage', domain: 'xn--7o8h.com', path: 'myimage' },
  { input: 'example.com/xn--7o8h.com/myimage', domain: 'example.com', path: 'xn--7o8h.com/myimage' },
  { input: 'example.com/some_separator__underscore/myimage', domain: 'example.com', path: 'some_separator__underscore/myimage' },
  { input: 'example.com/__underscore/myimage', error: 'INVALID_PATH_COMPONENT' },
  { input: 'example.com/..dots/myimage', error: 'INVALID_PATH_COMPONENT' },
  { input: 'example.com/.dots/myimage', error: 'INVALID_PATH_COMPONENT' },
  { input: 'example.com/nodouble..dots/myimage', error: 'INVALID_PATH_COMPONENT' },
  { input: 'example.com/three___underscores/myimage', error: 'INVALID_PATH_COMPONENT' },
  { input: 'docker./docker', error: 'INVALID_DOMAIN' },
  { input: '.docker/docker', error: 'INVALID_DOMAIN' },
  { input: 'docker-/docker', error: 'INVALID_PATH_COMPONENT' },
  { input: '-docker/docker', error: 'INVALID_PATH_COMPONENT' },
  { input: 'do..cker/docker', error: 'INVALID_DOMAIN' },
  { input: 'do__cker:8080/docker', error: 'INVALID_DOMAIN' },
  { input: 'do__cker/docker', domain: '', path: 'do__cker/docker' },
  { input: 'registry.io/foo/project--id.module--name.ver---sion--name', domain: 'registry.io', path: 'foo/project--id.module--name.ver---sion--name' },
  { input: 'Asdf.com/foo/bar', domain: 'Asdf.com', path: 'foo/bar' },
  { input: 'Foo/FarB', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: 'test_com/foo', domain: '', path: 'test_com/foo' },
  { input: 'test:8080/foo', domain: 'test:8080', path: 'foo' },
  { input: 'test.com:8080/foo', domain: 'test.com:8080', path: 'foo' },
  { input: 'test-com:8080/foo', domain: 'test-com:8080', path: 'foo' },
  { input: 'xn--n3h.com:18080/foo', domain: 'xn--n3h.com:18080', path: 'foo' },
  { input: ':justtag', error: 'INVALID_PATH_COMPONENT' },
  { input: `@${SHA256_F}`, error: 'INVALID_PATH_COMPONENT' },
];

/** TestDomainRegexp: which texts are a domain with optional port. */
const domainRows: Array<[string, boolean]> = [
  ['test.com', true],
  ['test.com:10304', true],
  ['test.com:http', false],
  ['localhost', true],
  ['localhost:8080', true],
  ['a', true],
  ['a.b', true],
  ['ab.cd.com', true],
  ['a-b.com', true],
  ['-ab.com', false],
  ['ab-.com', false],
  ['ab.c-om', true],
  ['ab.-com', false],
  ['ab.com-', false],
  ['0101.com', true],
  ['001a.com', true],
  ['b.gbc.io:443', true],
  ['b.gbc.io', true],
  ['xn--n3h.com', true],
  ['Asdf.com', true],
  ['192.168.1.1:75050', true],
  ['192.168.1.1:750050', true],
  ['[fd00:1:2::3]:75050', true],
  ['[fd00:1:2::3]75050', false],
  ['[fd00:1:2::3]::75050', false],
  ['[fd00:1:2::3%eth0]:75050', false],
  ['[fd00123123123]:75050', true],
  ['[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050', true],
  ['[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505', true],
  ['fd00:1:2::3:75050', false],
  ['[::1]', true],
  ['[::ffff:192.0.2.1]', false],
  ['', false],
];

/** TestIdentifierRegexp. */
const identifierRows: Array<[string, boolean]> = [
  ['da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821', true],
  ['7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C', false],
  ['da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf', false],
  ['sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821', false],
  ['da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482', false],
];

describe('parseReference (strict, no normalization)', () => {
  it.each(strictRows.map((row) => [label(row), row] as const))('%s', (_label, row) => {
    expectRow(parseReference, row);
  });

  it('formats every valid row back to its input', () => {
    for (const row of strictRows) {
      if ('error' in row) continue;
      expect(formatReference(parseReference(row.input)), label(row)).toBe(row.input);
    }
  });

  it('names the broken rule in its messages', () => {
    const messageOf = (text: string): string => {
      try {
        parseReference(text);
      } catch (error) {
        if (error instanceof ReferenceError) return error.message;
      }
      return '';
    };
    expect(messageOf('ghcr.io/Owner/app')).toMatch(/^repository name must be lowercase/);
    expect(messageOf(`ghcr.io/${'p'.repeat(300)}`)).toMatch(/^repository name must not be more than 255 characters/);
    expect(messageOf('nginx:-rc')).toMatch(/^invalid tag format/);
    expect(messageOf(`nginx@sha256:${'f'.repeat(63)}`)).toMatch(/^invalid digest length/);
    expect(messageOf('')).toBe('repository name must have at least one component');
  });

  it('quotes at most a bounded piece of untrusted input', () => {
    try {
      parseReference(`${'@'.repeat(900)}`);
      expect.unreachable();
    } catch (error) {
      expect((error as ReferenceError).message.length).toBeLessThan(200);
    }
  });

  // Patterns that would make a backtracking engine explode if the grammar were written carelessly;
  // they must simply be rejected (the test timeout is the backstop).
  it.each([
    ['a'.repeat(1000) + '!'],
    ['a-'.repeat(500) + '!'],
    ['a.'.repeat(400) + 'a/' + 'b_'.repeat(100) + '!'],
    ['a' + '-'.repeat(998) + '!'],
    ['x/' + 'a__'.repeat(300) + '_'],
    ['a'.repeat(200) + '-'.repeat(200) + '.'.repeat(10) + '/x'],
    [`x@sha256:${'f'.repeat(1000)}`],
  ])('rejects pathological input %#', (text) => {
    expect(() => parseReference(text)).toThrow(ReferenceError);
  });
});

describe('parseRepositoryName (name only)', () => {
  it.each(nameRows.map((row) => [label(row), row] as const))('%s', (_label, row) => {
    expectRow(parseRepositoryName, row);
  });
});

describe('grammar patterns', () => {
  it.each(domainRows)('domain %j matches: %s', (text, matches) => {
    expect(DOMAIN_PATTERN.test(text)).toBe(matches);
  });

  it.each(identifierRows)('identifier %j matches: %s', (text, matches) => {
    expect(IDENTIFIER_PATTERN.test(text)).toBe(matches);
  });

  it.each([
    ['latest', true],
    ['1.25.3-alpine3.19', true],
    ['_', true],
    ['A', true],
    ['.', false],
    ['-x', false],
    ['a+b', false],
    ['t'.repeat(128), true],
    ['t'.repeat(129), false],
  ])('tag %j matches: %s', (text, matches) => {
    expect(TAG_PATTERN.test(text as string)).toBe(matches);
  });

  it.each([
    [SHA256_F, true],
    [`sha256+b64u:${'f'.repeat(32)}`, true],
    [`multihash+base58:${'f'.repeat(32)}`, true],
    [`sha256:${'f'.repeat(31)}`, false],
    [`0sha:${'f'.repeat(32)}`, false],
    [`sha256:${'z'.repeat(32)}`, false],
  ])('digest syntax %j matches: %s', (text, matches) => {
    expect(DIGEST_PATTERN.test(text)).toBe(matches);
  });
});

describe('isDigest', () => {
  it.each([
    [SHA256_F, true],
    [`sha384:${'0'.repeat(96)}`, true],
    [SHA512_F, true],
    [`sha256:${'f'.repeat(63)}`, false],
    [`sha256:${'F'.repeat(64)}`, false],
    [`sha512:${'f'.repeat(64)}`, false],
    [`blake3:${'f'.repeat(64)}`, false],
    ['f'.repeat(64), false],
    ['', false],
    [`sha256:${'f'.repeat(64)} `, false],
  ])('%j is a digest: %s', (text, expected) => {
    expect(isDigest(text)).toBe(expected);
  });
});
