/**
 * A directory's kustomization file: the names kustomize reads it from, in kustomize's order. Shared
 * by the Kustomize reader, the manifest reader (which leaves these files alone) and the Helm values
 * reader (values files a kustomization inflates a chart with).
 */
import type { DiscoverContext } from './types.js';

const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Whether a path names a kustomization file. */
export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(path.slice(path.lastIndexOf('/') + 1));
}

/** The text of the kustomization in `directory` ('' for the root), the first of its names present; undefined when none is. */
export async function readKustomization(context: DiscoverContext, directory: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const text = await context.readFile(directory === '' ? name : `${directory}/${name}`);
    if (text !== undefined) return text;
  }
  return undefined;
}
