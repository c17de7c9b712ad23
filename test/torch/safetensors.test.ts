// safetensors: round trips of every dtype and odd shapes, clear errors for damaged files, and
// interoperability with an independent reader/writer (test/fixtures/make_safetensors.py).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  EngineError,
  type Tensor,
  decodeSafetensors,
  encodeSafetensors,
  undisposedTensors,
  loadSafetensors,
  saveSafetensors,
  tensor,
  tidy,
  zeros,
} from '../../src/torch/index.js';

// dist/test/torch -> the repository's test/fixtures
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const SCRIPT = join(FIXTURES, 'make_safetensors.py');
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'nasforge-safetensors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One tensor of every storable dtype, plus a scalar, an empty tensor and a non-contiguous view. */
function sample(): Record<string, Tensor> {
  return {
    f32: tensor([
      [1.5, -2],
      [3.25, 1e-30],
    ]),
    f64: tensor(new Float64Array([Math.PI, -Math.E, 1e-300])),
    i64: tensor(new BigInt64Array([-(2n ** 40n), -1n, 0n, 2n ** 40n + 7n]), [2, 2]),
    i32: tensor(new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1])),
    u8: tensor(new Uint8Array([0, 1, 127, 128, 255])),
    bool: tensor(
      [
        [true, false],
        [false, true],
      ],
      undefined,
      { dtype: 'bool' },
    ),
    i16: tensor(new Int16Array([-32768, 32767])),
    i8: tensor(new Int8Array([-128, 127, 3])),
    f16: tensor(new Uint16Array([0x3c00, 0xc000, 0x3800]), [3], { dtype: 'float16' }),
    bf16: tensor(new Uint16Array([0x3f80, 0xc000]), [2], { dtype: 'bfloat16' }),
    scalar: tensor(42.5),
    empty: zeros([0, 3]),
    transposed: tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).transpose(0, 1), // non-contiguous
  };
}

function assertSameTensors(got: Record<string, Tensor>, want: Record<string, Tensor>): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  for (const [name, t] of Object.entries(want)) {
    const g = got[name]!;
    assert.equal(g.dtype, t.dtype, `${name} dtype`);
    assert.deepEqual(g.shape, t.shape, `${name} shape`);
    assert.deepEqual(g.data(), t.data(), `${name} data`);
  }
}

test('round trip of every dtype, a scalar, an empty tensor and a view, with metadata', () => {
  const live0 = undisposedTensors();
  tidy(() => {
    const tensors = sample();
    const metadata = { format: 'pt', epoch: '3', note: 'naïve ✓ 数据' };
    const path = join(dir, 'round.safetensors');
    saveSafetensors(path, tensors, metadata);
    const back = loadSafetensors(path);
    assertSameTensors(back.tensors, tensors);
    assert.deepEqual(back.metadata, metadata);
    assert.deepEqual(back.tensors.scalar!.shape, []);
    assert.equal(back.tensors.scalar!.item(), 42.5);
    assert.deepEqual(back.tensors.transposed!.toArray(), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(back.tensors.f16!.float().toArray(), [1, -2, 0.5]);
    assert.deepEqual(back.tensors.i64!.data(), new BigInt64Array([-(2n ** 40n), -1n, 0n, 2n ** 40n + 7n]));
    // The header is padded so the data starts 8-byte aligned, even with multi-byte UTF-8 metadata.
    const bytes = readFileSync(path);
    assert.equal((8 + Number(bytes.readBigUInt64LE(0))) % 8, 0);
    assert.ok(!existsSync(`${path}.tmp-${process.pid}`), 'no temporary file is left behind');
  });
  assert.equal(undisposedTensors(), live0);
});

test('no metadata and no tensors are valid too', () => {
  const empty = decodeSafetensors(encodeSafetensors({}));
  assert.deepEqual(empty, { tensors: {}, metadata: {} });
  tidy(() => {
    const only = decodeSafetensors(encodeSafetensors({ a: tensor([1, 2]) }));
    assert.deepEqual(only.metadata, {});
    assert.deepEqual(only.tensors.a!.toArray(), [1, 2]);
  });
});

/** A file from a header string and data bytes; `length` overrides the header length field. */
function rawFile(json: string, data: Buffer, length = Buffer.byteLength(json)): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(length));
  return Buffer.concat([len, Buffer.from(json), data]);
}

/** A valid file's bytes with one header change, re-encoded with a correct length. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit a parsed header's fields of every type
type Header = Record<string, any>;

function withHeader(edit: (h: Header) => void): Buffer {
  const buf = tidy(() => encodeSafetensors({ a: tensor([1, 2, 3]), b: tensor([4, 5]) }));
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString()) as Header;
  edit(header);
  return rawFile(JSON.stringify(header), buf.subarray(8 + n));
}

test('damaged files give a clear EngineError and leak nothing', () => {
  const good = tidy(() => encodeSafetensors({ a: tensor([1, 2, 3]), b: tensor([4, 5]) }, { k: 'v' }));
  const cases: [string, Buffer, RegExp][] = [
    ['too short', good.subarray(0, 5), /fewer than the 8-byte header length/],
    ['truncated header', good.subarray(0, 20), /header length \d+ exceeds the \d+ bytes after it \(truncated file\?\)/],
    ['truncated data', good.subarray(0, good.length - 3), /data_offsets \[\d+, \d+\] outside the \d+ data bytes \(truncated file\?\)/],
    ['not JSON', Buffer.concat([good.subarray(0, 8), Buffer.alloc(good.length - 8, 0x7b)]), /the header is not JSON/],
    ['JSON array', rawFile('[1, 2]', Buffer.alloc(0)), /the header is not a JSON object/],
    ['header too long', rawFile('{}', Buffer.alloc(0), 2 ** 40), /header length 1099511627776 exceeds/],
    [
      'unknown dtype',
      withHeader((h) => {
        h.a.dtype = 'F8';
      }),
      /tensor 'a' has unsupported dtype F8/,
    ],
    [
      'bad shape',
      withHeader((h) => {
        h.a.shape = [-3];
      }),
      /tensor 'a' has an invalid shape \[-3\]/,
    ],
    [
      'shape and bytes disagree',
      withHeader((h) => {
        h.a.shape = [2, 2];
      }),
      /tensor 'a' of shape \[2, 2\] float32 needs 16 bytes, its data_offsets span 12/,
    ],
    [
      'missing offsets',
      withHeader((h) => {
        delete h.b.data_offsets;
      }),
      /tensor 'b' has invalid data_offsets undefined/,
    ],
    [
      'non-string metadata',
      withHeader((h) => {
        h.__metadata__ = { k: 3 };
      }),
      /__metadata__ must map names to strings/,
    ],
  ];
  const live0 = undisposedTensors();
  for (const [what, bytes, pattern] of cases) {
    assert.throws(
      () => decodeSafetensors(bytes, 'cpu', what),
      (e: unknown) => {
        assert.ok(e instanceof EngineError, `${what}: ${String(e)}`);
        assert.match(e.message, new RegExp(`${what} is not a valid safetensors file`));
        assert.match(e.message, pattern, what);
        return true;
      },
    );
  }
  // 'b' fails after 'a' was read: 'a' must have been freed.
  assert.equal(undisposedTensors(), live0);
  const truncatedPath = join(dir, 'truncated.safetensors');
  writeFileSync(truncatedPath, good.subarray(0, good.length - 1));
  assert.throws(() => loadSafetensors(truncatedPath), new RegExp(`${truncatedPath} is not a valid safetensors file.*truncated`));
  assert.throws(() => loadSafetensors(join(dir, 'missing.safetensors')), /cannot read .*missing\.safetensors.*ENOENT/);
});

test('writing refuses what safetensors cannot hold', () => {
  tidy(() => {
    assert.throws(() => encodeSafetensors({ a: tensor([1]) }, { epoch: 3 as unknown as string }), /metadata 'epoch' must be a string/);
    assert.throws(() => encodeSafetensors({ a: [1, 2] as unknown as Tensor }), /'a' is not a Tensor/);
    assert.throws(() => saveSafetensors(join(dir, 'no/such/dir/x.safetensors'), { a: tensor([1]) }), /cannot write/);
  });
});

test('reads the reference file written by the independent Python writer', () => {
  tidy(() => {
    const { tensors: t, metadata } = loadSafetensors(join(FIXTURES, 'reference.safetensors'));
    assert.deepEqual(metadata, { format: 'pt', source: 'make_safetensors.py', note: 'naïve ✓' });
    const expect = (name: string, dtype: string, shape: number[], values: number[]): void => {
      assert.equal(t[name]!.dtype, dtype, name);
      assert.deepEqual(t[name]!.shape, shape, name);
      assert.deepEqual(t[name]!.toArray(), values, name);
    };
    expect('f32', 'float32', [2, 3], [-1, -0.5, 0, 0.5, 1, 1.5]);
    expect('f64', 'float64', [3], [Math.PI, -Math.E, 1e-300]);
    expect('i64', 'int64', [2, 2], [-(2 ** 40), -1, 0, 2 ** 40 + 7]);
    expect('i32', 'int32', [4], [-(2 ** 31), -1, 0, 2 ** 31 - 1]);
    expect('i16', 'int16', [2], [-32768, 32767]);
    expect('i8', 'int8', [3], [-128, 127, 3]);
    expect('u8', 'uint8', [5], [0, 1, 127, 128, 255]);
    expect('bool', 'bool', [2, 2], [1, 0, 0, 1]);
    expect('f16', 'float16', [3], [0x3c00, 0xc000, 0x3800]); // raw bits
    assert.deepEqual(t.f16!.float().toArray(), [1, -2, 0.5]);
    expect('bf16', 'bfloat16', [2], [0x3f80, 0xc000]);
    assert.deepEqual(t.bf16!.float().toArray(), [1, -2]);
    expect('scalar', 'float32', [], [42.5]);
    expect('empty', 'float32', [0, 3], []);
    expect(
      'conv.weight',
      'float32',
      [2, 3, 2, 2],
      Array.from({ length: 24 }, (_, i) => i / 8),
    );
  });
});

interface PyTensor {
  dtype: string;
  shape: number[];
  values: (number | boolean)[];
  bits?: number[];
}

const pythonWithTorch = ((): string | false => {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return false;
  } catch {
    return `${PYTHON} cannot import torch (install Debian's python3-torch)`;
  }
})();

test('a file nasforge writes is parsed correctly by the independent Python reader', { skip: pythonWithTorch }, () => {
  const path = join(dir, 'from-nasforge.safetensors');
  tidy(() => saveSafetensors(path, sample(), { producer: 'nasforge', note: 'naïve ✓' }));
  const out = JSON.parse(execFileSync(PYTHON, [SCRIPT, 'read', path], { encoding: 'utf8', timeout: 60_000 })) as {
    metadata: Record<string, string>;
    tensors: Record<string, PyTensor>;
  };
  assert.deepEqual(out.metadata, { producer: 'nasforge', note: 'naïve ✓' });
  tidy(() => {
    const want = sample();
    assert.deepEqual(Object.keys(out.tensors).sort(), Object.keys(want).sort());
    const code: Record<string, string> = {
      float32: 'F32',
      float64: 'F64',
      int64: 'I64',
      int32: 'I32',
      int16: 'I16',
      int8: 'I8',
      uint8: 'U8',
      bool: 'BOOL',
      float16: 'F16',
      bfloat16: 'BF16',
    };
    for (const [name, t] of Object.entries(want)) {
      const py = out.tensors[name]!;
      assert.equal(py.dtype, code[t.dtype], name);
      assert.deepEqual(py.shape, t.shape, name);
      if (py.bits)
        assert.deepEqual(
          py.bits.map((b) => b & 0xffff),
          t.toArray(),
          name,
        );
      else assert.deepEqual(py.values.map(Number), t.toArray(), name);
    }
  });
});
