// A checkpoint's files are replaced as one set: a save interrupted after writing its new files
// but before its manifest leaves the previous checkpoint whole, and a committed save leaves only
// its own generation's files.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFileSet, fileOf, nextFileSet } from '../../src/train/index.js';

const BASES = ['model.safetensors', 'optimizer.safetensors'];

function save(dir: string, content: string, commit = true): void {
  const set = nextFileSet(dir, 'trainer.json');
  for (const b of BASES) writeFileSync(set.file(b), `${b} ${content}`);
  if (commit) commitFileSet(dir, 'trainer.json', set, BASES, { content });
}

test('each save is a new generation; only the committed one is read and kept', async () => {
  const { readFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-ckpt-set-'));
  const read = (): string[] => {
    const json = JSON.parse(readFileSync(join(dir, 'trainer.json'), 'utf8')) as { generation: number; content: string };
    return [json.content, ...BASES.map((b) => readFileSync(fileOf(dir, json, b), 'utf8'))];
  };
  save(dir, 'first');
  save(dir, 'second');
  assert.deepEqual(read(), ['second', 'model.safetensors second', 'optimizer.safetensors second']);
  assert.deepEqual(readdirSync(dir).sort(), ['model.1.safetensors', 'optimizer.1.safetensors', 'trainer.json']);
  // killed after writing the third save's files, before its manifest: the second is still whole
  save(dir, 'third', false);
  assert.deepEqual(read(), ['second', 'model.safetensors second', 'optimizer.safetensors second']);
  // the next save takes a new generation past the committed one and removes the orphans
  save(dir, 'fourth');
  assert.deepEqual(read(), ['fourth', 'model.safetensors fourth', 'optimizer.safetensors fourth']);
  assert.deepEqual(readdirSync(dir).sort(), ['model.2.safetensors', 'optimizer.2.safetensors', 'trainer.json']);
});

test('a checkpoint written before generations (unnumbered files) is read, and replaced by the next save', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-ckpt-legacy-'));
  for (const b of BASES) writeFileSync(join(dir, b), 'old');
  writeFileSync(join(dir, 'trainer.json'), JSON.stringify({ content: 'old' }));
  assert.equal(fileOf(dir, {}, 'model.safetensors'), join(dir, 'model.safetensors'));
  save(dir, 'new');
  assert.deepEqual(readdirSync(dir).sort(), ['model.0.safetensors', 'optimizer.0.safetensors', 'trainer.json']);
});
