/**
 * Custom resources whose operator runs an image named in a field of its own, not in a container
 * (`spec.image` of a prometheus-operator `Prometheus`, `spec.dockerImage` of a Zalando `postgresql`):
 * one row per operator, the fields as its CRD documents them. Containers these resources also
 * embed (`spec.containers`, `sidecars`) are read by the generic rule.
 */

/** The fields of one operator's resources that name an image. */
interface OperatorImages {
  /** The API group, as the apiVersion starts (`monitoring.coreos.com/`). */
  group: string;
  operator: string;
  /** What the operator does with the image, when it does not run it itself (a package it installs). */
  verb?: string;
  /** Kind to field paths; `[]` stands for every item of a list. */
  fields: Readonly<Record<string, readonly string[]>>;
}

const ECK_SPEC_IMAGE = ['spec.image'];

const OPERATORS: readonly OperatorImages[] = [
  {
    group: 'monitoring.coreos.com/',
    operator: 'the Prometheus Operator',
    fields: {
      Prometheus: ['spec.image', 'spec.thanos.image'],
      PrometheusAgent: ['spec.image'],
      Alertmanager: ['spec.image'],
      ThanosRuler: ['spec.image'],
    },
  },
  {
    group: 'acid.zalan.do/',
    operator: "Zalando's Postgres Operator",
    fields: {
      postgresql: ['spec.dockerImage'],
      OperatorConfiguration: ['configuration.docker_image', 'configuration.connection_pooler.connection_pooler_image', 'configuration.logical_backup.logical_backup_docker_image'],
    },
  },
  {
    group: 'postgresql.cnpg.io/',
    operator: 'CloudNativePG',
    fields: { Cluster: ['spec.imageName'], ImageCatalog: ['spec.images[].image'], ClusterImageCatalog: ['spec.images[].image'] },
  },
  {
    // EDB Postgres for Kubernetes: CloudNativePG's resources under EDB's API group.
    group: 'postgresql.k8s.enterprisedb.io/',
    operator: 'EDB Postgres for Kubernetes',
    fields: { Cluster: ['spec.imageName'], ImageCatalog: ['spec.images[].image'], ClusterImageCatalog: ['spec.images[].image'] },
  },
  {
    group: 'postgres-operator.crunchydata.com/',
    operator: 'Crunchy Postgres for Kubernetes',
    fields: { PostgresCluster: ['spec.image', 'spec.backups.pgbackrest.image', 'spec.proxy.pgBouncer.image', 'spec.monitoring.pgmonitor.exporter.image'] },
  },
  { group: 'elasticsearch.k8s.elastic.co/', operator: 'ECK', fields: { Elasticsearch: ECK_SPEC_IMAGE } },
  { group: 'kibana.k8s.elastic.co/', operator: 'ECK', fields: { Kibana: ECK_SPEC_IMAGE } },
  { group: 'apm.k8s.elastic.co/', operator: 'ECK', fields: { ApmServer: ECK_SPEC_IMAGE } },
  { group: 'beat.k8s.elastic.co/', operator: 'ECK', fields: { Beat: ECK_SPEC_IMAGE } },
  { group: 'agent.k8s.elastic.co/', operator: 'ECK', fields: { Agent: ECK_SPEC_IMAGE } },
  { group: 'enterprisesearch.k8s.elastic.co/', operator: 'ECK', fields: { EnterpriseSearch: ECK_SPEC_IMAGE } },
  { group: 'maps.k8s.elastic.co/', operator: 'ECK', fields: { ElasticMapsServer: ECK_SPEC_IMAGE } },
  { group: 'logstash.k8s.elastic.co/', operator: 'ECK', fields: { Logstash: ECK_SPEC_IMAGE } },
  {
    group: 'databases.spotahome.com/',
    operator: "Spotahome's Redis Operator",
    fields: { RedisFailover: ['spec.redis.image', 'spec.sentinel.image', 'spec.redis.exporter.image', 'spec.sentinel.exporter.image'] },
  },
  {
    // A catalog's index image, which OLM runs as the catalog's registry pod (sourceType grpc).
    group: 'operators.coreos.com/',
    operator: 'the Operator Lifecycle Manager (OLM)',
    fields: { CatalogSource: ['spec.image'] },
  },
  {
    // A bundle's relatedImages: every image the operator it installs runs (what a disconnected install mirrors).
    group: 'operators.coreos.com/',
    operator: 'the operator OLM installs',
    fields: { ClusterServiceVersion: ['spec.relatedImages[].image'] },
  },
  {
    // operator-sdk's scorecard configuration (bundle/tests/scorecard/config.yaml): each test runs as a pod of its image.
    group: 'scorecard.operatorframework.io/',
    operator: 'operator-sdk scorecard',
    fields: { Configuration: ['stages[].tests[].image'] },
  },
  {
    // Carvel kapp-controller: the imgpkg bundles and images an App or a package fetches its configuration from.
    group: 'kappctrl.k14s.io/',
    operator: 'kapp-controller',
    verb: 'fetches',
    fields: { App: ['spec.fetch[].imgpkgBundle.image', 'spec.fetch[].image.url'] },
  },
  {
    group: 'data.packaging.carvel.dev/',
    operator: 'kapp-controller',
    verb: 'fetches',
    fields: { Package: ['spec.template.spec.fetch[].imgpkgBundle.image', 'spec.template.spec.fetch[].image.url'] },
  },
  {
    group: 'packaging.carvel.dev/',
    operator: 'kapp-controller',
    verb: 'fetches',
    fields: { PackageRepository: ['spec.fetch.imgpkgBundle.image', 'spec.fetch.image.url'] },
  },
  { group: 'rabbitmq.com/', operator: 'the RabbitMQ Cluster Operator', fields: { RabbitmqCluster: ['spec.image'] } },
  // openfaas/faas-netes' operator mode: a Function is deployed from the image it names.
  { group: 'openfaas.com/', operator: 'the OpenFaaS operator', fields: { Function: ['spec.image'] } },
  {
    // Its Tenant CRD (minio.min.io v2): the MinIO server image, and the KES key server it runs beside it.
    group: 'minio.min.io/',
    operator: 'the MinIO Operator',
    fields: { Tenant: ['spec.image', 'spec.kes.image'] },
  },
  {
    // Its CRDs (kafka.strimzi.io v1): the Kafka, operator, Cruise Control and exporter images of a
    // Kafka, each cluster's image and its rack init image. A Connect build's `output.image` is pushed, not run.
    group: 'kafka.strimzi.io/',
    operator: 'the Strimzi operator',
    fields: {
      Kafka: [
        'spec.kafka.image',
        'spec.kafka.brokerRackInitImage',
        'spec.entityOperator.topicOperator.image',
        'spec.entityOperator.userOperator.image',
        'spec.cruiseControl.image',
        'spec.kafkaExporter.image',
      ],
      KafkaConnect: ['spec.image', 'spec.clientRackInitImage'],
      KafkaMirrorMaker2: ['spec.image', 'spec.clientRackInitImage'],
      KafkaBridge: ['spec.image', 'spec.clientRackInitImage'],
    },
  },
  {
    // Its CRDs (psmdb.percona.com v1): the mongod image, the init image that copies its entrypoint,
    // the backup agent, PMM client, log collector and search images; a ClusterSync's sync image.
    group: 'psmdb.percona.com/',
    operator: 'the Percona Operator for MongoDB',
    fields: {
      PerconaServerMongoDB: ['spec.image', 'spec.initImage', 'spec.backup.image', 'spec.pmm.image', 'spec.logcollector.image', 'spec.search.image'],
      PerconaServerMongoDBClusterSync: ['spec.image'],
    },
  },
  {
    // Its API types (apis/v1alpha1, v1beta1): the collector's and target allocator's `image`, and
    // the auto-instrumentation images an Instrumentation has injected into pods as init containers.
    group: 'opentelemetry.io/',
    operator: 'the OpenTelemetry Operator',
    fields: {
      OpenTelemetryCollector: ['spec.image', 'spec.targetAllocator.image'],
      TargetAllocator: ['spec.image'],
      OpAMPBridge: ['spec.image'],
      Instrumentation: [
        'spec.java.image',
        'spec.java.extensions[].image',
        'spec.nodejs.image',
        'spec.python.image',
        'spec.dotnet.image',
        'spec.go.image',
        'spec.apacheHttpd.image',
        'spec.nginx.image',
      ],
    },
  },
  {
    // Its API reference: SparkApplicationSpec.image (driver and executor), SparkPodSpec.image (each
    // one's own, which wins); a ScheduledSparkApplication's `template` is a SparkApplicationSpec.
    group: 'sparkoperator.k8s.io/',
    operator: "Kubeflow's Spark operator",
    fields: {
      SparkApplication: ['spec.image', 'spec.driver.image', 'spec.executor.image'],
      ScheduledSparkApplication: ['spec.template.image', 'spec.template.driver.image', 'spec.template.executor.image'],
    },
  },
  {
    // Its package API (pkg.crossplane.io v1, v1beta1): the package it pulls, installs and, for a
    // provider or a function, runs as a deployment; a revision names the image it was made from.
    group: 'pkg.crossplane.io/',
    operator: 'Crossplane',
    verb: 'pulls',
    fields: {
      Provider: ['spec.package'],
      Function: ['spec.package'],
      Configuration: ['spec.package'],
      ProviderRevision: ['spec.image'],
      FunctionRevision: ['spec.image'],
      ConfigurationRevision: ['spec.image'],
    },
  },
  {
    // Its CRDs (ceph.rook.io/v1): the Ceph image every daemon of a cluster runs, and the images of
    // the NFS, COSI and NVMe-oF gateways. A pool's mirrored `image` is an RBD image, not a container.
    group: 'ceph.rook.io/',
    operator: 'Rook',
    fields: {
      CephCluster: ['spec.cephVersion.image'],
      CephNFS: ['spec.server.image', 'spec.security.sssd.sidecar.image'],
      CephCOSIDriver: ['spec.image', 'spec.objectProvisionerImage'],
      CephNVMeOFGateway: ['spec.image'],
    },
  },
  {
    // Katib's configuration (the `katib-config` ConfigMap's file): the metrics collector, suggestion
    // and early stopping images its controller runs beside each experiment's trials.
    group: 'config.kubeflow.org/',
    operator: 'Katib',
    fields: { KatibConfig: ['runtime.metricsCollectors[].image', 'runtime.suggestions[].image', 'runtime.earlyStoppings[].image'] },
  },
];

/** One field of a resource that names an image its operator runs. */
export interface OperatorImageField {
  /** Keys from the resource's root; `[]` is every item of a list. */
  path: readonly string[];
  /** Said of the image: which operator runs it. */
  note: string;
}

/** The image fields of a resource of this apiVersion and kind, if an operator in the table owns it. */
export function operatorImageFields(apiVersion: string, kind: string): OperatorImageField[] {
  // A group can have several rows (OLM's catalog and the operators its bundles install): the one naming this kind.
  const operator = OPERATORS.find((entry) => apiVersion.startsWith(entry.group) && Object.hasOwn(entry.fields, kind));
  const paths = operator?.fields[kind];
  if (!operator || !paths) return [];
  return paths.map((path) => ({ path: path.replace(/\[\]/g, '.[]').split('.'), note: `the image ${operator.operator} ${operator.verb ?? 'runs'} for this ${kind} (${path})` }));
}
