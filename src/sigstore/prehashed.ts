/**
 * Signature verification over a digest the caller already has (cosign and the conformance protocol
 * verify `sha256:<hex>` without the artifact bytes). Node's crypto always hashes its input, so
 * ECDSA is checked here with the curve arithmetic written out, and RSA PKCS#1 v1.5 by recovering
 * the DigestInfo. Ed25519 and RSA-PSS signatures cannot be checked from a digest: they fail.
 */
import { constants, publicDecrypt, type KeyObject } from 'node:crypto';

interface Curve {
  p: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
}

// NIST curves (FIPS 186-4 D.1.2), a = -3 for all three.
const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
  },
};

type Point = { x: bigint; y: bigint } | null;

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function add(P: Point, Q: Point, p: bigint): Point {
  if (!P) return Q;
  if (!Q) return P;
  let slope: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, p) === 0n) return null;
    slope = mod((3n * P.x * P.x - 3n) * invert(2n * P.y, p), p);
  } else {
    slope = mod((Q.y - P.y) * invert(Q.x - P.x, p), p);
  }
  const x = mod(slope * slope - P.x - Q.x, p);
  return { x, y: mod(slope * (P.x - x) - P.y, p) };
}

function multiply(k: bigint, P: Point, p: bigint): Point {
  let result: Point = null;
  let addend = P;
  while (k > 0n) {
    if (k & 1n) result = add(result, addend, p);
    addend = add(addend, addend, p);
    k >>= 1n;
  }
  return result;
}

const toBigInt = (bytes: Buffer): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`));

/** Reads an ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`; null when malformed. */
function parseDerSignature(sig: Buffer): { r: bigint; s: bigint } | null {
  let offset = 0;
  const readLength = (): number | null => {
    if (offset >= sig.length) return null;
    const first = sig[offset++];
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2 || offset + count > sig.length) return null;
    let length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | sig[offset++];
    return length;
  };
  if (sig[offset++] !== 0x30) return null;
  const seqLength = readLength();
  if (seqLength === null || offset + seqLength !== sig.length) return null;
  const readInteger = (): bigint | null => {
    if (sig[offset++] !== 0x02) return null;
    const length = readLength();
    if (length === null || length === 0 || offset + length > sig.length) return null;
    const value = toBigInt(sig.subarray(offset, offset + length));
    offset += length;
    return value;
  };
  const r = readInteger();
  const s = readInteger();
  if (r === null || s === null || offset !== sig.length) return null;
  return { r, s };
}

function verifyEcdsa(curveName: string, x: bigint, y: bigint, digest: Buffer, signature: Buffer): boolean {
  const curve = CURVES[curveName];
  if (!curve) return false;
  const parsed = parseDerSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  const { n, p } = curve;
  if (r <= 0n || r >= n || s <= 0n || s >= n) return false;
  // Leftmost bits of the digest, as long as n (SEC 1, 4.1.4 step 5).
  const nBits = n.toString(2).length;
  let e = toBigInt(digest);
  const digestBits = digest.length * 8;
  if (digestBits > nBits) e >>= BigInt(digestBits - nBits);
  const w = invert(s, n);
  const point = add(multiply(mod(e * w, n), { x: curve.gx, y: curve.gy }, p), multiply(mod(r * w, n), { x, y }, p), p);
  return point !== null && mod(point.x, n) === r;
}

const DIGEST_INFO_PREFIX: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function verifyRsaPkcs1(key: KeyObject, hashAlgorithm: string, digest: Buffer, signature: Buffer): boolean {
  const prefix = DIGEST_INFO_PREFIX[hashAlgorithm];
  if (!prefix) return false;
  try {
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return recovered.equals(Buffer.concat([Buffer.from(prefix, 'hex'), digest]));
  } catch {
    return false;
  }
}

/** Whether `signature` by `key` signs the message whose `hashAlgorithm` digest is `digest`. */
export function verifyPrehashed(key: KeyObject, hashAlgorithm: string, digest: Buffer, signature: Buffer): boolean {
  if (key.asymmetricKeyType === 'ec') {
    const jwk = key.export({ format: 'jwk' });
    if (!jwk.crv || !jwk.x || !jwk.y) return false;
    return verifyEcdsa(
      jwk.crv,
      toBigInt(Buffer.from(jwk.x, 'base64url')),
      toBigInt(Buffer.from(jwk.y, 'base64url')),
      digest,
      signature,
    );
  }
  if (key.asymmetricKeyType === 'rsa') return verifyRsaPkcs1(key, hashAlgorithm, digest, signature);
  return false;
}
