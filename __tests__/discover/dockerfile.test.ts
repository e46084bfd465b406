import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Occurrence } from '../../src/model.js';
import { LineIndex } from '../../src/discover/position.js';
import { dockerfileDiscoverer, extractDockerfile, isDockerfilePath } from '../../src/discover/dockerfile/index.js';
import { expandWord, MAX_VALUE_LENGTH, type VariableState } from '../../src/discover/dockerfile/expand.js';
import { extractFlags } from '../../src/discover/dockerfile/words.js';
import type { DiscoverContext, Extraction } from '../../src/discover/types.js';
import { fixture, fixtureContext } from './discover-helpers.js';

const FIXTURES = new URL('../fixtures/discover/dockerfile/', import.meta.url);

/** [line, column, raw, resolved text or '' when equal to raw, reference or `unresolved: why` / `invalid`, context] */
type Row = [number, number, string, string, string, string];

function fixtureText(name: string): string {
  return readFileSync(new URL(name.includes('.') ? name : `${name}/Dockerfile`, FIXTURES), 'utf8');
}

/** Extracts and checks the contract every occurrence keeps: the file text at (line, column) is `raw`. */
function extractText(path: string, text: string, buildArgs: Record<string, string> = {}): Extraction {
  const extraction = extractDockerfile({ path, text }, { buildArgs, readFile: async () => undefined });
  const lines = new LineIndex(text);
  for (const occurrence of extraction.occurrences) {
    const offset = lines.offsetAt(occurrence);
    expect(text.slice(offset, offset + occurrence.raw.length), `${occurrence.line}:${occurrence.column}`).toBe(occurrence.raw);
    expect(occurrence.kind).toBe('dockerfile');
    expect(occurrence.file).toBe(path);
  }
  return extraction;
}

function extractFixture(name: string, buildArgs: Record<string, string> = {}): { rows: Row[]; extraction: Extraction } {
  const extraction = extractText(name, fixtureText(name), buildArgs);
  return { rows: extraction.occurrences.map(toRow), extraction };
}

function toRow(occurrence: Occurrence): Row {
  const outcome = occurrence.reference ?? (occurrence.problem?.kind === 'unresolved' ? `unresolved: ${occurrence.problem.message}` : 'invalid');
  return [occurrence.line, occurrence.column, occurrence.raw, occurrence.resolved ?? '', outcome, occurrence.context ?? ''];
}

describe('Dockerfile file names', () => {
  it.each([
    ['Dockerfile', true],
    ['services/api/Dockerfile', true],
    ['Containerfile', true],
    ['dockerfile', true],
    ['Dockerfile.dev', true],
    ['build/Dockerfile.alpine', true],
    ['Dockerfile-alpine', true],
    ['Dockerfile_windows', true],
    ['Containerfile.fedora', true],
    ['api.Dockerfile', true],
    ['deploy/worker.dockerfile', true],
    ['images/base.containerfile', true],
    // 4Science/DSpace builds dspace/src/main/docker/dspace-solr/Dockerfile9 (Solr 9) beside its Dockerfile.
    ['dspace-solr/Dockerfile9', true],
    ['Containerfile2', true],
    ['Dockerfiles', false],
    ['Dockerfile.dockerignore', false],
    ['Dockerfile.j2', false],
    ['Dockerfile.template', false],
    ['Dockerfile-linux.template', false],
    ['Dockerfile.in', false],
    ['Dockerfile.md', false],
    ['dockerfile-utils.ts', false],
    ['dockerfile_lint.py', false],
    ['.dockerignore', false],
    ['docker-compose.yml', false],
    ['Dockerfiles/README', false],
    ['notes/Dockerfile/readme.txt', false],
    ['.Dockerfile', false],
  ])('%s -> %s', (path, expected) => {
    expect(isDockerfilePath(path)).toBe(expected);
    expect(dockerfileDiscoverer.matches(path, '')).toBe(expected);
  });
});

describe('Dockerfile discovery on real-shaped files', () => {
  it('finds the syntax frontend, the Go base image and external COPY/mount sources; skips stages and scratch', () => {
    const { rows } = extractFixture('go-multistage');
    expect(rows).toEqual<Row[]>([
      [1, 10, 'docker/dockerfile:1.4', '', 'docker.io/docker/dockerfile:1.4', 'syntax directive'],
      [4, 32, 'golang:1.18-alpine', '', 'docker.io/library/golang:1.18-alpine', 'FROM (stage builder)'],
      [20, 28, 'golangci/golangci-lint:v1.55.2', '', 'docker.io/golangci/golangci-lint:v1.55.2', 'RUN --mount'],
      [34, 13, 'gloursdocker/docker', '', 'docker.io/gloursdocker/docker', 'COPY --from'],
      // `FROM builder`, `FROM scratch`, `--from=builder`, `--from=0` and `--from=BUILDER` name stages.
    ]);
  });

  it('expands global ARGs in FROM and ignores stage-scope ARGs and stage references', () => {
    const { rows } = extractFixture('node-args');
    expect(rows).toEqual<Row[]>([
      [7, 6, 'node:${NODE_VERSION}-alpine', 'node:21-alpine', 'docker.io/library/node:21-alpine', 'FROM (stage deps)'],
      [18, 6, '$REGISTRY/library/nginx:$NGINX_VERSION-alpine', 'docker.io/library/nginx:1.25-alpine', 'docker.io/library/nginx:1.25-alpine', 'FROM'],
      // The stage-scope `ARG NODE_VERSION=18` inside `build` does not change the global value.
      [23, 6, 'node:$NODE_VERSION', 'node:21', 'docker.io/library/node:21', 'FROM (stage test)'],
    ]);
  });

  it('applies build-arg overrides to declared ARGs', () => {
    const { rows } = extractFixture('node-args', { NODE_VERSION: '20.11.1', NGINX_VERSION: '1.27' });
    expect(rows.map((row) => row[3])).toEqual(['node:20.11.1-alpine', 'docker.io/library/nginx:1.27-alpine', 'node:20.11.1']);
  });

  it('treats a FROM that expands to an earlier stage name (any case) as a stage, not an image', () => {
    const images = (buildArgs: Record<string, string>) => extractFixture('stage-args', buildArgs).rows.map((row) => [row[0], row[3] || row[2]]);
    const bases: Array<[number, string]> = [
      [6, 'golang:1.22-alpine'],
      [8, 'alpine:3.19'],
      [11, 'debian:12-slim'],
    ];
    expect(images({})).toEqual(bases);
    expect(images({ VARIANT: 'DEBIAN' })).toEqual(bases);
    // No stage has that name, so BuildKit would pull it as an image.
    expect(images({ VARIANT: 'ubuntu' })).toEqual([...bases, [14, 'variant-ubuntu']]);
  });

  it('treats a FROM whose unknown parts select earlier stages (binaries-$TARGETOS) as a stage, and nothing else', () => {
    const { rows, extraction } = extractFixture('platform-stages');
    // Lines 19 (binaries-$TARGETOS) and 24 (runtime-${FLAVOR}) name stages: no occurrence.
    expect(rows).toEqual<Row[]>([
      [1, 10, 'docker/dockerfile:1', '', 'docker.io/docker/dockerfile:1', 'syntax directive'],
      [6, 6, 'golang:${GO_VERSION}-alpine', 'golang:1.22-alpine', 'docker.io/library/golang:1.22-alpine', 'FROM (stage build)'],
      [22, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM (stage Runtime-Slim)'],
      [23, 6, 'alpine:3.20', '', 'docker.io/library/alpine:3.20', 'FROM (stage runtime-full)'],
      [27, 6, 'ghcr.io/acme/base-${TARGETARCH}:1.0', '', 'unresolved: build argument TARGETARCH depends on the build platform', 'FROM (stage remote)'],
      // tools-linux is declared after this FROM, and FROM may only name an earlier stage.
      [28, 6, 'tools-$TARGETOS', '', 'unresolved: build argument TARGETOS depends on the build platform', 'FROM (stage tools)'],
      [31, 6, '$FLAVOR', '', 'unresolved: build argument FLAVOR has no value', 'FROM (stage anything)'],
      [33, 13, 'binaries-$TARGETOS', '', 'unresolved: BuildKit does not expand variables in COPY --from; define a stage with FROM from a global ARG instead', 'COPY --from'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('reads a Windows Dockerfile with the backtick escape token', () => {
    const { rows, extraction } = extractFixture('windows');
    expect(rows).toEqual<Row[]>([
      [12, 6, '${dockerHost}/${WindowsServerRepo}:${tag}', 'mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/windows/servercore:ltsc2022', 'FROM (stage installer-env)'],
      // The image follows two backtick continuations; `WORKDIR C:\installer\` above does not continue.
      [28, 5, '${dockerHost}/powershell:lts-nanoserver-ltsc2022', 'mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022', 'mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022', 'FROM (stage final)'],
      [32, 13, 'mcr.microsoft.com/windows/nanoserver:ltsc2022', '', 'mcr.microsoft.com/windows/nanoserver:ltsc2022', 'COPY --from'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('never reads heredoc bodies as instructions', () => {
    const { rows, extraction } = extractFixture('heredocs');
    expect(rows).toEqual<Row[]>([
      [1, 10, 'docker/dockerfile:1', '', 'docker.io/docker/dockerfile:1', 'syntax directive'],
      [4, 6, 'debian:bookworm-slim', '', 'docker.io/library/debian:bookworm-slim', 'FROM (stage base)'],
      // A JSON-form RUN and a quoted "<<NOTAHEREDOC" open no heredoc, so these lines are instructions.
      [33, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM'],
      [35, 13, 'busybox:1.36', '', 'docker.io/library/busybox:1.36', 'COPY --from'],
      // A heredoc opened on a continued line starts after the instruction's last line.
      [40, 6, 'python:3.12-alpine', '', 'docker.io/library/python:3.12-alpine', 'FROM'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('finds images in ONBUILD triggers, with a note, and skips their heredoc bodies', () => {
    const { extraction } = extractFixture('onbuild');
    const note = 'ONBUILD trigger: runs when another image is built FROM this one';
    expect(extraction.occurrences.map((o) => [o.line, o.column, o.raw, o.reference, o.context, o.note])).toEqual([
      [3, 6, 'golang:1.21-bookworm', 'docker.io/library/golang:1.21-bookworm', 'FROM', undefined],
      [9, 21, 'ghcr.io/acme/protoc:25.1', 'ghcr.io/acme/protoc:25.1', 'ONBUILD COPY --from', note],
      [10, 36, 'alpine/git:2.43.0', 'docker.io/alpine/git:2.43.0', 'ONBUILD RUN --mount', note],
    ]);
  });

  it('handles CRLF line endings, continuations and heredocs', () => {
    const text = fixtureText('crlf');
    expect(text).toContain('\r\n');
    const { rows } = extractFixture('crlf');
    expect(rows).toEqual<Row[]>([
      [1, 10, 'docker/dockerfile:1', '', 'docker.io/docker/dockerfile:1', 'syntax directive'],
      [5, 6, 'python:${PYTHON_VERSION}-slim', 'python:3.12-slim', 'docker.io/library/python:3.12-slim', 'FROM (stage base)'],
      // `FROM \` + `base AS final` names the earlier stage.
      [12, 13, 'ghcr.io/astral-sh/uv:0.4.0', '', 'ghcr.io/astral-sh/uv:0.4.0', 'COPY --from'],
      [17, 6, 'gcr.io/distroless/python3-debian12:nonroot', '', 'gcr.io/distroless/python3-debian12:nonroot', 'FROM'],
    ]);
  });

  it('points at the right line after continuations, comments and blank lines inside them', () => {
    const { rows, extraction } = extractFixture('continuations');
    expect(rows).toEqual<Row[]>([
      [4, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM (stage base)'],
      [16, 5, 'node:20.11.1-bookworm-slim', '', 'docker.io/library/node:20.11.1-bookworm-slim', 'FROM (stage web)'],
      // `RUN echo C:\\` ends with an escaped escape token, so the next line is an instruction.
      [20, 6, 'python:3.12-slim', '', 'docker.io/library/python:3.12-slim', 'FROM'],
      [21, 13, 'ghcr.io/acme/assets:2024.01', '', 'ghcr.io/acme/assets:2024.01', 'COPY --from'],
      [24, 3, 'registry.k8s.io/pause:3.9', '', 'registry.k8s.io/pause:3.9', 'FROM (stage pause)'],
      [
        27,
        6,
        'docker.io/library/busybox:1.36.1@sha256:6d9ac9237a84afe1516540f40a0fafdc86859b2141954b4d643af7066d598b74',
        '',
        'docker.io/library/busybox:1.36.1@sha256:6d9ac9237a84afe1516540f40a0fafdc86859b2141954b4d643af7066d598b74',
        'FROM',
      ],
      // An image split by a continuation: raw is the text as written, the value is joined.
      [28, 6, 'alpine\\\n:3.18', 'alpine:3.18', 'docker.io/library/alpine:3.18', 'FROM'],
    ]);
    expect(extraction.errors).toEqual([]);
  });
});

describe('flag quoting', () => {
  it('reads quoted flag values, CSV-quoted mount fields and flags in any order', () => {
    const { rows } = extractFixture('quoting');
    expect(rows).toEqual<Row[]>([
      // FROM words keep their quotes in raw; the value has them removed.
      [3, 31, '"arm64v8/alpine:3.19"', 'arm64v8/alpine:3.19', 'docker.io/arm64v8/alpine:3.19', 'FROM (stage base)'],
      // A quoted flag value: raw is the image inside the quotes.
      [4, 30, 'golang:1.22-bookworm', '', 'docker.io/library/golang:1.22-bookworm', 'COPY --from'],
      [5, 20, 'nginx:1.25', '', 'docker.io/library/nginx:1.25', 'COPY --from'],
      [6, 29, 'ghcr.io/acme/tools:2.1', '', 'ghcr.io/acme/tools:2.1', 'RUN --mount'],
      // Mount keys are case-insensitive.
      [8, 28, 'quay.io/prometheus/busybox:latest', '', 'quay.io/prometheus/busybox:latest', 'RUN --mount'],
      // `COPY -- --from=...`: `--` ends the flags, so that is a source path.
    ]);
  });
});

describe('parser directives', () => {
  it.each<[string, Row[]]>([
    [
      'directives/spaced.Dockerfile',
      [
        [1, 12, 'docker/dockerfile:1.7-labs', '', 'docker.io/docker/dockerfile:1.7-labs', 'syntax directive'],
        [4, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM'],
      ],
    ],
    [
      // A shebang line is skipped; the image is the value's first word.
      'directives/shebang.Dockerfile',
      [
        [2, 9, 'ghcr.io/acme/frontend:1.0', '', 'ghcr.io/acme/frontend:1.0', 'syntax directive'],
        [3, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM'],
      ],
    ],
    // A byte-order mark before the directive does not hide it (the column counts the BOM's code unit).
    ['directives/bom.Dockerfile', [
      [1, 11, 'docker/dockerfile:1', '', 'docker.io/docker/dockerfile:1', 'syntax directive'],
      [2, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM'],
    ]],
    // Directives count only at the very top: after a comment, a blank line or an instruction they are comments.
    ['directives/after-comment.Dockerfile', [[3, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM']]],
    ['directives/after-blank.Dockerfile', [[3, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM']]],
    [
      'directives/after-instruction.Dockerfile',
      [
        [1, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM'],
        [3, 6, 'node:20', '', 'docker.io/library/node:20', 'FROM'],
      ],
    ],
  ])('%s', (name, expected) => {
    expect(extractFixture(name).rows).toEqual(expected);
  });

  it('reports an invalid escape directive and keeps the backslash', () => {
    const { rows, extraction } = extractFixture('directives/invalid-escape.Dockerfile');
    expect(rows).toEqual<Row[]>([
      [2, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM (stage continued)'],
      [4, 6, 'node:20', '', 'docker.io/library/node:20', 'FROM'],
    ]);
    expect(extraction.errors).toEqual(["line 1: invalid escape token 'x' does not match ` or \\"]);
  });

  it.each<[string, Row[]]>([
    [
      // With the backtick escape, a trailing backslash does not continue the line.
      'directives/escape-backtick.Dockerfile',
      [
        [2, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM'],
        [4, 6, 'node:20', '', 'docker.io/library/node:20', 'FROM'],
      ],
    ],
  ])('%s', (name, expected) => {
    expect(extractFixture(name).rows).toEqual(expected);
  });
});

describe('ARG substitution in FROM (every rule of BuildKit shell lexer)', () => {
  const { rows } = extractFixture('substitution');
  const byStage = new Map(rows.map((row) => [row[5].replace(/^FROM \(stage (.*)\)$/, '$1'), row]));
  it.each<[string, string, string]>([
    ['dollar', '$IMAGE:$TAG', 'docker.io/library/nginx:1.25.3'],
    ['braces', '${IMAGE}:${TAG}', 'docker.io/library/nginx:1.25.3'],
    ['colon-dash-unset', 'redis:${UNSET:-7.2}', 'docker.io/library/redis:7.2'],
    ['colon-dash-empty', 'redis:${EMPTY:-7.0}', 'docker.io/library/redis:7.0'],
    // `ARG TAG` without a value after `ARG TAG=1.25.3` keeps the value.
    ['colon-dash-set', 'redis:${TAG:-ignored}', 'docker.io/library/redis:1.25.3'],
    ['dash-unset', 'redis:7${UNSET-.0}', 'docker.io/library/redis:7.0'],
    ['dash-empty', 'redis:7.2${EMPTY-ignored}', 'docker.io/library/redis:7.2'],
    ['colon-plus-set', 'redis:7.2${TAG:+-alpine}', 'docker.io/library/redis:7.2-alpine'],
    ['colon-plus-empty', 'redis:7.2${EMPTY:+-alpine}', 'docker.io/library/redis:7.2'],
    ['plus-empty', 'redis:7.2${EMPTY+-bookworm}', 'docker.io/library/redis:7.2-bookworm'],
    ['plus-unset', 'redis:7.2${UNSET+-bookworm}', 'docker.io/library/redis:7.2'],
    ['colon-question', 'nginx:${TAG:?required}', 'docker.io/library/nginx:1.25.3'],
    ['question-empty', 'nginx:${EMPTY?undeclared}1.25', 'docker.io/library/nginx:1.25'],
    ['colon-question-empty', 'nginx:${EMPTY:?empty}', 'unresolved: EMPTY: empty'],
    ['hash', 'app:${VERSIONED#v}', 'docker.io/library/app:1.2.3'],
    ['double-hash', '${PATHED##*/}:1', 'docker.io/library/app:1'],
    ['percent', '${PATHED%/*}/base:1', 'registry.example.com/team/base:1'],
    ['double-percent', 'redis:${TAG%%.*}', 'docker.io/library/redis:1'],
    ['slash', '${PATHED/team/platform}:2', 'registry.example.com/platform/app:2'],
    ['double-slash', 'redis:${TAG//./-}', 'docker.io/library/redis:1-25-3'],
    // Quotes are removed; an ARG value's quotes too (`ARG QUOTED="library/redis"`).
    ['quoted', '"${QUOTED}:${SECOND}-$THIRD"', 'docker.io/library/redis:7.2-alpine'],
    // Single quotes keep `$` literal; so does the escape token: both give invalid names.
    ['single-quoted', "'${IMAGE}':1.25", 'invalid'],
    ['escaped-dollar', 'app\\$IMAGE:1', 'invalid'],
    // An ARG default may use earlier global ARGs.
    ['composed', '${COMPOSED}', 'docker.io/library/nginx:1.25.3-alpine'],
    ['overridden', 'app:${OVERRIDDEN}', 'docker.io/library/app:from-default'],
    ['bad-modifier', '${IMAGE:1}', 'unresolved: unsupported modifier (:1) in substitution'],
    ['unterminated', '${IMAGE', "unresolved: syntax error: missing '}'"],
  ])('%s: %s -> %s', (stage, raw, outcome) => {
    const row = byStage.get(stage);
    expect(row?.[2]).toBe(raw);
    expect(row?.[4]).toBe(outcome);
  });

  it('keeps the substituted text beside the raw text', () => {
    expect(byStage.get('escaped-dollar')?.[3]).toBe('app$IMAGE:1');
    expect(byStage.get('single-quoted')?.[3]).toBe('${IMAGE}:1.25');
    expect(byStage.get('hash')?.[3]).toBe('app:1.2.3');
  });

  it("names a Dev Container Template's ${templateOption:x} as what it is, not as a bad modifier (vscode-dev-containers' templates)", () => {
    const text = ['ARG VARIANT=${templateOption:imageVariant}', 'FROM mcr.microsoft.com/devcontainers/base:${VARIANT}', 'FROM base:${OTHER:i}'].join('\n');
    expect(extractText('Dockerfile', text).occurrences.map(toRow).map((row) => row[4])).toEqual([
      'unresolved: ${templateOption:imageVariant} is a Dev Container Template option, filled in when the template is applied',
      'unresolved: unsupported modifier (:i) in substitution',
    ]);
  });

  it('applies overrides to declared ARGs only, literally', () => {
    const overridden = extractFixture('substitution', {
      OVERRIDDEN: 'from-override',
      NOT_DECLARED_BUT_OVERRIDDEN: 'ignored',
      TAG: '1.27.0',
      IMAGE: '$NOT_EXPANDED',
    }).rows;
    const stage = (name: string) => overridden.find((row) => row[5] === `FROM (stage ${name})`);
    expect(stage('overridden')?.[3]).toBe('app:from-override');
    expect(stage('override-ignored')?.[3]).toBe('app:default');
    // `ARG TAG` re-declared without a default takes the override as well.
    expect(stage('braces')?.[3]).toBe('$NOT_EXPANDED:1.27.0');
  });
});

describe('values a scan cannot know', () => {
  it('reports ARGs without a value, undeclared variables, platform ARGs and variables in --from as unresolved', () => {
    const { rows, extraction } = extractFixture('unresolved');
    expect(rows).toEqual<Row[]>([
      [7, 6, '${REGISTRY}/library/debian:${DEBIAN_TAG}', '', 'unresolved: build argument REGISTRY has no value', 'FROM (stage first)'],
      // The ARG default that used REGISTRY carries the reason along.
      [8, 6, '$BASE_IMAGE', '', 'unresolved: build argument REGISTRY has no value', 'FROM (stage second)'],
      [9, 6, '${UNDECLARED}/debian:12', '', 'unresolved: build argument UNDECLARED is not declared before the first FROM', 'FROM (stage third)'],
      [10, 33, 'ghcr.io/acme/runtime:1.0-${TARGETARCH}', '', 'unresolved: build argument TARGETARCH depends on the build platform', 'FROM (stage fourth)'],
      [11, 6, 'debian:${DEBIAN_TAG:?required}', 'debian:12-slim', 'docker.io/library/debian:12-slim', 'FROM (stage fifth)'],
      [12, 6, 'debian:${MISSING_TAG:?required}', '', 'unresolved: MISSING_TAG: required', 'FROM (stage sixth)'],
      [15, 13, '${BUILDER_IMAGE}', '', 'unresolved: BuildKit does not expand variables in COPY --from; define a stage with FROM from a global ARG instead', 'COPY --from'],
      [16, 28, '$BUILDER_IMAGE', '', 'unresolved: BuildKit does not expand variables in --mount from=; define a stage with FROM from a global ARG instead', 'RUN --mount'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('resolves them once build args give the values', () => {
    const { rows } = extractFixture('unresolved', { REGISTRY: 'registry.example.com', TARGETARCH: 'arm64', UNDECLARED: 'ignored' });
    expect(rows.slice(0, 4).map((row) => row[4])).toEqual([
      'registry.example.com/library/debian:12-slim',
      'registry.example.com/debian:12',
      'unresolved: build argument UNDECLARED is not declared before the first FROM',
      'ghcr.io/acme/runtime:1.0-arm64',
    ]);
  });
});

describe('empty ARG defaults', () => {
  it('are slots for --build-arg: unresolved naming the argument when the image needs the value', () => {
    const { rows, extraction } = extractFixture('empty-default');
    const empty = 'unresolved: build argument VERSION is declared with an empty default (ARG VERSION=); its value is meant to come from --build-arg';
    expect(rows).toEqual<Row[]>([
      [7, 6, 'ghcr.io/acme/app:${VERSION}', '', empty, 'FROM (stage first)'],
      // Valid without the value: that is what a plain build pulls.
      [8, 6, '${PREFIX}nginx:1.27', 'nginx:1.27', 'docker.io/library/nginx:1.27', 'FROM (stage second)'],
      // Through another ARG's default.
      [9, 6, '$BASE', '', empty, 'FROM (stage third)'],
      [10, 6, 'ghcr.io/acme/app:${VERSION:-1.0}', 'ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:1.0', 'FROM (stage fourth)'],
      [11, 6, 'ghcr.io/acme/app:${PINNED}', 'ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:1.0', 'FROM (stage fifth)'],
      // Wrong whatever the arguments: still a grammar error.
      [12, 6, 'ghcr.io/acme/app:${PINNED}:', 'ghcr.io/acme/app:1.0:', 'invalid', 'FROM (stage sixth)'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('take the value --build-arg gives', () => {
    const { rows } = extractFixture('empty-default', { VERSION: '2.1' });
    expect(rows.slice(0, 3).map((row) => row[4])).toEqual(['ghcr.io/acme/app:2.1', 'docker.io/library/nginx:1.27', 'ghcr.io/acme/base:2.1']);
  });
});

describe('placeholders a builder fills in', () => {
  it('FROM [server-modules] (cloud-builders-community docker-reuse) is unresolved, the stage it names is local', () => {
    const { rows } = extractFixture('bracketed-placeholder');
    expect(rows).toEqual<Row[]>([
      [1, 6, '[server-modules]', '', 'unresolved: placeholder "[server-modules]" is to be filled in by a person or a tool before use', 'FROM (stage server-modules)'],
      [3, 6, 'node:17-alpine', '', 'docker.io/library/node:17-alpine', 'FROM'],
    ]);
  });
});

describe('Dockerfile templates (rendered by a generator first)', () => {
  const placeholder = (text: string) => `unresolved: placeholder "${text}" is to be filled in by a person or a tool before use`;

  it('a stage named before a multi-line action (`AS installer{{if isInternal:`) is the stage installer, not an error', () => {
    const { rows, extraction } = extractFixture('template/Dockerfile.linux');
    expect(rows).toEqual<Row[]>([
      [31, 6, '{{installerImageTag}}', '', placeholder('{{installerImageTag}}'), 'FROM (stage installer)'],
      [49, 6, '{{aspnetBaseTag}}', '', placeholder('{{aspnetBaseTag}}'), 'FROM'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('a FROM right after the `}}` closing a code block declares its stage, so COPY --from=chisel names no image', () => {
    const { rows, extraction } = extractFixture('template/Dockerfile.chiseled-ubuntu');
    expect(rows).toEqual<Row[]>([[63, 8, '{{installerImageTag}}', '', placeholder('{{installerImageTag}}'), 'FROM (stage chisel)']]);
    expect(extraction.errors).toEqual([]);
  });

  it('a Go template action with spaces (`FROM {{ .Image }}`) is one placeholder word', () => {
    const { rows, extraction } = extractFixture('template/alpine.Dockerfile');
    expect(rows).toEqual<Row[]>([[1, 6, '{{ .Image }}', '', placeholder('{{ .Image }}'), 'FROM']]);
    expect(extraction.errors).toEqual([]);
  });

  it('a `--from` flag holding an action with spaces (`--from=mnt-{{ name }}`) is one word: the stage of that name (tutor)', () => {
    const { rows, extraction } = extractFixture('template/tutor-openedx.Dockerfile');
    expect(rows).toEqual<Row[]>([
      [1, 10, 'docker/dockerfile:1', '', 'docker.io/docker/dockerfile:1', 'syntax directive'],
      [3, 6, 'docker.io/ubuntu:22.04', '', 'docker.io/library/ubuntu:22.04', 'FROM (stage minimal)'],
    ]);
    expect(extraction.errors).toEqual([]);
  });

  it('a `--from` action naming no stage is one placeholder, and the flags after it are still flags', () => {
    const text = '{% if x %}\nFROM alpine:3.20\nCOPY --from={{ builder_image }} --chown=1:1 /a /b\n{% endif %}\n';
    expect(extractText('t/Dockerfile', text).occurrences.map(toRow)).toEqual<Row[]>([
      [2, 6, 'alpine:3.20', '', 'docker.io/library/alpine:3.20', 'FROM'],
      [3, 13, '{{ builder_image }}', '', placeholder('{{ builder_image }}'), 'COPY --from'],
    ]);
  });

  it('an action never closed does not join the rest of the line into the flag, and many of them are read once', () => {
    const flagValues = (text: string) => extractFlags(text, 0).flags.map((flag) => flag.value?.text);
    expect(flagValues('--from={{ name /a /b')).toEqual(['{{']);
    expect(flagValues('--link --from=a-{{ x }}-b --chown=1:1 src dst')).toEqual([undefined, 'a-{{ x }}-b', '1:1']);
    // Sized so that a search from each `{{` to the text's end (quadratic) would run far past the test timeout.
    const many = '--a={{ '.repeat(200_000);
    expect(extractFlags(many, 0).flags).toHaveLength(200_000);
  });

  it('leaves a Dockerfile variable ending in `}}` alone, in a template too', () => {
    const text = '{{/* generated */}}\nARG BASE=alpine\nFROM ${REGISTRY:-${MIRROR:-docker.io}}/library/${BASE}:3.20 AS base\nFROM base\n';
    expect(extractText('t/Dockerfile', text).occurrences.map(toRow)).toEqual<Row[]>([
      [3, 6, '${REGISTRY:-${MIRROR:-docker.io}}/library/${BASE}:3.20', 'docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.20', 'FROM (stage base)'],
    ]);
  });
});

describe('malformed input', () => {
  it('keeps what it can and reports the rest', async () => {
    const text = fixtureText('malformed');
    const extraction = await dockerfileDiscoverer.extract({ path: 'malformed/Dockerfile', text }, { buildArgs: {}, readFile: async () => undefined });
    const lines = new LineIndex(text);
    for (const occurrence of extraction.occurrences) {
      const offset = lines.offsetAt(occurrence);
      expect(text.slice(offset, offset + occurrence.raw.length)).toBe(occurrence.raw);
    }
    expect(extraction.occurrences.map(toRow)).toEqual<Row[]>([
      [1, 6, 'alpine:3.19', '', 'docker.io/library/alpine:3.19', 'FROM (stage ok)'],
      [3, 6, 'node:20', '', 'docker.io/library/node:20', 'FROM'],
      // The unterminated quote runs to the end of the line, as in BuildKit's flag parser.
      [5, 29, 'unterminated /a /b', '', 'invalid', 'RUN --mount'],
      // Line 6: a bare quote inside a CSV field makes the whole --mount value unreadable.
      [7, 6, 'debian:12-slim', '', 'docker.io/library/debian:12-slim', 'FROM'],
      // The unterminated heredoc swallows the rest of the file, so its FROM is not an instruction.
    ]);
    expect(extraction.errors).toEqual([
      'line 8: unterminated heredoc <<EOF; the rest of the file is its body',
      'line 2: FROM requires either one or three arguments (no image given)',
      'line 3: FROM requires either one or three arguments',
      'line 6: --mount value is not valid CSV: type=bind,from=bad"quote,target=/x',
    ]);
  });

  it('bounds work on huge lines, deep nesting and self-doubling ARGs', () => {
    const hugeRun = `FROM alpine:3.19\nRUN echo ${'x '.repeat(1_000_000)}\\\n  done\nFROM ${'a'.repeat(100_000)}\nFROM node:20\n`;
    const huge = extractText('huge/Dockerfile', hugeRun);
    expect(huge.occurrences.map((o) => [o.line, o.problem?.message ?? o.reference])).toEqual([
      [1, 'docker.io/library/alpine:3.19'],
      [4, 'word longer than 16384 characters'],
      [5, 'docker.io/library/node:20'],
    ]);

    const nested = `ARG A=1\nFROM app:${'${A:-'.repeat(2000)}x${'}'.repeat(2000)}\n`;
    expect(extractText('nested/Dockerfile', nested).occurrences[0].problem?.message).toBe('substitutions nested too deeply');

    const doubling = ['ARG A0=abcdefgh', ...Array.from({ length: 40 }, (_, i) => `ARG A${i + 1}=$A${i}$A${i}`), 'FROM app:$A40', ''].join('\n');
    const doubled = extractText('doubling/Dockerfile', doubling).occurrences[0];
    expect(doubled.problem?.message).toBe(`value longer than ${MAX_VALUE_LENGTH} characters`);
  });

  it('follows a chain of 40,000 stages to the USER of the first (crafted by the offline audit)', () => {
    // No duration is asserted: the stage search this replaces was cubic in the stage count (8,000
    // stages took two minutes), so these 40,000 would run for hours, far past the test timeout.
    const stages = Array.from({ length: 40_000 }, (_, i) => `FROM s${i} AS s${i + 1}`);
    const text = ['FROM alpine:3.20 AS s0', 'USER 10001', ...stages, ''].join('\n');
    const [container] = extractText('chain/Dockerfile', text).containers ?? [];
    expect(container.name).toBe('final stage s40000');
    expect(container.user).toMatchObject({ value: '10001', line: 2 });
  });

  it('returns nothing for an empty file or one with only comments', () => {
    expect(extractText('empty/Dockerfile', '').occurrences).toEqual([]);
    expect(extractText('comments/Dockerfile', '# just a comment\n\n   # another\n').occurrences).toEqual([]);
  });
});

describe('expandWord', () => {
  const variables: Record<string, VariableState> = {
    SET: { set: true, value: 'value' },
    EMPTY: { set: true, value: '' },
    UNSET: { set: false, reason: 'build argument UNSET has no value' },
    ARCH: { set: true, unknown: 'build argument ARCH depends on the build platform' },
  };
  const lookup = (name: string): VariableState => variables[name] ?? { set: false, reason: `${name} is not declared` };
  it.each<[string, string]>([
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['$UNSET', 'unresolved: build argument UNSET has no value'],
    ['$NOPE', 'unresolved: NOPE is not declared'],
    ['${UNSET:-d}', 'd'],
    ['${UNSET-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${SET:+alt}', 'alt'],
    ['${UNSET:+alt}', ''],
    ['${ARCH+alt}', 'alt'],
    ['${ARCH:+alt}', 'unresolved: build argument ARCH depends on the build platform'],
    ['${ARCH:-amd64}', 'unresolved: build argument ARCH depends on the build platform'],
    ['${ARCH}', 'unresolved: build argument ARCH depends on the build platform'],
    // A default that is not used does not make the word unresolved.
    ['${SET:-$UNSET}', 'value'],
    ['${UNSET:-$SET}', 'value'],
    ['${UNSET:-${UNSET:-${SET}}}', 'value'],
    ['${UNSET?}', 'unresolved: UNSET: is not allowed to be unset'],
    ['${EMPTY:?}', 'unresolved: EMPTY: is not allowed to be empty'],
    ['${UNSET#x}', 'unresolved: build argument UNSET has no value'],
    ['${SET%?}', 'valu'],
    ['${SET#*a}', 'lue'],
    ['${SET/a/A}', 'vAlue'],
    ['${SET//[a]/x}', 'value'],
    ['\\$SET', '$SET'],
    ['"$SET"', 'value'],
    ['"\\$SET"', '$SET'],
    ["'$SET'", '$SET'],
    ['$', '$'],
    ['a$-b', 'unresolved: - is not declared'],
    ['${}', 'unresolved: syntax error: bad substitution'],
    ['"open', 'unresolved: unexpected end of statement while looking for matching double-quote'],
    ["'open", 'unresolved: unexpected end of statement while looking for matching single-quote'],
  ])('%s -> %s', (word, expected) => {
    const result = expandWord(word, lookup);
    expect(result.ok ? result.value : `unresolved: ${result.reason}`).toBe(expected);
  });

  it('uses the file escape token', () => {
    expect(expandWord('`$SET', lookup, '`')).toEqual({ ok: true, value: '$SET' });
    expect(expandWord('C:\\$SET', lookup, '`')).toEqual({ ok: true, value: 'C:\\value' });
  });
});

describe('a dev container Dockerfile', () => {
  const build = (context: DiscoverContext) => dockerfileDiscoverer.extract(fixture('devcontainer', 'build-args/.devcontainer/Dockerfile'), context);

  it("is read with the build arguments of the devcontainer.json that builds it (vscode-dev-containers' java template)", async () => {
    const extraction = await build(fixtureContext('devcontainer'));
    expect(extraction.occurrences.map((occurrence) => [occurrence.line, occurrence.raw, occurrence.reference, occurrence.note])).toEqual([
      [4, 'mcr.microsoft.com/vscode/devcontainers/java:${VARIANT}', 'mcr.microsoft.com/vscode/devcontainers/java:17-bullseye', 'build argument VARIANT as build-args/.devcontainer/devcontainer.json sets it'],
    ]);
  });

  it("is read with the build arguments of the dev container's compose file that builds it, once per value (vscode-dev-containers' javascript-node-mongo)", async () => {
    const extraction = await dockerfileDiscoverer.extract(fixture('devcontainer', 'compose-args/.devcontainer/Dockerfile'), fixtureContext('devcontainer'));
    expect(extraction.occurrences.map((occurrence) => [occurrence.line, occurrence.reference, occurrence.note])).toEqual([
      [4, 'mcr.microsoft.com/vscode/devcontainers/javascript-node:0-14-buster', 'build argument VARIANT as service app of compose-args/.devcontainer/docker-compose.yml sets it'],
    ]);
    const compose = fixture('devcontainer', 'compose-args/.devcontainer/docker-compose.yml').text;
    // A second service building the same Dockerfile with another VARIANT, and one giving the same: two values.
    const twoServices = `${compose}\n  tests:\n    build:\n      context: .\n      args: [VARIANT=18-bullseye]\n  docs:\n    build:\n      context: ..\n      dockerfile: .devcontainer/Dockerfile\n      args: {VARIANT: 14-buster}\n`;
    const context = { buildArgs: {}, readFile: async (path: string) => (path === 'compose-args/.devcontainer/docker-compose.yml' ? twoServices : undefined) };
    const both = await dockerfileDiscoverer.extract(fixture('devcontainer', 'compose-args/.devcontainer/Dockerfile'), context);
    expect(both.occurrences.map((occurrence) => occurrence.reference)).toEqual([
      'mcr.microsoft.com/vscode/devcontainers/javascript-node:0-14-buster',
      'mcr.microsoft.com/vscode/devcontainers/javascript-node:0-18-bullseye',
    ]);
  });

  it("keeps a policy's build arguments over the dev container's, and the ARG default without a devcontainer.json naming it", async () => {
    const policy = await build({ ...fixtureContext('devcontainer'), buildArgs: { VARIANT: '21-bookworm' } });
    expect(policy.occurrences.map((occurrence) => [occurrence.reference, occurrence.note])).toEqual([['mcr.microsoft.com/vscode/devcontainers/java:21-bookworm', undefined]]);
    const alone = await build({ buildArgs: {}, readFile: async () => undefined });
    expect(alone.occurrences.map((occurrence) => occurrence.reference)).toEqual(['mcr.microsoft.com/vscode/devcontainers/java:11-bullseye']);
  });
});
