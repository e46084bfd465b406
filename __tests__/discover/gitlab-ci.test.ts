import { describe, expect, it, vi } from 'vitest';
import { gitlabCiDiscoverer } from '../../src/discover/gitlab-ci.js';
import { expectRawAtPositions, extractFixture, fixture, fixtureContext, summary } from './discover-helpers.js';

describe('gitlab-ci discoverer', () => {
  it("reads each branch of a project template's {% if %} ... {% else %} (cookiecutter-django): the docker job and the uv job", async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci/cookiecutter-django', '.gitlab-ci.yml');
    expect(errors ?? []).toEqual([]);
    expect(occurrences.map((o) => [o.line, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      [17, 'ghcr.io/astral-sh/uv:python3.14-bookworm', 'ghcr.io/astral-sh/uv:python3.14-bookworm', 'precommit.image'],
      [32, 'docker:25.0', 'docker.io/library/docker:25.0', 'pytest.image'],
      [34, 'docker:dind', 'docker.io/library/docker:dind', 'pytest.services[0]'],
      [44, 'ghcr.io/astral-sh/uv:python3.14', 'ghcr.io/astral-sh/uv:python3.14', 'pytest.image'],
      [46, 'postgres:{{ cookiecutter.postgresql_version }}', 'a {{ }} template action fills it in when the file is rendered', 'pytest.services[0]'],
    ]);
  });

  it('expands the image, services and script a job takes from its template with that job\'s variables, not a rule that never runs', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci/inherited', '.gitlab-ci.yml');
    expect(occurrences.map((o) => [o.context, o.reference ?? o.problem?.message])).toEqual([
      ['.test.image', 'docker.io/library/python:3.12'],
      ['.test.image', 'docker.io/library/python:3.13'],
      ['.test.services[0]', 'docker.io/library/postgres:16'],
      ['.test.services[0]', 'docker.io/library/postgres:17'],
      ['.test.script[0]', 'docker.io/library/redis:7.2'],
      ['.test.script[0]', 'docker.io/library/redis:6.2'],
      ['pypy.image', 'docker.io/library/pypy:3.10'],
    ]);
  });

  it("expands a template's image with the variables of each job extending it, and of each rule that sets variables (libvirt-python)", async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci/libvirt-python', '.gitlab-ci.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.file, o.line, o.context, o.reference ?? o.problem?.message])).toEqual([
      // The prebuilt container, by a rule without variables.
      ['ci/gitlab/build-templates.yml', 3, '.gitlab_native_build_job.image', '$CI_REGISTRY is a predefined GitLab CI variable, known only when the pipeline runs'],
      // IMAGE: $TARGET_BASE_IMAGE of the second rule, with each build job's TARGET_BASE_IMAGE.
      ['ci/gitlab/build-templates.yml', 3, '.gitlab_native_build_job.image', 'quay.io/centos/centos:stream9'],
      ['ci/gitlab/build-templates.yml', 3, '.gitlab_native_build_job.image', 'docker.io/library/debian:12-slim'],
    ]);
  });

  it("finds the images a job's scripts pull with docker run and docker pull, with the job's variables", async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'scripts/.gitlab-ci.yml');
    expect(occurrences.filter((o) => o.note?.startsWith('pulled by')).map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['12:23', 'postgres:$PG', 'docker.io/library/postgres:16.4', 'test.script[0]'],
      ['13:23', '$TOOL', 'ghcr.io/acme/tool:2', 'test.script[1]'],
      ['16:16', 'redis:7.4', 'docker.io/library/redis:7.4', 'test.script[2]'],
      ['17:18', '$(cat image.txt)', 'the shell expands $(cat image.txt) when the job runs', 'test.script[3]'],
      ['19:22', 'busybox:1.36', 'docker.io/library/busybox:1.36', '.hidden.script'],
      ['5:19', 'alpine:3.20', 'docker.io/library/alpine:3.20', 'default.before_script[0]'],
    ]);
  });

  it('matches the pipeline file and included *.gitlab-ci.yml files', () => {
    for (const path of ['.gitlab-ci.yml', 'sub/.gitlab-ci.yaml', 'ci/build.gitlab-ci.yml', 'templates/Docker.gitlab-ci.yml']) {
      expect(gitlabCiDiscoverer.matches(path, ''), path).toBe(true);
    }
    for (const path of ['gitlab-ci.yml.bak', '.gitlab/ci.yml', 'gitlab.yml']) expect(gitlabCiDiscoverer.matches(path, ''), path).toBe(false);
  });

  it('resolves the default image and services with the variables of each job that runs them', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'defaults-per-job/.gitlab-ci.yml');
    expect(occurrences.map((o) => [o.line, o.context, o.reference])).toEqual([
      [8, 'default.image', 'docker.io/library/golang:1.23'],
      // Through `extends`, and a look-alike a job sets: each is an image the pipeline pulls.
      [8, 'default.image', 'docker.io/library/golang:1.21'],
      [8, 'default.image', 'docker.io/gollang/go:1.23'],
      [10, 'default.services[0]', 'docker.io/library/postgres:16'],
      [10, 'default.services[0]', 'docker.io/library/postgres:15'],
      // A job with an image of its own still runs the default services.
      [10, 'default.services[0]', 'docker.io/library/postgres:14'],
      [31, 'lint.image', 'docker.io/golangci/golangci-lint:v1.61'],
    ]);
  });

  it('finds pipeline, default, job and hidden-job images with variables expanded', async () => {
    const { occurrences: all, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', '.gitlab-ci.yml');
    expect(errors).toEqual([]);
    const occurrences = all.filter((occurrence) => occurrence.file === '.gitlab-ci.yml');
    expect(summary(occurrences)).toEqual([
      { context: 'image', raw: 'ruby:3.3', reference: 'docker.io/library/ruby:3.3' },
      { context: 'default.image', raw: 'alpine/git:2.45.2', reference: 'docker.io/alpine/git:2.45.2' },
      { context: 'default.services[0]', raw: '$PG_IMAGE', resolved: 'postgres:16.4', reference: 'docker.io/library/postgres:16.4' },
      { context: '.docker-template.image', raw: 'docker:${DOCKER_VERSION}', resolved: 'docker:27.3', reference: 'docker.io/library/docker:27.3' },
      { context: '.docker-template.services[0]', raw: 'docker:${DOCKER_VERSION}-dind', resolved: 'docker:27.3-dind', reference: 'docker.io/library/docker:27.3-dind' },
      // A variable referring to a variable defined later in the same block.
      { context: 'test.image', raw: '$NODE_IMAGE', resolved: 'node:22-alpine', reference: 'docker.io/library/node:22-alpine' },
      { context: 'test.services[0]', raw: 'redis:7.2', reference: 'docker.io/library/redis:7.2' },
      { context: 'test.services[1]', raw: 'mysql:8.4', reference: 'docker.io/library/mysql:8.4' },
      // Variables come through `extends`.
      { context: 'lint.image', raw: 'example/linter:$TOOL_TAG', resolved: 'example/linter:1.8.0', reference: 'docker.io/example/linter:1.8.0' },
      // Job variables override global ones; `!reference` services are reported where written.
      { context: 'release.image', raw: 'docker:${DOCKER_VERSION}', resolved: 'docker:26.1', reference: 'docker.io/library/docker:26.1' },
      {
        context: 'deploy.image',
        raw: '$CI_REGISTRY_IMAGE/deployer:latest',
        reference: null,
        problem: '$CI_REGISTRY_IMAGE is a predefined GitLab CI variable, known only when the pipeline runs',
      },
      // `expand: false` keeps the value as written, which here is not a valid reference.
      { context: 'raw.image', raw: '$RAW_IMAGE', resolved: 'example/$literal:1', reference: null, problem: expect.any(String) },
      {
        context: 'project-var.image',
        raw: '$DEPLOY_IMAGE',
        reference: null,
        problem: 'variable DEPLOY_IMAGE is not defined in this file (it may be a project or group CI/CD variable)',
      },
    ]);
    const template = occurrences.find((occurrence) => occurrence.context === '.docker-template.image')!;
    expect(template).toMatchObject({ line: 34, column: 10 });
  });

  it("does not read the macOS VM image of a job on GitLab's hosted macOS runners (own or inherited tags) as a container image", async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'macos/.gitlab-ci.yml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      { context: 'image', raw: 'python:3.13', reference: 'docker.io/library/python:3.13' },
      { context: 'linux.image', raw: 'python:3.12-slim', reference: 'docker.io/library/python:3.12-slim' },
      // A job's own tags win over those of the template it extends.
      { context: 'retagged.image', raw: 'ruby:3.3', reference: 'docker.io/library/ruby:3.3' },
    ]);
    const byDefault = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'macos-default/.gitlab-ci.yml');
    expect(summary(byDefault.occurrences)).toEqual([{ context: 'lint.image', raw: 'node:22-alpine', reference: 'docker.io/library/node:22-alpine' }]);
  });

  it('reads a stand-in image name (`name: _`) of a template as a placeholder, not as a wrong reference', async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'stand-in/.gitlab-ci.yml');
    expect(errors).toEqual([]);
    expect(summary(occurrences)).toEqual([
      {
        context: '.env_entrypoint.image',
        raw: '_',
        reference: null,
        problem: 'placeholder "_" is to be filled in by a person or a tool before use',
      },
      { context: '.markdown.image', raw: 'registry.gitlab.com/06kellyjac/docker_markdownlint-cli', reference: 'registry.gitlab.com/06kellyjac/docker_markdownlint-cli' },
      { context: 'lint:markdown:docker_hub.image', raw: '06kellyjac/markdownlint-cli', reference: 'docker.io/06kellyjac/markdownlint-cli' },
    ]);
  });

  it('reports an included file from the root pipeline that includes it, not on its own', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', '.gitlab-ci.yml');
    const included = occurrences.filter((occurrence) => occurrence.file === 'ci/build.gitlab-ci.yml');
    expect(summary(included)).toEqual([{ context: 'build-docs.image', raw: 'python:3.12-slim', reference: 'docker.io/library/python:3.12-slim' }]);
    expect(included[0]).toMatchObject({ line: 3, column: 11 });
    expect((await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'ci/build.gitlab-ci.yml')).occurrences).toEqual([]);
  });

  it('reads component files (spec document, then the jobs) and leaves inputs unresolved', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'templates/scan.gitlab-ci.yml');
    expect(summary(occurrences)).toEqual([
      {
        context: 'container-scan.image',
        raw: '$[[ inputs.scanner-image ]]',
        reference: null,
        problem: 'component input $[[ inputs.scanner-image ]] is set by the including pipeline',
      },
    ]);
  });

  it('resolves an image once per leg of the job\'s `parallel: matrix` (dd-trace-py)', async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'matrix/.gitlab-ci.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((occurrence) => [occurrence.context, occurrence.problem?.message ?? occurrence.resolved ?? occurrence.raw])).toEqual([
      // Legs that differ only in other variables (PYTHON_TAG) run the same image: one occurrence each.
      ['build linux.image', 'registry.example.com/dd-trace-py:v113741238-d2b8243-manylinux2014_x86_64'],
      ['build linux.image', 'registry.example.com/dd-trace-py:v126532274-233089d-musllinux_1_2_x86_64'],
      ['build linux.image', 'registry.example.com/dd-trace-py:v113741357-d2b8243-manylinux2014_aarch64'],
      ['build linux.image', 'registry.example.com/dd-trace-py:v126532182-233089d-musllinux_1_2_aarch64'],
      ['download_dependency_wheels.image', 'python:3.13.0'],
      ['download_dependency_wheels.image', 'python:3.14.0'],
      ['download_dependency_wheels.image', 'variable PYTHON_IMAGE_TAG is not defined in this file (it may be a project or group CI/CD variable)'],
      ['cache-tests.image', 'python:3.13'],
      ['cache-tests.services[0]', 'redis:7.2'],
      ['cache-tests.services[0]', 'redis:7.4'],
    ]);
    expect(occurrences[0]).toMatchObject({ line: 19, column: 10 });
  });

  it('reads at most the 200 jobs GitLab runs for one matrix, however many values its lists hold', async () => {
    const list = (prefix: string) => `[${Array.from({ length: 5000 }, (_, index) => `"${prefix}${index}"`).join(', ')}]`;
    const text = `test:\n  image: python:$A-$B-$C\n  parallel:\n    matrix:\n      - A: ${list('a')}\n        B: ${list('b')}\n        C: ${list('c')}\n`;
    // No duration is asserted: the 125 billion combinations, if walked, would run far past the test timeout.
    const { occurrences } = await gitlabCiDiscoverer.extract({ path: '.gitlab-ci.yml', text }, fixtureContext('gitlab-ci'));
    expect(occurrences).toHaveLength(200);
    expect(occurrences[199].resolved).toBe('python:a0-b0-c199');
  });

  it('stays bounded with variables that multiply, refer to themselves or extend in a cycle', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'hostile/.gitlab-ci.yml');
    expect(summary(occurrences)).toEqual([
      { context: 'grow.image', raw: 'example/$V8:1', reference: null, problem: expect.stringMatching(/longer than 8192 characters/) },
      { context: 'loop.image', raw: '$LOOP_A', reference: null, problem: 'variable LOOP_A refers to itself or to variables too deeply' },
      { context: 'self.image', raw: '$SELF', reference: null, problem: 'variable SELF refers to itself or to variables too deeply' },
      { context: 'cycle.image', raw: 'x/$FROM_A-$FROM_B:1', resolved: 'x/a-b:1', reference: 'docker.io/x/a-b:1' },
    ]);
  });

  // Crafted: each job and matrix leg expanded the image again through every variable it reaches, so
  // 50 jobs of 200 legs reaching 2,000 variables (a 437 KB file) ran past five minutes. The work is
  // counted in characters read, and past the bound the file is not fully scanned, not silently passed.
  it('bounds the expansion work of a pipeline and says when it stopped', async () => {
    const variables = Array.from({ length: 500 }, (_, index) => `  W${index}: "${'$E'.repeat(100)}"\n`).join('');
    const legs = Array.from({ length: 200 }, (_, index) => index).join(', ');
    const jobs = Array.from({ length: 20 }, (_, index) => `job${index}:\n  image: "alpine$V0"\n  parallel: *m\n  script: [echo]\n`).join('');
    const text = `variables:\n  V0: "${Array.from({ length: 500 }, (_, index) => `$W${index}`).join('')}"\n${variables}  E: ""\n.m: &m\n  matrix:\n    - X: [${legs}]\n${jobs}`;
    const { occurrences, errors } = await gitlabCiDiscoverer.extract({ path: '.gitlab-ci.yml', text }, fixtureContext('gitlab-ci'));
    expect(errors).toEqual(["the pipeline's variables take more than 10,000,000 characters of expansion: the images past that bound were not resolved"]);
    expect(occurrences[0]?.reference).toBe('docker.io/library/alpine');
    expect(occurrences.at(-1)?.problem?.message).toBe("the pipeline's variables take more than 10,000,000 characters of expansion");
  });

  it('throws for a file that cannot be parsed', async () => {
    await expect(gitlabCiDiscoverer.extract(fixture('gitlab-ci', 'broken/.gitlab-ci.yml'), fixtureContext('gitlab-ci'))).rejects.toThrow(/invalid YAML/);
  });
});

describe('gitlab-ci: included files and the dependency proxy', () => {
  it('reads the files the root pipeline includes, with the global variables of every file (gitlab-runner)', async () => {
    const file = fixture('gitlab-ci/runner', '.gitlab-ci.yml');
    const { occurrences, errors } = await gitlabCiDiscoverer.extract(file, fixtureContext('gitlab-ci/runner'));
    expect(errors).toEqual([]);
    for (const path of new Set(occurrences.map((occurrence) => occurrence.file))) {
      expectRawAtPositions(fixture('gitlab-ci/runner', path), occurrences.filter((occurrence) => occurrence.file === path));
    }
    expect(occurrences.map((o) => `${o.file}:${o.line}:${o.column} ${o.raw} -> ${o.reference}`)).toEqual([
      '.gitlab/ci/_common.gitlab-ci.yml:55:10 $CI_IMAGE -> registry.gitlab.com/gitlab-org/ci-cd/runner-tools/base-images/ci:0.0.48',
      '.gitlab/ci/_common.gitlab-ci.yml:77:7 docker:${DOCKER_VERSION}-dind -> docker.io/library/docker:29.7.2-dind',
      '.gitlab/ci/_common.gitlab-ci.yml:159:10 alpine:latest -> docker.io/library/alpine:latest',
      '.gitlab/ci/qa.gitlab-ci.yml:63:10 $RUNNER_LINTERS_IMAGE -> registry.gitlab.com/gitlab-org/ci-cd/runner-tools/runner-linters:2.12.2-go1.26.5',
      '.gitlab/ci/qa.gitlab-ci.yml:90:10 $RUNNER_LINTERS_IMAGE -> registry.gitlab.com/gitlab-org/ci-cd/runner-tools/runner-linters:2.12.2-go1.26.5',
      '.gitlab/ci/qa.gitlab-ci.yml:111:10 $RUNNER_LINTERS_IMAGE -> registry.gitlab.com/gitlab-org/ci-cd/runner-tools/runner-linters:2.12.2-go1.26.5',
      '.gitlab/ci/qa.gitlab-ci.yml:140:10 $DOCS_LINT_IMAGE -> registry.gitlab.com/gitlab-org/technical-writing/docs-gitlab-com/lint-markdown:alpine-3.23-vale-3.14.1-markdownlint2-0.22.1-lychee-0.24.2',
      '.gitlab/ci/qa.gitlab-ci.yml:154:10 $DOCS_LINT_IMAGE -> registry.gitlab.com/gitlab-org/technical-writing/docs-gitlab-com/lint-markdown:alpine-3.23-vale-3.14.1-markdownlint2-0.22.1-lychee-0.24.2',
      '.gitlab/ci/qa.gitlab-ci.yml:173:10 $DOCS_LINT_IMAGE -> registry.gitlab.com/gitlab-org/technical-writing/docs-gitlab-com/lint-markdown:alpine-3.23-vale-3.14.1-markdownlint2-0.22.1-lychee-0.24.2',
      '.gitlab/ci/qa.gitlab-ci.yml:191:10 $DOCS_LINT_IMAGE -> registry.gitlab.com/gitlab-org/technical-writing/docs-gitlab-com/lint-markdown:alpine-3.23-vale-3.14.1-markdownlint2-0.22.1-lychee-0.24.2',
      '.gitlab/ci/qa.gitlab-ci.yml:269:10 $DOCS_HUGO_IMAGE -> registry.gitlab.com/gitlab-org/technical-writing/docs-gitlab-com/docs-gitlab-com-builder:hugo-0.154.5',
      '.gitlab/ci/qa.gitlab-ci.yml:323:10 node:alpine -> docker.io/library/node:alpine',
      '.gitlab/ci/docs.gitlab-ci.yml:7:10 ruby:${RUBY_VERSION}-alpine -> docker.io/library/ruby:4.0.6-alpine',
    ]);
  });

  it('leaves an included file to the root pipeline that includes it', async () => {
    const file = fixture('gitlab-ci/runner', '.gitlab/ci/qa.gitlab-ci.yml');
    expect((await gitlabCiDiscoverer.extract(file, fixtureContext('gitlab-ci/runner'))).occurrences).toEqual([]);
  });

  it('reads the Docker Hub image behind the dependency proxy prefixes, in included files of any name and globs', async () => {
    const { occurrences, errors } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci/proxy', '.gitlab-ci.yml');
    expect(errors).toEqual([]);
    expect(occurrences.map((o) => [o.file, o.line, o.column, o.context, o.reference ?? o.problem?.message])).toEqual([
      ['.gitlab-ci.yml', 15, 10, 'build.image', 'docker.io/library/docker:27.3'],
      ['.gitlab-ci.yml', 17, 13, 'build.services[0]', 'docker.io/library/docker:27.3-dind'],
      ['ci/jobs.yml', 2, 10, 'test.image', 'docker.io/library/python:3.12-slim'],
      ['ci/jobs.yml', 7, 10, 'frontend.image', 'docker.io/library/node:20-alpine'],
      ['ci/jobs.yml', 12, 10, 'mirror.image', 'the dependency proxy prefix is known only when the pipeline runs, and it does not start this image'],
      ['ci/templates/lint.yml', 2, 10, '.lint.image', 'docker.io/library/golang:1.23'],
    ]);
    expect(occurrences[0].note).toBe("pulled through GitLab's dependency proxy; the Docker Hub image is checked");
  });

  it('notes each include it cannot read: another project, a URL, a template, a component, a variable path, a missing file', async () => {
    const { occurrences, notes } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'outside/.gitlab-ci.yml');
    expect(occurrences.map((occurrence) => occurrence.reference)).toEqual(['docker.io/library/fedora:41']);
    expect(notes).toEqual([
      'include project "freedesktop/ci-templates" ("/templates/fedora.yml") is outside the repository: the jobs it defines, and their images, were not read',
      'include remote "https://gitlab.gnome.org/GNOME/citemplates/raw/master/flatpak/flatpak_ci_initiative.yml" is outside the repository: the jobs it defines, and their images, were not read',
      'include template "Security/SAST.gitlab-ci.yml" is outside the repository: the jobs it defines, and their images, were not read',
      'include component "gitlab.gnome.org/GNOME/citemplates/release-service@master" is outside the repository: the jobs it defines, and their images, were not read',
      'include "/outside/ci/$CI_JOB_KIND.yml" names its file with a variable: the jobs it defines, and their images, were not read',
      'included file outside/ci/missing.yml is not in the repository',
      'outside/ci/build.yml: include remote "https://example.com/shared.yml" is outside the repository: the jobs it defines, and their images, were not read',
    ]);
  });

  it('keeps the same image written at the same line and column of two included files', async () => {
    const { occurrences } = await extractFixture(gitlabCiDiscoverer, 'gitlab-ci', 'same-place/.gitlab-ci.yml');
    expect(occurrences.map((occurrence) => [occurrence.file, occurrence.line, occurrence.column, occurrence.reference])).toEqual([
      ['same-place/test.yml', 2, 10, 'docker.io/library/python:3.12'],
      ['same-place/lint.yml', 2, 10, 'docker.io/library/python:3.12'],
    ]);
  });

  // Crafted by the offline audit (no real repository writes this): a job's variables were copied
  // into a map per job, each with every global variable and every variable of its extends chain
  // (the memo let a chain run past GitLab's 11 levels). 8,000 global variables and jobs (526 KB)
  // took 2 GB, a chain of 8,000 templates (403 KB) 2.5 GB; a 2 MiB file ran out of memory. The
  // bound is asserted on the map entries written, never on a duration.
  it('looks variables up through extends chains and globals without copying them per job', async () => {
    const size = 1_000;
    const globals = 'variables:\n' + Array.from({ length: size }, (_, i) => `  G${i}: g${i}\n`).join('');
    const jobs = Array.from({ length: size }, (_, i) => `j${i}:\n  image: evil/a${i}:$G${i}\n  script: [echo]\n`).join('');
    const chain = '.t0:\n  image: evil/chain:$V0\n' + Array.from({ length: size }, (_, i) => `.t${i + 1}:\n  extends: .t${i}\n  variables:\n    V${i}: v${i}\n`).join('');
    const text = globals + jobs + chain + `deep:\n  extends: .t${size}\n  script: [echo]\nshallow:\n  extends: .t11\n  script: [echo]\n`;
    const sets = vi.spyOn(Map.prototype, 'set');
    try {
      const { occurrences } = await gitlabCiDiscoverer.extract({ path: '.gitlab-ci.yml', text }, fixtureContext('gitlab-ci'));
      expect(occurrences.filter((o) => o.raw.startsWith('evil/a'))).toHaveLength(size);
      expect(occurrences.find((o) => o.raw === 'evil/a7:$G7')?.reference).toBe('docker.io/evil/a7:g7');
      // shallow runs .t0's image with V0 from .t1, 11 levels up (GitLab merges 11); deep, 1,001 levels down, is refused by GitLab.
      expect(occurrences.filter((o) => o.raw === 'evil/chain:$V0').map((o) => o.reference)).toEqual(['docker.io/evil/chain:v0']);
      // Before: 3 million entries (each job copying the globals, each template its chain); now about 20 per job.
      expect(sets.mock.calls.length).toBeLessThan(100 * size);
    } finally {
      sets.mockRestore();
    }
  });

  // Crafted by the offline audit (no real repository includes this many files): the 151st
  // included file was passed over without a word, its job and image unread, and the scan passed.
  it('says when included files past its bound were not read', async () => {
    const files: Record<string, string> = { '.gitlab-ci.yml': 'include:\n' + Array.from({ length: 151 }, (_, i) => `  - local: ci/i${i}.yml\n`).join('') };
    for (let i = 0; i < 151; i++) files[`ci/i${i}.yml`] = `j${i}:\n  image: ${i === 150 ? 'evil/last' : `reg.example/a${i}`}:1\n  script: [echo]\n`;
    const context = { buildArgs: {}, readFile: async (path: string) => files[path] };
    const { occurrences, errors } = await gitlabCiDiscoverer.extract({ path: '.gitlab-ci.yml', text: files['.gitlab-ci.yml'] }, context);
    expect(occurrences).toHaveLength(150);
    expect(occurrences.some((o) => o.raw === 'evil/last:1')).toBe(false);
    expect(errors).toEqual(['included file ci/i150.yml was not read, nor any other past the first 150 included files']);
  });
});

