// The safetensors format (as PyTorch's `safetensors` reads it): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__}, then raw bytes.
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { type DType } from './dtype.js';
import { EngineError } from './errors.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

const CODE: Record<DType, string> = {
  float32: 'F32', float64: 'F64', float16: 'F16', bfloat16: 'BF16', int64: 'I64', int32: 'I32',
  int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const DTYPE = Object.fromEntries(Object.entries(CODE).map(([k, v]) => [v, k])) as Record<string, DType>;

interface Entry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** Serialise named tensors (and string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Buffer {
  const names = Object.keys(tensors).sort();
  const header: Record<string, Entry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const bytes = Buffer.from(native.toBuffer(t.handle));
    header[name] = { dtype: CODE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data as the reference writer does
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...chunks]);
}

/** Parse safetensors bytes; tensors land on `device` (cpu by default). */
export function decodeSafetensors(buf: Buffer, device = 'cpu', source = 'buffer'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const bad = (why: string): never => {
    throw new EngineError(`${source} is not a valid safetensors file: ${why}`, 'safetensors');
  };
  if (buf.length < 8) bad('shorter than its 8-byte header length');
  const n = Number(buf.readBigUInt64LE(0));
  if (n > buf.length - 8) bad(`header length ${n} exceeds the file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  } catch {
    return bad('the header is not JSON');
  }
  const data = buf.subarray(8 + n);
  const tensors: Record<string, Tensor> = {};
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Entry;
    const dtype = DTYPE[e.dtype];
    if (dtype === undefined) bad(`tensor '${name}' has unsupported dtype ${e.dtype}`);
    const [a, b] = e.data_offsets;
    if (!(a >= 0 && b >= a && b <= data.length)) bad(`tensor '${name}' has offsets outside the data`);
    const bytes = new Uint8Array(b - a);
    bytes.set(data.subarray(a, b));
    try {
      tensors[name] = new Tensor(native.fromBuffer(bytes, e.shape, dtype!, device));
    } catch (err) {
      bad(`tensor '${name}': ${(err as Error).message}`);
    }
  }
  return { tensors, metadata };
}

/** Write tensors to a file atomically (a crash never leaves half a file). */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, encodeSafetensors(tensors, metadata));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function loadSafetensors(path: string, device = 'cpu'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new EngineError(`cannot read ${path}: ${(e as Error).message}`, 'safetensors');
  }
  return decodeSafetensors(buf, device, path);
}
