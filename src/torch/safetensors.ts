// The safetensors format (as PyTorch's `safetensors` reads it): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__}, then raw bytes.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { type DType, itemSize } from './dtype.js';
import { EngineError } from './errors.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

const CODE: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const DTYPE = Object.fromEntries(Object.entries(CODE).map(([k, v]) => [v, k])) as Record<string, DType>;
// The reference implementation refuses headers above 100 MB; so do we, before parsing.
const MAX_HEADER = 100_000_000;

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Serialise named tensors (and string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Buffer {
  const names = Object.keys(tensors).sort();
  const header: Record<string, Entry | Record<string, string>> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new EngineError(`metadata '${k}' must be a string, got ${typeof v}`, 'safetensors');
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    if (!(t instanceof Tensor)) throw new EngineError(`'${name}' is not a Tensor`, 'safetensors');
    const code = CODE[t.dtype];
    if (code === undefined) throw new EngineError(`tensor '${name}' has dtype ${t.dtype}, which safetensors cannot store`, 'safetensors');
    const bytes = Buffer.from(native.toBuffer(t.handle));
    header[name] = { dtype: code, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...chunks]);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parse safetensors bytes; tensors land on `device` (cpu by default). */
export function decodeSafetensors(buf: Buffer, device = 'cpu', source = 'buffer'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const bad = (why: string): never => {
    throw new EngineError(`${source} is not a valid safetensors file: ${why}`, 'safetensors');
  };
  if (buf.length < 8) bad(`it has ${buf.length} bytes, fewer than the 8-byte header length`);
  const n = Number(buf.readBigUInt64LE(0));
  if (n > buf.length - 8) bad(`the header length ${n} exceeds the ${buf.length - 8} bytes after it (truncated file?)`);
  if (n > MAX_HEADER) bad(`the header length ${n} exceeds ${MAX_HEADER} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch {
    return bad('the header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) bad('the header is not a JSON object');
  const data = buf.subarray(8 + n);
  const tensors: Record<string, Tensor> = {};
  const metadata = ((header as Record<string, unknown>).__metadata__ ?? {}) as Record<string, string>;
  if (typeof metadata !== 'object' || Array.isArray(metadata) || Object.values(metadata).some((v) => typeof v !== 'string')) {
    bad('__metadata__ must map names to strings');
  }
  try {
    for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') continue;
      tensors[name] = readEntry(name, raw, data, device, bad);
    }
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  return { tensors, metadata };
}

function readEntry(name: string, raw: unknown, data: Buffer, device: string, bad: (why: string) => never): Tensor {
  const e = raw as Partial<Entry> | null;
  if (e === null || typeof e !== 'object') return bad(`entry '${name}' is not an object`);
  const dtype = typeof e.dtype === 'string' ? DTYPE[e.dtype] : undefined;
  if (dtype === undefined) return bad(`tensor '${name}' has unsupported dtype ${String(e.dtype)}`);
  if (!Array.isArray(e.shape) || !e.shape.every(isCount)) return bad(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
  const offs = e.data_offsets;
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isCount)) {
    return bad(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)}`);
  }
  const [a, b] = offs;
  if (b < a || b > data.length) bad(`tensor '${name}' has data_offsets [${a}, ${b}] outside the ${data.length} data bytes (truncated file?)`);
  const need = e.shape.reduce((x, y) => x * y, 1) * itemSize(dtype);
  if (b - a !== need) bad(`tensor '${name}' of shape [${e.shape.join(', ')}] ${dtype} needs ${need} bytes, its data_offsets span ${b - a}`);
  const bytes = new Uint8Array(b - a);
  bytes.set(data.subarray(a, b));
  try {
    return new Tensor(native.fromBuffer(bytes, e.shape, dtype, device));
  } catch (err) {
    return bad(`tensor '${name}': ${(err as Error).message}`);
  }
}

/** Write tensors to a file atomically (a crash never leaves half a file). */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  const bytes = encodeSafetensors(tensors, metadata);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new EngineError(`cannot write ${path}: ${(e as Error).message}`, 'safetensors');
  }
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
