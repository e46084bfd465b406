/**
 * Dev Containers: `devcontainer.json` (JSON with comments and trailing commas). The `image` and
 * every OCI Feature in `features` (Features are OCI artifacts pulled from a registry). Also a
 * Feature collection's test scenarios, `test/<feature>/scenarios.json`: each scenario is a dev
 * container configuration `devcontainer features test` builds and runs (with its `features`).
 *
 * Feature keys that are not registry references are skipped: local folders (`./feature`), tarball
 * URLs, legacy short ids without a registry (`docker-in-docker`, which the CLI maps to a built-in
 * set) and the deprecated GitHub-release form (`owner/repo/feature@version`). The CLI lower-cases a
 * Feature id before pulling it (`getRef` in containerCollectionsOCI.ts), so `ghcr.io/NicoVIII/...` is
 * pulled as `ghcr.io/nicoviii/...`; the image is not (`docker pull` refuses upper case).
 */
import { posix } from 'node:path';
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Occurrence } from '../model.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from './types.js';
import { makeOccurrence } from './occurrence.js';
import { LineIndex } from './position.js';
import { nestsTooDeeply, TOO_DEEP_JSON } from './json-depth.js';
import { MAX_IMAGE_TEXT, dirName } from './image-site.js';
import { enclosed, firstSpan, type Span } from '../spans.js';
import { expressionNote, templateByContent, type TemplateFile } from './template-file.js';
import { maskTemplate, TEMPLATE_ACTION_MARK } from './template-mask.js';

const DEVCONTAINER_FILE = /(?:^|\/)\.devcontainer\/(?:[^/]+\/)?devcontainer\.json$|(?:^|\/)\.devcontainer\.json$/;
/** The dev container CLI's Feature test scenarios (`devcontainer features test`: `test/<feature>/scenarios.json`, `test/_global/scenarios.json`). */
const SCENARIOS_FILE = /(?:^|\/)test\/[^/]+\/scenarios\.json$/;
/** The first `${localEnv:HOME}`, `${containerWorkspaceFolder}`, ...: known only on the machine that opens the container. */
const variableIn = (text: string): Span | undefined => firstSpan([enclosed(text, '${', '}')]);

/** Whether a Feature id is an OCI reference: its first component names a registry host. */
export function isOciFeature(id: string): boolean {
  if (id.startsWith('./') || id.startsWith('../') || id.startsWith('/') || /^[a-z]+:\/\//i.test(id)) return false;
  const slash = id.indexOf('/');
  if (slash < 0) return false;
  const host = id.slice(0, slash);
  return host.includes('.') || host.includes(':') || host === 'localhost';
}

function valueOf(text: string, template?: TemplateFile): string | { unresolved: string } {
  // Longer than any reference: the grammar reports it, and no pattern runs over it.
  if (text.length > MAX_IMAGE_TEXT) return text;
  if (template !== undefined && text.includes(TEMPLATE_ACTION_MARK)) return { unresolved: expressionNote(template) };
  const variable = variableIn(text);
  return variable ? { unresolved: `dev container variable ${text.slice(variable.start, variable.end)} is only known where the container is opened` } : text;
}

/** The string node's text inside its quotes, and where it starts. */
function stringSite(node: Node, text: string): { offset: number; raw: string; value: string } | undefined {
  if (node.type !== 'string' || typeof node.value !== 'string' || node.value.trim() === '') return undefined;
  return { offset: node.offset + 1, raw: text.slice(node.offset + 1, node.offset + node.length - 1), value: node.value };
}

function describe(errors: ParseError[], lines: LineIndex): string[] {
  return errors.slice(0, 5).map((error) => {
    const { line, column } = lines.positionAt(error.offset);
    return `${printParseErrorCode(error.error)} at line ${line}, column ${column}`;
  });
}

/** Build arguments given to a Dockerfile, and who gives them (`.devcontainer/devcontainer.json`, `service app of compose.yaml`). */
export interface GivenBuildArgs {
  args: Record<string, string>;
  source: string;
  /** Named build contexts the same builder gives (a docker-bake target's `contexts`). */
  contexts?: Map<string, string>;
}

/**
 * The build arguments a dev container gives the Dockerfile at `dockerfilePath`, when that
 * Dockerfile sits in a `.devcontainer` folder beside the `devcontainer.json` that builds it
 * (`build.dockerfile`, or the older `dockerFile`): there it is built only as the dev container, so
 * its `ARG` defaults are not what is pulled. Values holding a dev container variable
 * (`${localEnv:X}`) are known only where the container is opened and are left out.
 */
export async function devcontainerBuildArgs(dockerfilePath: string, context: DiscoverContext): Promise<GivenBuildArgs[]> {
  const dir = dirName(dockerfilePath);
  if (!/(?:^|\/)\.devcontainer(?:\/[^/]+)?$/.test(dir)) return [];
  const source = `${dir}/devcontainer.json`;
  const text = await context.readFile(source);
  // Too deep to parse: the devcontainer.json itself is reported unread; its arguments are not guessed.
  const config = text === undefined || nestsTooDeeply(text) ? undefined : (parse(text, [], { allowTrailingComma: true, disallowComments: false }) as unknown);
  if (typeof config !== 'object' || config === null) return [];
  const { build, dockerFile, dockerfile } = config as { build?: { dockerfile?: unknown; args?: unknown }; dockerFile?: unknown; dockerfile?: unknown };
  const named = build?.dockerfile ?? dockerFile ?? dockerfile;
  if (typeof named !== 'string' || posix.normalize(`${dir}/${named}`) !== dockerfilePath) return [];
  const args: Record<string, string> = {};
  if (typeof build?.args === 'object' && build.args !== null) {
    for (const [name, value] of Object.entries(build.args as Record<string, unknown>)) {
      const written = typeof value === 'number' ? String(value) : value;
      if (typeof written === 'string' && !variableIn(written)) args[name] = written;
    }
  }
  return [{ args, source }];
}

export const devcontainerDiscoverer: Discoverer = {
  kind: 'devcontainer',
  matches(path) {
    return DEVCONTAINER_FILE.test(path) || SCENARIOS_FILE.test(path);
  },
  extract(file: SourceFile): Extraction {
    const lines = new LineIndex(file.text);
    if (nestsTooDeeply(file.text)) throw new Error(TOO_DEEP_JSON);
    const { root, parseErrors, text, template } = parseConfig(file);
    // A `scenarios.json` of another tool (an array, not JSON) is no Feature test.
    const isScenarios = !DEVCONTAINER_FILE.test(file.path);
    if (isScenarios && (root?.type !== 'object' || scenarios(root, file.text).length === 0)) return { occurrences: [] };
    if (!root || root.type !== 'object') {
      throw new Error(`not a JSON object${parseErrors.length ? `: ${describe(parseErrors, lines).join('; ')}` : ''}`);
    }
    const occurrences: Occurrence[] = [];
    // Positions are the same in the masked text; what is shown as written comes from the file.
    const emit: Emit = (site, context, note) =>
      occurrences.push(makeOccurrence({ file: file.path, kind: 'devcontainer', lines, offset: site.offset, raw: file.text.slice(site.offset, site.offset + site.raw.length), value: valueOf(site.value, template), context, note }));
    if (!isScenarios) configImages(root, text, '', emit);
    else scenarios(root, text).forEach(({ name, config }) => configImages(config, text, `[${JSON.stringify(name)}].`, emit, SCENARIO_NOTE));
    // A recovered parse still has exact positions for what it found; the problems are reported.
    return { occurrences, errors: parseErrors.length ? [`JSON problems: ${describe(parseErrors, lines).join('; ')}`] : [] };
  },
};

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false };

/**
 * The file parsed as written; or, when that fails and a line starts with a template tag (a
 * cookiecutter project's `{%- if cookiecutter.editor == "VS Code" %}`), as its template with the tags masked,
 * when that parses: positions are the same, and a value holding a tag is filled in at render time.
 */
function parseConfig(file: SourceFile): { root: Node | undefined; parseErrors: ParseError[]; text: string; template?: TemplateFile } {
  const parseErrors: ParseError[] = [];
  const root = parseTree(file.text, parseErrors, PARSE_OPTIONS);
  const template = parseErrors.length > 0 ? templateByContent(file.path, file.text, true) : undefined;
  const masked = template && maskTemplate(file.text, template.dialect);
  if (masked === undefined) return { root, parseErrors, text: file.text };
  const maskedErrors: ParseError[] = [];
  const maskedRoot = parseTree(masked, maskedErrors, PARSE_OPTIONS);
  return maskedErrors.length > 0 ? { root, parseErrors, text: file.text } : { root: maskedRoot, parseErrors: maskedErrors, text: masked, template };
}

const SCENARIO_NOTE = 'a scenario `devcontainer features test` builds and runs';

type Emit = (site: { offset: number; raw: string; value: string }, context: string, note?: string) => void;

/** The `image` and OCI Features of one dev container configuration; contexts start with `prefix`. */
function configImages(config: Node, text: string, prefix: string, emit: Emit, note?: string): void {
  const image = findNodeAtLocation(config, ['image']);
  const imageSite = image && stringSite(image, text);
  if (imageSite) emit(imageSite, `${prefix}image`, note);

  const features = findNodeAtLocation(config, ['features']);
  if (features?.type !== 'object') return;
  for (const property of features.children ?? []) {
    const key = property.children?.[0];
    const site = key && stringSite(key, text);
    if (!site || !isOciFeature(site.value)) continue;
    const pulled = site.value.toLowerCase();
    const lowered = pulled === site.value ? undefined : 'the dev container CLI lower-cases Feature ids before pulling';
    emit({ ...site, value: pulled }, `${prefix}features["${site.value}"]`, [note, lowered].filter(Boolean).join('; ') || undefined);
  }
}

/**
 * The scenarios of a `scenarios.json`: its top-level members whose value is a configuration with a
 * `features` object, as every Feature test scenario has (it installs the Features it tests); a file
 * of another shape under the same name names no dev container.
 */
function scenarios(root: Node, text: string): { name: string; config: Node }[] {
  return (root.children ?? []).flatMap((property) => {
    const [key, config] = property.children ?? [];
    const name = key && stringSite(key, text)?.value;
    if (name === undefined || config?.type !== 'object' || findNodeAtLocation(config, ['features'])?.type !== 'object') return [];
    return [{ name, config }];
  });
}
