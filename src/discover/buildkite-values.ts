/**
 * The values Buildkite puts into a pipeline's text: `$VAR` / `${VAR}` interpolation when the pipeline
 * is uploaded (from its top-level `env:`; anything else comes from the agent's environment, unknown
 * here), and the `{{matrix}}` values of a step's build matrix.
 */
import { isMap, isSeq, type Document } from 'yaml';
import { isScalar, scalarString } from './yaml.js';
import { listItems, mapPairs, mergedGet, MAX_SUBSTITUTED_TEXT, type ImageValue } from './image-site.js';

/** A matrix combination: `matrix` (one dimension) or `matrix.<name>` to its value. */
export type MatrixCombination = Record<string, string>;

/** Buildkite runs at most this many jobs of a matrix; a bigger product is not expanded. */
const MAX_COMBINATIONS = 256;
/** Bound on a variable defined from another (`IMAGE: "golang:${GO_VERSION}"`). */
const MAX_NESTING = 8;

function isNameStart(char: string | undefined): boolean {
  return char !== undefined && ((char >= 'A' && char <= 'Z') || (char >= 'a' && char <= 'z') || char === '_');
}

function isNameChar(char: string | undefined): boolean {
  return isNameStart(char) || (char !== undefined && char >= '0' && char <= '9');
}

/** A written scalar as Buildkite reads it: a string, with numbers and booleans as written. */
function scalarText(document: Document.Parsed, node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? scalarString(node);
}

/**
 * Interpolation of one pipeline document: `$$` and `\$` are a literal `$`; `${VAR}`, `$VAR`,
 * `${VAR:-default}` and `${VAR-default}` take the top-level `env:` value (itself interpolated);
 * a variable the file does not set is known only at upload, so the image is unresolved.
 */
export function buildkiteInterpolation(document: Document.Parsed, envNode: unknown): (text: string) => ImageValue[] {
  const env = new Map<string, string>();
  for (const [name, value] of mapPairs(document, envNode)) {
    const text = scalarText(document, value);
    if (text !== undefined) env.set(name, text);
  }
  const substitute = (text: string, depth: number, seen: readonly string[]): string | { unresolved: string } => {
    let output = '';
    let index = 0;
    while (index < text.length) {
      const char = text[index];
      const next = text[index + 1];
      if ((char === '$' && next === '$') || (char === '\\' && next === '$')) {
        output += '$';
        index += 2;
        continue;
      }
      if (char !== '$' || !(next === '{' || isNameStart(next))) {
        output += char;
        index++;
        continue;
      }
      const reference = readReference(text, index);
      if (reference === undefined) return { unresolved: `${text.slice(index)} is not a variable Buildkite can interpolate` };
      const value = env.get(reference.name);
      if (value === undefined || seen.includes(reference.name) || depth >= MAX_NESTING) {
        return { unresolved: `${text.slice(index, reference.end)} is a Buildkite variable, known only when the pipeline is uploaded` };
      }
      const inner = substitute(value, depth + 1, [...seen, reference.name]);
      if (typeof inner !== 'string') return inner;
      output += inner === '' && reference.defaultWhenEmpty !== undefined ? reference.defaultWhenEmpty : inner;
      if (output.length > MAX_SUBSTITUTED_TEXT) return { unresolved: `interpolating ${reference.name} makes the text longer than ${MAX_SUBSTITUTED_TEXT} characters` };
      index = reference.end;
    }
    return output;
  };
  return (text) => [{ value: substitute(text, 0, []) }];
}

/** `$NAME`, `${NAME}`, `${NAME:-x}` or `${NAME-x}` at `start`; undefined for another `${...}` form. */
function readReference(text: string, start: number): { name: string; end: number; defaultWhenEmpty?: string } | undefined {
  if (text[start + 1] !== '{') {
    let end = start + 1;
    while (isNameChar(text[end])) end++;
    return { name: text.slice(start + 1, end), end };
  }
  const close = text.indexOf('}', start + 2);
  if (close < 0) return undefined;
  const body = text.slice(start + 2, close);
  let nameEnd = 0;
  while (isNameChar(body[nameEnd])) nameEnd++;
  const name = body.slice(0, nameEnd);
  if (!isNameStart(name[0])) return undefined;
  const rest = body.slice(nameEnd);
  if (rest === '') return { name, end: close + 1 };
  // `${VAR:-x}` takes x when VAR is empty; `${VAR-x}` only when unset (never, once the file sets it).
  if (rest.startsWith(':-')) return { name, end: close + 1, defaultWhenEmpty: rest.slice(2) };
  if (rest.startsWith('-')) return { name, end: close + 1 };
  return undefined;
}

/**
 * A step's `matrix:`: a list (`{{matrix}}`), `setup:` as a list or a map of lists (`{{matrix.os}}`),
 * with `adjustments` that add combinations or skip them. `[]` without a matrix.
 */
export function matrixCombinations(document: Document.Parsed, matrix: unknown): MatrixCombination[] | { unknown: string } {
  if (matrix === undefined || matrix === null) return [];
  const setup = isSeq(matrix) ? matrix : mergedGet(document, matrix, 'setup');
  let combinations: MatrixCombination[];
  if (isSeq(setup)) {
    combinations = valuesOf(document, setup).map((value) => ({ matrix: value }));
  } else if (isMap(setup)) {
    combinations = [{}];
    for (const [name, values] of mapPairs(document, setup)) {
      if (!isSeq(values)) return { unknown: `matrix.setup.${name} is not a list` };
      const next: MatrixCombination[] = [];
      const dimension = valuesOf(document, values);
      // Checked before the product is built: an anchored list of 100,000 values times 256 would be built whole.
      if (combinations.length * dimension.length > MAX_COMBINATIONS) return { unknown: `the matrix has more than ${MAX_COMBINATIONS} combinations` };
      for (const combination of combinations) for (const value of dimension) next.push({ ...combination, [`matrix.${name}`]: value });
      combinations = next;
    }
  } else {
    return { unknown: 'matrix.setup is neither a list nor a map' };
  }
  for (const adjustment of listItems(document, mergedGet(document, matrix, 'adjustments'))) {
    const withNode = mergedGet(document, adjustment, 'with');
    const single = scalarText(document, withNode);
    const wanted: MatrixCombination | undefined = single !== undefined ? { matrix: single } : isMap(withNode) ? Object.fromEntries(mapPairs(document, withNode).map(([name, value]) => [`matrix.${name}`, scalarText(document, value) ?? ''])) : undefined;
    if (wanted === undefined) continue;
    const skip = mergedGet(document, adjustment, 'skip');
    const same = (combination: MatrixCombination) => Object.entries(wanted).every(([key, value]) => combination[key] === value);
    if (skip !== undefined && !(isScalar(skip) && skip.value === false)) combinations = combinations.filter((combination) => !same(combination));
    else if (!combinations.some(same) && combinations.length < MAX_COMBINATIONS) combinations.push(wanted);
  }
  return combinations;
}

function valuesOf(document: Document.Parsed, list: unknown): string[] {
  return listItems(document, list).flatMap((item) => scalarText(document, item) ?? []);
}
