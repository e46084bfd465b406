import { describe, expect, it } from 'vitest';
import { bakeNamedContexts } from '../../src/discover/dockerfile/bake.js';
import { dockerfileDiscoverer } from '../../src/discover/dockerfile/index.js';
import { extractFixture, fixture, fixtureContext, expectRawAtPositions } from './discover-helpers.js';

/** [line, raw, reference or the resolved value's reference, context] of each occurrence. */
async function rows(path: string): Promise<Array<[number, string, string | null, string | undefined]>> {
  const { occurrences } = await extractFixture(dockerfileDiscoverer, 'dockerfile/bake', path);
  return occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.reference, occurrence.context]);
}

describe('dockerfile: named contexts of docker-bake targets', () => {
  it("does not take a context a bake target names for an image (discourse_docker's COPY --from=templates)", async () => {
    expect(await rows('image/discourse_dev/Dockerfile')).toEqual([
      [6, 'axllent/mailpit:v1.30.6@sha256:7f33095f80e901f6ad08028f06ca284aa58fe84942be5496008d041d3b9f4d4d', 'docker.io/axllent/mailpit:v1.30.6@sha256:7f33095f80e901f6ad08028f06ca284aa58fe84942be5496008d041d3b9f4d4d', 'FROM (stage mailpit)'],
      // The dev target gives from_tag=from and names the context `from` (target:base-slim-...): built here, not pulled.
    ]);
  });

  it('reads a docker-image:// context as its image, and only the contexts of the target that builds this Dockerfile', async () => {
    const { occurrences } = await extractFixture(dockerfileDiscoverer, 'dockerfile/bake', 'other/app/Dockerfile');
    expect(occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.reference, occurrence.note])).toEqual([
      [1, 'debian:12-slim', 'docker.io/library/debian:12-slim', undefined],
      [2, 'tools', 'docker.io/library/alpine:3.20', 'the build context tools a docker-bake file names'],
      // `cache` is a context of another target (another Dockerfile): here it is the image cache.
      [4, 'cache', 'docker.io/library/cache', undefined],
      [5, 'tools', 'docker.io/library/alpine:3.20', 'the build context tools a docker-bake file names'],
    ]);
  });

  it("reads contexts with the variables' defaults, and survives unterminated strings and comments", async () => {
    const files: Record<string, string> = {
      'docker-bake.hcl': [
        'variable "TAG" { default = "1" }',
        'target "app" {',
        '  context = "."',
        '  contexts = { literal = "docker-image://alpine:3.20", "quoted" = "../dir", computed = "docker-image://alpine:${TAG}" }',
        '}',
        'target "broken" { context = "unterminated',
        '/* never closed',
      ].join('\n'),
    };
    const context = { buildArgs: {}, readFile: async (path: string) => files[path] };
    expect([...(await bakeNamedContexts('Dockerfile', context))]).toEqual([
      ['literal', ['docker-image://alpine:3.20']],
      ['quoted', ['../dir']],
      ['computed', ['docker-image://alpine:1']],
    ]);
  });
});

/** [line, reference or problem, note] of each occurrence of a fixture under bake-args (the scan root). */
async function built(path: string, files?: Record<string, string>) {
  const file = fixture('dockerfile/bake-args', path);
  const context = fixtureContext('dockerfile/bake-args');
  const readFile = files ? async (name: string) => files[name] ?? context.readFile(name) : context.readFile;
  const { occurrences } = await dockerfileDiscoverer.extract(file, { ...context, readFile });
  expectRawAtPositions(file, occurrences);
  return occurrences.map((occurrence) => [occurrence.line, occurrence.reference ?? occurrence.problem?.message, occurrence.note]);
}

describe('dockerfile: the build arguments of the docker-bake targets that build it', () => {
  it("takes each target's args, following inherits; a base target no group names is not a build (druidfi's mariadb variants)", async () => {
    expect(await built('db/mariadb/Dockerfile')).toEqual([
      [1, 'docker.io/docker/dockerfile:1', undefined],
      [6, 'docker.io/library/mariadb:10.11', 'build argument MARIADB_VERSION as bake target mariadb-1011 of db/docker-bake.hcl sets it'],
      [6, 'docker.io/library/mariadb:11.4', 'build argument MARIADB_VERSION as bake target mariadb-114 of db/docker-bake.hcl sets it'],
      [6, 'docker.io/library/mariadb:11.8', 'build argument MARIADB_VERSION as bake target mariadb-118 of db/docker-bake.hcl sets it'],
    ]);
  });

  it("evaluates a bare variable name with its default, for a bake file whose context is relative to the root it runs from (druidfi's curl)", async () => {
    expect(await built('misc/curl/Dockerfile')).toEqual([
      [1, 'docker.io/docker/dockerfile:1', undefined],
      [5, 'docker.io/library/alpine:3.24.1', 'build argument ALPINE_VERSION as bake target curl of misc/docker-bake.hcl sets it'],
    ]);
  });

  it("reads FROM naming a docker-image:// context, once per target's image (druidfi's frankenphp)", async () => {
    expect(await built('frankenphp/Dockerfile')).toEqual([
      [2, 'docker.io/dunglas/frankenphp:1.12.4-php8.4.22', 'the build context frankenphp_upstream a docker-bake file names'],
      [2, 'docker.io/dunglas/frankenphp:1.12.4-php8.5.7', 'the build context frankenphp_upstream a docker-bake file names'],
    ]);
  });

  it("applies \"${VAR}\" args, so a FROM names a stage, and a FROM naming a target: context is no image (Alfresco's java and tomcat bases)", async () => {
    expect(await built('alfresco/java/Dockerfile')).toEqual([
      [5, 'docker.io/rockylinux/rockylinux:9', 'build argument IMAGE_BASE_LOCATION as bake target java_base of alfresco/docker-bake.hcl sets it'],
    ]);
    // Without bake: java_base reads as an image, and the ARG default nodistro names no stage.
    expect(await built('alfresco/tomcat/Dockerfile')).toEqual([[4, 'docker.io/library/debian:12-slim', undefined]]);
  });

  it('leaves out an argument bake passes as null, or whose value is not known here, and stops a cycle of inherits', async () => {
    const bake = [
      'variable "FROM_ENV" {}',
      'variable "NONE" { default = null }',
      'variable "TAG" { default = "${FROM_ENV}" }',
      'group "default" { targets = ["a"] }',
      'target "a" {',
      '  inherits = ["b"]',
      '  context = "./misc/curl"',
      '  args = { ALPINE_VERSION = TAG, OTHER = NONE, THIRD = "${lower(X)}" }',
      '}',
      'target "b" { inherits = ["a"] }',
    ].join('\n');
    expect(await built('misc/curl/Dockerfile', { 'misc/docker-bake.hcl': bake })).toEqual([
      [1, 'docker.io/docker/dockerfile:1', undefined],
      [5, 'build argument ALPINE_VERSION has no value', undefined],
    ]);
    // Target a builds it (b, which only inherits from it, is its base): with ALPINE_VERSION known, a's value is read.
    const known = bake.replace('variable "FROM_ENV" {}', 'variable "FROM_ENV" { default = "3.20" }');
    expect(await built('misc/curl/Dockerfile', { 'misc/docker-bake.hcl': known })).toEqual([
      [1, 'docker.io/docker/dockerfile:1', undefined],
      [5, 'docker.io/library/alpine:3.20', 'build argument ALPINE_VERSION as bake target a of misc/docker-bake.hcl sets it'],
    ]);
  });
});
