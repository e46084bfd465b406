/**
 * Test harness: a private Sigstore (Fulcio CA with CT log, Rekor, timestamp authority) from
 * @sigstore/mock, served over real HTTP on 127.0.0.1, a pinned clock, and the trusted root that
 * trusts exactly these keys. Signing goes through @sigstore/sign, as a real client would.
 *
 *   const sigstore = await startMockSigstore();
 *   const bundle = await sigstore.signDsse(payload, IN_TOTO, { subject: 'https://…' });
 *   sigstore.trustedRoot   // TrustedRoot for verification
 *   await sigstore.stop();
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler, type HandlerFn } from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { vi } from 'vitest';
import { DSSEBundleBuilder, FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, TSAWitness, type Witness } from '@sigstore/sign';

/** The mock services' clock: every certificate, log entry and timestamp is issued at this time. */
export const MOCK_CLOCK = new Date('2025-06-01T12:00:00Z');
export const MOCK_ISSUER = 'https://issuer.mock.test';

interface KeylessSigningOptions {
  /** Certificate subject (a URI, as the mock CA writes it). */
  subject: string;
  issuer?: string;
  /** Record in the transparency log (default true). */
  tlog?: boolean;
  /** Get an RFC 3161 timestamp (default false). */
  tsa?: boolean;
}

export interface MockSigstore {
  url: string;
  trustedRoot: TrustedRoot;
  /** The Rekor mock, for key-based entries made outside @sigstore/sign. */
  tlog: Awaited<ReturnType<typeof initializeTLog>>;
  signMessage(data: Buffer, options: KeylessSigningOptions): Promise<Bundle>;
  signDsse(payload: Buffer, payloadType: string, options: KeylessSigningOptions): Promise<Bundle>;
  bundleJson(bundle: Bundle): string;
  stop(): Promise<void>;
}

/** Bytes of a view exactly (a pooled Buffer's `.buffer` is larger than the view). */
const bytes = (view: ArrayBufferView): Buffer => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) as { publicKey: KeyObject; privateKey: KeyObject };
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An OIDC token the mock Fulcio reads (it does not check signatures). */
function identityToken(subject: string, issuer: string): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: issuer, sub: subject, aud: 'sigstore', iat: 0, exp: 9_999_999_999 })}.`;
}

export async function startMockSigstore(): Promise<MockSigstore> {
  // The mocks date their CA and TSA certificates by the system clock, not by `clock`: pin Date
  // while they are made, so the whole mock PKI covers MOCK_CLOCK.
  vi.useFakeTimers({ toFake: ['Date'], now: MOCK_CLOCK });
  let ctlog: Awaited<ReturnType<typeof initializeCTLog>>;
  let ca: Awaited<ReturnType<typeof initializeCA>>;
  let tlog: Awaited<ReturnType<typeof initializeTLog>>;
  let tsa: Awaited<ReturnType<typeof initializeTSA>>;
  try {
    ctlog = await initializeCTLog(keyPair(), MOCK_CLOCK);
    ca = await initializeCA(keyPair(), ctlog, MOCK_CLOCK);
    tlog = await initializeTLog('https://rekor.mock.test', keyPair(), MOCK_CLOCK);
    tsa = await initializeTSA(keyPair(), MOCK_CLOCK);
  } finally {
    vi.useRealTimers();
  }

  const routes = new Map<string, HandlerFn>();
  for (const handler of [fulcioHandler(ca), rekorHandler(tlog), tsaHandler(tsa)]) routes.set(handler.path, handler.fn);
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const fn = request.method === 'POST' ? routes.get((request.url ?? '').split('?')[0]!) : undefined;
      if (!fn) {
        response.writeHead(404).end();
        return;
      }
      fn(Buffer.concat(chunks).toString('utf8')).then(
        ({ statusCode, response: body, contentType }) => {
          response.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' });
          response.end(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
        },
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Valid from a day before the clock, so entries at MOCK_CLOCK fall inside every window.
  const validFor = { start: new Date(MOCK_CLOCK.getTime() - 86_400_000) };
  const trustedRoot: TrustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.mock.test',
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: { rawBytes: tlog.publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor },
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest() },
        checkpointKeyId: undefined,
        operator: 'mock',
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.mock.test',
        certChain: { certificates: [{ rawBytes: bytes(ca.rootCertificate) }] },
        validFor,
        operator: 'mock',
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.mock.test',
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: { rawBytes: ctlog.publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor },
        logId: { keyId: bytes(ctlog.logID) },
        checkpointKeyId: undefined,
        operator: 'mock',
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: 'https://tsa.mock.test',
        certChain: { certificates: [{ rawBytes: bytes(tsa.intCertificate) }, { rawBytes: bytes(tsa.rootCertificate) }] },
        validFor,
        operator: 'mock',
      },
    ],
  };

  // The Rekor mock logs proposed entries as they come instead of canonicalizing them; for DSSE
  // only the `intoto` entry type comes out in a shape real Rekor would also produce.
  const witnesses = (options: KeylessSigningOptions, dsse = false): Witness[] => {
    const list: Witness[] = [];
    if (options.tlog ?? true) list.push(new RekorWitness({ rekorBaseURL: url, retry: false, timeout: 10_000, ...(dsse ? { entryType: 'intoto' as const } : {}) }));
    if (options.tsa) list.push(new TSAWitness({ tsaBaseURL: url, retry: false, timeout: 10_000 }));
    return list;
  };
  const signer = (options: KeylessSigningOptions) =>
    new FulcioSigner({
      fulcioBaseURL: url,
      retry: false,
      timeout: 10_000,
      identityProvider: { getToken: async () => identityToken(options.subject, options.issuer ?? MOCK_ISSUER) },
    });

  return {
    url,
    trustedRoot,
    tlog,
    signMessage: (data, options) => new MessageSignatureBundleBuilder({ signer: signer(options), witnesses: witnesses(options) }).create({ data }),
    signDsse: (payload, payloadType, options) =>
      new DSSEBundleBuilder({ signer: signer(options), witnesses: witnesses(options, true) }).create({ data: payload, type: payloadType }),
    bundleJson: (bundle) => JSON.stringify(bundleToJSON(bundle)),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
