/**
 * Squat families generalised beyond Docker Hub and beyond a hand list (issue 14): official names
 * republished under an account on ghcr.io and Quay, with constructed names only (the blind sets'
 * rows are scored, not copied here).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/index.js';
import { buildTrustTargets, detectSquat, impersonationCheck, squatMessage, squatSuggestion, typosquatCheck, type TrustTargets } from '../../src/checks/typosquat.js';
import { defaultPolicy } from '../../src/config/load.js';
import { DEFAULT_TRUSTED_IMAGES, DEFAULT_TRUSTED_REGISTRIES } from '../../src/config/trusted-defaults.js';
import { scan } from '../../src/engine.js';
import type { ResolvedOccurrence } from '../../src/model.js';
import { normalizeForOccurrence } from '../../src/reference/index.js';

const defaults = buildTrustTargets({ trustedImages: DEFAULT_TRUSTED_IMAGES, trustedRegistries: DEFAULT_TRUSTED_REGISTRIES });

function detect(image: string, targets: TrustTargets = defaults) {
  const normalized = normalizeForOccurrence(image);
  if (!normalized.ok) throw new Error(`${image}: ${normalized.message}`);
  return detectSquat(normalized.reference, targets);
}

describe('an official name republished under an account on ghcr.io or Quay', () => {
  it.each([
    ['ghcr.io/pwalsh-tools/mysql:8.4', 'mysql', 'ghcr.io'],
    ['quay.io/devbox42/haproxy:2.9', 'haproxy', 'quay.io'],
    ['ghcr.io/zz-builds/golang:1.22-alpine', 'golang', 'ghcr.io'],
    ['quay.io/lmoreau/rabbitmq:3-management', 'rabbitmq', 'quay.io'],
    // A removed official name is still the official image's name.
    ['ghcr.io/qa-images/centos:7', 'centos', 'ghcr.io'],
  ])('%s is an impersonation of the official %s, named on %s', (image, genuine, host) => {
    const match = detect(image)!;
    expect(match).toMatchObject({ rule: 'impersonation', part: 'name', technique: 'official-name', genuine, host });
    const namespace = image.split('/')[1];
    expect(squatMessage(match)).toBe(
      `\`${namespace}/${genuine}\` uses the name of the official image \`${genuine}\` under the ${host} namespace \`${namespace}\`, which is not a trusted publisher.`,
    );
    expect(squatSuggestion(image, match)).toBeUndefined();
  });

  it('says the same of the official path, library/ included, copied under an account', () => {
    expect(detect('ghcr.io/qa-images/library/mariadb:11')).toMatchObject({ rule: 'impersonation', genuine: 'mariadb', written: 'qa-images/library/mariadb', host: 'ghcr.io' });
    expect(detect('quay.io/bitnami/library/redis:7.2')).toBeUndefined();
    // Another folder, or a name no official image has, is someone's own layout.
    expect(detect('ghcr.io/qa-images/tools/mariadb:11')).toBeUndefined();
    expect(detect('ghcr.io/qa-images/library/webapp:1')).toBeUndefined();
  });

  it('says the same of the same name on Docker Hub, without naming the host', () => {
    expect(detect('pwalsh-tools/mysql:8.4')).toMatchObject({ rule: 'impersonation', genuine: 'mysql' });
    expect(detect('pwalsh-tools/mysql:8.4')!.host).toBeUndefined();
  });

  it('reports the name wrapped in words claiming authenticity as a typosquat there too', () => {
    expect(detect('ghcr.io/pwalsh-tools/mysql-official:8')).toMatchObject({ rule: 'typosquat', technique: 'bait-words', genuine: 'mysql', host: 'ghcr.io' });
    expect(detect('quay.io/devbox42/verified-haproxy')).toMatchObject({ rule: 'typosquat', technique: 'bait-words', genuine: 'haproxy' });
  });

  it.each([
    // A project's own organisation: its name, or its name and an organisation word.
    'ghcr.io/haproxy/haproxy:2.9',
    'quay.io/memcached/memcached',
    'ghcr.io/julia-lang/julia:1.10',
    'ghcr.io/nats-io/nats:2.10',
    'quay.io/rockylinuxorg/rockylinux:9',
    // A publisher trusted on another registry, under its own name (`bitnami` on Docker Hub).
    'quay.io/bitnami/redis:7.2',
    'ghcr.io/oracle/oraclelinux:9-slim',
    // Trusted on that registry, and known mirror publishers.
    'quay.io/libpod/alpine:latest',
    'quay.io/jitesoft/nginx:mainline',
    'ghcr.io/jitesoft/alpine:3.19',
    'ghcr.io/immich-app/postgres:14',
    'quay.io/opstree/redis:v7.0.15',
    'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
    'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
    // Konflux's own builds, as konflux-ci/build-definitions (commit 6904ca204e66889a2dc35ad7d860d56632fd17be) runs them in its tasks.
    'quay.io/redhat-appstudio/syft:v0.105.1',
    'quay.io/redhat-appstudio/cosign:v2.1.1',
    // More than one path segment under the account: a project's own image, not a bare official name.
    'ghcr.io/pwalsh-tools/ci/mysql:8.4',
  ])('%s is not reported', (image) => {
    expect(detect(image)).toBeUndefined();
  });

  it.each([
    // A squatter's word is not an organisation word, and a person's name before the project's is not its organisation.
    'ghcr.io/haproxy-official/haproxy:2.9',
    'ghcr.io/haproxyverified/haproxy',
    'quay.io/johnhaproxy/haproxy',
    // An organisation word with another word after it is not the project's organisation.
    'ghcr.io/haproxy-io-mirror/haproxy',
    // A trusted publisher's name with a letter changed is not that publisher.
    'quay.io/bitnamix/redis',
  ])('%s is still reported under some rule', (image) => {
    expect(detect(image)).toBeDefined();
  });

  it.each([
    // Registries whose namespaces are an organisation's own project or group: their own mirrors.
    'gcr.io/acme-prod/mysql:8.4',
    'registry.gitlab.com/acme/mysql:8.4',
    'public.ecr.aws/acme/mysql:8.4',
    'registry.acme.internal/mirror/mysql:8.4',
  ])('%s (an organisation registry or a private mirror) is not warned on', (image) => {
    expect(detect(image)).toBeUndefined();
  });
});

describe('kube-webhook-certgen, published first by jet and then by ingress-nginx', () => {
  // 23doors/todo-app-skaffold@d30695a ops/bootstrap/base/nginx.yaml (ingress-nginx v0.41.2's manifest) runs
  // docker.io/jettech/kube-webhook-certgen:v1.5.0: two typosquat errors before, on the image's first publisher.
  it('is its own under jettech, the original publisher', () => {
    expect(detect('docker.io/jettech/kube-webhook-certgen:v1.5.0')).toBeUndefined();
  });

  it('is a copy elsewhere, told to use the ingress-nginx image', () => {
    const match = detect('imgbox/kube-webhook-certgen:v1.5.0')!;
    expect(match).toMatchObject({ rule: 'typosquat', genuine: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen' });
  });
});

describe('a well-known image copied under a name glued from its project and its own name', () => {
  it.each([
    // `<project>-<name>`, `<project><name>`, `<project>_<name>`; the publisher's namespace with its
    // ending (`-project`) dropped; a generic name (`controller`) made distinctive by the glue.
    ['imgbox/kaniko-executor:v1.20.0', 'gcr.io/kaniko-project/executor'],
    ['quay.io/imgbox/kanikoexecutor', 'gcr.io/kaniko-project/executor'],
    ['ghcr.io/imgbox/kaniko_warmer:v1.20.0', 'gcr.io/kaniko-project/warmer'],
    ['imgbox/kaniko-project-executor', 'gcr.io/kaniko-project/executor'],
    ['imgbox/ingress-nginx-controller:v1.9.0', 'registry.k8s.io/ingress-nginx/controller'],
    ['imgbox/ingressnginx-controller', 'registry.k8s.io/ingress-nginx/controller'],
    ['ghcr.io/imgbox/k8s-pause:3.9', 'registry.k8s.io/pause'],
    ['imgbox/grafana-tempo:2.4', 'docker.io/grafana/tempo'],
    ['imgbox/aquasecurity-trivy', 'ghcr.io/aquasecurity/trivy'],
    ['quay.io/imgbox/calico-typha', 'quay.io/calico/typha'],
    ['imgbox/argo-workflow-controller', 'quay.io/argoproj/workflow-controller'],
    ['imgbox/prom-pushgateway', 'quay.io/prometheus/pushgateway'],
  ])('%s is a copy of %s', (image, genuine) => {
    const match = detect(image)!;
    expect(match).toMatchObject({ rule: 'typosquat', part: 'name', technique: 'well-known-name', genuine });
    expect(squatMessage(match)).toContain(`Use \`${genuine}\`.`);
  });

  it('offers the genuine image with the tag written, and no fix that keeps a copy\u2019s digest', () => {
    const match = detect('imgbox/kaniko-executor:v1.20.0')!;
    expect(squatSuggestion('imgbox/kaniko-executor:v1.20.0', match)).toBe('gcr.io/kaniko-project/executor:v1.20.0');
    expect(squatSuggestion(`imgbox/kaniko-executor@sha256:${'b'.repeat(64)}`, match)).toBeUndefined();
  });

  it.each([
    // A project's name glued to a word that is none of its images' names is someone's own image.
    'imgbox/kaniko-builder',
    'imgbox/grafana-dashboards',
    'imgbox/docker-compose',
    'imgbox/github-runner',
    'imgbox/ingress-nginx-custom',
    'imgbox/kube-proxy-tools',
    'imgbox/node-exporter-custom',
    // Generic names with any other word, or none.
    'imgbox/my-controller',
    'imgbox/app-executor',
    'imgbox/controller',
    // Two letters of a project are no project's name (stems are three letters at least).
    'imgbox/k8-pause',
    // Private registries are not judged.
    'registry.acme.internal/mirror/kaniko-executor:v1.20.0',
  ])('%s is not reported as a typosquat', (image) => {
    expect(detect(image)?.rule).not.toBe('typosquat');
  });

  it('takes the glued name on an organisation registry as a warning, as any copy there', () => {
    expect(detect('gcr.io/acme-prod/kaniko-executor:v1.20.0')).toMatchObject({ rule: 'impersonation', genuine: 'gcr.io/kaniko-project/executor' });
  });
});

describe('well-known images of more projects, with their publishers\u2019 homes clean', () => {
  it.each([
    ['quay.io/netops-team/flannel:v0.25.1', 'ghcr.io/flannel-io/flannel'],
    ['ghcr.io/netops-team/multus-cni:v4.0.2', 'ghcr.io/k8snetworkplumbingwg/multus-cni'],
    ['netops-team/csi-provisioner:v4.0.0', 'registry.k8s.io/sig-storage/csi-provisioner'],
    ['netops-team/sealed-secrets-controller:0.26.0', 'docker.io/bitnami/sealed-secrets-controller'],
    ['ghcr.io/netops-team/opentelemetry-collector-contrib:0.96.0', 'docker.io/otel/opentelemetry-collector-contrib'],
    ['netops-team/cp-kafka:7.6.0', 'docker.io/confluentinc/cp-kafka'],
    ['quay.io/netops-team/falcosidekick', 'docker.io/falcosecurity/falcosidekick'],
    // Tools published on ghcr.io, re-published on Docker Hub under a name glued from the vendor's.
    ['netops-team/spiffe-spire-agent:1.9', 'ghcr.io/spiffe/spire-agent'],
    ['netops-team/astral-uv:0.4', 'ghcr.io/astral-sh/uv'],
    ['netops-team/kubereboot-kured:1.15', 'ghcr.io/kubereboot/kured'],
    // Named after the current home, not the author's former one (`ankane/pgvector`).
    ['netops-team/pgvector:0.7.0', 'docker.io/pgvector/pgvector'],
  ])('%s is a copy of %s', (image, genuine) => {
    expect(detect(image)).toMatchObject({ rule: 'typosquat', technique: 'well-known-name', genuine });
  });

  it.each([
    'ghcr.io/flannel-io/flannel:v0.25.1',
    'flannel/flannel:v0.25.1',
    'quay.io/coreos/flannel:v0.15.1',
    'ghcr.io/flannel-io/flannel-cni-plugin:v1.4.0',
    'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.0.2',
    'quay.io/k8scsi/csi-provisioner:v1.6.0',
    'plndr/kube-vip:v0.3.9',
    'ghcr.io/kube-vip/kube-vip:v0.7.0',
    // A publisher trusted on Docker Hub, under its own name on Quay.
    'quay.io/bitnami/sealed-secrets-controller:v0.17.0',
    'bitnami/sealed-secrets-controller:0.26.0',
    'rancher/local-path-provisioner:v0.0.26',
    'otel/opentelemetry-collector-contrib:0.96.0',
    'confluentinc/cp-kafka:7.6.0',
    'falcosecurity/falcosidekick:2.28.0',
    'homeassistant/home-assistant:stable',
    'ghcr.io/astral-sh/uv:0.4',
    'ghcr.io/spiffe/spire-agent:1.9',
    // Keycloak's own Docker Hub account, beside quay.io/keycloak (emqx/emqx@50e0438, .ci/docker-compose-file/docker-compose-keycloak.yaml).
    'keycloak/keycloak:26.3',
    // A community project named after the vendor's product (emqx/emqx@50e0438, .ci/docker-compose-file/docker-compose-oracle.yaml).
    'oracleinanutshell/oracle-xe-11g:1.0.0',
    // A generic name alone (`uv`, `reloader`) is anyone's.
    'netops-team/uv:0.4',
    'netops-team/reloader:1.0',
  ])('%s is not reported', (image) => {
    expect(detect(image)).toBeUndefined();
  });
});

describe('namespaces imitating a publisher trusted on another registry, or Docker\u2019s library', () => {
  it.each([
    // Typos of a publisher's name, compared across Docker Hub, ghcr.io and Quay.
    ['ghcr.io/bltnami/redis:7', 'bitnami', 'look-alike'],
    ['quay.io/bitnamii/postgresql:16', 'bitnami', 'repeated-character'],
    ['quay.io/linuxsrever/sonarr', 'linuxserver', 'transposition'],
    ['ghcr.io/jetstck/cert-manager-controller', 'jetstack', 'dropped-character'],
    ['aquasecuritty/scanner', 'aquasecurity', 'repeated-character'],
    // A publisher's name with a squatter's word or digits.
    ['ghcr.io/bitnami-verified/redis', 'bitnami', 'brand-affix'],
    ['quay.io/grafanaofficial/loki', 'grafana', 'brand-affix'],
    ['ghcr.io/hashicorp42/consul-k8s-control-plane', 'hashicorp', 'brand-affix'],
    // Posing as Docker's `library/` with an official image's name.
    ['ghcr.io/library/postgres:16', 'library', 'bait-words'],
    ['quay.io/docker-official/redis', 'library', 'bait-words'],
    ['ghcr.io/libray/nginx', 'library', 'bait-words'],
    // The official image's own name with a squatter's word.
    ['quay.io/haproxy-verified/haproxy', 'haproxy', 'brand-affix'],
  ])('%s imitates %s (%s)', (image, genuine, technique) => {
    const match = detect(image)!;
    expect(match).toMatchObject({ rule: 'typosquat', part: 'namespace', genuine, technique });
    // The publisher may not publish on this registry: no replacement is offered.
    expect(squatSuggestion(image, match)).toBeUndefined();
  });

  it.each([
    // Separators and organisation words are how one publisher spells itself on another registry.
    'ghcr.io/open-policy-agent/gatekeeper:v3.15.0',
    'ghcr.io/redpanda-data/connect:4',
    'ghcr.io/opensearch-project/opensearch-k8s-operator',
    'ghcr.io/argoproj-labs/argocd-extension-installer',
    'ghcr.io/bitnami-labs/sealed-secrets-web',
    'quay.io/jupyterhub/k8s-hub:3.2.1',
    // A letter changed tells two real names apart (Podman's organisation beside `containerd`).
    'quay.io/containers/podman:v5',
    'ghcr.io/dockur/windows',
    // A publisher's exact name on another registry, and a name no publisher's typo.
    'quay.io/bitnami/sealed-secrets-controller:v0.17.0',
    'ghcr.io/acme-robotics/fleet',
    // `library` with a name that is no official image is not posing as Docker's images.
    'ghcr.io/library-team/docs-site',
    'kubespheredev/ks-apiserver:latest',
    'timescaledev/promscale:0.17.0',
    'hashicorpdev/backport-assistant:0.5.7',
    'miniodev/operator-sts-example:minio-sdk-python',
    // Percona's development builds (percona/percona-server-mongodb-operator commit b15af50030, deploy/cr.yaml).
    'perconalab/percona-server-mongodb-operator:main-mongod8.0',
    'perconalab/pmm-client:3-dev-latest',
    // pgvector's author's own account, where its image was published until 0.5.1 (getumbrel/umbrel-apps commit 6372367174, librechat/docker-compose.yml).
    'ankane/pgvector:v0.5.1',
    // Nginx Proxy Manager's own base image (NginxProxyManager/nginx-proxy-manager commit a62c2a6dc3, docker/Dockerfile).
    'nginxproxymanager/nginx-full:certbot-node',
    // Altinity's ClickHouse builds (percona/percona-helm-charts commit 3df2bb5588, charts/pmm-ha/values.yaml).
    'altinity/clickhouse-server:25.3.6.10034.altinitystable-alpine',
  ])('%s is not reported as a typosquat', (image) => {
    expect(detect(image)?.rule).not.toBe('typosquat');
  });

  it.each([
    // SPIRE's registry before 1.6 (aws/eks-charts commit 5239609242, stable/appmesh-spire-agent/values.yaml).
    'gcr.io/spiffe-io/spire-agent:1.5.0',
    'gcr.io/spiffe-io/spire-server:1.5.0',
    'altinity/clickhouse-server:25.3.6.10034.altinitystable-alpine',
    // OpenShift Origin's builds on Docker Hub (redhat-cop/openshift-templates commit b6fb338e5e, prometheus/prometheus-template.yml).
    'openshift/prometheus:v2.3.2',
    'openshift/prometheus-alertmanager:v0.15.1',
    // The Ruby core team's images, built by ruby/ruby-docker-images (huginn/huginn commit 9faad4ae, docker/single-process/Dockerfile).
    'rubylang/ruby:4.0.6-jammy',
  ])('%s is its publisher\u2019s own, neither a typosquat nor an impersonation', (image) => {
    expect(detect(image)).toBeUndefined();
  });
});

describe('registry host look-alikes of registry families and under other top-level domains', () => {
  it.each([
    // A family host (Artifact Registry, ACR) at the start of another domain.
    ['europe-west4-docker.pkg.dev.example-cdn.net/proj/repo/app:1', 'europe-west4-docker.pkg.dev', 'host-prefix'],
    ['shop.azurecr.io-cache.org/app:1', 'shop.azurecr.io', 'host-prefix'],
    // A real multi-label host under another top-level domain.
    ['mirror.gcr.net/library/nginx', 'mirror.gcr.io', 'other-tld'],
    ['registry.gitlab.net/group/app', 'registry.gitlab.com', 'other-tld'],
    // A registry family's domain name under another top-level domain.
    ['shop.azurecr.net/app:1', 'azurecr.io', 'other-tld'],
  ])('%s imitates %s (%s)', (image, genuine, technique) => {
    expect(detect(image)).toMatchObject({ rule: 'typosquat', part: 'host', genuine, technique });
  });

  it("compares with the policy's host patterns the same way", () => {
    const targets = buildTrustTargets({ trustedImages: DEFAULT_TRUSTED_IMAGES, trustedRegistries: [...DEFAULT_TRUSTED_REGISTRIES, '*.registry.acme-corp.com'] });
    expect(detect('eu.registry.acme-corp.com.cdn-edge.net/team/app:1', targets)).toMatchObject({ part: 'host', genuine: 'eu.registry.acme-corp.com', technique: 'host-prefix' });
    expect(detect('eu.registry.acme-corp.com/team/app:1', targets)).toBeUndefined();
  });

  it.each([
    // Real hosts: family members, owned subdomains, public mirrors and private-use names.
    'europe-west4-docker.pkg.dev/proj/repo/app:1',
    'shop.azurecr.io/app:1',
    'registry.redhat.com/org/app',
    'hub.docker.io/org/app',
    'registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.9',
    'gcr.m.daocloud.io/distroless/static',
    'ghcr.dockerproxy.com/org/app',
    'gcr.io.mirror.local/distroless/static',
    'europe-west4-docker.pkg.dev.internal/proj/app',
    // A registry domain's name of four letters or fewer is too common to be its owner's alone
    // (`ocir.io` is Oracle's; `ocir.com` is not judged by name).
    'fra.ocir.com/team/app',
  ])('%s is not a host look-alike', (image) => {
    expect(detect(image)?.part).not.toBe('host');
  });
});

function reference(raw: string): string {
  const normalized = normalizeForOccurrence(raw);
  if (!normalized.ok) throw new Error(normalized.message);
  return normalized.reference;
}

describe('Dev Container Features', () => {
  // A Feature is an OCI artifact named after the tool it installs, not a copy of the tool's image.
  const at = (kind: 'devcontainer' | 'compose', raw: string, context: string): ResolvedOccurrence => ({
    file: '.devcontainer/devcontainer.json',
    line: 3,
    column: 5,
    kind,
    raw,
    reference: reference(raw),
    context,
  });
  const found = (occurrence: ResolvedOccurrence) => runChecks([occurrence], defaultPolicy(), new Map(), { checks: [typosquatCheck, impersonationCheck] }).map((finding) => finding.rule);

  it('are not judged by the tool name they carry', () => {
    const raw = 'ghcr.io/someone/features/trivy:1';
    expect(found(at('devcontainer', raw, `features["${raw}"]`))).toEqual([]);
    expect(found(at('compose', 'ghcr.io/someone/trivy:1', 'services.scan.image'))).toEqual(['typosquat']);
    expect(found(at('devcontainer', 'ghcr.io/someone/trivy:1', 'image'))).toEqual(['typosquat']);
  });

  it('are still judged by a look-alike host', () => {
    const raw = 'ghrc.io/devcontainers/features/node:1';
    expect(found(at('devcontainer', raw, `features["${raw}"]`))).toEqual(['typosquat']);
  });
});

describe('a catalogued image under a namespace imitating its publisher\u2019s, or its path copied off the vendor\u2019s registry', () => {
  it.each([
    // A changed letter counts when the image's name confirms the publisher meant.
    ['quay.io/calimo/typha:v3.27.0', 'calico'],
    ['docker.io/cilkum/operator-generic:v1.15.0', 'cilium'],
    ['ghcr.io/kyverna/background-controller:v1.12.0', 'kyverno'],
    // An official name under the look-alike is the publisher's image, not an impersonation.
    ['docker.io/calicp/node:v3.26.1', 'calico'],
  ])('%s imitates the publisher %s', (image, genuine) => {
    expect(detect(image)).toMatchObject({ rule: 'typosquat', part: 'namespace', genuine });
  });

  it('offers the publisher\u2019s namespace only on the publisher\u2019s registry', () => {
    const same = detect('quay.io/calimo/typha:v3.27.0')!;
    expect(squatSuggestion('quay.io/calimo/typha:v3.27.0', same)).toBe('quay.io/calico/typha:v3.27.0');
    expect(squatMessage(same)).toContain('`quay.io/calico`');
    const elsewhere = detect('ghcr.io/calimo/typha:v3.27.0')!;
    expect(elsewhere.replaceable).toBe(false);
  });

  it.each([
    // An official name under a namespace one letter from a catalogued publisher that does not publish it.
    'quay.io/calimo/redis:7',
    // A changed letter without the publisher's image is a neighbour's account.
    'quay.io/calimo/webapp:1',
    // A changed letter in a short namespace is too likely innocent.
    'docker.io/istia/proxy:1',
  ])('%s is no copy of a publisher\u2019s image', (image) => {
    expect(detect(image)?.rule).not.toBe('typosquat');
  });

  it.each([
    ['docker.io/mssql/server:2019-latest', 'mcr.microsoft.com/mssql/server'],
    ['quay.io/dotnet/aspnet:8.0', 'mcr.microsoft.com/dotnet/aspnet'],
    ['quay.io/distroless/base-debian12:latest', 'gcr.io/distroless/base-debian12'],
  ])('%s copies the path of %s off its vendor\u2019s registry', (image, genuine) => {
    const match = detect(image)!;
    expect(match).toMatchObject({ rule: 'typosquat', part: 'name', technique: 'well-known-name', genuine });
    expect(squatSuggestion(image, match)).toBe(genuine + ':' + image.slice(image.lastIndexOf(':') + 1));
  });

  it.each([
    // The publishers' own homes.
    'mcr.microsoft.com/mssql/server:2022-latest',
    'gcr.io/distroless/static-debian12:nonroot',
    'quay.io/calico/typha:v3.27.0',
    // Generic names under another namespace are anyone's.
    'docker.io/acme/server:1',
    'ghcr.io/acme/sdk:2',
    // Copies within the registries publishers share are judged by the other rules (a publisher
    // may publish on Docker Hub, ghcr.io and Quay under one name).
    'quay.io/metallb/controller:v0.14.5',
    // On ghcr.io a project's name is its own organisation (Linkerd publishes there too).
    'ghcr.io/linkerd/proxy:stable-2.14.10',
    'ghcr.io/dotnet/aspnet:8.0',
  ])('%s is no copy', (image) => {
    expect(detect(image)).toBeUndefined();
  });
});

describe('a namespace glued from a registry vendor and one of its projects there', () => {
  it.each([
    ['docker.io/google-distroless/cc-debian12:latest', 'gcr.io/distroless', 'google'],
    ['quay.io/amazonlambda/nodejs:20', 'public.ecr.aws/lambda', 'amazon'],
    ['ghcr.io/karpenter-aws/controller:1.0', 'public.ecr.aws/karpenter', 'aws'],
    ['docker.io/microsoftdotnet/sdk:8.0', 'mcr.microsoft.com/dotnet', 'microsoft'],
    ['docker.io/azure-playwright/playwright:v1.40.0-jammy', 'mcr.microsoft.com/playwright', 'azure'],
    ['ghcr.io/playwrightmicrosoft/tests:v1.40.0', 'mcr.microsoft.com/playwright', 'microsoft'],
    // Whatever image it holds, even an official name.
    ['docker.io/gcp_distroless/python3:latest', 'gcr.io/distroless', 'gcp'],
  ])('%s is made from %s and its vendor %s', (image, genuine, vendor) => {
    const match = detect(image)!;
    expect(match).toMatchObject({ rule: 'typosquat', part: 'namespace', technique: 'brand-affix', genuine, replaceable: false });
    expect(squatMessage(match)).toContain(`\`${vendor}\``);
  });

  it.each([
    // The vendor's name alone, or with a word that is none of its projects.
    'docker.io/googlecloudplatform/cloud-sdk:latest',
    'docker.io/awsteam/webapp:1',
    // Projects too short to recognise inside another name (`public.ecr.aws/sam`).
    'docker.io/awssam/build-python:1',
    // A vendor's project glued to another vendor's name.
    'docker.io/ibmlambda/python:3.12',
    // Playwright's own name, or another word with Microsoft's.
    'docker.io/microsoftplaywrite/app:1',
  ])('%s is not a vendor\u2019s project namespace', (image) => {
    expect(detect(image)?.technique).not.toBe('brand-affix');
  });
});

describe('Watchtower after its original project was archived', () => {
  it('takes the maintained fork and the original as genuine, and points copies to the fork', () => {
    expect(detect('docker.io/nickfedor/watchtower:latest')).toBeUndefined();
    expect(detect('docker.io/containrrr/watchtower:latest')).toBeUndefined();
    const copy = detect('docker.io/someforker/watchtower:latest');
    expect(copy).toMatchObject({ rule: 'typosquat', genuine: 'docker.io/nickfedor/watchtower' });
  });
});

describe("a publisher's development-build account", () => {
  it("raises no typosquat on Percona's own CR (perconalab), while a made-up affix of percona still is one", async () => {
    const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/discover/kubernetes/operator-images');
    const { occurrences, findings } = await scan({ root, policy: defaultPolicy(), offline: true, onlyFiles: ['percona-psmdb.yaml'] });
    expect(occurrences.filter((occurrence) => occurrence.raw.startsWith('perconalab/'))).toHaveLength(4);
    expect(findings.filter((finding) => finding.rule === 'typosquat')).toEqual([]);
    expect(detect('docker.io/perconaofficial/percona-server:8')?.rule).toBe('typosquat');
  });
});
