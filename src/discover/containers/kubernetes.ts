/**
 * Container configurations of Kubernetes workloads: each container of a pod spec (Pod, Deployment,
 * CronJob, ... and custom resources with a known pod template), with its pod's settings merged as
 * Kubernetes merges them: a container's `securityContext` wins over the pod's for the user fields,
 * the host namespaces and `hostPath` volumes are the pod's.
 */
import type { ContainerConfig, WrittenSetting } from '../../model.js';
import type { Document } from 'yaml';
import { podSpecPathOf, isIstioInjectedProxy } from '../pod-spec.js';
import type { LineIndex } from '../position.js';
import type { SourceFile } from '../types.js';
import { isMap, isSeq, mapGet, nodeAt, scalarString, seqItems } from '../yaml.js';
import { SettingReader } from './settings.js';

const CONTAINER_LISTS: Array<[key: string, role: ContainerConfig['role']]> = [
  ['containers', undefined],
  ['initContainers', 'init'],
  ['ephemeralContainers', 'ephemeral'],
];
const HOST_NAMESPACES = ['hostPID', 'hostIPC', 'hostNetwork'];
/** A List of Lists of ... is bounded. */
const MAX_LIST_DEPTH = 4;

/** What a pod gives all its containers. */
interface PodSettings {
  runAsNonRoot?: WrittenSetting<boolean>;
  runAsUser?: WrittenSetting<number>;
  hostNamespaces: WrittenSetting<string>[];
  /** hostPath volumes by volume name. */
  hostPathVolumes: Map<string, WrittenSetting<string>>;
}

/** The containers of a manifest's documents, as the discoverer parsed them (no second parse). */
export function kubernetesContainers(file: SourceFile, documents: readonly Document.Parsed[], lines: LineIndex): ContainerConfig[] {
  const reader = new SettingReader(file.text, lines);
  const configs: ContainerConfig[] = [];
  for (const document of documents) objectContainers(document.contents, file, reader, configs, 0);
  return configs;
}

function objectContainers(root: unknown, file: SourceFile, reader: SettingReader, configs: ContainerConfig[], depth: number): void {
  const kind = scalarString(mapGet(root, 'kind'));
  const apiVersion = scalarString(mapGet(root, 'apiVersion'));
  if (kind === undefined || apiVersion === undefined) return;
  if (kind.endsWith('List')) {
    if (depth < MAX_LIST_DEPTH) for (const item of seqItems(mapGet(root, 'items'))) objectContainers(item, file, reader, configs, depth + 1);
    return;
  }
  const specPath = podSpecPathOf(apiVersion, kind);
  const spec = specPath ? nodeAt(root, specPath) : undefined;
  if (!isMap(spec)) return;
  const objectName = reader.written(nodeAt(root, ['metadata', 'name']));
  const pod = podSettings(spec, reader);
  for (const [key, role] of CONTAINER_LISTS) {
    for (const container of seqItems(mapGet(spec, key))) {
      const containerName = reader.written(mapGet(container, 'name')) ?? '(unnamed)';
      // The injector writes this container's settings too: there is nothing here to judge.
      if (isIstioInjectedProxy(containerName, scalarString(mapGet(container, 'image')))) continue;
      const config = containerConfig(container, pod, reader, file.path);
      if (!config) continue;
      config.workload = `${kind}/${objectName ?? '(unnamed)'}`;
      config.name = `${config.workload} ${role ? `${role} container` : 'container'} ${containerName}`;
      if (role) config.role = role;
      configs.push(config);
    }
  }
}

function podSettings(spec: unknown, reader: SettingReader): PodSettings {
  const securityContext = mapGet(spec, 'securityContext');
  const hostNamespaces: WrittenSetting<string>[] = [];
  for (const key of HOST_NAMESPACES) {
    const setting = reader.boolean(mapGet(spec, key));
    if (setting?.value === true) hostNamespaces.push({ ...setting, value: key });
  }
  const hostPathVolumes = new Map<string, WrittenSetting<string>>();
  for (const volume of seqItems(mapGet(spec, 'volumes'))) {
    const name = scalarString(mapGet(volume, 'name'));
    const path = reader.string(nodeAt(volume, ['hostPath', 'path']));
    if (name !== undefined && path !== undefined) hostPathVolumes.set(name, path);
  }
  return {
    runAsNonRoot: reader.boolean(mapGet(securityContext, 'runAsNonRoot')),
    runAsUser: reader.integer(mapGet(securityContext, 'runAsUser')),
    hostNamespaces,
    hostPathVolumes,
  };
}

function containerConfig(container: unknown, pod: PodSettings, reader: SettingReader, file: string): ContainerConfig | undefined {
  if (!isMap(container)) return undefined;
  // Kubernetes requires an image: a container without one is part of a patch (a kustomize
  // strategic-merge patch adds settings to a base), judged where the base is.
  const anchor = mapGet(container, 'image');
  if (anchor === undefined) return undefined;
  const position = reader.at(anchor);
  if (!position) return undefined;
  const securityContext = mapGet(container, 'securityContext');
  const limits = nodeAt(container, ['resources', 'limits']);
  const config: ContainerConfig = {
    file,
    kind: 'kubernetes',
    name: '',
    workload: '',
    raw: reader.written(anchor) ?? '',
    ...position,
    runAsNonRoot: reader.boolean(mapGet(securityContext, 'runAsNonRoot')) ?? pod.runAsNonRoot,
    runAsUser: reader.integer(mapGet(securityContext, 'runAsUser')) ?? pod.runAsUser,
    privileged: reader.boolean(mapGet(securityContext, 'privileged')),
    allowPrivilegeEscalation: reader.boolean(mapGet(securityContext, 'allowPrivilegeEscalation')),
    addedCapabilities: seqItems(nodeAt(securityContext, ['capabilities', 'add'])).flatMap((node) => reader.string(node) ?? []),
    hostNamespaces: pod.hostNamespaces,
    hostPaths: mountedHostPaths(container, pod),
    cpuLimit: reader.string(mapGet(limits, 'cpu')),
    memoryLimit: reader.string(mapGet(limits, 'memory')),
    readOnlyRootFilesystem: reader.boolean(mapGet(securityContext, 'readOnlyRootFilesystem')),
  };
  return config;
}

/** The pod's hostPath volumes this container mounts. */
function mountedHostPaths(container: unknown, pod: PodSettings): WrittenSetting<string>[] {
  const mounts = mapGet(container, 'volumeMounts');
  if (!isSeq(mounts)) return [];
  return mounts.items.flatMap((mount) => {
    const name = scalarString(mapGet(mount, 'name'));
    const path = name === undefined ? undefined : pod.hostPathVolumes.get(name);
    return path ? [path] : [];
  });
}

