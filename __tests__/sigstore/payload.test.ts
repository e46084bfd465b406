// What a verified signature must say about the image: cosign's simplesigning payload names it.
import { describe, expect, it } from 'vitest';
import { assertSimpleSigningPayload, SIMPLESIGNING_TYPE } from '../../src/sigstore/payload.js';
import { simpleSigningPayload } from '../helpers/cosign-format.js';

const IMAGE = `sha256:${'ab'.repeat(32)}`;
const payload = (critical: unknown) => Buffer.from(JSON.stringify({ critical, optional: null }));
const mismatch = (message: string | RegExp) => expect.objectContaining({ code: 'PAYLOAD_MISMATCH', message: expect.stringMatching(message) });

describe('the simplesigning payload of an image signature', () => {
  it('is accepted when it names this image, as cosign writes it', () => {
    expect(() => assertSimpleSigningPayload(simpleSigningPayload('ghcr.io/acme/app', IMAGE), IMAGE)).not.toThrow();
  });

  it('is refused when it is not JSON', () => {
    for (const text of ['', 'critical: {}', '{"critical": ', '\u0000\u0001']) {
      expect(() => assertSimpleSigningPayload(Buffer.from(text), IMAGE)).toThrow(mismatch(/^the signed payload is not JSON$/));
    }
  });

  it('is refused when it has no critical section', () => {
    for (const json of ['null', '[]', '"text"', '{"optional": {}}', '{"critical": "x"}']) {
      expect(() => assertSimpleSigningPayload(Buffer.from(json), IMAGE)).toThrow(mismatch(/^the signed payload has no critical section$/));
    }
  });

  it('is refused when its type is another (an atomic container signature, or none)', () => {
    expect(() => assertSimpleSigningPayload(payload({ type: 'atomic container signature', image: { 'docker-manifest-digest': IMAGE } }), IMAGE)).toThrow(
      mismatch('the signed payload type is "atomic container signature", not "cosign container image signature"'),
    );
    expect(() => assertSimpleSigningPayload(payload({ image: { 'docker-manifest-digest': IMAGE } }), IMAGE)).toThrow(mismatch(/^the signed payload type is undefined, not/));
  });

  it('is refused when it names another image, or names none', () => {
    const other = `sha256:${'cd'.repeat(32)}`;
    expect(() => assertSimpleSigningPayload(payload({ type: SIMPLESIGNING_TYPE, image: { 'docker-manifest-digest': other } }), IMAGE)).toThrow(
      mismatch(`the signature was made for ${other}, not ${IMAGE}`),
    );
    expect(() => assertSimpleSigningPayload(payload({ type: SIMPLESIGNING_TYPE, image: { 'docker-manifest-digest': 7 } }), IMAGE)).toThrow(
      mismatch(`the signature was made for another image, not ${IMAGE}`),
    );
  });
});
