/**
 * Jenkins pipelines: `Jenkinsfile`, `Jenkinsfile.<name>`, `<name>.Jenkinsfile`, `*jenkinsfile*.groovy`
 * and `jenkins/*.groovy`. Read from Groovy tokens (groovy-lex.ts), not parsed: the images of a
 * declarative `agent { docker { image '...' } }` or `agent { docker '...' }`, of the Docker Pipeline
 * plugin's `docker.image(...)` and the `withDockerContainer` step, of the Kubernetes plugin's
 * `containerTemplate` and the pod YAML an `agent { kubernetes { yaml '''...''' } }` or a
 * `podTemplate(yaml: ...)` holds. `agent { dockerfile ... }` and `docker.build(...)` build an image
 * from a Dockerfile (read as a Dockerfile in its own right): no image to check; a `docker.image(...)`
 * of a name the file builds, or one it pushes, is marked local. Inside `docker.withRegistry(url)`
 * (and with a declarative `registryUrl`) the plugin pulls a name without a registry from that URL's
 * host, as its `DockerRegistryEndpoint.imageName` does. Values come from jenkinsfile-values.ts.
 */
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import { LineIndex } from './position.js';
import { makeOccurrence } from './occurrence.js';
import { baseName, dirName } from './image-site.js';
import { lexGroovy, type GroovyToken } from './groovy-lex.js';
import { GroovyValues, type GroovyValue, type TokenRange } from './jenkinsfile-values.js';
import { findSites, firstArgument, matchBrackets, framesOf, type ImageSite } from './jenkinsfile-sites.js';
import { embeddedPodImages } from './jenkinsfile-pod.js';
import { shStepImages } from './jenkinsfile-scripts.js';

/** Names of files that are not pipelines although they are named after one (`Jenkinsfile.md`). */
const NOT_GROOVY = ['.md', '.txt', '.rst', '.adoc', '.html', '.json', '.yml', '.yaml', '.xml', '.png', '.svg', '.bak', '.orig', '.j2'];
/** Hosts of Docker Hub, where the plugin's prefix changes nothing. */
const DOCKER_HUB_HOSTS = new Set(['index.docker.io', 'registry.hub.docker.com', 'registry-1.docker.io', 'docker.io', 'hub.docker.com']);

/**
 * `Jenkinsfile`, `Jenkinsfile.<name>` / `Jenkinsfile_<name>` / `Jenkinsfile-<name>` (not a document
 * named after one), `<name>.Jenkinsfile`, a `.groovy` file named for a Jenkinsfile or in a `jenkins/`
 * directory. Plain string tests: this runs on every path of the repository.
 */
export function isJenkinsfilePath(path: string): boolean {
  const lower = baseName(path).toLowerCase();
  if (lower.endsWith('.groovy')) {
    const directory = baseName(dirName(path));
    return lower.includes('jenkinsfile') || directory === 'jenkins' || directory === '.jenkins';
  }
  if (lower.endsWith('.jenkinsfile') || lower === 'jenkinsfile') return true;
  const separator = lower.charAt('jenkinsfile'.length);
  return lower.startsWith('jenkinsfile') && (separator === '.' || separator === '_' || separator === '-') && !NOT_GROOVY.some((extension) => lower.endsWith(extension));
}

/** Whether a name or value's first component names a registry (`gcr.io/x`, `localhost:5000/x`). */
function hasRegistry(image: string): boolean {
  const slash = image.indexOf('/');
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** The host (and port) of a registry URL as the plugin takes it; '' for none or Docker Hub. */
function registryHost(url: string): string {
  let rest = url.trim();
  const scheme = rest.indexOf('://');
  if (scheme >= 0) rest = rest.slice(scheme + 3);
  const slash = rest.indexOf('/');
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const bare = host.endsWith(':443') ? host.slice(0, -4) : host;
  return DOCKER_HUB_HOSTS.has(bare) ? '' : bare;
}

/** The registry URL a site's image is pulled from: a declarative `registryUrl`, else the innermost `docker.withRegistry`. */
function registryOf(tokens: readonly GroovyToken[], site: ImageSite): TokenRange | undefined {
  if (site.registry) return site.registry;
  for (let frame = site.frame; frame; frame = frame.parent) {
    if (frame.name === 'withRegistry' && frame.qualifier === 'docker' && frame.args) return firstArgument(tokens, frame.args);
  }
  return undefined;
}

function withRegistry(values: GroovyValues, tokens: readonly GroovyToken[], site: ImageSite, value: GroovyValue): { value: GroovyValue; note?: string } {
  const registry = registryOf(tokens, site);
  if (registry === undefined || typeof value !== 'string' || hasRegistry(value.trim())) return { value };
  const url = values.evaluate(registry);
  if (typeof url !== 'string') return { value: { unresolved: `pulled from the registry ${values.sourceOf(registry)} names, unknown here: ${url.unresolved}` } };
  const host = registryHost(url);
  const named = site.registry ? 'the registryUrl of its docker agent' : 'the registry docker.withRegistry names';
  return host === '' ? { value } : { value: `${host}/${value.trim()}`, note: `pulled from ${host}, ${named}` };
}

export const jenkinsfileDiscoverer: Discoverer = {
  kind: 'jenkinsfile',
  matches: isJenkinsfilePath,
  extract(file: SourceFile): Extraction {
    const tokens = lexGroovy(file.text);
    const lines = new LineIndex(file.text);
    const brackets = matchBrackets(tokens);
    const frames = framesOf(tokens, brackets);
    const values = new GroovyValues(tokens, file.text);
    const { sites, built, pods } = findSites(tokens, brackets, frames, values);
    const occurrences: Occurrence[] = sites.map((site) => siteOccurrence(file, lines, tokens, values, site, built));
    occurrences.push(...shStepImages(file, lines, tokens, values));
    const notes: string[] = [];
    for (const pod of pods) {
      const embedded = embeddedPodImages(file, lines, tokens, pod, (text) => values.interpolate(text, 0), values.sourceOf(pod.range));
      occurrences.push(...embedded.occurrences);
      notes.push(...embedded.notes);
    }
    return { occurrences, notes };
  },
};

function siteOccurrence(file: SourceFile, lines: LineIndex, tokens: readonly GroovyToken[], values: GroovyValues, site: ImageSite, built: Set<string>): Occurrence {
  const first = tokens[site.range.start];
  const only = site.range.end === site.range.start + 1 && first.type === 'string';
  // A lone string points at its content; any other expression at its first token, its text on that line.
  const offset = only ? first.contentStart! : first.start;
  const last = tokens[site.range.end - 1];
  let raw = only ? first.text : file.text.slice(first.start, last.end);
  const newline = raw.indexOf('\n');
  if (newline >= 0) raw = raw.slice(0, newline);
  const evaluated = values.evaluate(site.range);
  const { value, note } = withRegistry(values, tokens, site, typeof evaluated === 'string' ? evaluated.trim() : evaluated);
  const local = site.pushed === true || (typeof evaluated === 'string' && built.has(evaluated.trim()));
  return makeOccurrence({ file: file.path, kind: 'jenkinsfile', lines, offset, raw, value, context: site.context, local: local || undefined, note: local ? 'built or pushed by this pipeline' : note });
}
