/**
 * Molecule scenarios (`molecule/<scenario>/molecule.yml`, the shared `.config/molecule/config.yml`):
 * the container each test platform runs in, `platforms[].image`, when the driver runs containers
 * (docker, podman, or none named, as Ansible roles' scenarios mostly leave it). Molecule fills in
 * `${VAR}` and `${VAR:-default}` from the environment it runs in; a default is what runs when the
 * variable is unset (a role's CI usually sets it per job), a variable without one is unresolved.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { interpolateCompose } from './compose.js';
import { isNamed } from './file-names.js';
import { listItems, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageResolver } from './image-site.js';
import type { LineIndex } from './position.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import { scalarString } from './yaml.js';

/** Drivers whose platforms are containers; others (ec2, azure, vagrant...) name machine images. */
const CONTAINER_DRIVERS = new Set(['docker', 'podman', 'containers', 'default', 'delegated']);

function isMoleculePath(path: string): boolean {
  return isNamed(path, 'molecule.yml') || isNamed(path, 'molecule.yaml') || isNamed(path, '.config/molecule/config.yml');
}

const environmentResolver: ImageResolver = (text) => {
  if (!text.includes('$')) return [{ value: text }];
  const interpolated = interpolateCompose(text, () => undefined);
  if (!interpolated.ok) return [{ value: { unresolved: `${interpolated.message}: Molecule takes it from the environment it runs in` } }];
  return [{ value: interpolated.value, note: 'with the defaults its ${} variables take when the environment does not set them' }];
};

function platformImages(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const driver = scalarString(mergedGet(document, mergedGet(document, document.contents, 'driver'), 'name'));
  if (driver !== undefined && !CONTAINER_DRIVERS.has(driver)) return [];
  return listItems(document, mergedGet(document, document.contents, 'platforms')).flatMap((platform, index) =>
    occurrencesAtScalar({ file: file.path, kind: 'molecule', text: file.text, lines, node: mergedGet(document, platform, 'image'), context: `platforms[${index}].image`, resolve: environmentResolver }),
  );
}

export const moleculeDiscoverer: Discoverer = {
  kind: 'molecule',
  matches(path) {
    return isMoleculePath(path);
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), platformImages);
  },
};
