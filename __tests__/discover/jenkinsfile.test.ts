import { describe, expect, it } from 'vitest';
import { isJenkinsfilePath, jenkinsfileDiscoverer } from '../../src/discover/jenkinsfile.js';
import { extractFixture, summary } from './discover-helpers.js';

describe('jenkinsfile discoverer', () => {
  it("finds the images its sh steps pull with docker run and docker pull, with the file's variables", async () => {
    const { occurrences } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'scripts/Jenkinsfile');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference ?? o.problem?.message, o.context])).toEqual([
      ['9:29', 'postgres:16.4', 'docker.io/library/postgres:16.4', 'sh'],
      ['10:29', '${LINT_IMAGE}', 'docker.io/hadolint/hadolint:v2.12.0', 'sh'],
      ['12:23', 'redis:7.4', 'docker.io/library/redis:7.4', 'sh'],
      ['14:32', 'node:22', 'docker.io/library/node:22', 'sh'],
      ['16:37', '$LINT_IMAGE', 'docker.io/hadolint/hadolint:v2.12.0', 'sh'],
      ['17:32', '\\$OTHER', 'OTHER is not set in this file: an environment variable or a value known only when the build runs', 'sh'],
      ['18:29', '${params.IMAGE}', 'params.IMAGE is a build parameter, known only when the build runs', 'sh'],
      ['19:29', '\\$(cat image.txt)', 'the shell expands $(cat image.txt) when the build runs', 'sh'],
    ]);
  });

  it('reads Jenkinsfiles by name, not documents named after them', () => {
    for (const path of ['Jenkinsfile', 'ci/Jenkinsfile.release', 'Jenkinsfile_nightly', '.ci/pipelines/release.Jenkinsfile', 'ci/jenkins/generated/cpu_jenkinsfile.groovy', 'jenkins/deploy.groovy', '.jenkins/build.groovy']) {
      expect(isJenkinsfilePath(path), path).toBe(true);
    }
    for (const path of ['Jenkinsfile.md', 'docs/jenkinsfile.txt', 'tests/test_jenkinsfile.py', 'Jenkinsfiles/README', 'ci/jenkins/templates/cpu_jenkinsfile.groovy.j2', 'src/Main.groovy', 'vars/build.groovy', 'jenkins/values.yaml']) {
      expect(isJenkinsfilePath(path), path).toBe(false);
    }
  });

  it('reads declarative docker agents, docker.image and withDockerContainer, with variables, parameters and registries', async () => {
    const { occurrences, notes } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'Jenkinsfile');
    expect(notes).toEqual([]);
    expect(summary(occurrences).map((row) => ({ ...row, at: undefined }))).toEqual([
      { context: 'agent.docker', raw: 'maven:3.9.6', reference: 'docker.io/library/maven:3.9.6', at: undefined },
      { context: 'agent.docker.image', raw: 'node:${NODE_VERSION}-alpine', resolved: 'node:20.11-alpine', reference: 'docker.io/library/node:20.11-alpine', at: undefined },
      {
        context: 'agent.docker.image',
        raw: 'node:20',
        resolved: 'myregistry.com/node:20',
        reference: 'myregistry.com/node:20',
        note: 'pulled from myregistry.com, the registryUrl of its docker agent',
        at: undefined,
      },
      // Already under the registry's host: not prefixed twice.
      { context: 'agent.docker.image', raw: 'myregistry.com/node', reference: 'myregistry.com/node', at: undefined },
      { context: 'agent.docker.image', raw: 'alpine:${params.TAG}', reference: null, problem: 'params.TAG is a build parameter, known only when the build runs', at: undefined },
      { context: 'docker.image', raw: 'env.PYTHON', resolved: 'python:3.12-slim', reference: 'docker.io/library/python:3.12-slim', at: undefined },
      {
        context: 'docker.image',
        raw: "'python:' + env.BUILT_BY",
        reference: null,
        problem: 'BUILT_BY is set to readMavenPom().getVersion(), which cannot be resolved from this file',
        at: undefined,
      },
      {
        context: 'docker.image',
        raw: 'team/tool:1.4',
        resolved: 'registry.example.com:5000/team/tool:1.4',
        reference: 'registry.example.com:5000/team/tool:1.4',
        note: 'pulled from registry.example.com:5000, the registry docker.withRegistry names',
        at: undefined,
      },
      {
        context: 'docker.image',
        raw: '${registry}:latest',
        resolved: 'jodada1/new-apache:latest',
        reference: 'docker.io/jodada1/new-apache:latest',
        local: true,
        note: 'built or pushed by this pipeline',
        at: undefined,
      },
      { context: 'withDockerContainer', raw: 'golang:1.22', reference: 'docker.io/library/golang:1.22', at: undefined },
    ]);
    expect(occurrences.map((occurrence) => `${occurrence.line}:${occurrence.column}`)).toEqual(['8:21', '21:28', '31:28', '40:28', '46:37', '54:34', '55:34', '57:39', '60:39', '62:49']);
  });

  it('resolves a typed local variable (elastic/terraform-provider-ec)', async () => {
    const { occurrences } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', '.ci/pipelines/release.Jenkinsfile');
    expect(summary(occurrences)).toEqual([{ context: 'docker.image', raw: '${DOCKER_IMAGE}', resolved: 'golang:1.21', reference: 'docker.io/library/golang:1.21' }]);
  });

  it('reads the pod YAML of a kubernetes agent at its place in the file (ARM-software/astc-encoder)', async () => {
    for (const [path, at] of [['jenkins/dockerimage.Jenkinsfile', '12:14'], ['jenkins/nightly.Jenkinsfile', '44:30']]) {
      const { occurrences, notes } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', path);
      expect(notes).toEqual([]);
      expect(occurrences.map((occurrence) => [`${occurrence.line}:${occurrence.column}`, occurrence.reference])).toEqual([
        [at, path.includes('nightly') ? 'mobile-studio--docker.eu-west-1.artifactory.aws.arm.com/astcenc:3.2.0' : 'mobile-studio--docker.eu-west-1.artifactory.aws.arm.com/docker:dind'],
      ]);
    }
  });

  it('reads containerTemplate and podTemplate YAML; pod YAML from an expression is a note', async () => {
    const { occurrences, notes } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'kubernetes.Jenkinsfile');
    expect(summary(occurrences)).toEqual([
      { context: 'containerTemplate.image', raw: "'maven:3.9.6-eclipse-temurin-' + JDK", resolved: 'maven:3.9.6-eclipse-temurin-17', reference: 'docker.io/library/maven:3.9.6-eclipse-temurin-17' },
      { context: 'containerTemplate.image', raw: 'golang:${GO}', reference: null, problem: 'GO is not set in this file: an environment variable or a value known only when the build runs' },
      { context: 'containerTemplate.image', raw: 'node:22-alpine', reference: 'docker.io/library/node:22-alpine' },
      { context: 'podTemplate.yaml: spec.containers[0].image', raw: 'busybox:1.${JDK}', resolved: 'busybox:1.17', reference: 'docker.io/library/busybox:1.17' },
      { context: 'podTemplate.yaml: spec.containers[1].image', raw: 'jenkins/inbound-agent:3206.vb_15dcf73f6a_9-1', reference: 'docker.io/jenkins/inbound-agent:3206.vb_15dcf73f6a_9-1' },
    ]);
    expect(notes).toEqual(['line 25: agent.kubernetes.yaml is POD, which cannot be read here: the images of its pod are not checked']);
  });

  it('finds nothing in comments, strings or regular expressions, and no image in a docker.build; an sh step is read as a script', async () => {
    const lexer = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'lexer.Jenkinsfile');
    expect(summary(lexer.occurrences)).toEqual([
      { context: 'docker.image', raw: 'alpine:3.20', reference: 'docker.io/library/alpine:3.20' },
      { context: 'sh', raw: '${IMAGE}', reference: null, note: 'pulled by `docker run` in the script', problem: 'IMAGE is not set in this file: an environment variable or a value known only when the build runs' },
    ]);
    const built = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'scripted/Jenkinsfile_Build_Image');
    expect(built.occurrences).toEqual([]);
  });
});

describe('jenkinsfile bounds', () => {
  it('stays linear with many sites, many assignments of one variable and many pod YAML strings', () => {
    const texts = [
      'docker.image("${A}")\n'.repeat(20_000) + 'def A = B\n'.repeat(2_000),
      "agent { kubernetes { yaml '''\nspec:\n  containers:\n  - image: x\n''' } }\n".repeat(3_000),
      Array.from({ length: 5_000 }, (_, index) => `def A${index} = A${index + 1}\n`).join('') + 'docker.image(A0)\n',
    ];
    // No duration is asserted (a loaded machine is slow): a pass quadratic in these texts' length
    // would run for hours, far past the test timeout.
    for (const text of texts) {
      const extraction = jenkinsfileDiscoverer.extract({ path: 'Jenkinsfile', text }, { buildArgs: {}, readFile: () => Promise.resolve(undefined) });
      expect('occurrences' in extraction && extraction.occurrences.length).toBeGreaterThan(0);
    }
  });
});

describe('jenkinsfile: images looked up in a table', () => {
  it('reads each entry of the table `docker.image(meta[platform].image)` looks in, at the place each is written (couchdb)', async () => {
    const { occurrences } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'couchdb/Jenkinsfile');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.raw, o.reference, o.context])).toEqual([
      ['19:13', 'apache/couchdbci-centos:8-erlang-${ERLANG_VERSION}', 'docker.io/apache/couchdbci-centos:8-erlang-27.3.4.13', 'docker.image(meta[platform].image)'],
      ['30:13', 'apache/couchdbci-centos:9-erlang-${ERLANG_VERSION}', 'docker.io/apache/couchdbci-centos:9-erlang-27.3.4.13', 'docker.image(meta[platform].image)'],
      ['41:13', '${DOCKER_IMAGE_BASE}-${ERLANG_VERSION}', 'docker.io/apache/couchdbci-debian:bookworm-erlang-27.3.4.13', 'docker.image(meta[platform].image)'],
    ]);
  });

  it("reads each value of the map a declarative agent's `image docker_images[...]` looks in, with its registryUrl (opensearch-build)", async () => {
    const { occurrences } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'opensearch-build/docker-build.jenkinsfile');
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference, o.context])).toEqual([
      ['4:15', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ubuntu2404-x64-docker-buildx0.9.1-qemu8.2-v1', 'agent.docker.image(docker_images["${DOCKER_BUILD_OS}"])'],
      ['5:17', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ci-runner-windows2019-opensearch-build-v1', 'agent.docker.image(docker_images["${DOCKER_BUILD_OS}"])'],
    ]);
  });

  it("reads each value of the map `docker.image(docker_images[key])` looks in once, only the key's when the file gives it (opensearch-build)", async () => {
    const { occurrences } = await extractFixture(jenkinsfileDiscoverer, 'jenkinsfile', 'opensearch-build/validate-artifacts.jenkinsfile');
    const lookup = 'docker.image(docker_images["$local_distribution"])';
    expect(occurrences.map((o) => [`${o.line}:${o.column}`, o.reference ?? o.problem?.kind, o.context])).toEqual([
      ['5:13', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ci-runner-almalinux8-opensearch-dashboards-integtest-v1', lookup],
      ['6:13', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ci-runner-almalinux8-systemd-base-integtest-v1', lookup],
      ['7:13', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ci-runner-almalinux8-systemd-base-integtest-v1', lookup],
      ['8:13', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ci-runner-windows2019-opensearch-build-v1', lookup],
      ['9:13', 'public.ecr.aws/opensearchorg/opensearchstaging/ci-runner:ci-runner-ubuntu2404-systemd-base-integtest-v1', lookup],
      ['9:13', 'docker.io/opensearchorg/opensearchstaging/ci-runner:ci-runner-ubuntu2404-systemd-base-integtest-v1', "docker.image(docker_images['deb'])"],
      ['31:34', 'unresolved', 'docker.image'],
    ]);
  });

  it('keeps a lookup in a table set more than once, or not to a literal, as one unresolved image', async () => {
    const text = "meta = ['a': [image: 'alpine:3.20']]\nmeta = ['b': [image: 'busybox:1.36']]\nother = load('x')\nnode { docker.image(meta[p].image).inside { sh 'x' }; docker.image(other[p].image).inside { sh 'y' } }\n";
    const { occurrences } = await jenkinsfileDiscoverer.extract({ path: 'Jenkinsfile', text }, { buildArgs: {}, readFile: async () => undefined });
    expect(occurrences.map((o) => [o.raw, o.problem?.kind, o.context])).toEqual([
      ['meta[p].image', 'unresolved', 'docker.image'],
      ['other[p].image', 'unresolved', 'docker.image'],
    ]);
  });
});
