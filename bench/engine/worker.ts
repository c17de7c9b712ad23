// A benchmark worker: builds one network (or nothing, for the op-overhead probe) and answers
// line commands on stdin with one JSON line each, so run.js can alternate it with the PyTorch
// worker (reference.py speaks the same protocol):
//   steps K     -> {"times": [ms, ...]}    K training steps
//   overhead N  -> {"us": x}               mean µs of N calls of add on two 1-element tensors
//   quit        -> {"maxRssMb": x, "cpuS": s}  peak RSS and CPU seconds used, then exits
import { createInterface } from 'node:readline';
import { manualSeed, randint, randn, setNumThreads, tensor } from '../../src/torch/index.js';
import { buildNetwork, isNetworkName } from './networks.js';
import { TrainStep } from './step.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function opOverheadUs(n: number): number {
  const a = tensor([1]).keep();
  const b = tensor([2]).keep();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) a.add(b).dispose();
  const us = ((performance.now() - t0) * 1000) / n;
  a.dispose();
  b.dispose();
  return us;
}

function main(): void {
  const network = arg('network', 'op');
  const batch = Number(arg('batch', '64'));
  setNumThreads(Number(arg('threads', '2')));
  manualSeed(Number(arg('seed', '0')));
  let step: TrainStep | null = null;
  if (network !== 'op') {
    if (!isNetworkName(network)) throw new RangeError(`unknown benchmark network '${network}'`);
    const device = arg('device', 'cpu');
    const net = buildNetwork(network);
    if (device !== 'cpu') net.to(device);
    const x = randn([batch, 3, 32, 32], { device }).keep();
    const y = randint(0, 10, [batch], { device }).keep();
    step = new TrainStep(net, x, y, device === 'cuda');
  }
  const send = (o: unknown): void => {
    process.stdout.write(`${JSON.stringify(o)}\n`);
  };
  send({ ready: true });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, count] = line.trim().split(/\s+/);
    const n = Number(count ?? '1');
    if (cmd === 'steps' && step) {
      const times: number[] = [];
      for (let i = 0; i < n; i++) times.push(step.run());
      send({ times });
    } else if (cmd === 'overhead') {
      send({ us: opOverheadUs(n) });
    } else if (cmd === 'quit') {
      const u = process.resourceUsage();
      send({ maxRssMb: u.maxRSS / 1024, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 });
      rl.close();
      process.exit(0);
    } else {
      send({ error: `unknown command '${line}'` });
    }
  });
}

main();
