// openStudy's ask/tell: a user's own loop over a strategy's proposals, stored as a study that
// the read side sees; several asks before a tell get distinct, pending-aware proposals; many
// processes ask and tell on one study at once (SQLite and PostgreSQL) without a trial handed
// out twice; and none of it loads the engine.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { openStudy, studyStatus } from '../../src/search/index.js';
import { loadTable } from '../../src/tabular/index.js';
import { type Backend, SKIP_PG, postgresBackend, sqliteBackend } from '../study/helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./ask-tell-child.js', import.meta.url));
const table = loadTable('nas-bench-201');
const score = (g: object) => table.query(g, { run: 'mean' });

function run(args: string[]): Promise<number[]> {
  return new Promise((done, fail) => {
    const c = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    c.on('exit', (code) => (code === 0 ? done(JSON.parse(out) as number[]) : fail(new Error(`ask/tell child exited with ${code}`))));
  });
}

const backends: Backend[] = [sqliteBackend(), ...(SKIP_PG ? [] : [postgresBackend()])];
after(async () => {
  for (const b of backends) await b.cleanup();
});

for (const backend of backends) {
  describe(`ask/tell on ${backend.name}`, () => {
    test('a loop of ask and tell runs the budget, the strategy learns, and the study reads back like any other', async () => {
      const url = await backend.url();
      const study = await openStudy({
        storage: url,
        name: 'loop',
        space: 'nas-bench-201',
        strategy: { name: 'evolution', population: 4, sample: 2 },
        budget: { trials: 10 },
      });
      let n = 0;
      for (let t = await study.ask(); t; t = await study.ask()) {
        assert.equal(t.number, n++);
        assert.equal(t.key, study.space.key(t.genotype));
        const trial = await study.tell(t, score(t.genotype));
        assert.equal(trial.state, 'complete');
        assert.equal(trial.score, score(t.genotype).valAccuracy);
      }
      assert.equal(n, 10, 'ask returns null once the budget is used');
      const best = await study.best();
      await study.close();
      const status = await studyStatus({ storage: url, study: 'loop' });
      assert.equal(status.counts.complete, 10);
      assert.equal(status.best?.number, best?.number);
      assert.equal(status.best?.score, Math.max(...status.trials.map((t) => t.score!)));
    });

    test('trials asked before any is told are distinct; fail records the reason; a trial told twice is refused', async () => {
      const url = await backend.url();
      const study = await openStudy({ storage: url, name: 'pending', space: 'nas-bench-201', strategy: 'random', budget: { trials: 5 }, seed: 1 });
      const asked = [await study.ask(), await study.ask(), await study.ask()].map((t) => t!);
      assert.deepEqual(
        asked.map((t) => t.number),
        [0, 1, 2],
      );
      assert.equal(new Set(asked.map((t) => t.key)).size, 3, 'pending proposals are not proposed again');
      await study.tell(asked[1]!, score(asked[1]!.genotype));
      const failed = await study.fail(asked[0]!, new Error('out of memory on my GPU'));
      assert.equal(failed.state, 'failed');
      assert.match(failed.error ?? '', /out of memory on my GPU/);
      await study.report(asked[2]!, 1, { valAccuracy: 50 });
      await study.tell(asked[2]!, score(asked[2]!.genotype));
      await assert.rejects(study.tell(asked[2]!, score(asked[2]!.genotype)), (e: unknown) => (e as { code?: string }).code === 'trial-lost');
      await assert.rejects(study.tell(asked[1]!, { valLoss: 1 }), /needs the metric 'valAccuracy'/);
      await study.close();
    });

    test('three processes ask and tell on one study at once: every trial handed out once, all complete', async () => {
      const url = await backend.url();
      const told = await Promise.all([run([url, 'shared']), run([url, 'shared']), run([url, 'shared'])]);
      const all = told.flat().sort((a, b) => a - b);
      assert.deepEqual(
        all,
        Array.from({ length: 24 }, (_, i) => i),
        'trials 0..23, each told by exactly one process',
      );
      const status = await studyStatus({ storage: url, study: 'shared' });
      assert.equal(status.counts.complete, 24);
      assert.equal(status.trials.length, 24);
    });
  });
}

test('openStudy, ask and tell never load the engine (a strategy without a network)', () => {
  const script = `
    const { openStudy } = await import('${ROOT}dist/src/index.js');
    const { engineLoaded } = await import('${ROOT}dist/src/torch/index.js');
    const study = await openStudy({ storage: 'sqlite::memory:', name: 'free', space: 'nas-bench-201', budget: { trials: 3 } });
    for (let t = await study.ask(); t; t = await study.ask()) await study.tell(t, { valAccuracy: t.number });
    await study.close();
    console.log(JSON.stringify({ loaded: engineLoaded() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { loaded: false });
});
