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
function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; bomBytes: number } {
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
function normalizeLineEnds(text: string): string {
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

/**
 * Byte offsets of text offsets in the file a `DecodedText` came from, so an edit can be made to
 * the original bytes (`pin --write`) and every other byte stays as it was, invalid UTF-8 included.
 */
export class ByteOffsets {
  /** UTF-8 only: the byte where each line starts (after the BOM for the first). */
  private readonly lineStarts: number[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly decoded: DecodedText,
  ) {
    if (decoded.encoding !== 'utf-8') return;
    this.lineStarts.push(decoded.bomBytes);
    for (let at = decoded.bomBytes; at < bytes.length; at++) {
      // ASCII bytes always decode to themselves, so line breaks in the bytes and in the text correspond.
      if (bytes[at] === 0x0a || (bytes[at] === 0x0d && bytes[at + 1] !== 0x0a)) this.lineStarts.push(at + 1);
    }
  }

  /** The byte offset of `offset` (UTF-16 units into the decoded text), given its 1-based line and column. */
  byteOffset(offset: number, line: number, column: number): number | undefined {
    const { encoding, bomBytes, text } = this.decoded;
    if (encoding === 'utf-16le' || encoding === 'utf-16be') return bomBytes + 2 * offset;
    if (encoding === 'utf-32le' || encoding === 'utf-32be') {
      let codePoints = 0;
      for (let at = 0; at < offset; at++) {
        const unit = text.charCodeAt(at);
        if (!(unit >= 0xdc00 && unit <= 0xdfff && at > 0 && text.charCodeAt(at - 1) >= 0xd800 && text.charCodeAt(at - 1) <= 0xdbff)) codePoints++;
      }
      return bomBytes + 4 * codePoints;
    }
    const start = this.lineStarts[line - 1];
    if (start === undefined) return undefined;
    const end = this.lineStarts[line] ?? this.bytes.length;
    return utf8ByteAtUnit(this.bytes, start, end, column - 1);
  }
}

/**
 * The byte in [start, end] before which a UTF-8 decoder (WHATWG: each maximal invalid subpart is
 * one U+FFFD) has produced `units` UTF-16 units, at a character boundary; undefined if none.
 */
export function utf8ByteAtUnit(bytes: Uint8Array, start: number, end: number, units: number): number | undefined {
  let produced = 0;
  let needed = 0;
  let seen = 0;
  let codePoint = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let at = start; at <= end; at++) {
    // A pending incomplete sequence becomes one U+FFFD before the next lead byte.
    const pending = needed > 0 ? 1 : 0;
    if (produced + pending === units && (needed === 0 || at === end || bytes[at] < lower || bytes[at] > upper)) return at;
    if (produced + pending > units || at === end) return undefined;
    const byte = bytes[at];
    if (needed > 0) {
      if (byte < lower || byte > upper) {
        produced++; // U+FFFD for the broken sequence; this byte starts over
        needed = 0;
        lower = 0x80;
        upper = 0xbf;
        at--;
        continue;
      }
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (byte & 0x3f);
      if (++seen === needed) {
        produced += codePoint > 0xffff ? 2 : 1;
        needed = 0;
      }
      continue;
    }
    seen = 0;
    if (byte <= 0x7f) produced++;
    else if (byte >= 0xc2 && byte <= 0xdf) [needed, codePoint] = [1, byte & 0x1f];
    else if (byte >= 0xe0 && byte <= 0xef) {
      [needed, codePoint] = [2, byte & 0x0f];
      if (byte === 0xe0) lower = 0xa0;
      if (byte === 0xed) upper = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      [needed, codePoint] = [3, byte & 0x07];
      if (byte === 0xf0) lower = 0x90;
      if (byte === 0xf4) upper = 0x8f;
    } else produced++; // a byte that cannot start a sequence: U+FFFD
  }
  return undefined;
}
