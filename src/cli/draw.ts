// `nasforge draw`: a picture of one architecture of a search space (named as `inspect` names
// it, by the same code): cell spaces draw their cells as DAGs with ops on the edges, layer
// spaces their layer sequence. Writes an SVG (laid out here, no Graphviz needed) and/or
// Graphviz DOT text.
import { type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { UserError } from './errors.js';
import { namedArchitecture } from './inspect.js';

interface DrawFlags {
  space?: string;
  preset?: string;
  genotype?: string;
  sample?: string;
  arch?: string;
  out?: string;
  dot?: string;
}

export function registerDraw(program: Command): void {
  program
    .command('draw')
    .description('draw one architecture of a search space as SVG and/or Graphviz DOT (cells as DAGs, layer spaces as a layer sequence)')
    .option('--space <name>', 'search space, e.g. darts (implied by --preset, and by a --genotype document that names it)')
    .option('--preset <name>', 'a published architecture, e.g. darts-v2 (with --space only where several spaces have the name)')
    .option(
      '--genotype <file>',
      "a genotype: a JSON file, '-' for stdin, or inline JSON; a document nasforge prints (inspect/best/search --json, export's genotype.json) works too",
    )
    .option('--sample <seed>', 'a uniformly sampled architecture for this seed')
    .option('--arch <string>', "the space's short form, e.g. NAS-Bench-Macro's 22212220")
    .option('--out <file.svg>', 'write the SVG drawing here')
    .option('--dot <file.dot>', 'write Graphviz DOT here (with neither --out nor --dot, DOT goes to stdout)')
    .action(async (f: DrawFlags) => {
      const { SpaceError, graph: render } = await import('../spaces/index.js');
      const { space, genotype } = await namedArchitecture(f);
      try {
        if (!space.graph) throw new UserError(`space '${space.name}' cannot be drawn: it offers no graph of its genotypes`);
        const name =
          f.preset ?? (f.genotype !== undefined ? 'genotype' : f.sample !== undefined ? `sample ${f.sample}` : f.arch!.length > 40 ? 'arch' : f.arch!);
        const g = space.graph(genotype);
        const title = `${space.name}: ${name}`;
        const write = (file: string, text: string): void => {
          try {
            writeFileSync(file, text);
          } catch (e) {
            throw new UserError(`cannot write '${file}': ${(e as Error).message}`);
          }
        };
        if (f.out !== undefined) write(f.out, render.toSvg(g, title));
        if (f.dot !== undefined) write(f.dot, render.toDot(g, title));
        if (f.out === undefined && f.dot === undefined) process.stdout.write(render.toDot(g, title));
        for (const file of [f.out, f.dot]) if (file !== undefined) console.error(`wrote ${file}`);
      } catch (e) {
        if (e instanceof SpaceError) throw new UserError(e.message);
        throw e;
      }
    });
}
