/**
 * `privileged`: settings that hand a container the host. Kubernetes `privileged: true`,
 * `allowPrivilegeEscalation: true`, dangerous added capabilities, `hostPID`/`hostIPC`/`hostNetwork`,
 * sensitive `hostPath` mounts; compose `privileged: true`, `cap_add`, `network_mode`/`pid`/`ipc:
 * host`, a bind mount of the Docker socket or another sensitive path; the same in a Nomad task's
 * docker or podman `config` (`privileged`, `cap_add`, `network_mode`/`pid_mode`/`ipc_mode`, `volumes`,
 * bind `mount`). Each at the line to change.
 */
import type { ContainerConfig } from '../model.js';
import { draftAt, isDangerousCapability, isSensitiveHostPath, oncePerPlace } from './least-privilege.js';
import type { Check, FindingDraft } from './types.js';

export const privilegedCheck: Check = {
  rule: 'privileged',
  run(_occurrences, context) {
    return oncePerPlace((context.containers ?? []).flatMap((container) => privilegeDrafts(container)));
  },
};

function privilegeDrafts(container: ContainerConfig): FindingDraft[] {
  const drafts: FindingDraft[] = [];
  const { name } = container;
  if (container.privileged?.value === true) {
    drafts.push(draftAt(container, container.privileged, `${name} is privileged: it has every capability and the host's devices`));
  }
  if (container.allowPrivilegeEscalation?.value === true) {
    drafts.push(draftAt(container, container.allowPrivilegeEscalation, `${name} allows privilege escalation (setuid binaries can gain root)`));
  }
  for (const capability of container.addedCapabilities) {
    if (isDangerousCapability(capability.value)) drafts.push(draftAt(container, capability, `${name} adds the capability ${capability.value}`));
  }
  for (const namespace of container.hostNamespaces) {
    drafts.push(draftAt(container, namespace, `${container.workload} shares the host's namespace (${namespace.value})`));
  }
  for (const hostPath of container.hostPaths) {
    if (isSensitiveHostPath(hostPath.value)) drafts.push(draftAt(container, hostPath, `${container.workload} mounts the host's ${hostPath.value}`));
  }
  return drafts;
}
