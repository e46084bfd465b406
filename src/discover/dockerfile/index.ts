/**
 * Dockerfiles and Containerfiles: images named by `FROM`, `COPY --from`, `RUN --mount=from=`,
 * the same inside `ONBUILD` triggers, and the `# syntax=` frontend image.
 *
 * Follows BuildKit: global `ARG`s (before the first `FROM`) expand in `FROM`, with build-arg
 * overrides applied to declared ARGs only; `COPY --from` and `--mount from=` are never expanded
 * (BuildKit rejects variables there); stage names and indexes, and `scratch`, are not images, nor
 * is a `--from` naming a context a Docker Bake target gives the Dockerfile (bake.ts). A Dockerfile
 * template (`{{ … }}` actions a generator renders first) is read past its template syntax (template.ts).
 */
import type { Occurrence } from '../../model.js';
import { normalizeForOccurrence } from '../../reference/index.js';
import { makeOccurrence } from '../occurrence.js';
import { LineIndex } from '../position.js';
import type { DiscoverContext, Discoverer, Extraction, SourceFile } from '../types.js';
import { changesUnderExpansion, expandWord, type VariableLookup, type VariableState } from './expand.js';
import { isCommandSeparator, parseDockerfile, type Instruction, type LogicalText, type ParsedDockerfile } from './parse.js';
import { csvFields, extractFlags, quotedWords, whitespaceWords, type PlacedText } from './words.js';
import { matchesParts } from './shell-pattern.js';
import { dockerfileContainers, withContainers } from '../containers/index.js';
import { devcontainerBuildArgs, type GivenBuildArgs } from '../devcontainer.js';
import { composeBuildersOf } from '../compose-builds.js';
import { addonBuildArgs } from './addon-build.js';
import { withComposeBuiltImages } from './compose-built.js';
import { bakeBuildArgs, bakeNamedContexts, bakeUnread } from './bake.js';
import { isDockerfileTemplate, joinTemplateActions, withoutTemplateSyntax } from './template.js';

/** ARGs BuildKit defines in the global scope from the build's platforms. */
const PLATFORM_ARGS = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
];

/** Stands for a variable's unknown value while matching a FROM word against stage names (a private-use character). */
const UNKNOWN_PART = '\uE000';

/** File extensions that mark a `Dockerfile.<ext>` as something else: templates, docs, ignore files. */
const NOT_DOCKERFILE_EXTENSIONS = new Set([
  'dockerignore',
  'md',
  'markdown',
  'txt',
  'rst',
  'j2',
  'jinja',
  'jinja2',
  'tmpl',
  'tpl',
  'template',
  'erb',
  'mustache',
  'in',
  'm4',
  'orig',
  'rej',
  'bak',
  'swp',
  'patch',
  'diff',
  'sh',
  'bash',
  'ps1',
  'bat',
  'py',
  'js',
  'mjs',
  'cjs',
  'ts',
  'go',
  'rb',
  'java',
  'json',
  'yaml',
  'yml',
  'toml',
  'xml',
  'html',
  'lock',
]);

/**
 * Whether a path names a Dockerfile: `Dockerfile`, `Containerfile`, `Dockerfile.<variant>`,
 * `Dockerfile-<variant>`, `Dockerfile<digits>`, `<name>.Dockerfile`, `<name>.containerfile` (any case), but not
 * `Dockerfile.dockerignore`, templates (`Dockerfile.j2`, `Dockerfile.in`) or source files.
 */
export function isDockerfilePath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  // Every name below holds one of the two words; this runs for every file of the repository.
  if (!base.includes('dockerfile') && !base.includes('containerfile')) return false;
  if (base === 'dockerfile' || base === 'containerfile') return true;
  if (/^.+\.(?:dockerfile|containerfile)$/.test(base)) return true;
  // `Dockerfile9` beside `Dockerfile` (a variant for another major version, built with -f).
  if (/^(?:dockerfile|containerfile)\d+$/.test(base)) return true;
  const variant = /^(?:dockerfile|containerfile)[._-](.+)$/.exec(base);
  if (!variant) return false;
  const extension = variant[1].includes('.') ? variant[1].slice(variant[1].lastIndexOf('.') + 1) : variant[1];
  return !NOT_DOCKERFILE_EXTENSIONS.has(extension);
}

export const dockerfileDiscoverer: Discoverer = {
  kind: 'dockerfile',
  matches: (path) => isDockerfilePath(path),
  extract: async (file, context) => {
    const parsed = parseDockerfileSource(file.text);
    const plain = extractDockerfile(file, context, parsed);
    // Only a Dockerfile that expands a variable where an image is named can take another value from who builds it.
    const expands = plain.occurrences.some((occurrence) => occurrence.raw.includes('$'));
    const extraction = expands ? await extractAsBuilt(file, parsed, plain, context) : plain;
    const throughContexts = await withBakeContexts(file, extraction, context);
    const unread = await bakeUnread(file.path, context);
    const errors = unread.length > 0 ? { errors: [...(throughContexts.errors ?? []), ...unread] } : {};
    return { ...throughContexts, ...errors, occurrences: await withComposeBuiltImages(file.path, throughContexts.occurrences, context) };
  },
};

/** Sets of build arguments read for one Dockerfile: one extraction each. */
const MAX_BUILDERS = 32;

/**
 * Who builds the Dockerfile at `path` and with which arguments: the `devcontainer.json` beside it,
 * compose services, docker-bake targets, a Home Assistant add-on's build file (one set per
 * architecture). Each builder is one set (possibly empty: the `ARG` defaults).
 */
async function buildersOf(path: string, context: DiscoverContext): Promise<GivenBuildArgs[]> {
  const compose = (await composeBuildersOf(path, context)).map(({ args, service, file }) => ({ args, source: `service ${service} of ${file}` }));
  // A compose file read on its own and through another's `include` names the same service twice.
  const seen = new Set<string>();
  const builders = [...(await devcontainerBuildArgs(path, context)), ...compose, ...(await bakeBuildArgs(path, context)), ...(await addonBuildArgs(path, context))].filter(({ args, source }) => {
    const key = `${source}\0${JSON.stringify(args)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return builders.slice(0, MAX_BUILDERS);
}

/**
 * A Dockerfile as it is built: with the build arguments each builder gives over the `ARG` defaults
 * (a policy's build args still win), once per builder, since services may build it with different
 * ones; occurrences written with such an argument say so. Without a builder, as written.
 */
async function extractAsBuilt(file: SourceFile, parsed: ParsedDockerfile, plain: Extraction, context: DiscoverContext): Promise<Extraction> {
  const given = await buildersOf(file.path, context);
  if (given.length === 0) return plain;
  // Parsed once; each set of arguments only runs the extraction again.
  const sets = given.map(({ args, source, contexts }) => {
    const names = Object.keys(args).filter((name) => !Object.hasOwn(context.buildArgs, name));
    if (names.length === 0) return plain.occurrences;
    const { occurrences, lines } = runExtraction(file, { ...context, buildArgs: { ...args, ...context.buildArgs } }, parsed);
    for (const occurrence of occurrences) {
      const used = names.filter((name) => mentions(occurrence.raw, name));
      if (used.length === 0) continue;
      occurrence.note = joinNote(occurrence.note, `build argument ${used.join(', ')} as ${source} sets it`);
    }
    // `FROM $from_tag` with from_tag=from, where the bake target names a context `from`: that context, not an image.
    const named = (occurrence: Occurrence) => (occurrence.context?.startsWith('FROM') && occurrence.resolved !== undefined ? contexts?.get(occurrence.resolved) : undefined);
    return occurrences.flatMap((occurrence) => {
      const value = named(occurrence);
      return value === undefined ? [occurrence] : throughNamedContext(file, lines, occurrence, occurrence.resolved ?? occurrence.raw, value);
    });
  });
  // The same value from several sets is one occurrence; the file's problems and containers are as written.
  const seen = new Set<string>();
  const occurrences = sets.flat().filter((occurrence) => {
    const key = `${occurrence.line}:${occurrence.column}:${occurrence.resolved ?? occurrence.raw}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ...plain, occurrences };
}

/** Whether `text` expands the variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`), not one that only starts alike. */
function mentions(text: string, name: string): boolean {
  for (let at = text.indexOf('$'); at >= 0; at = text.indexOf('$', at + 1)) {
    const start = text[at + 1] === '{' ? at + 2 : at + 1;
    if (!text.startsWith(name, start)) continue;
    const next = text[start + name.length];
    if (next === undefined || !/[A-Za-z0-9_]/.test(next)) return true;
  }
  return false;
}

/** `--from` values that may name a build context rather than an image: a name without registry, tag or digest. */
const CONTEXT_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/**
 * A `FROM`, `COPY --from` or `--mount from=` naming a context a bake target gives this Dockerfile: a
 * directory or another target is no image (dropped); `docker-image://ref` is the image `ref`.
 * Bake files are looked for only when such a name is found, which few Dockerfiles have.
 */
async function withBakeContexts(file: SourceFile, extraction: Extraction, context: DiscoverContext): Promise<Extraction> {
  // `FROM java_base` may name a context too (contexts = { java_base = "target:java_base" }).
  const fromContext = (occurrence: Occurrence) => /--(?:from|mount)$|^FROM\b/.test(occurrence.context ?? '') && occurrence.resolved === undefined && CONTEXT_NAME.test(occurrence.raw);
  if (!extraction.occurrences.some(fromContext)) return extraction;
  const named = await bakeNamedContexts(file.path, context);
  if (named.size === 0) return extraction;
  const lines = new LineIndex(file.text);
  const occurrences = extraction.occurrences.flatMap((occurrence) => {
    const values = fromContext(occurrence) ? named.get(occurrence.raw) : undefined;
    // Targets giving the context different images: each is pulled by one of them.
    return values === undefined ? [occurrence] : values.flatMap((value) => throughNamedContext(file, lines, occurrence, occurrence.raw, value));
  });
  return { ...extraction, occurrences };
}

/** An occurrence naming a build context: the image of a `docker-image://` context, else none (a directory or another target is built here). */
function throughNamedContext(file: SourceFile, lines: LineIndex, occurrence: Occurrence, name: string, value: string): Occurrence[] {
  if (!value.startsWith('docker-image://')) return [];
  return [
    makeOccurrence({
      file: file.path,
      kind: 'dockerfile',
      lines,
      offset: lines.offsetAt(occurrence),
      raw: occurrence.raw,
      value: value.slice('docker-image://'.length),
      context: occurrence.context,
      note: joinNote(occurrence.note, `the build context ${name} a docker-bake file names`),
    }),
  ];
}

function joinNote(first: string | undefined, second: string): string {
  return first ? `${first}; ${second}` : second;
}

export function extractDockerfile(file: SourceFile, context: DiscoverContext, parsed = parseDockerfileSource(file.text)): Extraction {
  const extraction = runExtraction(file, context, parsed);
  const extracted = { occurrences: extraction.occurrences, errors: [...parsed.errors, ...extraction.errors] };
  return withContainers(extracted, () => dockerfileContainers(file, parsed.instructions, extraction.lines));
}

/** A template's multi-line actions are blanked first (offsets kept); raw text still comes from the file. */
function parseDockerfileSource(text: string): ParsedDockerfile {
  return parseDockerfile(isDockerfileTemplate(text) ? withoutTemplateSyntax(text) : text);
}

function runExtraction(file: SourceFile, context: DiscoverContext, parsed: ParsedDockerfile): DockerfileExtraction {
  const extraction = new DockerfileExtraction(file, context, parsed.escapeToken, parsed.instructions);
  if (parsed.syntax) {
    extraction.emit(parsed.syntax.offset, parsed.syntax.text, parsed.syntax.text, 'syntax directive');
  }
  extraction.run();
  return extraction;
}

class DockerfileExtraction {
  readonly occurrences: Occurrence[] = [];
  readonly errors: string[] = [];
  /** The file's line starts, shared with the container reader. */
  readonly lines: LineIndex;
  /** Global-scope variables: platform ARGs and ARGs declared before the first FROM. */
  private readonly globals = new Map<string, VariableState>();
  /** Every stage name in the file, lower-case: `COPY --from` may name any stage. */
  private readonly allStageNames = new Set<string>();
  /** Stage names declared so far, lower-case: `FROM` may only name an earlier stage. */
  private readonly earlierStageNames = new Set<string>();
  /**
   * Global ARGs whose value hangs on an empty default (`ARG VERSION=`, a slot for `--build-arg`):
   * the ARG itself, or one whose default used such ARGs, mapped to those empty ARGs' names.
   */
  private readonly emptyRoots = new Map<string, string[]>();

  constructor(
    private readonly file: SourceFile,
    private readonly context: DiscoverContext,
    private readonly escapeToken: string,
    private readonly instructions: Instruction[],
  ) {
    this.lines = new LineIndex(file.text);
    for (const name of PLATFORM_ARGS) {
      const override = ownValue(context.buildArgs, name);
      // A policy may say which platform to assume; otherwise the value depends on the build.
      this.globals.set(
        name,
        override !== undefined ? { set: true, value: override } : { set: true, unknown: `build argument ${name} depends on the build platform` },
      );
    }
  }

  run(): void {
    for (const instruction of this.instructions) {
      if (instruction.keyword !== 'from') continue;
      const name = fromArguments(instruction).stageName;
      if (name) this.allStageNames.add(name.toLowerCase());
    }
    let inStage = false;
    for (const instruction of this.instructions) {
      try {
        switch (instruction.keyword) {
          case 'arg':
            // ARGs inside a stage never reach FROM, COPY --from or --mount from=.
            if (!inStage) this.declareGlobalArgs(instruction);
            break;
          case 'from':
            inStage = true;
            this.fromInstruction(instruction);
            break;
          case 'copy':
            this.copyFrom(instruction.source, instruction.argumentsStart, 'COPY --from');
            break;
          case 'run':
            this.runMounts(instruction.source, instruction.argumentsStart, 'RUN --mount');
            break;
          case 'onbuild':
            this.onbuildTrigger(instruction);
            break;
        }
      } catch (error) {
        // One instruction the extractor cannot handle must not cost the rest of the file.
        this.errors.push(`line ${instruction.line}: ${(error as Error).message}`);
      }
    }
  }

  emit(offset: number, raw: string, value: string | { unresolved: string }, context: string, note?: string): void {
    this.occurrences.push(
      makeOccurrence({ file: this.file.path, kind: 'dockerfile', lines: this.lines, offset, raw, value, context, note, dollarExpanded: true }),
    );
  }

  private lookup: VariableLookup = (name) =>
    this.globals.get(name) ?? { set: false, reason: `build argument ${name} is not declared before the first FROM` };

  private declareGlobalArgs(instruction: Instruction): void {
    const text = instruction.source.text.slice(instruction.argumentsStart);
    for (const word of quotedWords(text, this.escapeToken)) {
      const equals = word.indexOf('=');
      const name = equals < 0 ? word : word.slice(0, equals);
      if (name === '') {
        this.errors.push(`line ${instruction.line}: ARG names can not be blank`);
        continue;
      }
      const override = ownValue(this.context.buildArgs, name);
      if (override !== undefined) {
        // Overrides are taken literally, as `--build-arg` values are.
        this.globals.set(name, { set: true, value: override });
        this.emptyRoots.delete(name);
      } else if (equals >= 0) {
        const expansion = expandWord(word.slice(equals + 1), this.lookup, this.escapeToken);
        this.globals.set(name, expansion.ok ? { set: true, value: expansion.value } : { set: true, unknown: expansion.reason });
        const roots = expansion.ok && expansion.value === '' ? [name] : this.emptyArgumentsNeeded(word.slice(equals + 1));
        if (roots.length > 0) this.emptyRoots.set(name, roots);
        else this.emptyRoots.delete(name);
      } else if (!this.globals.get(name)?.set) {
        // `ARG A` without a default keeps an earlier value, else leaves A unset.
        this.globals.set(name, { set: false, reason: `build argument ${name} has no value` });
      }
    }
  }

  private fromInstruction(instruction: Instruction): void {
    const { image, stageName, problem } = fromArguments(instruction);
    if (problem) this.errors.push(`line ${instruction.line}: ${problem}`);
    if (image) {
      const context = stageName ? `FROM (stage ${stageName})` : 'FROM';
      const expansion = expandWord(image.text, this.lookup, this.escapeToken);
      const { offset, raw } = rawAt(instruction.source, image.begin, image.end, this.file.text);
      if (!expansion.ok) {
        // `FROM binaries-$TARGETOS` picks one of the stages declared above by a build argument:
        // a stage, not an image. Anything else that cannot be expanded stays unresolved.
        if (!this.namesEarlierStage(image.text)) this.emit(offset, raw, { unresolved: expansion.reason }, context);
      }
      else if (expansion.value === '') this.emit(offset, raw, { unresolved: `base name (${image.text}) expands to nothing` }, context);
      else if (expansion.value !== 'scratch' && !this.earlierStageNames.has(expansion.value.toLowerCase())) {
        this.emit(offset, raw, this.emptyDefaultProblem(image.text, expansion.value) ?? expansion.value, context);
      }
    }
    if (stageName) this.earlierStageNames.add(stageName.toLowerCase());
  }

  /**
   * `ARG VERSION=` then `FROM img:${VERSION}`: the empty default is a slot for `--build-arg`, not
   * the value meant. When the word needs such an argument and is no reference without its value,
   * the image is unresolved (naming the argument), not a grammar error. A word that is a valid
   * reference with the empty value (`FROM ${PREFIX}nginx:1.27`) is what a plain build pulls.
   */
  private emptyDefaultProblem(word: string, value: string): { unresolved: string } | undefined {
    if (this.emptyRoots.size === 0 || normalizeForOccurrence(value).ok) return undefined;
    const roots = this.emptyArgumentsNeeded(word);
    if (roots.length === 0) return undefined;
    return { unresolved: `build argument ${roots.join(', ')} is declared with an empty default (ARG ${roots[0]}=); its value is meant to come from --build-arg` };
  }

  /** The empty-default ARGs whose value `word` needs (it cannot be expanded without them), in order. */
  private emptyArgumentsNeeded(word: string): string[] {
    if (this.emptyRoots.size === 0) return [];
    const needed = new Set<string>();
    const probe: VariableLookup = (name) => {
      const roots = this.emptyRoots.get(name);
      if (roots === undefined) return this.lookup(name);
      for (const root of roots) needed.add(root);
      return { set: true, unknown: name };
    };
    return expandWord(word, probe, this.escapeToken).ok ? [] : [...needed];
  }

  /**
   * Whether a FROM word that cannot be expanded matches a stage declared earlier once the parts
   * coming from variables of unknown value (platform ARGs, ARGs declared without a value) are read
   * as wildcards. The pattern must have a variable part and a literal part: a bare `$BASE` says
   * nothing about which stage, if any, it names.
   */
  private namesEarlierStage(word: string): boolean {
    if (this.earlierStageNames.size === 0 || word.includes(UNKNOWN_PART)) return false;
    const wildcardLookup: VariableLookup = (name) => {
      const state = this.globals.get(name);
      // Undeclared variables expand to nothing in BuildKit and no build argument can set them.
      if (state === undefined) return this.lookup(name);
      if (state.set && 'value' in state) return state;
      return { set: true, value: UNKNOWN_PART };
    };
    const expansion = expandWord(word, wildcardLookup, this.escapeToken);
    if (!expansion.ok || !expansion.value.includes(UNKNOWN_PART)) return false;
    const parts = expansion.value.toLowerCase().split(UNKNOWN_PART);
    if (parts.every((part) => part === '')) return false;
    // Matched by hand: a regular expression built from repository text could backtrack.
    for (const stage of this.earlierStageNames) if (matchesParts(parts, stage)) return true;
    return false;
  }

  private copyFrom(source: LogicalText, argumentsStart: number, context: string, note?: string): void {
    for (const flag of extractFlags(source.text, argumentsStart).flags) {
      if (flag.name !== 'from' || !flag.value || flag.value.text === '') continue;
      const variable = changesUnderExpansion(flag.value.text, this.escapeToken)
        ? 'BuildKit does not expand variables in COPY --from; define a stage with FROM from a global ARG instead'
        : undefined;
      this.fromValue(source, flag.value, context, variable, note);
    }
  }

  private runMounts(source: LogicalText, argumentsStart: number, context: string, note?: string): void {
    for (const flag of extractFlags(source.text, argumentsStart).flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      const fields = csvFields(flag.value);
      if (!fields) {
        this.errors.push(`line ${this.lines.positionAt(source.offsets[0] ?? 0).line}: --mount value is not valid CSV: ${flag.value.text.slice(0, 200)}`);
        continue;
      }
      for (const field of fields) {
        const equals = field.text.indexOf('=');
        if (equals < 0 || field.text.slice(0, equals).toLowerCase() !== 'from') continue;
        const value: PlacedText = { text: field.text.slice(equals + 1), positions: field.positions.slice(equals + 1) };
        if (value.text === '') continue;
        const variable = /\$./.test(value.text)
          ? "BuildKit does not expand variables in --mount from=; define a stage with FROM from a global ARG instead"
          : undefined;
        this.fromValue(source, value, context, variable, note);
      }
    }
  }

  /** A `--from` value: a stage (by name or index), `scratch`, or an image. */
  private fromValue(source: LogicalText, value: PlacedText, context: string, variableProblem: string | undefined, note?: string): void {
    const first = source.offsets[value.positions[0]];
    const last = source.offsets[value.positions[value.positions.length - 1]];
    const raw = this.file.text.slice(first, last + 1);
    if (variableProblem) {
      this.emit(first, raw, { unresolved: variableProblem }, context, note);
      return;
    }
    const text = value.text;
    if (/^[+-]?\d+$/.test(text) || text === 'scratch' || this.allStageNames.has(text.toLowerCase())) return;
    this.emit(first, raw, text, context, note);
  }

  private onbuildTrigger(instruction: Instruction): void {
    const text = instruction.source.text;
    const { argumentsStart } = extractFlags(text, instruction.argumentsStart);
    let keywordEnd = argumentsStart;
    while (keywordEnd < text.length && !isCommandSeparator(text[keywordEnd])) keywordEnd++;
    const keyword = text.slice(argumentsStart, keywordEnd).toLowerCase();
    const note = 'ONBUILD trigger: runs when another image is built FROM this one';
    if (keyword === 'copy') this.copyFrom(instruction.source, keywordEnd, 'ONBUILD COPY --from', note);
    else if (keyword === 'run') this.runMounts(instruction.source, keywordEnd, 'ONBUILD RUN --mount', note);
  }
}

/** `FROM [--platform=...] image [AS name]`, with the shape problem BuildKit would report. */
function fromArguments(instruction: Instruction): {
  image?: { text: string; begin: number; end: number };
  stageName?: string;
  problem?: string;
} {
  const text = instruction.source.text;
  const { argumentsStart } = extractFlags(text, instruction.argumentsStart);
  const words = joinTemplateActions(text, whitespaceWords(text, argumentsStart));
  if (words.length === 0) return { problem: 'FROM requires either one or three arguments (no image given)' };
  const named = words.length >= 3 && words[1].text.toLowerCase() === 'as';
  const problem = words.length === 1 || (words.length === 3 && named) ? undefined : 'FROM requires either one or three arguments';
  return { image: words[0], stageName: named ? words[2].text : undefined, problem };
}

/** File offset and text of `source.text[begin, end)` as written (continuations included). */
function rawAt(source: LogicalText, begin: number, end: number, fileText: string): { offset: number; raw: string } {
  const offset = source.offsets[begin];
  return { offset, raw: fileText.slice(offset, source.offsets[end - 1] + 1) };
}

function ownValue(record: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
