/**
 * Property tests for the reference grammar (issue 12): references generated from the grammar's
 * own productions parse, and their canonical and familiar forms round-trip; arbitrary text never
 * throws anything but a ReferenceError, and normalizeForOccurrence never throws at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  familiarString,
  formatReference,
  normalizeForOccurrence,
  parseCanonical,
  parseNormalized,
  parseReference,
  ReferenceError,
} from '../../src/reference/index.js';

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const alphanumeric = fc.array(fc.constantFrom(...lower), { minLength: 1, maxLength: 6 }).map((chars) => chars.join(''));
const separator = fc.constantFrom('.', '_', '__', '-', '--');
const pathComponent = fc
  .tuple(alphanumeric, fc.array(fc.tuple(separator, alphanumeric), { maxLength: 2 }))
  .map(([first, rest]) => first + rest.map(([sep, part]) => sep + part).join(''));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const domainLabel = fc.array(fc.constantFrom(...lower, '-'), { minLength: 1, maxLength: 8 }).map((chars) => chars.join('')).filter((label) => !label.startsWith('-') && !label.endsWith('-'));
// Port 443 is the HTTPS default and is dropped by normalization (one text per registry), so a
// reference written with it is not canonical.
const domain = fc.oneof(
  fc.tuple(fc.array(domainLabel, { minLength: 2, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }).filter((port) => port !== 443), { nil: undefined })).map(([labels, port]) => labels.join('.') + (port === undefined ? '' : `:${port}`)),
  fc.constant('localhost:5000'),
  fc.constant('[::1]:5000'),
);
const tagChars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('')];
const tag = fc
  .tuple(fc.constantFrom(...tagChars), fc.array(fc.constantFrom(...tagChars, '.', '-'), { maxLength: 20 }))
  .map(([first, rest]) => first + rest.join(''));
const digest = fc.array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 }).map((hex) => `sha256:${hex.join('')}`);

/** A canonical reference: domain, path, and optionally a tag and a digest. */
const canonical = fc
  .tuple(domain, path, fc.option(tag, { nil: undefined }), fc.option(digest, { nil: undefined }))
  .map(([host, name, tagValue, digestValue]) => `${host}/${name}${tagValue === undefined ? '' : `:${tagValue}`}${digestValue === undefined ? '' : `@${digestValue}`}`);

describe('reference grammar properties', () => {
  it('a canonical reference parses as written and formats back to itself', () => {
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatReference(parseReference(text))).toBe(text);
        expect(formatReference(parseCanonical(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  // Docker Hub namespaces are letters and digits: `docker.io/a.b/c` would print as `a.b/c`, which
  // reads as registry a.b (as in Go's FamiliarString), so the generator keeps them plain.
  const hub = fc.tuple(alphanumeric, path, fc.option(tag, { nil: undefined })).map(([namespace, name, tagValue]) => `docker.io/${namespace}/${name}${tagValue === undefined ? '' : `:${tagValue}`}`);

  it('the familiar form normalizes back to the same reference', () => {
    fc.assert(
      fc.property(fc.oneof(canonical, hub), (text) => {
        const parsed = parseNormalized(text);
        expect(parseNormalized(familiarString(parsed))).toEqual(parsed);
        expect(parseNormalized(formatReference(parsed))).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary text throws only ReferenceError, and normalizeForOccurrence never throws', () => {
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), canonical.map((valid) => valid + '\u0000'), fc.string({ minLength: 1000, maxLength: 3000 }));
    fc.assert(
      fc.property(text, (input) => {
        try {
          parseNormalized(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ReferenceError);
        }
        const result = normalizeForOccurrence(input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
