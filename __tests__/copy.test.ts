import { describe, expect, it } from 'vitest';
import { withFields } from '../src/copy.js';
import { hiddenClassesOf } from './helpers/hidden-class.js';

describe('withFields', () => {
  it('copies the record with the fields set, as a spread does, without changing the original', () => {
    const base = { file: 'Dockerfile', line: 1, resolution: { status: 'error' } };
    const copy = withFields(base, { resolution: { status: 'ok' }, signature: 'verified' });
    expect(copy).toEqual({ ...base, resolution: { status: 'ok' }, signature: 'verified' });
    expect(Object.keys(copy)).toEqual(['file', 'line', 'resolution', 'signature']);
    expect(base.resolution).toEqual({ status: 'error' });
  });

  it('gives copies of same-shaped records one hidden class (a spread literal made one per copy on Node 20)', () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ file: `f${i}`, line: i, kind: 'dockerfile', reference: `r${i}` }));
    expect(hiddenClassesOf(records.map((record, i) => withFields(record, { resolution: { status: 'ok', index: i } })))).toBe(1);
  });
});
