// A process running an ask/tell loop on a study (for test/search/ask-tell.test.ts): asks until
// the budget is used, "trains" each architecture by a NAS-Bench-201 lookup, tells the result,
// and prints the numbers it told as JSON. argv: storage URL, study name.
import { openStudy } from '../../src/search/index.js';
import { loadTable } from '../../src/tabular/index.js';

const [url, name] = process.argv.slice(2) as [string, string];
if (!url || !name) throw new Error('usage: ask-tell-child.js STORAGE_URL STUDY (started by ask-tell.test.js)');
const table = loadTable('nas-bench-201');
const study = await openStudy({
  storage: url,
  name,
  space: 'nas-bench-201',
  strategy: { name: 'evolution', population: 6, sample: 3 },
  budget: { trials: 24 },
  seed: 3,
});
const told: number[] = [];
for (let t = await study.ask(); t; t = await study.ask()) {
  await study.tell(t, table.query(t.genotype, { run: 'mean' }));
  told.push(t.number);
}
await study.close();
console.log(JSON.stringify(told));
