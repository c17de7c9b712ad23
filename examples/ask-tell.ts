// Ask/tell: nasforge's aging evolution proposes NAS-Bench-201 cells, and this script trains
// each one with its own training loop (not nasforge's trainer) on Fashion-MNIST, then tells the
// validation accuracy back. The study is stored like any search: `nasforge status --study
// ask-tell --storage sqlite:runs/ask-tell.db` reads it, and more processes may run this same
// script at once to share the work.
//
//   make build && node dist/examples/ask-tell.js [trials]
import { type AskedTrial, DataLoader, F, data, estimate, loadDataset, noGrad, openStudy, optim, tidy, train as training } from 'nasforge';

const trials = Number(process.argv[2] ?? 8);
const study = await openStudy({
  storage: process.env.NASFORGE_STORAGE ?? 'sqlite:runs/ask-tell.db',
  name: 'ask-tell',
  space: 'nas-bench-201',
  strategy: { name: 'evolution', population: 4, sample: 2 },
  budget: { trials },
  seed: 0,
  stack: { channels: 8, cellsPerStage: 1 },
});
// 1,500 training images and 500 to validate on: enough to tell cells apart in seconds
const fmnist = loadDataset('fashion-mnist', { limit: 2000 });
const { train, val } = data.trainValSplit(fmnist.train, { valFraction: 0.25, seed: 0 });
// normalised, and the grey channel repeated for the RGB stem of the cell networks
const transform = estimate.stemTransform(study.space, train.sampleShape, fmnist.normalize);

/** My own training: two epochs of SGD with Nesterov momentum, then validation accuracy in percent. */
function trainAndValidate(trial: AskedTrial): number {
  const net = study.build(trial, { classes: 10 });
  const sgd = new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
  net.train();
  const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0, transform });
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const b of loader) {
      tidy(() => {
        const loss = F.crossEntropy(training.logitsOf(net.forward(b.x)), b.y);
        sgd.zeroGrad();
        loss.backward();
        sgd.step();
      });
    }
  }
  net.eval();
  let correct = 0;
  noGrad(() => {
    for (const b of new DataLoader(val, { batchSize: 250, shuffle: false, transform })) {
      correct += tidy(() => training.logitsOf(net.forward(b.x)).argmax(1).eq(b.y).sum().item());
    }
  });
  sgd.dispose();
  net.dispose();
  return (100 * correct) / val.length;
}

for (let t = await study.ask(); t; t = await study.ask()) {
  const valAccuracy = trainAndValidate(t);
  await study.tell(t, { valAccuracy });
  console.log(`trial ${t.number}: ${valAccuracy.toFixed(1)}%  ${t.key}`);
}
const best = await study.best();
console.log(`best: trial ${best?.number}, valAccuracy ${best?.metrics?.valAccuracy?.toFixed(1)}%, ${best?.key}`);
await study.close();
