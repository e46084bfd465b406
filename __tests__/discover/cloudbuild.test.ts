import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cloudbuildDiscoverer, hasTopLevelSteps } from '../../src/discover/cloudbuild.js';
import { expandSubstitutions } from '../../src/discover/cloudbuild-substitutions.js';
import { discoverRepository } from '../../src/discover/index.js';
import { expectRawAtPositions, extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('cloudbuild discoverer', () => {
  it('matches Cloud Build config files', () => {
    for (const path of ['cloudbuild.yaml', 'deploy/cloudbuild.yml', 'cloudbuild.json', 'test.cloudbuild.yaml', 'pipelines/apply.cloudbuild.yaml']) expect(cloudbuildDiscoverer.matches(path, ''), path).toBe(true);
    for (const path of ['cloudbuild-dev.yaml', 'build.yaml', 'notcloudbuild.yaml']) expect(cloudbuildDiscoverer.matches(path, ''), path).toBe(false);
  });

  it('reads cloudbuild-<name>.yaml files that have top-level steps', async () => {
    const steps = 'steps:\n- name: gcr.io/cloud-builders/docker\n';
    for (const path of ['android/cloudbuild-ndk.yaml', 'cloudbuild_deploy.yml', 'cloudbuild.prod.yaml', 'cloudbuild-test.json']) {
      expect(cloudbuildDiscoverer.candidate?.(path), path).toBe(true);
      expect(cloudbuildDiscoverer.matches(path, path.endsWith('.json') ? '{\n  "steps": []\n}' : steps), path).toBe(true);
    }
    // Such a name alone does not make a build config: a file without `steps` is some other YAML.
    expect(cloudbuildDiscoverer.matches('cloudbuild-vars.yaml', 'substitutions:\n  _REGION: us\n')).toBe(false);
    expect(cloudbuildDiscoverer.matches('cloudbuilder.yaml', steps)).toBe(false);
    const file = 'named/cloudbuild-cleanup.yaml';
    expect(cloudbuildDiscoverer.matches(file, fixture('cloudbuild', file).text)).toBe(true);
    const { occurrences } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', file);
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.raw, occurrence.line])).toEqual([['steps[0].name', 'node:16', 7]]);
  });

  it("reads a build config under a name of its own by its content: Cloud Build's keys only, every step naming its builder (osv.dev)", async () => {
    const matchesContent = cloudbuildDiscoverer.matchesContent!;
    for (const path of ['content/build-and-stage.yaml', 'content/source_build.yaml']) {
      expect(cloudbuildDiscoverer.matches(path, fixture('cloudbuild', path).text), path).toBe(false);
      expect(matchesContent(path, fixture('cloudbuild', path).text), path).toBe(true);
    }
    const file = fixture('cloudbuild', 'content/build-and-stage.yaml');
    const { occurrences } = await cloudbuildDiscoverer.extract(file, fixtureContext('cloudbuild'));
    expectRawAtPositions(file, occurrences);
    expect(occurrences.map((o) => [o.line, o.context, o.reference ?? o.problem?.kind, o.local ?? false])).toEqual([
      [4, 'steps[0].name', 'gcr.io/cloud-builders/git', false],
      [10, 'steps[1].name', 'gcr.io/cloud-builders/docker', false],
      [15, 'steps[2].name', 'gcr.io/cloud-builders/docker', false],
      [19, 'steps[3].name', 'gcr.io/cloud-builders/docker', false],
      [36, 'images[0]', 'unresolved', true],
      [37, 'images[1]', 'unresolved', true],
    ]);
    // Found by a scan of the repository, which no other kind claims.
    const root = fileURLToPath(new URL('../fixtures/discover/cloudbuild/', import.meta.url));
    const scanned = await discoverRepository(root, { onlyFiles: ['content/source_build.yaml'] });
    expect(scanned.occurrences.map((o) => [o.kind, o.line, o.reference])).toEqual([['cloudbuild', 16, 'gcr.io/oss-vdb/ci']]);
  });

  it('does not claim by content the steps of a CI system, a file with other top-level keys, several documents, or YAML that does not parse', () => {
    const matchesContent = cloudbuildDiscoverer.matchesContent!;
    const others = {
      'azure.yml': 'steps:\n- script: docker run alpine:3.20\n  name: run\n  displayName: Run\n',
      'woodpecker.yaml': 'steps:\n- name: test\n  image: golang:1.23\n  commands: [go test]\n',
      'buildkite.yml': 'steps:\n- name: test\n  command: make test\n',
      'other.yaml': 'name: release\nsteps:\n- name: gcr.io/cloud-builders/docker\n  args: [build, .]\n',
      'two.yaml': 'steps:\n- name: alpine:3.20\n---\nsteps:\n- name: alpine:3.20\n',
      'broken.yaml': 'steps:\n- name: alpine:3.20\n  args: [a\n',
      'empty.yaml': 'steps: []\n',
      'build.json': '{"steps": [{"name": "alpine:3.20"}]}',
    };
    for (const [path, text] of Object.entries(others)) expect(matchesContent(path, text), path).toBe(false);
    expect(matchesContent('deploy.yaml', 'steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy]\n')).toBe(true);
  });

  it('reports builder images, and pushed images as built here, with substitutions resolved', async () => {
    const { occurrences, errors } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', 'cloudbuild.yaml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'steps[0].name', raw: 'gcr.io/cloud-builders/docker', reference: 'gcr.io/cloud-builders/docker' },
      { context: 'steps[1].name', raw: 'node:${_NODE_VERSION}', resolved: 'node:20', reference: 'docker.io/library/node:20' },
      {
        context: 'steps[2].name',
        raw: 'gcr.io/google.com/cloudsdktool/cloud-sdk:488.0.0-slim',
        reference: 'gcr.io/google.com/cloudsdktool/cloud-sdk:488.0.0-slim',
      },
      {
        context: 'steps[3].name',
        raw: '${_SCANNER}',
        reference: null,
        problem: 'substitution _SCANNER is not defined in this file (it may be set by the trigger)',
      },
      {
        context: 'steps[4].name',
        raw: 'us-docker.pkg.dev/$PROJECT_ID/tools/lint:1',
        reference: null,
        problem: '$PROJECT_ID is a built-in Cloud Build substitution, known only when the build runs',
      },
      {
        context: 'images[0]',
        raw: '${_REGION}-docker.pkg.dev/$PROJECT_ID/${_REPOSITORY}/app:$SHORT_SHA',
        reference: null,
        problem: '$PROJECT_ID is a built-in Cloud Build substitution, known only when the build runs',
        local: true,
        note: 'pushed by this build (built here)',
      },
      {
        context: 'images[1]',
        raw: 'us-docker.pkg.dev/example/app/worker:${_NODE_VERSION}',
        resolved: 'us-docker.pkg.dev/example/app/worker:20',
        reference: 'us-docker.pkg.dev/example/app/worker:20',
        local: true,
        note: 'pushed by this build (built here)',
      },
    ]);
    expect(occurrences[0]).toMatchObject({ line: 3, column: 10 });
  });

  it('reads the JSON form with exact positions', async () => {
    const { occurrences } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', 'json/cloudbuild.json');
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.line, occurrence.column, occurrence.local ?? false])).toEqual([
      ['steps[0].name', 4, 16, false],
      ['steps[1].name', 7, 16, false],
      ['images[0]', 9, 15, true],
    ]);
  });

  it('a step running an image an earlier step built, or one the build pushes, is local (built here)', async () => {
    const { occurrences, errors } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', 'local-builds/cloudbuild.yaml');
    expect(errors).toEqual([]);
    expect(occurrences.filter((o) => o.context?.endsWith('.name') && !o.raw.startsWith('gcr.io/cloud-builders/')).map((o) => [o.context, o.raw, o.local ?? false, o.note])).toEqual([
      // Before the build that tags it: the image of that name, checked as any other.
      ['steps[0].name', 'tester', false, undefined],
      ['steps[2].name', 'tester', true, 'built by steps[1] of this build'],
      // `docker tag SRC DST`, with the file's substitutions applied on both sides.
      ['steps[4].name', 'gcr.io/${_PROJECT}/tester:${_VERSION}', true, 'built by steps[3] of this build'],
      ['steps[5].name', 'gcr.io/kaniko-project/executor:v1.23.2', false, undefined],
      // kaniko's `--destination=`.
      ['steps[6].name', 'us-docker.pkg.dev/example/tools/linter:1', true, 'built by steps[5] of this build'],
      // `--tag` in a bash script, compared as written when a built-in substitution is unknown offline.
      ['steps[8].name', 'migrations:$SHORT_SHA', true, 'built by steps[7] of this build'],
      ['steps[9].name', 'gcr.io/$PROJECT_ID/rocker', false, undefined],
      // `build -f Rockerfile` in `dir: app`: app/Rockerfile says `TAG rocker:latest`.
      ['steps[10].name', 'rocker:latest', true, 'built by steps[9] of this build'],
      // Listed in `images:`, so built by this build.
      ['steps[11].name', 'gcr.io/$PROJECT_ID/app', true, 'pushed by this build (built here)'],
    ]);
  });

  it('throws for a file that cannot be parsed', async () => {
    await expect(cloudbuildDiscoverer.extract(fixture('cloudbuild', 'broken/cloudbuild.json'), fixtureContext('cloudbuild'))).rejects.toThrow(/invalid JSON/);
  });
});

describe('Cloud Build substitutions', () => {
  it('applies user substitutions that refer to each other, bash-style operations and defaults', async () => {
    const { occurrences, errors } = await extractFixture(cloudbuildDiscoverer, 'cloudbuild', 'dynamic/cloudbuild.yaml');
    expect(errors).toEqual([]);
    expect(occurrences.map((occurrence) => [occurrence.line, occurrence.reference ?? `${occurrence.problem?.kind}: ${occurrence.problem?.message}`, occurrence.note])).toEqual([
      [12, 'us-central1-docker.pkg.dev/tools/builder:1.22', undefined],
      [13, 'docker.io/library/golang:1.22.5', undefined],
      [14, 'docker.io/library/alpine:3.19', undefined],
      [15, 'docker.io/library/busybox:1.36', 'default written for substitution _DEBUG_IMAGE, which this file does not define'],
      [16, 'unresolved: $PROJECT_ID is a built-in Cloud Build substitution, known only when the build runs', undefined],
      [17, 'unresolved: $PROJECT_ID is a built-in Cloud Build substitution, known only when the build runs', undefined],
    ]);
  });
});

describe('expandSubstitutions', () => {
  const user = new Map([
    ['_A', 'a-${_B}'],
    ['_B', 'b'],
    ['_SELF', 'x${_SELF}'],
    ['_PATH', 'dir/sub/file.tar.gz'],
    ['_EMPTY', ''],
    ['_NAME', 'App'],
  ]);
  it.each([
    ['${_A}', 'a-b'],
    ['$_A$_B', 'a-bb'],
    ['${_PATH#*/}', 'sub/file.tar.gz'],
    ['${_PATH##*/}', 'file.tar.gz'],
    ['${_PATH%.*}', 'dir/sub/file.tar'],
    ['${_PATH%%.*}', 'dir/sub/file'],
    ['${_PATH/sub/x}', 'dir/x/file.tar.gz'],
    ['${_PATH//./-}', 'dir/sub/file-tar-gz'],
    ['${_PATH:4}', 'sub/file.tar.gz'],
    ['${_PATH:4:3}', 'sub'],
    ['${_PATH: -6}', 'tar.gz'],
    ['${#_B}', '1'],
    ['${_NAME,,}', 'app'],
    ['${_NAME^^}', 'APP'],
    ['${_EMPTY:-dflt}', 'dflt'],
    ['${_EMPTY-dflt}', ''],
    ['${_B:+set}', 'set'],
    ['${_UNSET:+set}', ''],
    ['$$HOME', '$HOME'],
  ])('%s -> %s', (text, expected) => {
    expect(expandSubstitutions(text, user).value).toBe(expected);
  });

  it.each([
    ['${_SELF}', 'substitution _SELF refers to itself'],
    ['${_UNDEFINED}', 'substitution _UNDEFINED is not defined in this file (it may be set by the trigger)'],
    ['${COMMIT_SHA:0:7}', '$COMMIT_SHA is a built-in Cloud Build substitution, known only when the build runs'],
    ['$_HEAD_BRANCH', '$_HEAD_BRANCH is a built-in Cloud Build substitution, known only when the build runs'],
    ['$HOME', '$HOME is not a built-in Cloud Build substitution (user substitutions begin with "_")'],
    ['${_B', '${_B has no closing "}"'],
  ])('%s is unresolved: %s', (text, reason) => {
    expect(expandSubstitutions(text, user).value).toEqual({ unresolved: reason });
  });

  it('bounds chains of substitutions', () => {
    const chain = new Map(Array.from({ length: 40 }, (_, index) => [`_V${index}`, index === 39 ? 'end' : `\${_V${index + 1}}`]));
    expect(expandSubstitutions('${_V0}', chain).value).toEqual({ unresolved: expect.stringMatching(/more than 16 deep/) });
  });
});

describe('cloudbuild: top-level steps of a cloudbuild-<name>.yaml', () => {
  it('are found where the replaced pattern found them', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(' ', '\t', '{', '"steps"', 'steps', ':', '\n', '\r', '\u2028', 'x'), maxLength: 16 }), (text) => {
        expect(hasTopLevelSteps(text)).toBe(/^(?:steps:|[ \t]*\{?[ \t]*"steps"[ \t]*:)/m.test(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('a line of 1,000,000 blanks before them is read once (the pattern split it every way: 2 s for 200,000)', () => {
    const blanks = ' \t'.repeat(500_000);
    expect(hasTopLevelSteps(`${blanks}\nsteps:\n- name: alpine\n`)).toBe(true);
    expect(hasTopLevelSteps(`${blanks}{${blanks}"step"`)).toBe(false);
    expect(cloudbuildDiscoverer.matches('cloudbuild-x.yaml', `${blanks}\n{ "steps" : []}`)).toBe(true);
  });
});
