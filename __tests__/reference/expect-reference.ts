/** Shared row shape and check for the table-driven reference tests: each row is one input and its parts or its error code. */
import { expect } from 'vitest';
import { ReferenceError, type ReferenceErrorCode } from '../../src/reference/index.js';

export type Row =
  | { input: string; domain: string; path: string; tag?: string; digest?: string }
  | { input: string; error: ReferenceErrorCode };

/** Runs `parse` on the row's input and checks either the parts (absent tag/digest must be absent) or the error code. */
export function expectRow(parse: (text: string) => object, row: Row): void {
  if ('error' in row) {
    let thrown: unknown;
    try {
      parse(row.input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, `expected ${row.error}`).toBeInstanceOf(ReferenceError);
    expect((thrown as ReferenceError).code).toBe(row.error);
    return;
  }
  const { input: _input, ...parts } = row;
  expect(parse(row.input)).toEqual(parts);
}

/** Row labels stay readable when inputs are hundreds of characters long. */
export function label(row: { input: string }): string {
  return row.input.length > 60 ? `${row.input.slice(0, 40)}… (${row.input.length} chars)` : JSON.stringify(row.input);
}

export const SHA256_F = `sha256:${'f'.repeat(64)}`;
export const SHA512_F = `sha512:${'f'.repeat(128)}`;
