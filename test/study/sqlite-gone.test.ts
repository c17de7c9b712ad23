// The SQLite file deleted, or replaced by another file, under a running search: the worker
// (a child process) stops with StudyError 'storage-gone' instead of going on writing into an
// unlinked file, and what its connection held is saved in the file the message names, with
// every trial recorded before. A replacing file is not written to.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStorage } from '../../src/study/index.js';
import { type Child, killAll, startChild, until } from './spawn.js';

describe('SQLite file gone during a search', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-gone-'));
  const children: Child[] = [];
  after(() => {
    killAll(children);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const how of ['deleted', 'replaced'] as const) {
    test(`${how}: the worker stops with 'storage-gone' and the recovered copy holds the trials`, async () => {
      const path = join(dir, `${how}.db`);
      const child = startChild({
        url: `sqlite:${path}`,
        study: 'gone',
        trials: 200,
        evaluator: 'cheap',
        sleepMs: 20,
        heartbeatSeconds: 0.2,
        workdirRoot: join(dir, `${how}-work`),
      });
      children.push(child);
      const seen = await until('3 complete trials', async () => {
        if (!existsSync(path)) return null;
        const s = await openStorage(`sqlite:${path}`, { mustExist: true });
        try {
          const done = (await s.getStudy('gone')) ? await s.trials('gone', { states: ['complete'] }) : [];
          return done.length >= 3 ? done : null;
        } finally {
          await s.close();
        }
      });
      let replacement = '';
      if (how === 'deleted') rmSync(path);
      else {
        const other = join(dir, 'other.db');
        await (await openStorage(`sqlite:${other}`)).close();
        replacement = createHash('sha256').update(readFileSync(other)).digest('hex');
        renameSync(other, path);
      }
      const exit = await child.done;
      assert.equal(exit.code, 1, exit.stderr);
      const err = exit.result?.error;
      assert.equal(err?.code, 'storage-gone', exit.stdout);
      assert.match(err!.message, new RegExp(`${path.replace(/[.]/g, '\\.')} ${how === 'deleted' ? 'was deleted' : 'was replaced by another file'}`));
      const recovered = /saved in (\S+\.recovered-\S+):/.exec(err!.message)?.[1];
      assert.ok(recovered && existsSync(recovered), `the message names the recovered file: ${err!.message}`);
      assert.ok(recovered.startsWith(`${path}.recovered-`), 'it lies beside the database');

      const saved = await openStorage(`sqlite:${recovered}`, { mustExist: true });
      const trials = await saved.trials('gone');
      await saved.close();
      const complete = trials.filter((t) => t.state === 'complete');
      assert.ok(complete.length >= seen.length, `${complete.length} complete trials recovered, ${seen.length} seen before`);
      for (const t of seen) assert.equal(trials[t.number]?.score, t.score, `trial ${t.number} recovered`);
      assert.ok(complete.length < 200, 'the worker stopped instead of finishing the study');
      // the worker's write-ahead log is not left beside the path, where SQLite would apply it to
      // the next database there (the replacing one, or the recovered copy moved back)
      assert.equal(existsSync(`${path}-wal`), false);
      if (how === 'replaced') {
        assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), replacement, 'the replacing file was not written to');
        const there = await openStorage(`sqlite:${path}`, { mustExist: true });
        assert.deepEqual(await there.listStudies(), [], 'the replacing database is still its own');
        await there.close();
      } else {
        assert.equal(existsSync(path), false, 'no new database was created at the path');
      }
    });
  }
});
