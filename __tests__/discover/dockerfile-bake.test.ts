import { describe, expect, it, vi } from 'vitest';
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

// Crafted by the offline audit (no real repository writes these). Bounds are asserted on the
// operations counted, never on a duration.
describe('docker-bake: bounded work on hostile bake files', () => {
  async function extractWith(files: Record<string, string>) {
    const context = { buildArgs: {}, readFile: async (path: string) => files[path] };
    return dockerfileDiscoverer.extract({ path: 'Dockerfile', text: files.Dockerfile }, context);
  }

  it('says what a bake file past its token bound leaves unread: a target after it may build the Dockerfile with another image', async () => {
    // 200,000 tokens of filler, then the target that gives BASE: before, the Dockerfile was checked
    // against its ARG default (alpine) with nothing said, though bake builds it FROM evil/base.
    const filler = 'variable "pad" {\n  default = [' + '1,'.repeat(100_000) + ']\n}\n';
    const hcl = `${filler}target "app" {\n  args = { BASE = "evil/base:1" }\n}\n`;
    const dockerfile = 'ARG BASE=alpine:3.20\nFROM ${BASE}\n';
    const { occurrences, errors } = await extractWith({ 'docker-bake.hcl': hcl, Dockerfile: dockerfile });
    expect(occurrences.map((o) => o.reference)).toEqual(['docker.io/library/alpine:3.20']);
    expect(errors).toEqual(['docker-bake.hcl is past the bound of 200000 tokens: the targets and variables after it were not read, so the build arguments bake gives may differ']);
    // Within the bound, the target is read and nothing is said.
    const small = await extractWith({ 'docker-bake.hcl': `target "app" {\n  args = { BASE = "evil/base:1" }\n}\n`, Dockerfile: dockerfile });
    expect([small.occurrences.map((o) => o.reference), small.errors ?? []]).toEqual([['docker.io/evil/base:1'], []]);
  });

  it('evaluates each variable once per depth, however many times defaults name it', async () => {
    // V6 names V5 eight times, V5 names V4 eight times, ...: 8^6 evaluations before (a 1 KB file
    // naming each 32 times ran for hours).
    let hcl = 'variable "V0" {\n  default = ""\n}\n';
    for (let level = 1; level <= 6; level++) hcl += `variable "V${level}" {\n  default = "${`\${V${level - 1}}`.repeat(8)}"\n}\n`;
    hcl += 'target "app" {\n  args = { BASE = "evil/base:1${V6}" }\n}\n';
    const tests = vi.spyOn(RegExp.prototype, 'test');
    try {
      const { occurrences } = await extractWith({ 'docker-bake.hcl': hcl, Dockerfile: 'ARG BASE\nFROM ${BASE}\n' });
      expect(occurrences.map((o) => o.reference)).toEqual(['docker.io/evil/base:1']);
      // Before: 299,979 names matched (one per mention at every depth); now 435.
      expect(tests.mock.calls.length).toBeLessThan(2_000);
    } finally {
      tests.mockRestore();
    }
  });

  it('resolves each target once per depth, however many targets inherit from it', async () => {
    // Each target inherits the four before it: t0 was resolved 4^8 times for t59 alone before.
    const target: Record<string, { inherits?: string[]; args: Record<string, string> }> = {};
    for (let i = 0; i < 60; i++) target[`t${i}`] = { inherits: Array.from({ length: Math.min(i, 4) }, (_, j) => `t${i - 1 - j}`), args: { [`A${i}`]: 'x', BASE: `evil/base:${i}` } };
    const sets = vi.spyOn(Map.prototype, 'set');
    try {
      const { occurrences } = await extractWith({ 'docker-bake.json': JSON.stringify({ target }), Dockerfile: 'ARG BASE\nFROM ${BASE}\n' });
      // t59 is the one target no other inherits from: the build; the others are its bases.
      expect(occurrences.map((o) => o.reference)).toEqual(['docker.io/evil/base:59']);
      // Before: 11.8 million map entries written (each resolution copying its parents' arguments); now 25,000.
      expect(sets.mock.calls.length).toBeLessThan(100_000);
    } finally {
      sets.mockRestore();
    }
  });

  it('finds the targets others inherit from in one walk, not a search of every target per target', async () => {
    // 3,000 targets building the default Dockerfile, each inheriting the next.
    const target: Record<string, { inherits?: string[]; args?: Record<string, string> }> = { t0: { inherits: ['t1'], args: { BASE: 'evil/base:0' } } };
    for (let i = 1; i <= 3_000; i++) target[`t${i}`] = { inherits: [`t${i + 1}`] };
    const has = vi.spyOn(Set.prototype, 'has');
    try {
      const { occurrences } = await extractWith({ 'docker-bake.json': JSON.stringify({ target }), Dockerfile: 'ARG BASE\nFROM ${BASE}\n' });
      // t0 builds; every other target is a base it inherits from.
      expect(occurrences.map((o) => o.reference)).toEqual(['docker.io/evil/base:0']);
      // Before: 4.5 million lookups (each target searched in every other one's ancestors); now 39,000.
      expect(has.mock.calls.length).toBeLessThan(300_000);
    } finally {
      has.mockRestore();
    }
  });
});
