/**
 * What the least-privilege rules share: findings anchored at a container or at the setting to
 * change, and one finding per place (a pod-level setting shared by several containers is reported
 * once, at the line that sets it).
 */
import type { ContainerConfig, Position, WrittenSetting } from '../model.js';
import type { FindingDraft } from './types.js';

/** A draft at a written setting, or at the container when the setting is missing. */
export function draftAt(container: ContainerConfig, at: (WrittenSetting<unknown> & Position) | undefined, message: string): FindingDraft {
  const place = at ?? container;
  return { occurrence: { file: container.file, line: place.line, column: place.column, reference: null, raw: place.raw }, message };
}

/** Drafts with the same place and message once. */
export function oncePerPlace(drafts: FindingDraft[]): FindingDraft[] {
  const seen = new Set<string>();
  return drafts.filter((draft) => {
    const key = `${draft.occurrence.file}\n${draft.occurrence.line}\n${draft.occurrence.column}\n${draft.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `root`, `0`, `root:root`, `0:0`, `root:somegroup`: the user part names uid 0. */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0].trim();
  return name === 'root' || name === '0';
}

/** Host paths whose mount hands a container the host: its root, the container runtime, kernel and config trees. */
const SENSITIVE_HOST_PATHS = [
  '/',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/root',
  '/boot',
  '/var/run',
  '/run',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
];

/** Whether mounting `path` from the host exposes the host (the path itself, or a runtime socket below /run). */
export function isSensitiveHostPath(path: string): boolean {
  let trimmed = path;
  while (trimmed.length > 1 && trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  return SENSITIVE_HOST_PATHS.includes(trimmed) || trimmed.endsWith('.sock');
}

/** Capabilities that amount to root on the host or its network (kube-linter, Checkov and Trivy agree on these). */
const DANGEROUS_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF', 'SYS_BOOT']);

/** `CAP_SYS_ADMIN`, `sys_admin` and `SYS_ADMIN` name the same capability. */
export function isDangerousCapability(name: string): boolean {
  const upper = name.toUpperCase();
  return DANGEROUS_CAPABILITIES.has(upper.startsWith('CAP_') ? upper.slice(4) : upper);
}
