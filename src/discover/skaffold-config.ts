/**
 * Skaffold configurations (`skaffold.yaml`, any YAML whose documents are `apiVersion: skaffold/…`,
 * `kind: Config`), as far as their images go: the sections of a config (its top level and each
 * profile), the images its `build.artifacts` build, and the manifests its deployers and renderers
 * deploy (`deploy.kubectl.manifests` and `manifests.rawYaml` globs, `deploy.kustomize.paths` and
 * `manifests.kustomize.paths` directories). Shared by the Skaffold reader (skaffold.ts) and the
 * manifest reader (skaffold-builds.ts: which images of a deployed manifest Skaffold builds).
 */
import type { Document } from 'yaml';
import { baseName, listItems, mergedGet } from './image-site.js';
import { scalarString } from './yaml.js';

/** Profiles read per config: each is one more section to read. */
const MAX_PROFILES = 100;

/** Whether a path is named as Skaffold's configurations usually are (`skaffold.yaml`, `skaffold-dev.yml`). */
export function isSkaffoldName(path: string): boolean {
  const name = baseName(path).toLowerCase();
  return name.startsWith('skaffold') && (name.endsWith('.yaml') || name.endsWith('.yml'));
}

/** A top-level `apiVersion: skaffold/…` line (quoted or not): linear, anchored at a line start. */
const SKAFFOLD_API_VERSION = /^apiVersion:[ \t]*["']?skaffold\//m;

/** Whether a YAML text holds a Skaffold configuration. */
export function hasSkaffoldApiVersion(text: string): boolean {
  return SKAFFOLD_API_VERSION.test(text);
}

/** Whether a parsed document is a Skaffold configuration. */
export function isSkaffoldDocument(document: Document.Parsed): boolean {
  return scalarString(mergedGet(document, document.contents, 'apiVersion'))?.startsWith('skaffold/') === true;
}

/** The top level, or one profile: each may build artifacts and deploy manifests. */
export interface SkaffoldSection {
  node: unknown;
  /** The YAML path of the section, '' at the top level, `profiles[1].` for a profile. */
  prefix: string;
}

export function skaffoldSections(document: Document.Parsed): SkaffoldSection[] {
  const sections: SkaffoldSection[] = [{ node: document.contents, prefix: '' }];
  listItems(document, mergedGet(document, document.contents, 'profiles'))
    .slice(0, MAX_PROFILES)
    .forEach((profile, index) => sections.push({ node: profile, prefix: `profiles[${index}].` }));
  return sections;
}

/** One artifact of a section's `build.artifacts`, with its node. */
export interface SkaffoldArtifact {
  node: unknown;
  image?: unknown;
  context: string;
}

export function sectionArtifacts(document: Document.Parsed, section: SkaffoldSection): SkaffoldArtifact[] {
  const build = mergedGet(document, section.node, 'build');
  return listItems(document, mergedGet(document, build, 'artifacts')).map((node, index) => ({
    node,
    image: mergedGet(document, node, 'image'),
    context: `${section.prefix}build.artifacts[${index}]`,
  }));
}

/** The image names a config's artifacts build, in every section, as written. */
export function builtImageNames(document: Document.Parsed): string[] {
  const names: string[] = [];
  for (const section of skaffoldSections(document)) {
    for (const artifact of sectionArtifacts(document, section)) {
      const name = scalarString(artifact.image)?.trim();
      if (name) names.push(name);
    }
  }
  return names;
}

/** What a config deploys, relative to its directory: manifest globs, kustomization directories and local charts. */
export interface SkaffoldDeploys {
  manifestGlobs: string[];
  kustomizeDirectories: string[];
  chartDirectories: string[];
}

/** Skaffold's default when a config names no deployer and no renderer: kubectl over `k8s/*.yaml`. */
const DEFAULT_MANIFESTS = 'k8s/*.yaml';

export function deployedPaths(document: Document.Parsed): SkaffoldDeploys {
  const deploys: SkaffoldDeploys = { manifestGlobs: [], kustomizeDirectories: [], chartDirectories: [] };
  const strings = (node: unknown): string[] => listItems(document, node).flatMap((item) => scalarString(item)?.trim() || []);
  const sections = skaffoldSections(document);
  for (const { node } of sections) {
    const deploy = mergedGet(document, node, 'deploy');
    const manifests = mergedGet(document, node, 'manifests');
    deploys.manifestGlobs.push(...strings(mergedGet(document, mergedGet(document, deploy, 'kubectl'), 'manifests')));
    deploys.manifestGlobs.push(...strings(mergedGet(document, manifests, 'rawYaml')));
    deploys.kustomizeDirectories.push(...strings(mergedGet(document, mergedGet(document, deploy, 'kustomize'), 'paths')));
    deploys.kustomizeDirectories.push(...strings(mergedGet(document, mergedGet(document, manifests, 'kustomize'), 'paths')));
    // Skaffold 2 post-renders a release's manifests, replacing the images it built wherever the chart writes them.
    for (const helm of [mergedGet(document, deploy, 'helm'), mergedGet(document, manifests, 'helm')]) {
      for (const release of listItems(document, mergedGet(document, helm, 'releases'))) {
        const chart = scalarString(mergedGet(document, release, 'chartPath'))?.trim();
        if (chart) deploys.chartDirectories.push(chart);
      }
    }
  }
  const top = sections[0].node;
  if (mergedGet(document, top, 'deploy') === undefined && mergedGet(document, top, 'manifests') === undefined) deploys.manifestGlobs.push(DEFAULT_MANIFESTS);
  return deploys;
}
