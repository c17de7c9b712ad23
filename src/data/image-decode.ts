// PNG and JPEG decoding with pure-JS libraries (pngjs, jpeg-js), to channel-major uint8 pixels.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from './errors.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** Channel-major (C, H, W) uint8 pixels. */
  pixels: Uint8Array;
}

/** Which decoder a file's bytes need, from their magic number. */
export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Decode to 1 (grey, ITU-R 601-2 luma as PIL's "L") or 3 (RGB) channels; alpha is dropped. */
export function decodeImage(bytes: Uint8Array, channels: 1 | 3, name: string): DecodedImage {
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  const kind = imageKind(bytes);
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } else if (kind === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      ({ width, height } = img);
      rgba = img.data;
    } else {
      throw new DataError(`${name} is neither PNG nor JPEG (by its first bytes); remove it or convert it`, 'invalid-format');
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${name}: cannot decode this ${kind} file (${(e as Error).message}); it may be corrupt`, 'invalid-format');
  }
  const plane = width * height;
  const pixels = new Uint8Array(channels * plane);
  if (channels === 3) {
    for (let i = 0; i < plane; i++) {
      pixels[i] = rgba[4 * i]!;
      pixels[plane + i] = rgba[4 * i + 1]!;
      pixels[2 * plane + i] = rgba[4 * i + 2]!;
    }
  } else {
    for (let i = 0; i < plane; i++) {
      pixels[i] = Math.floor((rgba[4 * i]! * 299 + rgba[4 * i + 1]! * 587 + rgba[4 * i + 2]! * 114) / 1000);
    }
  }
  return { width, height, pixels };
}
