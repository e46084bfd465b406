import { describe, expect, it } from 'vitest';
import { devcontainerBuildArgs, devcontainerDiscoverer, isOciFeature } from '../../src/discover/devcontainer.js';
import { extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('devcontainer discoverer', () => {
  it('matches the three documented locations', () => {
    for (const path of ['.devcontainer/devcontainer.json', '.devcontainer.json', '.devcontainer/python/devcontainer.json', 'app/.devcontainer.json']) {
      expect(devcontainerDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['devcontainer.json', '.devcontainer/a/b/devcontainer.json', '.devcontainer/devcontainer-lock.json']) {
      expect(devcontainerDiscoverer.matches(path, ''), path).toBe(false);
    }
  });

  it('reports the image and OCI features, inside the quotes, in JSON with comments and trailing commas', async () => {
    const { occurrences, errors } = await extractFixture(devcontainerDiscoverer, 'devcontainer', '.devcontainer/devcontainer.json');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'image', raw: 'mcr.microsoft.com/devcontainers/go:1-1.23-bookworm', reference: 'mcr.microsoft.com/devcontainers/go:1-1.23-bookworm' },
      {
        context: 'features["ghcr.io/devcontainers/features/docker-in-docker:2"]',
        raw: 'ghcr.io/devcontainers/features/docker-in-docker:2',
        reference: 'ghcr.io/devcontainers/features/docker-in-docker:2',
      },
      { context: 'features["ghcr.io/devcontainers/features/github-cli:1"]', raw: 'ghcr.io/devcontainers/features/github-cli:1', reference: 'ghcr.io/devcontainers/features/github-cli:1' },
      {
        context: 'features["ghcr.io/devcontainers/features/node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]',
        raw: 'ghcr.io/devcontainers/features/node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        reference: 'ghcr.io/devcontainers/features/node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      },
    ]);
    expect(occurrences[0]).toMatchObject({ line: 6, column: 12 });
    expect(occurrences[1]).toMatchObject({ line: 10, column: 4 });
  });

  it('reads configurations in sub-folders and beside the project', async () => {
    const python = await extractFixture(devcontainerDiscoverer, 'devcontainer', '.devcontainer/python/devcontainer.json');
    expect(python.occurrences.map((occurrence) => occurrence.raw)).toEqual([
      'mcr.microsoft.com/devcontainers/python:1-3.12-bullseye',
      'ghcr.io/devcontainers-contrib/features/poetry:2',
    ]);
    const dockerfile = await extractFixture(devcontainerDiscoverer, 'devcontainer', '.devcontainer/node/devcontainer.json');
    expect(dockerfile.occurrences).toEqual([]);
    const project = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'project/.devcontainer.json');
    expect(project.occurrences).toMatchObject([{ line: 1, column: 13, raw: 'ubuntu:24.04', reference: 'docker.io/library/ubuntu:24.04' }]);
  });

  it("reads a Feature collection's test scenarios: each scenario's image and OCI Features", async () => {
    expect(devcontainerDiscoverer.matches('test/_global/scenarios.json', '')).toBe(true);
    expect(devcontainerDiscoverer.matches('scenarios.json', '')).toBe(false);
    const ruby = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'feature-collection/test/ruby/scenarios.json');
    expect(ruby.errors).toEqual([]);
    expect(ruby.occurrences.map((o) => [`${o.line}:${o.column}`, o.context, o.reference])).toEqual([
      ['9:14', '["install_ruby_trixie_base"].features["ghcr.io/devcontainers/features/common-utils:2"]', 'ghcr.io/devcontainers/features/common-utils:2'],
      ['17:14', '["install_ruby_trixie_base"].features["ghcr.io/devcontainers/features/node:1"]', 'ghcr.io/devcontainers/features/node:1'],
      ['18:14', '["install_ruby_trixie_base"].features["ghcr.io/devcontainers/features/git:1"]', 'ghcr.io/devcontainers/features/git:1'],
      ['26:19', '["install_additional_ruby_trixie"].image', 'docker.io/library/debian:trixie'],
    ]);
    expect(ruby.occurrences[3]?.note).toBe('a scenario `devcontainer features test` builds and runs');
    const docker = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'feature-collection/test/docker-in-docker/scenarios.json');
    expect(docker.occurrences.map((o) => [o.line, o.raw])).toEqual([[4, 'mcr.microsoft.com/devcontainers/base:debian'], [15, 'mcr.microsoft.com/devcontainers/base:debian']]);
  });

  it('reads nothing, and reports no error, from a scenarios.json of another shape (members without a features object, an array)', () => {
    const text = '{"logo": {"image": "logo.png", "width": 40}, "cases": [{"image": "x"}]}';
    expect(devcontainerDiscoverer.extract({ path: 'test/ui/scenarios.json', text }, fixtureContext('devcontainer'))).toEqual({ occurrences: [] });
    // Nor an error from one that is no JSON object.
    expect(devcontainerDiscoverer.extract({ path: 'test/ui/scenarios.json', text: '[{"image": "logo.png"}]' }, fixtureContext('devcontainer'))).toEqual({ occurrences: [] });
  });

  it('pulls a Feature id lower-cased, as the dev container CLI does', async () => {
    const { occurrences } = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'feature-case/.devcontainer/devcontainer.json');
    expect(occurrences[1]).toMatchObject({
      line: 8,
      column: 6,
      raw: 'ghcr.io/NicoVIII/devcontainer-features/pnpm:1',
      resolved: 'ghcr.io/nicoviii/devcontainer-features/pnpm:1',
      reference: 'ghcr.io/nicoviii/devcontainer-features/pnpm:1',
      note: 'the dev container CLI lower-cases Feature ids before pulling',
    });
    expect(occurrences[1].problem).toBeUndefined();
  });

  it('leaves dev container variables unresolved', async () => {
    const { occurrences } = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'variables/.devcontainer.json');
    expect(summary(occurrences)).toEqual([
      { context: 'image', raw: '${localEnv:DEV_IMAGE}', reference: null, problem: 'dev container variable ${localEnv:DEV_IMAGE} is only known where the container is opened' },
      { context: 'features["ghcr.io/devcontainers/features/git:1"]', raw: 'ghcr.io/devcontainers/features/git:1', reference: 'ghcr.io/devcontainers/features/git:1' },
    ]);
  });

  it('keeps what a recoverable parse found and reports the problem', async () => {
    const { occurrences, errors } = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'recovered/.devcontainer.json');
    expect(occurrences.map((occurrence) => occurrence.raw)).toEqual(['debian:12']);
    expect(errors).toEqual(['JSON problems: CommaExpected at line 3, column 3']);
  });

  it('reads a cookiecutter template whose Jinja statements stand on lines of their own, the tags masked', async () => {
    // cookiecutter-django's `{%- if cookiecutter.editor == "VS Code" %}` inside `customizations` is not JSON until rendered.
    const { occurrences, errors } = await extractFixture(devcontainerDiscoverer, 'devcontainer', 'cookiecutter-django/.devcontainer/devcontainer.json');
    expect(errors).toEqual([]);
    expect(occurrences).toEqual([]);
    const written = fixture('devcontainer', 'cookiecutter-django/.devcontainer/devcontainer.json').text;
    const text = written.replace('"service": "django",', '"image": "mcr.microsoft.com/devcontainers/python:{{ cookiecutter.python_version }}",\n    "features": {"ghcr.io/devcontainers/features/node:1": {}},');
    const extraction = await devcontainerDiscoverer.extract({ path: '.devcontainer/devcontainer.json', text }, fixtureContext('devcontainer'));
    expect(extraction.errors ?? []).toEqual([]);
    expect(summary(extraction.occurrences)).toEqual([
      { context: 'image', raw: 'mcr.microsoft.com/devcontainers/python:{{ cookiecutter.python_version }}', reference: null, problem: 'a Jinja expression fills it in when the template is rendered' },
      { context: 'features["ghcr.io/devcontainers/features/node:1"]', raw: 'ghcr.io/devcontainers/features/node:1', reference: 'ghcr.io/devcontainers/features/node:1' },
    ]);
  });

  it('throws when the file is not a JSON object', () => {
    expect(() => devcontainerDiscoverer.extract(fixture('devcontainer', 'broken/.devcontainer/devcontainer.json'), fixtureContext('devcontainer'))).toThrow(/not a JSON object/);
  });

  it.each([
    ['ghcr.io/devcontainers/features/node:1', true],
    ['localhost:5000/features/x:1', true],
    ['docker-in-docker', false],
    ['./local', false],
    ['../shared/feature', false],
    ['https://example.com/f.tgz', false],
    ['devcontainers/features/go@v1', false],
  ])('isOciFeature(%s) is %s', (id, expected) => {
    expect(isOciFeature(id)).toBe(expected);
  });
});

describe('devcontainer: hostile build args', () => {
  it('a build arg of 500,000 `${` without a `}` is no variable (kept as written), read once (each `${` was retried to the end: 9 s for 100,000)', async () => {
    const tag = '${'.repeat(500_000);
    const text = JSON.stringify({ build: { dockerfile: 'Dockerfile', args: { TAG: tag, BASE: 'alpine' } } });
    const context = { ...fixtureContext('devcontainer'), readFile: async (path: string) => (path === '.devcontainer/devcontainer.json' ? text : undefined) };
    expect(await devcontainerBuildArgs('.devcontainer/Dockerfile', context)).toEqual([{ args: { TAG: tag, BASE: 'alpine' }, source: '.devcontainer/devcontainer.json' }]);
  });
});

describe('devcontainer: JSON nested past the bound', () => {
  // 10,000 nested arrays overflowed jsonc-parser's recursive parse: the file reached the scan only as
  // "Maximum call stack size exceeded", and the Dockerfile it builds failed with it.
  const nested = `{"image": "ngnix:1", "x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;

  it('is a file not read, said so, not a stack overflow', () => {
    expect(() => devcontainerDiscoverer.extract({ path: '.devcontainer/devcontainer.json', text: nested }, fixtureContext('devcontainer'))).toThrow(
      'the JSON nests objects and arrays deeper than 256 levels: it was not read',
    );
  });

  it('gives the Dockerfile it builds no arguments, without failing it', async () => {
    const context = { ...fixtureContext('devcontainer'), readFile: async (path: string) => (path === '.devcontainer/devcontainer.json' ? nested : undefined) };
    expect(await devcontainerBuildArgs('.devcontainer/Dockerfile', context)).toEqual([]);
  });
});
