// Storage that is damaged, read-only, missing, or handed documents too deep to store: each is a
// StudyError that names what is wrong and what to do, never a raw SyntaxError, RangeError or
// "unexpected error", and a read-only command never creates a database at a mistyped path.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StudyError, openStorage, runWorker, type Storage } from '../../src/study/index.js';
import { type SqlStorage } from '../../src/study/storage.js';
import { backends, definition } from './helpers.js';
import { startScript } from './spawn.js';

const OPEN_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'open-child.js');
const isStudyError =
  (code: string, message?: RegExp) =>
  (e: unknown): boolean =>
    e instanceof StudyError && e.code === code && (!message || message.test(e.message));

function deep(levels: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

for (const backend of backends()) {
  describe(`damaged rows and deep documents on ${backend.name}`, () => {
    let storage: Storage;
    const work = mkdtempSync(join(tmpdir(), 'nasforge-deep-'));
    before(async () => {
      storage = await openStorage(await backend.url());
    });
    after(async () => {
      await storage?.close();
      await backend.cleanup();
      rmSync(work, { recursive: true, force: true });
    });

    test('a stored row with invalid JSON names the study, the trial and the column', async () => {
      const db = (storage as SqlStorage).db;
      await storage.createStudy('bad', {});
      await storage.addTrial('bad', { genotype: { arch: '00000000' }, key: 'a', metrics: { valAccuracy: 1 }, score: 1 });
      await storage.addTrial('bad', { genotype: { arch: '11111111' }, key: 'b' });
      await db.run(`UPDATE trials SET metrics = '{"valAccuracy": 9' WHERE study = 'bad' AND number = 0`);
      await assert.rejects(
        storage.trials('bad'),
        isStudyError('corrupt-storage', /study 'bad', trial 0: column 'metrics' is not valid JSON.*fix or delete that row/),
      );
      await db.run(`UPDATE trials SET metrics = NULL WHERE study = 'bad' AND number = 0`);
      await db.run(`UPDATE trials SET genotype = 'not json' WHERE study = 'bad' AND number = 1`);
      await assert.rejects(storage.trial('bad', 1), isStudyError('corrupt-storage', /trial 1: column 'genotype'/));
      await db.run(`UPDATE trials SET genotype = '{}' WHERE study = 'bad' AND number = 1`);
      await db.run(`INSERT INTO intermediates (study, trial, step, metrics) VALUES ('bad', 1, 4, '[')`);
      await assert.rejects(storage.intermediates('bad', 1), isStudyError('corrupt-storage', /trial 1 step 4: column 'metrics'/));
      await db.run(`UPDATE studies SET strategy_state = '{' WHERE name = 'bad'`);
      await assert.rejects(storage.strategyState('bad'), isStudyError('corrupt-storage', /study 'bad': column 'strategy_state'/));
      await db.run(`UPDATE studies SET config = '{,}' WHERE name = 'bad'`);
      await assert.rejects(storage.getStudy('bad'), isStudyError('corrupt-storage', /study 'bad': column 'config'/));
      await db.run(`UPDATE studies SET config = '{}' WHERE name = 'bad'`);
      assert.equal((await storage.trials('bad')).length, 2, 'repaired rows read again');
    });

    test('10,000-deep genotypes, metrics, artifacts and configs are StudyErrors, not stack overflows', async () => {
      const tooDeep = deep(10_000);
      await assert.rejects(storage.createStudy('deep', { space: tooDeep } as never), isStudyError('invalid-config', /nested at most 64 levels/));
      await assert.rejects(storage.ensureStudy('deep', tooDeep as never), isStudyError('invalid-config'));
      assert.equal(await storage.getStudy('deep'), null, 'nothing was stored');
      await storage.createStudy('deep', {});
      await assert.rejects(storage.addTrial('deep', { genotype: tooDeep as never, key: 'k' }), isStudyError('invalid-trial', /not plain JSON/));
      await assert.rejects(
        storage.addTrial('deep', { genotype: {}, key: 'k', metrics: { valAccuracy: tooDeep } as never, score: 1 }),
        isStudyError('invalid-trial', /metric 'valAccuracy' is \[a value nested too deeply\]/),
      );
      await assert.rejects(storage.addTrial('deep', { genotype: {}, key: 'k', artifacts: tooDeep as never }), isStudyError('invalid-trial', /artifacts/));
      assert.deepEqual(await storage.trials('deep'), []);

      // from an evaluator: a deep intermediate value is refused to the evaluator, deep metrics fail the trial with the reason
      const def = definition('deep-eval', 2);
      const refused: unknown[] = [];
      let n = 0;
      const summary = await runWorker(
        storage,
        def,
        async (ctx) => {
          await ctx.report(0, { valAccuracy: tooDeep } as never).catch((e: unknown) => refused.push(e));
          return n++ === 0 ? ({ valAccuracy: tooDeep } as never) : { valAccuracy: 50 };
        },
        { workdirRoot: work },
      );
      assert.deepEqual(summary, { completed: 1, failed: 1, pruned: 0 });
      assert.ok(refused.length === 2 && refused.every(isStudyError('invalid-trial', /nested too deeply/)));
      const [t] = await storage.trials('deep-eval');
      assert.deepEqual([t!.state, t!.failure], ['failed', 'error']);
      assert.match(t!.error!, /StudyError: trial 0: metric 'valAccuracy' is \[a value nested too deeply\]/);
    });
  });
}

describe('SQLite files that are missing or read-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-ro-'));
  chmodSync(dir, 0o755); // the unprivileged child must reach its files
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('mustExist: a mistyped path is refused with the near databases of its folder, and nothing is created', async () => {
    const real = join(dir, 'fmnist-search.db');
    await (await openStorage(`sqlite:${real}`)).close();
    const typo = join(dir, 'fmnist-serch.db');
    await assert.rejects(
      openStorage(`sqlite:${typo}`, { mustExist: true }),
      isStudyError('unknown-storage', new RegExp(`no study database at ${typo.replace(/[.]/g, '\\.')}; did you mean 'fmnist-search\\.db'\\?`)),
    );
    assert.equal(existsSync(typo), false);
    const nowhere = join(dir, 'no-such-folder', 'study.db');
    await assert.rejects(
      openStorage(`sqlite:${nowhere}`, { mustExist: true }),
      isStudyError('unknown-storage', /its folder .*no-such-folder does not exist either/),
    );
    assert.equal(existsSync(dirname(nowhere)), false, 'not even the folder');
    await (await openStorage(`sqlite:${real}`, { mustExist: true })).close();
  });

  // root writes any file whatever its mode: the open then runs as user nobody
  const root = process.getuid?.() === 0;
  const openAs = async (url: string, write: boolean): Promise<{ ok?: boolean; studies?: string[]; error?: { code: string; message: string } } | null> => {
    const child = startScript(OPEN_CHILD, { NASFORGE_OPEN_CHILD: JSON.stringify({ url, write }) }, root ? { uid: 65534, gid: 65534 } : {});
    const exit = await child.done;
    assert.equal(exit.code, 0, exit.stderr);
    return exit.result as never;
  };
  const canDropPrivileges = (): string | null => {
    if (!root) return null;
    const probe = spawnSync(process.execPath, ['-e', ''], { uid: 65534, gid: 65534 });
    return probe.error || probe.status !== 0
      ? `running as root, where chmod does not stop writes, and a process as user nobody cannot be started (${probe.error?.message ?? probe.status})`
      : null;
  };

  test("a read-only database file can be read; writing it is StudyError 'read-only' naming the file and what to do", async (t) => {
    const skip = canDropPrivileges();
    if (skip) return t.skip(skip);
    const sub = join(dir, 'ro-file');
    mkdirSync(sub);
    chmodSync(sub, 0o777);
    const path = join(sub, 'study.db');
    const s = await openStorage(`sqlite:${path}`);
    await s.createStudy('kept', {});
    await s.close();
    chmodSync(path, 0o444);
    assert.deepEqual(await openAs(`sqlite:${path}`, false), { ok: true, studies: ['kept'] }, 'status, best and trials still work');
    const r = await openAs(`sqlite:${path}`, true);
    assert.equal(r?.error?.code, 'read-only', JSON.stringify(r));
    assert.ok(r!.error!.message.includes(`the study database ${path} is read-only`), r!.error!.message);
    assert.match(r!.error!.message, /chmod u\+w/);
  });

  test("a database in a read-only folder is StudyError 'read-only' naming the folder", async (t) => {
    const skip = canDropPrivileges();
    if (skip) return t.skip(skip);
    const sub = join(dir, 'ro-dir');
    mkdirSync(sub);
    const path = join(sub, 'study.db');
    writeFileSync(path, '');
    if (root) chownSync(path, 65534, 65534);
    chmodSync(path, 0o666);
    chmodSync(sub, 0o555);
    const r = await openAs(`sqlite:${path}`, false);
    chmodSync(sub, 0o755);
    assert.equal(r?.error?.code, 'read-only', JSON.stringify(r));
    assert.ok(r!.error!.message.includes(`the folder ${sub} of the study database`), r!.error!.message);
    assert.match(r!.error!.message, /-wal and -shm/);
  });
});
