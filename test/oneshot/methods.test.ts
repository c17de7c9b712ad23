// Every registered weight-sharing method on every space it lists, from the registry: one tiny
// search (a tiny stack, a few dozen tiny images, two epochs of a few steps) derives a genotype the
// space validates; the same search stopped after its first epoch and started again on its workdir
// resumes from the checkpoint and ends with the same genotype, metrics and details; an unknown
// option is refused, by the method and by the registry's check a search config uses. A method or
// space added to the registry is covered once it has a tiny setup below (the test says so).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { type LatencyTable, measureLatencyTable, saveLatencyTable } from '../../src/estimate/index.js';
import { type TensorDataset } from '../../src/data/index.js';
import {
  type OneShotContext,
  type OneShotMethod,
  ONESHOT_METHODS,
  OneShotError,
  getOneShotMethod,
  layerwiseSupernet,
  oneshotMethodNames,
  resolveOneShotOptions,
} from '../../src/oneshot/index.js';
import { supernetLatencyParts } from '../../src/oneshot/supernets/layerwise/index.js';
import { type AnySearchSpace, type Stack, getSpace } from '../../src/spaces/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { type Json } from '../../src/util/index.js';
import { tempDir, tinyImages } from './oneshot-fixtures.js';

setNumThreads(1);
const dir = tempDir('nasforge-methods-');
test.after(() => dir.remove());

/** Per space: the tiny search stack and the image size its stem and reductions can take. */
const SPACE_SETUP: Record<string, { stack: (space: AnySearchSpace) => Partial<Stack>; size: number }> = {
  darts: { stack: () => ({ cells: 3, channels: 4 }), size: 8 },
  'enas-micro': { stack: () => ({ channels: 4, cellsPerStage: 1 }) as Partial<Stack>, size: 8 },
  'enas-macro': { stack: () => ({ channels: 4, cellsPerStage: 1 }) as Partial<Stack>, size: 8 },
  fbnet: { stack: (s) => s.tiny.stack, size: 16 },
  proxylessnas: { stack: (s) => s.tiny.stack, size: 16 },
};

/**
 * Per method: options for a search of two epochs of a few steps (the per-method tests' own, so
 * this loop is their resume check; DARTS here is first order, darts.test.ts resumes a
 * second-order search, four times as dear). Layer-wise searches get one latency table per space,
 * shared by every run: a table measured anew per run would differ and so would the searches.
 */
const TINY: Record<string, (space: AnySearchSpace) => Record<string, Json>> = {
  darts: () => ({ epochs: 2, batchSize: 16 }),
  gdas: () => ({ epochs: 2, batchSize: 16 }),
  oneshot: () => ({ epochs: 2, batchSize: 16, stepsPerEpoch: 2, samples: 4, bnBatches: 1, evalBatches: 1 }),
  fbnet: (s) => ({ epochs: 2, batchSize: 16, stepsPerEpoch: 2, thetaLr: 0.05, latencyTable: latencyTable(s) }),
  proxylessnas: (s) => ({ epochs: 2, warmupEpochs: 0, batchSize: 16, stepsPerEpoch: 4, archEvery: 1, archLr: 0.05, latencyTable: latencyTable(s) }),
  enas: () => ({
    epochs: 2,
    batchSize: 16,
    stepsPerEpoch: 2,
    controllerSteps: 2,
    controllerBatch: 2,
    derivedSamples: 3,
    hidden: 16,
    controllerLr: 0.05,
  }),
};

const tables = new Map<string, string>();
function latencyTable(space: AnySearchSpace): string {
  let path = tables.get(space.name);
  if (path === undefined) {
    const { size } = SPACE_SETUP[space.name]!;
    const net = layerwiseSupernet(space, { ...SPACE_SETUP[space.name]!.stack(space), classes: 2 });
    const table: LatencyTable = measureLatencyTable(supernetLatencyParts(net, size), { warmup: 1, repeats: 2 });
    net.dispose();
    path = join(dir.path, `${space.name}-latency.json`);
    saveLatencyTable(path, table);
    tables.set(space.name, path);
  }
  return path;
}

const data = new Map<number, { train: TensorDataset; val: TensorDataset }>();
function images(size: number): { train: TensorDataset; val: TensorDataset } {
  let d = data.get(size);
  if (d === undefined) data.set(size, (d = { train: tinyImages(32, size, 1), val: tinyImages(32, size, 2) }));
  return d;
}

/** As a search config's check reports: the field, then what was wrong. */
const fail = (field: string, detail: string): Error => new Error(`strategy${field ? `.${field}` : ''} ${detail}`);

/** What a run measured of the clock, which no two runs share. */
const TIMING = new Set(['searchSeconds', 'epochSeconds', 'stepMs']);
function untimed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untimed);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !TIMING.has(k))
        .map(([k, x]) => [k, untimed(x)]),
    );
  return v;
}

test('the registry: names from the list, lookup by name with did-you-mean, and the shared space check', () => {
  const names = oneshotMethodNames();
  assert.deepEqual(
    names,
    ONESHOT_METHODS.map((m) => m.name),
  );
  assert.equal(new Set(names).size, names.length, 'names are unique');
  for (const m of ONESHOT_METHODS) assert.equal(getOneShotMethod(m.name), m);
  assert.throws(
    () => getOneShotMethod('dart'),
    (e: unknown) =>
      e instanceof OneShotError &&
      e.code === 'unknown-method' &&
      /'dart'/.test(e.message) &&
      /Did you mean 'darts'\?/.test(e.message) &&
      names.every((n) => e.message.includes(n)),
  );
  for (const m of ONESHOT_METHODS) {
    assert.throws(
      () => resolveOneShotOptions(m, 'nas-bench-macro', {}, fail),
      (e: unknown) =>
        e instanceof Error &&
        e.message.startsWith('strategy ') &&
        e.message.includes(`builds supernets of the spaces ${m.spaces.join(', ')}, not 'nas-bench-macro'`),
    );
  }
});

function context(space: AnySearchSpace, options: Record<string, Json>, workdir: string, extra: Partial<OneShotContext> = {}): OneShotContext {
  const setup = SPACE_SETUP[space.name]!;
  return { space, stack: setup.stack(space), ...images(setup.size), options, seed: 7, workdir, ...extra };
}

async function checkMethodOnSpace(method: OneShotMethod, spaceName: string): Promise<void> {
  const space = getSpace(spaceName);
  assert.ok(SPACE_SETUP[spaceName], `no tiny stack for space '${spaceName}': add it to SPACE_SETUP`);
  assert.ok(TINY[method.name], `no tiny options for method '${method.name}': add them to TINY`);
  // the options as a search config's check passes them on (defaults filled in, its seed kept)
  const options = resolveOneShotOptions(method, spaceName, { ...TINY[method.name]!(space), seed: 3 }, fail);
  assert.equal(options.seed, 3);
  const at = (name: string): string => join(dir.path, `${method.name}-${spaceName}-${name}`);

  const full = await method.run(context(space, options, at('full')));
  assert.deepEqual(space.validate(JSON.parse(JSON.stringify(full.genotype))), full.genotype, 'the genotype is valid in the space');
  assert.equal(full.metrics.epochs, 2);
  assert.equal(full.metrics.stoppedEarly, 0);

  // stopped after its first epoch (checkpoint written), then started again on the same workdir
  const ac = new AbortController();
  const reported: number[] = [];
  const cut = await method.run(
    context(space, options, at('cut'), {
      signal: ac.signal,
      report: (e) => {
        reported.push(e);
        ac.abort();
      },
    }),
  );
  assert.deepEqual(reported, [0]);
  assert.equal(cut.metrics.stoppedEarly, 1);
  assert.equal(cut.metrics.epochs, 1);
  const resumed = await method.run(context(space, options, at('cut'), { report: (e) => reported.push(e) }));
  assert.deepEqual(reported, [0, 1], 'the resumed run starts at the second epoch');
  assert.equal(resumed.metrics.stoppedEarly, 0);
  assert.deepEqual(resumed.genotype, full.genotype);
  assert.deepEqual(untimed(resumed.metrics), untimed(full.metrics), 'the same metrics as the uninterrupted run');
  assert.deepEqual(untimed(resumed.details), untimed(full.details), 'the same final distribution, ranking or history');

  // an unknown option: refused by the method before any work, and by the config's check
  const bad = { ...options, epochz: 2 };
  await assert.rejects(
    method.run(context(space, bad, at('bad'))),
    (e: unknown) =>
      e instanceof OneShotError &&
      e.code === 'invalid-option' &&
      e.message.startsWith(`${method.name}: option 'epochz'`) &&
      /Did you mean 'epochs'\?/.test(e.message),
  );
  assert.throws(() => resolveOneShotOptions(method, spaceName, bad, fail), /^Error: strategy\.epochz is not an option of/);
}

for (const method of ONESHOT_METHODS) {
  for (const spaceName of method.spaces) {
    test(`${method.name} on ${spaceName}: a valid genotype; stopped after one epoch, it resumes to the uninterrupted end; unknown options refused`, () =>
      checkMethodOnSpace(method, spaceName));
  }
}
