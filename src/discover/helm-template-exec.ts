/**
 * The executor of Go's text/template (`exec.go`), as Helm runs it: walks a parsed node tree with an
 * explicit scope (dot, variables, `$`), evaluates `if`/`with`/`range` like Go (a branch whose
 * condition is false is never executed), and calls functions from a table (`helm-template-funcs.ts`).
 * What cannot be known offline is an `Unknown` value; printing one writes a marker into the output,
 * so the caller learns why a line did not render. A condition that is Unknown executes every
 * branch, marked uncertain. Bounded in steps, output and include depth.
 */
import type { Arg, ControlNode, Pipe, TemplateNode } from './helm-template-parse.js';
import { GoStruct, isMapValue, LimitError, printValue, RenderError, truth, Unknown } from './helm-template-values.js';

/** A named template (`define`) by name, or why it cannot be used. */
export type NamedTemplateBody = { nodes: TemplateNode[] } | { unresolved: string };

/** A template function: arguments evaluated (the piped value last); `call` gives access to the renderer. */
export type TemplateFunction = (args: unknown[], call: CallContext) => unknown;

/** What a function may do besides computing: render named templates or text (`include`, `tpl`). */
export interface CallContext {
  name: string;
  include(name: string, dot: unknown): unknown;
  tpl(text: string, dot: unknown): unknown;
  /** Why text holding an Unknown marker is not known (the first marker's reason). */
  reasonIn(text: string): string;
  /** Joins text parts, or an Unknown when the result would pass the bound (checked before joining). */
  join(parts: string[], separator: string): string | Unknown;
}

/** The world a render sees: templates, functions, bounds, and where Unknown reasons are kept. */
export interface RenderEnv {
  templates: ReadonlyMap<string, NamedTemplateBody>;
  functions: ReadonlyMap<string, TemplateFunction>;
  /** Functions whose arguments are evaluated lazily by the executor (`and`, `or`). */
  parseText(text: string): { nodes: TemplateNode[]; defines: Map<string, TemplateNode[]> } | { error: string; bound?: true };
  budget: { steps: number };
  /** Reasons of Unknown values written to the output, referenced by index from markers. */
  unknowns: string[];
  /** Values read from maps, in order (for tracing where an output came from). */
  reads: Array<{ container: object; key: string }>;
  /** Each rendering of a marked site, in order. */
  siteHits: SiteHit[];
  /** Field chains that named a key missing from its map or null there (nil, printed as nothing), in order. */
  missing?: string[];
  /** `missing.length` when each site's start marker was last written. */
  missingAtSite?: Map<number, number>;
  /** Maps whose missing keys are unknown rather than nil (values of a dependency chart that is not there), with why. */
  incomplete?: WeakMap<object, string>;
  /**
   * Set to run every branch a user can switch with the values, as for a condition not known offline:
   * an `if`/`with`/`range` whose pipeline looks up a map key (the values, or a map made from them) or
   * names `.Values` or a variable. Branches decided by constants, `.Capabilities` or `.Release` run as Helm runs them.
   */
  followSwitches?: boolean;
}

/** Bounds on one render. */
const RENDER_LIMITS = {
  maxOutput: 4 * 1024 * 1024,
  maxString: 64 * 1024,
  maxIncludeDepth: 64,
  // The real charts tried nest 197 at most (bitnami/charts); the stack overflowed past about 790 blocks.
  maxNesting: 400,
  maxUnknowns: 10_000,
  maxRangeItems: 10_000,
};

/** Control flow of `{{break}}`/`{{continue}}` inside a range, thrown up to the range's body. */
class LoopSignal extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}

/** The executor's explicit scope: dot, the variable stack (`$` first), uncertainty, include depth. */
interface State {
  dot: unknown;
  vars: Array<{ name: string; value: unknown }>;
  uncertain: number;
  depth: number;
  /** Blocks, parenthesized pipelines and includes entered and not left (see `nest`). */
  nesting: number;
}

/** One rendering of a marked site, recorded when its end marker is written. */
export interface SiteHit {
  site: number;
  /** The text between the markers (Unknown markers included). */
  text: string;
  uncertain: boolean;
  /** `reads.length` when the start and the end marker were written. */
  readsAtStart: number;
  readsAtEnd: number;
  /** Field chains evaluated inside the site that named a missing key. */
  missing?: string[];
}

/** Where a site's last start marker was written: the chunk holding it, and the reads so far. */
interface SiteStart {
  chunk: number;
  reads: number;
}

/**
 * Output of one template, bounded; site markers are stamped and their text recorded as written.
 * The output is kept in chunks, joined once at the end, and each site's start marker is remembered:
 * searching or slicing one growing string at every end marker flattened the whole output each
 * time, quadratic in a range's iterations (70 x 70 items took 30 s).
 */
class Writer {
  private readonly chunks: string[] = [];
  private length = 0;
  private readonly starts = { certain: new Map<number, SiteStart>(), uncertain: new Map<number, SiteStart>() };
  constructor(private readonly env: RenderEnv) {}

  get text(): string {
    return this.chunks.join('');
  }

  write(piece: string, state: State): void {
    if (this.length + piece.length > RENDER_LIMITS.maxOutput) throw new LimitError('the template renders more than 4 MiB');
    if (!piece.includes('\u0000')) {
      this.append(piece);
      return;
    }
    this.writeMarked(piece, state);
  }

  writeUnknown(value: Unknown, state: State): void {
    this.write(unknownMarker(value, this.env), state);
  }

  private append(piece: string): void {
    if (piece === '') return;
    this.chunks.push(piece);
    this.length += piece.length;
  }

  /**
   * Site markers (`\u0000S<n>\u0000`, `\u0000E<n>\u0000`) placed in template text by the caller are
   * stamped with the reads so far (`S<n>.<reads>`, lower case in an uncertain branch); at an end
   * marker, the text since its start marker is that site's rendering. Markers already stamped (text
   * coming back from an include) pass through.
   */
  private writeMarked(piece: string, state: State): void {
    let index = 0;
    for (;;) {
      const start = piece.indexOf('\u0000', index);
      const end = start < 0 ? -1 : piece.indexOf('\u0000', start + 1);
      if (end < 0) {
        this.append(piece.slice(index));
        return;
      }
      this.append(piece.slice(index, start));
      const marker = piece.slice(start + 1, end);
      index = end + 1;
      if (!/^[SE]\d+$/.test(marker)) {
        const stamped = /^([Ss])(\d+)\.(\d+)$/.exec(marker);
        if (stamped) this.markStart(stamped[1], Number(stamped[2]), Number(stamped[3]));
        this.append(piece.slice(start, end + 1));
        continue;
      }
      if (marker[0] === 'E') this.recordSite(Number(marker.slice(1)));
      else this.env.missingAtSite?.set(Number(marker.slice(1)), this.env.missing?.length ?? 0);
      const letter = state.uncertain > 0 ? marker[0].toLowerCase() : marker[0];
      if (letter !== 'E' && letter !== 'e') this.markStart(letter, Number(marker.slice(1)), this.env.reads.length);
      this.append(`\u0000${letter}${marker.slice(1)}.${this.env.reads.length}\u0000`);
    }
  }

  /** Remembers a start marker about to be appended as the next chunk. */
  private markStart(letter: string, site: number, reads: number): void {
    this.starts[letter === 'S' ? 'certain' : 'uncertain'].set(site, { chunk: this.chunks.length, reads });
  }

  private recordSite(site: number): void {
    const upper = this.starts.certain.get(site);
    const lower = this.starts.uncertain.get(site);
    const at = upper === undefined ? lower : lower === undefined || upper.chunk > lower.chunk ? upper : lower;
    if (at === undefined) return;
    const missing = this.env.missing?.slice(this.env.missingAtSite?.get(site) ?? this.env.missing.length);
    const text = this.chunks.slice(at.chunk + 1).join('');
    this.env.siteHits.push({ site, text, uncertain: at === lower, readsAtStart: at.reads, readsAtEnd: this.env.reads.length, ...(missing?.length ? { missing } : {}) });
  }
}

/** `\u0001<n>\u0001` names the n-th Unknown reason. */
function unknownMarker(value: Unknown, env: RenderEnv): string {
  if (env.unknowns.length < RENDER_LIMITS.maxUnknowns) env.unknowns.push(value.reason);
  return `\u0001${env.unknowns.length - 1}\u0001`;
}

/** Renders nodes with `dot` as both `.` and `$`; returns the output text. Throws RenderError for bounds. */
export function execute(nodes: TemplateNode[], dot: unknown, env: RenderEnv, depth = 0): string {
  const state: State = { dot, vars: [{ name: '$', value: dot }], uncertain: 0, depth, nesting: depth };
  const out = new Writer(env);
  walkList(nodes, state, out, env);
  return out.text;
}

/**
 * Runs one level of nesting: a block, a parenthesized pipeline (an include starts its state one level
 * deeper). Each kind is bounded alone, but 64 includes of a helper 190 blocks deep overflowed the stack.
 */
function nest<T>(state: State, run: () => T): T {
  if (++state.nesting > RENDER_LIMITS.maxNesting) {
    state.nesting--;
    throw new LimitError(`blocks, parenthesized pipelines and includes nest deeper than ${RENDER_LIMITS.maxNesting} as the template runs`);
  }
  try {
    return run();
  } finally {
    state.nesting--;
  }
}

function step(env: RenderEnv): void {
  if (--env.budget.steps < 0) throw new LimitError('the chart needs more evaluation steps than allowed');
}

function walkList(nodes: TemplateNode[], state: State, out: Writer, env: RenderEnv): void {
  for (const node of nodes) walkNode(node, state, out, env);
}

function walkNode(node: TemplateNode, state: State, out: Writer, env: RenderEnv): void {
  step(env);
  switch (node.type) {
    case 'text':
      out.write(node.text, state);
      return;
    case 'action': {
      const value = safePipeline(node.pipe, state, env);
      if (node.pipe.decl.length > 0) return;
      if (value instanceof Unknown) out.writeUnknown(value, state);
      else out.write(printValue(value), state);
      return;
    }
    case 'if':
    case 'with':
      nest(state, () => walkConditional(node, state, out, env));
      return;
    case 'range':
      nest(state, () => walkRange(node, state, out, env));
      return;
    case 'template': {
      const dot = node.pipe ? safePipeline(node.pipe, state, env) : undefined;
      const rendered = includeTemplate(node.name, dot, state, env);
      if (rendered instanceof Unknown) out.writeUnknown(rendered, state);
      else out.write(rendered, state);
      return;
    }
    case 'break':
    case 'continue':
      throw new LoopSignal(node.type);
  }
}

/** Runs `list` in a nested variable scope (variables declared inside are dropped at its end). */
function inScope(state: State, dot: unknown, run: () => void): void {
  const mark = state.vars.length;
  const saved = state.dot;
  state.dot = dot;
  try {
    run();
  } finally {
    state.vars.length = mark;
    state.dot = saved;
  }
}

function walkConditional(node: ControlNode, state: State, out: Writer, env: RenderEnv): void {
  // Variables declared in the condition are seen by both branches and dropped after the end.
  const mark = state.vars.length;
  try {
    const lookups = lookupMark(env);
    const value = safePipeline(node.pipe, state, env);
    walkBranches(node, value, state, out, env, isSwitch(node.pipe, lookups, env));
  } finally {
    state.vars.length = mark;
  }
}

/** Helm's objects in the root context other than `.Values`: looking one up reads no value a user sets. */
const HELM_OBJECTS = new Set(['Chart', 'Release', 'Capabilities', 'Template', 'Files', 'Subcharts']);

/** How many map keys were looked up so far, found and missing. */
function lookupMark(env: RenderEnv): { reads: number; missing: number } {
  return { reads: env.reads.length, missing: env.missing?.length ?? 0 };
}

/**
 * With `followSwitches`, whether a control pipeline just evaluated is one the values decide (see
 * RenderEnv): it looked up a map key other than Helm's objects in the root context, or names `.Values` or a variable.
 */
function isSwitch(pipe: Pipe, before: { reads: number; missing: number }, env: RenderEnv): boolean {
  if (env.followSwitches !== true) return false;
  if ((env.missing?.length ?? 0) > before.missing) return true;
  for (let index = before.reads; index < env.reads.length; index++) if (!HELM_OBJECTS.has(env.reads[index].key)) return true;
  return namesValuesOrVariable(pipe.cmds, 0);
}

/** Whether arguments name `.Values` or a variable other than `$` (which may hold a value read earlier). */
function namesValuesOrVariable(cmds: Arg[][], depth: number): boolean {
  const names = (arg: Arg): boolean => {
    if (arg.type === 'field') return arg.path[0] === 'Values';
    if (arg.type === 'variable') return arg.name !== '$' || arg.path[0] === 'Values';
    if (arg.type === 'chain') return names(arg.base);
    return arg.type === 'pipe' && depth < 64 && namesValuesOrVariable(arg.pipe.cmds, depth + 1);
  };
  return cmds.some((cmd) => cmd.some(names));
}

function walkBranches(node: ControlNode, value: unknown, state: State, out: Writer, env: RenderEnv, followBoth = false): void {
  const truthy = followBoth ? new Unknown('a branch the values switch') : truth(value);
  if (truthy instanceof Unknown) {
    // Offline we cannot tell which branch Helm takes: both run, and what they write is uncertain.
    state.uncertain++;
    try {
      inScope(state, node.type === 'with' ? value : state.dot, () => walkList(node.list, state, out, env));
      if (node.elseList) inScope(state, state.dot, () => walkList(node.elseList ?? [], state, out, env));
    } finally {
      state.uncertain--;
    }
    return;
  }
  if (truthy) inScope(state, node.type === 'with' ? value : state.dot, () => walkList(node.list, state, out, env));
  else if (node.elseList) inScope(state, state.dot, () => walkList(node.elseList ?? [], state, out, env));
}

/** The (key, value) pairs a range walks: list items, map entries by sorted key, or 0..n-1. */
function rangeItems(value: unknown): Array<[unknown, unknown]> | Unknown {
  if (value instanceof Unknown) return value;
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item, index) => [index, item]);
  if (isMapValue(value)) return Object.keys(value).sort().map((key) => [key, value[key]]);
  if (typeof value === 'number' && Number.isInteger(value)) return Array.from({ length: Math.max(0, Math.min(value, RENDER_LIMITS.maxRangeItems)) }, (_, index) => [index, index]);
  return new Unknown(`range can't iterate over ${printValue(value)}`);
}

function walkRange(node: ControlNode, state: State, out: Writer, env: RenderEnv): void {
  const lookups = lookupMark(env);
  const value = safePipeline({ ...node.pipe, decl: [] }, state, env);
  const items = rangeItems(value);
  if (isSwitch(node.pipe, lookups, env) && !(items instanceof Unknown)) {
    // A list the values fill: its body once with an unknown item when empty, and its else list.
    state.uncertain++;
    try {
      const unknown = new Unknown('an item the values may add');
      runRangeBody(node, items.length > 0 ? items.slice(0, RENDER_LIMITS.maxRangeItems) : [[unknown, unknown]], state, out, env);
      if (node.elseList) inScope(state, state.dot, () => walkList(node.elseList ?? [], state, out, env));
    } finally {
      state.uncertain--;
    }
    return;
  }
  if (items instanceof Unknown) {
    // One uncertain pass with an unknown element, so the lines inside say why they are unknown.
    state.uncertain++;
    try {
      runRangeBody(node, [[items, items]], state, out, env);
    } finally {
      state.uncertain--;
    }
    return;
  }
  if (items.length === 0) {
    if (node.elseList) inScope(state, state.dot, () => walkList(node.elseList ?? [], state, out, env));
    return;
  }
  runRangeBody(node, items.slice(0, RENDER_LIMITS.maxRangeItems), state, out, env);
}

function runRangeBody(node: ControlNode, items: Array<[unknown, unknown]>, state: State, out: Writer, env: RenderEnv): void {
  for (const [key, item] of items) {
    // An iteration is a step of its own: a range of an empty body (10,000 x 10,000 of them) spent none and ran for a minute.
    step(env);
    let signal: LoopSignal | undefined;
    inScope(state, item, () => {
      const [first, second] = node.pipe.decl;
      if (second !== undefined) {
        declareOrAssign(state, first, key, node.pipe.isAssign);
        declareOrAssign(state, second, item, node.pipe.isAssign);
      } else if (first !== undefined) declareOrAssign(state, first, item, node.pipe.isAssign);
      try {
        walkList(node.list, state, out, env);
      } catch (error) {
        if (!(error instanceof LoopSignal)) throw error;
        signal = error;
      }
    });
    if (signal?.kind === 'break') return;
  }
}

function declareOrAssign(state: State, name: string, value: unknown, isAssign: boolean): void {
  if (!isAssign) {
    state.vars.push({ name, value });
    return;
  }
  for (let index = state.vars.length - 1; index >= 0; index--) {
    if (state.vars[index].name === name) {
      state.vars[index].value = value;
      return;
    }
  }
  throw new RenderError(`undefined variable: ${name}`);
}

/** evalPipeline, with Helm's own errors (an undefined variable, ...) as Unknown values. */
function safePipeline(pipe: Pipe, state: State, env: RenderEnv): unknown {
  try {
    return evalPipeline(pipe, state, env);
  } catch (error) {
    if (error instanceof RenderError) return new Unknown(`Helm stops here: ${error.message}`);
    throw error;
  }
}

/** A pipeline's value: each command's result is the next one's last argument. Declares its variables. */
function evalPipeline(pipe: Pipe, state: State, env: RenderEnv): unknown {
  let value: unknown;
  let hasValue = false;
  for (const cmd of pipe.cmds) {
    value = evalCommand(cmd, state, env, hasValue ? { value } : undefined);
    hasValue = true;
  }
  for (const name of pipe.decl) declareOrAssign(state, name, value, pipe.isAssign);
  return value;
}

function evalCommand(cmd: Arg[], state: State, env: RenderEnv, final: { value: unknown } | undefined): unknown {
  step(env);
  const [first, ...rest] = cmd;
  switch (first.type) {
    case 'identifier':
      return callFunction(first.name, rest, state, env, final);
    case 'field':
      return evalFields(state.dot, first.path, rest, state, env, final, false);
    case 'variable':
      return evalFields(lookupVariable(state, first.name), first.path, rest, state, env, final, true);
    case 'chain':
      return evalFields(evalArg(first.base, state, env), first.path, rest, state, env, final, true);
    default:
      if (rest.length > 0 || final) return new Unknown(`Helm cannot give arguments to a non-function`);
      return evalArg(first, state, env);
  }
}

function lookupVariable(state: State, name: string): unknown {
  for (let index = state.vars.length - 1; index >= 0; index--) if (state.vars[index].name === name) return state.vars[index].value;
  return new Unknown(`undefined variable ${name}`);
}

/** One argument's value; a function name alone is a call without arguments. */
function evalArg(arg: Arg, state: State, env: RenderEnv): unknown {
  switch (arg.type) {
    case 'string':
    case 'number':
    case 'bool':
      return arg.value;
    case 'nil':
      return undefined;
    case 'dot':
      return state.dot;
    case 'pipe':
      return nest(state, () => evalPipeline({ ...arg.pipe, decl: [] }, state, env));
    case 'identifier':
      return callFunction(arg.name, [], state, env, undefined);
    default:
      return evalCommand([arg], state, env, undefined);
  }
}

/**
 * `.a.b.c` on a receiver, like Go's evalFieldChain: a missing map key is nil, and a field of that
 * nil inside the same chain is an error in Helm (`nil pointer evaluating interface {}.c`), while a
 * field of a nil that came from a variable or a parenthesized pipeline is nil.
 */
function evalFields(receiver: unknown, path: string[], args: Arg[], state: State, env: RenderEnv, final: { value: unknown } | undefined, startsBare: boolean): unknown {
  let current = receiver;
  let interfaceNil = !startsBare && (receiver === undefined || receiver === null);
  // Set when the chain ends in a method of one of Helm's objects (`.Capabilities.APIVersions.Has`), which takes the arguments.
  let calledMethod = false;
  for (let index = 0; index < path.length; index++) {
    const name = path[index];
    const last = index === path.length - 1;
    if (current instanceof Unknown) return current;
    if (current === undefined || current === null) {
      if (interfaceNil) return new Unknown(`Helm stops here: nil pointer evaluating .${path.slice(0, index).join('.')}.${name}`.replace('..', '.'));
      continue;
    }
    if (current instanceof GoStruct) {
      if (!(name in current.fields)) return new Unknown(`Helm stops here: can't evaluate field ${name} in ${current.typeName}`);
      const field = current.fields[name];
      calledMethod = last && typeof field === 'function';
      current = typeof field === 'function' ? (field as (a: unknown[]) => unknown)(last ? evalArgs(args, state, env, final) : []) : field;
      interfaceNil = false;
      continue;
    }
    if (isMapValue(current)) {
      const has = Object.prototype.hasOwnProperty.call(current, name);
      if (!has && env.incomplete?.has(current)) return new Unknown(env.incomplete.get(current) ?? '');
      if (has) env.reads.push({ container: current, key: name });
      // A key written as null in values.yaml has no default either: Helm prints it as nothing.
      const unset = !has || current[name] === null;
      if (unset && last && env.missing && env.missing.length < RENDER_LIMITS.maxUnknowns) env.missing.push(path.join('.'));
      current = has ? current[name] : undefined;
      interfaceNil = current === undefined || current === null;
      continue;
    }
    return new Unknown(`Helm stops here: can't evaluate field ${name} in type ${typeof current === 'string' ? 'string' : Array.isArray(current) ? 'slice' : typeof current}`);
  }
  if ((args.length > 0 || final) && !(receiver instanceof GoStruct) && path.length > 0 && !calledMethod) {
    const isMethod = current instanceof Unknown;
    if (!isMethod) return new Unknown(`Helm stops here: ${path.join('.')} is not a method but has arguments`);
  }
  return current;
}

function evalArgs(args: Arg[], state: State, env: RenderEnv, final: { value: unknown } | undefined): unknown[] {
  const values = args.map((arg) => evalArg(arg, state, env));
  if (final) values.push(final.value);
  return values;
}

/** Calls a function from the table; `and`/`or` evaluate their arguments lazily, as Go does since 1.18. */
function callFunction(name: string, args: Arg[], state: State, env: RenderEnv, final: { value: unknown } | undefined): unknown {
  if (name === 'and' || name === 'or') return shortCircuit(name, args, state, env, final);
  const fn = env.functions.get(name);
  if (!fn) return new Unknown(`the template function ${name} is not evaluated`);
  const values = evalArgs(args, state, env, final);
  const context: CallContext = {
    name,
    include: (template, dot) => includeTemplate(template, dot, state, env),
    tpl: (text, dot) => renderText(text, dot, state, env),
    reasonIn: (text) => {
      const start = text.indexOf('\u0001');
      return env.unknowns[Number(text.slice(start + 1, text.indexOf('\u0001', start + 1)))] ?? 'a value is not known offline';
    },
    join: (parts, separator) => {
      let length = separator.length * Math.max(0, parts.length - 1);
      for (const part of parts) length += part.length;
      return length > RENDER_LIMITS.maxString ? new Unknown(`${name} renders text longer than ${RENDER_LIMITS.maxString} characters`) : parts.join(separator);
    },
  };
  try {
    return fn(values, context);
  } catch (error) {
    if (error instanceof RenderError) return new Unknown(`Helm stops here: ${error.message}`);
    throw error;
  }
}

function shortCircuit(name: 'and' | 'or', args: Arg[], state: State, env: RenderEnv, final: { value: unknown } | undefined): unknown {
  const thunks: Array<() => unknown> = args.map((arg) => () => evalArg(arg, state, env));
  if (final) thunks.push(() => final.value);
  if (thunks.length === 0) return new Unknown(`${name} without arguments`);
  let value: unknown;
  for (const thunk of thunks) {
    value = thunk();
    const truthy = truth(value);
    if (truthy instanceof Unknown) return truthy;
    if (name === 'and' ? !truthy : truthy) return value;
  }
  return value;
}

/** Renders a named template with `dot`, as `include` and `{{template}}` do. */
function includeTemplate(name: string, dot: unknown, state: State, env: RenderEnv): string | Unknown {
  const body = env.templates.get(name);
  if (body === undefined) return new Unknown(`include ${JSON.stringify(name)}: no template of that name in the chart or its library charts`);
  if ('unresolved' in body) return new Unknown(body.unresolved);
  if (state.depth >= RENDER_LIMITS.maxIncludeDepth) return new Unknown(`includes nest deeper than ${RENDER_LIMITS.maxIncludeDepth} named templates`);
  const nested: State = { dot, vars: [{ name: '$', value: dot }], uncertain: state.uncertain, depth: state.depth + 1, nesting: state.nesting + 1 };
  const out = new Writer(env);
  walkList(body.nodes, nested, out, env);
  return out.text;
}

/** `tpl`: parses text as a template (its defines visible to it) and renders it with `dot`. */
function renderText(text: string, dot: unknown, state: State, env: RenderEnv): string | Unknown {
  if (text.includes('\u0000') || text.includes('\u0001')) return new Unknown('tpl of text that is not known offline');
  const parsed = env.parseText(text);
  if ('error' in parsed) return new Unknown(parsed.bound ? `tpl: the text was not read: ${parsed.error}` : `Helm stops here: tpl: ${parsed.error}`);
  const templates = new Map(env.templates);
  for (const [name, nodes] of parsed.defines) templates.set(name, { nodes });
  const nestedEnv: RenderEnv = { ...env, templates };
  const nested: State = { dot, vars: [{ name: '$', value: dot }], uncertain: state.uncertain, depth: state.depth + 1, nesting: state.nesting + 1 };
  if (state.depth >= RENDER_LIMITS.maxIncludeDepth) return new Unknown(`tpl nests deeper than ${RENDER_LIMITS.maxIncludeDepth}`);
  const out = new Writer(nestedEnv);
  walkList(parsed.nodes, nested, out, nestedEnv);
  return out.text;
}
