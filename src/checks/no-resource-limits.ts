/**
 * `no-resource-limits`: a container without CPU or memory limits can starve its neighbours
 * (kube-linter unset-cpu-requirements / unset-memory-requirements). Kubernetes containers
 * (ephemeral containers cannot have limits), and compose services (`deploy.resources.limits`,
 * `mem_limit`, `cpus`) of files that deploy (some service has `deploy:`): a local development
 * stack is not asked for limits. Dockerfiles set no limits and are not judged.
 */
import type { ContainerConfig } from '../model.js';
import { draftAt } from './least-privilege.js';
import type { Check, FindingDraft } from './types.js';

export const noResourceLimitsCheck: Check = {
  rule: 'no-resource-limits',
  run(_occurrences, context) {
    return (context.containers ?? []).flatMap((container) => limitDrafts(container));
  },
};

function limitDrafts(container: ContainerConfig): FindingDraft[] {
  // Nomad sets a task's CPU and memory itself when `resources` does not; Ansible, ECS and Terraform containers are read only for privilege.
  if (container.kind !== 'kubernetes' && container.kind !== 'compose') return [];
  if (container.role === 'ephemeral') return [];
  if (container.kind === 'compose' && !container.deploys) return [];
  const missing = [container.cpuLimit ? undefined : 'CPU', container.memoryLimit ? undefined : 'memory'].filter((part) => part !== undefined);
  if (missing.length === 0) return [];
  const where = container.kind === 'kubernetes' ? 'resources.limits' : 'deploy.resources.limits (or mem_limit, cpus)';
  return [draftAt(container, undefined, `${container.name} has no ${missing.join(' or ')} limit; set ${where}`)];
}
