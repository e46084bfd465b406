/**
 * Test harness: puts signatures into a registry the way cosign and Sigstore clients store them.
 * - legacy: `sha256-<hex>.sig` / `.att` manifests whose layers carry cosign's annotations;
 * - OCI 1.1: a referrer manifest with a Sigstore bundle layer, pushed by digest, plus the
 *   referrers tag-schema index (`sha256-<hex>`) for registries without the referrers API.
 */
import { createHash, sign as signWithKey, type KeyObject } from 'node:crypto';
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { COSIGN_ANNOTATIONS, DSSE_ENVELOPE_MEDIA_TYPE, SIMPLESIGNING_MEDIA_TYPE } from '../../src/sigstore/legacy.js';
import { pushBlob, pushManifest, type TestRegistry } from './registry.js';
import type { MockSigstore } from './sigstore.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** cosign's simplesigning payload for an image, byte for byte as cosign writes it. */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
}

/** cosign's `dev.sigstore.cosign/bundle` annotation from a Rekor v1 API log entry. */
function rekorAnnotationFromApiEntry(entry: { body: string; integratedTime: number; logIndex: number; logID: string; verification?: { signedEntryTimestamp?: string } }): string {
  return JSON.stringify({
    SignedEntryTimestamp: entry.verification?.signedEntryTimestamp,
    Payload: { body: entry.body, integratedTime: entry.integratedTime, logIndex: entry.logIndex, logID: entry.logID },
  });
}

/** The same annotation from a bundle's transparency-log entry (as cosign wrote it before bundles). */
function rekorAnnotationFromTlogEntry(entry: TransparencyLogEntry): string {
  return JSON.stringify({
    SignedEntryTimestamp: Buffer.from(entry.inclusionPromise!.signedEntryTimestamp).toString('base64'),
    Payload: {
      body: Buffer.from(entry.canonicalizedBody).toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId!.keyId).toString('hex'),
    },
  });
}

export interface LegacyLayerSpec {
  mediaType: string;
  blob: Buffer;
  annotations: Record<string, string>;
}

/** Pushes a cosign `.sig`/`.att` manifest for `imageDigest` in `repository`. Returns the manifest digest. */
export async function pushLegacySignatures(
  registry: TestRegistry,
  repository: string,
  imageDigest: string,
  suffix: 'sig' | 'att',
  layers: LegacyLayerSpec[],
): Promise<string> {
  const config = Buffer.from(JSON.stringify({ architecture: '', config: {}, created: '0001-01-01T00:00:00Z', history: [{ created: '0001-01-01T00:00:00Z' }], os: '', rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.blob)) } }));
  const configDigest = await pushBlob(registry, repository, config);
  const descriptors = [];
  for (const layer of layers) {
    const digest = await pushBlob(registry, repository, layer.blob);
    descriptors.push({ mediaType: layer.mediaType, size: layer.blob.length, digest, annotations: layer.annotations });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: configDigest },
    layers: descriptors,
  };
  return pushManifest(registry, repository, `${imageDigest.replace(':', '-')}.${suffix}`, manifest, OCI_MANIFEST);
}

/** Pushes a Sigstore bundle as an OCI 1.1 referrer of the image, and lists it in the tag-schema index. */
export async function pushBundleReferrer(
  registry: TestRegistry,
  repository: string,
  subject: { digest: string; mediaType: string; size: number },
  bundleJson: string,
  options: { predicateType?: string; existing?: object[] } = {},
): Promise<{ digest: string; descriptor: object }> {
  const empty = Buffer.from('{}');
  const emptyDigest = await pushBlob(registry, repository, empty);
  const bundleBytes = Buffer.from(bundleJson);
  const bundleDigest = await pushBlob(registry, repository, bundleBytes);
  const annotations: Record<string, string> = { 'org.opencontainers.image.created': '2025-06-01T12:00:00Z' };
  if (options.predicateType) annotations['dev.sigstore.bundle.predicateType'] = options.predicateType;
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_V03,
    config: { mediaType: OCI_EMPTY, size: 2, digest: emptyDigest },
    layers: [{ mediaType: BUNDLE_V03, size: bundleBytes.length, digest: bundleDigest }],
    subject,
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await pushManifest(registry, repository, sha256(bytes), bytes, OCI_MANIFEST);
  const descriptor = { mediaType: OCI_MANIFEST, digest, size: bytes.length, artifactType: BUNDLE_V03, annotations };
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...(options.existing ?? []), descriptor] };
  await pushManifest(registry, repository, subject.digest.replace(':', '-'), index, OCI_INDEX);
  return { digest, descriptor };
}

/**
 * A key-signed cosign signature of `payload` (what `cosign sign --key` makes), logged as a
 * hashedrekord in the mock Rekor: the layer annotations of a legacy `.sig` manifest.
 */
export async function keySignatureAnnotations(
  tlog: MockSigstore['tlog'],
  payload: Buffer,
  key: { publicKey: KeyObject; privateKey: KeyObject },
): Promise<Record<string, string>> {
  const signature = signWithKey('sha256', payload, key.privateKey);
  const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const logged = await tlog.log({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
      signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(publicPem).toString('base64') } },
    },
  });
  const entry = Object.values(logged)[0] as Parameters<typeof rekorAnnotationFromApiEntry>[0];
  return { [COSIGN_ANNOTATIONS.signature]: signature.toString('base64'), [COSIGN_ANNOTATIONS.bundle]: rekorAnnotationFromApiEntry(entry) };
}

/** The signing certificate of a keyless bundle as PEM (cosign's `dev.sigstore.cosign/certificate`). */
export function certificatePem(bundle: Bundle): string {
  const content = bundle.verificationMaterial.content;
  const raw = content.$case === 'x509CertificateChain' ? content.x509CertificateChain.certificates[0]!.rawBytes : content.$case === 'certificate' ? content.certificate.rawBytes : undefined;
  if (!raw) throw new Error('bundle has no certificate');
  X509Certificate.parse(Buffer.from(raw));
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(raw).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * A keyless legacy `.sig` layer as cosign writes it from a message-signature bundle over `payload`:
 * signature, certificate, empty chain, Rekor SET and, when the bundle has one, the RFC 3161 timestamp.
 */
export function keylessSignatureLayer(payload: Buffer, bundle: Bundle): LegacyLayerSpec {
  if (bundle.content.$case !== 'messageSignature') throw new Error('bundle is not a message signature');
  const timestamp = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps[0];
  return {
    mediaType: SIMPLESIGNING_MEDIA_TYPE,
    blob: payload,
    annotations: {
      [COSIGN_ANNOTATIONS.signature]: Buffer.from(bundle.content.messageSignature.signature).toString('base64'),
      [COSIGN_ANNOTATIONS.certificate]: certificatePem(bundle),
      [COSIGN_ANNOTATIONS.chain]: '',
      [COSIGN_ANNOTATIONS.bundle]: rekorAnnotationFromTlogEntry(bundle.verificationMaterial.tlogEntries[0]!),
      ...(timestamp ? { [COSIGN_ANNOTATIONS.rfc3161Timestamp]: JSON.stringify({ SignedRFC3161Timestamp: Buffer.from(timestamp.signedTimestamp).toString('base64') }) } : {}),
    },
  };
}

/** A keyless legacy `.att` layer as cosign writes it from a DSSE bundle: the envelope, certificate and Rekor SET. */
export function keylessAttestationLayer(bundle: Bundle, predicateType: string): LegacyLayerSpec {
  if (bundle.content.$case !== 'dsseEnvelope') throw new Error('bundle is not a DSSE envelope');
  const envelope = bundle.content.dsseEnvelope;
  return {
    mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
    blob: Buffer.from(
      JSON.stringify({
        payloadType: envelope.payloadType,
        payload: Buffer.from(envelope.payload).toString('base64'),
        signatures: [{ keyid: '', sig: Buffer.from(envelope.signatures[0]!.sig).toString('base64') }],
      }),
    ),
    annotations: {
      predicateType,
      [COSIGN_ANNOTATIONS.certificate]: certificatePem(bundle),
      [COSIGN_ANNOTATIONS.bundle]: rekorAnnotationFromTlogEntry(bundle.verificationMaterial.tlogEntries[0]!),
    },
  };
}
