// Image folders in the torchvision ImageFolder layout: root/<class>/<image>.{png,jpg,jpeg}; classes
// are the sub-folder names in sorted order. All images are decoded once into one uint8 tensor.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { callAten, tensor, tidy, type Tensor } from '../torch/index.js';
import { DataError } from './errors.js';
import { decodeImage } from './image-decode.js';
import { TensorDataset } from './tensor-dataset.js';

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageFolderOptions {
  root: string;
  /** Resize every image to this size (bilinear, antialiased when shrinking); without it all images must share one size. */
  size?: number | readonly [number, number];
  /** 3 for RGB (default), 1 for grey. */
  channels?: 1 | 3;
  device?: string;
}

/** The class folders and their image files, sorted. */
export function listImageFolder(root: string): { classes: string[]; files: { path: string; label: number }[] } {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new DataError(`image folder ${root} does not exist; pass root: a folder with one sub-folder of images per class`, 'missing-data');
  }
  const classes = readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory())
    .sort();
  if (classes.length === 0) throw new DataError(`${root} has no sub-folders; put each class's images in root/<class name>/`, 'invalid-format');
  const files: { path: string; label: number }[] = [];
  classes.forEach((c, label) => {
    const dir = join(root, c);
    const imgs = readdirSync(dir)
      .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
      .sort();
    if (imgs.length === 0) throw new DataError(`class folder ${dir} has no .png, .jpg or .jpeg files; add images or remove the folder`, 'invalid-format');
    for (const f of imgs) files.push({ path: join(dir, f), label });
  });
  return { classes, files };
}

function resize(pixels: Uint8Array, c: number, h: number, w: number, to: readonly [number, number]): Uint8Array {
  return tidy(() => {
    const x = tensor(pixels, [1, c, h, w], { dtype: 'uint8' }).to('float32');
    const shrink = to[0] < h || to[1] < w;
    const r = callAten(shrink ? '_upsample_bilinear2d_aa' : 'upsample_bilinear2d', x, [...to], false, null, null) as Tensor;
    return r.round().clamp(0, 255).to('uint8').data() as Uint8Array;
  });
}

/** Load an image folder as uint8 (N, C, H, W) read out as float32 in [0, 1]. */
export function imageFolder(o: ImageFolderOptions): TensorDataset {
  const channels = o.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new DataError(`channels must be 1 or 3, got ${String(channels)}`, 'invalid-option');
  let size: [number, number] | null = null;
  if (o.size !== undefined) {
    size = typeof o.size === 'number' ? [o.size, o.size] : [o.size[0], o.size[1]];
    if (!size.every((s) => Number.isInteger(s) && s > 0))
      throw new DataError(`size must be positive integers (H, W), got ${JSON.stringify(o.size)}`, 'invalid-option');
  }
  const { classes, files } = listImageFolder(o.root);
  let first = '';
  let pixels: Uint8Array | null = null;
  let plane = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const img = decodeImage(readFileSync(f.path), channels, f.path);
    if (size === null) {
      size = [img.height, img.width];
      first = f.path;
    }
    let data = img.pixels;
    if (img.height !== size[0] || img.width !== size[1]) {
      if (o.size === undefined) {
        throw new DataError(
          `${f.path} is ${img.width}x${img.height} but ${first} is ${size[1]}x${size[0]} (width x height); pass size: [H, W] to resize every image`,
          'invalid-shape',
        );
      }
      data = resize(data, channels, img.height, img.width, size);
    }
    if (pixels === null) {
      plane = channels * size[0] * size[1];
      pixels = new Uint8Array(files.length * plane);
    }
    pixels.set(data, i * plane);
  }
  const [h, w] = size!;
  const x = tensor(pixels!, [files.length, channels, h, w], { dtype: 'uint8' });
  const y = tensor(
    BigInt64Array.from(files, (f) => BigInt(f.label)),
    [files.length],
    { dtype: 'int64' },
  );
  return new TensorDataset(x, y, { numClasses: classes.length, classNames: classes, device: o.device });
}
