/**
 * Kubernetes manifests: any YAML (block or flow style) or JSON file whose documents carry `apiVersion`
 * and `kind` at their top level. Owns where images sit
 * in workload kinds (pod specs and pod templates), in Tekton and Argo Workflows resources, and the
 * generic rule for other custom resources (a `containers`/`initContainers` list of named containers,
 * or one container map under `container`).
 */
import { isAlias, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import { chartRootOfTemplate, hasTemplatesSegment } from './helm-chart.js';
import { extractChartFileTemplate } from './helm-templates.js';
import { imagesInValuesTree, valueOccurrence } from './helm-values.js';
import { releaseValuesImages, type FluxRelease } from './flux-values-from.js';
import { argoValueFilesImages, chartRootOf, valueFilePath, type ArgoValueFile } from './argo-value-files.js';
import { MergedValues } from './helm-values-merge.js';
import { kubernetesContainers, withContainers } from './containers/index.js';
import { withDevfileDeployment } from './devfile-builds.js';
import { withSkaffoldBuilds } from './skaffold-builds.js';
import { settingsRendered } from './jinja-branches.js';
import { isKustomizationFile, readKustomization } from './kustomization-file.js';
import { makeOccurrence } from './occurrence.js';
import { operatorImageFields } from './operator-images.js';
import { PARAMETER_DEFAULTS_NOTE, processParameters, templateParameters, type TemplateParameter } from './openshift-template.js';
import { isPatchOperation, patchTarget, setsValue } from './json-patch.js';
import { CONTAINER_LIST_KEYS, ISTIO_INJECTED_NOTE, OPERATOR_CONTAINER_LIST_KEYS, podSpecPathOf, isIstioInjectedProxy } from './pod-spec.js';
import { LineIndex } from './position.js';
import { celImageLiterals, imageFlag, imageListEntries, isImageFlagName, isImageListVariable, isImageSettingName, isImageVariable, isOneReference, isRegistryQualifiedReference } from './handed-images.js';
import { expressionNote, templateByContent, lineByLineNote, readUnparsed, templateFileOf, withoutTemplateSuffix, type TemplateFile, type UnparsedPart } from './template-file.js';
import { PLACEHOLDER_MARK, TEMPLATE_ACTION_MARK, maskAtPlaceholders, maskPlaceholderLines, maskTemplate } from './template-mask.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { aliasResolver, isMap, isScalar, isSeq, keyText, literalBlockText, mapGet, parseJsonStream, parseYamlDocuments, scalarLocation, scalarString, seqItems, type EmbeddedText } from './yaml.js';
import { enclosed, firstSpan } from '../spans.js';

/** Bounds per document: YAML aliases can turn a small file into an enormous tree. */
const MAX_NODES_VISITED = 100_000;
const MAX_ALIASES_FOLLOWED = 1_000;
const MAX_DEPTH = 64;
/** Keys of a Kyverno policy (kyverno.io) whose contents are patterns to match, not resources to run. */
const KYVERNO_PATTERN_KEYS: ReadonlySet<string> = new Set(['validate']);

/** One image written in a manifest, before it becomes an occurrence. */
interface ManifestImage {
  /** 0-based offset of `raw` in the file. */
  offset: number;
  raw: string;
  /** The scalar's value as YAML reads it (quotes and escapes undone), before any substitution. */
  text: string;
  /** The written text after substitution (Tekton parameter defaults, Argo parameters), or why it cannot be. */
  value: string | { unresolved: string };
  /** E.g. "spec.template.spec.containers[0].image". */
  context: string;
  note?: string;
  /** `helm` for a value of Helm values written in the object (one field of an image block, pinned apart). */
  kind?: 'helm';
}

export interface ManifestScan {
  images: ManifestImage[];
  /** How many Kubernetes objects (documents or List items with apiVersion and kind) were read. */
  objects: number;
  /** One message per document that failed to parse or was cut short by a bound. */
  errors: string[];
  /** The documents read (those the prefilter kept), for the container settings of the same file. */
  documents: Document.Parsed[];
  /** Flux HelmReleases whose values are merged from `spec.valuesFrom` (read by `withValuesFrom`). */
  releases: FluxRelease[];
  /** Values files Argo CD applications name in `helm.valueFiles` (read by `argoValueFilesImages`). */
  valueFiles: ArgoValueFile[];
  /** A template's documents that do not parse even masked (not in `errors`), the masked text, and the template. */
  unparsed: UnparsedPart[];
  masked?: string;
  template?: TemplateFile;
}

/** The key under which a custom resource writes one container (a map), where lists use CONTAINER_LIST_KEYS. */
const SINGLE_CONTAINER_KEY = 'container';

export const kubernetesDiscoverer: Discoverer = {
  kind: 'kubernetes',
  matches(path: string, text: string): boolean {
    // A template (`deployment.yml.j2`, `deployment.yaml.tmpl`) is a manifest when the file it renders is one.
    path = withoutTemplateSuffix(path);
    if (isKustomizationFile(path)) return false;
    // Cheap and permissive: the keys may be indented or quoted (flow-style YAML, JSON); `extract`
    // decides by parsing whether a document really is an object with apiVersion and kind.
    if (/\.ya?ml$/i.test(path)) return (YAML_API_VERSION_KEY.test(text) && YAML_KIND_KEY.test(text)) || mayBeImagePatch(text, YAML_PATCH_OPERATION) || mayHideKeys(text) || YAML_CATALOG_BUNDLE.test(text);
    if (/\.json$/i.test(path)) return (JSON_API_VERSION_KEY.test(text) && JSON_KIND_KEY.test(text)) || mayBeImagePatch(text, JSON_PATCH_OPERATION) || JSON_CATALOG_BUNDLE.test(text);
    return false;
  },
  candidate(path: string): boolean {
    path = withoutTemplateSuffix(path);
    return /\.(?:ya?ml|json)$/i.test(path) && !isKustomizationFile(path);
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const extraction = await kustomizationNamed(await extractManifest(file, context), file.path, context);
    // A devfile or a Skaffold config deploying this manifest may fill in its images or build some (devfile-builds.ts, skaffold-builds.ts).
    const occurrences = await withDevfileDeployment(file.path, extraction.occurrences, context);
    return withSkaffoldBuilds(file.path, occurrences === extraction.occurrences ? extraction : { ...extraction, occurrences }, context);
  },
};

/** A role's Jinja template's container settings without those of a branch its role's defaults switch off (jinja-branches.ts). */
async function withRenderedSettings(file: SourceFile, extraction: Extraction, context: DiscoverContext): Promise<Extraction> {
  if (extraction.containers === undefined) return extraction;
  const containers = await settingsRendered(file.path, file.text, new LineIndex(file.text), extraction.containers, context);
  return containers === extraction.containers ? extraction : { ...extraction, containers };
}

/** A manifest file's images, before the names its kustomization replaces are told apart (`kustomizationNamed`). */
async function extractManifest(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
  const template = templateFileOf(file.path);
  if (template?.dialect === 'jinja') return withRenderedSettings(file, await withValuesFrom(file, collectManifestImages(file.text, { template }), template.rendered, context), context);
  // Files under a chart's templates/ are Go templates, not YAML; the Helm discoverer reads them.
  if (hasTemplatesSegment(file.path) && (await chartRootOfTemplate(file.path, context)) !== undefined) {
    return { occurrences: [] };
  }
  // A chart's other YAML files with template actions (`conf/`, `crds/` rendered by `.Files.Get | tpl`).
  const chartFile = await extractChartFileTemplate(file, context);
  if (chartFile) return chartFile;
  if (template !== undefined) return withValuesFrom(file, collectManifestImages(file.text, { template }), template.rendered, context);
  const scan = collectManifestImages(file.text);
  // A template by its content is read as one, as if its name said so (`.j2`, `.tmpl`).
  const byContent = templateByContent(file.path, file.text, scan.errors.length > 0);
  return withValuesFrom(file, byContent === undefined ? scan : collectManifestImages(file.text, { template: byContent }), file.path, context);
}

/**
 * An image that is no reference but a name the kustomization beside the manifest replaces through
 * its `images:` (tektoncd/dashboard's `image: dashboardImage`, given `newName: ko://…` there) is
 * unresolved with that reason rather than invalid: what is deployed is what the kustomization
 * names, reported there. Names match as kustomize's image transformer matches them (the name,
 * then a tag or digest). Only files with an invalid image read the kustomization.
 */
async function kustomizationNamed(extraction: Extraction, path: string, context: DiscoverContext): Promise<Extraction> {
  if (!extraction.occurrences.some((occurrence) => occurrence.problem?.kind === 'invalid')) return extraction;
  const slash = path.lastIndexOf('/');
  const directory = slash < 0 ? '' : path.slice(0, slash);
  const text = await readKustomization(context, directory);
  const root = text === undefined ? undefined : parseYamlDocuments(text).documents[0]?.contents;
  const names = seqItems(mapGet(root, 'images')).map((entry) => scalarString(mapGet(entry, 'name'))).filter((name) => name !== undefined && name !== '');
  if (names.length === 0) return extraction;
  const kustomization = directory === '' ? 'the kustomization at the root' : `the kustomization in ${directory}/`;
  const replacing = (raw: string): string | undefined => names.find((name) => raw === name || raw.startsWith(`${name}:`) || raw.startsWith(`${name}@`));
  const occurrences = extraction.occurrences.map((occurrence): Occurrence => {
    const name = occurrence.problem?.kind === 'invalid' ? replacing(occurrence.resolved ?? occurrence.raw) : undefined;
    if (name === undefined) return occurrence;
    return { ...occurrence, problem: { kind: 'unresolved', message: `a name the images: of ${kustomization} replaces (name: ${name}), not an image itself` } };
  });
  return { ...extraction, occurrences };
}

/**
 * A manifest's occurrences, with the images of each HelmRelease's values merged from `spec.valuesFrom`
 * and of the values files Argo CD applications name in `helm.valueFiles` (in whichever file each is written). A value of `spec.values` is a Helm value even where it also
 * looks like a container (`template.spec.containers`): one occurrence there, as without `valuesFrom`.
 */
async function withValuesFrom(file: SourceFile, scan: ManifestScan, path: string, context: DiscoverContext): Promise<Extraction> {
  const extraction = manifestOccurrences(file, scan, path);
  const linesOf = new Map<string, LineIndex>();
  const merged: Occurrence[] = [];
  for (const release of scan.releases) {
    const { images, notes, exhausted } = await releaseValuesImages(release, file, context);
    for (const { file: written, image } of images) {
      const lines = linesOf.get(written) ?? new LineIndex((written === file.path ? file.text : await context.readFile(written)) ?? '');
      linesOf.set(written, lines);
      merged.push(valueOccurrence(written, lines, { ...image, value: placeholderCheck(image.value, TEMPLATE_ACTION_NOTE) }));
    }
    if (notes.length > 0) extraction.notes = [...(extraction.notes ?? []), ...notes];
    if (exhausted) extraction.errors = [...(extraction.errors ?? []), `${release.prefix}spec.values and spec.valuesFrom have too many nodes; the rest was not searched for images`];
  }
  if (scan.valueFiles.length > 0) {
    const valueFiles = await argoValueFilesImages(scan.valueFiles, context);
    merged.push(...valueFiles.occurrences);
    if (valueFiles.errors.length > 0) extraction.errors = [...(extraction.errors ?? []), ...valueFiles.errors];
    if (valueFiles.notes.length > 0) extraction.notes = [...(extraction.notes ?? []), ...valueFiles.notes];
  }
  const at = (occurrence: Occurrence): string => `${occurrence.file}:${occurrence.line}:${occurrence.column}`;
  const helmValues = new Set(merged.map(at));
  extraction.occurrences = [...extraction.occurrences.filter((occurrence) => !helmValues.has(at(occurrence))), ...merged];
  return extraction;
}

/** The occurrences and container settings of a manifest file, from its scan; `path` names the file as it is applied. */
function manifestOccurrences(file: SourceFile, scan: ManifestScan, path: string): Extraction {
  // The matcher accepts any file mentioning both keys; a parse failure is only worth reporting
  // for a file that looks like a manifest, not for every YAML that names `kind` somewhere.
  const reportErrors = scan.objects > 0 || looksLikeManifest(path, file.text);
  // Line starts are only needed for images and container settings (a CRD file with neither can be large).
  const lines = scan.images.length > 0 || scan.unparsed.length > 0 || file.text.includes('containers') ? new LineIndex(file.text) : undefined;
  const { masked, template } = scan;
  const unparsed = lines !== undefined && masked !== undefined && template !== undefined && reportErrors ? readUnparsed(file.text, masked, scan.unparsed, lines, template) : undefined;
  const images: ManifestImage[] = unparsed === undefined || template === undefined ? scan.images : [...scan.images, ...unparsed.images.map((image) => ({ ...image, text: image.raw, context: 'image', note: lineByLineNote(template) }))];
  const occurrences: Occurrence[] = lines === undefined ? [] : images.map((image) =>
    makeOccurrence({
      file: file.path,
      kind: image.kind ?? 'kubernetes',
      lines,
      offset: image.offset,
      raw: image.raw,
      value: image.value,
      context: image.context,
      note: image.note,
    }),
  );
  const extracted: Extraction = scan.errors.length > 0 && reportErrors ? { occurrences, errors: scan.errors } : { occurrences };
  if (unparsed !== undefined && unparsed.messages.length > 0) extracted.readLineByLine = unparsed.messages;
  return lines === undefined ? extracted : withContainers(extracted, () => kubernetesContainers(file, scan.documents, lines));
}

/** `apiVersion:`/`kind:` keys anywhere, possibly indented (flow style) or quoted. */
const YAML_API_VERSION_KEY = /(?:^|[\s{,])(?:apiVersion|"apiVersion"|'apiVersion')[ \t]*:/m;
const YAML_KIND_KEY = /(?:^|[\s{,])(?:kind|"kind"|'kind')[ \t]*:/m;
const JSON_API_VERSION_KEY = /"apiVersion"\s*:/;
const JSON_KIND_KEY = /"kind"\s*:/;
/** A JSON patch's operation (json-patch.ts): a block list item opening with `op:` or `path:`; in JSON, an `"op"` key. */
/** An OLM file-based catalog's bundle (`schema: olm.bundle`), a document of the catalog. */
const YAML_CATALOG_BUNDLE = /^schema[ \t]*:[ \t]*["']?olm\.bundle["']?[ \t]*\r?$/m;
const JSON_CATALOG_BUNDLE = /"schema"\s*:\s*"olm\.bundle"/;
const YAML_PATCH_OPERATION = /^-[ \t]+["']?(?:op|path)["']?[ \t]*:/m;
const JSON_PATCH_OPERATION = /"op"\s*:/;
/** The annotation holding a KRM function's runtime (kustomize's and kpt's current name, and the one before it). */
const KRM_FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

/**
 * Keys the patterns above cannot see, which kubectl reads all the same: spelled with an escape in a
 * double-quoted key (`"\u0061piVersion": v1`; any such escape in the file counts) or written as a
 * complex key (`? apiVersion`). The file is parsed, and only its objects with an apiVersion and a kind count.
 */
const ESCAPE = /\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/;
const COMPLEX_KEY = /^[ \t-]*\?(?:[ \t]|$)/m;

function mayHideKeys(text: string): boolean {
  return (text.includes('\\') && ESCAPE.test(text)) || (text.includes('?') && COMPLEX_KEY.test(text));
}

/** Whether a file may be a JSON patch that sets an image: an operation, and the word `image` (a container's key). */
function mayBeImagePatch(text: string, operation: RegExp): boolean {
  return text.includes('image') && operation.test(text);
}

/**
 * Whether a file's text has the shape of a manifest before parsing: block-style keys at column 1,
 * or a JSON / flow-style document (first significant character `{` or `[`).
 */
function looksLikeManifest(path: string, text: string): boolean {
  if (/\.json$/i.test(path)) return true;
  if (/^apiVersion[ \t]*:/m.test(text) && /^kind[ \t]*:/m.test(text)) return true;
  const significant = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|---[^\n]*\n)*[ \t]*(\S)/.exec(text.slice(0, 64 * 1024));
  return significant?.[1] === '{' || significant?.[1] === '[';
}

/**
 * The lexical prefilter: whether a document's text cannot hold an image this module finds, so it
 * need not be parsed. Every image is found under one of IMAGE_WORDS, so a document without
 * them cannot hold one, unless an escape (`"\u0069mage"`) spells it: a backslash keeps
 * the document. A CustomResourceDefinition (schemas, often most of a chart's bytes) is never
 * searched: skipped when its only top-level `kind:` line says so and every top-level line is a
 * plain key (a quoted, complex, anchored or tagged key, or a second `kind`, keeps the document).
 * JSON and flow-style documents are kept (small, and their parse errors are reported). A skipped
 * document's parse errors are not reported: it was shown to hold no image.
 */
export function cannotHoldImage(documentText: string): boolean {
  const first = documentText.trimStart()[0];
  if (first === '{' || first === '[') return false;
  return namesNoImage(documentText);
}

/** Whether text names no image: no image word (nor an escape that could spell one), or only a CustomResourceDefinition. */
function namesNoImage(documentText: string): boolean {
  if (!IMAGE_WORDS.some((word) => documentText.includes(word)) && !documentText.includes('\\')) return true;
  return isPlainCustomResourceDefinition(documentText);
}

/**
 * Every word an image is found under: the `image` key (containers, image volumes), Tekton's
 * `bundle` (a key, or a resolver parameter's name), and in Helm values written in a HelmRelease or
 * an Argo CD application, keys such as `kubectlImage` and `repository` blocks under any key (a ConfigMap's
 * `SOME_IMAGE` too); and a HelmRelease's
 * `valuesFrom` and an Argo CD source's `valueFiles`, whose values are in other files; a Crossplane
 * package's `package`. A new image site must add its word here; the prefilter's fixture test fails otherwise.
 */
const IMAGE_WORDS = ['image', 'bundle', 'Image', 'IMAGE', 'repository', 'valuesFrom', 'valueFiles', 'package'];

const PLAIN_TOP_LEVEL_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*[ \t]*:(?:[ \t]|\r?$)/;
const KIND_LINE = /^kind[ \t]*:/;
const CRD_KIND_LINE = /^kind[ \t]*:[ \t]+CustomResourceDefinition[ \t]*(?:#.*)?\r?$/;

/** One top-level `kind: CustomResourceDefinition` line, and only plain keys at the top level. */
function isPlainCustomResourceDefinition(documentText: string): boolean {
  let kinds = 0;
  let crd = false;
  // Only the top-level lines (the first, and each after a line feed that starts with neither a
  // blank, a line break nor `#`), found by a native search: a schema can be megabytes of indented lines.
  const topLevel = /\n[^ \t\r\n#]/g;
  const next = (): number => {
    const match = topLevel.exec(documentText);
    return match ? match.index + 1 : -1;
  };
  const first = documentText.charCodeAt(0);
  const firstIsTopLevel = documentText.length > 0 && first !== 0x20 && first !== 0x09 && first !== 0x0d && first !== 0x0a && first !== 0x23;
  for (let lineStart = firstIsTopLevel ? 0 : next(); lineStart >= 0; lineStart = next()) {
    const newline = documentText.indexOf('\n', lineStart);
    const line = documentText.slice(lineStart, newline < 0 ? documentText.length : newline);
    if (!PLAIN_TOP_LEVEL_KEY.test(line)) return false;
    if (KIND_LINE.test(line)) {
      kinds++;
      crd = CRD_KIND_LINE.test(line);
    }
  }
  return kinds === 1 && crd;
}

/** Keys with the word `image` in them that name no image. */
const IMAGE_SETTING_KEYS = ['imagePullPolicy', 'imagePullSecrets'];

/**
 * The parse errors of documents that may name an image. One whose only image words are keys such as
 * `imagePullPolicy` (an expected-output file of a test, its images cut out to compare the rest) hides none;
 * nor does JSON without an image word (a test's `kind: List` whose items are `%s`, filled in by the test),
 * though JSON is always parsed.
 */
function namingErrors(text: string, parsed: { errors: string[]; failedRanges?: Array<[number, number]> }): string[] {
  const ranges = parsed.failedRanges;
  if (ranges === undefined || ranges.length !== parsed.errors.length) return [...parsed.errors];
  return parsed.errors.filter((_error, index) => {
    const [start, end] = ranges[index] ?? [0, text.length];
    const withoutSettings = IMAGE_SETTING_KEYS.reduce((documentText, key) => documentText.replaceAll(key, ''), text.slice(start, end));
    return !namesNoImage(withoutSettings);
  });
}

/**
 * Every container image written in a manifest file (all documents), deduplicated by position.
 * `prefilter: false` parses every document (the prefilter's tests compare both).
 */
export function collectManifestImages(text: string, options: { prefilter?: boolean; template?: TemplateFile } = {}): ManifestScan {
  const { template } = options;
  // A template is read as the YAML around its tags (template-file.ts), at the same offsets.
  const masked = template === undefined ? undefined : maskedTemplate(text, template);
  let parsed = parseYamlDocuments(masked ?? text, options.prefilter === false ? undefined : cannotHoldImage);
  // A manifest template for some other tool (`{{ }}` actions outside a Helm chart, `@NAME@` values
  // filled in by sed, lines that are only a placeholder) is read as the YAML around its
  // placeholders; images holding one are unresolved.
  if (parsed.errors.length > 0 && template === undefined) {
    const toolMasked = maskedForTool(text);
    const masked = maskPlaceholderLines(toolMasked ?? text) ?? toolMasked;
    const retried = masked === undefined ? undefined : parseYamlDocuments(masked, options.prefilter === false ? undefined : cannotHoldImage);
    if (retried && retried.errors.length < parsed.errors.length) parsed = retried;
  }
  // A `.json` manifest holding several objects one after another (a JSON stream, as kubectl reads it).
  if (parsed.errors.length > 0 && template === undefined) {
    const stream = parseJsonStream(text);
    if (stream) parsed = { ...stream, skipped: 0 };
  }
  // What of a template does not parse is read line by line (template-file.ts `readUnparsed`), not an error.
  const failed = parsed.failedRanges ?? [];
  const unparsed = template !== undefined && failed.length === parsed.errors.length ? failed.map(([start, end], index) => ({ start, end, message: parsed.errors[index] })) : [];
  const errors = unparsed.length > 0 ? [] : namingErrors(text, parsed);
  // One occurrence per written image; when an anchored container is also used through an alias,
  // the context of the place it is written wins.
  const byOffset = new Map<number, { image: ManifestImage; viaAlias: boolean }>();
  let objects = 0;
  const releases: FluxRelease[] = [];
  const valueFiles: ArgoValueFile[] = [];
  parsed.documents.forEach((document) => {
    const walker = new ManifestWalker(document, text, template === undefined ? TEMPLATE_ACTION_NOTE : expressionNote(template), (image, viaAlias) => {
      const existing = byOffset.get(image.offset);
      if (existing && (viaAlias || !existing.viaAlias)) return;
      byOffset.set(image.offset, { image, viaAlias });
    });
    walker.object(document.contents, '');
    walker.jsonPatch(document.contents);
    objects += walker.objects;
    releases.push(...walker.releases);
    valueFiles.push(...walker.valueFiles);
    errors.push(...walker.unread);
    if (walker.exhausted) {
      const line = new LineIndex(text).positionAt(document.range[0]).line;
      errors.push(`the document at line ${line} has too many nodes or aliases; the rest of it was not searched for images`);
    }
  });
  const images = [...byOffset.values()].map((entry) => entry.image).sort((a, b) => a.offset - b.offset);
  return { images, objects, errors, releases, valueFiles, documents: parsed.documents, unparsed, masked, template };
}

/**
 * A template masked for parsing, in its dialect; a template of `{{ }}` actions also has its sed
 * `@NAME@` placeholders masked. The text itself when it holds no template syntax.
 */
function maskedTemplate(text: string, template: TemplateFile): string {
  return (template.dialect === 'jinja' ? maskTemplate(text, 'jinja') : maskedForTool(text)) ?? text;
}

/** The text with its `{{ }}` actions and sed `@NAME@` values masked; undefined when it holds neither. */
function maskedForTool(text: string): string | undefined {
  const actions = maskTemplate(text, 'actions');
  return maskAtPlaceholders(actions ?? text) ?? actions;
}

/** Substitutes a CRD's own placeholders in an image text; identity when there are none. */
type Substitution = (text: string) => { value: string | { unresolved: string }; note?: string };

const noSubstitution: Substitution = (text) => ({ value: text });

class ManifestWalker {
  private visited = 0;
  private aliases = 0;
  exhausted = false;
  /** Parts of the objects that may hold images and could not be read (Helm values in a string that is not YAML). */
  readonly unread: string[] = [];
  /** Kubernetes objects met (apiVersion and kind both strings). */
  objects = 0;
  /** While an OpenShift Template's objects are walked, its parameters (`${NAME}` in them is read with their defaults). */
  private templateParameters: ReadonlyMap<string, TemplateParameter> | undefined;
  /** Flux HelmReleases with `spec.valuesFrom`, whose values are read once those are found. */
  readonly releases: FluxRelease[] = [];
  /** Values files Argo CD applications give their charts (`helm.valueFiles`), read once the walk is done. */
  readonly valueFiles: ArgoValueFile[] = [];
  private readonly resolveAlias: (node: unknown) => unknown;

  constructor(
    document: Document.Parsed,
    private readonly text: string,
    /** Why an image holding a masked template action is unresolved. */
    private readonly templateNote: string,
    private readonly emit: (image: ManifestImage, viaAlias: boolean) => void,
    /** Whether this walks a manifest written as a string inside another (one level is read). */
    private readonly embedded = false,
  ) {
    this.resolveAlias = aliasResolver(document);
  }

  /** A node with aliases followed, counting against the budget; undefined once the budget is spent. */
  private node(node: unknown): unknown {
    if (this.exhausted) return undefined;
    if (++this.visited > MAX_NODES_VISITED) {
      this.exhausted = true;
      return undefined;
    }
    if (isAlias(node)) {
      if (++this.aliases > MAX_ALIASES_FOLLOWED) {
        this.exhausted = true;
        return undefined;
      }
      return this.resolveAlias(node);
    }
    return node;
  }

  private get(map: unknown, key: string): unknown {
    const resolved = this.node(map);
    if (!isMap(resolved)) return undefined;
    return this.node(mapGet(resolved, key));
  }

  private at(node: unknown, path: string[]): unknown {
    let current = node;
    for (const key of path) {
      current = this.get(current, key);
      if (current === undefined || current === null) return undefined;
    }
    return current;
  }

  private items(node: unknown): unknown[] {
    const resolved = this.node(node);
    return isSeq(resolved) ? resolved.items : [];
  }

  private string(node: unknown): string | undefined {
    const resolved = this.node(node);
    return isScalar(resolved) && typeof resolved.value === 'string' ? resolved.value : undefined;
  }

  /** One Kubernetes object (a document, or an item of a `List`). */
  object(root: unknown, prefix: string): void {
    const kind = this.string(this.get(root, 'kind'));
    const apiVersion = this.string(this.get(root, 'apiVersion'));
    if (kind === undefined || apiVersion === undefined) {
      this.catalogEntry(root, prefix);
      return;
    }
    this.objects++;

    const items = /List$/.test(kind) ? this.get(root, 'items') : undefined;
    if (isSeq(items)) {
      items.items.forEach((item, index) => this.object(item, `${prefix}items[${index}].`));
      return;
    }

    const podSpecPath = podSpecPathOf(apiVersion, kind);
    if (podSpecPath) this.podSpec(this.at(root, podSpecPath), prefix + podSpecPath.join('.'), false);
    // An OpenShift template's objects are created as written once its parameters are filled in.
    if (isOpenShiftKind(apiVersion, kind, 'Template', 'template')) this.templateObjects(root, prefix);
    if (isOpenShiftKind(apiVersion, kind, 'DeploymentConfig', 'apps')) this.imageChangeTriggered(root, prefix);
    if (isOpenShiftKind(apiVersion, kind, 'ImageStream', 'image')) this.imageStreamTags(root, prefix);
    if (isOpenShiftKind(apiVersion, kind, 'BuildConfig', 'build')) this.buildConfigImages(root, prefix);
    if (apiVersion.startsWith('admissionregistration.k8s.io/') && kind === 'MutatingAdmissionPolicy') this.mutationImages(root, prefix);
    if (apiVersion.startsWith('tekton.dev/') || apiVersion.startsWith('triggers.tekton.dev/')) this.tekton(root, kind, prefix);
    if (apiVersion.startsWith('argoproj.io/')) this.argo(root, kind, prefix);
    if (apiVersion.startsWith('kind.x-k8s.io/') && kind === 'Cluster') this.kindClusterNodes(root, prefix);
    // A ctlptl cluster (Tilt's cluster tool) hands its `kindV1Alpha4Cluster` to kind as kind's own configuration.
    if (apiVersion.startsWith('ctlptl.dev/') && kind === 'Cluster') this.kindClusterNodes(this.get(root, 'kindV1Alpha4Cluster'), `${prefix}kindV1Alpha4Cluster.`);
    // A k3d cluster configuration: k3d runs every server and agent node from its `image` (`rancher/k3s`).
    if (apiVersion.startsWith('k3d.io/') && kind === 'Simple') this.imageAt(this.get(root, 'image'), `${prefix}image`, noSubstitution, "the image k3d runs the cluster's nodes from");
    if (apiVersion.startsWith('helm.toolkit.fluxcd.io/') && kind === 'HelmRelease') this.fluxHelmRelease(root, prefix);
    if (apiVersion.startsWith('helm.cattle.io/') && (kind === 'HelmChart' || kind === 'HelmChartConfig')) {
      this.helmValuesString(this.at(root, ['spec', 'valuesContent']), `${prefix}spec.valuesContent`, `a value of the ${kind}'s chart (spec.valuesContent), read as written`);
    }
    this.krmFunctionImage(root, prefix);
    const operatorFields = operatorImageFields(apiVersion, kind);
    for (const field of operatorFields) this.fieldImages(root, field.path, prefix, field.note);
    if (apiVersion === 'v1' && kind === 'ConfigMap') {
      this.configMapImages(this.get(root, 'data'), `${prefix}data`);
      if (!this.embedded) this.configMapManifests(this.get(root, 'data'), `${prefix}data`);
    }
    // Other custom resources (Knative, Argo Rollouts, operators...) embed pod specs in many places.
    // A Kyverno policy's `validate` patterns say which images are allowed (`'*/nirmata/* | ...'`) and run nothing.
    const patterns = apiVersion.startsWith('kyverno.io/') ? KYVERNO_PATTERN_KEYS : undefined;
    if (kind !== 'CustomResourceDefinition') this.genericContainers(root, prefix.replace(/\.$/, ''), 0, patterns);
    if (operatorFields.length === 0 && apiVersion.includes('.')) this.customResourceImage(root, kind, prefix);
  }

  /**
   * A bundle of an OLM file-based catalog (`schema: olm.bundle`): the bundle image OLM unpacks to
   * install the operator, and its `relatedImages`, every image the bundle needs (what a disconnected install mirrors).
   */
  private catalogEntry(root: unknown, prefix: string): void {
    if (this.string(this.get(root, 'schema')) !== 'olm.bundle') return;
    this.objects++;
    this.imageAt(this.get(root, 'image'), `${prefix}image`, noSubstitution, 'the bundle image OLM unpacks to install the operator of this catalog entry');
    this.items(this.get(root, 'relatedImages')).forEach((related, index) => {
      this.imageAt(this.get(related, 'image'), `${prefix}relatedImages[${index}].image`, noSubstitution, "an image this catalog entry's bundle needs (its relatedImages, what a disconnected install mirrors)");
    });
  }

  /** An OpenShift template's objects, created as written once `oc process` fills in its parameters: read with their defaults. */
  private templateObjects(root: unknown, prefix: string): void {
    const entries = this.items(this.get(root, 'parameters')).map((entry) => ({ name: this.string(this.get(entry, 'name')), value: this.string(this.get(entry, 'value')), generate: this.string(this.get(entry, 'generate')) }));
    const outer = this.templateParameters;
    this.templateParameters = templateParameters(entries);
    this.items(this.get(root, 'objects')).forEach((item, index) => this.object(item, `${prefix}objects[${index}].`));
    this.templateParameters = outer;
  }

  /** The registry images an OpenShift ImageStream's tags import: each tag's `from` of kind DockerImage (an ImageStreamTag names another tag). */
  private imageStreamTags(root: unknown, prefix: string): void {
    this.items(this.at(root, ['spec', 'tags'])).forEach((tag, index) => {
      this.dockerImageFrom(this.get(tag, 'from'), `${prefix}spec.tags[${index}].from`, 'the image OpenShift imports into this ImageStream tag');
    });
  }

  /** The registry images an OpenShift BuildConfig pulls: its strategy's builder image and the images its source copies files from, each a `from` of kind DockerImage. */
  private buildConfigImages(root: unknown, prefix: string): void {
    for (const strategy of ['sourceStrategy', 'dockerStrategy', 'customStrategy']) {
      this.dockerImageFrom(this.at(root, ['spec', 'strategy', strategy, 'from']), `${prefix}spec.strategy.${strategy}.from`, 'the image OpenShift runs this build from');
    }
    this.items(this.at(root, ['spec', 'source', 'images'])).forEach((image, index) => {
      this.dockerImageFrom(this.get(image, 'from'), `${prefix}spec.source.images[${index}].from`, 'an image OpenShift copies files from into this build');
    });
  }

  /**
   * The images a MutatingAdmissionPolicy's mutations write into the objects it admits: string literals
   * its CEL expressions (a JSON patch's or an apply configuration's) give an `image` field.
   */
  private mutationImages(root: unknown, prefix: string): void {
    this.items(this.at(root, ['spec', 'mutations'])).forEach((mutation, index) => {
      for (const kind of ['jsonPatch', 'applyConfiguration']) {
        const expression = this.node(this.at(mutation, [kind, 'expression']));
        // Block scalars only: their text in the file is the expression, character for character, on each line.
        if (!isScalar(expression) || (expression.type !== 'BLOCK_LITERAL' && expression.type !== 'BLOCK_FOLDED') || !expression.range) continue;
        const start = expression.range[0];
        for (const { offset, image } of celImageLiterals(this.text.slice(start, expression.range[1]))) {
          const note = `set by this MutatingAdmissionPolicy's ${kind} expression`;
          this.emit({ offset: start + offset, raw: image, text: image, value: image, context: `${prefix}spec.mutations[${index}].${kind}.expression`, note }, false);
        }
      }
    });
  }

  /** `from: {kind: DockerImage, name: <reference>}`: the name is an image in a registry. */
  private dockerImageFrom(from: unknown, context: string, note: string): void {
    if (this.string(this.get(from, 'kind')) !== 'DockerImage') return;
    this.imageAt(this.get(from, 'name'), `${context}.name`, noSubstitution, note);
  }

  /**
   * The `spec.image` of a custom resource no row of operator-images.ts describes (a Dragonfly, a
   * LiteLLMProxy): by operators' convention the image they run for it, read only when its value
   * names a registry and a tag or digest, so a VM image's name (`ubuntu-2204`) is left alone.
   */
  private customResourceImage(root: unknown, kind: string, prefix: string): void {
    const node = this.node(this.at(root, ['spec', 'image']));
    const value = this.string(node);
    if (value === undefined || !isRegistryQualifiedReference(value)) return;
    this.imageAt(node, `${prefix}spec.image`, noSubstitution, `the image an operator runs for this ${kind}, by the convention of its spec.image`);
  }

  /**
   * A JSON patch (json-patch.ts): a list whose every item is an operation with a `path`. The value of
   * each `add` and `replace` is read as what its path makes it: a container's image, a container, a
   * list of containers, or part of an object, searched by the generic rule.
   */
  jsonPatch(root: unknown): void {
    const operations = this.items(root).map((operation) => ({ operation, op: this.string(this.get(operation, 'op')), path: this.string(this.get(operation, 'path')) }));
    if (operations.length === 0 || !operations.every(({ op, path }) => isPatchOperation(op) && path !== undefined)) return;
    for (const { operation, op, path } of operations) {
      if (!setsValue(op) || path === undefined) continue;
      const value = this.get(operation, 'value');
      const target = patchTarget(path);
      if (target === 'image') this.imageAt(value, path, noSubstitution, `set by a JSON patch (${op} ${path})`);
      else if (target === 'container') this.imageOf(value, path, noSubstitution);
      else if (target === 'container-list') this.containerList(value, path, false, noSubstitution);
      else if (target === 'scorecard-test') this.imageAt(this.get(value, 'image'), `${path}/image`, noSubstitution, `the image an operator-sdk scorecard test runs as a pod, added by a JSON patch (${op} ${path})`);
      else this.genericContainers(value, path, 0);
    }
  }

  /**
   * An OpenShift DeploymentConfig's containers that an automatic `ImageChange` trigger names: OpenShift
   * sets their image from the trigger's image stream tag when it deploys, so the `image` written
   * (often a bare name such as `postgresql`) is a placeholder, not a reference to pull. Read before
   * the generic rule, which leaves an image already read alone; a disabled trigger (`automatic: false`)
   * leaves the written image in place.
   */
  private imageChangeTriggered(root: unknown, prefix: string): void {
    const sources = new Map<string, string>();
    for (const trigger of this.items(this.at(root, ['spec', 'triggers']))) {
      const parameters = this.get(trigger, 'imageChangeParams');
      const automatic = this.get(parameters, 'automatic');
      if (this.string(this.get(trigger, 'type')) !== 'ImageChange' || (isScalar(automatic) && automatic.value === false)) continue;
      const from = this.get(parameters, 'from');
      const source = `${this.string(this.get(from, 'kind')) ?? 'ImageStreamTag'} ${this.string(this.get(from, 'name')) ?? '(unnamed)'}`;
      for (const name of this.items(this.get(parameters, 'containerNames'))) {
        const container = this.string(name);
        if (container !== undefined) sources.set(container, source);
      }
    }
    if (sources.size === 0) return;
    const spec = this.at(root, ['spec', 'template', 'spec']);
    for (const key of CONTAINER_LIST_KEYS) {
      this.items(this.get(spec, key)).forEach((container, index) => {
        const source = sources.get(this.string(this.get(container, 'name')) ?? '');
        if (source === undefined) return;
        const unresolved = `OpenShift's ImageChange trigger sets this container's image from the ${source} when it deploys`;
        this.imageAt(this.get(container, 'image'), `${prefix}spec.template.spec.${key}[${index}].image`, () => ({ value: { unresolved } }));
      });
    }
  }

  /** A HelmRelease's values: read here when all are in `spec.values`; with `spec.valuesFrom`, kept to be merged (flux-values-from.ts). */
  private fluxHelmRelease(root: unknown, prefix: string): void {
    const values = this.at(root, ['spec', 'values']);
    const valuesFrom = this.at(root, ['spec', 'valuesFrom']);
    if (this.items(valuesFrom).length > 0) this.releases.push({ values, valuesFrom, prefix });
    else this.helmValues(values, `${prefix}spec.values`, 'values', "a value of the HelmRelease's chart (spec.values), read as written");
  }

  /** The image at a field path of an operator's resource (operator-images.ts); `[]` steps into every item of a list. */
  private fieldImages(node: unknown, path: readonly string[], context: string, note: string): void {
    const [key, ...rest] = path;
    if (key === undefined) return this.imageAt(node, context, noSubstitution, note);
    if (key === '[]') return this.items(node).forEach((item, index) => this.fieldImages(item, rest, `${context}[${index}]`, note));
    this.fieldImages(this.get(node, key), rest, context === '' || context.endsWith('.') ? `${context}${key}` : `${context}.${key}`, note);
  }

  /**
   * A ConfigMap's settings named as an image (`docker_image`, `connection_pooler_image`, `IMAGE`:
   * Zalando's operator configuration, variables a workload takes by `envFrom`) whose value is one
   * reference by its shape.
   */
  private configMapImages(data: unknown, path: string): void {
    const map = this.node(data);
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const key = keyText(pair.key, this.resolveAlias);
      const value = this.string(pair.value);
      if (key === undefined || value === undefined || !isImageSettingName(key) || !isOneReference(value)) continue;
      this.imageAt(this.node(pair.value), `${path}.${key}`, noSubstitution, `a ConfigMap setting named as an image (${key})`);
    }
  }

  /**
   * Manifests a ConfigMap holds as files (`helperPod.yaml: |` of rancher's local-path-provisioner,
   * the pod it runs to set up each volume; Katib's trial templates, `enasCPUTemplate: |`): a `.yaml`
   * or `.yml` entry, or one whose name has no suffix, written as a literal block that parses as
   * Kubernetes objects is read as a manifest, each image at its place in this file. Other entries
   * (configuration files of any shape) are left alone, and so is what does not parse.
   */
  private configMapManifests(data: unknown, path: string): void {
    const map = this.node(data);
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const key = keyText(pair.key, this.resolveAlias);
      if (key === undefined || !(key.endsWith('.yaml') || key.endsWith('.yml') || !key.includes('.'))) continue;
      const embedded = literalBlockText(this.node(pair.value), this.text);
      // Only text that names an object's apiVersion and kind is parsed: most such entries are configuration.
      if (!embedded || !embedded.text.includes('apiVersion') || !embedded.text.includes('kind')) continue;
      const parsed = parseYamlDocuments(embedded.text);
      for (const document of parsed.documents) {
        const emit = (image: ManifestImage, viaAlias: boolean) => this.emit({ ...image, offset: embedded.fileOffset(image.offset) }, viaAlias);
        new ManifestWalker(document, embedded.text, this.templateNote, emit, true).object(document.contents, `${path}.${key}.`);
      }
    }
  }

  /**
   * A KRM function's configuration (a resource kustomize lists under `transformers:` or `generators:`,
   * or kpt runs): the container image of the function, in an annotation written as a literal block
   * of YAML (`config.kubernetes.io/function: |` then `container:`, `image:`), at its place in this file.
   */
  private krmFunctionImage(root: unknown, prefix: string): void {
    const annotations = this.at(root, ['metadata', 'annotations']);
    for (const key of KRM_FUNCTION_ANNOTATIONS) {
      const node = this.get(annotations, key);
      if (node === undefined) continue;
      const path = `${prefix}metadata.annotations.${key}`;
      const embedded = literalBlockText(node, this.text);
      if (!embedded) {
        // kustomize reads the annotation as YAML whatever its style; only a literal block is read here, at its place.
        if (scalarString(node)?.includes('image')) this.unread.push(`${path} is not written as a literal block (|), so the function image in it was not read`);
        continue;
      }
      const parsed = parseYamlDocuments(embedded.text);
      if (parsed.errors.length > 0 && embedded.text.includes('image')) this.unread.push(`${path} is not YAML, so the function image in it was not read: ${parsed.errors[0]}`);
      for (const document of parsed.documents) {
        const emit = (image: ManifestImage, viaAlias: boolean) => this.emit({ ...image, offset: embedded.fileOffset(image.offset) }, viaAlias);
        const walker = new ManifestWalker(document, embedded.text, this.templateNote, emit, true);
        walker.imageAt(walker.at(document.contents, ['container', 'image']), `${path}.container.image`, noSubstitution, 'the image of the KRM function this resource configures (kustomize or kpt runs it)');
      }
    }
  }

  /** A kind cluster configuration: kind runs each node as a container of its `image` (`kindest/node`). */
  private kindClusterNodes(root: unknown, prefix: string): void {
    this.items(this.get(root, 'nodes')).forEach((node, index) => {
      this.imageAt(this.get(node, 'image'), `${prefix}nodes[${index}].image`, noSubstitution, 'the image kind runs this cluster node from');
    });
  }

  /** containers, initContainers and ephemeralContainers of a pod spec. */
  private podSpec(spec: unknown, path: string, requireName: boolean, substitute: Substitution = noSubstitution): void {
    if (!isMap(spec)) return;
    for (const key of CONTAINER_LIST_KEYS) {
      this.containerList(this.get(spec, key), `${path}.${key}`, requireName, substitute);
    }
  }

  private containerList(list: unknown, path: string, requireName: boolean, substitute: Substitution): void {
    this.items(list).forEach((item, index) => {
      const container = this.node(item);
      if (requireName && this.string(this.get(container, 'name')) === undefined) return;
      this.imageOf(container, `${path}[${index}]`, substitute, isAlias(item));
    });
  }

  /** The `image` of a container-like map at `path`. */
  private imageOf(container: unknown, path: string, substitute: Substitution, viaAlias = false): void {
    const injected = this.string(this.get(container, 'name')) === 'istio-proxy' ? istioInjected(substitute) : substitute;
    this.imageAt(this.get(container, 'image'), `${path}.image`, injected, undefined, viaAlias);
    this.environmentImages(container, path, viaAlias);
    this.argumentImages(container, path, viaAlias);
  }

  /**
   * Images a container is handed as a flag (cert-manager's `--acme-http01-solver-image=quay.io/...`):
   * an `args` or `command` item `--<name>image=<one reference>`, or an item `--<name>image` and the
   * reference as the next item, reported at the reference.
   */
  private argumentImages(container: unknown, path: string, viaAlias: boolean): void {
    if (!isMap(container)) return;
    for (const key of ['args', 'command']) {
      const list = mapGet(container, key);
      if (list === undefined) continue;
      const items = this.items(this.node(list));
      items.forEach((item, index) => {
        const node = this.node(item);
        if (!isScalar(node) || typeof node.value !== 'string') return;
        if (isImageFlagName(node.value)) {
          // `--engine-image` then the image as the next item (longhorn-manager's arguments).
          const next = items[index + 1] === undefined ? undefined : this.node(items[index + 1]);
          if (isScalar(next) && typeof next.value === 'string' && isOneReference(next.value)) {
            this.imageAt(next, `${path}.${key}[${index + 1}]`, noSubstitution, `handed to the container as ${node.value}`, viaAlias || isAlias(items[index + 1]));
          }
          return;
        }
        const flag = imageFlag(node.value);
        const location = flag ? scalarLocation(node, this.text) : undefined;
        const at = flag && location ? location.raw.indexOf(`=${flag.image}`) : -1;
        if (!flag || !location || at < 0) return;
        const note = `handed to the container as ${flag.name}`;
        this.emit({ offset: location.offset + at + 1, raw: flag.image, text: flag.image, value: flag.image, context: `${path}.${key}[${index}]`, note }, viaAlias || isAlias(item));
      });
    }
  }

  /**
   * Images a container is handed in its environment to run (an operator's `STRIMZI_DEFAULT_KAFKA_IMAGE`,
   * OLM's `RELATED_IMAGE_*`): a variable named as an image whose value is one valid reference with a
   * registry, repository path or tag. Anything else there is left alone: it is not declared an image.
   */
  private environmentImages(container: unknown, path: string, viaAlias: boolean): void {
    // The container map was counted against the budget already; a container without `env` costs nothing more.
    const env = isMap(container) ? mapGet(container, 'env') : undefined;
    if (env === undefined) return;
    this.items(this.node(env)).forEach((item, index) => {
      const entry = this.node(item);
      const name = this.string(this.get(entry, 'name'));
      const value = this.get(entry, 'value');
      if (name !== undefined && isImageListVariable(name)) return this.imageList(value, `${path}.env[${index}].value`, name, viaAlias || isAlias(item));
      if (name === undefined || !isImageVariable(name) || !isScalar(value) || typeof value.value !== 'string' || !isOneReference(value.value)) return;
      this.imageAt(value, `${path}.env[${index}].value`, noSubstitution, `handed to the container in ${name}`, viaAlias || isAlias(item));
    });
  }

  /** The images of a list a container is handed in one variable, written as a literal block, one a line (handed-images.ts). */
  private imageList(node: unknown, context: string, name: string, viaAlias: boolean): void {
    const embedded = literalBlockText(node, this.text);
    if (!embedded) return;
    for (const entry of imageListEntries(embedded.text)) {
      const note = `handed to the container in ${name}${entry.key === undefined ? '' : `, for ${entry.key}`}`;
      this.emit({ offset: embedded.fileOffset(entry.offset), raw: entry.image, text: entry.image, value: entry.image, context, note }, viaAlias);
    }
  }

  /** An image written as the scalar `node`, whose place in the object is `context`. */
  private imageAt(node: unknown, context: string, substitute: Substitution, fieldNote?: string, viaAlias = false): void {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const location = scalarLocation(node, this.text);
    if (!location) return;
    const written = location.value.trim();
    // Block scalars and empty images name nothing that can be checked.
    if (written === '' || location.raw.length === 0) return;
    const substituted = substitute(written);
    const processed = this.templateParameters !== undefined && typeof substituted.value === 'string' ? processParameters(substituted.value, this.templateParameters) : undefined;
    const value = processed === undefined ? substituted.value : 'value' in processed ? processed.value : processed;
    const parametersNote = processed !== undefined && 'value' in processed ? PARAMETER_DEFAULTS_NOTE : undefined;
    const note = [fieldNote, substituted.note, parametersNote].filter(Boolean).join('; ') || undefined;
    const filler = roundTripFiller(written, context);
    this.emit({ offset: location.offset, raw: location.raw, text: written, value: filler ?? placeholderCheck(value, this.templateNote), context, note }, viaAlias);
  }

  /** The generic rule: any `containers`/`initContainers`/`ephemeralContainers` list of maps with `name` and `image`, and any `container` map with `image`. */
  private genericContainers(node: unknown, path: string, depth: number, skipped?: ReadonlySet<string>): void {
    // Aliases are not descended into: what they name is searched where it is written, and following
    // them is how a small file becomes an exponential tree.
    if (depth > MAX_DEPTH || this.exhausted || isAlias(node)) return;
    const resolved = this.node(node);
    if (isMap(resolved)) {
      for (const pair of resolved.items) {
        const key = keyText(pair.key, this.resolveAlias);
        if (key === undefined || skipped?.has(key)) continue;
        const childPath = path === '' ? key : `${path}.${key}`;
        if (CONTAINER_LIST_KEYS.includes(key) || OPERATOR_CONTAINER_LIST_KEYS.includes(key)) {
          this.containerList(pair.value, childPath, true, noSubstitution);
          continue;
        }
        if (key === 'volumes') {
          this.imageVolumes(pair.value, childPath);
          continue;
        }
        // One container written as a map under `container` (Envoy Gateway's EnvoyProxy
        // `envoyDeployment.container`, Argo's template `container`): the key says what it is, so no
        // `name` is needed, as it is in a list. Its settings are not judged: it is no pod spec.
        if (key === SINGLE_CONTAINER_KEY && isMap(pair.value)) this.imageOf(pair.value, childPath, noSubstitution);
        this.genericContainers(pair.value, childPath, depth + 1, skipped);
      }
    } else if (isSeq(resolved)) {
      resolved.items.forEach((item, index) => this.genericContainers(item, `${path}[${index}]`, depth + 1, skipped));
    }
  }

  /**
   * Image volumes (Kubernetes 1.31+): `volumes[].image.reference`, an image mounted as a read-only
   * volume; and KubeVirt's container disks, `volumes[].containerDisk.image`, a disk KubeVirt pulls
   * as a container image and runs beside the virtual machine.
   */
  private imageVolumes(list: unknown, path: string): void {
    this.items(list).forEach((volume, index) => {
      if (this.string(this.get(volume, 'name')) === undefined) return;
      const reference = this.get(this.get(volume, 'image'), 'reference');
      this.imageAt(reference, `${path}[${index}].image.reference`, noSubstitution, 'an image volume: mounted read-only into the pod');
      const disk = this.get(this.get(volume, 'containerDisk'), 'image');
      this.imageAt(disk, `${path}[${index}].containerDisk.image`, noSubstitution, "a KubeVirt container disk: pulled as a container image to hold the virtual machine's disk");
    });
  }

  /** Tekton: Task, ClusterTask, TaskRun, Pipeline, PipelineRun, StepAction, TriggerTemplate. */
  private tekton(root: unknown, kind: string, prefix: string): void {
    const spec = this.get(root, 'spec');
    const base = `${prefix}spec`;
    if (kind !== 'TriggerTemplate') this.tektonBundles(spec, base, tektonParams(this, spec), 0);
    switch (kind) {
      case 'Task':
      case 'ClusterTask':
        this.taskSpec(spec, base);
        break;
      case 'TaskRun':
        this.taskSpec(this.get(spec, 'taskSpec'), `${base}.taskSpec`, this.runParams(spec));
        break;
      case 'Pipeline':
        this.pipelineSpec(spec, base);
        break;
      case 'PipelineRun':
        this.pipelineSpec(this.get(spec, 'pipelineSpec'), `${base}.pipelineSpec`, this.runParams(spec));
        break;
      case 'StepAction':
        this.imageOf(spec, base, tektonParams(this, spec));
        break;
      case 'TriggerTemplate':
        // Tekton Triggers creates these objects (usually PipelineRuns and TaskRuns) on each event.
        this.items(this.get(spec, 'resourcetemplates')).forEach((template, index) => this.object(template, `${base}.resourcetemplates[${index}].`));
        break;
    }
  }

  /**
   * Tekton OCI bundles, the images that hold Tasks and Pipelines: `bundle:` of a `taskRef` or
   * `pipelineRef` (v1beta1), and the `bundle` parameter of a reference through the bundles resolver
   * (`resolver: bundles`), wherever a reference is written (pipeline tasks, runs, step `ref`s).
   */
  private tektonBundles(node: unknown, path: string, substitute: Substitution, depth: number): void {
    if (depth > MAX_DEPTH || this.exhausted || isAlias(node)) return;
    const resolved = this.node(node);
    if (isSeq(resolved)) {
      resolved.items.forEach((item, index) => this.tektonBundles(item, `${path}[${index}]`, substitute, depth + 1));
      return;
    }
    if (!isMap(resolved)) return;
    for (const pair of resolved.items) {
      const key = keyText(pair.key, this.resolveAlias);
      if (key === undefined) continue;
      const childPath = `${path}.${key}`;
      if (key === 'taskRef' || key === 'pipelineRef' || key === 'ref') this.tektonBundle(pair.value, childPath, substitute);
      else this.tektonBundles(pair.value, childPath, substitute, depth + 1);
    }
  }

  private tektonBundle(reference: unknown, path: string, substitute: Substitution): void {
    const note = 'a Tekton bundle: the OCI image the task or pipeline is read from';
    if (this.get(reference, 'bundle') !== undefined) this.imageAt(this.get(reference, 'bundle'), `${path}.bundle`, substitute, note);
    if (this.string(this.get(reference, 'resolver')) !== 'bundles') return;
    this.items(this.get(reference, 'params')).forEach((param, index) => {
      if (this.string(this.get(param, 'name')) === 'bundle') this.imageAt(this.get(param, 'value'), `${path}.params[${index}].value`, substitute, note);
    });
  }

  /** The literal values a run gives its parameters (`spec.params[].value`; an array or object value is left out). */
  private runParams(spec: unknown): Map<string, string> {
    return this.namedValues(this.get(spec, 'params'), ['value']);
  }

  /**
   * An embedded pipeline's tasks. `given` is what a PipelineRun sets: over the pipeline's defaults,
   * it reaches an embedded task, as Tekton propagates a run's parameters into embedded specs, under
   * the values the pipeline task passes itself (their `$(params.x)` read in the pipeline's scope).
   */
  private pipelineSpec(spec: unknown, path: string, given = new Map<string, string>()): void {
    const pipelineScope = new Map([...this.paramsOf(spec), ...given]);
    for (const list of ['tasks', 'finally']) {
      this.items(this.get(spec, list)).forEach((task, index) => {
        const passed = new Map<string, string>();
        for (const [name, value] of this.namedValues(this.get(task, 'params'), ['value'])) {
          const expanded = expandTektonParams(value, pipelineScope);
          if (expanded !== undefined) passed.set(name, expanded);
        }
        this.taskSpec(this.get(task, 'taskSpec'), `${path}.${list}[${index}].taskSpec`, given.size > 0 || passed.size > 0 ? new Map([...given, ...passed]) : given);
      });
    }
  }

  /** A task's steps and sidecars; `given` the values its run or pipeline task sets, over the task's defaults. */
  private taskSpec(spec: unknown, path: string, given = new Map<string, string>()): void {
    if (!isMap(this.node(spec))) return;
    const substitute = tektonParams(this, spec, given);
    for (const list of ['steps', 'sidecars']) this.containerList(this.get(spec, list), `${path}.${list}`, false, substitute);
    const stepTemplate = this.get(spec, 'stepTemplate');
    if (stepTemplate !== undefined) this.imageOf(stepTemplate, `${path}.stepTemplate`, substitute);
  }

  /**
   * Helm values written in this object for a chart kept elsewhere (a Flux HelmRelease's
   * `spec.values`, an Argo CD Application's `helm.valuesObject`): image blocks and image strings
   * by the rules of a values file, as written, since the chart's templates are not read here.
   */
  private helmValues(values: unknown, path: string, key: string, note: string, within?: { text: EmbeddedText; resolveAlias: (node: unknown) => unknown }): void {
    if (!isMap(values)) return;
    const reading = { note, emptyTag: 'tag is empty; the chart, which is not read here, chooses the default', resolveAlias: within?.resolveAlias ?? this.resolveAlias };
    const exhausted = imagesInValuesTree(values, within?.text.text ?? this.text, path, key, (image) => {
      const text = typeof image.value === 'string' ? image.value : image.raw;
      const offset = within ? within.text.fileOffset(image.offset) : image.offset;
      this.emit({ offset, raw: image.raw, text, value: placeholderCheck(image.value, this.templateNote), context: image.context, note: image.note, kind: 'helm' }, false);
    }, reading);
    if (exhausted) this.exhausted = true;
  }

  /**
   * Helm values written as a YAML string in a literal block (`helm.values: |`, `valuesContent: |`),
   * parsed and read as `helmValues`, each position in this file.
   */
  private helmValuesString(node: unknown, path: string, note: string): void {
    const values = this.embeddedValues(node, path);
    if (values === undefined) return;
    for (const document of values.documents) {
      this.helmValues(document.contents, path, path.slice(path.lastIndexOf('.') + 1), note, { text: values.embedded, resolveAlias: aliasResolver(document) });
    }
  }

  /**
   * The documents of Helm values written as a YAML string in a literal block, and where their text
   * is in this file. A string that is not such a block, or not YAML (with any `{{ }}` of an
   * ApplicationSet masked), is reported as not read.
   */
  private embeddedValues(node: unknown, path: string): { contents: unknown[]; documents: Document.Parsed[]; embedded: EmbeddedText } | undefined {
    if (node === undefined || node === null) return undefined;
    const embedded = literalBlockText(node, this.text);
    const line = (): number => new LineIndex(this.text).positionAt(isScalar(node) && node.range ? node.range[0] : 0).line;
    if (!embedded) {
      if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') this.unread.push(`${path} (line ${line()}) is Helm values in a quoted or folded string, which is not read; write it as a literal block (|)`);
      return undefined;
    }
    const parsed = parseYamlDocuments(maskTemplate(embedded.text, 'actions') ?? embedded.text);
    if (parsed.errors.length > 0) {
      this.unread.push(`${path} (line ${line()}) is not YAML, so its images were not read: ${parsed.errors[0]}`);
      return undefined;
    }
    return { contents: parsed.documents.map((document) => document.contents), documents: parsed.documents, embedded };
  }

  /** Argo CD: the Helm values an Application (or each application of an ApplicationSet) gives its chart. */
  private argoApplication(root: unknown, kind: string, prefix: string): void {
    const spec = kind === 'ApplicationSet' ? this.at(root, ['spec', 'template', 'spec']) : this.get(root, 'spec');
    const path = kind === 'ApplicationSet' ? `${prefix}spec.template.spec` : `${prefix}spec`;
    const source = this.get(spec, 'source');
    const sources = this.items(this.get(spec, 'sources'));
    const refs = new Set(sources.map((item) => this.string(this.get(item, 'ref'))).filter((ref) => ref !== undefined));
    for (const item of source === undefined ? sources : [source, ...sources]) this.argoValueFiles(item, refs);
    if (source !== undefined) this.argoHelmValues(this.get(source, 'helm'), `${path}.source.helm`);
    sources.forEach((item, index) => this.argoHelmValues(this.get(item, 'helm'), `${path}.sources[${index}].helm`));
  }

  /** A source's `helm.valueFiles` that name files of this repository (argo-value-files.ts). */
  private argoValueFiles(source: unknown, refs: ReadonlySet<string>): void {
    // A chart from a Helm repository has no directory here; a `path` source's chart is in a repository.
    const sourcePath = this.get(source, 'chart') === undefined ? this.string(this.get(source, 'path')) : undefined;
    for (const item of this.items(this.get(this.get(source, 'helm'), 'valueFiles'))) {
      const written = this.string(item)?.trim();
      if (written === undefined) continue;
      const path = valueFilePath(written, refs, sourcePath);
      // A plain path of a chart from a Helm repository is a file of that chart, fetched with it.
      const chartRoot = sourcePath === undefined ? undefined : chartRootOf(sourcePath);
      if (path !== undefined || sourcePath !== undefined || written.startsWith('$') || written.includes('://')) this.valueFiles.push({ path, written, chartRoot });
    }
  }

  /**
   * An Argo CD source's Helm values in Argo CD's order of precedence (`values`, `valuesObject` over
   * it, each of `parameters` set on top as `--set` sets it), every image reported where it is written.
   */
  private argoHelmValues(helm: unknown, path: string): void {
    if (helm === undefined) return;
    const note = (field: string) => `a value the Argo CD application gives its chart (helm.${field}), read as written`;
    const merged = new MergedValues<ArgoValuesPlace>();
    const here = (offset: number): number => offset;
    const values = this.embeddedValues(this.get(helm, 'values'), `${path}.values`);
    const valuesPlace = values && { fileOffset: values.embedded.fileOffset, context: (at: string) => `${path}.values.${at}`, note: note('values') };
    for (const contents of values?.contents ?? []) if (valuesPlace) merged.merge(contents, { text: values?.embedded.text ?? '', place: valuesPlace });
    const valuesObjectPlace = { fileOffset: here, context: (at: string) => `${path}.valuesObject.${at}`, note: note('valuesObject') };
    merged.merge(this.get(helm, 'valuesObject'), { text: this.text, place: valuesObjectPlace });
    this.items(this.get(helm, 'parameters')).forEach((parameter, index) => {
      const name = this.string(this.get(parameter, 'name'));
      const context = (at: string) => `${path}.parameters[${index}].value (${at})`;
      const place = { fileOffset: here, context, note: `a value the Argo CD application sets for its chart (helm.parameters ${name ?? ''}), read as written` };
      if (name !== undefined) merged.set(name, this.get(parameter, 'value'), { text: this.text, place });
    });
    const reading = { note: '', emptyTag: 'tag is empty; the chart, which is not read here, chooses the default' };
    const exhausted = imagesInValuesTree(merged.root, merged.textOf, '', '', (image) => {
      const place = merged.placeOf(image.at);
      if (place === undefined) return;
      const text = typeof image.value === 'string' ? image.value : image.raw;
      const notes = [place.note, image.note].filter(Boolean).join('; ');
      this.emit({ offset: place.fileOffset(image.offset), raw: image.raw, text, value: placeholderCheck(image.value, this.templateNote), context: place.context(image.context), note: notes, kind: 'helm' }, false);
    }, reading);
    if (exhausted) this.exhausted = true;
  }

  /** Argo Workflows: Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow; Argo CD's applications. */
  private argo(root: unknown, kind: string, prefix: string): void {
    if (kind === 'Application' || kind === 'ApplicationSet') {
      this.argoApplication(root, kind, prefix);
      return;
    }
    let spec = this.get(root, 'spec');
    let path = `${prefix}spec`;
    if (kind === 'CronWorkflow') {
      spec = this.get(spec, 'workflowSpec');
      path += '.workflowSpec';
    } else if (!['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'].includes(kind)) {
      return;
    }
    const workflowParameters = this.namedValues(this.get(this.get(spec, 'arguments'), 'parameters'), ['value']);
    const templateDefaults = this.get(spec, 'templateDefaults');
    if (templateDefaults !== undefined) this.argoTemplate(templateDefaults, `${path}.templateDefaults`, workflowParameters);
    this.items(this.get(spec, 'templates')).forEach((template, index) => {
      this.argoTemplate(template, `${path}.templates[${index}]`, workflowParameters);
    });
  }

  private argoTemplate(template: unknown, path: string, workflowParameters: Map<string, string>): void {
    const inputs = this.namedValues(this.get(this.get(template, 'inputs'), 'parameters'), ['value', 'default']);
    const substitute = argoParameters(inputs, workflowParameters);
    for (const single of ['container', 'script']) {
      const container = this.get(template, single);
      if (container !== undefined) this.imageOf(container, `${path}.${single}`, substitute);
    }
    this.containerList(this.get(this.get(template, 'containerSet'), 'containers'), `${path}.containerSet.containers`, false, substitute);
    for (const list of ['initContainers', 'sidecars']) this.containerList(this.get(template, list), `${path}.${list}`, false, substitute);
  }

  /** `[{name, value|default}]` lists (Tekton params, Argo parameters) as name -> string value. */
  namedValues(list: unknown, valueKeys: string[]): Map<string, string> {
    const values = new Map<string, string>();
    for (const item of this.items(list)) {
      const name = this.string(this.get(item, 'name'));
      if (name === undefined) continue;
      for (const key of valueKeys) {
        const value = this.string(this.get(item, key));
        if (value !== undefined) {
          values.set(name, value);
          break;
        }
      }
    }
    return values;
  }

  paramsOf(spec: unknown): Map<string, string> {
    return this.namedValues(this.get(spec, 'params'), ['default']);
  }
}


/** Where a tree of an Argo CD source's Helm values is written in the file. */
interface ArgoValuesPlace {
  fileOffset: (offset: number) => number;
  /** The context of an image at a path of the values. */
  context: (valuesPath: string) => string;
  note: string;
}

/** A Tekton parameter's name in `$(params.x)`, `$(params['x'])`, `$(inputs.params.x)`; undefined for any other expression. */
function tektonParamName(expression: string): string | undefined {
  const match = /^(?:inputs\.)?params(?:\.([A-Za-z0-9_.-]+)|\[["']([^"'\]]+)["']\])$/.exec(expression.trim());
  return match?.[1] ?? match?.[2];
}

/** `text` with its `$(params.x)` read from `values`; undefined when one is not there (or another expression is written). */
function expandTektonParams(text: string, values: ReadonlyMap<string, string>): string | undefined {
  let missing = false;
  const value = text.replace(/\$\(([^()]*)\)/g, (whole, expression: string) => {
    const name = tektonParamName(expression);
    const found = name === undefined ? undefined : values.get(name);
    if (found === undefined) missing = true;
    return found ?? whole;
  });
  return missing ? undefined : value;
}

/** `Tekton parameter a` / `Tekton parameters a, b`. */
function paramNames(names: string[]): string {
  return `Tekton parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
}

/**
 * Tekton `$(params.x)`, `$(params['x'])`, `$(inputs.params.x)` from the values a run or pipeline
 * task gives (`given`), else the spec's parameter defaults.
 */
function tektonParams(walker: ManifestWalker, spec: unknown, given: ReadonlyMap<string, string> = new Map()): Substitution {
  const defaults = walker.paramsOf(spec);
  return (text) => {
    if (!text.includes('$(')) return { value: text };
    const fromDefaults: string[] = [];
    const fromRun: string[] = [];
    let problem: string | undefined;
    const value = text.replace(/\$\(([^()]*)\)/g, (whole, expression: string) => {
      const name = tektonParamName(expression);
      if (name === undefined) {
        problem ??= `Tekton expression ${whole} is only known when the task runs`;
        return whole;
      }
      const set = given.get(name);
      const found = set ?? defaults.get(name);
      if (found === undefined) {
        problem ??= `Tekton parameter "${name}" has no default; its value comes from the run`;
        return whole;
      }
      (set !== undefined ? fromRun : fromDefaults).push(name);
      return found;
    });
    if (problem) return { value: { unresolved: problem } };
    const notes = [...(fromDefaults.length > 0 ? [`default of ${paramNames(fromDefaults)}`] : []), ...(fromRun.length > 0 ? [`${paramNames(fromRun)} as its run or pipeline task sets it`] : [])];
    return { value, note: notes.length > 0 ? notes.join('; ') : undefined };
  };
}

/** Argo `{{inputs.parameters.x}}` and `{{workflow.parameters.x}}` from the values written in the resource. */
function argoParameters(inputs: Map<string, string>, workflow: Map<string, string>): Substitution {
  return (text) => {
    if (!text.includes('{{')) return { value: text };
    const used: string[] = [];
    let problem: string | undefined;
    const value = text.replace(/\{\{([^{}]*)\}\}/g, (whole, expression: string) => {
      const match = /^(inputs|workflow)\.parameters\.([A-Za-z0-9_-]+)$/.exec(expression.trim());
      const found = match ? (match[1] === 'inputs' ? inputs : workflow).get(match[2]) : undefined;
      if (!match || found === undefined) {
        problem ??= `Argo expression ${whole} is only known when the workflow runs`;
        return whole;
      }
      used.push(`${match[1]}.parameters.${match[2]}`);
      return found;
    });
    if (problem) return { value: { unresolved: problem } };
    return { value, note: `from Argo parameter${used.length > 1 ? 's' : ''} ${used.join(', ')}` };
  };
}

/** An OpenShift object of `kind` in its API group (`apps.openshift.io/v1`), or in the legacy core `v1` OpenShift 3 still writes. */
function isOpenShiftKind(apiVersion: string, kind: string, expected: string, group: string): boolean {
  return kind === expected && (apiVersion === 'v1' || apiVersion.startsWith(`${group}.openshift.io/`));
}

/** An `istio-proxy` container's image as written, with `auto` unresolved (pod-spec.ts `isIstioInjectedProxy`). */
function istioInjected(substitute: Substitution): Substitution {
  return (text) => (isIstioInjectedProxy('istio-proxy', text) ? { value: { unresolved: ISTIO_INJECTED_NOTE } } : substitute(text));
}

/** The ASCII letters that end `text`, if any (a loop: `/([A-Za-z]+)$/` retried every letter of a run not ending the text). */
export function trailingLetters(text: string): string | undefined {
  let start = text.length;
  while (start > 0 && /[A-Za-z]/.test(text[start - 1])) start--;
  return start < text.length ? text.slice(start) : undefined;
}

/**
 * API round-trip test data (k8s.io/apimachinery's `apitesting/roundtrip`, copied by operators such as
 * KubeVirt into `testdata/HEAD/*.json|yaml`) fills every string field with its own name and
 * `Value`: `image: imageValue` is that filler, no image anyone wrote.
 */
function roundTripFiller(written: string, context: string): { unresolved: string } | undefined {
  const field = trailingLetters(context);
  return field !== undefined && written === `${field}Value` ? { unresolved: `"${written}" is the filler API round-trip test data writes in every string field (its name and "Value"), no image` } : undefined;
}

const KO_SCHEME = 'ko://';

const TEMPLATE_ACTION_NOTE = 'a {{ }} template action is filled in when this file is rendered';

/**
 * Placeholders no manifest reader can fill (envsubst `${VAR}`, a template's `{{ }}`, an unsubstituted
 * `$(...)`, ko's `ko://` Go packages, a tail such as `-backup`) make the image unresolved rather than a grammar error.
 */
function placeholderCheck(value: string | { unresolved: string }, templateNote: string): string | { unresolved: string } {
  if (typeof value !== 'string') return value;
  // ko (ko.build) builds the Go package named after `ko://` and writes the pushed image in its place.
  if (value.includes(TEMPLATE_ACTION_MARK)) return { unresolved: templateNote };
  if (value.includes(PLACEHOLDER_MARK)) return { unresolved: `${value.replace(PLACEHOLDER_MARK, '@')} holds a placeholder filled in by a tool before the file is applied` };
  if (value.startsWith(KO_SCHEME)) return { unresolved: `ko builds this image from the Go package ${value.slice(KO_SCHEME.length)} when it resolves the file` };
  // No reference starts with a dash: `-backup` is what is left of `${IMAGE}-backup`, the start a tool writes in.
  if (value.startsWith('-')) return { unresolved: `"${value}" is the tail of a reference whose start a tool fills in before the file is applied` };
  const placeholder = firstSpan([enclosed(value, '${', '}'), enclosed(value, '{{', '}}', { sameLine: true }), enclosed(value, '$(', ')')]);
  if (placeholder) return { unresolved: `${value.slice(placeholder.start, placeholder.end)} is filled in by a tool outside this file` };
  return value;
}
