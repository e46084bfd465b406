/**
 * Gitpod (`.gitpod.yml`): the workspace runs in the image `image:` names. Written as a map
 * (`image: {file: .gitpod.Dockerfile}`), the workspace image is built from that Dockerfile, which
 * the Dockerfile reader reads; Gitpod's default image, used when none is written, is not written here.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments } from './image-site.js';
import { isNamed } from './file-names.js';
import type { LineIndex } from './position.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';

/** `.gitpod.yml` in any directory (Gitpod reads the one at the root; others are examples or templates the repository ships). */
function isGitpodPath(path: string): boolean {
  return isNamed(path, '.gitpod.yml') || isNamed(path, '.gitpod.yaml');
}

function workspaceImage(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const node = mergedGet(document, document.contents, 'image');
  return occurrencesAtScalar({ file: file.path, kind: 'gitpod', text: file.text, lines, node, context: 'image' });
}

export const gitpodDiscoverer: Discoverer = {
  kind: 'gitpod',
  matches(path) {
    return isGitpodPath(path);
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), workspaceImage);
  },
};
