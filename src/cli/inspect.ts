// `nasforge inspect`: one architecture of a search space, named by a preset, a genotype file,
// a seeded sample or the space's short form, with its parameters, MACs and (on request)
// measured latency.
import type { Command } from 'commander';
import { UserError } from './errors.js';
import { intFlag } from './flags.js';
import { readGenotype } from './genotype-doc.js';

interface InspectFlags {
  space: string; preset?: string; genotype?: string; sample?: string; arch?: string;
  input?: string; classes?: string; cells?: string; channels?: string;
  latency?: boolean; warmup: string; repeats: string; threads?: string; json?: boolean;
}

function si(n: number): string {
  for (const [d, u] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (n >= d) return `${(n / d).toFixed(2)} ${u}`;
  return String(n);
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show one architecture of a search space: key, genotype, parameters, MACs, latency')
    .requiredOption('--space <name>', 'search space, e.g. nas-bench-macro')
    .option('--preset <name>', 'a published architecture of the space')
    .option('--genotype <file>', "a genotype: a JSON file, '-' for stdin, or inline JSON; a document nasforge prints (inspect/best/search --json, export's genotype.json) works too")
    .option('--sample <seed>', 'a uniformly sampled architecture for this seed')
    .option('--arch <string>', "the space's short form, e.g. NAS-Bench-Macro's 22212220")
    .option('--input <size>', 'input image side in pixels (default: the space\'s, e.g. 32 or 224)')
    .option('--classes <n>', 'output classes')
    .option('--cells <n>', 'cells in the network (cell spaces)')
    .option('--channels <n>', 'initial channels')
    .option('--latency', 'measure CPU latency at batch 1 (median after warm-up)')
    .option('--warmup <n>', 'untimed runs before measuring latency', '5')
    .option('--repeats <n>', 'timed runs for latency', '20')
    .option('--threads <n>', 'libtorch threads for the latency measurement')
    .option('--json', 'print one JSON object')
    .action(async (f: InspectFlags) => {
      const { getSpace, findPreset, SpaceError } = await import('../spaces/index.js');
      const { Rng } = await import('../util/index.js');
      const { estimateCost } = await import('../estimate/index.js');
      const torch = await import('../torch/index.js');
      try {
        const space = getSpace(f.space);
        const given = (['preset', 'genotype', 'sample', 'arch'] as const).filter((k) => f[k] !== undefined);
        if (given.length !== 1) {
          throw new UserError(`name exactly one architecture with --preset, --genotype, --sample or --arch (got ${given.length ? given.map((k) => `--${k}`).join(', ') : 'none'})`);
        }
        let genotype: object;
        let stack: Record<string, unknown> = {};
        let input: { size?: number; channels?: number } = {};
        if (f.preset !== undefined) {
          const preset = findPreset(space, f.preset);
          genotype = preset.genotype;
          stack = { ...preset.stack };
          input = { ...preset.input };
        } else if (f.genotype !== undefined) {
          genotype = space.validate(readGenotype(f.genotype, space.name));
        } else if (f.sample !== undefined) {
          genotype = space.sample(new Rng(intFlag('sample', f.sample, 0)));
        } else {
          if (!space.parse) throw new UserError(`space '${space.name}' has no short form for --arch; give --genotype, --preset or --sample`);
          genotype = space.parse(f.arch!);
        }
        for (const k of ['classes', 'cells', 'channels'] as const) if (f[k] !== undefined) stack[k] = intFlag(k, f[k]!, 1);
        if (f.input !== undefined) input.size = intFlag('input', f.input, 1);
        if (f.threads !== undefined) torch.setNumThreads(intFlag('threads', f.threads, 1));
        const report = estimateCost(space, genotype, {
          stack, input,
          latency: f.latency ? { warmup: intFlag('warmup', f.warmup, 0), repeats: intFlag('repeats', f.repeats, 1) } : false,
        });
        const out = {
          space: space.name,
          key: space.key(genotype),
          genotype,
          ...(f.preset !== undefined ? { preset: f.preset } : {}),
          stack: { ...space.defaultStack, ...stack },
          input: report.input,
          params: report.params,
          macs: report.macs,
          ...(report.latency ? { latencyMs: report.latency.medianMs, latency: report.latency } : {}),
        };
        if (f.json) {
          console.log(JSON.stringify(out));
          return;
        }
        const rows: [string, string][] = [
          ['space', out.space], ['key', out.key], ['genotype', JSON.stringify(genotype)],
          ['stack', Object.entries(out.stack).map(([k, v]) => `${k}=${String(v)}`).join(' ')],
          ['input', `${report.input.channels}x${report.input.size}x${report.input.size}`],
          ['params', `${report.params} (${si(report.params)})`], ['macs', `${report.macs} (${si(report.macs)})`],
        ];
        if (report.latency) {
          const l = report.latency;
          rows.push(['latency', `${l.medianMs.toFixed(2)} ms (median of ${l.repeats}, min ${l.minMs.toFixed(2)}, ${l.threads} thread${l.threads > 1 ? 's' : ''}, CPU, batch 1)`]);
        }
        for (const [k, v] of rows) console.log(`${k.padEnd(9)} ${v}`);
      } catch (e) {
        if (e instanceof SpaceError) throw new UserError(e.message);
        throw e;
      }
    });
}
