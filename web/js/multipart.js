// multipart/related (RFC 2387) as WADO-RS returns it and STOW-RS takes it.

const encoder = new TextEncoder();
const decoder = new TextDecoder('latin1');

/** The boundary parameter of a multipart Content-Type, or null. */
export function boundaryOf(contentType) {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? match[1] ?? match[2] : null;
}

function indexOf(haystack, needle, from) {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = from; i <= last; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** The parts of a multipart body: [{headers: {lowercase name: value}, body: Uint8Array}]. */
export function parseMultipart(buffer, contentType) {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error(`not a multipart response (${contentType || 'no Content-Type'})`);
  const bytes = new Uint8Array(buffer);
  const delimiter = encoder.encode(`--${boundary}`);
  const parts = [];
  let position = indexOf(bytes, delimiter, 0);
  while (position >= 0) {
    let start = position + delimiter.length;
    if (bytes[start] === 0x2d && bytes[start + 1] === 0x2d) break; // closing delimiter
    const headerEnd = indexOf(bytes, encoder.encode('\r\n\r\n'), start);
    if (headerEnd < 0) break;
    const headers = {};
    for (const line of decoder.decode(bytes.subarray(start, headerEnd)).split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyStart = headerEnd + 4;
    const next = indexOf(bytes, encoder.encode(`\r\n--${boundary}`), bodyStart);
    if (next < 0) throw new Error('truncated multipart response');
    parts.push({headers, body: bytes.subarray(bodyStart, next)});
    position = next + 2;
  }
  return parts;
}

/** A multipart/related body of `blobs`, each a part of Content-Type `type`. */
export function buildMultipart(blobs, type) {
  const boundary = `apus-${crypto.getRandomValues(new Uint32Array(4)).join('-')}`;
  const pieces = [];
  for (const blob of blobs) {
    pieces.push(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`, blob, '\r\n');
  }
  pieces.push(`--${boundary}--\r\n`);
  return {
    body: new Blob(pieces),
    contentType: `multipart/related; type="${type}"; boundary=${boundary}`,
  };
}
