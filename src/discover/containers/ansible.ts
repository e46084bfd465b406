/**
 * Container configurations of the Ansible tasks that run containers (`docker_container`,
 * `podman_container`): `user`, `privileged`, added capabilities (`capabilities`, podman's `cap_add`),
 * host namespaces (`network_mode`/`pid_mode`/`ipc_mode`, podman's `network`/`pid`/`ipc`, set to
 * host) and host paths (`volumes` entries and bind `mounts`). A value written with `{{ }}` counts
 * when the variables the task sees give it one. Limits are not asked: Ansible runs the container on
 * a host it manages, as `docker run` does, like a compose file that does not deploy.
 */
import type { ContainerConfig, WrittenSetting } from '../../model.js';
import type { LineIndex } from '../position.js';
import type { SourceFile } from '../types.js';
import { isMap, mapGet, scalarString, seqItems } from '../yaml.js';
import { SettingReader } from './settings.js';

const HOST_NAMESPACE_KEYS = ['network_mode', 'pid_mode', 'ipc_mode', 'network', 'pid', 'ipc'];

/** A task that runs a container: the module's arguments, where its image is, and its path for people. */
export interface AnsibleContainerTask {
  args: unknown;
  image: unknown;
  path: string;
  /** The value a setting's `{{ }}` text takes with the task's variables, or undefined when unknown. */
  evaluate: (text: string) => string | undefined;
}

function evaluated(setting: WrittenSetting<string> | undefined, task: AnsibleContainerTask): WrittenSetting<string> | undefined {
  if (setting === undefined || !setting.value.includes('{{')) return setting;
  const value = task.evaluate(setting.value);
  return value === undefined ? undefined : { ...setting, value };
}

/** The host path a volume or bind mount takes from the host, when it is an absolute path. */
function hostPath(node: unknown, reader: SettingReader, task: AnsibleContainerTask): WrittenSetting<string> | undefined {
  if (isMap(node)) {
    if (scalarString(mapGet(node, 'type')) !== 'bind') return undefined;
    const source = evaluated(reader.string(mapGet(node, 'source')), task);
    return source?.value.startsWith('/') ? source : undefined;
  }
  const volume = evaluated(reader.string(node), task);
  if (!volume) return undefined;
  const colon = volume.value.indexOf(':');
  const source = colon < 0 ? volume.value : volume.value.slice(0, colon);
  return source.startsWith('/') ? { ...volume, value: source } : undefined;
}

function taskConfig(task: AnsibleContainerTask, reader: SettingReader, file: string): ContainerConfig | undefined {
  const { args } = task;
  const position = reader.at(task.image);
  if (!position) return undefined;
  const hostNamespaces: WrittenSetting<string>[] = [];
  for (const key of HOST_NAMESPACE_KEYS) {
    const setting = evaluated(reader.string(mapGet(args, key)), task);
    if (setting?.value === 'host') hostNamespaces.push({ ...setting, value: `${key}: host` });
  }
  const capabilities = [...seqItems(mapGet(args, 'capabilities')), ...seqItems(mapGet(args, 'cap_add'))];
  return {
    file,
    kind: 'ansible',
    name: task.path,
    workload: task.path,
    raw: reader.written(task.image) ?? task.path,
    ...position,
    user: evaluated(reader.string(mapGet(args, 'user')), task),
    privileged: reader.boolean(mapGet(args, 'privileged')),
    addedCapabilities: capabilities.flatMap((node) => evaluated(reader.string(node), task) ?? []),
    hostNamespaces,
    hostPaths: [...seqItems(mapGet(args, 'volumes')), ...seqItems(mapGet(args, 'mounts'))].flatMap((node) => hostPath(node, reader, task) ?? []),
  };
}

/** The container configurations of a file's tasks that run containers. */
export function ansibleContainers(file: SourceFile, tasks: readonly AnsibleContainerTask[], lines: LineIndex): ContainerConfig[] {
  const reader = new SettingReader(file.text, lines);
  return tasks.flatMap((task) => taskConfig(task, reader, file.path) ?? []);
}
