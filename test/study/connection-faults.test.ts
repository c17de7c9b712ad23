// A database that blinks is not a failed trial. PostgreSQL: statements and transactions whose
// connection was terminated are retried on a new one (a transaction as a whole; SQL errors
// never), two worker processes survive repeated pg_terminate_backend with every trial
// complete and evaluated once, a server that stays away ends the worker with 'unreachable'
// after the bounded wait, a URL without a host uses the local socket, a silent server times
// out naming host, port and database. Any backend: a claim whose COMMIT answer was lost
// neither loses nor duplicates a trial, nor lets the strategy drift.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type pg from 'pg';
import { StudyError, hostIdentity, openStorage, runWorker, type Evaluate, type Storage } from '../../src/study/index.js';
import { claimTrial } from '../../src/study/claim.js';
import { type Db, type Lock, type Sql, type TxInfo } from '../../src/study/db.js';
import { isConnectionError } from '../../src/study/pg-db.js';
import { SqliteDb } from '../../src/study/sqlite-db.js';
import { SqlStorage } from '../../src/study/storage.js';
import { SKIP_PG, admin, databaseOf, definition, postgresBackend, pseudoAccuracy } from './helpers.js';
import { type Child, killAll, logLines, startChild, until } from './spawn.js';

const cheap: Evaluate = async (ctx) => ({ valAccuracy: pseudoAccuracy(ctx.trial.key) });
/** terminates every connection to `db` but the caller's own; the number terminated */
async function terminate(c: pg.Client, db: string): Promise<number> {
  const r = await c.query('SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db]);
  return r.rows.filter((x: { t: boolean }) => x.t).length;
}

test('connection errors are told from SQL errors', () => {
  for (const e of [
    { code: 'ECONNRESET' },
    { code: 'EPIPE' },
    { code: 'ECONNREFUSED' },
    { code: '57P01' },
    { code: '57P02' },
    { code: '57P03' },
    { code: '08006' },
    { code: '08003' },
    { message: 'Connection terminated unexpectedly' },
  ])
    assert.ok(isConnectionError(e), JSON.stringify(e));
  for (const e of [{ code: '42P01' }, { code: '23505' }, { code: '22P02' }, { message: 'syntax error at or near "SELEC"' }, null]) {
    assert.ok(!isConnectionError(e), JSON.stringify(e));
  }
});

/**
 * A Db whose COMMIT answers are lost: every claim-like transaction runs, then is run again with
 * afterUnknownCommit, its first run committed ('landed') or rolled back ('lost') in turn.
 */
class LostAnswers implements Db {
  readonly kind = 'sqlite' as const;
  reconnectedAt: number | null = null;
  lose = true;
  runs = 0;
  constructor(readonly inner: SqliteDb) {}
  get nowSql(): string {
    return this.inner.nowSql;
  }
  all(sql: string, params?: readonly (string | number | null)[]): ReturnType<Sql['all']> {
    return this.inner.all(sql, params);
  }
  run(sql: string, params?: readonly (string | number | null)[]): ReturnType<Sql['run']> {
    return this.inner.run(sql, params);
  }
  async transaction<T>(lock: Lock, fn: (tx: Sql, info: TxInfo) => Promise<T>): Promise<T> {
    if (!this.lose || lock === null || !('study' in lock)) return this.inner.transaction(lock, fn);
    const landed = this.runs++ % 2 === 0;
    const rolledBack = new Error('rolled back');
    await this.inner
      .transaction(lock, async (tx, info) => {
        await fn(tx, info);
        if (!landed) throw rolledBack;
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e;
      });
    return this.inner.transaction(lock, (tx) => fn(tx, { afterUnknownCommit: true }));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

test('claims whose COMMIT answer was lost: no trial lost or evaluated twice, the same proposals as without', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-commit-'));
  try {
    const path = join(dir, 'study.db');
    (await openStorage(`sqlite:${path}`)).close();
    const flaky = new LostAnswers(SqliteDb.open(path));
    const storage = new SqlStorage(flaky, `sqlite:${path}`, join(dir, 'work'));
    const evaluated: string[] = [];
    const summary = await runWorker(storage, definition('lost', 8, 'evolution'), async (ctx) => {
      evaluated.push(ctx.trial.key);
      return cheap(ctx);
    });
    assert.deepEqual(summary, { completed: 8, failed: 0, pruned: 0 });
    assert.ok(flaky.runs >= 9, 'every claim (8 trials, then done) had its answer lost');
    const trials = await storage.trials('lost');
    assert.deepEqual(
      trials.map((t) => [t.state, t.attempts, t.deaths]),
      Array(8).fill(['complete', 1, 0]),
    );
    assert.deepEqual(
      evaluated,
      trials.map((t) => t.key),
      'each trial evaluated once, in order',
    );
    const added = await storage.addTrial('lost', { genotype: { arch: '22222222' }, key: '22222222' });
    assert.equal(added.number, 8);
    assert.equal((await storage.trials('lost')).length, 9, 'an addTrial whose COMMIT landed is not added twice');

    const clean = await openStorage(`sqlite:${path}`);
    await runWorker(clean, definition('clean', 8, 'evolution'), cheap, { workdirRoot: join(dir, 'work') });
    assert.deepEqual(
      trials.map((t) => t.key),
      (await clean.trials('clean')).map((t) => t.key),
      'the strategy proposed what it proposes without faults',
    );
    await clean.close();
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a worker whose database just came back judges no heartbeat stale for one stale period (nobody's could land)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-grace-'));
  try {
    const path = join(dir, 'study.db');
    (await openStorage(`sqlite:${path}`)).close();
    const db = new LostAnswers(SqliteDb.open(path));
    db.lose = false;
    const storage = new SqlStorage(db, `sqlite:${path}`, join(dir, 'work'));
    const def = definition('grace', 1);
    await storage.ensureStudy(def.name, def.config);
    const t = await storage.addTrial('grace', { genotype: { arch: '00000000' }, key: '00000000' });
    await db.run(
      "UPDATE trials SET state = 'running', attempts = 1, worker = 'far', host = 'another-machine', pid = 1, heartbeat_at = 0 WHERE study = 'grace' AND number = $1",
      [t.number],
    );
    const o = { worker: 'me', maxAttempts: 3, staleMs: 60_000, maxReask: 20, log: () => undefined, host: hostIdentity(), pid: process.pid };
    db.reconnectedAt = Date.now();
    assert.deepEqual(
      await claimTrial(storage, def, { seq: -1, searcher: null }, o),
      { kind: 'wait', running: 1 },
      'just reconnected: its heartbeat may not have landed yet',
    );
    db.reconnectedAt = null;
    const claim = await claimTrial(storage, def, { seq: -1, searcher: null }, o);
    assert.equal(claim.kind === 'trial' && claim.trial.number, t.number, 'otherwise it is taken back');
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('PostgreSQL connections that drop', { skip: SKIP_PG && 'NASFORGE_SKIP_PG=1', timeout: 120_000 }, () => {
  const backend = postgresBackend();
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-pgfaults-'));
  const children: Child[] = [];
  after(async () => {
    killAll(children);
    await backend.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a transaction whose connection is terminated is run again as a whole; a SQL error is not retried', async () => {
    const url = await backend.url();
    const storage = await openStorage(url);
    const db = (storage as SqlStorage).db;
    const infos: TxInfo[] = [];
    await db.transaction(null, async (tx, info) => {
      infos.push(info);
      await tx.run("INSERT INTO studies (name, config, created_at) VALUES ('tx', '{}', 0)");
      if (infos.length === 1) await tx.all('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    assert.deepEqual(infos, [{ afterUnknownCommit: false }, { afterUnknownCommit: false }], 'run twice; the first never reached COMMIT');
    assert.deepEqual(
      (await storage.listStudies()).map((s) => s.name),
      ['tx'],
      'the first run was rolled back',
    );

    // terminated from outside between two statements: the checked-out client's 'error' event
    // must not crash the process, and the next statement's failure retries the transaction
    let runs = 0;
    await db.transaction({ study: 'tx' }, async (tx) => {
      runs++;
      const [{ pid }] = (await tx.all('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      if (runs === 1) {
        await admin((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
        await until('the backend to end', () => admin(async (c) => (await c.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0));
      }
      await tx.run("UPDATE studies SET config = '{\"n\":1}' WHERE name = 'tx'");
    });
    assert.equal(runs, 2);
    assert.deepEqual((await storage.getStudy('tx'))!.config, { n: 1 });

    runs = 0;
    await assert.rejects(
      db.transaction(null, async (tx) => {
        runs++;
        await tx.all('SELECT * FROM no_such_table');
      }),
      (e: { code?: string }) => e.code === '42P01',
    );
    assert.equal(runs, 1, 'a SQL error is not retried');
    await storage.close();
  });

  test('one worker: its connections terminated in the middle of every evaluation, no trial fails', async () => {
    const url = await backend.url();
    const db = databaseOf(url);
    const storage: Storage = await openStorage(url);
    let killed = 0;
    const summary = await admin(async (c) =>
      runWorker(
        storage,
        definition('blink', 4),
        async (ctx) => {
          await ctx.report(0, { valAccuracy: 1 });
          killed += await terminate(c, db);
          await ctx.progress(1);
          killed += await terminate(c, db);
          await ctx.report(1, { valAccuracy: 2 });
          killed += await terminate(c, db);
          return cheap(ctx);
        },
        { workdirRoot: join(dir, 'blink') },
      ),
    );
    assert.deepEqual(summary, { completed: 4, failed: 0, pruned: 0 });
    assert.ok(killed >= 4, `${killed} connections terminated`);
    const trials = await storage.trials('blink');
    assert.deepEqual(
      trials.map((t) => [t.state, t.progress, t.deaths, t.attempts]),
      Array(4).fill(['complete', 1, 0, 1]),
    );
    assert.deepEqual(
      (await storage.intermediates('blink', 3)).map((i) => i.step),
      [0, 1],
    );
    await storage.close();
  });

  test('two worker processes, their backends terminated again and again: no worker crashes, no trial is failed, lost or run twice', async () => {
    const TRIALS = 30;
    const url = await backend.url();
    const db = databaseOf(url);
    await (await openStorage(url)).close();
    const log = join(dir, 'two.log');
    const spec = { url, study: 'two', trials: TRIALS, evaluator: 'cheap', sleepMs: 30, heartbeatSeconds: 2, log, workdirRoot: join(dir, 'two') } as const;
    const workers = [startChild(spec), startChild(spec)];
    children.push(...workers);
    let running = workers.length;
    const exits = Promise.all(
      workers.map((w) =>
        w.done.finally(() => {
          running--;
        }),
      ),
    );
    let rounds = 0;
    let terminated = 0;
    await admin(async (c) => {
      let seen = 0;
      while (running > 0) {
        const r = await c.query("SELECT COUNT(*) AS n FROM trials WHERE study = 'two' AND state = 'complete'").catch(() => ({ rows: [{ n: 0 }] }));
        const complete = Number(r.rows[0].n);
        // after every second trial completes: a moment read from the database, not a clock
        if (complete >= seen + 2 && complete < TRIALS) {
          terminated += await terminate(c, db);
          rounds++;
          seen = complete;
        }
        await new Promise((res) => setTimeout(res, 10));
      }
    }, db);
    const results = await exits;
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Unhandled 'error'|EPIPE|ECONNRESET/);
    }
    assert.ok(rounds >= 8 && terminated >= rounds, `${rounds} rounds terminated ${terminated} connections`);
    assert.equal(
      results.reduce((n, r) => n + r.result!.summary!.completed, 0),
      TRIALS,
    );
    const storage = await openStorage(url);
    const trials = await storage.trials('two');
    await storage.close();
    assert.equal(trials.length, TRIALS);
    assert.ok(
      trials.every((t) => t.state === 'complete' && t.deaths === 0 && t.attempts === 1),
      'every trial complete, held once',
    );
    assert.equal(new Set(trials.map((t) => t.key)).size, TRIALS);
    assert.equal(logLines(log, 'start').length, TRIALS, 'each trial evaluated once');
  });

  test("a server that stays away ends the worker with 'unreachable' after the bounded wait; the trial is not failed", async () => {
    const url = await backend.url();
    const db = databaseOf(url);
    const storage = await openStorage(url, { reconnectSeconds: 2 });
    let gone = 0;
    try {
      const err = await runWorker(
        storage,
        definition('away', 3),
        async (ctx) => {
          await admin(async (c) => {
            await c.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
            await terminate(c, db);
          });
          gone = Date.now();
          return cheap(ctx);
        },
        { workdirRoot: join(dir, 'away') },
      ).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof StudyError && err.code === 'unreachable', String(err));
      assert.match(err.message, new RegExp(`database ${db} .*could not get it back within 2 s`));
      assert.ok(Date.now() - gone >= 2000, 'it kept trying for the whole wait');
    } finally {
      await admin((c) => c.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`));
      await storage.close().catch(() => undefined);
    }
    const again = await openStorage(url);
    const [t] = await again.trials('away');
    await again.close();
    assert.deepEqual([t!.state, t!.failure], ['running', null], 'left for the next worker to take back, not failed');
  });

  test('a URL without a host uses the local Unix socket, as libpq does; a missing socket says where it looked', async () => {
    const url = await backend.url();
    const db = databaseOf(url);
    const s = await openStorage(`postgres:///${db}`);
    assert.deepEqual(await s.listStudies(), []);
    await s.close();
    const saved = process.env.PGHOST;
    process.env.PGHOST = dir;
    try {
      await assert.rejects(
        openStorage(`postgres:///${db}`),
        (e: StudyError) =>
          e.code === 'unreachable' && e.message.includes(`the Unix socket ${dir}/.s.PGSQL.5432, database ${db}`) && /\?host=DIR or \$PGHOST/.test(e.message),
      );
    } finally {
      if (saved === undefined) delete process.env.PGHOST;
      else process.env.PGHOST = saved;
    }
  });
});

test('a server that accepts and never answers times out, naming host, port and database', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((sock) => {
    sockets.push(sock);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { port } = silent.address() as AddressInfo;
  try {
    await assert.rejects(
      openStorage(`postgres://someone:pw@127.0.0.1:${port}/studies`, { connectTimeoutSeconds: 0.5 }),
      (e: StudyError) =>
        e.code === 'unreachable' &&
        e.message.includes(`host 127.0.0.1, port ${port}, database studies`) &&
        /no answer within 0\.5 s/.test(e.message) &&
        !e.message.includes(':pw@'),
    );
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});
