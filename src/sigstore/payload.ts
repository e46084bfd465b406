/**
 * What cosign checks after the cryptography, for image signatures: the signed payload names this
 * image. A valid signature copied from another image must not count for this one.
 */
import { objectAt, parseJson, valueAt } from '../json.js';
import { SigstoreError, quoted } from './errors.js';

export const SIMPLESIGNING_TYPE = 'cosign container image signature';
/** The in-toto predicate cosign (v3, bundle format) uses for a plain image signature. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/** Throws PAYLOAD_MISMATCH unless `payload` is a simplesigning document for `imageDigest`. */
export function assertSimpleSigningPayload(payload: Buffer, imageDigest: string): void {
  let json: unknown;
  try {
    json = parseJson(payload.toString('utf8'));
  } catch {
    throw new SigstoreError('PAYLOAD_MISMATCH', 'the signed payload is not JSON');
  }
  const critical = objectAt(json, 'critical');
  if (critical === undefined) throw new SigstoreError('PAYLOAD_MISMATCH', 'the signed payload has no critical section');
  if (critical.type !== SIMPLESIGNING_TYPE) {
    throw new SigstoreError('PAYLOAD_MISMATCH', `the signed payload type is ${quoted(critical.type)}, not ${JSON.stringify(SIMPLESIGNING_TYPE)}`);
  }
  const digest = valueAt(critical, 'image', 'docker-manifest-digest');
  if (digest !== imageDigest) {
    throw new SigstoreError('PAYLOAD_MISMATCH', `the signature was made for ${typeof digest === 'string' && digest.length <= 135 ? digest : 'another image'}, not ${imageDigest}`);
  }
}

