/**
 * Converts cosign's pre-bundle storage into Sigstore bundles that `verify-bundle.ts` checks:
 * - `sha256-<hex>.sig`: a manifest whose layers are simplesigning payloads
 *   (`application/vnd.dev.cosign.simplesigning.v1+json`) with the signature, certificate, chain,
 *   Rekor SET and RFC 3161 timestamp in layer annotations;
 * - `sha256-<hex>.att`: layers that are DSSE envelopes (`application/vnd.dsse.envelope.v1+json`)
 *   with the same annotations.
 * The bundle is v0.1 shaped (inclusion promise, no proof), as cosign's data allows.
 */
import { createHash } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE, type Bundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { pem } from '@sigstore/core';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { SigstoreError } from './errors.js';
import { arrayAt, objectAt, parseJson, stringAt, valueAt } from '../json.js';

export const SIMPLESIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** A layer of a legacy `.sig` or `.att` manifest: its annotations and its blob. */
export interface LegacyLayer {
  mediaType: string;
  annotations: Record<string, string>;
  blob: Buffer;
}

/** "sha256:<hex>" → "sha256-<hex>.sig" (or ".att"), cosign's tag for an image's signatures. */
export function legacyTag(imageDigest: string, suffix: 'sig' | 'att'): string {
  return `${imageDigest.replace(':', '-')}.${suffix}`;
}

function decodeBase64(value: string, what: string): Buffer {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', `${what} is not base64`);
  }
  return Buffer.from(trimmed, 'base64');
}

function parseLegacyJson(value: string, what: string): unknown {
  try {
    return parseJson(value);
  } catch {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', `${what} is not JSON`);
  }
}

/** cosign's Rekor bundle annotation ({SignedEntryTimestamp, Payload{body, integratedTime, logIndex, logID}}) as a log entry. */
export function rekorBundleToTlogEntry(annotation: string): TransparencyLogEntry {
  const rekorBundle = parseLegacyJson(annotation, 'the Rekor bundle annotation');
  const payload = objectAt(rekorBundle, 'Payload');
  const signedEntryTimestamp = stringAt(rekorBundle, 'SignedEntryTimestamp');
  if (signedEntryTimestamp === undefined || payload === undefined) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the Rekor bundle annotation lacks SignedEntryTimestamp or Payload');
  }
  const { body, integratedTime, logIndex, logID } = payload;
  if (typeof body !== 'string' || !Number.isSafeInteger(integratedTime) || !Number.isSafeInteger(logIndex) || typeof logID !== 'string' || !/^[0-9a-f]+$/i.test(logID)) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the Rekor bundle payload is malformed');
  }
  const canonicalizedBody = decodeBase64(body, 'the Rekor entry body');
  const entry = parseLegacyJson(canonicalizedBody.toString('utf8'), 'the Rekor entry body');
  const kind = stringAt(entry, 'kind');
  const apiVersion = stringAt(entry, 'apiVersion');
  if (kind === undefined || apiVersion === undefined) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the Rekor entry body has no kind/apiVersion');
  }
  return {
    logIndex: String(logIndex),
    logId: { keyId: Buffer.from(logID, 'hex') },
    kindVersion: { kind, version: apiVersion },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: decodeBase64(signedEntryTimestamp, 'the SignedEntryTimestamp') },
    inclusionProof: undefined,
    canonicalizedBody,
  };
}

/** Verification material shared by both legacy formats. */
function verificationMaterial(annotations: Record<string, string>, includeTimestamp: boolean): Bundle['verificationMaterial'] {
  const certificatePem = annotations[COSIGN_ANNOTATIONS.certificate];
  let content: Bundle['verificationMaterial']['content'];
  if (certificatePem && certificatePem.trim() !== '') {
    let der: Buffer;
    try {
      der = pem.toDER(certificatePem);
    } catch {
      throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the certificate annotation is not PEM');
    }
    // Only the leaf: the intermediates and root come from the trusted root, never from the signature.
    content = { $case: 'x509CertificateChain', x509CertificateChain: { certificates: [{ rawBytes: der }] } };
  } else {
    content = { $case: 'publicKey', publicKey: { hint: '' } };
  }
  const tlogEntries = annotations[COSIGN_ANNOTATIONS.bundle] ? [rekorBundleToTlogEntry(annotations[COSIGN_ANNOTATIONS.bundle])] : [];
  const material: Bundle['verificationMaterial'] = { content, tlogEntries, timestampVerificationData: undefined };
  const timestamp = annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp];
  if (timestamp && includeTimestamp) {
    const signedTimestamp = stringAt(parseLegacyJson(timestamp, 'the RFC 3161 timestamp annotation'), 'SignedRFC3161Timestamp');
    if (signedTimestamp === undefined) {
      throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the RFC 3161 timestamp annotation has no SignedRFC3161Timestamp');
    }
    material.timestampVerificationData = {
      rfc3161Timestamps: [{ signedTimestamp: decodeBase64(signedTimestamp, 'the RFC 3161 timestamp') }],
    };
  }
  return material;
}

/**
 * A `.sig` layer as a message-signature bundle over the layer's payload (the simplesigning JSON,
 * which is the artifact to verify the bundle against).
 */
export function legacySignatureToBundle(layer: LegacyLayer): Bundle {
  if (layer.mediaType !== SIMPLESIGNING_MEDIA_TYPE) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', `layer media type ${layer.mediaType} is not a cosign simplesigning payload`);
  }
  const signatureText = layer.annotations[COSIGN_ANNOTATIONS.signature];
  if (!signatureText) throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the layer has no signature annotation');
  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: verificationMaterial(layer.annotations, true),
    content: {
      $case: 'messageSignature',
      messageSignature: {
        messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(layer.blob).digest() },
        signature: decodeBase64(signatureText, 'the signature annotation'),
      },
    },
  };
}

/**
 * An `.att` layer (a DSSE envelope) as a DSSE bundle. cosign timestamps attestations over the
 * envelope bytes rather than the signature, which @sigstore/verify cannot check, so an RFC 3161
 * timestamp on an attestation is not used (the Rekor entry still is).
 */
export function legacyAttestationToBundle(layer: LegacyLayer): Bundle {
  if (layer.mediaType !== DSSE_ENVELOPE_MEDIA_TYPE) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', `layer media type ${layer.mediaType} is not a DSSE envelope`);
  }
  const envelope = parseLegacyJson(layer.blob.toString('utf8'), 'the DSSE envelope');
  const payloadType = stringAt(envelope, 'payloadType');
  const payload = stringAt(envelope, 'payload');
  if (payloadType === undefined || payload === undefined || !Array.isArray(valueAt(envelope, 'signatures'))) {
    throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'the DSSE envelope lacks payloadType, payload or signatures');
  }
  const signatures = arrayAt(envelope, 'signatures').slice(0, 16).map((signature) => {
    const sig = stringAt(signature, 'sig');
    if (sig === undefined) throw new SigstoreError('LEGACY_SIGNATURE_INVALID', 'a DSSE signature has no sig');
    return { sig: decodeBase64(sig, 'a DSSE signature'), keyid: stringAt(signature, 'keyid') ?? '' };
  });
  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: verificationMaterial(layer.annotations, false),
    content: {
      $case: 'dsseEnvelope',
      dsseEnvelope: { payload: decodeBase64(payload, 'the DSSE payload'), payloadType, signatures },
    },
  };
}
