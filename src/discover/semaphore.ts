/**
 * Semaphore CI: the pipeline files under `.semaphore/` (`semaphore.yml`, and the files its
 * promotions start). Jobs run in the Docker images an agent's `containers` list names (the first
 * is where the commands run, the others are services), set for the pipeline or overridden by a
 * block's `task.agent`; and the commands of jobs, prologues and epilogues pull images with
 * `docker run`/`docker pull`. A command's `$NAME` is filled in from the `env_vars` of its task and
 * of `global_job_config`; any other is a variable known only when the job runs.
 */
import type { Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { Discoverer, Extraction, SourceFile } from './types.js';
import type { LineIndex } from './position.js';
import { scalarString } from './yaml.js';
import { listItems, mergedGet, occurrencesAtScalar, occurrencesOfDocuments, parseConfigDocuments } from './image-site.js';
import { environmentWordValues, scriptListImages } from './script-images.js';

/** A YAML file under a `.semaphore/` folder, where Semaphore looks for pipelines. */
function isPipelinePath(path: string): boolean {
  const folder = path.startsWith('.semaphore/') ? 0 : path.indexOf('/.semaphore/');
  return folder >= 0 && (path.endsWith('.yml') || path.endsWith('.yaml'));
}

/** The epilogue's command lists, by when they run. */
const EPILOGUE_PARTS = ['always', 'on_pass', 'on_fail'];

interface PipelineSite {
  document: Document.Parsed;
  file: SourceFile;
  lines: LineIndex;
  occurrences: Occurrence[];
}

/** `env_vars` entries (`- name: X`, `value: y`) added to `into`; a later entry wins, as it is exported later. */
function envVars(document: Document.Parsed, node: unknown, into: Map<string, string>): Map<string, string> {
  for (const entry of listItems(document, node)) {
    const name = scalarString(mergedGet(document, entry, 'name'));
    const value = scalarString(mergedGet(document, entry, 'value'));
    if (name !== undefined && value !== undefined) into.set(name, value);
  }
  return into;
}

function containerImages(site: PipelineSite, agent: unknown, context: string): void {
  listItems(site.document, mergedGet(site.document, agent, 'containers')).forEach((container, index) => {
    const node = mergedGet(site.document, container, 'image');
    site.occurrences.push(...occurrencesAtScalar({ file: site.file.path, kind: 'semaphore', text: site.file.text, lines: site.lines, node, context: `${context}.containers[${index}].image` }));
  });
}

/** The images the command lists of a task (its jobs, prologue and epilogue) pull. */
function commandImages(site: PipelineSite, task: unknown, context: string, env: Map<string, string>): void {
  const { document } = site;
  const scripts = { file: site.file.path, kind: 'semaphore' as const, text: site.file.text, lines: site.lines, resolve: environmentWordValues('Semaphore', [env]) };
  const commands = (node: unknown, where: string) => site.occurrences.push(...scriptListImages(document, mergedGet(document, node, 'commands'), scripts, `${where}.commands`));
  listItems(document, mergedGet(document, task, 'jobs')).forEach((job, index) => commands(job, `${context}.jobs[${index}]`));
  commands(mergedGet(document, task, 'prologue'), `${context}.prologue`);
  const epilogue = mergedGet(document, task, 'epilogue');
  for (const part of EPILOGUE_PARTS) commands(mergedGet(document, epilogue, part), `${context}.epilogue.${part}`);
}

function pipelineOccurrences(document: Document.Parsed, file: SourceFile, lines: LineIndex): Occurrence[] {
  const site: PipelineSite = { document, file, lines, occurrences: [] };
  const root = document.contents;
  containerImages(site, mergedGet(document, root, 'agent'), 'agent');
  const global = mergedGet(document, root, 'global_job_config');
  const globalEnv = envVars(document, mergedGet(document, global, 'env_vars'), new Map());
  commandImages(site, global, 'global_job_config', globalEnv);
  const tasks: Array<[unknown, string]> = listItems(document, mergedGet(document, root, 'blocks')).map((block, index) => [mergedGet(document, block, 'task'), `blocks[${index}].task`]);
  tasks.push([mergedGet(document, mergedGet(document, root, 'after_pipeline'), 'task'), 'after_pipeline.task']);
  for (const [task, context] of tasks) {
    containerImages(site, mergedGet(document, task, 'agent'), `${context}.agent`);
    commandImages(site, task, context, envVars(document, mergedGet(document, task, 'env_vars'), new Map(globalEnv)));
  }
  return site.occurrences;
}

export const semaphoreDiscoverer: Discoverer = {
  kind: 'semaphore',
  matches(path) {
    return isPipelinePath(path);
  },
  extract(file: SourceFile): Extraction {
    return occurrencesOfDocuments(file, parseConfigDocuments(file), pipelineOccurrences);
  },
};
