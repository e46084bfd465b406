/**
 * Google Cloud Build: `cloudbuild.yaml`/`.yml`/`.json` and `<name>.cloudbuild.yaml`. Each step's `name` is the builder image it
 * runs. `images:` lists what the build pushes: those are built here, so they are reported with
 * `local: true` (their names are still checked, e.g. for typosquats, but not pinning or signatures).
 * `$_VAR`/`${_VAR}` (and the bash-style operations, see cloudbuild-substitutions.ts) come from the
 * file's `substitutions`; built-in substitutions such as `$PROJECT_ID` exist only when the build runs.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { scalarString } from './yaml.js';
import { expandSubstitutions } from './cloudbuild-substitutions.js';
import { baseName, listItems, mapPairs, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments, type ImageValue } from './image-site.js';

/** `cloudbuild.yaml`, and `<name>.cloudbuild.yaml` as Google's samples name their other build configs (`test.cloudbuild.yaml`). */
const BUILD_FILE = /^cloudbuild\.(?:ya?ml|json)$/;

function resolverFor(substitutions: Map<string, string>): (text: string) => ImageValue[] {
  return (text) => [expandSubstitutions(text, substitutions)];
}

function buildOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const substitutions = new Map<string, string>();
  for (const [name, value] of mapPairs(document, mergedGet(document, document.contents, 'substitutions'))) {
    const text = scalarString(value);
    if (text !== undefined && name.startsWith('_')) substitutions.set(name, text);
  }
  const resolve = resolverFor(substitutions);
  const site = (node: unknown, context: string, local?: boolean) =>
    occurrencesAtScalar({
      file: file.path,
      kind: 'cloudbuild',
      text: file.text,
      lines,
      node,
      context,
      resolve,
      local,
      note: local ? 'pushed by this build (built here)' : undefined,
    });
  const occurrences: Occurrence[] = [];
  listItems(document, mergedGet(document, document.contents, 'steps')).forEach((step, index) => {
    occurrences.push(...site(mergedGet(document, step, 'name'), `steps[${index}].name`));
  });
  listItems(document, mergedGet(document, document.contents, 'images')).forEach((image, index) => {
    occurrences.push(...site(image, `images[${index}]`, true));
  });
  return occurrences;
}

export const cloudbuildDiscoverer: Discoverer = {
  kind: 'cloudbuild',
  matches(path) {
    const name = baseName(path);
    const suffix = name.indexOf('.cloudbuild.');
    return BUILD_FILE.test(name) || (suffix > 0 && BUILD_FILE.test(name.slice(suffix + 1)));
  },
  extract(file: SourceFile): Extraction {
    // JSON is YAML, and the YAML parser keeps the positions.
    return occurrencesOfDocuments(file, parseConfigDocuments(file, file.path.endsWith('.json') ? 'JSON' : 'YAML'), buildOccurrences);
  },
};
