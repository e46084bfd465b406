/**
 * How a chart's templates compose an image from a values entry that they do not render with the
 * default values (a part switched off: `oci_meta.enabled: false`, `metrics.enabled: false`). Such
 * an entry is often only part of the image: traefik's `oci_meta.images.hub.image: traefik-hub` is
 * printed after `oci_meta.repo` (`printf "%s/%s:%s" .Values.oci_meta.repo .Values.oci_meta.images.hub.image …`),
 * and a Bitnami block goes through `common.images.image`. Read alone it would name another image
 * (`docker.io/library/traefik-hub`). So each template action that names the entry's values path
 * (`.Values.a.b` or `$.Values.a.b`, the entry or a key inside it), and nothing relative to where it
 * stands (no variable but `$`, no bare `.`), is evaluated alone with the root context and the
 * default values; an action on an `image:` line is evaluated with the whole line (`"{{ .Values.x.registry }}/{{ .Values.x.repository }}"`).
 * The condition that switched the part off is not evaluated; what builds the image is. What it
 * prints is used when it is an image reference that contains the written value (and, for a
 * variable's value, more than it).
 */
import { parseCached, type ChartTemplateFile, type LoadedChart } from './helm-chart.js';
import { execute, type RenderEnv } from './helm-template-exec.js';
import { TEMPLATE_FUNCTIONS } from './helm-template-funcs.js';
import type { Arg, Pipe, TemplateNode } from './helm-template-parse.js';
import { LimitError } from './helm-template-values.js';
import { copyValues, MARKER, parseForTpl, rootContext, withChartSteps } from './helm-render.js';
import { normalizeForOccurrence } from '../reference/index.js';

/** An image a template action composes from a values entry. */
export interface ComposedImage {
  value: string;
  /** The template file and offset (in its text as written) of the action. */
  file: ChartTemplateFile;
  offset: number;
}

/** What can be evaluated alone: an action, or an `image:` line's whole value; with the values paths it names. */
interface ValuesAction {
  file: ChartTemplateFile;
  nodes: TemplateNode[];
  /** Offset in the file as written. */
  offset: number;
  paths: string[];
  /** A variable declaration (`{{ $x := … }}`) evaluated for the value it gives the variable. */
  declares: boolean;
}

/** Objects of the root context; a field chain starting elsewhere is relative to a rebound dot. */
const ROOT_FIELDS = new Set(['Values', 'Chart', 'Release', 'Capabilities', 'Template', 'Files', 'Subcharts']);

/** Steps allowed to evaluate one action (an include may run a long helper). */
const STEPS_PER_ACTION = 50_000;
/** Actions evaluated per values entry. */
const MAX_ACTIONS_PER_ENTRY = 20;
/** Composed images kept per values entry. */
const MAX_IMAGES_PER_ENTRY = 3;
/** Nesting of control nodes followed when indexing. */
const MAX_NODE_DEPTH = 200;

const actionIndex = new WeakMap<LoadedChart, ValuesAction[]>();
const valuesCopies = new WeakMap<LoadedChart, { data: Record<string, unknown> | undefined; incomplete: WeakMap<object, string> }>();

/**
 * The chart's values, copied once: `merge` changes its first map, as in Helm, and the chart's own
 * values serve every later render. Maps missing a dependency's defaults stay marked in the copy.
 */
function valuesCopy(chart: LoadedChart): { data: Record<string, unknown> | undefined; incomplete: WeakMap<object, string> } {
  let copy = valuesCopies.get(chart);
  if (!copy) {
    copy = copyValues(chart);
    valuesCopies.set(chart, copy);
  }
  return copy;
}

/**
 * The images the chart's template actions compose from the values entry at `path` (dot-joined,
 * as in `.Values.<path>`) whose written text is `written`; empty when none does.
 */
export function composedImages(chart: LoadedChart, path: string, written: string): ComposedImage[] {
  const actions = valuesActions(chart).filter((action) => action.paths.some((named) => named === path || named.startsWith(`${path}.`)));
  const found: ComposedImage[] = [];
  for (const action of actions.slice(0, MAX_ACTIONS_PER_ENTRY)) {
    const value = evaluateAlone(chart, action);
    // A variable given the entry alone (`{{ $repository := .Values.x.image.repository }}`, joined to its
    // registry and tag later through variables) says nothing of how the image is composed.
    if (value === undefined || (action.declares && value === written) || !holdsPart(value, written) || !normalizeForOccurrence(value).ok) continue;
    if (found.some((image) => image.value === value)) continue;
    found.push({ value, file: action.file, offset: action.offset });
  }
  // A bare part printed by one action (`{{ .Values.x.image }}`) is not another image beside the composed one.
  return found.filter((image) => !found.some((other) => other !== image && other.value.length > image.value.length && other.value.includes(image.value))).slice(0, MAX_IMAGES_PER_ENTRY);
}

/**
 * Whether `written` is a whole part of the reference `value`, between its start or a `/` and its end
 * or a `/`, `:` or `@`: `openpolicyagent/gatekeeper` is no part of `openpolicyagent/gatekeeper-crds:v3`.
 */
function holdsPart(value: string, written: string): boolean {
  if (written === '') return false;
  for (let at = value.indexOf(written); at >= 0; at = value.indexOf(written, at + 1)) {
    const after = value[at + written.length];
    if ((at === 0 || value[at - 1] === '/') && (after === undefined || after === '/' || after === ':' || after === '@')) return true;
  }
  return false;
}

/** What one action prints, evaluated alone with the root context; undefined when not fully known. */
function evaluateAlone(chart: LoadedChart, action: ValuesAction): string | undefined {
  const values = valuesCopy(chart);
  // Charged to the chart's budget: a values file of thousands of entries each naming an action is bounded with the rest.
  const text = withChartSteps(chart, STEPS_PER_ACTION, (budget) => {
    const env: RenderEnv = { templates: chart.templates, functions: TEMPLATE_FUNCTIONS, parseText: parseForTpl, budget, unknowns: [], reads: [], siteHits: [], incomplete: values.incomplete };
    try {
      return execute(action.nodes, rootContext(chart, action.file, values.data), env);
    } catch (error) {
      if (error instanceof LimitError) return undefined;
      throw error;
    }
  })?.result;
  if (text === undefined) return undefined;
  // Unknown values print as \u0001 markers; the `image:` lines of included helpers as stamped \u0000 ones.
  if (text.includes('\u0001')) return undefined;
  const value = unquote(text.replace(MARKER, '').trim());
  return value === '' || /\s/.test(value) ? undefined : value;
}

/** The chart's actions and image lines that can be evaluated alone, indexed once per chart. */
function valuesActions(chart: LoadedChart): ValuesAction[] {
  let cached = actionIndex.get(chart);
  if (!cached) {
    cached = [];
    for (const file of chart.files) {
      const parsed = parseCached(file);
      if ('error' in parsed) continue;
      const collector = new Collector(file, cached);
      // At a file's top level dot is the root; in a named template it is what the caller passed.
      collector.walk(parsed.root, { dot: 'root', withs: [] }, 0);
      for (const nodes of parsed.defines.values()) collector.walk(nodes, { dot: 'caller', withs: [] }, 0);
      collector.addSites();
    }
    actionIndex.set(chart, cached);
  }
  return cached;
}

/**
 * What dot is where a node stands: the root; set by enclosing `with`s (evaluated in order from the
 * root); a caller's (a named template's body: only root fields such as `.Values` are taken to mean
 * the root); or not known (in a `range`, or a `with` that cannot be evaluated alone).
 */
interface Scope {
  dot: 'root' | 'withs' | 'caller' | 'unknown';
  withs: Pipe[];
}

/** Walks a template's nodes for actions outside `image:` lines, and the scope each image line stands in. */
class Collector {
  private readonly siteScopes = new Map<number, Scope>();

  constructor(
    private readonly file: ChartTemplateFile,
    private readonly into: ValuesAction[],
  ) {}

  walk(nodes: TemplateNode[], scope: Scope, depth: number): void {
    if (depth > MAX_NODE_DEPTH) return;
    for (const node of nodes) {
      if (node.type === 'text') this.noteSites(node.text, scope);
      else if (node.type === 'action') this.action(node, scope);
      else if (node.type === 'if') {
        this.walk(node.list, scope, depth + 1);
        this.walk(node.elseList ?? [], scope, depth + 1);
      } else if (node.type === 'with') {
        const evaluable = node.pipe.decl.length === 0 && namedPaths([{ type: 'action', pipe: node.pipe, pos: node.pos }], scope.dot) !== undefined;
        this.walk(node.list, evaluable ? { dot: 'withs', withs: [...scope.withs, node.pipe] } : { dot: 'unknown', withs: [] }, depth + 1);
        this.walk(node.elseList ?? [], scope, depth + 1);
      } else if (node.type === 'range') {
        this.walk(node.list, { dot: 'unknown', withs: [] }, depth + 1);
        this.walk(node.elseList ?? [], scope, depth + 1);
      }
    }
  }

  /** `{{ $image := printf … }}` is evaluated for the value it gives the variable. */
  private action(node: Extract<TemplateNode, { type: 'action' }>, scope: Scope): void {
    const at = writtenOffset(this.file, node.pos);
    if (at.inSite) return;
    const alone: TemplateNode = { ...node, pipe: { ...node.pipe, decl: [], isAssign: false } };
    this.add([alone], scope, at.offset, node.pipe.decl.length > 0);
  }

  private noteSites(text: string, scope: Scope): void {
    for (let at = text.indexOf('\u0000S'); at >= 0; at = text.indexOf('\u0000S', at + 1)) {
      const close = text.indexOf('\u0000', at + 1);
      if (close > at) this.siteScopes.set(Number(text.slice(at + 2, close)) - this.file.siteBase, scope);
    }
  }

  /** Each `image:` line with template actions, its whole value evaluated in the scope it stands in. */
  addSites(): void {
    for (const [index, site] of this.file.sites.entries()) {
      const scope = this.siteScopes.get(index);
      if (!scope || site.inAction || !site.raw.includes('{{')) continue;
      const parsed = parseForTpl(site.raw);
      if (!('error' in parsed)) this.add(parsed.nodes, scope, site.offset);
    }
  }

  private add(nodes: TemplateNode[], scope: Scope, offset: number, declares = false): void {
    const inner = namedPaths(nodes, scope.dot);
    if (inner === undefined) return;
    const outer = scope.withs.flatMap((pipe) => namedPaths([{ type: 'action', pipe, pos: 0 }], 'root') ?? []);
    const paths = [...outer, ...inner];
    if (paths.length === 0) return;
    // Wrapped in the enclosing `with`s, outermost first, so dot is what it is where the node stands.
    const wrapped = scope.withs.reduceRight<TemplateNode[]>((list, pipe) => [{ type: 'with', pipe, list, pos: 0 }], nodes);
    this.into.push({ file: this.file, nodes: wrapped, offset, paths, declares });
  }
}

/**
 * The `.Values` paths nodes name (`.Values.a.b`, `$.Values.a.b`, and `.a.b` where dot is the root);
 * undefined when one reads something that depends on where it stands: a variable other than `$`,
 * dot where it is not known, or a field of a caller's dot other than the root's objects.
 */
function namedPaths(nodes: TemplateNode[], dot: Scope['dot']): string[] | undefined {
  const paths: string[] = [];
  const known = dot === 'root' || dot === 'withs';
  const visit = (arg: Arg): boolean => {
    switch (arg.type) {
      case 'field':
        // Where dot was set by a `with`, the with's own path is what the fields name.
        if ((dot === 'root' || dot === 'caller') && arg.path[0] === 'Values' && arg.path.length > 1) paths.push(arg.path.slice(1).join('.'));
        return known || (dot === 'caller' && ROOT_FIELDS.has(arg.path[0]));
      case 'variable':
        if (arg.name !== '$') return false;
        if (arg.path[0] === 'Values' && arg.path.length > 1) paths.push(arg.path.slice(1).join('.'));
        return true;
      case 'dot':
        return known;
      case 'pipe':
        return visitPipe(arg.pipe);
      case 'chain':
        return visit(arg.base);
      default:
        return true;
    }
  };
  const visitPipe = (pipe: Pipe): boolean => pipe.decl.length === 0 && pipe.cmds.every((cmd) => cmd.every(visit));
  const visitNodes = (list: TemplateNode[], depth: number): boolean =>
    depth <= MAX_NODE_DEPTH &&
    list.every((node) => {
      if (node.type === 'action') return visitPipe(node.pipe);
      if (node.type === 'template') return node.pipe === undefined || visitPipe(node.pipe);
      if (node.type === 'if' || node.type === 'with') return visitPipe(node.pipe) && visitNodes(node.list, depth + 1) && visitNodes(node.elseList ?? [], depth + 1);
      return node.type === 'text';
    });
  return visitNodes(nodes, 0) ? paths : undefined;
}

/** A value printed between YAML quotes (`{{ x | quote }}`) is the text inside. */
function unquote(text: string): string {
  const quote = text[0];
  return (quote === '"' || quote === "'") && text.length >= 2 && text.endsWith(quote) ? text.slice(1, -1) : text;
}

/** An offset in the parsed (site-marked) text of a file, as an offset in the file as written; whether it is inside an `image:` value. */
function writtenOffset(file: ChartTemplateFile, pos: number): { offset: number; inSite: boolean } {
  let shift = 0;
  for (const [index, site] of file.sites.entries()) {
    if (site.inAction) continue;
    // The start marker is written before the site's value, the end marker after it.
    if (pos < site.offset + shift) break;
    shift += `\u0000S${file.siteBase + index}\u0000`.length;
    if (pos < site.offset + site.raw.length + shift) return { offset: Math.max(site.offset, pos - shift), inSite: true };
    shift += `\u0000E${file.siteBase + index}\u0000`.length;
  }
  return { offset: pos - shift, inSite: false };
}
