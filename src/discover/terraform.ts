/**
 * Terraform configurations (`*.tf`): the images of the resources that run containers.
 * - Docker provider: `docker_container.image` (one that names a `docker_image` resource is reported
 *   at that resource), `docker_image.name` (built here when it has a `build` block), the image a
 *   `docker_registry_image` pushes, a `docker_service`'s `container_spec.image`;
 * - Kubernetes provider (`kubernetes_*`): every `container` and `init_container` block's `image`;
 * - Cloud Run (`google_cloud_run_*`): its `containers` blocks; Azure (`azurerm_container_*`): its
 *   `container` and `init_container` blocks;
 * - AWS: `aws_ecs_task_definition.container_definitions` (`jsonencode` of objects, a heredoc of
 *   JSON, `file()` or `templatefile()` of a JSON file of this repository), an `aws_batch_job_definition`'s
 *   `container_properties`, `aws_lambda_function.image_uri`, and the `container_definitions` a
 *   module call hands terraform-aws-modules' ECS modules (and the `image` of its
 *   `container-definition` module, the `container_image` of Cloud Posse's, whose outputs a task
 *   definition then takes);
 * - `helm_release`: the `set` values named `image`, `*.image`, `*.repository` (with the `*.tag` beside it),
 *   and the images of its `values` (terraform-helm-values.ts).
 * Values come from the module's variables and locals (terraform-values.ts); anything Terraform
 * computes is an unresolved note. Positions are those of the image value as written.
 */
import type { ContainerConfig, Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { heredocBody, hclTokens, readExpression, readHcl, unescape, type HclBlock, type HclToken, type HclValue } from './hcl.js';
import { containerDefinitionConfig, containerDefinitionSites, jsonStringValue } from './ecs-task-definition.js';
import { dirName } from './image-site.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { releaseValues } from './terraform-helm-values.js';
import { evaluateString, followReferences, tokensOf, isAutoVariablesFile, isTerraformFile, moduleValues, traversalNames, type Located, type ModuleValues } from './terraform-values.js';

/** Where one image is written, and what reads it. */
interface ImageSite {
  located: Located;
  context: string;
  local?: boolean;
  /** A Helm chart's `image.repository`: the `image.tag` and `image.registry` set beside it. */
  chart?: { tag?: Located; registry?: Located };
  /** Said of the image (a branch of a conditional: when Terraform takes it). */
  note?: string;
}

/** What one file yields; occurrences may sit in the files a module's locals or a `file()` live in. */
interface Findings {
  sites: ImageSite[];
  /** Images in JSON text (a heredoc or a file a function reads), with the offset of that text in its file. */
  jsonSites: JsonSite[];
  containers: ContainerConfig[];
  /** Container objects written in HCL (`jsonencode`, a module's inputs), whose `user` and `privileged` are read. */
  containerObjects: Array<{ located: Located; context: string }>;
  /** Images already placed: those of Helm values in YAML (a heredoc, a file). */
  occurrences: Occurrence[];
  notes: string[];
}

/**
 * JSON container definitions in a heredoc or a file a function reads: the text, its offset in its
 * file, and the values its `${ }` take (a heredoc's from the module, a `templatefile()`'s from its
 * arguments; none for `file()`, which reads the text as it is).
 */
interface JsonSite {
  file: string;
  text: string;
  base: number;
  context: string;
  values?: ModuleValues;
}

/** Bound on files read through `file()`/`templatefile()` from one configuration. */
const MAX_READ_FILES = 50;

const CONTAINER_BLOCKS = new Set(['container', 'init_container']);
/**
 * Modules whose `image` (or `container_image`) input is the image of the one container they run:
 * terraform-aws-modules' and Cloud Posse's ECS container definitions, GoogleCloudPlatform's Cloud Run.
 */
const IMAGE_MODULES = ['container-definition', 'cloud-run'];
const IMAGE_MODULE_INPUTS = ['image', 'container_image'];
/** Functions that only gather container definitions into the list a task definition takes. */
const LIST_FUNCTIONS = new Set(['jsonencode', 'concat', 'flatten', 'tolist', 'compact']);

const isImageModuleSource = (source: HclToken | undefined): boolean => source?.kind === 'string' && IMAGE_MODULES.some((name) => source.text.includes(name));

/**
 * Whether a task definition's `container_definitions` is only the output of image modules called in
 * this directory (`module.app.json_map_encoded_list`, `jsonencode([module.app.json_map_object,
 * module.sidecar.json_map_object])`): their images are read at the module calls, not here.
 */
function onlyImageModuleOutputs(value: HclValue, values: ModuleValues, depth = 0): boolean {
  if (depth > 8) return false;
  if (value.kind === 'tuple') return value.items.length > 0 && value.items.every((item) => onlyImageModuleOutputs(item, values, depth + 1));
  if (value.kind === 'call') return LIST_FUNCTIONS.has(value.name) && value.args.length > 0 && value.args.every((arg) => onlyImageModuleOutputs(arg, values, depth + 1));
  const names = traversalNames(tokensOf(value));
  if (names === undefined || names[0] !== 'module' || names.length < 3) return false;
  const source = values.get(`module.${names[1]}`)?.value;
  return source?.kind === 'literal' && isImageModuleSource(source.token);
}

/** The blocks named `names` below `block` (a `dynamic "container"` block's `content` too), with their paths. */
function blocksNamed(block: HclBlock, names: ReadonlySet<string>, path: string, found: Array<{ block: HclBlock; path: string }>, depth = 0): void {
  if (depth > 32) return;
  for (const child of block.blocks) {
    const childPath = `${path}.${child.type}`;
    if (names.has(child.type)) found.push({ block: child, path: childPath });
    else if (child.type === 'dynamic' && names.has(child.labels[0] ?? '')) {
      const content = child.blocks.find((inner) => inner.type === 'content');
      if (content) found.push({ block: content, path: `${path}.${child.labels[0]}` });
    } else blocksNamed(child, names, childPath, found, depth + 1);
  }
}

function attributeSite(file: SourceFile, block: HclBlock, name: string, context: string, local = false): ImageSite | undefined {
  const tokens = block.attributes.get(name);
  if (tokens === undefined || tokens.length === 0) return undefined;
  return { located: { value: readExpression(file.text, tokens), file: file.path, text: file.text }, context: `${context}.${name}`, local };
}

/** `image = docker_image.web.image_id`: the image is reported where that resource names it. */
function namesDockerImageResource(site: ImageSite): boolean {
  const names = traversalNames(tokensOf(site.located.value));
  return names !== undefined && (names[0] === 'docker_image' || names[0] === 'docker_registry_image');
}

/** Images the Docker provider's resources name, and a container's privilege. */
function dockerSites(file: SourceFile, resource: HclBlock, address: string, findings: Findings, lines: LineIndex): void {
  const [type] = resource.labels;
  if (type === 'docker_image') {
    const site = attributeSite(file, resource, 'name', address, resource.blocks.some((block) => block.type === 'build'));
    if (site) findings.sites.push(site);
  } else if (type === 'docker_registry_image') {
    // The image this configuration pushes: built or tagged here.
    const site = attributeSite(file, resource, 'name', address, true);
    if (site) findings.sites.push(site);
  } else if (type === 'docker_container') {
    const site = attributeSite(file, resource, 'image', address);
    if (site) findings.sites.push(site);
    const config = dockerContainerConfig(file, resource, address, lines);
    if (config) findings.containers.push(config);
  } else if (type === 'docker_service') {
    const specs: Array<{ block: HclBlock; path: string }> = [];
    blocksNamed(resource, new Set(['container_spec']), address, specs);
    for (const { block, path } of specs) {
      const site = attributeSite(file, block, 'image', path);
      if (site) findings.sites.push(site);
    }
  }
}

/** A `docker_container`'s `privileged` and `user`, when written as literals. */
function dockerContainerConfig(file: SourceFile, resource: HclBlock, address: string, lines: LineIndex): ContainerConfig | undefined {
  const literal = (name: string): HclToken | undefined => {
    const tokens = resource.attributes.get(name);
    return tokens?.length === 1 && tokens[0].kind !== 'punct' && tokens[0].kind !== 'heredoc' ? tokens[0] : undefined;
  };
  const privileged = literal('privileged');
  const user = literal('user');
  if (privileged === undefined && user === undefined) return undefined;
  const anchor = resource.attributes.get('image')?.[0];
  const at = (token: HclToken) => (token.kind === 'string' ? { raw: file.text.slice(token.start + 1, token.end - 1), ...lines.positionAt(token.start + 1) } : { raw: token.text, ...lines.positionAt(token.start) });
  const position = anchor ? at(anchor) : { raw: resource.type, ...lines.positionAt(resource.start) };
  const privilegedValue = privileged === undefined ? undefined : privileged.kind === 'string' ? unescape(privileged.text) : privileged.text;
  return {
    file: file.path,
    kind: 'terraform',
    name: address,
    workload: address,
    ...position,
    privileged: privileged && (privilegedValue === 'true' || privilegedValue === 'false') ? { ...at(privileged), value: privilegedValue === 'true' } : undefined,
    user: user?.kind === 'string' ? { ...at(user), value: unescape(user.text) } : undefined,
    addedCapabilities: [],
    hostNamespaces: [],
    hostPaths: [],
  };
}

/** The `image` of each container object a value lists: a tuple or map of objects, `concat(...)`, references followed. */
function containerObjects(located: Located, values: ModuleValues, context: string, findings: Findings, depth = 0): void {
  const followed = followReferences(located, values);
  if ('unresolved' in followed || depth > 8) return;
  const { value } = followed;
  const at = (inner: HclValue): Located => ({ ...followed, value: inner });
  if (value.kind === 'tuple') value.items.forEach((item, index) => containerObjects(at(item), values, `${context}[${index}]`, findings, depth + 1));
  else if (value.kind === 'call' && (value.name === 'concat' || value.name === 'tolist' || value.name === 'flatten')) value.args.forEach((arg) => containerObjects(at(arg), values, context, findings, depth + 1));
  else if (value.kind === 'object') {
    // `container_image`: GoogleCloudPlatform's Cloud Run v2 module names it so.
    const image = value.entries.find((entry) => entry.key === 'image' || entry.key === 'container_image');
    if (image) {
      findings.sites.push({ located: at(image.value), context: `${context}.${image.key}` });
      findings.containerObjects.push({ located: followed, context });
    }
    // A map of containers by name, as terraform-aws-modules' ECS service module takes them.
    else for (const entry of value.entries) if (entry.value.kind === 'object') containerObjects(at(entry.value), values, `${context}.${entry.key}`, findings, depth + 1);
  }
}

/** Pod spec container lists, wherever a manifest written as an HCL object nests them. */
const MANIFEST_CONTAINER_KEYS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** The containers of a `kubernetes_manifest`'s `manifest` object (a Pod, a Deployment's template, a CronJob's job template). */
function manifestContainers(located: Located, values: ModuleValues, context: string, findings: Findings, depth = 0): void {
  const { value } = located;
  if (depth > 16) return;
  const at = (inner: HclValue): Located => ({ ...located, value: inner });
  if (value.kind === 'tuple') value.items.forEach((item, index) => manifestContainers(at(item), values, `${context}[${index}]`, findings, depth + 1));
  if (value.kind !== 'object') return;
  for (const entry of value.entries) {
    if (MANIFEST_CONTAINER_KEYS.has(entry.key)) containerObjects(at(entry.value), values, `${context}.${entry.key}`, findings);
    else manifestContainers(at(entry.value), values, `${context}.${entry.key}`, findings, depth + 1);
  }
}

/**
 * A module input that holds containers, by its name: `container_definitions` (terraform-aws-modules'
 * ECS service), `primary_container` (its Express service), anywhere in the input (`services = { web =
 * { container_definitions = … } }`).
 */
function moduleInputSites(located: Located, name: string, values: ModuleValues, context: string, findings: Findings, depth = 0): void {
  if (name.includes('container')) {
    containerObjects(located, values, context, findings);
    return;
  }
  const { value } = located;
  if (depth > 8 || value.kind !== 'object') return;
  for (const entry of value.entries) moduleInputSites({ ...located, value: entry.value }, entry.key, values, `${context}.${entry.key}`, findings, depth + 1);
}

/** `dir` joined with a relative path, `.` and `..` read; undefined when it climbs above the repository. */
function joinInside(dir: string, relative: string): string | undefined {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of relative.split('/')) {
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/**
 * The repository paths a `file()`/`templatefile()` argument may name: beside the module for
 * `${path.module}/…`; else relative to the directory Terraform runs in, the module's own or one
 * above it (a root module reading `modules/x/defs.json`). A path built from variables is not followed.
 */
function functionPaths(argument: HclValue, fileDir: string): string[] {
  if (argument.kind !== 'literal' || argument.token.kind !== 'string') return [];
  const written = unescape(argument.token.text);
  const prefix = ['${path.module}/', '${path.root}/', '${path.cwd}/'].find((candidate) => written.startsWith(candidate));
  const relative = prefix ? written.slice(prefix.length) : written;
  if (relative.includes('${') || relative.startsWith('/')) return [];
  const dirs = [fileDir];
  for (let dir = fileDir; !prefix && dir !== ''; ) dirs.push((dir = dirName(dir)));
  return dirs.flatMap((dir) => joinInside(dir, relative) ?? []);
}

/** The text of the first of `paths` the repository holds, and its path. */
async function readFirst(paths: readonly string[], context: DiscoverContext): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    const text = await context.readFile(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/** A task definition's `container_definitions`: HCL objects in `jsonencode`, JSON in a heredoc or in a file a function reads. */
async function containerDefinitions(file: SourceFile, tokens: HclToken[], address: string, values: ModuleValues, findings: Findings, context: DiscoverContext, lines: LineIndex): Promise<void> {
  const where = `${address}.container_definitions`;
  let located: Located = { value: readExpression(file.text, tokens), file: file.path, text: file.text };
  // `"${file("x.json")}"`: Terraform 0.11's way of writing an expression.
  if (located.value.kind === 'literal' && located.value.token.kind === 'string') located = { ...located, value: wrappedExpression(file.text, located.value.token) ?? located.value };
  if (onlyImageModuleOutputs(located.value, values)) return;
  const followed = followReferences(located, values);
  if ('unresolved' in followed) {
    findings.notes.push(`line ${lines.positionAt(tokens[0].start).line}: ${where}: ${followed.unresolved}`);
    return;
  }
  const { value } = followed;
  if (value.kind === 'call' && value.name === 'jsonencode' && value.args.length === 1) {
    containerObjects({ ...followed, value: value.args[0] }, values, where, findings);
  } else if (value.kind === 'literal' && value.token.kind === 'heredoc') {
    const [start, end] = heredocBody(followed.text, value.token);
    findings.jsonSites.push({ file: followed.file, text: followed.text.slice(start, end), base: start, context: where, values });
  } else if (value.kind === 'call' && (value.name === 'file' || value.name === 'templatefile') && value.args.length >= 1) {
    const read = findings.jsonSites.length >= MAX_READ_FILES ? undefined : await readFirst(functionPaths(value.args[0], dirName(followed.file)), context);
    if (read === undefined) findings.notes.push(`line ${lines.positionAt(tokens[0].start).line}: ${where}: ${followed.text.slice(value.start, Math.min(value.end, value.start + 120))} reads a file this repository does not hold, so its images were not read`);
    else findings.jsonSites.push({ file: read.path, text: read.text, base: 0, context: where, values: value.name === 'templatefile' ? templateValues(value.args[1], followed, values) : undefined });
  } else {
    findings.notes.push(`line ${lines.positionAt(tokens[0].start).line}: ${where}: ${followed.text.slice(value.start, Math.min(value.end, value.start + 120))} is computed by Terraform, so its images were not read`);
  }
}

/** The expression of a string that is only one interpolation (`"${file("x.json")}"`), with its real offsets. */
function wrappedExpression(text: string, token: HclToken): HclValue | undefined {
  const inner = token.text.trim();
  if (!inner.startsWith('${') || !inner.endsWith('}') || inner.indexOf('${', 2) >= 0) return undefined;
  const base = token.start + 1 + token.text.indexOf('${') + 2;
  const { tokens } = hclTokens(text.slice(base, token.start + 1 + token.text.lastIndexOf('}')));
  return readExpression(text, tokens.map((inside) => ({ ...inside, start: inside.start + base, end: inside.end + base })));
}

/** The variables a `templatefile()` gives its template (`${name}` there), as module values under their bare names. */
function templateValues(argument: HclValue | undefined, located: Located, values: ModuleValues): ModuleValues {
  const given = new Map<string, Located>();
  const followed = argument === undefined ? undefined : followReferences({ ...located, value: argument }, values);
  if (followed === undefined || 'unresolved' in followed || followed.value.kind !== 'object') return given;
  // A bare name is looked up as `name.` (see resolveTraversal): the template writes `${image}`.
  for (const entry of followed.value.entries) {
    // Evaluated with the module's values now: the template sees only what it is given.
    const evaluated = evaluateString({ ...followed, value: entry.value }, values);
    if (typeof evaluated === 'string') given.set(`${entry.key}.`, { value: stringValue(evaluated), file: '', text: '' });
  }
  return given;
}

/** A string value standing for one already evaluated. */
function stringValue(text: string): HclValue {
  const token: HclToken = { kind: 'string', text: text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('${', '$${'), start: 0, end: 0 };
  return { kind: 'literal', token, start: 0, end: 0 };
}

/** The `set` values of a `helm_release`: `set { name value }` blocks, or provider 3's `set = [{ name, value }]`. */
function helmSetValues(file: SourceFile, resource: HclBlock): Map<string, Located> {
  const sets = new Map<string, Located>();
  const add = (name: HclValue | undefined, value: HclValue | undefined): void => {
    if (name?.kind === 'literal' && name.token.kind === 'string' && value) sets.set(unescape(name.token.text), { value, file: file.path, text: file.text });
  };
  for (const block of resource.blocks) {
    const name = block.type === 'set' ? block.attributes.get('name') : undefined;
    const value = block.attributes.get('value');
    if (name && value) add(readExpression(file.text, name), readExpression(file.text, value));
  }
  const list = resource.attributes.get('set');
  const items = list ? readExpression(file.text, list) : undefined;
  for (const item of items?.kind === 'tuple' ? items.items : []) {
    if (item.kind === 'object') add(item.entries.find((entry) => entry.key === 'name')?.value, item.entries.find((entry) => entry.key === 'value')?.value);
  }
  return sets;
}

/** `helm_release` `set` values named `image`, `*.image`, or `*.image.repository` (with the `*.image.tag` set beside it), and the images of its `values`. */
async function helmSites(file: SourceFile, resource: HclBlock, address: string, values: ModuleValues, findings: Findings, context: DiscoverContext): Promise<void> {
  const sets = helmSetValues(file, resource);
  for (const [name, located] of sets) {
    const repository = name === 'image.repository' || name.endsWith('.image.repository');
    if (!repository && name !== 'image' && !name.endsWith('.image')) continue;
    const prefix = repository ? name.slice(0, -'repository'.length) : '';
    findings.sites.push({ located, context: `${address}.set[${name}]`, chart: repository ? { tag: sets.get(`${prefix}tag`), registry: sets.get(`${prefix}registry`) } : undefined });
  }
  let reads = 0;
  const read = async (argument: HclValue, from: string) => (++reads > MAX_READ_FILES ? undefined : readFirst(functionPaths(argument, dirName(from)), context));
  const released = await releaseValues(file, resource, address, values, read, context);
  findings.sites.push(...released.sites);
  findings.occurrences.push(...released.occurrences);
  findings.notes.push(...released.notes);
}

/** The images of one resource or module call. */
async function blockSites(file: SourceFile, block: HclBlock, values: ModuleValues, findings: Findings, context: DiscoverContext, lines: LineIndex): Promise<void> {
  const [type = '', name = ''] = block.labels;
  const address = block.type === 'module' ? `module.${type}` : `${type}.${name}`;
  if (block.type === 'module') {
    for (const [name, tokens] of block.attributes) moduleInputSites({ value: readExpression(file.text, tokens), file: file.path, text: file.text }, name, values, `${address}.${name}`, findings);
    if (isImageModuleSource(block.attributes.get('source')?.[0])) {
      for (const input of IMAGE_MODULE_INPUTS) {
        const site = attributeSite(file, block, input, address);
        if (site) findings.sites.push(site);
      }
    }
    return;
  }
  if (block.type !== 'resource') return;
  if (type.startsWith('docker_')) dockerSites(file, block, address, findings, lines);
  else if (type === 'aws_ecs_task_definition') {
    const definitions = block.attributes.get('container_definitions');
    if (definitions?.length) await containerDefinitions(file, definitions, address, values, findings, context, lines);
  } else if (type === 'aws_batch_job_definition') {
    const properties = block.attributes.get('container_properties');
    const value = properties?.length ? readExpression(file.text, properties) : undefined;
    if (value?.kind === 'call' && value.name === 'jsonencode' && value.args.length === 1) containerObjects({ value: value.args[0], file: file.path, text: file.text }, values, `${address}.container_properties`, findings);
  } else if (type === 'aws_lambda_function') {
    const site = attributeSite(file, block, 'image_uri', address);
    if (site) findings.sites.push(site);
  } else if (type === 'helm_release') await helmSites(file, block, address, values, findings, context);
  else if (type === 'kubernetes_manifest') {
    const manifest = block.attributes.get('manifest');
    if (manifest?.length) manifestContainers({ value: readExpression(file.text, manifest), file: file.path, text: file.text }, values, `${address}.manifest`, findings);
  } else {
    const names = type.startsWith('kubernetes_') || type.startsWith('azurerm_container_') ? CONTAINER_BLOCKS : type.startsWith('google_cloud_run') ? new Set(['containers']) : undefined;
    if (names === undefined) return;
    const containers: Array<{ block: HclBlock; path: string }> = [];
    blocksNamed(block, names, address, containers);
    for (const { block: container, path } of containers) {
      const site = attributeSite(file, container, 'image', path);
      if (site) findings.sites.push(site);
    }
  }
}

/** A setting of a container object written as one literal (`user = "0"`, `privileged = true`), at its place. */
function literalEntry(located: Located, key: string, lines: LineIndex): { value: string; raw: string; line: number; column: number } | undefined {
  const entry = located.value.kind === 'object' ? located.value.entries.find((candidate) => candidate.key === key) : undefined;
  const value = entry?.value;
  if (value?.kind !== 'literal' || value.token.kind === 'heredoc') return undefined;
  if (value.token.kind === 'string') return { value: unescape(value.token.text), raw: located.text.slice(value.start + 1, value.end - 1), ...lines.positionAt(value.start + 1) };
  return { value: value.token.text, raw: value.token.text, ...lines.positionAt(value.start) };
}

/** How a container object written in HCL (an ECS container definition) is configured: its `user` and `privileged`, when literal. */
function objectConfig(located: Located, context: string, lines: LineIndex): ContainerConfig | undefined {
  const user = literalEntry(located, 'user', lines);
  const privileged = literalEntry(located, 'privileged', lines);
  const image = literalEntry(located, 'image', lines);
  if ((user === undefined && privileged === undefined) || located.value.kind !== 'object') return undefined;
  const anchor = image ?? { raw: context, ...lines.positionAt(located.value.start) };
  return {
    file: located.file,
    kind: 'terraform',
    name: context,
    workload: context,
    raw: anchor.raw,
    line: anchor.line,
    column: anchor.column,
    user,
    privileged: privileged && (privileged.value === 'true' || privileged.value === 'false') ? { ...privileged, value: privileged.value === 'true' } : undefined,
    addedCapabilities: [],
    hostNamespaces: [],
    hostPaths: [],
  };
}

/** Whether a value holds a printf verb (`"%s"`): a Go test writes its configurations as format strings; Terraform reads `%` only in `%{`. */
function hasPrintfVerb(value: string): boolean {
  for (let index = value.indexOf('%'); index >= 0; index = value.indexOf('%', index + 1)) if ('sdvq'.includes(value[index + 1] ?? '{')) return true;
  return false;
}

/** Whether an expression says nothing (`null`, an empty string): no image is named. */
function namesNothing(value: HclValue): boolean {
  if (value.kind !== 'literal') return false;
  return (value.token.kind === 'word' && value.token.text === 'null') || (value.token.kind === 'string' && value.token.text.trim() === '');
}

/** The image a chart's `image.repository` makes with the `image.registry` and `image.tag` set beside it; without a tag, the chart's own decides. */
function chartImage(repository: string, chart: NonNullable<ImageSite['chart']>, values: ModuleValues): string | { unresolved: string } {
  if (chart.tag === undefined) return { unresolved: `only the repository is set: the tag comes from the chart's values` };
  const tag = evaluateString(chart.tag, values);
  const registry = chart.registry === undefined ? '' : evaluateString(chart.registry, values);
  if (typeof tag !== 'string') return tag;
  if (typeof registry !== 'string') return registry;
  return `${registry === '' ? '' : `${registry}/`}${repository}:${tag}`;
}

function siteOccurrence(site: ImageSite, values: ModuleValues, linesOf: (file: string, text: string) => LineIndex): Occurrence | undefined {
  const { value, file, text } = site.located;
  if (namesNothing(value) || namesDockerImageResource(site)) return undefined;
  const quoted = value.kind === 'literal' && value.token.kind === 'string';
  const offset = quoted ? value.start + 1 : value.start;
  const raw = text.slice(offset, quoted ? value.end - 1 : Math.min(value.end, value.start + 200));
  let evaluated = evaluateString(site.located, values);
  if (site.chart && typeof evaluated === 'string') evaluated = chartImage(evaluated, site.chart, values);
  if (typeof evaluated === 'string' && hasPrintfVerb(evaluated)) evaluated = { unresolved: `${evaluated} holds a printf verb: the file is a format string a program fills in` };
  return makeOccurrence({ file, kind: 'terraform', lines: linesOf(file, text), offset, raw, value: evaluated, context: site.context, local: site.local, note: site.note });
}

/** The images of JSON container definitions (a heredoc or a file), their `${ }` filled in from the module's values. */
function jsonOccurrences(site: JsonSite, linesOf: (file: string, text: string) => LineIndex, fileText: (file: string) => string, containers: ContainerConfig[], errors: string[]): Occurrence[] {
  const lines = linesOf(site.file, fileText(site.file));
  const unread: string[] = [];
  const definitions = containerDefinitionSites(site.text, unread);
  for (const reason of unread) errors.push(`${site.context}: ${reason}`);
  return definitions.map((definition) => {
    const value = site.values && definition.raw.includes('${') ? jsonTemplate(definition.raw, site.values) : jsonStringValue(definition.raw);
    if (definition.user || definition.privileged) containers.push(containerDefinitionConfig(site.file, 'terraform', lines, definition, site.base));
    return makeOccurrence({ file: site.file, kind: 'terraform', lines, offset: site.base + definition.offset, raw: definition.raw, value, context: `${site.context}${definition.context}` });
  });
}

/** A JSON string holding Terraform interpolations, filled in (a `templatefile()` variable is written bare, `${image}`). */
function jsonTemplate(raw: string, values: ModuleValues): string | { unresolved: string } {
  const token: HclToken = { kind: 'string', text: raw, start: 0, end: raw.length + 2 };
  return evaluateString({ value: { kind: 'literal', token, start: 0, end: token.end }, file: '', text: '' }, values);
}

async function extractTerraform(file: SourceFile, context: DiscoverContext): Promise<Extraction> {
  const { root, unterminated, unread } = readHcl(file.text);
  const lines = new LineIndex(file.text);
  const findings: Findings = { sites: [], jsonSites: [], containers: [], containerObjects: [], occurrences: [], notes: [] };
  const imageBlocks = root.blocks.filter((block) => block.type === 'resource' || block.type === 'module');
  // What the reader's bounds skipped (a block nested past them, tokens past them) is said, as Nomad's reader says it.
  const errors = unread.map(({ offset, reason }) => `line ${lines.positionAt(offset).line}: ${reason}`);
  if (unterminated !== undefined) errors.push(`line ${lines.positionAt(unterminated).line}: a string, heredoc or comment that never ends: the rest of the file was not read`);
  if (imageBlocks.length === 0) return { occurrences: [], errors };
  const values = await moduleValues(file.path, context);
  for (const block of imageBlocks) await blockSites(file, block, values, findings, context, lines);
  const indexes = new Map<string, LineIndex>([[file.path, lines]]);
  const texts = new Map<string, string>([[file.path, file.text]]);
  for (const located of values.values()) texts.set(located.file, located.text);
  for (const site of findings.jsonSites) if (site.base === 0 && !texts.has(site.file)) texts.set(site.file, site.text);
  const fileText = (path: string): string => texts.get(path) ?? '';
  const linesOf = (path: string, text: string): LineIndex => {
    let index = indexes.get(path);
    if (!index) indexes.set(path, (index = new LineIndex(text)));
    return index;
  };
  const occurrences = findings.sites.flatMap((site) => siteOccurrence(site, values, linesOf) ?? []);
  for (const site of findings.jsonSites) occurrences.push(...jsonOccurrences(site, linesOf, fileText, findings.containers, errors));
  occurrences.push(...findings.occurrences);
  for (const { located, context: where } of findings.containerObjects) {
    const config = objectConfig(located, where, linesOf(located.file, located.text));
    if (config) findings.containers.push(config);
  }
  const extraction: Extraction = { occurrences, errors };
  if (findings.notes.length > 0) extraction.notes = findings.notes;
  if (findings.containers.length > 0) extraction.containers = findings.containers;
  return extraction;
}

export const terraformDiscoverer: Discoverer = {
  kind: 'terraform',
  matches: (path) => isTerraformFile(path),
  // The auto-loaded variable files are listed too, for the module's values; no image is read from them.
  candidate: (path) => isTerraformFile(path) || isAutoVariablesFile(path),
  extract: extractTerraform,
};
