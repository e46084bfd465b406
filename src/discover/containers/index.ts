/**
 * Container configurations for the least-privilege rules, read by the discoverers of the kinds that
 * configure containers (Dockerfiles, compose files, Kubernetes manifests, Nomad jobs, Ansible tasks) from the parse they already
 * made. Never throws: a file whose settings cannot be read yields none here (its images are still
 * reported by the discoverer, or it is `file-not-scanned`).
 */
import type { ContainerConfig } from '../../model.js';
import type { Extraction } from '../types.js';

export { composeContainers } from './compose.js';
export { dockerfileContainers } from './dockerfile.js';
export { kubernetesContainers } from './kubernetes.js';
export { nomadContainers, type NomadTask } from './nomad.js';
export { ansibleContainers, type AnsibleContainerTask } from './ansible.js';

/** The extraction with the containers `read` returns; unchanged when there are none or `read` throws. */
export function withContainers(extraction: Extraction, read: () => ContainerConfig[]): Extraction {
  let containers: ContainerConfig[];
  try {
    containers = read();
  } catch {
    return extraction;
  }
  return containers.length > 0 ? { ...extraction, containers } : extraction;
}
