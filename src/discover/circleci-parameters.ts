/**
 * CircleCI parameters in image names. `<< pipeline.parameters.x >>` takes the default declared at
 * the top of the config (what a pipeline triggered by a push runs with). A job's
 * `<< parameters.x >>` takes each value the workflows invoke the job with (matrix included, the
 * job's defaults filling the rest); an executor's, each value the jobs using it pass. One written
 * image may so stand for several. Anything else in `<< >>` is only known when the pipeline runs.
 */
import type { Document } from 'yaml';
import { MAX_SUBSTITUTED_TEXT, listItems, mapPairs, mergedGet, type ImageValue } from './image-site.js';
import { scalarString } from './yaml.js';

/** Bound on the parameter sets considered for one job or executor (invocations times matrix combinations). */
const MAX_BINDINGS = 256;
/** `<< expression >>`; the expression is trimmed in code (no backtracking over spaces). */
const TEMPLATE = /<<([^<>]*)>>/g;
const PIPELINE_PARAMETER = /^pipeline\.parameters\.(.+)$/;
const OWN_PARAMETER = /^parameters\.(.+)$/;

/** One set of values a job or executor runs with: parameter name -> value (absent: not set). */
type Binding = ReadonlyMap<string, string>;

/** A job or executor: its name for messages, and the parameter sets it runs with (worked out when first asked). */
export interface ParameterScope {
  owner: string;
  bindings: () => Binding[];
  /** Where its values come from, for the note; by default the parameters the owner runs with. */
  source?: string;
}

/** Parameter declarations of a job, executor or the pipeline: name -> default, when one is declared. */
function declaredDefaults(document: Document.Parsed, owner: unknown): Map<string, string | undefined> {
  const defaults = new Map<string, string | undefined>();
  for (const [name, declaration] of mapPairs(document, mergedGet(document, owner, 'parameters'))) {
    defaults.set(name, scalarString(mergedGet(document, declaration, 'default')));
  }
  return defaults;
}

/** Every combination of a `matrix.parameters` map, without those its `exclude` lists. */
function matrixCombinations(document: Document.Parsed, matrix: unknown): Array<Map<string, string>> {
  let combinations: Array<Map<string, string>> = [new Map<string, string>()];
  for (const [name, values] of mapPairs(document, mergedGet(document, matrix, 'parameters'))) {
    const texts = listItems(document, values).map(scalarString).filter((text): text is string => text !== undefined);
    const next: Array<Map<string, string>> = [];
    for (const combination of combinations) {
      for (const text of texts) if (next.length < MAX_BINDINGS) next.push(new Map([...combination, [name, text]]));
    }
    combinations = next;
  }
  const excluded = listItems(document, mergedGet(document, matrix, 'exclude')).map((exclusion) =>
    mapPairs(document, exclusion).map(([name, value]) => [name, scalarString(value)] as const),
  );
  return combinations.filter((combination) => !excluded.some((pairs) => pairs.every(([name, value]) => combination.get(name) === value)));
}

/**
 * The invocations of each job in the workflows, in one pass: job name -> the invocations' parameter
 * maps (undefined for an invocation by name alone). Bounded per job.
 */
function workflowInvocations(document: Document.Parsed): Map<string, unknown[]> {
  const invocations = new Map<string, unknown[]>();
  const add = (name: string, parameters: unknown) => {
    const list = invocations.get(name) ?? [];
    if (list.length < MAX_BINDINGS) list.push(parameters);
    invocations.set(name, list);
  };
  for (const [, workflow] of mapPairs(document, mergedGet(document, document.contents, 'workflows'))) {
    for (const item of listItems(document, mergedGet(document, workflow, 'jobs'))) {
      const name = scalarString(item);
      if (name !== undefined) add(name, undefined);
      else for (const [job, parameters] of mapPairs(document, item)) add(job, parameters);
    }
  }
  return invocations;
}

/** The values an invocation passes the parameters `declared` of its job, one map per matrix combination. */
function passedValues(document: Document.Parsed, invocation: unknown, declared: string[]): Binding[] {
  // Looked up by name, so values that come through merge keys (an anchored invocation template) count.
  const passed = new Map<string, string>();
  for (const parameter of declared) {
    const text = scalarString(mergedGet(document, invocation, parameter));
    if (text !== undefined) passed.set(parameter, text);
  }
  return matrixCombinations(document, mergedGet(document, invocation, 'matrix')).map((combination) => new Map([...passed, ...combination]));
}

function withDefaults(defaults: Map<string, string | undefined>, passed: Binding): Binding {
  const binding = new Map<string, string>();
  for (const [name, fallback] of defaults) {
    const value = passed.get(name) ?? fallback;
    if (value !== undefined) binding.set(name, value);
  }
  return binding;
}

/** How a `<< >>` expression reads, or why it cannot be read from the file. */
type Lookup = (expression: string) => string | { unresolved: string };

/** Replaces every `<< >>` in `text`; the first that cannot be read makes the whole unresolved. */
function expand(text: string, lookup: Lookup): string | { unresolved: string } {
  let unresolved: string | undefined;
  const value = text.replace(TEMPLATE, (whole, expression: string) => {
    const found = lookup(expression.trim());
    if (typeof found === 'string') return found;
    unresolved ??= found.unresolved;
    return whole;
  });
  if (unresolved !== undefined) return { unresolved };
  if (value.length > MAX_SUBSTITUTED_TEXT) return { unresolved: `parameters make the text longer than ${MAX_SUBSTITUTED_TEXT} characters` };
  return value;
}

/** The parameters of a config: the pipeline's defaults, and the values each job and executor runs with. */
export class CircleciParameters {
  private readonly pipeline: Map<string, string | undefined>;
  private readonly jobs: Array<[string, unknown]>;
  private readonly jobBindings = new Map<string, Binding[]>();
  private invocations: Map<string, unknown[]> | undefined;

  constructor(private readonly document: Document.Parsed) {
    this.pipeline = declaredDefaults(document, document.contents);
    this.jobs = mapPairs(document, mergedGet(document, document.contents, 'jobs'));
  }

  /** The parameter sets job `name` runs with: one per invocation; a job no workflow invokes, its defaults. */
  job(name: string, job: unknown): ParameterScope {
    return { owner: `job ${name}`, bindings: () => this.jobParameterSets(name, job) };
  }

  private jobParameterSets(name: string, job: unknown): Binding[] {
    let bindings = this.jobBindings.get(name);
    if (!bindings) {
      const defaults = declaredDefaults(this.document, job);
      this.invocations ??= workflowInvocations(this.document);
      const passed = (this.invocations.get(name) ?? []).flatMap((invocation) => passedValues(this.document, invocation, [...defaults.keys()]));
      bindings = (passed.length > 0 ? passed : [new Map<string, string>()]).slice(0, MAX_BINDINGS).map((values) => withDefaults(defaults, values));
      this.jobBindings.set(name, bindings);
    }
    return bindings;
  }

  /** The parameter sets executor `name` runs with: what each job using it passes (the job's own parameters expanded). */
  executor(name: string, executor: unknown): ParameterScope {
    return { owner: `executor ${name}`, bindings: () => this.executorParameterSets(name, executor) };
  }

  private executorParameterSets(name: string, executor: unknown): Binding[] {
    const defaults = declaredDefaults(this.document, executor);
    const bindings: Binding[] = [];
    for (const [jobName, job] of this.jobs) {
      if (bindings.length >= MAX_BINDINGS) break;
      const use = mergedGet(this.document, job, 'executor');
      if ((scalarString(use) ?? scalarString(mergedGet(this.document, use, 'name'))) !== name) continue;
      for (const jobBinding of this.jobParameterSets(jobName, job)) {
        const passed = new Map<string, string>();
        for (const parameter of defaults.keys()) {
          const text = scalarString(mergedGet(this.document, use, parameter));
          if (text !== undefined) passed.set(parameter, this.expandValue(text, jobBinding));
        }
        if (bindings.length < MAX_BINDINGS) bindings.push(withDefaults(defaults, passed));
      }
    }
    return bindings.length > 0 ? bindings : [withDefaults(defaults, new Map())];
  }

  /** The values of an image written in a job or executor (`scope`), or outside both (pipeline parameters only). */
  imageValues(text: string, scope?: ParameterScope): ImageValue[] {
    if (!text.includes('<<')) return [{ value: text }];
    const own = [...text.matchAll(TEMPLATE)].some((match) => OWN_PARAMETER.test(match[1].trim()));
    const results = new Map<string, ImageValue['value']>();
    for (const binding of own && scope ? scope.bindings() : [new Map<string, string>()]) {
      const first = expand(text, (expression) => this.read(expression, binding, scope?.owner));
      // Passed values may name pipeline parameters in turn.
      const value = typeof first === 'string' ? expand(first, (expression) => this.read(expression, new Map(), scope?.owner)) : first;
      results.set(JSON.stringify(value), value);
    }
    const values = [...results.values()];
    const resolvedCount = values.filter((value) => typeof value === 'string').length;
    let index = 0;
    return values.map((value) => {
      if (typeof value !== 'string') return { value };
      index++;
      const source = own && scope ? (scope.source ?? `the parameters ${scope.owner} runs with`) : "the pipeline parameters' defaults";
      return { value, note: resolvedCount > 1 ? `with ${source}, value ${index} of ${resolvedCount}` : `with ${source}` };
    });
  }

  /** A job's parameters in a value it passes its executor; anything else is left as written, for the image to name. */
  private expandValue(text: string, binding: Binding): string {
    return text.replace(TEMPLATE, (whole, expression: string) => {
      const own = OWN_PARAMETER.exec(expression.trim());
      return (own && binding.get(own[1])) ?? whole;
    });
  }

  private read(expression: string, binding: Binding, owner: string | undefined): string | { unresolved: string } {
    const pipeline = PIPELINE_PARAMETER.exec(expression);
    if (pipeline) {
      const value = this.pipeline.get(pipeline[1]);
      if (value !== undefined) return value;
      return {
        unresolved: this.pipeline.has(pipeline[1])
          ? `pipeline parameter ${pipeline[1]} has no default: it is set when the pipeline is triggered`
          : `pipeline parameter ${pipeline[1]} is not declared in this config`,
      };
    }
    const own = OWN_PARAMETER.exec(expression);
    if (own && owner !== undefined) {
      const value = binding.get(own[1]);
      if (value !== undefined) return value;
      return { unresolved: `parameter ${own[1]} of ${owner} has no default and is not passed` };
    }
    return { unresolved: `CircleCI parameter << ${expression} >> is set by the pipeline or the caller of the job` };
  }
}
