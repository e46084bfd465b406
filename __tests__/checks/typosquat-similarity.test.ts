/**
 * `imitation` at the edges of its thresholds: each technique counts from its minimum genuine-name
 * length and not one character below, in both scopes; three edits never count. (Mutation testing:
 * the family tests exercise real names, which rarely sit exactly on a threshold.) The names avoid
 * look-alike characters (i, l, g, q, 0, 1, rn, vv, cl) so that only the edit is judged.
 */
import { describe, expect, it } from 'vitest';
import { imitation, type SimilarityScope, type SquatTechnique } from '../../src/checks/typosquat-similarity.js';

type Row = [written: string, genuine: string, scope: SimilarityScope, expected: SquatTechnique | undefined];

const rows: Row[] = [
  // Two letters swapped: from 4 characters.
  ['abdc', 'abcd', 'account', 'transposition'],
  ['acb', 'abc', 'account', undefined],
  // A letter doubled: from 4.
  ['abbcd', 'abcd', 'account', 'repeated-character'],
  ['abbc', 'abc', 'account', undefined],
  // A letter missing: from 5 among accounts, from 4 under library/.
  ['abde', 'abcde', 'account', 'dropped-character'],
  ['abd', 'abcd', 'account', undefined],
  ['abd', 'abcd', 'library', 'dropped-character'],
  ['ab', 'abc', 'library', undefined],
  // A neighbouring key: from 5 among accounts (s and d touch), from 4 under library/ (e and r).
  ['redsd', 'redss', 'account', 'adjacent-key'],
  ['nodr', 'node', 'account', undefined],
  ['nodr', 'node', 'library', 'adjacent-key'],
  // An extra letter: from 6 among accounts, from 5 under library/.
  ['abcxdef', 'abcdef', 'account', 'extra-character'],
  ['abcxde', 'abcde', 'account', undefined],
  ['abcxde', 'abcde', 'library', 'extra-character'],
  ['abxcd', 'abcd', 'library', undefined],
  // One letter changed (keys apart): from 7 among accounts, from 5 under library/.
  ['abcpefh', 'abcdefh', 'account', 'substituted-character'],
  ['abcpef', 'abcdef', 'account', undefined],
  ['abpde', 'abcde', 'library', 'substituted-character'],
  ['abpd', 'abcd', 'library', undefined],
  // Among accounts a different first letter is another word; under library/ it is a slip.
  ['xbcdefh', 'abcdefh', 'account', undefined],
  ['xbcdefh', 'abcdefh', 'library', 'substituted-character'],
  ['rocker', 'docker', 'account', undefined],
  ['rocker', 'docker', 'library', 'adjacent-key'],
  // Two edits: from 9, same first letter; among accounts the last letter must agree too.
  ['abxdeyhjk', 'abcdefhjk', 'account', 'two-edits'],
  ['abxdeyhj', 'abcdefhj', 'account', undefined],
  ['abxdefhjz', 'abcdefhjk', 'account', undefined],
  ['abxdefhjz', 'abcdefhjk', 'library', 'two-edits'],
  ['xbcdeyhjk', 'abcdefhjk', 'library', undefined],
  // Three edits are never a squat, nor a name with more appended, nor one three letters longer.
  ['axxdeyhjk', 'abcdefhjk', 'library', undefined],
  ['abcdefhjkxy', 'abcdefhjk', 'library', undefined],
  ['xyabcdefhjk', 'abcdefhjk', 'library', undefined],
  ['abcdefhjkxyz', 'abcdefhjk', 'library', undefined],
  // A version glued on is a sibling.
  ['centos7', 'centos', 'library', undefined],
  ['centos-7', 'centos', 'library', undefined],
  // Separators and look-alikes: from 3.
  ['a-bc', 'abc', 'account', 'separator'],
  ['a-b', 'ab', 'account', undefined],
  ['x0y', 'xoy', 'account', 'look-alike'],
  ['x0', 'xo', 'account', undefined],
  // The genuine name itself is not an imitation.
  ['abcdef', 'abcdef', 'library', undefined],
];

describe('imitation thresholds', () => {
  it.each(rows)('%s as %s (%s) -> %s', (written, genuine, scope, expected) => {
    expect(imitation(written, genuine, scope)).toBe(expected);
  });
});
