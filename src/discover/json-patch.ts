/**
 * JSON patches (RFC 6902), as kustomize applies them (`patches:` written as a list of operations,
 * inline or in a file): an `add` or `replace` that sets a container's `image`, or adds a container,
 * sets the image the build deploys, in place of the one the base manifest names. Which part of an
 * object an operation writes is read from its path (a JSON pointer), whatever kind it targets.
 */
import { CONTAINER_LIST_KEYS, OPERATOR_CONTAINER_LIST_KEYS } from './pod-spec.js';

/**
 * Where an operation's `value` goes, for images: a container's image, one container, a list of them,
 * a test of an operator-sdk scorecard configuration (`/stages/0/tests/-`, which operator-sdk's
 * scaffold adds in `config/scorecard/patches/*.config.yaml`), or anything else.
 */
export type PatchTarget = 'image' | 'container' | 'container-list' | 'scorecard-test' | 'other';

/** Keys of container lists in pod specs and in the custom resources the generic rule reads. */
const CONTAINER_LISTS = new Set([...CONTAINER_LIST_KEYS, ...OPERATOR_CONTAINER_LIST_KEYS]);

/** A JSON pointer's reference tokens, unescaped (`~1` is `/`, `~0` is `~`); undefined when it is not a pointer. */
function pointerTokens(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** A list index in a pointer: digits, or `-` (past the end: `add` appends). */
function isListIndex(token: string | undefined): boolean {
  if (token === undefined || token === '') return false;
  if (token === '-') return true;
  for (let at = 0; at < token.length; at++) {
    const code = token.charCodeAt(at);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** What the value of an operation on `pointer` is, for images. */
export function patchTarget(pointer: string): PatchTarget {
  const tokens = pointerTokens(pointer);
  if (tokens === undefined) return 'other';
  const [last, parent, grandparent] = [tokens.at(-1), tokens.at(-2), tokens.at(-3)];
  if (last === 'image' && isListIndex(parent) && grandparent !== undefined && CONTAINER_LISTS.has(grandparent)) return 'image';
  if (isListIndex(last) && parent !== undefined && CONTAINER_LISTS.has(parent)) return 'container';
  if (last !== undefined && CONTAINER_LISTS.has(last)) return 'container-list';
  if (isScorecardTest(tokens)) return 'scorecard-test';
  if (last === 'image' && isScorecardTest(tokens.slice(0, -1))) return 'image';
  return 'other';
}

/** `stages/<n>/tests/<n or ->`: one test of a scorecard configuration's stage. */
function isScorecardTest(tokens: string[]): boolean {
  return tokens.length === 4 && tokens[0] === 'stages' && isListIndex(tokens[1]) && tokens[2] === 'tests' && isListIndex(tokens[3]);
}

/** Operations that set a value at their path. */
export function setsValue(op: string | undefined): boolean {
  return op === 'add' || op === 'replace';
}

/** Every JSON patch operation names one of these. */
const OPERATIONS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Whether `op` names a JSON patch operation. */
export function isPatchOperation(op: string | undefined): boolean {
  return op !== undefined && OPERATIONS.has(op);
}
