/**
 * How deep JSON nests, measured before jsonc-parser's recursive parse: 10,000 `[` overflowed its
 * stack, and the file reached the scan only by accident, as "Maximum call stack size exceeded".
 */
import { createScanner } from 'jsonc-parser';

/** Objects and arrays inside one another that the JSON readers parse (real files nest a few levels). */
const MAX_JSON_NESTING = 256;

/** jsonc-parser's SyntaxKind values (a const enum, which isolated modules cannot read). */
const SyntaxKind = { OpenBraceToken: 1, CloseBraceToken: 2, OpenBracketToken: 3, CloseBracketToken: 4, EOF: 17 } as const;

/** Whether JSON text nests objects and arrays deeper than MAX_JSON_NESTING (the scanner is a loop; strings and comments are skipped). */
export function nestsTooDeeply(text: string): boolean {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token: number = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_JSON_NESTING) return true;
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth = Math.max(0, depth - 1);
  }
  return false;
}

/** What a reader says of a file nesting deeper than the bound. */
export const TOO_DEEP_JSON = `the JSON nests objects and arrays deeper than ${MAX_JSON_NESTING} levels: it was not read`;
