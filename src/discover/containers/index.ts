/**
 * Container configurations of the files discovery already read, for the least-privilege rules:
 * one reader per kind that configures containers. Never throws: a file it cannot read yields
 * nothing here (its images are still reported by the discoverer, or it is `file-not-scanned`).
 */
import type { ContainerConfig, Kind } from '../../model.js';
import type { SourceFile } from '../types.js';
import { composeContainers } from './compose.js';
import { dockerfileContainers } from './dockerfile.js';
import { kubernetesContainers } from './kubernetes.js';

const READERS: Partial<Record<Kind, (file: SourceFile) => ContainerConfig[]>> = {
  dockerfile: dockerfileContainers,
  compose: composeContainers,
  kubernetes: kubernetesContainers,
};

export function containerConfigs(kind: Kind, file: SourceFile): ContainerConfig[] {
  const read = READERS[kind];
  if (!read) return [];
  try {
    return read(file);
  } catch {
    return [];
  }
}
