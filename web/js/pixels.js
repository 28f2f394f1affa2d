// Uncompressed frames decoded in the browser: monochrome 8/16-bit with the modality LUT
// (rescale slope/intercept) and the linear VOI window of PS3.3 C.11.2.1.2, and RGB.

import {Tag, number, text, values} from './dicom-json.js';

export const UNCOMPRESSED = new Set([
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR Little Endian
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (frames are sent little endian)
]);

export class CompressedImageError extends Error {
  constructor(syntax) {
    super(`Can't display compressed images yet (transfer syntax ${syntax}).`);
    this.syntax = syntax;
  }
}

/** Window presets of CT, in Hounsfield units. */
export const PRESETS = {
  'CT soft tissue': {center: 40, width: 400},
  'CT lung': {center: -600, width: 1500},
  'CT bone': {center: 400, width: 1800},
  'CT brain': {center: 40, width: 80},
};

/** What decoding needs from an instance's metadata. */
export function imageModule(dataSet) {
  const syntax = text(dataSet, Tag.TransferSyntaxUID) || text(dataSet, Tag.AvailableTransferSyntaxUID);
  const centers = values(dataSet, Tag.WindowCenter).map(Number);
  const widths = values(dataSet, Tag.WindowWidth).map(Number);
  return {
    rows: number(dataSet, Tag.Rows, 0),
    columns: number(dataSet, Tag.Columns, 0),
    samplesPerPixel: number(dataSet, Tag.SamplesPerPixel, 1),
    bitsAllocated: number(dataSet, Tag.BitsAllocated, 16),
    bitsStored: number(dataSet, Tag.BitsStored, number(dataSet, Tag.BitsAllocated, 16)),
    pixelRepresentation: number(dataSet, Tag.PixelRepresentation, 0),
    photometric: text(dataSet, Tag.PhotometricInterpretation) || 'MONOCHROME2',
    planarConfiguration: number(dataSet, Tag.PlanarConfiguration, 0),
    frames: number(dataSet, Tag.NumberOfFrames, 1),
    slope: number(dataSet, Tag.RescaleSlope, 1),
    intercept: number(dataSet, Tag.RescaleIntercept, 0),
    window: Number.isFinite(centers[0]) && Number.isFinite(widths[0]) && widths[0] > 0
      ? {center: centers[0], width: widths[0]}
      : null,
    transferSyntax: syntax,
  };
}

export function checkDisplayable(image, syntax = image.transferSyntax) {
  if (syntax && !UNCOMPRESSED.has(syntax)) throw new CompressedImageError(syntax);
  if (image.rows <= 0 || image.columns <= 0) throw new Error('the instance has no image (no Rows or Columns)');
  const color = image.samplesPerPixel === 3;
  if (!color && image.samplesPerPixel !== 1) throw new Error(`${image.samplesPerPixel} samples per pixel: not supported`);
  if (color && image.bitsAllocated !== 8) throw new Error('colour images with more than 8 bits: not supported');
  if (!color && image.bitsAllocated !== 8 && image.bitsAllocated !== 16) {
    throw new Error(`${image.bitsAllocated} bits allocated: not supported`);
  }
  if (color && !['RGB', 'YBR_FULL'].includes(image.photometric)) {
    throw new Error(`photometric interpretation ${image.photometric}: not supported`);
  }
}

/**
 * A decoded frame: {kind: 'mono', values: Float32Array (modality values), min, max} or
 * {kind: 'rgb', rgba: Uint8ClampedArray}.
 */
export function decodeFrame(bytes, image) {
  checkDisplayable(image, null);
  const pixels = image.rows * image.columns;
  const expected = pixels * image.samplesPerPixel * (image.bitsAllocated / 8);
  if (bytes.length < expected) {
    throw new Error(`the frame has ${bytes.length} bytes, ${expected} expected for ${image.columns}×${image.rows}`);
  }
  if (image.samplesPerPixel === 3) return decodeColor(bytes, image, pixels);
  const values = new Float32Array(pixels);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = Math.min(image.bitsStored, image.bitsAllocated);
  const mask = stored >= 32 ? 0xffffffff : (1 << stored) - 1;
  const sign = 1 << (stored - 1);
  const signed = image.pixelRepresentation === 1;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels; i++) {
    let raw = image.bitsAllocated === 16 ? view.getUint16(i * 2, true) : bytes[i];
    raw &= mask;
    if (signed && raw & sign) raw -= sign * 2;
    const value = raw * image.slope + image.intercept;
    values[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return {kind: 'mono', values, min, max};
}

function decodeColor(bytes, image, pixels) {
  const rgba = new Uint8ClampedArray(pixels * 4);
  const planar = image.planarConfiguration === 1;
  const ybr = image.photometric === 'YBR_FULL';
  for (let i = 0; i < pixels; i++) {
    let a = planar ? bytes[i] : bytes[i * 3];
    let b = planar ? bytes[pixels + i] : bytes[i * 3 + 1];
    let c = planar ? bytes[2 * pixels + i] : bytes[i * 3 + 2];
    if (ybr) {
      const [y, cb, cr] = [a, b, c];
      a = y + 1.402 * (cr - 128);
      b = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
      c = y + 1.772 * (cb - 128);
    }
    rgba[i * 4] = a;
    rgba[i * 4 + 1] = b;
    rgba[i * 4 + 2] = c;
    rgba[i * 4 + 3] = 255;
  }
  return {kind: 'rgb', rgba};
}

/** The window to start with: the instance's own, else the frame's full range. */
export function defaultWindow(image, decoded) {
  if (image.window) return {...image.window};
  if (decoded.kind !== 'mono') return {center: 128, width: 256};
  return {center: (decoded.max + decoded.min) / 2, width: Math.max(1, decoded.max - decoded.min)};
}

/** Fills `imageData` (columns × rows) with the frame through `window`. */
export function render(decoded, image, window, imageData) {
  const out = imageData.data;
  if (decoded.kind === 'rgb') {
    out.set(decoded.rgba);
    return imageData;
  }
  const width = Math.max(1, window.width);
  const low = window.center - 0.5 - (width - 1) / 2;
  const high = window.center - 0.5 + (width - 1) / 2;
  const invert = image.photometric === 'MONOCHROME1';
  const values = decoded.values;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let y;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else y = ((x - (window.center - 0.5)) / (width - 1) + 0.5) * 255;
    if (invert) y = 255 - y;
    const o = i * 4;
    out[o] = y;
    out[o + 1] = y;
    out[o + 2] = y;
    out[o + 3] = 255;
  }
  return imageData;
}

/** A canvas of the frame at its own size, through `window`. */
export function frameCanvas(decoded, image, window) {
  const canvas = document.createElement('canvas');
  canvas.width = image.columns;
  canvas.height = image.rows;
  const context = canvas.getContext('2d');
  const imageData = context.createImageData(image.columns, image.rows);
  context.putImageData(render(decoded, image, window, imageData), 0, 0);
  return canvas;
}
