/**
 * The catalogue of well-known images that are not Docker Official Images: the widely used images
 * of Kubernetes, CNCF projects and major vendors, with where each publisher publishes it. Their
 * repository names copied under someone else's account (`someone/pause`, `ghcr.io/someone/trivy`)
 * and their projects' names made into an account (`ingressnginx/controller`,
 * `kanikoproject/executor`, `k8sofficial/kube-proxy`) are how the squats reported against them were
 * built. Pure data and string work.
 *
 * Sources: each project's installation documentation or release notes naming its images —
 * Kubernetes (kubernetes.io, "Container images" of each release: registry.k8s.io), CoreDNS
 * (coredns.io and the Kubernetes DNS add-on), ingress-nginx (kubernetes.github.io/ingress-nginx
 * deploy manifests), kaniko (GoogleContainerTools/kaniko releases: gcr.io/kaniko-project/executor),
 * Actions Runner Controller (docs.github.com, "Actions Runner Controller": ghcr.io/actions/actions-runner
 * and gha-runner-scale-set-controller), ExternalDNS and metrics-server (kubernetes-sigs READMEs:
 * registry.k8s.io/external-dns, registry.k8s.io/metrics-server), etcd (etcd.io install: gcr.io/etcd-development,
 * quay.io/coreos), Flux (fluxcd.io components: ghcr.io/fluxcd), Istio (istio.io: docker.io/istio),
 * Linkerd (linkerd.io: cr.l5d.io/linkerd), Cilium (docs.cilium.io: quay.io/cilium), Calico
 * (docs.tigera.io: quay.io/calico, docker.io/calico, quay.io/tigera/operator), Velero (velero.io:
 * docker.io/velero), HashiCorp (developer.hashicorp.com: docker.io/hashicorp), Harbor
 * (goharbor.io: docker.io/goharbor), Argo (argo-cd.readthedocs.io, argoproj.github.io:
 * quay.io/argoproj), cert-manager (cert-manager.io: quay.io/jetstack), Trivy (aquasecurity.github.io:
 * ghcr.io/aquasecurity), Sigstore (docs.sigstore.dev), Prometheus (prometheus.io: quay.io/prometheus),
 * Grafana (grafana.com docs: docker.io/grafana), Envoy (envoyproxy.io), Jaeger (jaegertracing.io),
 * Keycloak (keycloak.org: quay.io/keycloak), Hadolint, Watchtower, Portainer (their READMEs),
 * Kyverno (kyverno.io: ghcr.io/kyverno), MetalLB (metallb.universe.tf: quay.io/metallb), Karpenter
 * (karpenter.sh: public.ecr.aws/karpenter).
 *
 * Added for issue 14's generalisation (entries after Karpenter's), written from each project's
 * installation documentation, Helm chart defaults or README as known, not re-fetched: Flannel
 * (its kube-flannel.yml: ghcr.io/flannel-io, docker.io/flannel), Multus and Whereabouts
 * (k8snetworkplumbingwg deployments), Weave Net, kube-vip (kube-vip.io), the Kubernetes CSI
 * sidecars, VPA, NodeLocal DNSCache, descheduler, node-problem-detector and prometheus-adapter
 * (kubernetes-csi and kubernetes-sigs manifests on registry.k8s.io), the Kubernetes Dashboard,
 * Rancher (k3s, local-path-provisioner), Longhorn, Sealed Secrets, External Secrets, Prometheus
 * Operator, kube-rbac-proxy, cAdvisor, Thanos, VictoriaMetrics, OpenTelemetry Collector, Fluent
 * Bit, Vector, Zipkin, OPA and Gatekeeper, Falco, Anchore (Grype, Syft), kube-bench, Dapr, KEDA,
 * Crossplane, Contour, oauth2-proxy, Dex, Authelia, MinIO, Gitea, GitLab, Jenkins agents,
 * Woodpecker, Drone runners, Renovate, ShellCheck, Super-Linter, Gitleaks, TruffleHog, Semgrep,
 * GoReleaser, golangci-lint, BuildKit, Grafana's and Prometheus' other images, Elastic Beats and APM
 * Server, OpenSearch, Confluent Platform, Redpanda, Kafka UI, ClickHouse, CockroachDB, TimescaleDB,
 * PostGIS, pgvector, Qdrant, Weaviate, Milvus, Meilisearch, Selenium Grid, Testcontainers' Ryuk,
 * Sentry's services, Home Assistant, nginx-proxy, NGINX's Ingress Controller and NVIDIA's
 * Kubernetes images (nvcr.io/nvidia), NGINX Gateway Fabric, and tools their projects publish on
 * ghcr.io: CloudNativePG, SPIRE, Chaos Mesh, OpenFaaS, Talos, uv, k3d, kured, Reloader. Self-hosted applications that community maintainers
 * commonly rebuild under their own names (cloudflared, Pi-hole, Uptime Kuma, MailHog, Metabase)
 * are left out: a copy of those is as often a community build as a trap.
 */

interface CatalogueEntry {
  /** Whose images these are, for messages: "the Kubernetes", "Cilium’s". */
  owner: string;
  /** Where the publisher publishes them (the names are appended). */
  home: string;
  /** Repository names distinctive enough that the same name elsewhere is a copy. */
  names: string[];
  /**
   * Names many people give their own images (`controller`, `executor`, `proxy`): a copy only under
   * a namespace made from the project's name (`ingressnginx/controller`).
   */
  generic?: string[];
  /** The project's and publisher's names that only they can honestly make an account of. */
  brands: string[];
  /**
   * Applications other projects ship their own configured builds of under their own names
   * (TeslaMate's `teslamate/grafana`, with its dashboards): the name elsewhere is an impersonation
   * warning, as an official image's is; glued to the project's name, or under a namespace made
   * from it, still a copy.
   */
  rebuilt?: string[];
}

const CATALOGUE: CatalogueEntry[] = [
  {
    owner: 'the Kubernetes',
    home: 'registry.k8s.io/',
    names: ['pause', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'etcd', 'cluster-autoscaler'],
    brands: ['kubernetes', 'k8s'],
  },
  { owner: 'CoreDNS\u2019s', home: 'registry.k8s.io/coredns/', names: ['coredns'], brands: ['coredns'] },
  // Where kube-webhook-certgen began (github.com/jet/kube-webhook-certgen), before ingress-nginx took it over: the
  // image ingress-nginx's manifests ran up to v0.44 and kube-prometheus-stack's up to v16, still in many repositories.
  // Listed before ingress-nginx's entry, whose image a copy is still told to use.
  { owner: 'jet\u2019s', home: 'docker.io/jettech/', names: ['kube-webhook-certgen'], brands: ['jettech'] },
  { owner: 'the ingress-nginx project\u2019s', home: 'registry.k8s.io/ingress-nginx/', names: ['kube-webhook-certgen'], generic: ['controller', 'controller-chroot'], brands: ['ingress-nginx'] },
  { owner: 'the kaniko project\u2019s', home: 'gcr.io/kaniko-project/', names: [], generic: ['executor', 'warmer'], brands: ['kaniko', 'kaniko-project'] },
  { owner: 'GitHub\u2019s', home: 'ghcr.io/actions/', names: ['actions-runner', 'gha-runner-scale-set-controller'], brands: ['actions-runner-controller'] },
  { owner: 'the ExternalDNS project\u2019s', home: 'registry.k8s.io/external-dns/', names: ['external-dns'], brands: ['external-dns'] },
  { owner: 'the metrics-server project\u2019s', home: 'registry.k8s.io/metrics-server/', names: ['metrics-server'], brands: ['metrics-server'] },
  { owner: 'the Kubernetes', home: 'registry.k8s.io/kube-state-metrics/', names: ['kube-state-metrics'], brands: ['kube-state-metrics'] },
  {
    owner: 'Flux\u2019s',
    home: 'ghcr.io/fluxcd/',
    names: ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller', 'flux-cli'],
    brands: ['fluxcd'],
  },
  { owner: 'Istio\u2019s', home: 'docker.io/istio/', names: ['proxyv2', 'istioctl'], generic: ['pilot', 'install-cni', 'operator', 'ztunnel'], brands: ['istio'] },
  { owner: 'Linkerd\u2019s', home: 'cr.l5d.io/linkerd/', names: [], generic: ['controller', 'proxy', 'proxy-init', 'policy-controller', 'web', 'cni-plugin'], brands: ['linkerd'] },
  { owner: 'Cilium\u2019s', home: 'quay.io/cilium/', names: ['cilium', 'hubble-relay', 'hubble-ui', 'hubble-ui-backend', 'cilium-envoy'], generic: ['operator', 'operator-generic'], brands: ['cilium'] },
  { owner: 'Calico\u2019s', home: 'quay.io/calico/', names: [], generic: ['node', 'cni', 'typha', 'kube-controllers', 'apiserver', 'csi', 'pod2daemon-flexvol'], brands: ['calico', 'projectcalico'] },
  { owner: 'Tigera\u2019s', home: 'quay.io/tigera/', names: [], generic: ['operator'], brands: ['tigera'] },
  { owner: 'Velero\u2019s', home: 'docker.io/velero/', names: ['velero', 'velero-plugin-for-aws', 'velero-plugin-for-gcp', 'velero-plugin-for-microsoft-azure'], brands: ['velero'] },
  // `vault` and `consul` were official images: reusing them stays the official-name warning.
  { owner: 'HashiCorp\u2019s', home: 'docker.io/hashicorp/', names: ['terraform', 'vault', 'consul', 'nomad', 'vault-k8s', 'consul-k8s-control-plane', 'packer', 'boundary'], brands: ['hashicorp'] },
  {
    owner: 'Harbor\u2019s',
    home: 'docker.io/goharbor/',
    names: ['harbor-core', 'harbor-portal', 'harbor-jobservice', 'harbor-registryctl', 'harbor-db', 'harbor-exporter', 'registry-photon', 'trivy-adapter-photon'],
    brands: ['goharbor', 'harbor'],
  },
  { owner: 'the Argo project\u2019s', home: 'quay.io/argoproj/', names: ['argocd', 'argo-rollouts', 'argoexec', 'argocli'], generic: ['workflow-controller'], brands: ['argoproj', 'argocd', 'argo'] },
  {
    owner: 'cert-manager\u2019s',
    home: 'quay.io/jetstack/',
    names: ['cert-manager-controller', 'cert-manager-webhook', 'cert-manager-cainjector', 'cert-manager-acmesolver'],
    brands: ['jetstack', 'cert-manager'],
  },
  { owner: 'Aqua Security\u2019s', home: 'ghcr.io/aquasecurity/', names: ['trivy', 'trivy-operator'], brands: ['aquasec', 'aquasecurity'] },
  { owner: 'Sigstore\u2019s', home: 'ghcr.io/sigstore/', names: ['cosign', 'rekor-server', 'fulcio'], brands: ['sigstore'] },
  { owner: 'the Prometheus project\u2019s', home: 'quay.io/prometheus/', names: ['alertmanager', 'node-exporter', 'pushgateway', 'blackbox-exporter'], brands: ['prom'] },
  { owner: 'Grafana\u2019s', home: 'docker.io/grafana/', names: ['promtail', 'loki', 'mimir'], brands: [] },
  { owner: 'the Envoy project\u2019s', home: 'docker.io/envoyproxy/', names: ['envoy'], brands: ['envoyproxy'] },
  // `all-in-one` is how many projects name their bundled image: only Jaeger's under a Jaeger-made name.
  { owner: 'the Jaeger project\u2019s', home: 'docker.io/jaegertracing/', names: ['jaeger-agent', 'jaeger-collector', 'jaeger-query'], generic: ['all-in-one'], brands: ['jaegertracing', 'jaeger'] },
  { owner: 'Keycloak\u2019s', home: 'quay.io/keycloak/', names: ['keycloak'], brands: [] },
  { owner: 'Hadolint\u2019s', home: 'docker.io/hadolint/', names: ['hadolint'], brands: [] },
  // The original project (containrrr, trusted) was archived in December 2025; point copies to its maintained successor.
  { owner: 'Watchtower\u2019s maintained', home: 'docker.io/nickfedor/', names: ['watchtower'], brands: [] },
  { owner: 'Portainer\u2019s', home: 'docker.io/portainer/', names: ['portainer-ce'], brands: [] },
  { owner: 'Kyverno\u2019s', home: 'ghcr.io/kyverno/', names: ['kyverno', 'kyvernopre', 'kyverno-cli'], generic: ['background-controller', 'cleanup-controller', 'reports-controller'], brands: ['kyverno'] },
  { owner: 'MetalLB\u2019s', home: 'quay.io/metallb/', names: [], generic: ['controller', 'speaker'], brands: ['metallb'] },
  { owner: 'Karpenter\u2019s', home: 'public.ecr.aws/karpenter/', names: [], generic: ['controller'], brands: ['karpenter'] },
  // Added for issue 14's generalisation: more of the images cluster installers, Helm charts and
  // CI pipelines pull from their publishers (sources in the header's second paragraph).
  { owner: 'Flannel\u2019s', home: 'ghcr.io/flannel-io/', names: ['flannel', 'flannel-cni-plugin'], brands: ['flannel', 'flannel-io'] },
  { owner: 'Multus\u2019', home: 'ghcr.io/k8snetworkplumbingwg/', names: ['multus-cni', 'whereabouts'], brands: ['multus', 'k8snetworkplumbingwg'] },
  { owner: 'Weave Net\u2019s', home: 'docker.io/weaveworks/', names: ['weave-kube', 'weave-npc'], brands: ['weaveworks'] },
  { owner: 'kube-vip\u2019s', home: 'ghcr.io/kube-vip/', names: ['kube-vip', 'kube-vip-cloud-provider'], brands: ['kube-vip'] },
  {
    owner: 'the Kubernetes',
    home: 'registry.k8s.io/sig-storage/',
    names: ['csi-provisioner', 'csi-attacher', 'csi-snapshotter', 'csi-resizer', 'csi-node-driver-registrar', 'snapshot-controller', 'nfs-subdir-external-provisioner'],
    generic: ['livenessprobe'],
    brands: ['sig-storage'],
  },
  { owner: 'the Kubernetes', home: 'registry.k8s.io/autoscaling/', names: ['vpa-recommender', 'vpa-updater', 'vpa-admission-controller', 'addon-resizer'], brands: [] },
  { owner: 'the Kubernetes', home: 'registry.k8s.io/dns/', names: ['k8s-dns-node-cache'], brands: [] },
  { owner: 'the Kubernetes', home: 'registry.k8s.io/descheduler/', names: ['descheduler'], brands: [] },
  { owner: 'the Kubernetes', home: 'registry.k8s.io/node-problem-detector/', names: ['node-problem-detector'], brands: [] },
  { owner: 'the Kubernetes', home: 'registry.k8s.io/prometheus-adapter/', names: ['prometheus-adapter'], brands: [] },
  { owner: 'the Kubernetes Dashboard\u2019s', home: 'docker.io/kubernetesui/', names: ['metrics-scraper', 'kubernetes-dashboard'], generic: ['dashboard'], brands: ['kubernetesui'] },
  { owner: 'Rancher\u2019s', home: 'docker.io/rancher/', names: ['local-path-provisioner', 'k3s', 'rancher-agent'], brands: ['rancher', 'k3s-io'] },
  { owner: 'Longhorn\u2019s', home: 'docker.io/longhornio/', names: ['longhorn-manager', 'longhorn-engine', 'longhorn-ui', 'longhorn-instance-manager', 'longhorn-share-manager'], brands: ['longhorn', 'longhornio'] },
  { owner: 'Bitnami\u2019s', home: 'docker.io/bitnami/', names: ['sealed-secrets-controller', 'kubeseal'], brands: ['bitnami-labs', 'sealed-secrets'] },
  { owner: 'the External Secrets project\u2019s', home: 'ghcr.io/external-secrets/', names: ['external-secrets'], brands: ['external-secrets'] },
  {
    owner: 'the Prometheus Operator project\u2019s',
    home: 'quay.io/prometheus-operator/',
    names: ['prometheus-operator', 'prometheus-config-reloader'],
    generic: ['admission-webhook'],
    brands: ['prometheus-operator'],
  },
  { owner: 'kube-rbac-proxy\u2019s', home: 'quay.io/brancz/', names: ['kube-rbac-proxy'], brands: ['brancz'] },
  { owner: 'cAdvisor\u2019s', home: 'gcr.io/cadvisor/', names: ['cadvisor'], brands: ['cadvisor'] },
  { owner: 'Thanos\u2019', home: 'quay.io/thanos/', names: ['thanos'], brands: ['thanos', 'thanosio', 'thanos-io'] },
  {
    owner: 'VictoriaMetrics\u2019',
    home: 'docker.io/victoriametrics/',
    names: ['victoria-metrics', 'vmagent', 'vmalert', 'vmselect', 'vminsert', 'vmstorage', 'vmauth', 'vmbackup', 'victoria-logs'],
    brands: ['victoriametrics'],
  },
  {
    owner: 'the OpenTelemetry project\u2019s',
    home: 'docker.io/otel/',
    names: ['opentelemetry-collector', 'opentelemetry-collector-contrib', 'opentelemetry-collector-k8s', 'opentelemetry-operator'],
    brands: ['opentelemetry', 'open-telemetry'],
  },
  { owner: 'Fluent Bit\u2019s', home: 'cr.fluentbit.io/fluent/', names: ['fluent-bit'], brands: ['fluentbit', 'fluent'] },
  { owner: 'Vector\u2019s', home: 'docker.io/timberio/', names: [], generic: ['vector'], brands: ['timberio', 'vectordotdev'] },
  { owner: 'Zipkin\u2019s', home: 'docker.io/openzipkin/', names: ['zipkin'], brands: ['openzipkin'] },
  { owner: 'the Open Policy Agent project\u2019s', home: 'docker.io/openpolicyagent/', names: [], generic: ['opa', 'gatekeeper', 'kube-mgmt'], brands: ['openpolicyagent', 'open-policy-agent'] },
  { owner: 'Falco\u2019s', home: 'docker.io/falcosecurity/', names: ['falco', 'falcosidekick', 'falcosidekick-ui', 'falco-driver-loader', 'falcoctl'], brands: ['falcosecurity'] },
  { owner: 'Anchore\u2019s', home: 'docker.io/anchore/', names: ['grype', 'syft'], brands: ['anchore'] },
  { owner: 'Aqua Security\u2019s', home: 'docker.io/aquasec/', names: ['kube-bench', 'kube-hunter', 'tfsec'], brands: ['aquasec', 'aquasecurity'] },
  { owner: 'Dapr\u2019s', home: 'docker.io/daprio/', names: ['daprd'], generic: ['dapr', 'placement', 'operator', 'injector'], brands: ['dapr', 'daprio'] },
  { owner: 'KEDA\u2019s', home: 'ghcr.io/kedacore/', names: ['keda', 'keda-metrics-apiserver', 'keda-admission-webhooks'], brands: ['kedacore'] },
  { owner: 'Crossplane\u2019s', home: 'docker.io/crossplane/', names: ['crossplane'], brands: ['crossplane', 'upbound'] },
  { owner: 'Contour\u2019s', home: 'ghcr.io/projectcontour/', names: ['contour'], brands: ['projectcontour'] },
  { owner: 'the oauth2-proxy project\u2019s', home: 'quay.io/oauth2-proxy/', names: ['oauth2-proxy'], brands: ['oauth2-proxy'] },
  { owner: 'Dex\u2019s', home: 'ghcr.io/dexidp/', names: [], generic: ['dex'], brands: ['dexidp'] },
  { owner: 'Authelia\u2019s', home: 'docker.io/authelia/', names: ['authelia'], brands: ['authelia'] },
  { owner: 'MinIO\u2019s', home: 'quay.io/minio/', names: ['minio'], generic: ['mc'], brands: ['minio'] },
  { owner: 'Gitea\u2019s', home: 'docker.io/gitea/', names: ['gitea', 'act_runner'], brands: ['gitea', 'go-gitea'] },
  { owner: 'GitLab\u2019s', home: 'docker.io/gitlab/', names: ['gitlab-ce', 'gitlab-ee', 'gitlab-runner', 'gitlab-runner-helper'], brands: ['gitlab', 'gitlab-org'] },
  { owner: 'Jenkins\u2019', home: 'docker.io/jenkins/', names: ['inbound-agent', 'jnlp-slave'], brands: ['jenkins', 'jenkinsci'] },
  { owner: 'Woodpecker\u2019s', home: 'docker.io/woodpeckerci/', names: ['woodpecker-server', 'woodpecker-agent'], brands: ['woodpeckerci', 'woodpecker', 'woodpecker-ci'] },
  { owner: 'Drone\u2019s', home: 'docker.io/drone/', names: ['drone-runner-docker', 'drone-runner-kube'], brands: ['drone'] },
  { owner: 'Renovate\u2019s', home: 'ghcr.io/renovatebot/', names: ['renovate'], brands: ['renovatebot'] },
  { owner: 'ShellCheck\u2019s', home: 'docker.io/koalaman/', names: ['shellcheck', 'shellcheck-alpine'], brands: ['koalaman'] },
  { owner: 'Super-Linter\u2019s', home: 'ghcr.io/super-linter/', names: ['super-linter'], brands: ['super-linter'] },
  { owner: 'Gitleaks\u2019', home: 'docker.io/zricethezav/', names: ['gitleaks'], brands: ['gitleaks'] },
  { owner: 'TruffleHog\u2019s', home: 'docker.io/trufflesecurity/', names: ['trufflehog'], brands: ['trufflesecurity'] },
  { owner: 'Semgrep\u2019s', home: 'docker.io/semgrep/', names: ['semgrep'], brands: ['semgrep', 'returntocorp'] },
  { owner: 'GoReleaser\u2019s', home: 'docker.io/goreleaser/', names: ['goreleaser', 'goreleaser-cross'], brands: ['goreleaser'] },
  { owner: 'golangci-lint\u2019s', home: 'docker.io/golangci/', names: ['golangci-lint'], brands: ['golangci'] },
  { owner: 'BuildKit\u2019s', home: 'docker.io/moby/', names: ['buildkit'], brands: ['moby'] },
  { owner: 'Grafana\u2019s', home: 'docker.io/grafana/', names: ['grafana-oss', 'grafana-enterprise', 'tempo', 'alloy', 'pyroscope', 'k6'], generic: ['agent'], rebuilt: ['grafana'], brands: ['grafana'] },
  {
    owner: 'the Prometheus project\u2019s',
    home: 'docker.io/prom/',
    names: ['prometheus', 'mysqld-exporter', 'statsd-exporter', 'snmp-exporter', 'memcached-exporter', 'graphite-exporter'],
    brands: ['prometheus'],
  },
  { owner: 'the Elastic', home: 'docker.elastic.co/beats/', names: ['filebeat', 'metricbeat', 'auditbeat', 'packetbeat', 'elastic-agent'], generic: ['heartbeat'], brands: ['elastic'] },
  { owner: 'the Elastic', home: 'docker.elastic.co/apm/', names: ['apm-server'], brands: ['elastic'] },
  { owner: 'OpenSearch\u2019s', home: 'docker.io/opensearchproject/', names: ['opensearch', 'opensearch-dashboards'], brands: ['opensearchproject', 'opensearch-project'] },
  {
    owner: 'Confluent\u2019s',
    home: 'docker.io/confluentinc/',
    names: ['cp-kafka', 'cp-zookeeper', 'cp-schema-registry', 'cp-kafka-connect', 'cp-server', 'cp-enterprise-control-center', 'cp-ksqldb-server', 'cp-kafka-rest'],
    brands: ['confluentinc', 'confluent'],
  },
  { owner: 'Redpanda\u2019s', home: 'docker.io/redpandadata/', names: ['redpanda'], generic: ['console'], brands: ['redpandadata', 'redpanda-data', 'vectorized'] },
  { owner: 'the Kafka UI project\u2019s', home: 'docker.io/provectuslabs/', names: ['kafka-ui'], brands: ['provectuslabs', 'provectus', 'kafbat'] },
  // Altinity's own builds of ClickHouse (Altinity Stable), which its clickhouse-operator runs: a vendor's image, not a copy.
  { owner: 'Altinity\u2019s', home: 'docker.io/altinity/', names: ['clickhouse-server'], brands: ['altinity'] },
  { owner: 'ClickHouse\u2019s', home: 'docker.io/clickhouse/', names: ['clickhouse-server', 'clickhouse-keeper'], brands: ['clickhouse', 'yandex'] },
  { owner: 'CockroachDB\u2019s', home: 'docker.io/cockroachdb/', names: ['cockroach'], brands: ['cockroachdb'] },
  { owner: 'Timescale\u2019s', home: 'docker.io/timescale/', names: ['timescaledb', 'timescaledb-ha'], brands: ['timescale'] },
  // PostGIS is an extension many build their own PostgreSQL images with (the project's image has no
  // arm64 build, so `imresamu/postgis` by one of its maintainers and `baosystems/postgis` fill in).
  { owner: 'the PostGIS project\u2019s', home: 'docker.io/postgis/', names: [], rebuilt: ['postgis'], brands: ['postgis'] },
  // pgvector's author published its image as `ankane/pgvector` until 0.5.1 (pgvector/pgvector#377,
  // answered by ankane); no longer updated, it is the publisher's own, not a copy. Listed before
  // `pgvector/`, which names the image in messages.
  { owner: 'pgvector\u2019s', home: 'docker.io/ankane/', names: ['pgvector'], brands: [] },
  { owner: 'pgvector\u2019s', home: 'docker.io/pgvector/', names: ['pgvector'], brands: ['pgvector'] },
  { owner: 'Qdrant\u2019s', home: 'docker.io/qdrant/', names: ['qdrant'], brands: ['qdrant'] },
  { owner: 'Weaviate\u2019s', home: 'docker.io/semitechnologies/', names: ['weaviate'], brands: ['semitechnologies', 'weaviate'] },
  { owner: 'Milvus\u2019', home: 'docker.io/milvusdb/', names: ['milvus'], brands: ['milvusdb', 'milvus-io'] },
  { owner: 'Meilisearch\u2019s', home: 'docker.io/getmeili/', names: ['meilisearch'], brands: ['getmeili', 'meilisearch'] },
  { owner: 'the Selenium project\u2019s', home: 'docker.io/selenium/', names: ['standalone-chrome', 'standalone-firefox', 'standalone-edge', 'node-chrome', 'node-firefox'], generic: ['hub'], brands: ['selenium', 'seleniarm', 'seleniumhq'] },
  { owner: 'Testcontainers\u2019', home: 'docker.io/testcontainers/', names: ['ryuk'], brands: ['testcontainers'] },
  { owner: 'Sentry\u2019s', home: 'docker.io/getsentry/', names: ['snuba', 'symbolicator'], generic: ['relay'], brands: ['getsentry'] },
  { owner: 'Home Assistant\u2019s', home: 'ghcr.io/home-assistant/', names: ['home-assistant'], brands: ['home-assistant', 'homeassistant'] },
  { owner: 'nginx-proxy\u2019s', home: 'docker.io/nginxproxy/', names: ['acme-companion', 'docker-gen'], brands: ['nginxproxy', 'nginx-proxy'] },
  { owner: 'NGINX\u2019s', home: 'docker.io/nginx/', names: ['nginx-ingress', 'nginx-prometheus-exporter'], brands: ['nginxinc', 'nginx'] },
  { owner: 'NGINX\u2019s', home: 'ghcr.io/nginx/', names: ['nginx-gateway-fabric'], brands: ['nginxinc', 'nginx'] },
  // Tools published on ghcr.io by their projects.
  { owner: 'CloudNativePG\u2019s', home: 'ghcr.io/cloudnative-pg/', names: ['cloudnative-pg'], generic: ['postgresql'], brands: ['cloudnative-pg', 'cloudnativepg'] },
  { owner: 'SPIRE\u2019s', home: 'ghcr.io/spiffe/', names: ['spire-server', 'spire-agent', 'spire-controller-manager'], brands: ['spiffe', 'spire'] },
  // SPIRE's releases before 1.6 were published on gcr.io under `spiffe-io`.
  { owner: 'SPIRE\u2019s', home: 'gcr.io/spiffe-io/', names: ['spire-server', 'spire-agent'], brands: [] },
  { owner: 'Chaos Mesh\u2019s', home: 'ghcr.io/chaos-mesh/', names: ['chaos-mesh', 'chaos-daemon', 'chaos-dashboard'], brands: ['chaos-mesh', 'chaosmesh'] },
  { owner: 'OpenFaaS\u2019', home: 'ghcr.io/openfaas/', names: ['faas-netes', 'faas-cli'], generic: ['gateway', 'queue-worker'], brands: ['openfaas'] },
  { owner: 'Talos\u2019', home: 'ghcr.io/siderolabs/', names: ['talosctl'], generic: ['installer'], brands: ['siderolabs', 'talos'] },
  { owner: 'uv\u2019s', home: 'ghcr.io/astral-sh/', names: [], generic: ['uv'], brands: ['astral-sh', 'astral'] },
  { owner: 'k3d\u2019s', home: 'ghcr.io/k3d-io/', names: ['k3d-proxy', 'k3d-tools'], brands: ['k3d-io', 'k3d'] },
  { owner: 'kured\u2019s', home: 'ghcr.io/kubereboot/', names: ['kured'], brands: ['kubereboot'] },
  { owner: 'Stakater\u2019s', home: 'ghcr.io/stakater/', names: [], generic: ['reloader'], brands: ['stakater'] },
  // Images published only on their vendor's own registry (Microsoft Artifact Registry's and
  // distroless' documentation: mcr.microsoft.com/mssql/server, mcr.microsoft.com/dotnet/*,
  // gcr.io/distroless/*): their names are generic, so only their path copied is known as a copy.
  { owner: 'Microsoft\u2019s', home: 'mcr.microsoft.com/mssql/', names: [], generic: ['server'], brands: ['mssql'] },
  { owner: 'Microsoft\u2019s', home: 'mcr.microsoft.com/dotnet/', names: [], generic: ['sdk', 'aspnet', 'runtime', 'runtime-deps'], brands: ['dotnet'] },
  // Playwright's images (playwright.dev, "Docker": mcr.microsoft.com/playwright and its language
  // images mcr.microsoft.com/playwright/python, /java, /dotnet).
  { owner: 'Microsoft\u2019s Playwright', home: 'mcr.microsoft.com/playwright/', names: [], generic: ['python', 'java', 'dotnet'], brands: ['playwright'] },
  {
    owner: 'the distroless project\u2019s',
    home: 'gcr.io/distroless/',
    names: [],
    generic: ['static', 'static-debian11', 'static-debian12', 'base', 'base-debian11', 'base-debian12', 'base-nossl-debian12', 'cc', 'cc-debian12', 'java17-debian12', 'java21-debian12', 'python3-debian12', 'nodejs20-debian12', 'nodejs22-debian12'],
    brands: ['distroless'],
  },
  { owner: 'NVIDIA\u2019s', home: 'nvcr.io/nvidia/', names: ['k8s-device-plugin', 'gpu-operator', 'tritonserver', 'dcgm-exporter'], brands: ['nvidia'] },
];

export interface WellKnownImage {
  /** Where the publisher publishes it. */
  reference: string;
  /** For messages: "the Kubernetes `pause` image (`registry.k8s.io/pause`)". */
  description: string;
  /** An application others ship their own builds of (`CatalogueEntry.rebuilt`). */
  rebuilt?: boolean;
}

const describe = (entry: CatalogueEntry, name: string): WellKnownImage => ({
  reference: `${entry.home}${name}`,
  description: `${entry.owner} \`${name}\` image (\`${entry.home}${name}\`)`,
  ...(entry.rebuilt?.includes(name) ? { rebuilt: true } : {}),
});

/** Distinctive names (a copy elsewhere) and rebuilt applications (an impersonation elsewhere). */
export const WELL_KNOWN_IMAGES: ReadonlyMap<string, WellKnownImage> = new Map(
  CATALOGUE.flatMap((entry) => [...entry.names, ...(entry.rebuilt ?? [])].map((name): [string, WellKnownImage] => [name, describe(entry, name)])),
);

const SEPARATORS = new Set(['-', '_', '.']);
const compact = (text: string) => [...text].filter((ch) => !SEPARATORS.has(ch)).join('');

/**
 * Endings publishers add to a project's name to make their namespace (`kaniko-project`,
 * `flannel-io`, `jaegertracing`): dropped to find the project's own name.
 */
const PUBLISHER_SUFFIXES = ['-project', 'project', '-io', 'io', '-dev', '-org', 'org', 'hq', 'inc', '-labs', 'labs', '-releases', 'tracing', 'proxy', 'security', 'data', 'db'];

/**
 * The words an image's name is glued from in a copy that names its project (`kaniko-executor`,
 * `ingress-nginx-controller`, `grafana-loki`): the project's brands and its publisher's
 * namespace, with and without a publisher's ending and hyphens. Three letters at least.
 */
function stemsOf(entry: CatalogueEntry): string[] {
  const namespace = entry.home.split('/')[1] ?? '';
  const stems = new Set<string>();
  for (const word of [...entry.brands, namespace]) {
    if (word === '') continue;
    stems.add(word);
    const suffix = PUBLISHER_SUFFIXES.find((ending) => word.endsWith(ending) && word.length - ending.length >= 3);
    if (suffix) stems.add(word.slice(0, word.length - suffix.length));
  }
  for (const stem of [...stems]) stems.add(compact(stem));
  return [...stems].filter((stem) => stem.length >= 3);
}

const STEMS: ReadonlyArray<[CatalogueEntry, string[]]> = CATALOGUE.map((entry) => [entry, stemsOf(entry)]);

const isOwnName = (entry: CatalogueEntry, name: string) => entry.names.includes(name) || (entry.generic?.includes(name) ?? false) || (entry.rebuilt?.includes(name) ?? false);

/**
 * The well-known image a repository name copies by gluing its project's name to the image's
 * (`kaniko-executor`, `kanikoexecutor`, `ingress-nginx_controller`, `k8s-pause`), or undefined.
 * Glued to its project's name even a generic name (`controller`) names one image only.
 */
function gluedImage(name: string): { entry: CatalogueEntry; name: string } | undefined {
  for (const [entry, stems] of STEMS) {
    for (const stem of stems) {
      if (name.length <= stem.length + 1 || !name.startsWith(stem)) continue;
      const rest = SEPARATORS.has(name[stem.length]) ? name.slice(stem.length + 1) : name.slice(stem.length);
      if (isOwnName(entry, rest)) return { entry, name: rest };
    }
  }
  return undefined;
}

/**
 * The well-known image `name` (a repository's last path segment) under `namespace` on `host` is a
 * copy of: its distinctive name as is (`someone/pause`), or any of its names glued to its
 * project's (`someone/kaniko-executor`); undefined when there is none or `namespace` is its
 * publisher's own (`isPublisherNamespace`).
 */
export function wellKnownCopy(host: string, namespace: string, name: string): WellKnownImage | undefined {
  const exact = WELL_KNOWN_IMAGES.get(name);
  if (exact) return isPublisherNamespace(host, namespace, name) ? undefined : exact;
  const glued = gluedImage(name);
  if (!glued || isPublisherNamespace(host, namespace, glued.name)) return undefined;
  return describe(glued.entry, glued.name);
}

/**
 * When `namespace` is made from the name of the project that publishes `name` (the image's last
 * path segment), the genuine image; else undefined. Made from: the project's name with its
 * hyphens dropped (`ingressnginx` for `ingress-nginx`), or with a word or digits added as
 * `isBrandAffix` decides (`kanikoproject`, `cilium-labs`).
 */
export function projectBrandSquat(
  namespace: string,
  name: string,
  isBrandAffix: (namespace: string, brand: string) => boolean,
): { image: WellKnownImage; brand: string } | undefined {
  for (const entry of CATALOGUE) {
    if (!isOwnName(entry, name)) continue;
    // A brand as written (`flannel-io`) is judged by `isPublisherNamespace` and the copy rule.
    if (entry.brands.includes(namespace)) continue;
    for (const brand of entry.brands) {
      const glued = compact(brand);
      const madeFrom = namespace === glued || isBrandAffix(namespace, brand) || (glued !== brand && isBrandAffix(namespace, glued));
      if (madeFrom) return { image: describe(entry, name), brand };
    }
  }
  return undefined;
}

/**
 * Whether `namespace` on `host` is the publisher's own account for the project that publishes
 * `name`: its home namespace on its home registry, or, on ghcr.io (where a namespace is the GitHub
 * organisation the project lives in), one of its brands as written (`ghcr.io/cilium`). Namespaces
 * are per registry: the same name on Docker Hub or Quay may be anyone's (`actions` on Docker Hub
 * is not GitHub's), so there it is judged like any other.
 */
function isPublisherNamespace(host: string, namespace: string, name: string): boolean {
  return CATALOGUE.some(
    (entry) =>
      isOwnName(entry, name) &&
      (entry.home.startsWith(`${host}/${namespace}/`) || (host === 'ghcr.io' && entry.brands.includes(namespace))),
  );
}

/** Where a catalogued image named `name` (a repository's last path segment) is published. */
export interface ImageHome {
  /** The publisher's registry host and namespace (`quay.io`, `calico`). */
  host: string;
  namespace: string;
  /** The project's and publisher's names (`linkerd`): on ghcr.io, the publisher's own organisation. */
  brands: readonly string[];
  image: WellKnownImage;
}

/** The publishers' homes of the catalogued images named `name` that live under a namespace. */
export function homesOf(name: string): ImageHome[] {
  const homes: ImageHome[] = [];
  for (const entry of CATALOGUE) {
    if (!isOwnName(entry, name)) continue;
    const [host, namespace] = entry.home.split('/');
    if (namespace) homes.push({ host, namespace, brands: entry.brands, image: describe(entry, name) });
  }
  return homes;
}

/** The namespaces catalogued images live under on `host` (`mssql`, `dotnet` on mcr.microsoft.com). */
export function catalogueNamespaces(host: string): string[] {
  return CATALOGUE.map((entry) => entry.home.split('/')).filter(([home, namespace]) => home === host && namespace !== '').map(([, namespace]) => namespace);
}

/**
 * The brands of the vendors who run a registry, to whose project namespaces a squatter glues them
 * (`googledistroless` for `gcr.io/distroless`, `awslambda` for `public.ecr.aws/lambda`): each
 * registry's operator as its own documentation names it.
 */
const VENDOR_REGISTRY_BRANDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['gcr.io', ['google', 'gcp']],
  ['public.ecr.aws', ['aws', 'amazon']],
  ['mcr.microsoft.com', ['microsoft', 'azure']],
  ['registry.k8s.io', ['kubernetes', 'k8s']],
  ['nvcr.io', ['nvidia']],
  ['docker.elastic.co', ['elastic']],
  ['container-registry.oracle.com', ['oracle']],
  ['icr.io', ['ibm']],
]);

/** Project namespaces shorter than this are too short to recognise inside another name (`sam`, `eks`). */
const VENDOR_PROJECT_LENGTH = 4;

/**
 * When `namespace` is a vendor's name glued to one of its registry's project namespaces, before or
 * after it, with or without one separator (`googledistroless`, `aws-lambda`, `distroless_google`):
 * that registry, project and vendor. `projectsOf` lists a registry's trusted namespaces.
 */
export function vendorProjectNamespace(
  namespace: string,
  projectsOf: (host: string) => Iterable<string>,
): { host: string; project: string; vendor: string } | undefined {
  for (const [host, vendors] of VENDOR_REGISTRY_BRANDS) {
    for (const vendor of vendors) {
      const rest = namespace.startsWith(vendor) ? namespace.slice(vendor.length) : namespace.endsWith(vendor) ? namespace.slice(0, namespace.length - vendor.length) : undefined;
      if (rest === undefined) continue;
      const project = SEPARATORS.has(rest[0]) ? rest.slice(1) : SEPARATORS.has(rest[rest.length - 1]) ? rest.slice(0, -1) : rest;
      if (project.length < VENDOR_PROJECT_LENGTH || project.includes(vendor)) continue;
      for (const candidate of projectsOf(host)) {
        if (candidate.includes(vendor)) continue;
        if (candidate === project || compact(candidate) === project) return { host, project: candidate, vendor };
      }
    }
  }
  return undefined;
}
