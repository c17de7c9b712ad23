// Shared test helpers: temporary folders and small synthetic files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'nasforge-data-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** An IDX file's bytes: big-endian header then elements of the given type code. */
export function idxBytes(type: 0x08 | 0x0c | 0x0d, shape: number[], values: ArrayLike<number>): Uint8Array {
  const size = type === 0x08 ? 1 : 4;
  const header = 4 + 4 * shape.length;
  const buf = new Uint8Array(header + values.length * size);
  const view = new DataView(buf.buffer);
  buf[2] = type;
  buf[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) {
    if (type === 0x08) view.setUint8(header + i, values[i]!);
    else if (type === 0x0c) view.setInt32(header + 4 * i, values[i]!, false);
    else view.setFloat32(header + 4 * i, values[i]!, false);
  }
  return buf;
}
