/**
 * YAML parsed with its nesting bounded. The `yaml` package composes collections recursively and,
 * past the stack, catches the overflow and goes on one level deeper each time: a values file of
 * 20,000 `{` ran that close to the stack's end that V8 aborted the process ("RegExpCompiler
 * Allocation failed") instead of throwing. Its parser (a loop with its own stack) reads the text
 * first, so each document's nesting is measured on that syntax tree, before any recursion, and a
 * document nested deeper than `MAX_YAML_NESTING` is composed as an error without its content.
 */
import { Composer, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

/** Collections inside collections a document may hold: far beyond any real file, far below the stack. */
export const MAX_YAML_NESTING = 256;

/** The parse error of such a document. */
export const YAML_TOO_DEEP = `collections nested more than ${MAX_YAML_NESTING} levels deep (limit)`;

/** Whether collections nest more than `MAX_YAML_NESTING` deep in a syntax tree. Iterative: the tree may be deep. */
function nestsTooDeeply(root: CST.Token): boolean {
  const pending: Array<[CST.Token, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [token, level] = pending.pop()!;
    if (!('items' in token)) continue; // a block map or sequence or a flow collection has items
    if (level > MAX_YAML_NESTING) return true;
    for (const { key, value } of token.items) {
      if (key && 'items' in key) pending.push([key, level + 1]);
      if (value && 'items' in value) pending.push([value, level + 1]);
    }
  }
  return false;
}

/** Where a syntax tree's text ends: the end of its last source. */
function endOf(root: CST.Token): number {
  let end = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    const token = value as { offset?: unknown; source?: unknown };
    if (typeof token.offset === 'number' && typeof token.source === 'string') end = Math.max(end, token.offset + token.source.length);
    for (const child of Array.isArray(value) ? value : Object.values(value)) pending.push(child);
  }
  return end;
}

/** The parser's tokens, each document nested too deeply emptied (its content an error token); `tooDeep` gets its offset and end. */
function* boundedTokens(tokens: Iterable<CST.Token>, tooDeep: Map<number, number>): Generator<CST.Token> {
  for (const token of tokens) {
    if (token.type === 'document' && token.value) {
      if (nestsTooDeeply(token.value)) {
        tooDeep.set(token.offset, endOf(token.value));
        yield { ...token, value: { type: 'error', offset: token.value.offset, source: '', message: YAML_TOO_DEEP } };
        continue;
      }
    }
    yield token;
  }
}

/**
 * `parseAllDocuments` of the `yaml` package (without pretty errors, an empty stream as no document),
 * a document nested deeper than `MAX_YAML_NESTING` returned with an error and no content, its
 * range still covering its text. Throws when the parser itself runs out of stack.
 */
export function parseAllDocumentsBounded(text: string, options: ParseOptions & DocumentOptions & SchemaOptions = {}): Document.Parsed[] {
  const tooDeep = new Map<number, number>();
  let documents: Document.Parsed[];
  try {
    documents = Array.from(new Composer({ ...options, prettyErrors: false }).compose(boundedTokens(new Parser().parse(text), tooDeep)));
  } catch (error) {
    // The parser recurses too when a marker closes many block collections at once: it throws there, and stops.
    if (error instanceof RangeError && error.message.includes('call stack')) throw new Error(YAML_TOO_DEEP, { cause: error });
    throw error;
  }
  for (const document of documents) {
    const end = tooDeep.get(document.range[0]);
    if (end === undefined) continue;
    document.range = [document.range[0], end, Math.max(end, document.range[2])];
    if (!document.errors.some((error) => error.message.startsWith(YAML_TOO_DEEP))) document.errors.push(new YAMLParseError([document.range[0], end], 'RESOURCE_EXHAUSTION', YAML_TOO_DEEP));
  }
  return documents;
}

/** Whether some document of `text` nests collections deeper than `MAX_YAML_NESTING` (for callers that parse it themselves). */
export function yamlNestsTooDeeply(text: string): boolean {
  for (const token of new Parser().parse(text)) if (token.type === 'document' && token.value && nestsTooDeeply(token.value)) return true;
  return false;
}
