// The least-privilege rules over real discovery of real-shaped files: Kubernetes pod-level vs
// container-level settings, init and ephemeral containers, CronJob templates, compose long and short
// syntax, Dockerfile stages; suppression, policy re-grading, and agreement with hadolint/kube-linter.
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/load.js';
import type { Policy } from '../../src/config/policy.js';
import { scan } from '../../src/engine.js';
import type { Finding } from '../../src/model.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'least-privilege');
const RULES = new Set(['runs-as-root', 'privileged', 'no-resource-limits', 'writable-root-filesystem']);

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A repository holding fixture files under the given names, plus files written inline (removed after the file's tests). */
function repository(files: Record<string, string>, inline: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'least-privilege-'));
  roots.push(root);
  for (const [target, fixture] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, target)), { recursive: true });
    copyFileSync(path.join(FIXTURES, fixture), path.join(root, target));
  }
  for (const [target, text] of Object.entries(inline)) {
    mkdirSync(path.dirname(path.join(root, target)), { recursive: true });
    writeFileSync(path.join(root, target), text);
  }
  return root;
}

async function findings(root: string, policy: Policy = defaultPolicy()): Promise<string[]> {
  const result = await scan({ root, policy, offline: true });
  return result.findings.filter((finding: Finding) => RULES.has(finding.rule)).map(summary);
}

const summary = (finding: Finding) =>
  `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.severity}${finding.suppressed ? ' suppressed' : ''}`;

describe('Kubernetes', () => {
  it('merges the pod securityContext into each container, the container winning', async () => {
    const result = await findings(repository({ 'k8s/deployment.yaml': 'deployment.yaml' }));
    expect(result).toEqual([
      // init container migrate: runAsUser 0 overrides the pod's 10001; no limits; writable root.
      'k8s/deployment.yaml:19:18 no-resource-limits warning',
      'k8s/deployment.yaml:19:18 writable-root-filesystem note',
      'k8s/deployment.yaml:22:24 runs-as-root warning',
      // api: the pod's runAsNonRoot applies; limits and read-only root set: nothing.
      // sidecar: runAsNonRoot false at container level, but the pod's runAsUser 10001 still applies
      // (Kubernetes merges field by field), so it does not run as root; no CPU limit; writable root.
      'k8s/deployment.yaml:34:18 no-resource-limits warning',
      'k8s/deployment.yaml:34:18 writable-root-filesystem note',
    ]);
  });

  it('reports pod-level host settings once, at the line that sets them, and only sensitive host paths', async () => {
    const result = await findings(repository({ 'deploy/node-agent.yaml': 'node-agent.yaml' }));
    expect(result).toEqual([
      'deploy/node-agent.yaml:13:20 privileged error', // hostNetwork (both containers, once)
      'deploy/node-agent.yaml:14:16 privileged error', // hostPID
      'deploy/node-agent.yaml:18:19 privileged error', // hostPath /var/run/docker.sock (not /var/log/pods)
      'deploy/node-agent.yaml:24:18 runs-as-root warning',
      'deploy/node-agent.yaml:24:18 writable-root-filesystem note',
      'deploy/node-agent.yaml:26:25 privileged error', // privileged: true
      'deploy/node-agent.yaml:28:21 privileged error', // SYS_ADMIN; NET_BIND_SERVICE is harmless
      'deploy/node-agent.yaml:39:39 privileged error', // allowPrivilegeEscalation: true
    ]);
  });

  it('reads CronJob pod templates, and gives ephemeral containers no limit or root-filesystem finding', async () => {
    const result = await findings(repository({ 'cronjob.yaml': 'cronjob.yaml' }));
    expect(result).toEqual([
      'cronjob.yaml:14:22 no-resource-limits warning',
      'cronjob.yaml:14:22 runs-as-root warning',
      'cronjob.yaml:14:22 writable-root-filesystem note',
      // debugger (ephemeral) inherits the pod's runAsNonRoot: nothing.
    ]);
  });

  it('a real manifest (podinfo): allowPrivilegeEscalation true is an error at its line; NET_BIND_SERVICE is not', async () => {
    const result = await findings(repository({ 'deployment.yaml': 'podinfo-secure-frontend.yaml' }));
    expect(result).toEqual([
      'deployment.yaml:32:16 runs-as-root warning',
      'deployment.yaml:32:16 writable-root-filesystem note',
      'deployment.yaml:40:37 privileged error',
    ]);
  });

  it('does not judge Helm values, which are not manifests', async () => {
    const values = 'image:\n  repository: nginx\n  tag: "1.27"\nsecurityContext:\n  privileged: true\n  runAsUser: 0\n';
    const chart = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
    const result = await findings(repository({}, { 'charts/web/Chart.yaml': chart, 'charts/web/values.yaml': values }));
    expect(result).toEqual([]);
  });

  it('does not judge a chart template, whose settings come from values at render time', async () => {
    // This template parses as YAML (every action is quoted), so only knowing it is a template keeps
    // its securityContext, filled in by Helm, from being read as absent (runs-as-root, no limits).
    const template = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n      securityContext: "{{ .Values.securityContext }}"\n';
    const chart = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
    const values = 'image:\n  repository: nginx\n  tag: "1.27"\nsecurityContext:\n  runAsNonRoot: true\n';
    const result = await findings(repository({}, { 'charts/web/Chart.yaml': chart, 'charts/web/values.yaml': values, 'charts/web/templates/pod.yaml': template }));
    expect(result).toEqual([]);
  });
});

describe('compose', () => {
  it('reads short and long syntax: user, privileged, cap_add, host namespaces, bind mounts, limits', async () => {
    const result = await findings(repository({ 'compose.yaml': 'compose.yaml' }));
    expect(result).toEqual([
      'compose.yaml:13:17 privileged error', // privileged: true
      'compose.yaml:14:11 runs-as-root warning', // user: root
      'compose.yaml:16:9 privileged error', // NET_ADMIN (CHOWN is not reported)
      'compose.yaml:18:19 privileged error', // network_mode: host
      'compose.yaml:22:9 privileged error', // the Docker socket; ./src and the named volume are not host paths to worry about
      'compose.yaml:26:12 no-resource-limits warning', // monitor; web and builder set limits
      'compose.yaml:27:10 privileged error', // pid: host
      'compose.yaml:30:17 privileged error', // long syntax bind of /
    ]);
  });

  it('does not ask a development stack (no service has deploy:) for limits', async () => {
    const text = '# Local development stack.\nservices:\n  web:\n    build: .\n  db:\n    image: postgres:16.4\n';
    expect(await findings(repository({}, { 'docker-compose.yml': text }))).toEqual([]);
  });
});

describe('Nomad', () => {
  it('reads a task\u2019s user and its docker config: privileged, cap_add, host namespaces, volumes, bind mounts; no limits asked', async () => {
    const job = readFileSync(path.join(FIXTURES, '..', 'discover', 'nomad', 'nomad_jobs', 'www', 'nomad.job'), 'utf8');
    expect(await findings(repository({}, { 'nomad_jobs/www/nomad.job': job }))).toEqual([
      // perrymanuk/hashi-homelab's www task: network_mode = "host".
      'nomad_jobs/www/nomad.job:33:25 privileged error',
      'nomad_jobs/www/nomad.job:55:17 runs-as-root warning',
      'nomad_jobs/www/nomad.job:58:22 privileged error',
      'nomad_jobs/www/nomad.job:59:21 privileged error',
      'nomad_jobs/www/nomad.job:60:25 privileged error',
      'nomad_jobs/www/nomad.job:61:21 privileged error',
      'nomad_jobs/www/nomad.job:64:21 privileged error',
    ]);
  });
});

describe('Ansible', () => {
  it('judges a container task: host paths, host namespaces, a root user; no limits asked', async () => {
    const discover = path.join(FIXTURES, '..', 'discover', 'ansible', 'ansible-nas', 'roles', 'glances');
    const files = {
      'roles/glances/tasks/main.yml': readFileSync(path.join(discover, 'tasks', 'main.yml'), 'utf8'),
      'roles/glances/defaults/main.yml': readFileSync(path.join(discover, 'defaults', 'main.yml'), 'utf8'),
      'site.yml': '- hosts: all\n  tasks:\n    - name: app\n      community.docker.docker_container:\n        image: docker.io/library/redis:7\n        user: "0"\n',
    };
    expect(await findings(repository({}, files))).toEqual([
      // davestephens/ansible-nas's glances role: the Docker socket and pid_mode: host.
      'roles/glances/tasks/main.yml:10:13 privileged error',
      'roles/glances/tasks/main.yml:12:19 privileged error',
      'site.yml:6:15 runs-as-root warning',
    ]);
  });
});

describe('Terraform and ECS task definitions', () => {
  const discoverFixture = (kind: string, file: string) => readFileSync(path.join(FIXTURES, '..', 'discover', kind, file), 'utf8');

  it('reads a docker_container privileged setting and a container definition user', async () => {
    expect(
      await findings(
        repository({}, {
          // kreuzwerker/terraform-provider-docker's dind container; terraform-aws-modules/ecs's FireLens container as user "0".
          'ssh/main.tf': discoverFixture('terraform', 'docker/examples/ssh-protocol/main.tf'),
          'fargate/main.tf': discoverFixture('terraform', 'aws-ecs/examples/fargate/main.tf'),
        }),
      ),
    ).toEqual(['fargate/main.tf:104:28 runs-as-root warning', 'ssh/main.tf:36:16 privileged error']);
  });

  it('reads an ECS task definition file: privileged and a root user; no limits asked', async () => {
    const root = repository({}, {
      'root/task-definition.json': discoverFixture('ecs-task-definition', 'xray-root/task-definition.json'),
      'plain/task-definition.json': discoverFixture('ecs-task-definition', 'xray/task-definition.json'),
    });
    expect(await findings(root)).toEqual(['root/task-definition.json:15:22 runs-as-root warning', 'root/task-definition.json:16:27 privileged error']);
  });
});

describe('Dockerfile', () => {
  it('follows USER through the stage the final stage is built from', async () => {
    expect(await findings(repository({ Dockerfile: 'Dockerfile.inherits' }))).toEqual([]);
  });

  it('flags a final stage with no USER at its FROM, and USER root last at its line (hadolint DL3002)', async () => {
    const result = await findings(repository({ 'no-user/Dockerfile': 'Dockerfile.no-user', 'root/Dockerfile': 'Dockerfile.root-last' }));
    expect(result).toEqual(['no-user/Dockerfile:4:1 runs-as-root warning', 'root/Dockerfile:5:6 runs-as-root warning']);
  });

  it('takes a nonroot base tag at its word', async () => {
    expect(await findings(repository({ Dockerfile: 'Dockerfile.distroless' }))).toEqual([]);
  });
});

describe('what is not a running workload', () => {
  // Seen on real repositories (jaeger-operator's kustomize patches and bundle image, vscode-dev-containers).
  it('a kustomize patch (containers without an image), a FROM scratch bundle, a devcontainer Dockerfile', async () => {
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\nspec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          args: ["--metrics-addr=127.0.0.1:8080"]\n';
    const bundle = 'FROM scratch\nCOPY manifests /manifests/\nLABEL operators.operatorframework.io.bundle.mediatype.v1=registry+v1\n';
    const devcontainer = 'FROM mcr.microsoft.com/devcontainers/base:bookworm\nRUN apt-get update\n';
    const root = repository({}, { 'config/default/manager_auth_proxy_patch.yaml': patch, 'bundle/Dockerfile': bundle, '.devcontainer/Dockerfile': devcontainer });
    expect(await findings(root)).toEqual([]);
  });

  it("a development container's own compose stack: the Docker socket and a debugger's SYS_PTRACE serve the editor (Kong/kong .devcontainer/); the same file elsewhere is judged", async () => {
    const text = readFileSync(path.join(FIXTURES, 'devcontainer-compose.yml'), 'utf8');
    expect(await findings(repository({}, { '.devcontainer/docker-compose.yml': text }))).toEqual([]);
    expect(await findings(repository({}, { 'docker-compose.yml': text }))).toEqual(['docker-compose.yml:23:9 privileged error', 'docker-compose.yml:27:9 privileged error']);
  });

  it('a FROM scratch image that runs a binary is still judged', async () => {
    const root = repository({}, { Dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n' });
    expect(await findings(root)).toEqual(['Dockerfile:3:1 runs-as-root warning']);
  });
});

describe('suppression and policy', () => {
  it('an inline comment suppresses, the policy re-grades or turns a rule off', async () => {
    const text = 'services:\n  agent:\n    image: docker:27\n    # verify-images: ignore privileged node agent needs the host\n    privileged: true\n    mem_limit: 1g\n    cpus: 1\n';
    const root = repository({}, { 'compose.yaml': text });
    expect(await findings(root)).toEqual(['compose.yaml:5:17 privileged error suppressed']);
    const policy = defaultPolicy();
    policy.severity['no-resource-limits'] = 'off';
    policy.severity['runs-as-root'] = 'error';
    const dockerfile = repository({ Dockerfile: 'Dockerfile.no-user', 'compose.yaml': 'compose.yaml' });
    const graded = await findings(dockerfile, policy);
    expect(graded).toContain('Dockerfile:4:1 runs-as-root error');
    expect(graded.some((line) => line.includes('no-resource-limits'))).toBe(false);
  });
});

describe('agreement with hadolint and kube-linter on shared cases', () => {
  // Each row: a file, the peer's rule that flags it there, and verify-images' rule at the same place.
  const cases: Array<{ file: string; fixture: string; peer: string; expected: string }> = [
    { file: 'Dockerfile', fixture: 'Dockerfile.root-last', peer: 'hadolint DL3002 (last USER should not be root)', expected: 'Dockerfile:5:6 runs-as-root warning' },
    { file: 'ds.yaml', fixture: 'node-agent.yaml', peer: 'kube-linter privileged-container', expected: 'ds.yaml:26:25 privileged error' },
    { file: 'ds.yaml', fixture: 'node-agent.yaml', peer: 'kube-linter host-network', expected: 'ds.yaml:13:20 privileged error' },
    { file: 'ds.yaml', fixture: 'node-agent.yaml', peer: 'kube-linter host-pid', expected: 'ds.yaml:14:16 privileged error' },
    { file: 'ds.yaml', fixture: 'node-agent.yaml', peer: 'kube-linter docker-sock', expected: 'ds.yaml:18:19 privileged error' },
    { file: 'ds.yaml', fixture: 'node-agent.yaml', peer: 'kube-linter privilege-escalation-container', expected: 'ds.yaml:39:39 privileged error' },
    { file: 'ds.yaml', fixture: 'node-agent.yaml', peer: 'kube-linter run-as-non-root', expected: 'ds.yaml:24:18 runs-as-root warning' },
    { file: 'cj.yaml', fixture: 'cronjob.yaml', peer: 'kube-linter unset-memory-requirements', expected: 'cj.yaml:14:22 no-resource-limits warning' },
    { file: 'cj.yaml', fixture: 'cronjob.yaml', peer: 'kube-linter no-read-only-root-fs', expected: 'cj.yaml:14:22 writable-root-filesystem note' },
  ];
  for (const { file, fixture, peer, expected } of cases) {
    it(`${peer}: ${expected}`, async () => {
      expect(await findings(repository({ [file]: fixture }))).toContain(expected);
    });
  }
});
