/**
 * The trust the tool starts with, before any policy file: which images are genuine (and so are the
 * targets typosquats imitate) and which registry hosts are real (targets of host squats).
 *
 * Trusting a registry host is not trusting its images: anyone can publish on docker.io, ghcr.io or
 * quay.io. A trusted *image* glob names content from a known publisher; a trusted *registry* only
 * says the host is the real service and not a look-alike such as `gchr.io` or `docker.io.evil.com`.
 *
 * Sources (see docs/trusted-defaults.md for the full rationale):
 * - Docker Official Images: docker-library/official-images, `library/` at commit
 *   37079fb336f572a88700cf32e5e1f6be54a04e8f, plus names removed from it since (its git history).
 * - Publisher namespaces: Docker Hub's Verified Publisher and Docker-Sponsored Open Source programs
 *   and the namespaces most referenced in public repositories (Helm charts such as bitnami/charts,
 *   docker/awesome-compose, Kubernetes manifests, CI configurations), checked by name against
 *   real files in public repositories.
 * - Registry hosts: the registries of the large platforms and projects, as documented by them.
 */
import { DOCKER_HUB_HOSTS } from '../reference/index.js';
import { CURRENT_OFFICIAL_IMAGES, REMOVED_OFFICIAL_IMAGES } from './data/official-images.js';

export { CURRENT_OFFICIAL_IMAGES,  };

/** Every Docker Official Image name, current and removed (both are genuine, never squats). */
export const OFFICIAL_IMAGES: string[] = [...CURRENT_OFFICIAL_IMAGES, ...REMOVED_OFFICIAL_IMAGES].sort();

/**
 * Docker Hub namespaces (accounts) whose images are trusted: only their owner can publish there.
 * Verified Publishers, Docker-Sponsored Open Source projects, Docker's own architecture namespaces
 * for official images, and the most used publisher namespaces of public repositories.
 */
export const TRUSTED_DOCKER_HUB_NAMESPACES: readonly string[] = [
  // Docker itself: official-image architecture variants, Docker Inc., its samples and MCP catalog.
  'amd64', 'arm32v5', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'mips64le', 'ppc64le', 'riscv64', 's390x',
  'winamd64', 'docker', 'dockersamples', 'moby', 'mcp', 'tonistiigi',
  // Operating system and language vendors.
  'ubuntu', 'amazon', 'redhat', 'opensuse', 'fedora', 'rockylinux', 'almalinux',
  'google', 'microsoft', 'ibmcom', 'swiftlang', 'rustlang', 'rubylang', 'hexpm', 'azul', 'bellsoft', 'adoptopenjdk',
  'eclipse', 'continuumio', 'condaforge', 'jupyter', 'pytorch', 'tensorflow', 'nvidia',
  'rocm', 'intel', 'huggingface', 'ollama',
  // Packaged applications and CI images.
  'bitnami', 'bitnamilegacy', 'bitnamisecure', 'bitnamicharts', 'linuxserver', 'cimg', 'circleci', 'gitlab',
  'jenkins', 'jenkinsci', 'atlassian', 'jetbrains', 'sonarsource', 'sonatype', 'gitea', 'gogs', 'drone',
  'woodpeckerci', 'renovate', 'cypress', 'selenium', 'seleniarm', 'testcontainers', 'localstack', 'mailhog',
  'axllent', 'containrrr', 'portainer', 'nodered', 'homeassistant', 'pihole', 'vaultwarden', 'nextcloud',
  'owncloud', 'getsentry', 'posthog', 'metabase', 'mautic', 'dpage', 'phpmyadmin', 'composer',
  'rocketchat', 'mattermost', 'jboss', 'kasmweb', 'n8nio', 'zabbix', 'netdata', 'checkmk',
  // Databases, queues and data platforms.
  'mysql', 'mariadb', 'percona', 'postgis', 'timescale', 'mongodb', 'redis', 'redislabs', 'clickhouse',
  'yandex', 'couchbase', 'neo4j', 'cockroachdb', 'influxdata', 'questdb', 'arangodb', 'scylladb',
  'datastax', 'apache', 'confluentinc', 'debezium', 'apachepulsar', 'emqx', 'synadia', 'minio',
  'opensearchproject', 'elastic',
  'hazelcast', 'vectorized', 'redpandadata', 'qdrant', 'semitechnologies', 'chromadb', 'milvusdb',
  // Web servers, proxies and service mesh.
  'nginx', 'nginxinc', 'nginxproxy', 'jwilder', 'traefik', 'containous', 'caddy', 'haproxytech', 'envoyproxy',
  'istio', 'kong', 'hashicorp', 'openresty',
  // Observability and security tooling.
  'grafana', 'prom', 'otel', 'jaegertracing', 'openzipkin', 'datadog', 'newrelic', 'fluent', 'victoriametrics',
  'thanosio', 'openpolicyagent', 'aquasec', 'anchore', 'hadolint', 'koalaman', 'returntocorp', 'semgrep',
  'snyk', 'sourcegraph', 'sysdig', 'falcosecurity', 'cilium', 'chainguard',
  // Kubernetes ecosystem.
  'rancher', 'kindest', 'calico', 'weaveworks', 'fluxcd', 'argoproj', 'coredns', 'goharbor', 'velero',
  'kubernetesui', 'longhornio', 'openebs', 'cloudflare', 'curlimages',
  // OpenShift Origin (OKD) 3.x: its components and the builds of Prometheus and its tools it ran (`openshift/prometheus`).
  'openshift',
  ...[
    // CI systems' official plugins and CI tooling images (Drone's plugin index at plugins.drone.io
    // publishes under `plugins/`; Jenkins' experimental images under `jenkins4eval`, Jenkins X
    // under `jenkinsxio`; linters and scanners run from CI images).
    'plugins', 'appleboy', 'concourse', 'buildkite', 'jenkins4eval', 'jenkinsxio', 'runatlantis', 'goreleaser',
    'aquasec', 'golangci', 'mvdan', 'pipelinecomponents', 'github', 'zricethezav', 'trufflesecurity', 'bats',
    'appropriate', 'codeberg',
    // Vendors' and projects' sample images (the "hello" images of tutorials and documentation).
    'nginxdemos', 'tutum', 'training', 'dockercloud', 'dockercore', 'kennethreitz', 'paulbouwer',
    // Vendors.
    'oracle', 'ibm', 'vmware', 'splunk', 'dynatrace', 'sumologic', 'honeycombio', 'timberio', 'signoz',
    'stripe', 'supabase', 'hasura', 'directus', 'strapi', 'bitwarden', 'collabora', 'onlyoffice', 'zulip',
    'matrixdotorg', 'vectorim', 'jitsi', 'openproject', 'yugabytedb', 'pingcap', 'vitess', 'citusdata',
    'crunchydata', 'postgrest', 'memgraph', 'dgraph', 'surrealdb', 'typesense', 'getmeili', 'hivemq',
    'streamnative', 'provectuslabs', 'obsidiandynamics', 'rancherlabs', 'browserless', 'mongo-express',
    // Keycloak publishes its server image on Docker Hub as well as quay.io again since Keycloak 20
    // (keycloak/keycloak#11986, #15079); emqx/emqx's CI compose runs `keycloak/keycloak:26.3`.
    'keycloak',
    // CNCF and other foundation projects.
    'thanosio', 'cortexproject', 'kedacore', 'daprio', 'crossplane', 'buildpacksio', 'paketobuildpacks',
    'litmuschaos', 'kubeedge', 'keptn', 'openfaas', 'rook', 'ceph', 'projectcontour', 'emissaryingress',
    'bitnamicharts', 'fluxcd', 'kyverno', 'chaosmesh', 'cloudnativepg',
    // Community projects whose names begin with a vendor's brand (ElasticHQ monitors Elasticsearch;
    // Nginx Proxy Manager, published as `jc21/nginx-proxy-manager`, builds on its own
    // `nginxproxymanager/nginx-full` base image: its docker/Dockerfile; "Oracle in a Nutshell"'s
    // `oracleinanutshell/oracle-xe-11g`, the Oracle XE image of Testcontainers' and Akka's tests and
    // of emqx/emqx's CI compose files).
    'elastichq', 'nginxproxymanager', 'oracleinanutshell',
    // Popular community maintainers, whose images are among the most used of Docker Hub's
    // community namespaces in public compose files and charts.
    'jlesage', 'hotio', 'gliderlabs', 'sameersbn', 'webdevops', 'thecodingmachine', 'wodby', 'mhart',
    'frolvlad', 'osixia', 'kartoza', 'mdillon', 'schickling', 'atmoz', 'itzg', 'jc21', 'louislam',
    'dperson', 'haugene', 'alpine', 'lachlanevenson', 'dtzar', 'wurstmeister', 'zenika',
    // Publishers of Kubernetes images under Docker Hub names, widely used where registry.k8s.io is
    // out of reach: KubeSphere's KubeKey installs `kubesphere/pause`, `kubesphere/kube-proxy`;
    // `mirrorgooglecontainers` is the long-standing mirror of gcr.io/google_containers in kubeadm
    // guides (no longer updated); `summerwind` published Actions Runner Controller's runner images
    // (`summerwind/actions-runner`) before they moved to ghcr.io.
    'kubesphere', 'mirrorgooglecontainers', 'summerwind',
    // OpenStack Magnum publishes the images it installs under `openstackmagnum/`, among them its
    // build of the cluster autoscaler: openstack/magnum's enable-auto-scaling.sh (commit fa298ee)
    // defaults to `docker.io/openstackmagnum/cluster-autoscaler`, and kubernetes/autoscaler's own
    // Magnum provider examples run `openstackmagnum/cluster-autoscaler:v1.28.0`.
    'openstackmagnum',
    // Jitesoft rebuilds common base images (`alpine`, `nginx`, `php`, `ubuntu`) and publishes them on
    // Docker Hub, ghcr.io and Quay alike; the Quay copies are widely used to avoid Docker Hub's pull
    // limits (`quay.io/jitesoft/alpine` in Kubernetes and OpenShift tests). Trusted on all three.
    'jitesoft',
    // MetalLB published `metallb/controller` and `metallb/speaker` here before moving to quay.io/metallb.
    'metallb',
    // Flannel's images moved from quay.io/coreos to docker.io/flannel (and ghcr.io/flannel-io);
    // kube-vip's were published as `plndr/kube-vip` before ghcr.io/kube-vip.
    'flannel', 'plndr',
    // Projects' development-image accounts, named as the project plus `dev` (KubeSphere's
    // `kubespheredev/ks-apiserver`, Timescale's `timescaledev/promscale`; HashiCorp's
    // `hashicorpdev/backport-assistant` in hashicorp/consul-k8s's own workflows, MinIO's
    // `miniodev/...` STS sample clients in minio/operator's examples).
    'kubespheredev', 'timescaledev', 'hashicorpdev', 'miniodev',
    // Percona's account for development and CI builds of its operators and databases
    // (`perconalab/percona-server-mongodb-operator:main`, `perconalab/pmm-client:3-dev-latest`): the
    // default images of percona/percona-server-mongodb-operator's deploy/cr.yaml, where its Makefile
    // (IMAGE_TAG_OWNER) and Jenkinsfile push them.
    'perconalab',
  ],
];

/**
 * Registry hosts that are the real service (targets of host squats). Trust in the host only; the
 * images on it are trusted through `DEFAULT_TRUSTED_IMAGES`.
 */
export const DEFAULT_TRUSTED_REGISTRIES: string[] = [
  // Docker Hub and its alternative host names.
  ...DOCKER_HUB_HOSTS, 'dhi.io',
  // GitHub.
  'ghcr.io', 'docker.pkg.github.com',
  // Google: Container Registry (and its regional hosts), mirror, Artifact Registry is a pattern below.
  'gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io', 'marketplace.gcr.io', 'mirror.gcr.io', 'k8s.gcr.io',
  // Kubernetes.
  'registry.k8s.io',
  // Red Hat.
  'quay.io', 'registry.redhat.io', 'registry.access.redhat.com',
  // Microsoft, Amazon, Oracle, IBM, NVIDIA, SUSE.
  'mcr.microsoft.com', 'public.ecr.aws', 'container-registry.oracle.com', 'icr.io', 'nvcr.io',
  'registry.suse.com', 'registry.opensuse.org',
  // Projects and vendors that run their own registry.
  'cgr.dev', 'registry.gitlab.com', 'docker.elastic.co', 'lscr.io', 'cr.l5d.io', 'cr.fluentbit.io',
  'docker.redpanda.com', 'codeberg.org',
];

/**
 * Registry host families that are real but not enumerable: every customer gets a host name.
 * Matched as whole-host regular expressions; such hosts are never reported as host squats.
 */
export const TRUSTED_REGISTRY_PATTERNS: readonly RegExp[] = [
  /^[a-z0-9-]+-docker\.pkg\.dev$/, // Google Artifact Registry (us-docker.pkg.dev, europe-west1-docker.pkg.dev)
  /^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/, // Amazon ECR private registries
  /^[a-z0-9-]+\.azurecr\.(io|cn|us)$/, // Azure Container Registry
  /^([a-z]{2,}\.)?icr\.io$/, // IBM Cloud Container Registry regional hosts (us.icr.io, de.icr.io)
  /^[a-z0-9-]+\.ocir\.io$/, // Oracle Cloud Infrastructure Registry regional hosts
];

/**
 * Trusted image globs (policy-controller semantics over normalized names: `*` matches within one
 * path segment, `**` across segments). These images are genuine and are the typosquat targets.
 */
export const DEFAULT_TRUSTED_IMAGES: string[] = [
  // Docker Official Images.
  'docker.io/library/*',
  // Publisher namespaces on Docker Hub.
  ...[...new Set(TRUSTED_DOCKER_HUB_NAMESPACES)].map((namespace) => `docker.io/${namespace}/*`),
  // Docker Official Images mirrored by the big clouds.
  'public.ecr.aws/docker/library/*',
  'mirror.gcr.io/library/*',
  // Registries where only their owner publishes.
  'mcr.microsoft.com/**',
  'registry.k8s.io/**',
  'k8s.gcr.io/**',
  'docker.elastic.co/**',
  'registry.redhat.io/**',
  'registry.access.redhat.com/**',
  'container-registry.oracle.com/**',
  'registry.suse.com/**',
  'lscr.io/linuxserver/*',
  'cr.l5d.io/linkerd/*',
  'cr.fluentbit.io/fluent/*',
  // Publisher namespaces on shared registries.
  'ghcr.io/actions/**',
  // Actions Runner Controller's own organisation (its runner images before ghcr.io/actions).
  'ghcr.io/actions-runner-controller/**',
  // The home-operations community's images (its `actions-runner` build is widely used in GitOps repositories).
  'ghcr.io/home-operations/**',
  // Its maintainer's own namespace, where the same builds were published before that organisation.
  'ghcr.io/onedr0p/**',
  'ghcr.io/github/**',
  'ghcr.io/dependabot/**',
  'ghcr.io/devcontainers/**',
  'ghcr.io/fluxcd/**',
  'ghcr.io/external-secrets/**',
  'ghcr.io/open-telemetry/**',
  'ghcr.io/aquasecurity/**',
  'ghcr.io/sigstore/**',
  'ghcr.io/linuxserver/**',
  'ghcr.io/home-assistant/**',
  'ghcr.io/renovatebot/**',
  'ghcr.io/super-linter/**',
  'ghcr.io/goreleaser/**',
  'ghcr.io/grafana/**',
  'ghcr.io/kedacore/**',
  // Watchtower's maintained successor: containrrr/watchtower was archived on 2025-12-17 and projects
  // moved to this fork (docker-mailserver's docs, DockSTARTer).
  'docker.io/nickfedor/watchtower',
  // Dapr (CNCF graduated): its control plane images (sentry, operator, placement, ...) and its mirror of third-party test images.
  'ghcr.io/dapr/**',
  'ghcr.io/cloudnative-pg/**',
  'ghcr.io/kyverno/**',
  'ghcr.io/containerd/**',
  'ghcr.io/hadolint/**',
  'ghcr.io/stefanprodan/**',
  'ghcr.io/openfaas/**',
  // OpenFaaS Ltd, the company behind OpenFaaS, publishes OpenFaaS Pro's images here: the official
  // chart in openfaas/faas-netes (chart/openfaas/values.yaml, commit 662ce9ce) defaults its gateway,
  // autoscaler, dashboard and connectors to `ghcr.io/openfaasltd/...`.
  'ghcr.io/openfaasltd/**',
  'ghcr.io/projectcontour/**',
  'ghcr.io/spiffe/**',
  'ghcr.io/chaos-mesh/**',
  'ghcr.io/backstage/**',
  'ghcr.io/dexidp/**',
  'ghcr.io/siderolabs/**',
  'ghcr.io/coder/**',
  'ghcr.io/kube-vip/**',
  'gcr.io/distroless/**',
  'gcr.io/kaniko-project/**',
  // etcd's release images (etcd.io install guide), beside quay.io/coreos/etcd.
  'gcr.io/etcd-development/**',
  'gcr.io/google-containers/**',
  'gcr.io/google_containers/**',
  'gcr.io/google-samples/**',
  // The same Google project under GCR's older underscore spelling (Kubernetes guestbook example).
  'gcr.io/google_samples/**',
  'gcr.io/istio-release/**',
  'gcr.io/knative-releases/**',
  'gcr.io/kubebuilder/**',
  'gcr.io/cloudsql-docker/**',
  'gcr.io/ml-pipeline/**',
  'gcr.io/google.com/cloudsdktool/**',
  'gcr.io/cloud-builders/**',
  'gcr.io/k8s-staging-*/**',
  'gcr.io/projectsigstore/**',
  'gcr.io/tekton-releases/**',
  'gcr.io/cadvisor/**',
  'quay.io/prometheus/**',
  'quay.io/prometheus-operator/**',
  'quay.io/coreos/**',
  'quay.io/jetstack/**',
  'quay.io/keycloak/**',
  'quay.io/argoproj/**',
  // The Argo project's labs organisation (argocd-image-updater, as argo-helm's chart pulls it).
  'quay.io/argoprojlabs/**',
  'quay.io/cilium/**',
  'quay.io/calico/**',
  'quay.io/thanos/**',
  'quay.io/minio/**',
  'quay.io/oauth2-proxy/**',
  'quay.io/strimzi/**',
  'quay.io/kiwigrid/**',
  'quay.io/centos/**',
  // CentOS' Software Collections images (`quay.io/centos7/postgresql-12-centos7`).
  'quay.io/centos7/**',
  'quay.io/fedora/**',
  'quay.io/podman/**',
  'quay.io/buildah/**',
  'quay.io/skopeo/**',
  'quay.io/debezium/**',
  'quay.io/kubevirt/**',
  'quay.io/openshift/**',
  'quay.io/operator-framework/**',
  'quay.io/metallb/**',
  'quay.io/tigera/**',
  // Publishers whose own images on ghcr.io and Quay reuse an official image's name or a trusted
  // publisher's brand: Podman's test images (`quay.io/libpod/alpine`, `busybox`, `registry`), the
  // Redis operator's Redis build (`quay.io/opstree/redis`), Kubernetes' fluentd-elasticsearch add-on
  // (`quay.io/fluentd_elasticsearch/fluentd`), the Prometheus community's exporters
  // (`quay.io/prometheuscommunity/postgres-exporter`) and Immich's PostgreSQL build
  // (`ghcr.io/immich-app/postgres`).
  'quay.io/libpod/**',
  // Red Hat's Konflux, named App Studio before (its build-definitions lived at GitHub's
  // redhat-appstudio): the builds of syft, cosign and buildah its Tekton tasks run.
  'quay.io/redhat-appstudio/**',
  'quay.io/opstree/**',
  'quay.io/fluentd_elasticsearch/**',
  'quay.io/prometheuscommunity/**',
  'ghcr.io/immich-app/**',
  // Flannel's and Multus' organisations, and the Kubernetes CSI sidecars' home before registry.k8s.io/sig-storage.
  'ghcr.io/flannel-io/**',
  'ghcr.io/k8snetworkplumbingwg/**',
  'quay.io/k8scsi/**',
  'quay.io/jitesoft/**',
  'ghcr.io/jitesoft/**',
  'public.ecr.aws/lambda/**',
  'public.ecr.aws/aws-cli/**',
  'public.ecr.aws/amazonlinux/**',
  'public.ecr.aws/eks/**',
  'public.ecr.aws/eks-distro/**',
  'public.ecr.aws/aws-observability/**',
  'public.ecr.aws/aws-containers/**',
  'public.ecr.aws/bitnami/**',
  // Projects whose well-known images are also published on Amazon ECR Public (Trivy, Terraform).
  'public.ecr.aws/aquasecurity/**',
  'public.ecr.aws/hashicorp/**',
  'public.ecr.aws/karpenter/**',
  'public.ecr.aws/nginx/**',
  'public.ecr.aws/ubuntu/**',
  'public.ecr.aws/docker/**',
  'public.ecr.aws/sam/**',
  'cgr.dev/chainguard/**',
  'nvcr.io/nvidia/**',
  'registry.gitlab.com/gitlab-org/**',
];
