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
  if (typeof input.value === 'string') {
    if (input.value !== input.raw) occurrence.resolved = input.value;
    const normalized = normalizeForOccurrence(input.value, { dollarExpanded: input.dollarExpanded });
    if (normalized.ok) occurrence.reference = normalized.reference;
    else occurrence.problem = { kind: normalized.placeholders ? 'unresolved' : 'invalid', message: normalized.message };
  } else {
    occurrence.problem = { kind: 'unresolved', message: input.value.unresolved };
  }
  if (input.context) occurrence.context = input.context;
  if (input.local) occurrence.local = true;
  if (input.note) occurrence.note = input.note;
  return occurrence;
}
