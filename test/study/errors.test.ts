// Bad storage inputs give a clear StudyError and change nothing: a corrupt SQLite file, a
// SQLite file of another program, an unknown URL scheme, an unreachable PostgreSQL server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { StudyError, openStorage, parseStorageUrl, redactUrl } from '../../src/study/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nasforge-study-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

test('a file that is not a database is refused with what to do, and left byte for byte untouched', async () => {
  const path = join(dir, 'garbage.db');
  writeFileSync(path, 'study: fmnist\nthis is a YAML file, not a database\n'.repeat(200));
  const before = sha(path);
  await assert.rejects(
    openStorage(`sqlite:${path}`),
    (e: StudyError) =>
      e instanceof StudyError &&
      e.code === 'corrupt-storage' &&
      e.message.includes(path) &&
      /left untouched/.test(e.message) &&
      /--storage sqlite:NEW_PATH/.test(e.message),
  );
  assert.equal(sha(path), before);
  assert.equal(existsSync(`${path}-wal`), false);
});

test('a study database with damaged pages is refused, its recorded trials left as they were', async () => {
  const path = join(dir, 'damaged.db');
  const storage = await openStorage(`sqlite:${path}`);
  await storage.createStudy('s', {});
  for (let i = 0; i < 200; i++)
    await storage.addTrial('s', { genotype: { arch: String(i).padStart(8, '0') }, key: `k${i}`, metrics: { valAccuracy: i }, score: i });
  await storage.close();
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0xa5, 3 * pageSize, 3 * pageSize + 600); // scribble over the middle of page 4
  writeFileSync(path, bytes);
  const before = sha(path);
  await assert.rejects(openStorage(`sqlite:${path}`), (e: StudyError) => e.code === 'corrupt-storage' && /left untouched/.test(e.message));
  assert.equal(sha(path), before);
});

test('a SQLite database of another program is not written into', async () => {
  const path = join(dir, 'other.db');
  const db = new Database(path);
  db.exec('CREATE TABLE invoices (id INTEGER)');
  db.close();
  const before = sha(path);
  await assert.rejects(openStorage(`sqlite:${path}`), (e: StudyError) => e.code === 'invalid-storage' && /invoices/.test(e.message));
  assert.equal(sha(path), before);
});

test('storage URLs: the accepted forms, and an unknown scheme names them', () => {
  assert.deepEqual(parseStorageUrl('sqlite:/tmp/a.db'), { kind: 'sqlite', path: '/tmp/a.db' });
  assert.deepEqual(parseStorageUrl('sqlite:///tmp/a.db'), { kind: 'sqlite', path: '/tmp/a.db' });
  assert.equal(parseStorageUrl('postgresql://u@h/db').kind, 'postgres');
  assert.throws(
    () => parseStorageUrl('mysql://u:pw@h/db'),
    (e: StudyError) => e.code === 'invalid-url' && /sqlite:PATH/.test(e.message) && !e.message.includes('pw'),
  );
  assert.throws(
    () => parseStorageUrl('sqlite:'),
    (e: StudyError) => e.code === 'invalid-url',
  );
  assert.equal(redactUrl('postgres://me:s3cret@db.example:5432/x?password=again'), 'postgres://me:***@db.example:5432/x?password=***');
});

test('an unreachable PostgreSQL server is a clear error without the password', async () => {
  // port 1 on the loopback: nothing listens there, so the connection is refused at once
  await assert.rejects(
    openStorage('postgres://nasforge:s3cret@127.0.0.1:1/studies'),
    (e: StudyError) =>
      e.code === 'unreachable' &&
      e.message.includes('postgres://nasforge:***@127.0.0.1:1/studies') &&
      !e.message.includes('s3cret') &&
      /server running/.test(e.message),
  );
});
