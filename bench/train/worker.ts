// nasforge side of the training-throughput benchmark: one workload trained the way `fit` trains
// it (DataLoader with batched augmentation, then trainStep: forward, loss, backward, clipping,
// optimiser, loss and accuracy read back). It answers line commands on stdin with one JSON line
// each, the same protocol as reference_train.py, so run.js can alternate the two:
//   steps K  -> {"total": [ms...], "data": [ms...]}   K steps; data = time to get the batch
//   quit     -> {"maxRssMb": x}                        then exits
import { createInterface } from 'node:readline';
import { type Batch, DataLoader } from '../../src/data/index.js';
import { makeOptimizer, trainStep } from '../../src/train/index.js';
import { dispose, setNumThreads } from '../../src/torch/index.js';
import { buildWorkload, isWorkloadName } from './workloads.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function main(): void {
  const name = arg('workload', '');
  if (!isWorkloadName(name)) throw new RangeError(`unknown workload '${name}'`);
  setNumThreads(Number(arg('threads', '2')));
  const w = buildWorkload(name, Number(arg('seed', '0')));
  const r = w.recipe;
  const loader = new DataLoader(w.train, { batchSize: r.batchSize, shuffle: true, seed: r.seed, dropLast: true, transform: w.transform });
  const opt = makeOptimizer(w.net.parameters(), r.optimizer);
  w.net.train();
  let it = loader[Symbol.iterator]();
  const nextBatch = (): Batch => {
    let n = it.next();
    if (n.done) {
      // the epoch is over: the loader has moved on to the next one
      it = loader[Symbol.iterator]();
      n = it.next();
    }
    return n.value as Batch;
  };
  const send = (o: unknown): void => {
    process.stdout.write(`${JSON.stringify(o)}\n`);
  };
  send({ ready: true, params: w.net.numParameters() });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, count] = line.trim().split(/\s+/);
    if (cmd === 'steps') {
      const total: number[] = [];
      const data: number[] = [];
      for (let i = 0; i < Number(count ?? '1'); i++) {
        const t0 = performance.now();
        const b = nextBatch();
        const t1 = performance.now();
        const { loss } = trainStep(w.net, b.x, b.y, r, opt);
        dispose(b);
        const t2 = performance.now();
        if (!Number.isFinite(loss)) throw new Error(`loss became ${loss}`);
        total.push(t2 - t0);
        data.push(t1 - t0);
      }
      send({ total, data });
    } else if (cmd === 'quit') {
      send({ maxRssMb: process.resourceUsage().maxRSS / 1024 });
      rl.close();
      opt.dispose();
      w.dispose();
      process.exit(0);
    } else {
      send({ error: `unknown command '${line}'` });
    }
  });
}

main();
