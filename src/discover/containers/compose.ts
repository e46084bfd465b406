/**
 * Container configurations of compose services: `user`, `privileged`, `cap_add`, host namespaces
 * (`network_mode`, `pid`, `ipc` set to host), bind mounts (short `src:dst` and long
 * `type: bind` syntax) and memory/CPU limits (`deploy.resources.limits`, `mem_limit`, `cpus`).
 */
import type { ContainerConfig, WrittenSetting } from '../../model.js';
import type { Document } from 'yaml';
import type { LineIndex } from '../position.js';
import type { SourceFile } from '../types.js';
import { isMap, isScalar, mapGet, nodeAt, scalarString, seqItems } from '../yaml.js';
import { isDevelopmentContainerFile, SettingReader } from './settings.js';

const HOST_NAMESPACE_KEYS = ['network_mode', 'pid', 'ipc'];

/** The services of a compose file's documents, as the discoverer parsed them (no second parse). */
export function composeContainers(file: SourceFile, documents: readonly Document.Parsed[], lines: LineIndex): ContainerConfig[] {
  if (isDevelopmentContainerFile(file.path)) return [];
  const reader = new SettingReader(file.text, lines);
  const configs: ContainerConfig[] = [];
  for (const document of documents) {
    const services = mapGet(document.contents, 'services');
    if (!isMap(services)) continue;
    const deploys = services.items.some((pair) => mapGet(pair.value, 'deploy') !== undefined);
    for (const pair of services.items) {
      // A key holding a template's tag (`awx_{{ container_postfix }}`) is named as written.
      const name = isScalar(pair.key) ? (reader.written(pair.key) ?? String(pair.key.value)) : undefined;
      if (name === undefined || !isMap(pair.value)) continue;
      const config = serviceConfig(name, pair.key, pair.value, reader, file.path);
      if (!config) continue;
      if (deploys) config.deploys = true;
      configs.push(config);
    }
  }
  return configs;
}

function serviceConfig(name: string, keyNode: unknown, service: unknown, reader: SettingReader, file: string): ContainerConfig | undefined {
  const image = mapGet(service, 'image');
  const anchor = image ?? keyNode;
  const position = reader.at(anchor);
  if (!position) return undefined;
  const limits = nodeAt(service, ['deploy', 'resources', 'limits']);
  const hostNamespaces: WrittenSetting<string>[] = [];
  for (const key of HOST_NAMESPACE_KEYS) {
    const setting = reader.string(mapGet(service, key));
    if (setting?.value === 'host') hostNamespaces.push({ ...setting, value: `${key}: host` });
  }
  return {
    file,
    kind: 'compose',
    name: `services.${name}`,
    workload: `services.${name}`,
    raw: reader.written(anchor) ?? name,
    ...position,
    user: reader.string(mapGet(service, 'user')),
    privileged: reader.boolean(mapGet(service, 'privileged')),
    addedCapabilities: seqItems(mapGet(service, 'cap_add')).flatMap((node) => reader.string(node) ?? []),
    hostNamespaces,
    hostPaths: seqItems(mapGet(service, 'volumes')).flatMap((volume) => bindSource(volume, reader) ?? []),
    cpuLimit: reader.string(mapGet(limits, 'cpus')) ?? reader.string(mapGet(service, 'cpus')),
    memoryLimit: reader.string(mapGet(limits, 'memory')) ?? reader.string(mapGet(service, 'mem_limit')),
  };
}

/** The host path of a bind mount; named volumes (`data:/var/lib/x`) are not host paths. */
function bindSource(volume: unknown, reader: SettingReader): WrittenSetting<string> | undefined {
  if (isMap(volume)) {
    if (scalarString(mapGet(volume, 'type')) !== 'bind') return undefined;
    return reader.string(mapGet(volume, 'source'));
  }
  const written = reader.string(volume);
  if (!written) return undefined;
  const colon = written.value.indexOf(':');
  const source = colon < 0 ? written.value : written.value.slice(0, colon);
  if (!source.startsWith('/')) return undefined;
  return { ...written, value: source };
}
