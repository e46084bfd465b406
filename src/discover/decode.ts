/**
 * Bytes of a repository file to the text discoverers read, decoding what can be decoded: UTF-8
 * (byte-order mark dropped), UTF-16 and UTF-32 with a byte-order mark or detected from the first
 * bytes as YAML 1.2 (section 5.2) does, and CR-only line ends. No I/O.
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

export interface DecodedText {
  /** The text; offsets into it are the positions discoverers report (UTF-16 code units). */
  text: string;
  encoding: TextEncoding;
  /** Length in bytes of the byte-order mark the file starts with (0 without one). */
  bomBytes: number;
}

export type DecodeResult = DecodedText | { problem: string };

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The encoding of a file from its first bytes: a byte-order mark, else the NUL pattern of YAML 1.2 section 5.2. */
export function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; bomBytes: number } {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (bytes.length >= 4) {
    if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32be', bomBytes: 4 };
    if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bomBytes: 4 };
    if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return { encoding: 'utf-32be', bomBytes: 0 };
    if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bomBytes: 0 };
  }
  if (bytes.length >= 3 && b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (bytes.length >= 2) {
    if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
    if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
    if (b0 === 0 && b1 !== 0) return { encoding: 'utf-16be', bomBytes: 0 };
    if (b0 !== 0 && b1 === 0) return { encoding: 'utf-16le', bomBytes: 0 };
  }
  return { encoding: 'utf-8', bomBytes: 0 };
}

/**
 * Decodes a file. Invalid UTF-8 becomes U+FFFD (an image written with such bytes is then an
 * invalid reference, never a hidden one). A file whose text would hold a NUL character is not text
 * a discoverer can parse: the result is a problem. Without a byte-order mark, a UTF-16/32 guess
 * that does not decode cleanly falls back to UTF-8 (and so to the NUL problem).
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  const detected = detectEncoding(bytes);
  let decoded = decodeAs(bytes, detected.encoding, detected.bomBytes);
  if (decoded === undefined || (detected.bomBytes === 0 && detected.encoding !== 'utf-8' && decoded.includes('\u0000'))) {
    if (detected.bomBytes > 0) return { problem: `not valid ${detected.encoding.toUpperCase()} (its byte-order mark says it is)` };
    detected.encoding = 'utf-8';
    decoded = decodeAs(bytes, 'utf-8', 0)!;
  }
  if (decoded.includes('\u0000')) return { problem: 'holds NUL bytes (binary, or an encoding without a byte-order mark)' };
  return { text: normalizeLineEnds(decoded), encoding: detected.encoding, bomBytes: detected.bomBytes };
}

/** A lone CR ends a line (YAML, editors); as LF the parsers see it too, and every offset stays the same. */
export function normalizeLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Undefined when the bytes are not that encoding (odd length, lone surrogates, code points past U+10FFFF). */
function decodeAs(bytes: Uint8Array, encoding: TextEncoding, bomBytes: number): string | undefined {
  const body = bytes.subarray(bomBytes);
  switch (encoding) {
    case 'utf-8':
      return utf8.decode(body);
    case 'utf-16le':
    case 'utf-16be':
      if (body.length % 2 !== 0) return undefined;
      try {
        return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
      } catch {
        return undefined;
      }
    case 'utf-32le':
    case 'utf-32be':
      return decodeUtf32(body, encoding === 'utf-32le');
  }
}

function decodeUtf32(body: Uint8Array, littleEndian: boolean): string | undefined {
  if (body.length % 4 !== 0) return undefined;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let offset = 0; offset < body.length; offset += 4) {
    const codePoint = view.getUint32(offset, littleEndian);
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
    chunk.push(codePoint);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** The bytes of ASCII-only `text` in `encoding` (what `pin` inserts: `@sha256:…`). */
export function encodeAscii(text: string, encoding: TextEncoding): Uint8Array {
  const width = encoding === 'utf-8' ? 1 : encoding.startsWith('utf-16') ? 2 : 4;
  const out = new Uint8Array(text.length * width);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new Error('encodeAscii: not ASCII');
    const at = i * width;
    if (encoding.endsWith('be')) out[at + width - 1] = code;
    else out[at] = code;
  }
  return out;
}
