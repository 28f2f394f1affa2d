// Just enough of a DICOM Part 10 reader to name a file before it is sent: the Media Storage
// SOP Instance UID (0002,0003) of the file meta information, which is always Explicit VR
// Little Endian (PS3.10 §7.1).

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const HEAD = 64 * 1024;

/** The SOP Instance UID of a Part 10 file, or null when `file` is not one. */
export async function sopInstanceUID(file) {
  const bytes = new Uint8Array(await file.slice(0, HEAD).arrayBuffer());
  return metaSOPInstanceUID(bytes);
}

export function metaSOPInstanceUID(bytes) {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 132;
  while (offset + 8 <= bytes.length) {
    const group = view.getUint16(offset, true);
    if (group !== 0x0002) break;
    const element = view.getUint16(offset + 2, true);
    const vr = String.fromCharCode(bytes[offset + 4], bytes[offset + 5]);
    let length;
    let start;
    if (LONG_VRS.has(vr)) {
      if (offset + 12 > bytes.length) break;
      length = view.getUint32(offset + 8, true);
      start = offset + 12;
    } else {
      length = view.getUint16(offset + 6, true);
      start = offset + 8;
    }
    if (start + length > bytes.length) break;
    if (element === 0x0003) {
      return String.fromCharCode(...bytes.subarray(start, start + length)).replace(/[\0 ]+$/, '') || null;
    }
    offset = start + length;
  }
  return null;
}
