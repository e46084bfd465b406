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
}

const CATALOGUE: CatalogueEntry[] = [
  {
    owner: 'the Kubernetes',
    home: 'registry.k8s.io/',
    names: ['pause', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'etcd', 'cluster-autoscaler'],
    brands: ['kubernetes', 'k8s'],
  },
  { owner: 'CoreDNS\u2019s', home: 'registry.k8s.io/coredns/', names: ['coredns'], brands: ['coredns'] },
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
  { owner: 'the Argo project\u2019s', home: 'quay.io/argoproj/', names: ['argocd', 'argo-rollouts', 'argoexec', 'argocli'], generic: ['workflow-controller'], brands: ['argoproj', 'argocd'] },
  {
    owner: 'cert-manager\u2019s',
    home: 'quay.io/jetstack/',
    names: ['cert-manager-controller', 'cert-manager-webhook', 'cert-manager-cainjector', 'cert-manager-acmesolver'],
    brands: ['jetstack', 'cert-manager'],
  },
  { owner: 'Aqua Security\u2019s', home: 'ghcr.io/aquasecurity/', names: ['trivy', 'trivy-operator'], brands: ['aquasec', 'aquasecurity'] },
  { owner: 'Sigstore\u2019s', home: 'ghcr.io/sigstore/', names: ['cosign'], brands: ['sigstore'] },
  { owner: 'the Prometheus project\u2019s', home: 'quay.io/prometheus/', names: ['alertmanager', 'node-exporter', 'pushgateway', 'blackbox-exporter'], brands: [] },
  { owner: 'Grafana\u2019s', home: 'docker.io/grafana/', names: ['promtail', 'loki', 'mimir'], brands: [] },
  { owner: 'the Envoy project\u2019s', home: 'docker.io/envoyproxy/', names: ['envoy'], brands: ['envoyproxy'] },
  // `all-in-one` is how many projects name their bundled image: only Jaeger's under a Jaeger-made name.
  { owner: 'the Jaeger project\u2019s', home: 'docker.io/jaegertracing/', names: ['jaeger-agent', 'jaeger-collector', 'jaeger-query'], generic: ['all-in-one'], brands: ['jaegertracing', 'jaeger'] },
  { owner: 'Keycloak\u2019s', home: 'quay.io/keycloak/', names: ['keycloak'], brands: [] },
  { owner: 'Hadolint\u2019s', home: 'docker.io/hadolint/', names: ['hadolint'], brands: [] },
  { owner: 'the Watchtower project\u2019s', home: 'docker.io/containrrr/', names: ['watchtower'], brands: [] },
  { owner: 'Portainer\u2019s', home: 'docker.io/portainer/', names: ['portainer-ce'], brands: [] },
  { owner: 'Kyverno\u2019s', home: 'ghcr.io/kyverno/', names: ['kyverno', 'kyvernopre', 'kyverno-cli'], generic: ['background-controller', 'cleanup-controller', 'reports-controller'], brands: ['kyverno'] },
  { owner: 'MetalLB\u2019s', home: 'quay.io/metallb/', names: [], generic: ['controller', 'speaker'], brands: ['metallb'] },
  { owner: 'Karpenter\u2019s', home: 'public.ecr.aws/karpenter/', names: [], generic: ['controller'], brands: ['karpenter'] },
];

export interface WellKnownImage {
  /** Where the publisher publishes it. */
  reference: string;
  /** For messages: "the Kubernetes `pause` image (`registry.k8s.io/pause`)". */
  description: string;
}

const describe = (entry: CatalogueEntry, name: string): WellKnownImage => ({
  reference: `${entry.home}${name}`,
  description: `${entry.owner} \`${name}\` image (\`${entry.home}${name}\`)`,
});

/** Distinctive names: the same name under another account is a copy. */
export const WELL_KNOWN_IMAGES: ReadonlyMap<string, WellKnownImage> = new Map(
  CATALOGUE.flatMap((entry) => entry.names.map((name): [string, WellKnownImage] => [name, describe(entry, name)])),
);

const SEPARATORS = new Set(['-', '_', '.']);
const compact = (text: string) => [...text].filter((ch) => !SEPARATORS.has(ch)).join('');

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
    if (!entry.names.includes(name) && !(entry.generic?.includes(name) ?? false)) continue;
    for (const brand of entry.brands) {
      // The brand as written is judged by `isPublisherNamespace` and the copy rule.
      if (namespace === brand) continue;
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
export function isPublisherNamespace(host: string, namespace: string, name: string): boolean {
  return CATALOGUE.some(
    (entry) =>
      (entry.names.includes(name) || (entry.generic?.includes(name) ?? false)) &&
      (entry.home.startsWith(`${host}/${namespace}/`) || (host === 'ghcr.io' && entry.brands.includes(namespace))),
  );
}
