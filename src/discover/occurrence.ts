/** Builds occurrences the same way for every kind: position, raw text, normalized reference or the reason there is none. */
import type { Kind, Occurrence } from '../model.js';
import { normalizeForOccurrence } from '../reference/index.js';
import type { LineIndex } from './position.js';

export interface OccurrenceInput {
  file: string;
  kind: Kind;
  /** Index of the file's text, for offset -> line/column. */
  lines: LineIndex;
  /** 0-based offset of the first character of `raw` in the file. */
  offset: number;
  /** The image text exactly as written at `offset`. */
  raw: string;
  /**
   * The image text after substitution. A string: resolved (may equal raw). `{ unresolved }`:
   * could not be resolved, and why (e.g. "variable TAG has no value").
   */
  value: string | { unresolved: string };
  context?: string;
  /** `value` already went through the file's own `$` expansion, so a `$` left in it is literal text. */
  dollarExpanded?: boolean;
  local?: boolean;
  note?: string;
}

export function makeOccurrence(input: OccurrenceInput): Occurrence {
  const { line, column } = input.lines.positionAt(input.offset);
  const occurrence: Occurrence = {
    file: input.file,
    line,
    column,
    kind: input.kind,
    raw: input.raw,
    reference: null,
  };
  if (typeof input.value === 'string') applyValue(occurrence, input.value, input.dollarExpanded);
  else occurrence.problem = { kind: 'unresolved', message: input.value.unresolved };
  if (input.context) occurrence.context = input.context;
  if (input.local) occurrence.local = true;
  if (input.note) occurrence.note = input.note;
  return occurrence;
}

/**
 * What an occurrence keeps of a value: any reference is at most 1,024 characters, so a longer value is
 * invalid whatever follows (its message gives its length). A variable's long value repeated in
 * 10,000 images otherwise kept (and reported) 10,000 copies.
 */
const MAX_KEPT_VALUE = 1024;

function applyValue(occurrence: Occurrence, value: string, dollarExpanded?: boolean): void {
  if (value !== occurrence.raw) occurrence.resolved = value.length > MAX_KEPT_VALUE ? `${value.slice(0, MAX_KEPT_VALUE)}…` : value;
  const normalized = normalizeForOccurrence(value, { dollarExpanded });
  if (normalized.ok) occurrence.reference = normalized.reference;
  else occurrence.problem = { kind: normalized.placeholders ? 'unresolved' : 'invalid', message: normalized.message };
}

/** The occurrence at the same place with the value another file gives its text (a devfile's variables for a manifest it deploys). */
export function withValue(occurrence: Occurrence, value: string, note: string): Occurrence {
  const again: Occurrence = { ...occurrence, reference: null, note: occurrence.note ? `${occurrence.note}; ${note}` : note };
  delete again.resolved;
  delete again.problem;
  applyValue(again, value);
  return again;
}
