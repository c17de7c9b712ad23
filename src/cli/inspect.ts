// `nasforge inspect`: one architecture of a search space, named by a preset, a genotype file,
// a seeded sample or the space's short form, with its parameters, MACs and (on request)
// measured latency.
import { type Command } from 'commander';
import { type AnySearchSpace, type PresetHit } from '../spaces/index.js';
import { UserError } from './errors.js';
import { intFlag } from './flags.js';

export interface InspectFlags {
  /** optional where --preset or a --genotype document names the space */
  space?: string;
  preset?: string;
  genotype?: string;
  sample?: string;
  arch?: string;
  input?: string;
  classes?: string;
  cells?: string;
  channels?: string;
  latency?: boolean;
  warmup?: string;
  repeats?: string;
  threads?: string;
  json?: boolean;
}

/** What `inspect --json` prints. `params` is the deployed network's; `auxiliaryParams` the auxiliary head's (0: none). */
export interface InspectReport {
  space: string;
  key: string;
  genotype: object;
  preset?: string;
  stack: Record<string, unknown>;
  input: { size: number; channels: number };
  params: number;
  auxiliaryParams: number;
  macs: number;
  latencyMs?: number;
  latency?: { medianMs: number; minMs: number; repeats: number; threads: number };
}

function si(n: number): string {
  for (const [d, u] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (n >= d) return `${(n / d).toFixed(2)} ${u}`;
  return String(n);
}

/**
 * The architecture that --space with one of --preset, --genotype, --sample, --arch names (inspect
 * and draw). A preset implies its space and a genotype document may name it, so --space is
 * needed only for the other forms and for a preset name that several spaces hold.
 */
export async function namedArchitecture(f: Pick<InspectFlags, 'space' | 'preset' | 'genotype' | 'sample' | 'arch'>): Promise<{
  space: AnySearchSpace;
  genotype: object;
  preset?: PresetHit['preset'];
}> {
  const { getSpace, getPreset, SpaceError } = await import('../spaces/index.js');
  const { Rng } = await import('../util/index.js');
  try {
    const given = (['preset', 'genotype', 'sample', 'arch'] as const).filter((k) => f[k] !== undefined);
    if (given.length !== 1) {
      throw new UserError(
        `name exactly one architecture with --preset, --genotype, --sample or --arch (got ${given.length ? given.map((k) => `--${k}`).join(', ') : 'none'})`,
      );
    }
    if (f.preset !== undefined) {
      try {
        const hit = getPreset(f.preset, f.space);
        return { space: hit.space, genotype: hit.preset.genotype, preset: hit.preset };
      } catch (e) {
        if (e instanceof SpaceError && e.code === 'ambiguous-preset')
          throw new UserError(`${e.message}: --space ${e.allowed.split(', ').join(' or --space ')}`);
        throw e;
      }
    }
    if (f.genotype !== undefined) {
      const { readGenotypeArg, genotypeDocument, documentSpace } = await import('./genotype-doc.js');
      const { data, from } = readGenotypeArg(f.genotype);
      const doc = genotypeDocument(data, from);
      const space = getSpace(documentSpace(doc, f.space));
      return { space, genotype: space.validate(doc.genotype) };
    }
    if (f.space === undefined)
      throw new UserError(`--${given[0]} needs --space NAME (only --preset, and a --genotype document that names its space, imply it)`);
    const space = getSpace(f.space);
    if (f.sample !== undefined) return { space, genotype: space.sample(new Rng(intFlag('sample', f.sample, 0))) };
    if (!space.parse) throw new UserError(`space '${space.name}' has no short form for --arch; give --genotype, --preset or --sample`);
    return { space, genotype: space.parse(f.arch!) };
  } catch (e) {
    if (e instanceof SpaceError) throw new UserError(e.message);
    throw e;
  }
}

/** The report `inspect` prints: the architecture, its stack and input, and its cost. */
export async function inspectReport(f: InspectFlags): Promise<InspectReport> {
  const { SpaceError } = await import('../spaces/index.js');
  const { estimateCost } = await import('../estimate/index.js');
  const torch = await import('../torch/index.js');
  const { space, genotype, preset } = await namedArchitecture(f);
  try {
    const stack: Record<string, unknown> = { ...preset?.stack };
    const input: { size?: number; channels?: number } = { ...preset?.input };
    for (const k of ['classes', 'cells', 'channels'] as const) if (f[k] !== undefined) stack[k] = intFlag(k, f[k]!, 1);
    if (f.input !== undefined) input.size = intFlag('input', f.input, 1);
    if (f.threads !== undefined) torch.setNumThreads(intFlag('threads', f.threads, 1));
    const report = estimateCost(space, genotype, {
      stack,
      input,
      latency: f.latency ? { warmup: intFlag('warmup', f.warmup ?? '5', 0), repeats: intFlag('repeats', f.repeats ?? '20', 1) } : false,
    });
    return {
      space: space.name,
      key: space.key(genotype),
      genotype,
      ...(f.preset !== undefined ? { preset: f.preset } : {}),
      stack: { ...space.defaultStack, ...stack },
      input: report.input,
      params: report.params,
      auxiliaryParams: report.auxiliaryParams,
      macs: report.macs,
      ...(report.latency ? { latencyMs: report.latency.medianMs, latency: report.latency } : {}),
    };
  } catch (e) {
    if (e instanceof SpaceError) throw new UserError(e.message);
    throw e;
  }
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show one architecture of a search space: key, genotype, parameters, MACs, latency')
    .option('--space <name>', 'search space, e.g. nas-bench-macro (implied by --preset, and by a --genotype document that names it)')
    .option('--preset <name>', 'a published architecture, e.g. darts-v2 (with --space only where several spaces have the name)')
    .option(
      '--genotype <file>',
      "a genotype: a JSON file, '-' for stdin, or inline JSON; a document nasforge prints (inspect/best/search --json, export's genotype.json) works too",
    )
    .option('--sample <seed>', 'a uniformly sampled architecture for this seed')
    .option('--arch <string>', "the space's short form, e.g. NAS-Bench-Macro's 22212220")
    .option('--input <size>', "input image side in pixels (default: the space's, e.g. 32 or 224)")
    .option('--classes <n>', 'output classes')
    .option('--cells <n>', 'cells in the network (cell spaces)')
    .option('--channels <n>', 'initial channels')
    .option('--latency', 'measure CPU latency at batch 1 (median after warm-up)')
    .option('--warmup <n>', 'untimed runs before measuring latency', '5')
    .option('--repeats <n>', 'timed runs for latency', '20')
    .option('--threads <n>', 'libtorch threads for the latency measurement')
    .option('--json', 'print one JSON object')
    .action(async (f: InspectFlags) => {
      const out = await inspectReport(f);
      if (f.json) {
        console.log(JSON.stringify(out));
        return;
      }
      const rows: [string, string][] = [
        ['space', out.space],
        ['key', out.key],
        ['genotype', JSON.stringify(out.genotype)],
        [
          'stack',
          Object.entries(out.stack)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
        ],
        ['input', `${out.input.channels}x${out.input.size}x${out.input.size}`],
        ['params', `${out.params} (${si(out.params)})`],
        ['macs', `${out.macs} (${si(out.macs)})`],
      ];
      // the deployed network is what params counts; the head only exists while training
      if (out.auxiliaryParams > 0) rows.push(['aux head', `${out.auxiliaryParams} (${si(out.auxiliaryParams)}) more params in training, not in params`]);
      if (out.latency) {
        const l = out.latency;
        rows.push([
          'latency',
          `${l.medianMs.toFixed(2)} ms (median of ${l.repeats}, min ${l.minMs.toFixed(2)}, ${l.threads} thread${l.threads > 1 ? 's' : ''}, CPU, batch 1)`,
        ]);
      }
      for (const [k, v] of rows) console.log(`${k.padEnd(9)} ${v}`);
    });
}
