/**
 * Where Kubernetes workloads keep their pod spec: the core workload kinds and the custom resources
 * whose pod template is known, and the containers an admission webhook fills in. Shared by the
 * image discoverer and the least-privilege reader.
 */

/**
 * Istio's gateway and sidecar injection: a container named `istio-proxy` written with `image: auto`
 * gets the mesh's proxy image, and its security context and resources, from the injector when the
 * pod is created (https://istio.io/latest/docs/setup/additional-setup/gateway/): `auto` names no image.
 */
export const ISTIO_INJECTED_NOTE = "Istio's injector replaces `image: auto` of its istio-proxy container with the mesh's proxy image when the pod is created";

export function isIstioInjectedProxy(containerName: string | undefined, image: string | undefined): boolean {
  return containerName === 'istio-proxy' && image === 'auto';
}

/** A pod spec's lists of containers. */
export const CONTAINER_LIST_KEYS = ['containers', 'initContainers', 'ephemeralContainers'];
/** Lists of containers an operator adds to the pods it runs, as its custom resources name them (Zalando's `sidecars`, Spotahome's `extraContainers`). */
export const OPERATOR_CONTAINER_LIST_KEYS = ['sidecars', 'extraContainers'];

/** Pod template locations for the workload kinds of the core API. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Custom resources whose pod template is known, so containers count even without a `name`
 * (Knative allows one unnamed container), keyed by API group and kind.
 */
const CRD_POD_SPEC_PATHS: Record<string, string[]> = {
  'serving.knative.dev/Service': ['spec', 'template', 'spec'],
  'serving.knative.dev/Configuration': ['spec', 'template', 'spec'],
  'serving.knative.dev/Revision': ['spec'],
  'argoproj.io/Rollout': ['spec', 'template', 'spec'],
};

/** Where a workload kind (core, or a custom resource with a known pod template) keeps its pod spec. */
export function podSpecPathOf(apiVersion: string, kind: string): string[] | undefined {
  return isCoreGroup(apiVersion) ? POD_SPEC_PATHS[kind] : CRD_POD_SPEC_PATHS[`${apiVersion.split('/')[0]}/${kind}`];
}

/** Core workload kinds live in the core group (`v1`) or in `apps`/`batch`; a CRD may reuse a kind name. */
function isCoreGroup(apiVersion: string): boolean {
  return /^(v1|apps\/v1(beta[12])?|extensions\/v1beta1|batch\/v1(beta1)?|batch\/v2alpha1)$/.test(apiVersion);
}
