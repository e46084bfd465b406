/**
 * `runs-as-root`: a container that runs as root according to what the repository says. Dockerfile:
 * the final stage has no `USER` (none inherited from an earlier stage, no `nonroot` base tag), or
 * the last is root (hadolint DL3002). Kubernetes: the effective security context (container over
 * pod) neither sets `runAsNonRoot: true` nor a non-zero `runAsUser`, or sets `runAsUser: 0`
 * (kube-linter run-as-non-root). Compose, Nomad, Ansible, ECS container definitions and
 * Terraform's `docker_container`: a `user` of root or `"0"`.
 */
import type { ContainerConfig } from '../model.js';
import { draftAt, isRootUser, oncePerPlace } from './least-privilege.js';
import type { Check, FindingDraft } from './types.js';

export const runsAsRootCheck: Check = {
  rule: 'runs-as-root',
  run(_occurrences, context) {
    return oncePerPlace((context.containers ?? []).flatMap((container) => rootDrafts(container)));
  },
};

function rootDrafts(container: ContainerConfig): FindingDraft[] {
  switch (container.kind) {
    case 'dockerfile':
      return dockerfileDrafts(container);
    case 'compose':
    case 'nomad':
    case 'ansible':
    case 'terraform':
    case 'ecs-task-definition':
      return container.user && isRootUser(container.user.value)
        ? [draftAt(container, container.user, `${container.name} runs as root (user: ${container.user.value}); set a non-root user`)]
        : [];
    case 'kubernetes':
      return kubernetesDrafts(container);
  }
}

function dockerfileDrafts(container: ContainerConfig): FindingDraft[] {
  const { user } = container;
  if (user) {
    return isRootUser(user.value)
      ? [draftAt(container, user, `the last USER of the ${container.name} is ${user.value}, so the container runs as root; switch to a non-root user after the steps that need root`)]
      : [];
  }
  if (container.nonRootBase) return [];
  return [draftAt(container, undefined, `the ${container.name} sets no USER, so the container runs as root unless its base image says otherwise; add a USER with a non-root user`)];
}

function kubernetesDrafts(container: ContainerConfig): FindingDraft[] {
  const { runAsUser, runAsNonRoot } = container;
  if (runAsUser?.value === 0) return [draftAt(container, runAsUser, `${container.name} runs as root (runAsUser: 0)`)];
  if (runAsNonRoot?.value === true || (runAsUser !== undefined && runAsUser.value > 0)) return [];
  const why = runAsNonRoot?.value === false ? 'runAsNonRoot is false' : 'neither runAsNonRoot: true nor a non-zero runAsUser is set in its or its pod\'s securityContext';
  return [draftAt(container, runAsNonRoot, `${container.name} may run as root: ${why}`)];
}
