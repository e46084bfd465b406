/**
 * The container a Dockerfile builds: its final stage and the `USER` it runs as. `USER` is
 * inherited from a stage the final stage is built `FROM`; an image from a registry is not looked
 * into, but a tag that says `nonroot` is taken at its word.
 */
import type { ContainerConfig, WrittenSetting } from '../../model.js';
import type { Instruction } from '../dockerfile/parse.js';
import { whitespaceWords } from '../dockerfile/words.js';
import type { LineIndex } from '../position.js';
import type { SourceFile } from '../types.js';
import { isDevelopmentContainerFile } from './settings.js';

interface Stage {
  from: Instruction;
  /** The base as written (an image or an earlier stage's name). */
  base: string;
  name?: string;
  user?: WrittenSetting<string>;
  /** The stage sets CMD or ENTRYPOINT. */
  runs?: boolean;
}

/** The container a Dockerfile builds, from the instructions the discoverer parsed (no second parse). */
export function dockerfileContainers(file: SourceFile, instructions: readonly Instruction[], lines: LineIndex): ContainerConfig[] {
  if (isDevelopmentContainerFile(file.path)) return [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'from') stages.push(stageOf(instruction));
    else if (instruction.keyword === 'user' && stages.length > 0) stages[stages.length - 1].user = userOf(instruction, lines);
    else if ((instruction.keyword === 'cmd' || instruction.keyword === 'entrypoint') && stages.length > 0) stages[stages.length - 1].runs = true;
  }
  const final = stages.at(-1);
  if (!final) return [];
  // An image built FROM scratch with no CMD or ENTRYPOINT holds files (an operator bundle), it runs nothing.
  if (final.base.toLowerCase() === 'scratch' && !final.runs) return [];
  const { user, base } = effectiveUser(stages, stages.length - 1);
  const fromPosition = lines.positionAt(final.from.source.offsets[0] ?? 0);
  const config: ContainerConfig = {
    file: file.path,
    kind: 'dockerfile',
    name: final.name ? `final stage ${final.name}` : 'final stage',
    workload: 'the image',
    raw: final.from.source.text,
    ...fromPosition,
    addedCapabilities: [],
    hostNamespaces: [],
    hostPaths: [],
  };
  if (user) config.user = user;
  if (isNonRootTag(base)) config.nonRootBase = true;
  return [config];
}

function stageOf(from: Instruction): Stage {
  const words = whitespaceWords(from.source.text, from.argumentsStart).map((word) => word.text).filter((word) => !word.startsWith('--'));
  const stage: Stage = { from, base: words[0] ?? '' };
  if (words.length >= 3 && words[1].toLowerCase() === 'as') stage.name = words[2].toLowerCase();
  return stage;
}

function userOf(instruction: Instruction, lines: LineIndex): WrittenSetting<string> | undefined {
  const words = whitespaceWords(instruction.source.text, instruction.argumentsStart);
  const first = words[0];
  if (!first) return undefined;
  const offset = instruction.source.offsets[first.begin] ?? 0;
  return { value: first.text, raw: first.text, ...lines.positionAt(offset) };
}

/**
 * The USER in force at the end of stage `index`, following `FROM <earlier stage>`: each hop goes to
 * an earlier stage, so the walk is bounded by the stage count, and a name is found in a map (a
 * search of the stages before each hop made 8,000 chained stages take two minutes).
 */
function effectiveUser(stages: Stage[], index: number): { user?: WrittenSetting<string>; base: string } {
  const firstNamed = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (stage.name !== undefined && !firstNamed.has(stage.name)) firstNamed.set(stage.name, i);
  });
  let currentIndex = index;
  for (;;) {
    const current = stages[currentIndex];
    if (current.user) return { user: current.user, base: current.base };
    const parentIndex = firstNamed.get(current.base.toLowerCase());
    if (parentIndex === undefined || parentIndex >= currentIndex) return { base: current.base };
    currentIndex = parentIndex;
  }
}

/** `gcr.io/distroless/static:nonroot`, `…:latest-nonroot`, `…:rootless`: the tag says the image runs as a user. */
function isNonRootTag(image: string): boolean {
  const colon = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  if (colon <= slash) return false;
  const tag = image.slice(colon + 1).split('@')[0].toLowerCase();
  return tag.includes('nonroot') || tag.includes('non-root') || tag.includes('rootless');
}
