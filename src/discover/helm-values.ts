/**
 * Helm values files (`values*.yaml` beside a Chart.yaml): image blocks (`repository` with optional
 * `registry`, `tag`, `digest`, Bitnami style; or `registry` + `image`, ingress-nginx style) nested
 * anywhere, and plain `image: name:tag` strings. Only maps that look like image blocks count: a
 * `repository` that is a chart or git URL is not an image.
 */
import type { Occurrence } from '../model.js';
import { joinPath, parentDir, parseChartMetadata, readChartTemplates, type ChartMetadata, type ChartTemplates } from './helm-chart.js';
import { evaluatePipeline, goFloat, scanTemplate, Unresolvable } from './helm-template-eval.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { isMap, isScalar, isSeq, mapGet, parseYamlDocuments, scalarLocation } from './yaml.js';

const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

/** Keys whose string value is an image (`image`, `kubectlImage`, `initImage`...). */
const IMAGE_STRING_KEY = /^(image|[A-Za-z0-9_]*Image)$/;
/** Keys under which a map is an image block even without a tag beside the repository. */
const IMAGE_BLOCK_KEY = /image/i;

/** Words that are settings in an image-named key rather than image names. */
const NOT_AN_IMAGE = /^(true|false|yes|no|on|off|always|never|ifnotpresent|none|null|enabled|disabled)$/i;

export const helmValuesDiscoverer: Discoverer = {
  kind: 'helm',
  matches(path: string): boolean {
    return /^values[^/]*\.ya?ml$/i.test(path.slice(path.lastIndexOf('/') + 1));
  },
  async extract(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
    const chartText = await context.readFile(joinPath(parentDir(file.path), 'Chart.yaml'));
    // A values*.yaml outside a chart is some other tool's file.
    if (chartText === undefined) return { occurrences: [] };
    const chartRoot = parentDir(file.path);
    const chart = parseChartMetadata(chartText);
    const templates = await readChartTemplates(chartRoot, context);
    const parsed = parseYamlDocuments(file.text);
    if (parsed.documents.length === 0 && parsed.errors.length > 0) throw new Error(parsed.errors[0]);
    const lines = new LineIndex(file.text);
    const occurrences: Occurrence[] = [];
    const errors = [...parsed.errors];
    for (const document of parsed.documents) {
      const walker = new ValuesWalker(file, lines, chart, templates, occurrences);
      walker.walk(document.contents, '', '', 0);
      if (walker.exhausted) errors.push('too many nodes; the rest of the file was not searched for images');
    }
    return errors.length > 0 ? { occurrences, errors } : { occurrences };
  },
};

/** A scalar field of an image block as Helm renders it, with its written text when that differs. */
interface Field {
  rendered: string;
  written: string;
}

class ValuesWalker {
  private visited = 0;
  exhausted = false;

  constructor(
    private readonly file: SourceFile,
    private readonly lines: LineIndex,
    private readonly chart: ChartMetadata,
    private readonly templates: ChartTemplates,
    private readonly occurrences: Occurrence[],
  ) {}

  /** Aliases are not followed: what they name is searched where it is written. */
  walk(node: unknown, path: string, key: string, depth: number): void {
    if (depth > MAX_DEPTH || this.exhausted) return;
    if (++this.visited > MAX_NODES) {
      this.exhausted = true;
      return;
    }
    if (isMap(node)) {
      if (this.imageBlock(node, path, key)) return;
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const childKey = String(pair.key.value);
        const childPath = path === '' ? childKey : `${path}.${childKey}`;
        if (IMAGE_STRING_KEY.test(childKey) && isScalar(pair.value)) this.imageString(pair.value, childPath);
        else this.walk(pair.value, childPath, childKey, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => this.walk(item, `${path}[${index}]`, key, depth + 1));
    }
  }

  /** `image: nginx:1.25` */
  private imageString(node: unknown, path: string): void {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const location = scalarLocation(node, this.file.text);
    const written = location?.value.trim() ?? '';
    // Whitespace outside template actions means prose, not an image.
    if (!location || location.raw === '' || written === '' || /\s/.test(written.replace(/\{\{.*?\}\}/g, ''))) return;
    // `pullImage: "true"`, `image: Always`: settings, not images.
    if (NOT_AN_IMAGE.test(written)) return;
    const value = written.includes('{{') ? { unresolved: 'the value is a template rendered with tpl at install time' } : written;
    this.emit(location.offset, location.raw, value, path);
  }

  /** A map holding an image's parts; true when it was one (its contents are not searched further). */
  private imageBlock(map: unknown, path: string, key: string): boolean {
    const repositoryNode = mapGet(map, 'repository');
    const nameNode = mapGet(map, 'image');
    const registry = this.field(mapGet(map, 'registry'));
    const tag = this.field(mapGet(map, 'tag'));
    const digest = this.field(mapGet(map, 'digest'));
    const hasImageParts = tag !== undefined || digest !== undefined || registry !== undefined || mapGet(map, 'pullPolicy') !== undefined;

    let nameField: Field | undefined = this.field(repositoryNode);
    let positioned = repositoryNode;
    let fieldName = 'repository';
    if (nameField === undefined && registry !== undefined && IMAGE_BLOCK_KEY.test(key)) {
      // ingress-nginx style: `image: {registry, image, tag, digest}`.
      nameField = this.field(nameNode);
      positioned = nameNode;
      fieldName = 'image';
    }
    if (nameField === undefined || !looksLikeRepository(nameField.rendered)) return false;
    if (!IMAGE_BLOCK_KEY.test(key) && !hasImageParts) return false;

    const location = scalarLocation(positioned, this.file.text);
    if (!location || location.raw === '') return false;

    const notes: string[] = [];
    let image = registry && registry.rendered !== '' ? `${registry.rendered.replace(/\/+$/, '')}/${nameField.rendered}` : nameField.rendered;
    let unresolvedTag: string | undefined;
    if (tag && tag.rendered !== '') {
      image += `:${tag.rendered}`;
      if (tag.rendered !== tag.written) notes.push(`tag written as the number ${tag.written}; Helm renders it as ${tag.rendered}`);
    } else if (!digest || digest.rendered === '') {
      // What an empty tag becomes is the templates' choice (appVersion, "v" + appVersion, ...): read it, never assume it.
      const fallback = emptyTagDefault(path, this.templates, this.chart);
      if ('tag' in fallback) {
        image += `:${fallback.tag}`;
        notes.push(fallback.note);
      } else {
        unresolvedTag = fallback.unresolved;
      }
    }
    if (digest && digest.rendered !== '') image += `@${digest.rendered}`;
    const templated = [registry, nameField, tag, digest].some((part) => part?.rendered.includes('{{'));
    this.emit(
      location.offset,
      location.raw,
      templated
        ? { unresolved: 'part of the image is a template rendered with tpl at install time' }
        : unresolvedTag !== undefined
          ? { unresolved: unresolvedTag }
          : image,
      `${path === '' ? '' : `${path}.`}${fieldName}`,
      notes.join('; ') || undefined,
    );
    return true;
  }

  /** A scalar's text as Helm renders it (numbers as Go prints float64) and as written. */
  private field(node: unknown): Field | undefined {
    if (!isScalar(node)) return undefined;
    const value = node.value;
    if (value === null || value === undefined) return { rendered: '', written: '' };
    if (typeof value === 'string') return { rendered: value.trim(), written: value.trim() };
    if (typeof value === 'number') {
      const written = scalarLocation(node, this.file.text)?.raw ?? String(value);
      return { rendered: goFloat(value), written };
    }
    return undefined;
  }

  private emit(offset: number, raw: string, value: string | { unresolved: string }, context: string, note?: string): void {
    this.occurrences.push(makeOccurrence({ file: this.file.path, kind: 'helm', lines: this.lines, offset, raw, value, context, note }));
  }
}

/** An image repository, not a chart repository URL, a git remote or a local path. */
function looksLikeRepository(text: string): boolean {
  if (text === '' || /\s/.test(text)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(oci|file|alias):/i.test(text) || text.startsWith('@') || text.startsWith('git@')) return false;
  if (/\.git$/.test(text) || text.startsWith('/') || text.startsWith('.')) return false;
  return true;
}

/** Bound on the template actions read to find how an empty tag is defaulted. */
const MAX_TEMPLATE_ACTIONS = 50_000;

/** A `default` argument: a string literal, a `.Chart.AppVersion` (of any context), or one parenthesized expression. */
const DEFAULT_ARGUMENT = String.raw`("(?:[^"\\]|\\.)*"|\$?[\w.]*\.Chart\.AppVersion\b|\((?:[^()]|\([^()]*\))*\))`;

/**
 * What an empty `tag` of the image block at `blockPath` renders as, read from the chart's templates:
 * the `default` applied to `.Values.<blockPath>.tag` (`default X .Values.image.tag`,
 * `.Values.image.tag | default X`); when no template names that path (the block is handed to a
 * helper or read in a `with` block), the `default` the templates apply to `.<last key>.tag`, else
 * to any `.tag` not rooted at .Values, if they all agree. Anything else is unresolved: the
 * templates choose, and a guess would name an image the chart never renders.
 */
export function emptyTagDefault(blockPath: string, templates: ChartTemplates, chart: ChartMetadata): { tag: string; note: string } | { unresolved: string } {
  const unknown = "tag is empty; the chart's templates choose the default";
  const actions: string[] = [];
  for (const file of templates.files) {
    for (const segment of scanTemplate(file.text)) {
      if (segment.kind === 'action' && !segment.body.startsWith('/*')) actions.push(segment.body);
      if (actions.length >= MAX_TEMPLATE_ACTIONS) break;
    }
  }
  const valuesTag = String.raw`\$?\.Values\.${blockPath.split('.').map(escapeRegExp).join(String.raw`\.`)}\.tag\b`;
  const mentionsTag = new RegExp(`(?:^|[^\\w.$])${valuesTag}`);
  const tied = actions.filter((body) => mentionsTag.test(body));
  let defaults: string[];
  if (tied.length > 0) {
    defaults = tied.flatMap((body) => defaultArguments(body, valuesTag));
    if (defaults.length === 0) return { unresolved: `tag is empty, and the chart's templates use .Values.${blockPath}.tag without a default this reader can read` };
  } else {
    // Helpers and `with` blocks read the block through another name: `.image.tag`, `.imageRoot.tag`.
    // Subjects rooted at .Values belong to other blocks. The nearest form (`.<last key>.tag`) wins.
    const other = String.raw`(?<![\w.$])(?!\$?\.Values\.)[\w.$]*`;
    const lastKey = escapeRegExp(blockPath.slice(blockPath.lastIndexOf('.') + 1));
    defaults = actions.flatMap((body) => defaultArguments(body, String.raw`${other}\.${lastKey}\.tag\b`));
    if (defaults.length === 0) defaults = actions.flatMap((body) => defaultArguments(body, String.raw`${other}\.tag\b`));
    if (defaults.length === 0) return { unresolved: unknown };
  }
  const rendered = new Set<string>();
  for (const argument of defaults) {
    const value = evaluateDefault(argument, chart);
    if (value === undefined) return { unresolved: `${unknown} (default ${argument} is not evaluated here)` };
    rendered.add(value);
  }
  if (rendered.size > 1) return { unresolved: `${unknown}, in different ways (${[...rendered].join(', ')})` };
  const [tag] = rendered;
  if (tag === '') return { unresolved: `${unknown}, and the default is empty (Chart.yaml appVersion is ${chart.appVersion === undefined ? 'missing' : 'empty'})` };
  const origin = defaults[0].includes('.Chart.AppVersion') ? ` from Chart.yaml appVersion ${chart.appVersion ?? ''}` : '';
  return { tag, note: `tag is empty; the chart's templates default it to ${tag}${origin}` };
}

/** The `default` arguments applied to `subject` in one action, positional or piped. */
function defaultArguments(body: string, subject: string): string[] {
  const found: string[] = [];
  for (const pattern of [new RegExp(String.raw`\bdefault\s+${DEFAULT_ARGUMENT}\s+${subject}`, 'g'), new RegExp(String.raw`${subject}\s*\|\s*default\s+${DEFAULT_ARGUMENT}`, 'g')]) {
    for (const match of body.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** A default argument's text with Chart.yaml known and nothing else; undefined when it needs more. */
function evaluateDefault(argument: string, chart: ChartMetadata): string | undefined {
  // `.context.Chart.AppVersion` in a helper given a dict is the same chart field.
  const expression = argument.replace(/\$?[\w.]*\.Chart\.AppVersion\b/g, '.Chart.AppVersion');
  try {
    const value = evaluatePipeline(expression, { values: undefined, chart, scope: { dotChanged: false, inDefine: false } });
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : typeof value === 'number' ? goFloat(value) : undefined;
  } catch (error) {
    if (error instanceof Unresolvable) return undefined;
    throw error;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
