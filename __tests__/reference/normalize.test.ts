import { describe, expect, it } from 'vitest';
import {
  ReferenceError,
  familiarName,
  familiarString,
  formatReference,
  normalizeForOccurrence,
  parseCanonical,
  parseNormalized,
  repositoryName,
  splitDockerDomain,
  trimReference,
  writtenRegistry,
  withDigest,
  withTag,
  type ImageReference,
} from '../../src/reference/index.js';
import { SHA256_F, SHA512_F, expectRow, label, type Row } from './expect-reference.js';

const DBCC = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const HEX64 = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';
const LONG_NAMESPACE = 'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4).slice(0, -1);

/**
 * ParseNormalizedNamed: the Go package's TestValidateReferenceName, TestValidateRemoteName,
 * TestNormalizedSplitHostname and TestParseAnyReference (name cases), plus our own rows.
 */
const normalizedRows: Row[] = [
  { input: 'docker/docker', domain: 'docker.io', path: 'docker/docker' },
  { input: 'library/debian', domain: 'docker.io', path: 'library/debian' },
  { input: 'debian', domain: 'docker.io', path: 'library/debian' },
  { input: 'docker.io/docker/docker', domain: 'docker.io', path: 'docker/docker' },
  { input: 'docker.io/library/debian', domain: 'docker.io', path: 'library/debian' },
  { input: 'docker.io/debian', domain: 'docker.io', path: 'library/debian' },
  { input: 'index.docker.io/docker/docker', domain: 'docker.io', path: 'docker/docker' },
  { input: 'index.docker.io/library/debian', domain: 'docker.io', path: 'library/debian' },
  { input: 'index.docker.io/debian', domain: 'docker.io', path: 'library/debian' },
  { input: '127.0.0.1:5000/docker/docker', domain: '127.0.0.1:5000', path: 'docker/docker' },
  { input: '127.0.0.1:5000/library/debian', domain: '127.0.0.1:5000', path: 'library/debian' },
  { input: '127.0.0.1:5000/debian', domain: '127.0.0.1:5000', path: 'debian' },
  // A single component is always a Docker Hub official image, even one that looks like a host.
  { input: '192.168.0.1', domain: 'docker.io', path: 'library/192.168.0.1' },
  { input: '192.168.0.1:80', domain: 'docker.io', path: 'library/192.168.0.1', tag: '80' },
  { input: '192.168.0.1:8/debian', domain: '192.168.0.1:8', path: 'debian' },
  { input: '192.168.0.2:25000/debian', domain: '192.168.0.2:25000', path: 'debian' },
  {
    input: 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    domain: 'docker.io',
    path: 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
  },
  { input: '[fc00::1]:5000/docker', domain: '[fc00::1]:5000', path: 'docker' },
  { input: '[fc00::1]:5000/docker/docker', domain: '[fc00::1]:5000', path: 'docker/docker' },
  { input: '[fc00:1:2:3:4:5:6:7]:5000/library/debian', domain: '[fc00:1:2:3:4:5:6:7]:5000', path: 'library/debian' },
  // With a domain, 64 hex characters are a name, not an image ID.
  { input: `docker.io/${HEX64}`, domain: 'docker.io', path: `library/${HEX64}` },
  { input: 'Docker/docker', domain: 'Docker', path: 'docker' },
  { input: 'DOCKER/docker', domain: 'DOCKER', path: 'docker' },
  { input: 'https://github.com/docker/docker', error: 'INVALID_DOMAIN' },
  { input: 'docker/Docker', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: '-docker', error: 'INVALID_PATH_COMPONENT' },
  { input: '-docker/docker', error: 'INVALID_PATH_COMPONENT' },
  { input: '-docker.io/docker/docker', error: 'INVALID_DOMAIN' },
  { input: 'docker///docker', error: 'INVALID_PATH_COMPONENT' },
  { input: 'docker.io/docker/Docker', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: 'docker.io/docker///docker', error: 'INVALID_PATH_COMPONENT' },
  { input: '[fc00::1]', error: 'INVALID_PATH_COMPONENT' },
  { input: '[fc00::1]:5000', error: 'INVALID_PATH_COMPONENT' },
  { input: 'fc00::1:5000/debian', error: 'INVALID_DOMAIN' },
  { input: '[fe80::1%eth0]:5000/debian', error: 'INVALID_DOMAIN' },
  { input: '[2001:db8:3:4::192.0.2.33]:5000/debian', error: 'INVALID_DOMAIN' },
  { input: HEX64, error: 'NAME_IS_IDENTIFIER' },
  // TestValidateRemoteName
  { input: 'docker-rules/docker', domain: 'docker.io', path: 'docker-rules/docker' },
  { input: 'docker---rules/docker', domain: 'docker.io', path: 'docker---rules/docker' },
  { input: 'doc/docker', domain: 'docker.io', path: 'doc/docker' },
  { input: 'd/docker', domain: 'docker.io', path: 'd/docker' },
  { input: 'jess/t', domain: 'docker.io', path: 'jess/t' },
  { input: 'dock__er/docker', domain: 'docker.io', path: 'dock__er/docker' },
  { input: 'docker-/docker', error: 'INVALID_PATH_COMPONENT' },
  { input: '-docker-/docker', error: 'INVALID_PATH_COMPONENT' },
  { input: '____/____', error: 'INVALID_PATH_COMPONENT' },
  { input: '_docker/_docker', error: 'INVALID_PATH_COMPONENT' },
  // A "." makes the first component a domain, and these are not valid domains.
  { input: 'dock..er/docker', error: 'INVALID_DOMAIN' },
  { input: 'dock_.er/docker', error: 'INVALID_DOMAIN' },
  { input: 'dock-.er/docker', error: 'INVALID_DOMAIN' },
  { input: 'docker/', error: 'INVALID_PATH_COMPONENT' },
  { input: `${LONG_NAMESPACE}/docker`, error: 'NAME_TOO_LONG' },
  // TestNormalizedSplitHostname
  { input: 'test.com/foo', domain: 'test.com', path: 'foo' },
  { input: 'test_com/foo', domain: 'docker.io', path: 'test_com/foo' },
  { input: 'docker/migrator', domain: 'docker.io', path: 'docker/migrator' },
  { input: 'test.com:8080/foo', domain: 'test.com:8080', path: 'foo' },
  { input: 'test-com:8080/foo', domain: 'test-com:8080', path: 'foo' },
  { input: 'foo', domain: 'docker.io', path: 'library/foo' },
  { input: 'xn--n3h.com/foo', domain: 'xn--n3h.com', path: 'foo' },
  { input: 'xn--n3h.com:18080/foo', domain: 'xn--n3h.com:18080', path: 'foo' },
  { input: 'docker.io/foo', domain: 'docker.io', path: 'library/foo' },
  { input: 'docker.io/library/foo', domain: 'docker.io', path: 'library/foo' },
  { input: 'docker.io/library/foo/bar', domain: 'docker.io', path: 'library/foo/bar' },
  // TestParseAnyReference, the name cases
  { input: 'redis:latest', domain: 'docker.io', path: 'library/redis', tag: 'latest' },
  { input: `redis@${DBCC}`, domain: 'docker.io', path: 'library/redis', digest: DBCC },
  { input: `dmcgowan/myapp@${DBCC}`, domain: 'docker.io', path: 'dmcgowan/myapp', digest: DBCC },
  { input: 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', domain: 'docker.io', path: 'library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9' },
  { input: 'dbcc1', domain: 'docker.io', path: 'library/dbcc1' },
  // Our own rows.
  { input: '', error: 'EMPTY' },
  { input: 'nginx:1.25', domain: 'docker.io', path: 'library/nginx', tag: '1.25' },
  { input: 'index.docker.io/library/nginx:1.25', domain: 'docker.io', path: 'library/nginx', tag: '1.25' },
  { input: 'localhost/app', domain: 'localhost', path: 'app' },
  { input: 'localhost:5000/app:dev', domain: 'localhost:5000', path: 'app', tag: 'dev' },
  // Bare "localhost" and "localhost:5000" are Docker Hub names (a known quirk of the Go package, kept).
  { input: 'localhost', domain: 'docker.io', path: 'library/localhost' },
  { input: 'localhost:5000', domain: 'docker.io', path: 'library/localhost', tag: '5000' },
  { input: '[::1]:5000/repo:tag', domain: '[::1]:5000', path: 'repo', tag: 'tag' },
  { input: '[::1]/repo', domain: '[::1]', path: 'repo' },
  { input: '[2001:db8::1]:5000/team/app@' + SHA256_F, domain: '[2001:db8::1]:5000', path: 'team/app', digest: SHA256_F },
  // Upper case: allowed (and kept as written) in a domain, never in a path.
  { input: 'Registry.Example.com/team/app', domain: 'Registry.Example.com', path: 'team/app' },
  { input: 'ghcr.io/Owner/app', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: 'Nginx', error: 'NAME_CONTAINS_UPPERCASE' },
  { input: 'nginx:Latest', domain: 'docker.io', path: 'library/nginx', tag: 'Latest' },
  // Only docker.io gets library/.
  { input: 'ghcr.io/app', domain: 'ghcr.io', path: 'app' },
  { input: 'quay.io/coreos/etcd:v3.5.0', domain: 'quay.io', path: 'coreos/etcd', tag: 'v3.5.0' },
  // 255 counts the normalized name, including the docker.io/ that normalization adds.
  { input: `ghcr.io/${'a'.repeat(247)}`, domain: 'ghcr.io', path: 'a'.repeat(247) },
  { input: `ghcr.io/${'a'.repeat(248)}`, error: 'NAME_TOO_LONG' },
  { input: `org/${'a'.repeat(241)}`, domain: 'docker.io', path: `org/${'a'.repeat(241)}` },
  { input: `org/${'a'.repeat(242)}`, error: 'NAME_TOO_LONG' },
  { input: `nginx:${'t'.repeat(128)}`, domain: 'docker.io', path: 'library/nginx', tag: 't'.repeat(128) },
  { input: `nginx:${'t'.repeat(129)}`, error: 'INVALID_TAG' },
  { input: `busybox@${SHA512_F}`, domain: 'docker.io', path: 'library/busybox', digest: SHA512_F },
  { input: `busybox:1.36@${SHA256_F}`, domain: 'docker.io', path: 'library/busybox', tag: '1.36', digest: SHA256_F },
  { input: `busybox@sha256:${'f'.repeat(63)}`, error: 'DIGEST_LENGTH' },
  { input: `busybox@sha1:${'f'.repeat(40)}`, error: 'UNSUPPORTED_DIGEST_ALGORITHM' },
  { input: `busybox@SHA256:${'f'.repeat(64)}`, error: 'INVALID_DIGEST' },
  // "sha256:<hex>" alone normalizes, as in Go, to the official image "sha256" with a 64-character tag.
  { input: DBCC, domain: 'docker.io', path: 'library/sha256', tag: DBCC.slice('sha256:'.length) },
  { input: '${IMAGE}', error: 'INVALID_PATH_COMPONENT' },
  { input: 'nginx:${TAG}', error: 'INVALID_TAG' },
  { input: ' nginx', error: 'INVALID_PATH_COMPONENT' },
  { input: 'nginx\n', error: 'INVALID_PATH_COMPONENT' },
  { input: 'x'.repeat(2000), error: 'INPUT_TOO_LONG' },
];

describe('parseNormalized', () => {
  it.each(normalizedRows.map((row) => [label(row), row] as const))('%s', (_label, row) => {
    expectRow(parseNormalized, row);
  });

  it('is idempotent: the canonical text parses to the same reference', () => {
    for (const row of normalizedRows) {
      if ('error' in row) continue;
      const parsed = parseNormalized(row.input);
      expect(parseNormalized(formatReference(parsed)), label(row)).toEqual(parsed);
    }
  });
});

/**
 * TestParseRepositoryInfo: familiar, full and (when there is one) ambiguous spellings of one
 * repository all parse to the same domain and path, and format back to the familiar and full forms.
 */
const repositoryInfoRows: Array<{ familiar: string; full: string; ambiguous?: string; domain: string; path: string }> = [
  { familiar: 'fooo/bar', full: 'docker.io/fooo/bar', ambiguous: 'index.docker.io/fooo/bar', domain: 'docker.io', path: 'fooo/bar' },
  { familiar: 'ubuntu', full: 'docker.io/library/ubuntu', ambiguous: 'library/ubuntu', domain: 'docker.io', path: 'library/ubuntu' },
  { familiar: 'nonlibrary/ubuntu', full: 'docker.io/nonlibrary/ubuntu', domain: 'docker.io', path: 'nonlibrary/ubuntu' },
  { familiar: 'other/library', full: 'docker.io/other/library', domain: 'docker.io', path: 'other/library' },
  { familiar: '127.0.0.1:8000/private/moonbase', full: '127.0.0.1:8000/private/moonbase', domain: '127.0.0.1:8000', path: 'private/moonbase' },
  { familiar: '127.0.0.1:8000/privatebase', full: '127.0.0.1:8000/privatebase', domain: '127.0.0.1:8000', path: 'privatebase' },
  { familiar: 'example.com/private/moonbase', full: 'example.com/private/moonbase', domain: 'example.com', path: 'private/moonbase' },
  { familiar: 'example.com/privatebase', full: 'example.com/privatebase', domain: 'example.com', path: 'privatebase' },
  { familiar: 'example.com:8000/private/moonbase', full: 'example.com:8000/private/moonbase', domain: 'example.com:8000', path: 'private/moonbase' },
  { familiar: 'example.com:8000/privatebasee', full: 'example.com:8000/privatebasee', domain: 'example.com:8000', path: 'privatebasee' },
  {
    familiar: 'ubuntu-12.04-base',
    full: 'docker.io/library/ubuntu-12.04-base',
    ambiguous: 'index.docker.io/library/ubuntu-12.04-base',
    domain: 'docker.io',
    path: 'library/ubuntu-12.04-base',
  },
  { familiar: 'foo', full: 'docker.io/library/foo', ambiguous: 'docker.io/foo', domain: 'docker.io', path: 'library/foo' },
  { familiar: 'library/foo/bar', full: 'docker.io/library/foo/bar', domain: 'docker.io', path: 'library/foo/bar' },
  { familiar: 'store/foo/bar', full: 'docker.io/store/foo/bar', domain: 'docker.io', path: 'store/foo/bar' },
  { familiar: 'Foo/bar', full: 'Foo/bar', domain: 'Foo', path: 'bar' },
  { familiar: 'FOO/bar', full: 'FOO/bar', domain: 'FOO', path: 'bar' },
  // Ours: other registries keep their domain in the familiar form.
  { familiar: 'ghcr.io/x/y', full: 'ghcr.io/x/y', domain: 'ghcr.io', path: 'x/y' },
  { familiar: 'localhost:5000/app', full: 'localhost:5000/app', domain: 'localhost:5000', path: 'app' },
  { familiar: '[::1]:5000/app', full: '[::1]:5000/app', domain: '[::1]:5000', path: 'app' },
];

describe('familiar and canonical forms', () => {
  for (const row of repositoryInfoRows) {
    const spellings = [row.familiar, row.full, ...(row.ambiguous ? [row.ambiguous] : [])];
    it.each(spellings)(`%s is ${row.full}`, (spelling) => {
      const parsed = parseNormalized(spelling);
      expect({ domain: parsed.domain, path: parsed.path }).toEqual({ domain: row.domain, path: row.path });
      expect(familiarName(parsed)).toBe(row.familiar);
      expect(repositoryName(parsed)).toBe(row.full);
      expect(formatReference(parsed)).toBe(row.full);
    });
  }

  it.each([
    'nginx:1.25',
    'bitnami/redis',
    `ghcr.io/x/y@${SHA256_F}`,
    `busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa`,
    'library/a/b:1',
    'localhost:5000/app:dev',
    '[::1]:5000/app',
    `quay.io/coreos/etcd:v3.5.0@${SHA512_F}`,
  ])('familiarString round-trips %s', (familiar) => {
    const parsed = parseNormalized(familiar);
    expect(familiarString(parsed)).toBe(familiar);
    expect(parseNormalized(familiarString(parsed))).toEqual(parsed);
  });

  it('keeps tag and digest together (TestParseReferenceWithTagAndDigest)', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    const parsed = parseNormalized(short);
    expect(formatReference(parsed)).toBe(`docker.io/library/${short}`);
    expect(parsed.tag).toBe('latest');
    expect(parsed.digest).toBe('sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
    expect(familiarString(parsed)).toBe(short);
  });

  it('normalizes index.docker.io to docker.io in every form', () => {
    const parsed = parseNormalized('index.docker.io/library/nginx:1.25');
    expect(formatReference(parsed)).toBe('docker.io/library/nginx:1.25');
    expect(familiarString(parsed)).toBe('nginx:1.25');
  });
});

describe('parseCanonical (TestParseNamed)', () => {
  it.each<Row>([
    { input: 'test.com/foo', domain: 'test.com', path: 'foo' },
    { input: 'test:8080/foo', domain: 'test:8080', path: 'foo' },
    { input: 'test_com/foo', error: 'NAME_NOT_CANONICAL' },
    { input: 'test.com', error: 'NAME_NOT_CANONICAL' },
    { input: 'foo', error: 'NAME_NOT_CANONICAL' },
    { input: 'library/foo', error: 'NAME_NOT_CANONICAL' },
    { input: 'docker.io/library/foo', domain: 'docker.io', path: 'library/foo' },
    { input: 'docker.io/foo', error: 'NAME_NOT_CANONICAL' },
    { input: 'index.docker.io/library/foo', error: 'NAME_NOT_CANONICAL' },
    { input: 'docker.io/library/Foo', error: 'NAME_CONTAINS_UPPERCASE' },
  ])('$input', (row) => {
    expectRow(parseCanonical, row);
  });
});

describe('splitDockerDomain', () => {
  it.each([
    ['ubuntu', 'docker.io', 'library/ubuntu'],
    ['ubuntu:latest', 'docker.io', 'library/ubuntu:latest'],
    ['docker.io/ubuntu', 'docker.io', 'library/ubuntu'],
    ['index.docker.io/ubuntu', 'docker.io', 'library/ubuntu'],
    ['index.docker.io/org/app', 'docker.io', 'org/app'],
    // Every Docker Hub name, and ":443", spelled away (see normalize.ts for why).
    ['registry-1.docker.io/ubuntu', 'docker.io', 'library/ubuntu'],
    ['registry.hub.docker.com/org/app', 'docker.io', 'org/app'],
    ['docker.io:443/ubuntu', 'docker.io', 'library/ubuntu'],
    ['ghcr.io:443/org/app', 'ghcr.io', 'org/app'],
    ['registry:443/app', 'registry:443', 'app'],
    ['localhost/app', 'localhost', 'app'],
    ['example:5000/app', 'example:5000', 'app'],
    ['[::1]:5000/app', '[::1]:5000', 'app'],
    ['Upper/app', 'Upper', 'app'],
    ['org/app', 'docker.io', 'org/app'],
    ['ghcr.io/app:1', 'ghcr.io', 'app:1'],
  ])('%s -> %s + %s', (text, domain, remainder) => {
    expect(splitDockerDomain(text)).toEqual({ domain, remainder });
  });
});

describe('writtenRegistry', () => {
  it.each([
    ['ghcr.io/app:1', 'ghcr.io'],
    ['index.docker.io/org/app', 'index.docker.io'],
    ['localhost/app', 'localhost'],
    ['example:5000/app', 'example:5000'],
    ['Upper/app', 'Upper'],
    ['org/app', undefined],
    ['ubuntu', undefined],
    ['localhost', undefined],
  ])('%s -> %s, the domain splitDockerDomain takes as written', (text, registry) => {
    expect(writtenRegistry(text)).toBe(registry);
    if (registry !== undefined) expect(splitDockerDomain(text).remainder).toBe(text.slice(registry.length + 1));
  });
});

describe('withDigest, withTag, trimReference', () => {
  const named: ImageReference = { domain: 'test.com:8000', path: 'foo' };

  it('adds a digest and keeps the tag (TestWithDigest)', () => {
    expect(formatReference(withDigest(named, SHA256_F))).toBe(`test.com:8000/foo@${SHA256_F}`);
    expect(formatReference(withDigest({ ...named, tag: 'latest' }, SHA256_F))).toBe(`test.com:8000/foo:latest@${SHA256_F}`);
  });

  it('adds a tag and keeps the digest (TestWithTag)', () => {
    expect(formatReference(withTag(named, 'TAG5'))).toBe('test.com:8000/foo:TAG5');
    expect(formatReference(withTag({ ...named, digest: SHA256_F }, 'TAG5'))).toBe(`test.com:8000/foo:TAG5@${SHA256_F}`);
  });

  it('rejects invalid tags and digests (TestInvalidReferenceComponents)', () => {
    expect(() => withTag(named, '-foo')).toThrow(expect.objectContaining({ code: 'INVALID_TAG' }));
    expect(() => withDigest(named, 'foo')).toThrow(expect.objectContaining({ code: 'INVALID_DIGEST' }));
    // Stricter than Go's WithDigest, which checks syntax only: a 39-hex sha256 is not a digest.
    expect(() => withDigest(named, 'sha256:1234567890098765432112345667890098765')).toThrow(
      expect.objectContaining({ code: 'DIGEST_LENGTH' }),
    );
  });

  it('does not modify its argument', () => {
    const tagged: ImageReference = { domain: 'docker.io', path: 'library/nginx', tag: '1.25' };
    const pinned = withDigest(tagged, SHA256_F);
    expect(tagged.digest).toBeUndefined();
    expect(trimReference(pinned)).toEqual({ domain: 'docker.io', path: 'library/nginx' });
  });
});

describe('normalizeForOccurrence', () => {
  it('returns the canonical reference without adding a tag', () => {
    expect(normalizeForOccurrence('nginx')).toEqual({
      ok: true,
      reference: 'docker.io/library/nginx',
      parsed: { domain: 'docker.io', path: 'library/nginx' },
    });
    expect(normalizeForOccurrence(`index.docker.io/bitnami/redis:7@${SHA256_F}`)).toEqual({
      ok: true,
      reference: `docker.io/bitnami/redis:7@${SHA256_F}`,
      parsed: { domain: 'docker.io', path: 'bitnami/redis', tag: '7', digest: SHA256_F },
    });
  });

  it('reports the code and the rule instead of throwing', () => {
    const result = normalizeForOccurrence('ghcr.io/Owner/app:1');
    expect(result).toEqual({ ok: false, code: 'NAME_CONTAINS_UPPERCASE', message: expect.stringMatching(/^repository name must be lowercase/) });
    expect(normalizeForOccurrence('')).toMatchObject({ ok: false, code: 'EMPTY' });
    expect(normalizeForOccurrence(`app@sha256:${'a'.repeat(10)}`)).toMatchObject({
      ok: false,
      code: 'DIGEST_LENGTH',
      message: expect.stringMatching(/^invalid digest length/),
    });
  });

  it('trims nothing: surrounding white space is an error', () => {
    expect(normalizeForOccurrence('nginx ')).toMatchObject({ ok: false });
    expect(normalizeForOccurrence('\tnginx')).toMatchObject({ ok: false });
  });

  it('quotes the text as written, not the normalized text', () => {
    const result = normalizeForOccurrence('a@b@c');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('"a@b@c"');
  });

  it('throws only ReferenceError from the parsers it wraps', () => {
    expect(() => parseNormalized('-x')).toThrow(ReferenceError);
  });
});
