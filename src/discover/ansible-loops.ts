/**
 * A task's loop (`loop:`, `with_items:`, `with_list:`; `loop_control.loop_var` names the item) and
 * the images it runs: one per item, the item's fields filled into the task's image
 * (`"{{ item.image }}"`, `"{{ item }}"`, `"{{ item.name }}:{{ item.tag }}"`). An image that is a
 * whole item field is reported where the item writes it (the loop list, a vars file); one that
 * composes fields, at the task. A loop over what only the play knows leaves the image unresolved,
 * with the reason.
 */
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { Occurrence } from '../model.js';
import type { AnsibleLists, AnsibleVars } from './ansible-vars.js';
import { listItems, mapPairs, mergedGet, occurrencesAtScalar, type ImageResolver } from './image-site.js';
import { layered } from './layered.js';
import { LineIndex } from './position.js';
import { scalarString, writtenScalarText } from './yaml.js';

/** Bound on the items of one loop read for images. */
const MAX_ITEMS = 200;
/**
 * Bound on the loop items one file's tasks are read for: each task's loop may name an anchored list
 * of 200 items in a few bytes, so a 421 KB playbook of 7,000 such tasks made 1.4 million images and
 * ended the scan with "Invalid string length" (92 s, 2.8 GB). Past it the file says what it skipped.
 */
const MAX_FILE_ITEMS = 10_000;

/** What is left of a file's loop items; `cut` once a loop was read short for it. */
export interface LoopBudget {
  left: number;
  cut?: boolean;
}

export const loopBudget = (): LoopBudget => ({ left: MAX_FILE_ITEMS });
export const LOOPS_CUT = `the tasks' loops run more than ${MAX_FILE_ITEMS.toLocaleString('en-US')} items in this file: the items past that were not read`;
const LOOP_KEYS = ['loop', 'with_items', 'with_list'];
/** `{{ name }}`: a loop over one variable. */
const ONE_VARIABLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

interface LoopItem {
  node: unknown;
  document: Document.Parsed;
  file: string;
  text: string;
}

export interface TaskLoop {
  /** The name the item goes by (`item`, or `loop_control.loop_var`). */
  name: string;
  /** Where the loop is written, for people. */
  written: string;
  items?: LoopItem[];
  /** Why the items are not known, when they are not. */
  unresolved?: string;
}

/** Where the task is written: its document, file and text. */
interface TaskFile {
  document: Document.Parsed;
  file: string;
  text: string;
}

/** The loop of a task, if it has one. */
export function taskLoop(task: TaskFile, node: unknown, lists: AnsibleLists): TaskLoop | undefined {
  const key = LOOP_KEYS.find((candidate) => mergedGet(task.document, node, candidate) !== undefined);
  if (key === undefined) return undefined;
  const loop = mergedGet(task.document, node, key);
  const name = scalarString(mergedGet(task.document, mergedGet(task.document, node, 'loop_control'), 'loop_var')) ?? 'item';
  if (isSeq(loop)) return { name, written: `its ${key} list`, items: listItems(task.document, loop).map((item) => ({ node: item, ...task })) };
  const text = scalarString(loop)?.trim() ?? '';
  const variable = ONE_VARIABLE.exec(text)?.[1];
  const list = variable === undefined ? undefined : lists.get(variable);
  if (list) return { name, written: `the list ${variable}`, items: list.items.map((item) => ({ node: item, document: list.document, file: list.file, text: list.text })) };
  const why =
    variable === undefined
      ? `the task loops over ${text.slice(0, 120) || key}, which is only known when the play runs`
      : `the task loops over ${variable}, which is not a list set in the role's defaults or vars, group_vars/all or the play's vars (the inventory or the command line may set it)`;
  return { name, written: key, unresolved: why };
}

/** Whether a Jinja text uses the loop item. */
export function usesItem(text: string, name: string): boolean {
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', open + 2)) {
    const close = text.indexOf('}}', open + 2);
    const inner = text.slice(open + 2, close < 0 ? text.length : close).trim();
    if (inner === name || inner.startsWith(`${name}.`) || inner.startsWith(`${name}[`) || inner.startsWith(`${name} `) || inner.startsWith(`${name}|`)) return true;
  }
  return false;
}

/** The variables with one item bound: the item itself (a scalar), or each scalar field as `item.field`. */
function withItem(vars: AnsibleVars, item: LoopItem, name: string): AnsibleVars {
  const bound = new Map<string, string>();
  if (isScalar(item.node)) {
    const written = writtenScalarText(item.node, item.text);
    if (written !== undefined) bound.set(name, written);
  } else if (isMap(item.node)) {
    for (const [key, value] of mapPairs(item.document, item.node)) {
      const written = writtenScalarText(value, item.text);
      if (written !== undefined) bound.set(`${name}.${key}`, written);
    }
  }
  return layered(vars, bound);
}

/** The field a text that is only `{{ item.field }}` names (`''` for `{{ item }}`), else undefined. */
function wholeField(text: string, name: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{{') || !trimmed.endsWith('}}') || trimmed.indexOf('{{', 2) >= 0) return undefined;
  const inner = trimmed.slice(2, -2).trim();
  if (inner === name) return '';
  if (inner.startsWith(`${name}.`)) return /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner.slice(name.length + 1)) ? inner.slice(name.length + 1) : undefined;
  const bracket = /^\[\s*(?:'([A-Za-z0-9_-]+)'|"([A-Za-z0-9_-]+)")\s*\]$/.exec(inner.slice(name.length));
  return inner.startsWith(`${name}[`) && bracket ? (bracket[1] ?? bracket[2]) : undefined;
}

/** What reading one image of a looping task needs. */
export interface LoopSite {
  task: TaskFile & { lines: LineIndex };
  /** The task's image scalar. */
  node: unknown;
  context: string;
  loop: TaskLoop;
  vars: AnsibleVars;
  /** How the image is resolved with a set of variables (a pull module adds its `tag`). */
  resolver: (vars: AnsibleVars) => ImageResolver;
  budget: LoopBudget;
}

/** The images of a task that loops: one per item, each where it is written. */
export function loopOccurrences(site: LoopSite): Occurrence[] {
  const { task, node, context, loop } = site;
  const atTask = { file: task.file, kind: 'ansible' as const, text: task.text, lines: task.lines, node, context };
  if (loop.items === undefined) return occurrencesAtScalar({ ...atTask, resolve: () => [{ value: { unresolved: loop.unresolved ?? 'the loop is only known when the play runs' } }] });
  const text = scalarString(node) ?? '';
  const field = wholeField(text, loop.name);
  const lines = new Map<string, LineIndex>([[task.file, task.lines]]);
  const occurrences: Occurrence[] = [];
  const items = loop.items.slice(0, Math.min(MAX_ITEMS, site.budget.left));
  if (items.length < Math.min(MAX_ITEMS, loop.items.length)) site.budget.cut = true;
  site.budget.left -= items.length;
  items.forEach((item, index) => {
    const note = `item ${index} of ${loop.written}`;
    const written = field === undefined ? undefined : field === '' ? item.node : mergedGet(item.document, item.node, field);
    if (isScalar(written) && typeof written.value === 'string') {
      let itemLines = lines.get(item.file);
      if (!itemLines) lines.set(item.file, (itemLines = new LineIndex(item.text)));
      const itemContext = `${context} (${loop.name}${field ? `.${field}` : ''})`;
      occurrences.push(...occurrencesAtScalar({ file: item.file, kind: 'ansible', text: item.text, lines: itemLines, node: written, context: itemContext, resolve: site.resolver(withItem(site.vars, item, loop.name)), note }));
    } else occurrences.push(...occurrencesAtScalar({ ...atTask, resolve: site.resolver(withItem(site.vars, item, loop.name)), note }));
  });
  return occurrences;
}
