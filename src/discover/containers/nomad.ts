/**
 * Container configurations of Nomad tasks that run images: the task's `user`, and its driver
 * `config`'s `privileged`, `cap_add`, host namespaces (`network_mode`, `pid_mode`, `ipc_mode` set to
 * host) and host paths (`volumes = ["/src:/dst"]`, `mount { type = "bind" source = "/src" }`).
 * Nomad gives every task CPU and memory limits of its own (`resources`, 100 MHz and 300 MB by
 * default), so limits are not read.
 */
import type { ContainerConfig, WrittenSetting } from '../../model.js';
import type { HclBlock, HclToken } from '../hcl.js';

import type { LineIndex } from '../position.js';
import type { SourceFile } from '../types.js';

/** A task that runs an image: its block, its driver `config`, its `image` expression, and its path (`job.web.group.app.task.web`). */
export interface NomadTask {
  task: HclBlock;
  config: HclBlock;
  image: HclToken[];
  path: string;
}

const HOST_NAMESPACE_KEYS = ['network_mode', 'pid_mode', 'ipc_mode'];

/** One literal token of an attribute (a string or a word such as `true`), at its place in the file. */
function setting(file: SourceFile, lines: LineIndex, token: HclToken | undefined): WrittenSetting<string> | undefined {
  if (token?.kind === 'string') {
    const raw = file.text.slice(token.start + 1, token.end - 1);
    return { value: raw, raw, ...lines.positionAt(token.start + 1) };
  }
  if (token?.kind === 'word') return { value: token.text, raw: token.text, ...lines.positionAt(token.start) };
  return undefined;
}

/** The single literal an attribute is, or undefined for an expression. */
function single(file: SourceFile, lines: LineIndex, tokens: HclToken[] | undefined): WrittenSetting<string> | undefined {
  return tokens?.length === 1 ? setting(file, lines, tokens[0]) : undefined;
}

/** The string items of a list attribute (`["a", "b"]`). */
function listStrings(file: SourceFile, lines: LineIndex, tokens: HclToken[] | undefined): Array<WrittenSetting<string>> {
  return (tokens ?? []).filter((token) => token.kind === 'string').flatMap((token) => setting(file, lines, token) ?? []);
}

/** Host paths: an absolute source of a `volumes` entry, or of a bind `mount` block. */
function hostPaths(file: SourceFile, lines: LineIndex, config: HclBlock): Array<WrittenSetting<string>> {
  const paths: Array<WrittenSetting<string>> = [];
  for (const volume of listStrings(file, lines, config.attributes.get('volumes'))) {
    const colon = volume.value.indexOf(':');
    const source = colon < 0 ? volume.value : volume.value.slice(0, colon);
    if (source.startsWith('/')) paths.push({ ...volume, value: source });
  }
  for (const mount of config.blocks.filter((block) => block.type === 'mount')) {
    const source = single(file, lines, mount.attributes.get('source'));
    if (single(file, lines, mount.attributes.get('type'))?.value === 'bind' && source?.value.startsWith('/')) paths.push(source);
  }
  return paths;
}

function taskConfig(file: SourceFile, lines: LineIndex, { task, config, image, path }: NomadTask): ContainerConfig {
  const anchor = image[0] ?? { kind: 'word', text: task.type, start: task.start, end: task.start + task.type.length };
  const position = setting(file, lines, anchor) ?? { raw: task.type, ...lines.positionAt(task.start) };
  const privileged = single(file, lines, config.attributes.get('privileged'));
  const hostNamespaces: Array<WrittenSetting<string>> = [];
  for (const key of HOST_NAMESPACE_KEYS) {
    const mode = single(file, lines, config.attributes.get(key));
    if (mode?.value === 'host') hostNamespaces.push({ ...mode, value: `${key} = "host"` });
  }
  return {
    file: file.path,
    kind: 'nomad',
    name: path,
    workload: path,
    raw: position.raw,
    line: position.line,
    column: position.column,
    user: single(file, lines, task.attributes.get('user')),
    privileged: privileged && (privileged.value === 'true' || privileged.value === 'false') ? { ...privileged, value: privileged.value === 'true' } : undefined,
    addedCapabilities: listStrings(file, lines, config.attributes.get('cap_add')),
    hostNamespaces,
    hostPaths: hostPaths(file, lines, config),
  };
}

/** The container configurations of the tasks of a Nomad job file that run images. */
export function nomadContainers(file: SourceFile, tasks: readonly NomadTask[], lines: LineIndex): ContainerConfig[] {
  return tasks.map((task) => taskConfig(file, lines, task));
}
