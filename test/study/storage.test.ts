// The storage contract, run on every backend: studies, configs, trials, intermediate values,
// migrations. The same suite on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MIGRATIONS, RUN_SETTINGS, SCHEMA_VERSION, type StudyError, openStorage, parseStorageUrl, type Storage } from '../../src/study/index.js';
import { type Db } from '../../src/study/db.js';
import { migrate } from '../../src/study/migrations.js';
import { PgDb } from '../../src/study/pg-db.js';
import { SqliteDb } from '../../src/study/sqlite-db.js';
import { type SqlStorage } from '../../src/study/storage.js';
import { backends } from './helpers.js';

async function openDb(url: string): Promise<Db> {
  const u = parseStorageUrl(url);
  return u.kind === 'sqlite' ? SqliteDb.open(u.path) : PgDb.open(u.url);
}

for (const backend of backends()) {
  describe(`storage on ${backend.name}`, () => {
    let storage: Storage;
    let url: string;
    before(async () => {
      url = await backend.url();
      storage = await openStorage(url);
    });
    after(async () => {
      await storage?.close();
      await backend.cleanup();
    });

    test('creates, finds and lists studies; a taken name is refused', async () => {
      const s = await storage.createStudy('alpha', { space: 'darts', budget: { trials: 5 } });
      assert.equal(s.name, 'alpha');
      assert.deepEqual(s.config, { budget: { trials: 5 }, space: 'darts' });
      assert.ok(Math.abs(s.createdAt - Date.now()) < 60_000, 'createdAt is the database clock in ms');
      assert.equal((await storage.getStudy('alpha'))?.createdAt, s.createdAt);
      assert.equal(await storage.getStudy('nope'), null);
      await assert.rejects(storage.createStudy('alpha', {}), (e: StudyError) => e.code === 'study-exists');
      await storage.createStudy('beta', {});
      assert.deepEqual(
        (await storage.listStudies()).map((x) => x.name),
        ['alpha', 'beta'],
      );
      await assert.rejects(storage.createStudy('bad name/..', {}), (e: StudyError) => e.code === 'invalid-name');
    });

    test('ensureStudy creates once, accepts the same config in any key order, and names each differing field', async () => {
      const config = { space: 'darts', strategy: { name: 'evolution', population: 20 }, seed: 0 };
      await storage.ensureStudy('gamma', config);
      await storage.ensureStudy('gamma', { seed: 0, strategy: { population: 20, name: 'evolution' }, space: 'darts' });
      await assert.rejects(
        storage.ensureStudy('gamma', { space: 'darts', strategy: { name: 'evolution', population: 30 }, seed: 0, extra: true }),
        (e: StudyError) =>
          e.code === 'config-mismatch' &&
          /strategy\.population: stored 20, given 30/.test(e.message) &&
          /extra: stored \(absent\), given true/.test(e.message) &&
          !/seed/.test(e.message),
      );
    });

    test('a later run may change the run settings (budget, worker), which are stored; what is searched may not change', async () => {
      const config = { space: 'darts', strategy: { name: 'evolution' }, budget: { trials: 40 }, seed: 0 };
      await storage.ensureStudy('extend', config, { settings: RUN_SETTINGS });
      const longer = { ...config, budget: { trials: 60, minutes: 30 }, worker: { heartbeatSeconds: 2, maxAttempts: 5 } };
      const r = await storage.ensureStudy('extend', longer, { settings: RUN_SETTINGS });
      assert.deepEqual(r.config, longer);
      assert.deepEqual((await storage.getStudy('extend'))!.config, longer, 'the stored config takes the new budget');
      await assert.rejects(
        storage.ensureStudy('extend', { ...longer, seed: 1, budget: { trials: 80 } }, { settings: RUN_SETTINGS }),
        (e: StudyError) =>
          e.code === 'config-mismatch' &&
          /seed: stored 0, given 1/.test(e.message) &&
          /only budget and worker may change between runs/.test(e.message) &&
          !/budget\./.test(e.message),
      );
      assert.deepEqual((await storage.getStudy('extend'))!.config, longer, 'a refused run changes nothing');
      await assert.rejects(
        storage.ensureStudy('extend', config),
        (e: StudyError) => e.code === 'config-mismatch' && /budget\.trials: stored 60, given 40/.test(e.message),
        'without settings every field must match',
      );
    });

    test('an added trial may carry artifacts (a weight-sharing search records its weights); bad ones are refused', async () => {
      await storage.createStudy('arts', {});
      const t = await storage.addTrial('arts', {
        genotype: { arch: '00000000' },
        key: '00000000',
        metrics: { valAccuracy: 1 },
        score: 1,
        artifacts: { weights: '/w.safetensors' },
      });
      assert.deepEqual(t.artifacts, { weights: '/w.safetensors' });
      assert.deepEqual((await storage.trial('arts', t.number))!.artifacts, { weights: '/w.safetensors' });
      await assert.rejects(
        storage.addTrial('arts', { genotype: {}, key: 'k', artifacts: { weights: 3 } as never }),
        (e: StudyError) => e.code === 'invalid-trial' && /artifacts must map names to file paths/.test(e.message),
      );
    });

    test('adds trials with numbers in order, filters by state, keeps results and intermediate values', async () => {
      await storage.createStudy('delta', {});
      const q = await storage.addTrial('delta', { genotype: { arch: '00000000' }, key: '00000000' });
      assert.equal(q.number, 0);
      assert.equal(q.state, 'queued');
      const c = await storage.addTrial('delta', { genotype: { arch: '11111111' }, key: '11111111', metrics: { valAccuracy: 91.5 }, score: 91.5, fidelity: 3 });
      assert.equal(c.number, 1);
      assert.equal(c.state, 'complete');
      assert.deepEqual(c.metrics, { valAccuracy: 91.5 });
      assert.equal(c.score, 91.5);
      assert.equal(c.fidelity, 3);
      assert.ok(c.finishedAt !== null);
      assert.deepEqual(
        (await storage.trials('delta', { states: ['complete'] })).map((t) => t.number),
        [1],
      );
      assert.deepEqual(
        (await storage.trials('delta')).map((t) => t.key),
        ['00000000', '11111111'],
      );
      await assert.rejects(
        storage.addTrial('delta', { genotype: { arch: 'x' }, key: 'x', metrics: { valAccuracy: Number.NaN }, score: 1 }),
        (e: StudyError) => e.code === 'invalid-trial' && /valAccuracy/.test(e.message),
      );
      await assert.rejects(
        storage.addTrial('delta', { genotype: { arch: 'x' }, key: 'x', state: 'complete' }),
        (e: StudyError) => e.code === 'invalid-trial' && /score/.test(e.message),
      );
      assert.equal((await storage.trials('delta')).length, 2, 'a refused trial is not stored');
      assert.deepEqual(await storage.intermediates('delta', 0), []);
      assert.equal(await storage.strategyState('delta'), null);
    });

    test('an unknown study is a StudyError that suggests the nearest name', async () => {
      await assert.rejects(storage.trials('alpah'), (e: StudyError) => e.code === 'unknown-study' && /did you mean 'alpha'/.test(e.message));
      await assert.rejects(storage.addTrial('zzz', { genotype: {}, key: 'k' }), (e: StudyError) => e.code === 'unknown-study');
    });

    test('resetStudy gives a study with no complete trial a corrected config, in one go; once a trial is complete it is refused', async () => {
      const wrong = { space: 'darts', strategy: 'evolution', budget: { trials: 4 } };
      await storage.ensureStudy('fixme', wrong);
      const db = (storage as SqlStorage).db;
      await storage.addTrial('fixme', { genotype: { arch: '00000000' }, key: 'a', state: 'failed', error: 'bad data' });
      await storage.addTrial('fixme', { genotype: { arch: '11111111' }, key: 'b' });
      await db.run(`INSERT INTO intermediates (study, trial, step, metrics) VALUES ('fixme', 1, 0, '{"valAccuracy":1}')`);
      await db.run(`UPDATE studies SET strategy_state = '{"kind":"evolution"}', created_at = 1 WHERE name = 'fixme'`);
      const right = { ...wrong, space: 'nasnet' };
      const same = await storage.resetStudy('fixme', wrong);
      assert.equal(same.createdAt, 1, 'the same config: nothing changes');
      assert.equal((await storage.trials('fixme')).length, 2);
      const reset = await storage.resetStudy('fixme', right);
      assert.deepEqual(reset.config, right);
      assert.ok(reset.createdAt > 1, 'its clock starts again');
      assert.deepEqual(await storage.trials('fixme'), []);
      assert.deepEqual(await storage.intermediates('fixme', 1), []);
      assert.equal(await storage.strategyState('fixme'), null);
      assert.deepEqual((await storage.addTrial('fixme', { genotype: {}, key: 'c' })).number, 0, 'numbers start again');

      await storage.addTrial('fixme', { genotype: {}, key: 'd', metrics: { valAccuracy: 3 }, score: 3 });
      await assert.rejects(
        storage.resetStudy('fixme', wrong),
        (e: StudyError) =>
          e.code === 'config-mismatch' &&
          /^study 'fixme' was created with another config \(space: stored "nasnet", given "darts"\)\. Run it with its stored config/.test(e.message) &&
          /it has 1 complete trial\)$/.test(e.message),
      );
      assert.deepEqual((await storage.getStudy('fixme'))!.config, right, 'a refused reset changes nothing');
      assert.equal((await storage.trials('fixme')).length, 2);
      await assert.rejects(storage.resetStudy('nofix', right), (e: StudyError) => e.code === 'unknown-study');
    });

    test('deleteStudy removes the study with its trials', async () => {
      await storage.createStudy('epsilon', {});
      await storage.addTrial('epsilon', { genotype: {}, key: 'k' });
      assert.equal(await storage.deleteStudy('epsilon'), true);
      assert.equal(await storage.getStudy('epsilon'), null);
      assert.equal(await storage.deleteStudy('epsilon'), false);
    });

    test('migrations are versioned: reopening keeps the data, concurrent opens agree, a newer schema is refused untouched', async () => {
      const again = await Promise.all([openStorage(url), openStorage(url), openStorage(url)]);
      for (const s of again) assert.ok((await s.getStudy('alpha')) !== null);
      const db = (again[0] as SqlStorage).db;
      assert.deepEqual(
        (await db.all('SELECT version FROM schema_version')).map((r) => Number(r.version)),
        [SCHEMA_VERSION],
      );
      await db.run('UPDATE schema_version SET version = $1', [SCHEMA_VERSION + 1]);
      await assert.rejects(openStorage(url), (e: StudyError) => e.code === 'schema-too-new' && /upgrade nasforge/.test(e.message));
      assert.equal(Number((await db.all('SELECT version FROM schema_version'))[0]!.version), SCHEMA_VERSION + 1);
      await db.run('UPDATE schema_version SET version = $1', [SCHEMA_VERSION]);
      for (const s of again) await s.close();
    });

    test('a database of schema version 1 is upgraded on open, its trials kept', async () => {
      const old = await backend.url();
      const db = await openDb(old);
      await migrate(db, old, MIGRATIONS.slice(0, 1));
      await db.run(`INSERT INTO studies (name, config, created_at) VALUES ('v1', '{}', 1)`);
      await db.run(
        `INSERT INTO trials (study, number, state, genotype, key, metrics, score, created_at) VALUES ('v1', 0, 'complete', '{"arch":"01"}', '01', '{"valAccuracy":5}', 5, 1)`,
      );
      await db.close();
      const upgraded = await openStorage(old);
      const [t] = await upgraded.trials('v1');
      assert.deepEqual([t!.key, t!.score, t!.bracket, t!.rung, t!.parent], ['01', 5, null, null, null]);
      assert.equal(Number((await (upgraded as SqlStorage).db.all('SELECT version FROM schema_version'))[0]!.version), SCHEMA_VERSION);
      assert.equal(SCHEMA_VERSION, 3);
      assert.deepEqual([t!.progress, t!.deaths, t!.crashes, t!.failure], [0, 0, 0, null]);
      await upgraded.close();
    });

    test('schema version 3 gives failed trials of version 2 their failure: a worker loop "failed for good" was a crash', async () => {
      const old = await backend.url();
      const db = await openDb(old);
      await migrate(db, old, MIGRATIONS.slice(0, 2));
      await db.run(`INSERT INTO studies (name, config, created_at) VALUES ('v2', '{}', 1)`);
      const row = `INSERT INTO trials (study, number, state, genotype, key, error, attempts, created_at) VALUES ('v2', $1, $2, '{}', $3, $4, 3, 1)`;
      await db.run(row, [0, 'failed', 'a', 'RangeError: out of memory']);
      await db.run(row, [1, 'failed', 'b', 'worker w1 stopped beating (last heartbeat 30.0 s ago) on attempt 3 of 3; failed for good']);
      await db.run(row, [2, 'queued', 'c', null]);
      await db.close();
      const upgraded = await openStorage(old);
      assert.deepEqual(
        (await upgraded.trials('v2')).map((t) => [t.state, t.failure, t.attempts, t.deaths]),
        [
          ['failed', 'error', 3, 0],
          ['failed', 'crashed', 3, 0],
          ['queued', null, 3, 0],
        ],
      );
      await upgraded.close();
    });
  });
}
